import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, type FollowingMigration } from '@orm-ai/core';
import { migrationFiles, type PrismaMigrationsFolder } from '../src/prisma-migrations.js';
import { exampleProject } from './fixtures/example-app.js';

const BUILD_INDEX: FollowingMigration = {
  suffix: 'build_posts_tags_idx',
  up: ['-- Build the index without blocking writes\nCREATE INDEX CONCURRENTLY "posts_tags_idx" ON "posts" USING GIN ("tags");'],
  down: ['DROP INDEX CONCURRENTLY "posts_tags_idx";'],
  outsideTransaction: true,
};
const VALIDATE: FollowingMigration = {
  suffix: 'validate',
  up: ['ALTER TABLE "posts" VALIDATE CONSTRAINT "posts_author_id_fkey";', 'SELECT 1;'],
  down: [],
  outsideTransaction: false,
};

let folder: PrismaMigrationsFolder;
beforeAll(async () => {
  // filesFor runs after generateMigration, which loads the parser; so must this test.
  await loadSqlParser();
  folder = (await exampleProject()).folder;
});

function files(directoryName: string, following: readonly FollowingMigration[], from = folder) {
  return migrationFiles({ folder: from, directoryName, migration: { up: ['SELECT 0;'], down: ['SELECT -1;'], following } });
}

describe('the migrations --safe splits off, as Prisma migration folders', () => {
  it('follow the ORM\'s in folder-name order, one second apart, each with its migration.sql and its down.sql when it has a down', () => {
    const written = files('20261207163000_add_post_tags', [BUILD_INDEX, VALIDATE]);
    const at = (name: string, file: string) => join(folder.dir, name, file);
    expect(written).toEqual([
      { path: at('20261207163000_add_post_tags', 'migration.sql'), role: 'migration', before: null, after: 'SELECT 0;\n' },
      { path: at('20261207163000_add_post_tags', 'down.sql'), role: 'migration', before: null, after: 'SELECT -1;\n' },
      { path: at('20261207163001_add_post_tags_build_posts_tags_idx', 'migration.sql'), role: 'migration', before: null, after: `${BUILD_INDEX.up[0]}\n` },
      { path: at('20261207163001_add_post_tags_build_posts_tags_idx', 'down.sql'), role: 'migration', before: null, after: `${BUILD_INDEX.down[0]}\n` },
      { path: at('20261207163002_add_post_tags_validate', 'migration.sql'), role: 'migration', before: null, after: `${VALIDATE.up.join('\n\n')}\n` },
    ]);
    const names = [...new Set(written.map((file) => file.path.slice(folder.dir.length + 1).split('/')[0]!))];
    const existing = folder.migrations.map((migration) => migration.directoryName);
    // Prisma runs migrations in the order of their folder names.
    expect([...existing, ...names].sort()).toEqual([...existing, ...names]);
  });

  it('carry the timestamp over minutes, days and years as Prisma\'s UTC clock would', () => {
    const names = files('20261231235959_last', [VALIDATE, { ...VALIDATE, suffix: 'again' }]).map((file) => file.path.slice(folder.dir.length + 1).split('/')[0]);
    expect(names).toEqual(['20261231235959_last', '20261231235959_last', '20270101000000_last_validate', '20270101000001_last_again']);
  });

  it('write the lock file once, when it is missing', () => {
    const written = files('20261207163000_add_post_tags', [BUILD_INDEX], { ...folder, lockText: null });
    expect(written.filter((file) => file.role === 'metadata')).toEqual([{ path: folder.lockPath, role: 'metadata', before: null, after: expect.stringContaining('provider = "postgresql"') }]);
  });

  it('accept one statement outside a transaction, whatever its comments and inner semicolons', () => {
    const backfill: FollowingMigration = {
      suffix: 'backfill_posts_tags',
      up: ['-- In batches, committing each\nDO $$\nBEGIN\n  LOOP\n    UPDATE "posts" SET "tags" = \'{}\' WHERE "id" IN (SELECT "id" FROM "posts" WHERE "tags" IS NULL LIMIT 1000);\n    EXIT WHEN NOT FOUND;\n    COMMIT;\n  END LOOP;\nEND $$;'],
      down: [],
      outsideTransaction: true,
    };
    expect(files('20261207163000_add_post_tags', [backfill]).at(-1)?.path).toBe(join(folder.dir, '20261207163001_add_post_tags_backfill_posts_tags', 'migration.sql'));
  });

  it('refuse a migration to run outside any transaction that holds more or less than one statement, naming it', () => {
    const two = { ...BUILD_INDEX, up: [...BUILD_INDEX.up, 'CREATE INDEX CONCURRENTLY "posts_title_idx" ON "posts" ("title");'] };
    for (const [migration, found] of [
      [two, '2 statements'],
      [{ ...BUILD_INDEX, up: ['-- nothing to do'] }, '0 statements'],
      [{ ...BUILD_INDEX, up: ['CREATE INDEX CONCURRENTLY ON;'] }, 'SQL that does not parse'],
    ] as const) {
      expect(() => files('20261207163000_add_post_tags', [migration])).toThrow(
        expect.objectContaining({
          name: 'OrmAiError',
          code: 'MIGRATION_GENERATE_FAILED',
          message: expect.stringContaining(`"build_posts_tags_idx" must run outside any transaction, but holds ${found}`),
          hint: expect.stringContaining('a migration of its own'),
        }),
      );
    }
  });

  it('refuse a suffix Prisma would not put in a folder name', () => {
    expect(() => files('20261207163000_add_post_tags', [{ ...VALIDATE, suffix: '../validate' }])).toThrow(
      expect.objectContaining({ code: 'MIGRATION_GENERATE_FAILED', message: expect.stringContaining('"../validate"') }),
    );
  });
});
