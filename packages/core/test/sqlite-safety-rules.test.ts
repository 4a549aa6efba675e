import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqliteDialect } from '../src/dialect/sqlite/sqlite-dialect.js';
import type { AnalyzeOptions } from '../src/safety/analyze-migration.js';
import { SAFETY_RULES, SQLITE_SAFETY_RULES } from '../src/safety/rules/index.js';
import { RULES } from './rules-shadow.js';

/**
 * SQLite's rules, one folder each beside PostgreSQL's: `dangerous*.sql` must earn the rule's
 * finding and `safe*.sql` must not, each analyzed on the SQLite shadow after the folder's
 * `setup.sql`, with the migrator's transaction from `fixture.json` (per file under `files`).
 * The findings are kept in `golden.json`: `UPDATE_GOLDEN=1 npx vitest run
 * test/sqlite-safety-rules.test.ts` rewrites them for review in the diff.
 */
const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';
const SQLITE_ONLY = SQLITE_SAFETY_RULES.map((rule) => rule.id).filter((id) => !SAFETY_RULES.some((rule) => rule.id === id));

interface FixtureSettings {
  readonly transaction?: AnalyzeOptions['transaction'];
  readonly files?: Readonly<Record<string, { readonly transaction?: AnalyzeOptions['transaction'] }>>;
}

describe('SQLite safety rules: one folder each, dangerous and safe twins, golden findings, on the SQLite shadow', () => {
  it('has a folder for each SQLite rule, holding its module', () => {
    for (const id of SQLITE_ONLY) expect(existsSync(join(RULES, id, `${id}.ts`)), id).toBe(true);
  });

  it.each(SQLITE_ONLY)('%s', async (rule) => {
    const folder = join(RULES, rule);
    const settings: FixtureSettings = existsSync(join(folder, 'fixture.json')) ? JSON.parse(readFileSync(join(folder, 'fixture.json'), 'utf8')) : {};
    const fixtures = readdirSync(folder).filter((file) => file.endsWith('.sql') && file !== 'setup.sql').sort();
    expect(fixtures.filter((file) => file.startsWith('dangerous')), 'a dangerous fixture').not.toEqual([]);
    expect(fixtures.filter((file) => file.startsWith('safe')), 'a safe twin').not.toEqual([]);
    const setup = readFileSync(join(folder, 'setup.sql'), 'utf8');
    const prepared = await sqliteDialect.openPreparedShadow({ scripts: [{ id: `${rule}/setup`, path: 'setup.sql', sql: setup }], transaction: 'none' });
    try {
      const actual: Record<string, Array<{ line: number; severity: string; message: string }>> = {};
      for (const file of fixtures) {
        const path = join(folder, file);
        const transaction = settings.files?.[file]?.transaction ?? settings.transaction ?? 'none';
        const analysis = await sqliteDialect.analyzeMigration({ dialect: sqliteDialect, prepared, path, sql: readFileSync(path, 'utf8'), transaction });
        actual[file] = analysis.statements.flatMap((statement) =>
          statement.findings.filter((finding) => finding.rule === rule).map((finding) => ({ line: statement.line, severity: finding.severity, message: finding.message })),
        );
        if (file.startsWith('dangerous')) expect(actual[file], `${rule}/${file} earns ${rule}`).not.toEqual([]);
        else expect(actual[file], `${rule}/${file} earns no ${rule}`).toEqual([]);
      }
      const goldenPath = join(folder, 'golden.json');
      if (UPDATE_GOLDEN) writeFileSync(goldenPath, `${JSON.stringify(actual, null, 2)}\n`);
      expect(existsSync(goldenPath), `${rule}/golden.json exists (UPDATE_GOLDEN=1 writes it)`).toBe(true);
      expect(actual).toEqual(JSON.parse(readFileSync(goldenPath, 'utf8')));
    } finally {
      await prepared.close();
    }
  });
});
