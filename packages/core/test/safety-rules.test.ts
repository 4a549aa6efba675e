import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMigration, type AnalyzeOptions } from '../src/safety/analyze-migration.js';
import { resolvePostgresVersions } from '../src/dialect/postgres/postgres-target.js';
import { SAFETY_RULES, SQLITE_SAFETY_RULES } from '../src/safety/rules/index.js';
import { replayMigrations } from '../src/shadow/replay-migrations.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';
import { BACKENDS, openRulesShadow, RULES } from './rules-shadow.js';
import { postgresDialect } from '../src/dialect/postgres/postgres-dialect.js';

/**
 * Every rule is a folder under src/safety/rules holding the rule and its fixtures:
 * `dangerous*.sql` files must earn the rule's finding and `safe*.sql` twins must not, each
 * judged on the state the shared `setup.sql` builds (plus the folder's own `setup.sql`, if
 * any), the way `check FILES --setup` judges them, on embedded PGlite and, where
 * `SHADOW_TEST_URL` names one (CI), on a real PostgreSQL server. The rule's findings on each fixture,
 * messages included, are kept in the folder's `golden.json`. A folder's `fixture.json` may set how the
 * migrator runs them (`transaction`) and the target version (`pgVersion`, as `--pg-version` does), for
 * the folder or per file (`files: { "dangerous-pg10.sql": { "pgVersion": 10 } }`):
 * `UPDATE_GOLDEN=1 npx vitest run test/safety-rules.test.ts` rewrites them for review in the diff.
 */
const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';
/** SQLite's rule folders are judged by test/sqlite-safety-rules.test.ts, on the SQLite shadow. */
const SQLITE_ONLY = new Set<string>(SQLITE_SAFETY_RULES.map((rule) => rule.id).filter((id) => !SAFETY_RULES.some((rule) => rule.id === id)));
const ruleFolders = readdirSync(RULES, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !SQLITE_ONLY.has(entry.name)).map((entry) => entry.name);

interface FixtureSettings {
  /** How the ORM's migrator would run the fixtures (default `none`: plain SQL files, as psql runs them). */
  readonly transaction?: AnalyzeOptions['transaction'];
  /** The PostgreSQL major version the fixtures are judged for, as `--pg-version` sets it (default: the shadow's). */
  readonly pgVersion?: number;
  /**
   * The oldest shadow the fixture's SQL runs on (`18` for a virtual generated column): on an older
   * one the statement fails, so what the shadow measured cannot be compared, and the fixture is not judged there.
   */
  readonly shadowSince?: number;
}

/** A folder's optional `fixture.json`: settings for all its fixtures, and per-file ones that override them. */
interface FolderSettings extends FixtureSettings {
  readonly files?: Readonly<Record<string, FixtureSettings>>;
}

type Golden = Record<string, Array<{ line: number; severity: string; message: string }>>;


describe.each(BACKENDS)('safety rules on $name: one folder each, dangerous and safe twins, golden findings', ({ url }) => {
  let prepared: ShadowDatabase;
  beforeAll(async () => {
    prepared = await openRulesShadow(url);
  });
  afterAll(async () => {
    await prepared?.close();
  });

  it('has a folder for every rule, named by its id and holding its module, and no folder without a rule', () => {
    expect([...ruleFolders].sort()).toEqual(SAFETY_RULES.map((rule) => rule.id).sort());
    for (const rule of SAFETY_RULES) expect(existsSync(join(RULES, rule.id, `${rule.id}.ts`)), rule.id).toBe(true);
  });

  it.each(ruleFolders)('%s', async (rule) => {
    const folder = join(RULES, rule);
    const settings: FolderSettings = existsSync(join(folder, 'fixture.json')) ? JSON.parse(readFileSync(join(folder, 'fixture.json'), 'utf8')) : {};
    const fixtures = readdirSync(folder).filter((file) => file.endsWith('.sql') && file !== 'setup.sql').sort();
    expect(fixtures.filter((file) => file.startsWith('dangerous')), 'a dangerous fixture').not.toEqual([]);
    expect(fixtures.filter((file) => file.startsWith('safe')), 'a safe twin').not.toEqual([]);
    for (const file of Object.keys(settings.files ?? {})) expect(fixtures, `${rule}/fixture.json names its fixtures`).toContain(file);

    const ownSetup = existsSync(join(folder, 'setup.sql')) ? readFileSync(join(folder, 'setup.sql'), 'utf8') : null;
    // On PGlite a fork loads the modules of the extensions its SQL creates (citext).
    const own = ownSetup === null ? null : await prepared.fork({ sql: [ownSetup] });
    try {
      if (own && ownSetup !== null) await replayMigrations({ dialect: postgresDialect, shadow: own, scripts: [{ id: `${rule}/setup`, path: 'setup.sql', sql: ownSetup }], transaction: 'none' });
      const actual: Golden = {};
      for (const file of fixtures) {
        const path = join(folder, file);
        const { transaction = 'none', pgVersion, shadowSince } = { ...settings, ...settings.files?.[file] };
        const postgres = await resolvePostgresVersions({ flag: pgVersion, shadow: own ?? prepared, server: url !== null, projectRoot: null });
        if (shadowSince !== undefined && postgres.shadow.major < shadowSince) continue;
        const analysis = await analyzeMigration({ dialect: postgresDialect, prepared: own ?? prepared, path, sql: readFileSync(path, 'utf8'), transaction, postgres });
        // A finding may name the shadow's version (a measurement that does not hold for the target): the golden names it `<shadow>`, the same on every backend.
        const shadowLabel = new RegExp(`PostgreSQL ${postgres.shadow.major}\\b`, 'g');
        actual[file] = analysis.statements.flatMap((statement) =>
          statement.findings
            .filter((finding) => finding.rule === rule)
            .map((finding) => ({ line: statement.line, severity: finding.severity, message: finding.message.replace(shadowLabel, 'PostgreSQL <shadow>') })),
        );
        if (file.startsWith('dangerous')) expect(actual[file], `${rule}/${file} earns ${rule}`).not.toEqual([]);
        else expect(actual[file], `${rule}/${file} earns no ${rule}`).toEqual([]);
      }
      const goldenPath = join(folder, 'golden.json');
      if (UPDATE_GOLDEN && !url) writeFileSync(goldenPath, `${JSON.stringify(actual, null, 2)}\n`);
      expect(existsSync(goldenPath), `${rule}/golden.json exists (UPDATE_GOLDEN=1 writes it)`).toBe(true);
      const golden: Golden = JSON.parse(readFileSync(goldenPath, 'utf8'));
      // Fixtures not judged on this shadow (`shadowSince`) keep their golden findings from one that judges them.
      expect(actual).toEqual(Object.fromEntries(Object.entries(golden).filter(([file]) => file in actual || !fixtures.includes(file))));
    } finally {
      await own?.close();
    }
  });
});
