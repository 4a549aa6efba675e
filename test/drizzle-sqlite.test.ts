import { describe, expect, it } from 'vitest';
import { runDrizzleCli } from '@orm-ai/drizzle';
import { capturingIo, exampleForTest, snapshotTree } from './support/example-project.js';
import { drizzleKitGenerate } from './support/drizzle-kit-cli.js';
import { migrateInProcess, query, seededDatabase } from './support/sqlite-blog.js';

/**
 * Issue 16: a Drizzle project on SQLite (examples/drizzle-sqlite-app) through `drizzle-ai
 * generate`: the plan, the source edit, drizzle-kit's migration, the proof on the in-memory
 * SQLite shadow, then drizzle-orm's own migrator on a real SQLite file with rows in it.
 */

async function generateJson(root: string, args: string[]) {
  const { io, out, err } = capturingIo({ cwd: root });
  const code = await runDrizzleCli(['generate', ...args, '--json'], io);
  return { code, err: err.join('\n'), report: JSON.parse(out.join('\n')) as Record<string, any> };
}

describe('drizzle-ai generate on a Drizzle SQLite project', () => {
  it('add-bookmarks-table: writes the edit and drizzle-kit\'s migration, proved on the SQLite shadow; drizzle-kit finds nothing left and its migrator applies it to a real file', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    const database = seededDatabase(root);
    const { code, err, report } = await generateJson(root, ['--plan', 'plans/add-bookmarks-table.json', '--yes']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, written: true, reversible: true, irreversibleReason: null });
    expect(report.files).toEqual(['src/db/schema.ts', 'drizzle/0002_create_bookmarks.sql', 'drizzle/0002_create_bookmarks.down.sql', 'drizzle/meta/0002_snapshot.json', 'drizzle/meta/_journal.json']);
    expect(report.upSql).toContain('CREATE TABLE `bookmarks`');
    expect(report.downSql).toBe('DROP TABLE `bookmarks`;');
    expect(report.rollback).toMatchObject({ schemaDifferences: [], dataLoss: [], notRestored: [], failure: null });
    // The SQLite shadow has no PostgreSQL versions to state.
    expect(report.analysis.postgres).toBeNull();
    expect(report.shadow).toMatch(/^embedded SQLite 3\.\d+/);
    expect(drizzleKitGenerate(root)).toContain('No schema changes, nothing to migrate');

    migrateInProcess(root, database);
    expect(query(database, 'SELECT count(*) AS n FROM posts')).toEqual([{ n: 2 }]);
    expect(query(database, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = 'bookmarks'")).toEqual([{ name: 'bookmarks' }]);
  });

  it('rename-display-name: renames in place, and the real file keeps every value under the new name', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    const database = seededDatabase(root);
    const { code, report } = await generateJson(root, ['--plan', 'plans/rename-display-name.json', '--yes']);
    expect(code).toBe(0);
    expect(report.upSql).toBe('ALTER TABLE `users` RENAME COLUMN "display_name" TO "full_name";');
    expect(report).toMatchObject({ ok: true, written: true, reversible: true });
    expect(drizzleKitGenerate(root)).toContain('No schema changes, nothing to migrate');

    migrateInProcess(root, database);
    expect(query(database, 'SELECT full_name FROM users ORDER BY id')).toEqual([{ full_name: 'Ada' }, { full_name: 'Alan' }]);
  });

  it('require-user-bio: the recreation that deletes every post through ON DELETE CASCADE inside the migrator\'s transaction is refused, measured, and nothing is written', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    const before = snapshotTree(root);
    const { code, report } = await generateJson(root, ['--plan', 'plans/require-user-bio.json', '--yes']);
    expect(code).toBe(1);
    expect(report.error.code).toBe('MIGRATION_UNSAFE');
    // Measured on the shadow with seeded rows, in every table whose key reaches users.
    for (const table of ['posts', 'posts_to_tags', 'comments']) {
      expect(report.error.message).toMatch(new RegExp(`\\[sqlite-cascade-deletes-rows\\] Measured on the shadow with seeded rows: it deleted \\d+ of \\d+ row\\(s\\) of ${table}, a table it does not name`));
    }
    // The fix is Drizzle's: migrate() is the transaction that makes the PRAGMA a no-op.
    expect(report.error.message).toContain("drizzle-orm's migrate() runs every pending migration inside one BEGIN");
    expect(snapshotTree(root)).toEqual(before);
  });

  it('check: the example\'s history passes; the recreation, written anyway with --allow-unsafe, fails CI with the cascade measured', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    const clean = capturingIo({ cwd: root });
    expect(await runDrizzleCli(['check', '--json'], clean.io)).toBe(0);
    expect(JSON.parse(clean.out.join('\n'))).toMatchObject({ ok: true, summary: { errors: 0 } });

    const written = await generateJson(root, ['--plan', 'plans/require-user-bio.json', '--yes', '--allow-unsafe', '--allow-data-loss', '--allow-irreversible']);
    expect(written.report).toMatchObject({ ok: true, written: true });
    const checked = capturingIo({ cwd: root });
    expect(await runDrizzleCli(['check', '--json'], checked.io)).toBe(1);
    const findings = (JSON.parse(checked.out.join('\n')).files as Array<{ path: string; statements: Array<{ findings: Array<{ rule: string }> }> }>)
      .flatMap((migration) => migration.statements.flatMap((statement) => statement.findings.map((finding) => `${migration.path} ${finding.rule}`)));
    expect(findings).toContain('drizzle/0002_alter_users_bio.sql sqlite-cascade-deletes-rows');
    expect(findings).toContain('drizzle/0002_alter_users_bio.sql sqlite-foreign-key-check-missing');
  });
});
