import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openShadowDatabase } from '../src/dialect/postgres/shadow/open-shadow.js';
import { replayMigrations } from '../src/shadow/replay-migrations.js';
import { postgresDialect } from '../src/dialect/postgres/postgres-dialect.js';
import { shadowServerFrom } from '../src/dialect/postgres/shadow/server-databases.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';

/** The folder of the safety rules, each a folder of its own beside the shared `setup.sql`. */
export const RULES = join(import.meta.dirname, '..', 'src', 'safety', 'rules');

const SERVER_URL = process.env.SHADOW_TEST_URL?.trim() || null;

/** Embedded PGlite, and the real server where `SHADOW_TEST_URL` names one (CI). */
export const BACKENDS = [{ name: 'PGlite', url: null }, ...(SERVER_URL ? [{ name: 'PostgreSQL server', url: SERVER_URL }] : [])];

/** A shadow on `url` (PGlite when null) holding the rules' shared `setup.sql`: the state every fixture is judged on. */
export async function openRulesShadow(url: string | null): Promise<ShadowDatabase> {
  const shadow = await openShadowDatabase(url ? { server: shadowServerFrom({ shadowUrl: url }) } : {});
  await replayMigrations({ dialect: postgresDialect, shadow, scripts: [{ id: 'setup', path: 'setup.sql', sql: readFileSync(join(RULES, 'setup.sql'), 'utf8') }], transaction: 'none' });
  return shadow;
}
