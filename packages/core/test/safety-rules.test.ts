import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMigration, type MigrationAnalysis } from '../src/safety/analyze-migration.js';
import { SAFETY_RULE_IDS } from '../src/safety/safety-rules.js';
import { openShadowDatabase } from '../src/shadow/open-shadow.js';
import { replayMigrations } from '../src/shadow/replay-migrations.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';

/**
 * Every rule has a folder of fixtures under fixtures/safety: `dangerous*.sql` files must
 * earn the rule's finding and `safe*.sql` twins must not, each judged on the state
 * `setup.sql` builds, the way `check FILES --setup` judges them.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'safety');
const ruleFolders = readdirSync(FIXTURES, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

describe('safety rules, dangerous and safe twins', () => {
  let prepared: ShadowDatabase;
  beforeAll(async () => {
    prepared = await openShadowDatabase();
    await replayMigrations({ shadow: prepared, scripts: [{ id: 'setup', path: 'setup.sql', sql: readFileSync(join(FIXTURES, 'setup.sql'), 'utf8') }], transaction: 'none' });
  });
  afterAll(async () => {
    await prepared?.close();
  });

  it('has a fixture folder for every rule and no folder for an unknown rule', () => {
    expect([...ruleFolders].sort()).toEqual([...SAFETY_RULE_IDS].sort());
  });

  const cases = ruleFolders.flatMap((rule) => {
    const folder = join(FIXTURES, rule);
    const settings = existsSync(join(folder, 'fixture.json')) ? (JSON.parse(readFileSync(join(folder, 'fixture.json'), 'utf8')) as { transaction?: 'all' | 'each' | 'none' }) : {};
    return readdirSync(folder)
      .filter((file) => file.endsWith('.sql'))
      .map((file) => ({ rule, file, dangerous: file.startsWith('dangerous'), path: join(folder, file), transaction: settings.transaction ?? 'none' }));
  });

  it.each(cases)('$rule: $file', async ({ rule, dangerous, path, transaction }) => {
    const analysis = await analyzeMigration({ prepared, path, sql: readFileSync(path, 'utf8'), transaction });
    const rules = rulesOf(analysis);
    if (dangerous) expect(rules).toContain(rule);
    else expect(rules).not.toContain(rule);
  });
});

function rulesOf(analysis: MigrationAnalysis): string[] {
  return analysis.statements.flatMap((statement) => statement.findings.map((finding) => finding.rule));
}
