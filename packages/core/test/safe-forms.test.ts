import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmCapabilities } from '../src/orm-plugin.js';
import { safeMigrationsFor } from '../src/pipeline/safe-migrations.js';
import { proveRoundTrip } from '../src/rollback/prove-round-trip.js';
import { analyzeMigration } from '../src/safety/analyze-migration.js';
import { SAFETY_RULES } from '../src/safety/rules/index.js';
import { replayMigrations } from '../src/shadow/replay-migrations.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';
import { BACKENDS, openRulesShadow, RULES } from './rules-shadow.js';
import { postgresDialect } from '../src/dialect/postgres/postgres-dialect.js';

/**
 * `--safe`: every rule with a safe form keeps its cases in `<rule>/safe-form/`: `<case>.sql`, a
 * migration as an ORM writes it, and `<case>.down.sql`, its down. Each case is rewritten for
 * an ORM whose migrator can run a migration outside a transaction (Prisma: `script`) and for
 * one whose migrator runs every migration in one (Drizzle: `all`), on the shared rules'
 * `setup.sql`. The rewrite must end where the case's migration ends (`safeMigrationsFor`
 * compares the catalogs), leave no finding of its rule where the form was used, and keep a
 * down that restores the schema and the rows. The rewrites are kept in `safe-form/golden.json`:
 * `UPDATE_GOLDEN=1 npx vitest run test/safe-forms.test.ts` rewrites them for review in the diff.
 */
const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

const MIGRATORS: ReadonlyArray<{ name: string; capabilities: OrmCapabilities }> = [
  { name: 'outside-transaction', capabilities: { migrationTransaction: 'script', migrationOutsideTransaction: true, promptNotes: [] } },
  { name: 'one-transaction', capabilities: { migrationTransaction: 'all', migrationOutsideTransaction: false, promptNotes: [] } },
];

const withSafeForms = SAFETY_RULES.filter((rule) => rule.safeForm).map((rule) => rule.id);

function casesOf(rule: string): string[] {
  const folder = join(RULES, rule, 'safe-form');
  return existsSync(folder) ? readdirSync(folder).filter((file) => file.endsWith('.sql') && !file.endsWith('.down.sql')).map((file) => file.replace(/\.sql$/, '')).sort() : [];
}

const statementsOf = (text: string) => [text.trim()];

describe.each(BACKENDS)('safe forms on $name', ({ url }) => {
  let prepared: ShadowDatabase;
  beforeAll(async () => {
    prepared = await openRulesShadow(url);
  });
  afterAll(async () => {
    await prepared?.close();
  });

  it('the five safe forms issue 15 names, each with its cases', () => {
    expect([...withSafeForms].sort()).toEqual(['add-column-rewrites-table', 'constraint-not-valid-missing', 'create-index-not-concurrent', 'set-not-null-scans-table', 'unique-without-using-index']);
    for (const rule of withSafeForms) expect(casesOf(rule), rule).not.toEqual([]);
  });

  it.each(withSafeForms)('%s', async (rule) => {
    const golden: Record<string, unknown> = {};
    for (const name of casesOf(rule)) {
      const folder = join(RULES, rule, 'safe-form');
      const up = statementsOf(readFileSync(join(folder, `${name}.sql`), 'utf8'));
      const down = statementsOf(readFileSync(join(folder, `${name}.down.sql`), 'utf8'));
      for (const { name: migrator, capabilities } of MIGRATORS) {
        const label = `${name} (${migrator})`;
        const migrationId = `0002_${name.replaceAll('-', '_')}`;
        const safe = await safeMigrationsFor({ dialect: postgresDialect, prepared, migrationId, up, down, capabilities, ormName: 'TheOrm' });
        golden[`${name}/${migrator}`] = { up: safe.up, down: safe.down, following: safe.following, rewritten: safe.rewritten.map(({ rule: id, summary }) => ({ rule: id, summary })), kept: safe.kept.map(({ rule: id, reason }) => ({ rule: id, reason })) };

        const following = safe.following;
        const analysis = await analyzeMigration({
          dialect: postgresDialect,
          prepared,
          path: migrationId,
          sql: safe.up.join('\n'),
          transaction: capabilities.migrationTransaction,
          following: following.map((next) => ({ id: `${migrationId}_${next.suffix}`, sql: next.up.join('\n') })),
        });
        expect(analysis.statements.filter((statement) => statement.error !== undefined), label).toEqual([]);
        const used = safe.rewritten.some((entry) => entry.rule === rule);
        const ruleFindings = analysis.statements.flatMap((statement) => statement.findings.filter((finding) => finding.rule === rule));
        // Where the form was used its rule has nothing left to say; where it was kept, the rule still warns.
        if (used) expect(ruleFindings, label).toEqual([]);
        else if (safe.kept.some((entry) => entry.rule === rule)) expect(ruleFindings, label).not.toEqual([]);
        expect(analysis.statements.flatMap((statement) => statement.findings.filter((finding) => finding.severity === 'error')), label).toEqual([]);

        const proof = await proveRoundTrip({ dialect: postgresDialect, prepared, migrationId, up: safe.up, down: safe.down, following, transaction: capabilities.migrationTransaction });
        expect({ reversible: proof.reversible, reason: proof.reason, lost: proof.dataLoss }, label).toEqual({ reversible: true, reason: null, lost: [] });
      }
    }
    const goldenPath = join(RULES, rule, 'safe-form', 'golden.json');
    if (UPDATE_GOLDEN) writeFileSync(goldenPath, `${JSON.stringify(golden, null, 2)}\n`);
    expect(golden).toEqual(JSON.parse(readFileSync(goldenPath, 'utf8')));
  });

  it('a batched backfill that commits each batch runs outside a transaction, measured as row locks only, and fills every row', async () => {
    const up = statementsOf(readFileSync(join(RULES, 'add-column-rewrites-table', 'safe-form', 'volatile-default.sql'), 'utf8'));
    const safe = await safeMigrationsFor({ dialect: postgresDialect, prepared, migrationId: '0002_uid', up, down: [], capabilities: MIGRATORS[0]!.capabilities, ormName: 'TheOrm' });
    const backfill = safe.following.find((next) => next.suffix === 'backfill_uid');
    expect(backfill?.outsideTransaction).toBe(true);
    const analysis = await analyzeMigration({
      dialect: postgresDialect,
      prepared,
      path: '0002_uid',
      sql: safe.up.join('\n'),
      transaction: 'script',
      following: safe.following.map((next) => ({ id: `0002_uid_${next.suffix}`, sql: next.up.join('\n') })),
    });
    const measured = analysis.statements.find((statement) => statement.migration === '0002_uid_backfill_uid');
    expect(measured).toMatchObject({ rewrites: [], locks: [{ relation: 'posts', mode: 'ROW EXCLUSIVE', measured: url !== null }] });
    expect(measured?.findings.map((finding) => finding.rule)).toEqual([]);
    // Outside the analysis' own rows: three batches' worth, each committed, none left NULL.
    const left = await prepared.isolated({ sql: [...safe.up, ...backfill!.up] }, async (shadow) => {
      await shadow.exec('INSERT INTO users (email) VALUES ($$a@example.com$$)');
      await shadow.exec('INSERT INTO posts (author_id, title) SELECT (SELECT min(id) FROM users), $$t$$ || n FROM generate_series(1, 2500) AS n');
      await replayMigrations({ dialect: postgresDialect, shadow, scripts: [{ id: 'up', path: 'up', sql: safe.up.join('\n') }, { id: 'backfill', path: 'backfill', sql: backfill!.up.join('\n') }], transaction: 'script' });
      return shadow.query<{ empty: string }>('SELECT count(*)::text AS empty FROM posts WHERE uid IS NULL');
    });
    expect(left).toEqual([{ empty: '0' }]);
  });
});
