import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parsePlan, writeFilesAtomically, type FileChange, type MigrationSql } from '@orm-ai/core';
import { loadDrizzleConfig } from '../src/drizzle-config.js';
import { migrationFiles, readMigrationsFolder, type DrizzleJournal } from '../src/drizzle-journal.js';
import { drizzlePlugin } from '../src/drizzle-plugin.js';
import { exampleForTest } from '../../../test/support/example-project.js';
import { drizzleKit, drizzleKitGenerate } from '../../../test/support/drizzle-kit-cli.js';
import { applyWithDrizzleMigrator, openMigratorTarget } from '../../../test/support/drizzle-migrator.js';
import { shadowBackends } from '../../../test/support/postgres-server.js';

const NAME = 'set_posts_reading_minutes_not_null';
const CHECK = '"posts_reading_minutes_not_null"';

/**
 * drizzle-kit's `SET NOT NULL` in its safe form, as `--safe` splits it: the ORM's migration
 * adds the check NOT VALID, the next validates it, the last sets NOT NULL and drops the check.
 */
const SAFE: MigrationSql = {
  up: [`ALTER TABLE "posts" ADD CONSTRAINT ${CHECK} CHECK ("reading_minutes" IS NOT NULL) NOT VALID;`],
  down: [`ALTER TABLE "posts" DROP CONSTRAINT ${CHECK};`],
  following: [
    { suffix: 'validate', up: [`ALTER TABLE "posts" VALIDATE CONSTRAINT ${CHECK};`], down: [], outsideTransaction: false },
    {
      suffix: 'finish',
      up: ['ALTER TABLE "posts" ALTER COLUMN "reading_minutes" SET NOT NULL;', `ALTER TABLE "posts" DROP CONSTRAINT ${CHECK};`],
      down: [`ALTER TABLE "posts" ADD CONSTRAINT ${CHECK} CHECK ("reading_minutes" IS NOT NULL) NOT VALID;`, 'ALTER TABLE "posts" ALTER COLUMN "reading_minutes" DROP NOT NULL;'],
      outsideTransaction: false,
    },
  ],
};

/** The plugin's migration for making posts.reading_minutes NOT NULL in a copy of the example, with its schema edit. */
async function generated(root: string) {
  const parsed = parsePlan({
    version: 1,
    request: 'Make posts.reading_minutes required',
    summary: 'For the test.',
    changes: [{ kind: 'alter_column', table: 'posts', column: 'reading_minutes', nullable: false, reason: 'Every post has an estimate now.' }],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const project = await drizzlePlugin.openProject({ cwd: root });
  const edits = await project.applyPlan(parsed.plan);
  const migration = await project.generateMigration({ plan: parsed.plan, edits, name: NAME, shadowServer: undefined });
  return { edits, migration };
}

const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');
const snapshotAt = (root: string, path: string) => JSON.parse(read(root, path)) as { id: string; prevId: string; _meta: unknown; [key: string]: unknown };
const fileText = (files: FileChange[], path: string) => files.find((file) => file.path.endsWith(path))?.after;

describe('following migrations (--safe) written after drizzle-kit\'s own', () => {
  it('each gets the next journal entry and tag, a later `when`, its SQL and down, and a snapshot chained by id', async () => {
    const root = exampleForTest('drizzle-app');
    const { migration } = await generated(root);
    expect(migration.statements).toEqual(['ALTER TABLE "posts" ALTER COLUMN "reading_minutes" SET NOT NULL;']);
    expect(migration.id).toBe(`0002_${NAME}`);
    const files = migration.filesFor(SAFE);
    expect(files.map((file) => [relative(root, file.path), file.role])).toEqual([
      [`drizzle/0002_${NAME}.sql`, 'migration'],
      [`drizzle/0002_${NAME}.down.sql`, 'migration'],
      ['drizzle/meta/0002_snapshot.json', 'metadata'],
      [`drizzle/0003_${NAME}_validate.sql`, 'migration'],
      ['drizzle/meta/0003_snapshot.json', 'metadata'],
      [`drizzle/0004_${NAME}_finish.sql`, 'migration'],
      [`drizzle/0004_${NAME}_finish.down.sql`, 'migration'],
      ['drizzle/meta/0004_snapshot.json', 'metadata'],
      ['drizzle/meta/_journal.json', 'metadata'],
    ]);
    expect(fileText(files, `0004_${NAME}_finish.sql`)).toBe(SAFE.following![1]!.up.join('--> statement-breakpoint\n'));
    expect(fileText(files, `0004_${NAME}_finish.down.sql`)).toBe(SAFE.following![1]!.down.join('--> statement-breakpoint\n'));

    const journal = JSON.parse(fileText(files, '_journal.json')!) as DrizzleJournal;
    const added = journal.entries.slice(2);
    expect(added.map(({ idx, tag, version, breakpoints }) => ({ idx, tag, version, breakpoints }))).toEqual([
      { idx: 2, tag: `0002_${NAME}`, version: '7', breakpoints: true },
      { idx: 3, tag: `0003_${NAME}_validate`, version: '7', breakpoints: true },
      { idx: 4, tag: `0004_${NAME}_finish`, version: '7', breakpoints: true },
    ]);
    const whens = journal.entries.map((entry) => entry.when);
    expect(whens).toEqual([...whens].sort((a, b) => a - b));
    expect(new Set(whens).size).toBe(whens.length);

    const snapshots = ['0002', '0003', '0004'].map((prefix) => JSON.parse(fileText(files, `meta/${prefix}_snapshot.json`)!) as Record<string, unknown>);
    const latest = snapshotAt(root, 'drizzle/meta/0001_snapshot.json');
    expect(snapshots.map((snapshot) => snapshot.prevId)).toEqual([latest.id, snapshots[0]!.id, snapshots[1]!.id]);
    expect(new Set(snapshots.map((snapshot) => snapshot.id)).size).toBe(3);
    // The schema is the final one in each: drizzle-kit's snapshot models neither NOT VALID nor a validation.
    const schemaOf = ({ id: _id, prevId: _prevId, _meta, ...schema }: Record<string, unknown>) => schema;
    expect(schemaOf(snapshots[1]!)).toEqual(schemaOf(snapshots[0]!));
    expect(schemaOf(snapshots[2]!)).toEqual(schemaOf(snapshots[0]!));
    expect(snapshots[2]!._meta).toEqual({ columns: {}, schemas: {}, tables: {} });
  });

  it('names them with increasing timestamps, or no prefix, as the config says, and refuses one that must run outside a transaction', async () => {
    const root = exampleForTest('drizzle-app');
    const config = { ...(await loadDrizzleConfig({ cwd: root })), prefix: 'timestamp' as const };
    const folder = await readMigrationsFolder(config);
    const now = new Date('2026-12-07T16:59:59.500Z');
    const files = migrationFiles({ config, folder, name: 'x', snapshot: { id: 'a', prevId: 'b', version: '7' }, migration: SAFE, now });
    expect(files.map((file) => relative(config.outDir, file.path)).filter((path) => !path.endsWith('down.sql'))).toEqual([
      '20261207165959_x.sql',
      'meta/20261207165959_snapshot.json',
      '20261207170000_x_validate.sql',
      'meta/20261207170000_snapshot.json',
      '20261207170001_x_finish.sql',
      'meta/20261207170001_snapshot.json',
      'meta/_journal.json',
    ]);
    // With no prefix every snapshot is meta/_snapshot.json (which drizzle-kit skips): the last one is written, once.
    const unprefixed = migrationFiles({ config: { ...config, prefix: 'none' }, folder, name: 'x', snapshot: { id: 'a', prevId: 'b', version: '7' }, migration: SAFE, now });
    const snapshotFiles = unprefixed.filter((file) => file.path.endsWith('_snapshot.json'));
    expect(snapshotFiles.map((file) => relative(config.outDir, file.path))).toEqual(['meta/_snapshot.json']);
    // The third: the first is 'a' (after 'b'), the second follows 'a'.
    expect(['a', 'b']).not.toContain(JSON.parse(snapshotFiles[0]!.after).prevId);
    expect(JSON.parse(unprefixed.at(-1)!.after).entries.slice(2).map((entry: { tag: string }) => entry.tag)).toEqual(['_x', '_x_validate', '_x_finish']);
    const outside = { ...SAFE, following: [{ ...SAFE.following![0]!, outsideTransaction: true }] };
    expect(() => migrationFiles({ config, folder, name: 'x', snapshot: {}, migration: outside, now })).toThrow(
      expect.objectContaining({ code: 'INTERNAL_ERROR', message: expect.stringContaining('"validate" must run outside a transaction') }),
    );
  });

  it('leaves a folder drizzle-kit check accepts, and drizzle-kit generate then finds nothing to generate', async () => {
    const root = exampleForTest('drizzle-app');
    const { edits, migration } = await generated(root);
    await writeFilesAtomically([...edits, ...migration.filesFor(SAFE)]);
    const check = drizzleKit(root, ['check']);
    expect(check.stderr).not.toContain('Warning');
    expect(check).toMatchObject({ status: 0, stdout: expect.stringContaining("Everything's fine") });
    expect(drizzleKitGenerate(root)).toContain('No schema changes, nothing to migrate');
  });
});

describe.each(shadowBackends())('following migrations run by drizzle-orm\'s migrator on $name', ({ url }) => {
  it('applies the ORM\'s migration and both following ones in order, recording three rows', async () => {
    const root = exampleForTest('drizzle-app');
    const target = await openMigratorTarget(url);
    onTestFinished(() => target.close());
    await applyWithDrizzleMigrator(target, join(root, 'drizzle'));
    await target.exec("INSERT INTO users (email, display_name) VALUES ('ada@example.com', 'Ada'); INSERT INTO posts (author_id, title, body, reading_minutes) SELECT id, 'Notes', '...', 4 FROM users");
    const { edits, migration } = await generated(root);
    await writeFilesAtomically([...edits, ...migration.filesFor(SAFE)]);
    await applyWithDrizzleMigrator(target, join(root, 'drizzle'));

    const journal = JSON.parse(read(root, 'drizzle/meta/_journal.json')) as DrizzleJournal;
    const rows = await target.query('SELECT created_at FROM drizzle.__drizzle_migrations ORDER BY id');
    expect(rows.slice(2).map((row) => Number(row.created_at))).toEqual(journal.entries.slice(2).map((entry) => entry.when));
    expect(rows).toHaveLength(5);
    const column = await target.query("SELECT is_nullable FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'reading_minutes'");
    expect(column).toEqual([{ is_nullable: 'NO' }]);
    expect(await target.query("SELECT conname FROM pg_constraint WHERE conname = 'posts_reading_minutes_not_null'")).toEqual([]);
  });
});
