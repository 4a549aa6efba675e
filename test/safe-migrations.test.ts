import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDrizzleCli } from '@orm-ai/drizzle';
import { deployMigrations, runPrismaCli } from '@orm-ai/prisma';
import { runTypeormCli } from '@orm-ai/typeorm';
import { drizzleKit, drizzleKitGenerate } from './support/drizzle-kit-cli.js';
import { applyWithDrizzleMigrator, openMigratorTarget } from './support/drizzle-migrator.js';
import { capturingIo, exampleForTest, planFile } from './support/example-project.js';
import { createTestDatabase, serverTestUrl } from './support/postgres-server.js';
import { migrationsOf, nextPrismaMigration } from './support/prisma-migrations.js';
import { pendingBuilderQueries } from './support/typeorm-builder.js';

/**
 * `--safe` end to end, through each ORM's CLI on its example project, with one plan holding a
 * change for each of the five safe forms: a btree index on an existing table, a foreign key, SET
 * NOT NULL, a unique constraint and a column with a volatile default. The ORM's own migrator then
 * applies every migration written, and the ORM's own tool finds nothing left to generate.
 */
const SAFE_PLAN = {
  request: 'Index posts by title, give posts an editor and a random sort key, require a bio on users, and make display names unique',
  changes: [
    { kind: 'create_index', table: 'posts', name: 'posts_title_idx', columns: ['title'], reason: 'Lookups by title scan the table today.' },
    { kind: 'add_column', table: 'posts', column: { name: 'editor_id', type: 'integer', nullable: true }, reason: 'The editor who last touched the post.' },
    {
      kind: 'add_foreign_key',
      table: 'posts',
      name: 'posts_editor_id_users_id_fk',
      columns: ['editor_id'],
      referencedTable: 'users',
      referencedColumns: ['id'],
      onDelete: 'set null',
      reason: 'An editor is a user; deleting the user clears it.',
    },
    { kind: 'alter_column', table: 'users', column: 'bio', nullable: false, reason: 'Every profile shows a bio; existing NULLs become empty first.' },
    { kind: 'add_unique', table: 'users', name: 'users_display_name_unique', columns: ['display_name'], reason: 'Display names identify authors on the site.' },
    // random(), not gen_random_uuid(): TypeORM reads a uuid column defaulting to gen_random_uuid() back as @Generated('uuid'), which its entity would have to say.
    { kind: 'add_column', table: 'posts', column: { name: 'sort_key', type: 'double precision', nullable: false, default: 'random()' }, reason: 'A random order for the shuffled feed.' },
  ],
  migrationSteps: [
    { position: 'before', sql: "UPDATE users SET bio = '' WHERE bio IS NULL;", down: null, reason: 'Existing users without a bio get an empty one, so NOT NULL holds.', locks: 'ROW EXCLUSIVE on users' },
  ],
};

/** The rules whose safe form every ORM uses for this plan. */
const ALWAYS_REWRITTEN = ['add-column-rewrites-table', 'constraint-not-valid-missing', 'set-not-null-scans-table'];

type Report = Record<string, any>;

/** Runs one of the CLIs with `--json` in `root`; stderr must stay empty. */
async function runJson(cli: (argv: string[], io: ReturnType<typeof capturingIo>['io']) => Promise<number>, root: string, argv: string[]): Promise<Report> {
  const { io, out, err } = capturingIo({ cwd: root, env: {} });
  const code = await cli([...argv, '--json'], io);
  expect(err.join('\n')).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out.join('\n')) as Report;
}

/**
 * What every ORM's report must show: the safe forms used, the split migrations proved, nothing
 * unsafe left. `concurrentIndex`: whether the migrator allows a migration outside a transaction,
 * where the index is built concurrently; `uniqueIsIndex`: the ORM writes the unique constraint as
 * a unique index (Prisma), whose safe form is the concurrent build too.
 */
function expectSafeReport(report: Report, options: { readonly concurrentIndex: boolean; readonly uniqueIsIndex: boolean }): void {
  expect(report).toMatchObject({ ok: true, written: true, reversible: true, rollback: { dataLoss: [], notRestored: [], schemaDifferences: [], failure: null } });
  const rules = new Set(report.safe.rewritten.map((entry: { rule: string }) => entry.rule));
  const expected = [...ALWAYS_REWRITTEN, ...(options.concurrentIndex ? ['create-index-not-concurrent'] : []), ...(options.uniqueIsIndex ? [] : ['unique-without-using-index'])];
  expect([...rules].sort()).toEqual(expected.sort());
  expect(report.safe.kept.map((entry: { rule: string }) => entry.rule)).toEqual(options.concurrentIndex ? [] : ['create-index-not-concurrent']);
  const findings = (report.analysis.statements as Array<{ findings: Array<{ rule: string; severity: string }> }>).flatMap((statement) => statement.findings);
  expect(findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  // The rewritten dangers are gone from the analysis of the migrations as written.
  for (const rule of expected) expect(findings.map((finding) => finding.rule)).not.toContain(rule);
  expect(report.safe.following.map((next: { suffix: string }) => next.suffix)).toEqual([
    ...(options.concurrentIndex ? ['build_posts_title_idx', 'build_users_display_name_unique'] : []),
    'backfill_sort_key',
    'finish',
  ]);
}

describe('drizzle-ai generate --safe', () => {
  it('writes the safe forms as drizzle-kit migrations that drizzle-orm\'s migrator applies, after which drizzle-kit has nothing to generate', async () => {
    const root = exampleForTest('drizzle-app');
    const report = await runJson(runDrizzleCli, root, ['generate', '--plan', planFile(root, SAFE_PLAN), '--safe', '--yes']);
    // drizzle-orm's migrator runs every pending migration in one transaction: no concurrent build, and the deploy note says so.
    expectSafeReport(report, { concurrentIndex: false, uniqueIsIndex: false });
    expect(report.safe.deployOneAtATime).toMatch(/one deploy at a time/);
    const sqlFiles = (report.files as string[]).filter((file) => /^drizzle\/\d{4}_.*(?<!\.down)\.sql$/.test(file));
    expect(sqlFiles).toHaveLength(3);
    expect(sqlFiles[1]).toMatch(/_backfill_sort_key\.sql$/);
    expect(sqlFiles[2]).toMatch(/_finish\.sql$/);
    expect(drizzleKit(root, ['check']).status).toBe(0);
    expect(drizzleKitGenerate(root)).toContain('No schema changes, nothing to migrate');
    const target = await openMigratorTarget(undefined);
    try {
      await applyWithDrizzleMigrator(target, join(root, 'drizzle'));
      expect(await target.query('SELECT count(*)::int AS applied FROM drizzle.__drizzle_migrations')).toEqual([{ applied: 5 }]);
      const constraints = await target.query("SELECT conname, convalidated FROM pg_constraint WHERE conname IN ('posts_editor_id_users_id_fk', 'users_display_name_unique', 'users_bio_not_null_check') ORDER BY conname");
      expect(constraints).toEqual([
        { conname: 'posts_editor_id_users_id_fk', convalidated: true },
        { conname: 'users_display_name_unique', convalidated: true },
      ]);
    } finally {
      await target.close();
    }
  });
});

describe('prisma-ai migrate --safe', () => {
  it('builds the indexes CONCURRENTLY and backfills in committed batches, each in a migration of its own, which Prisma\'s engine applies and then agrees with', async () => {
    const root = exampleForTest('prisma-app');
    const before = migrationsOf(root).length;
    const report = await runJson(runPrismaCli, root, ['migrate', '--plan', planFile(root, SAFE_PLAN), '--safe', '--yes']);
    // Prisma runs a migration of one statement outside a transaction: every safe form, and no deploy note.
    expectSafeReport(report, { concurrentIndex: true, uniqueIsIndex: true });
    expect(report.safe.deployOneAtATime).toBeNull();
    const written = migrationsOf(root).slice(before);
    expect(written.map((migration) => migration.directoryName.replace(/^\d{14}_[a-z_]+?(?=_build|_backfill|_finish|$)/, ''))).toEqual([
      '',
      '_build_posts_title_idx',
      '_build_users_display_name_unique',
      '_backfill_sort_key',
      '_finish',
    ]);
    expect(written[1]!.sql.trim()).toMatch(/^CREATE INDEX CONCURRENTLY posts_title_idx ON posts/);
    expect(written[3]!.sql).toMatch(/^DO \$backfill\$/);
    // Prisma's engine replays every folder on its shadow and finds the schema already there.
    expect(await nextPrismaMigration(root)).toBeNull();
  });

  it.runIf(serverTestUrl())('prisma migrate deploy\'s path applies the folders on a real server, the concurrent builds outside a transaction', async () => {
    const root = exampleForTest('prisma-app');
    await runJson(runPrismaCli, root, ['migrate', '--plan', planFile(root, SAFE_PLAN), '--safe', '--yes']);
    const database = await createTestDatabase(serverTestUrl()!);
    try {
      expect((await deployMigrations({ url: database.url, migrations: migrationsOf(root) })).applied).toHaveLength(migrationsOf(root).length);
    } finally {
      await database.drop();
    }
  });
});

describe('typeorm-ai migration:generate --safe', () => {
  it('writes the safe forms as TypeORM migrations that TypeORM runs, after which its builder wants nothing', async () => {
    const root = exampleForTest('typeorm-app');
    const report = await runJson(runTypeormCli, root, ['migration:generate', '--plan', planFile(root, SAFE_PLAN), '--safe', '--yes', '-d', 'src/data-source.ts']);
    // TypeORM's migrator runs every pending migration in one transaction: no concurrent build, and the deploy note says so.
    expectSafeReport(report, { concurrentIndex: false, uniqueIsIndex: false });
    expect(report.safe.deployOneAtATime).toMatch(/one deploy at a time/);
    const migrations = (report.files as string[]).filter((file) => file.startsWith('src/migrations/'));
    expect(migrations).toHaveLength(3);
    expect(migrations[1]).toMatch(/_backfill_sort_key\.ts$/);
    expect(readFileSync(join(root, migrations[2]!), 'utf8')).toContain('VALIDATE CONSTRAINT "posts_editor_id_users_id_fk"');
    // TypeORM's runner applies the three after the example's own, then its builder has nothing left to generate.
    expect(await pendingBuilderQueries(root)).toEqual([]);
  });
});
