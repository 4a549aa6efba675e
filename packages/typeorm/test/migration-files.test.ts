import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changePlanSchema, shadowServerFrom, type FileChange, type FollowingMigration, type MigrationSql } from '@orm-ai/core';
import type { DataSource } from 'typeorm';
import { migrationFiles, type MigrationFilesOptions } from '../src/migration-files.js';
import { runExistingMigrations, schemaBuilderQueries } from '../src/schema-builder/builder-migration.js';
import { loadDataSourceOptions } from '../src/schema-builder/load-data-source.js';
import { openShadowDataSource } from '../src/schema-builder/shadow-data-source.js';
import { copyExampleApp, generateWithPlugin } from './support/example-app.js';

const targets = [
  { target: 'pglite', shadowUrl: undefined as string | undefined },
  ...(process.env.SHADOW_TEST_URL ? [{ target: 'server', shadowUrl: process.env.SHADOW_TEST_URL }] : []),
];

const CHECK = 'ALTER TABLE "users" ADD CONSTRAINT "users_bio_not_null" CHECK ("bio" IS NOT NULL) NOT VALID';
const DROP_CHECK = 'ALTER TABLE "users" DROP CONSTRAINT "users_bio_not_null"';
const VALIDATE = 'ALTER TABLE "users" VALIDATE CONSTRAINT "users_bio_not_null"';

/**
 * What `--safe` makes of a SET NOT NULL (`setNotNull`, `dropNotNull`: the builder's statements):
 * CHECK NOT VALID in the ORM's migration, then VALIDATE, then SET NOT NULL and DROP CHECK,
 * each undone by its own down.
 */
function safeSetNotNull(setNotNull: string, dropNotNull: string): MigrationSql {
  return {
    up: [CHECK],
    down: [DROP_CHECK],
    following: [
      { suffix: 'validate', up: [VALIDATE], down: [], outsideTransaction: false },
      { suffix: 'set_not_null', up: [setNotNull, DROP_CHECK], down: [dropNotNull, CHECK], outsideTransaction: false },
    ],
  };
}

/** A `--safe` part that cannot run in a transaction block. */
const concurrentBuild = {
  suffix: 'build_posts_title_idx',
  up: ['CREATE INDEX CONCURRENTLY "posts_title_idx" ON "posts" ("title")'],
  down: ['DROP INDEX "posts_title_idx"'],
  outsideTransaction: true,
} satisfies FollowingMigration;

const options = (migration: MigrationSql, overrides: Partial<MigrationFilesOptions> = {}): MigrationFilesOptions => ({
  name: 'UsersBioNotNull',
  timestamp: 1796000000000,
  migrationsDir: '/app/src/migrations',
  migration,
  outsideTransaction: false,
  transactionMode: 'all',
  ...overrides,
});

describe('migrationFiles', () => {
  const setNotNull = 'ALTER TABLE "users" ALTER COLUMN "bio" SET NOT NULL';
  const dropNotNull = 'ALTER TABLE "users" ALTER COLUMN "bio" DROP NOT NULL';

  it('writes the ORM\'s migration, then each following one as a migration of its own at the next millisecond, named <name>_<suffix>', () => {
    const files = migrationFiles(options(safeSetNotNull(setNotNull, dropNotNull)));
    expect(files.map((file) => file.path)).toEqual([
      '/app/src/migrations/1796000000000-UsersBioNotNull.ts',
      '/app/src/migrations/1796000000001-UsersBioNotNull_validate.ts',
      '/app/src/migrations/1796000000002-UsersBioNotNull_set_not_null.ts',
    ]);
    expect(files.map((file) => [file.role, file.before])).toEqual(Array.from({ length: 3 }, () => ['migration', null]));
    // TypeORM orders migrations by the timestamp its class name ends with.
    expect(files.map((file) => /export class (\w+) implements/.exec(file.after)?.[1])).toEqual([
      'UsersBioNotNull1796000000000',
      'UsersBioNotNullValidate1796000000001',
      'UsersBioNotNullSetNotNull1796000000002',
    ]);
    expect(files[2]!.after).toBe(`import { MigrationInterface, QueryRunner } from "typeorm";

export class UsersBioNotNullSetNotNull1796000000002 implements MigrationInterface {
    name = 'UsersBioNotNullSetNotNull1796000000002'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(\`${setNotNull}\`);
        await queryRunner.query(\`${DROP_CHECK}\`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(\`${dropNotNull}\`);
        await queryRunner.query(\`${CHECK}\`);
    }

}
`);
    expect(files[1]!.after).toContain(`    public async up(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(\`${VALIDATE}\`);\n    }`);
    expect(files[1]!.after).toContain('    public async down(queryRunner: QueryRunner): Promise<void> {\n\n    }');
    expect(files[0]!.after).toContain(`    public async down(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(\`${DROP_CHECK}\`);\n    }`);
    expect(files.some((file) => file.after.includes('transaction'))).toBe(false);
  });

  it('writes one migration, as before, when nothing follows it', () => {
    expect(migrationFiles(options({ up: [setNotNull], down: [dropNotNull] })).map((file) => basename(file.path))).toEqual(['1796000000000-UsersBioNotNull.ts']);
  });

  const concurrent: MigrationSql = { up: [], down: [], following: [concurrentBuild] };

  it('refuses a part that must run outside a transaction while the plugin says it cannot, naming the migration and the mode', () => {
    const refusal = (transactionMode: MigrationFilesOptions['transactionMode'], message: string) =>
      expect(() => migrationFiles(options(concurrent, { transactionMode }))).toThrow(expect.objectContaining({ code: 'MIGRATION_GENERATE_FAILED', message: expect.stringContaining(message) }));
    refusal('all', 'the migration UsersBioNotNull_build_posts_title_idx must run outside a transaction');
    refusal('all', "migrationsTransactionMode 'all', TypeORM's default), where TypeORM refuses a migration with `transaction = false` (ForbiddenTransactionModeOverrideError)");
    refusal('each', "migrationsTransactionMode 'each', where TypeORM would run it with `transaction = false`");
  });

  it('where the plugin allows it, writes that part with transaction = false', () => {
    const files = migrationFiles(options(concurrent, { outsideTransaction: true, transactionMode: 'each' }));
    expect(files[0]!.after).not.toContain('transaction');
    expect(files[1]!.after).toContain("    name = 'UsersBioNotNullBuildPostsTitleIdx1796000000001'\n\n    public readonly transaction = false;\n\n    public async up(");
  });
});

describe.each(targets)('following migrations written by filesFor, run by TypeORM\'s migrator on the $target shadow', ({ shadowUrl }) => {
  it('runs all three, after which TypeORM\'s builder has nothing left to generate; three reverts undo them', async () => {
    const root = copyExampleApp();
    const plan = changePlanSchema.parse({
      version: 1,
      request: 'make users.bio required',
      summary: 's',
      changes: [{ kind: 'alter_column', table: 'users', column: 'bio', nullable: false, reason: 'Asked.' }],
    });
    const { edits, migration } = await generateWithPlugin({ root, plan, name: 'users_bio_not_null', shadowUrl });
    expect(migration.statements).toEqual(['ALTER TABLE "users" ALTER COLUMN "bio" SET NOT NULL;']);
    expect(migration.downStatements).toEqual(['ALTER TABLE "users" ALTER COLUMN "bio" DROP NOT NULL;']);
    const files = migration.filesFor(safeSetNotNull(migration.statements[0]!, migration.downStatements[0]!));
    writeChanges(root, [...edits, ...files]);
    const timestamp = Number(/^(\d{13})-/.exec(basename(files[0]!.path))?.[1]);
    expect(files.map((file) => basename(file.path))).toEqual([
      `${timestamp}-UsersBioNotNull.ts`,
      `${timestamp + 1}-UsersBioNotNull_validate.ts`,
      `${timestamp + 2}-UsersBioNotNull_set_not_null.ts`,
    ]);

    await withMigrator(root, shadowUrl, async (dataSource) => {
      const ran = await runExistingMigrations({ dataSource });
      expect(ran.slice(2)).toEqual([`UsersBioNotNull${timestamp}`, `UsersBioNotNullValidate${timestamp + 1}`, `UsersBioNotNullSetNotNull${timestamp + 2}`]);
      // What `typeorm migration:generate` (and the plugin's drift check) would write next: nothing.
      expect(await schemaBuilderQueries({ dataSource })).toEqual({ up: [], down: [] });
      expect(await constraintNames(dataSource)).toEqual([]);

      await dataSource.undoLastMigration({ transaction: 'all' });
      expect(await constraintNames(dataSource)).toEqual(['users_bio_not_null']);
      await dataSource.undoLastMigration({ transaction: 'all' });
      await dataSource.undoLastMigration({ transaction: 'all' });
      expect((await dataSource.query('SELECT name FROM migrations ORDER BY id')).map((row: { name: string }) => row.name)).toEqual(ran.slice(0, 2));
      expect(await constraintNames(dataSource)).toEqual([]);
      // The schema is back where the plugin generated from: the builder wants exactly the migration's statements again.
      expect((await schemaBuilderQueries({ dataSource })).up).toEqual([{ query: 'ALTER TABLE "users" ALTER COLUMN "bio" SET NOT NULL' }]);
    });
  }, 240_000);
});

describe.each(targets)('a transaction = false migration under TypeORM\'s runner on the $target shadow (why the plugin says migrationOutsideTransaction: false)', ({ shadowUrl }) => {
  it('is refused in the default mode \'all\', runs CREATE INDEX CONCURRENTLY in \'each\', and is reverted inside a transaction all the same unless the mode is \'none\'', async () => {
    const root = copyExampleApp();
    const build = { ...concurrentBuild, down: ['DROP INDEX CONCURRENTLY "posts_title_idx"'] };
    const files = migrationFiles(options({ up: ['SELECT 1'], down: [], following: [build] }, { name: 'PostsTitleIdx', migrationsDir: resolve(root, 'src/migrations'), outsideTransaction: true, transactionMode: 'each' }));
    writeChanges(root, files);
    await withMigrator(root, shadowUrl, async (dataSource) => {
      const refused = await runExistingMigrations({ dataSource, transaction: 'all' }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'SHADOW_REJECTED_MIGRATION', cause: { name: 'ForbiddenTransactionModeOverrideError' } });
      expect((await runExistingMigrations({ dataSource, transaction: 'each' })).slice(2)).toEqual(['PostsTitleIdx1796000000000', 'PostsTitleIdxBuildPostsTitleIdx1796000000001']);
      expect(await dataSource.query("SELECT indexname FROM pg_indexes WHERE indexname = 'posts_title_idx'")).toEqual([{ indexname: 'posts_title_idx' }]);
      // undoLastMigration reads no migration's `transaction`: only the mode 'none' keeps its down out of one.
      await expect(dataSource.undoLastMigration({ transaction: 'each' })).rejects.toThrow('DROP INDEX CONCURRENTLY cannot run inside a transaction block');
      await dataSource.undoLastMigration({ transaction: 'none' });
      expect(await dataSource.query("SELECT indexname FROM pg_indexes WHERE indexname = 'posts_title_idx'")).toEqual([]);
    });
  }, 120_000);
});

/** The example's data source as it is now on disk, opened on a fresh shadow for TypeORM's own runner. */
async function withMigrator(root: string, shadowUrl: string | undefined, work: (dataSource: DataSource) => Promise<void>): Promise<void> {
  const loaded = await loadDataSourceOptions({ dataSourcePath: resolve(root, 'src/data-source.ts'), cwd: root });
  const shadow = await openShadowDataSource({ options: loaded.options, shadowServer: shadowServerFrom({ shadowUrl }), DataSourceClass: loaded.DataSourceClass });
  try {
    await work(shadow.dataSource);
  } finally {
    await shadow.dispose();
  }
}

async function constraintNames(dataSource: DataSource): Promise<string[]> {
  return (await dataSource.query("SELECT conname FROM pg_constraint WHERE conname = 'users_bio_not_null'")).map((row: { conname: string }) => row.conname);
}

function writeChanges(root: string, changes: readonly FileChange[]): void {
  for (const change of changes) writeFileSync(resolve(root, change.path), change.after);
}
