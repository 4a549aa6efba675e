import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changePlanSchema, renamesUndone } from '@orm-ai/core';
import { listNotNullStatements } from '../src/list-not-null.js';
import { renameStatements } from '../src/rename-statements.js';
import { generateExampleMigration, PRISMA_APP, remainingDiffs } from './fixtures/example-app.js';

const EMPTY_MIGRATION = '-- This is an empty migration.\n';

// The server run of the rename case is in schema-engine-server.test.ts, with every other
// test that creates databases on the server.
describe('down migrations from Prisma\'s schema engine run in reverse (PGlite)', () => {
  it('renames a renamed column back instead of dropping it, and the down restores the schema', async () => {
    const { edited, migration } = await generateExampleMigration('rename-display-name');
    expect(migration.statements).toEqual(['-- Rename (planned: keeps the data)\nALTER TABLE "users" RENAME COLUMN "display_name" TO "full_name";']);
    expect(migration.downStatements).toEqual(['-- Undo the planned renames\nALTER TABLE "users" RENAME COLUMN "full_name" TO "display_name";']);
    expect(migration.downStatements.join('\n')).not.toContain('DROP COLUMN');
    expect(await remainingDiffs({ edited, migration })).toEqual({ afterUp: EMPTY_MIGRATION, afterDown: EMPTY_MIGRATION });
  });

  it('drops the column and the GIN index add-post-tags adds, as the engine writes it', async () => {
    const { edited, migration } = await generateExampleMigration('add-post-tags');
    expect(migration.downStatements).toEqual(['-- DropIndex\nDROP INDEX "public"."posts_tags_idx";\n\n-- AlterTable\nALTER TABLE "public"."posts" DROP COLUMN "tags";\n']);
    expect(await remainingDiffs({ edited, migration })).toEqual({ afterUp: EMPTY_MIGRATION, afterDown: EMPTY_MIGRATION });
  });

  it('drops the table add-bookmarks-table creates, its foreign keys first', async () => {
    const { edited, migration } = await generateExampleMigration('add-bookmarks-table');
    expect(migration.downStatements).toEqual([
      [
        '-- DropForeignKey\nALTER TABLE "public"."bookmarks" DROP CONSTRAINT "bookmarks_user_id_fkey";\n',
        '-- DropForeignKey\nALTER TABLE "public"."bookmarks" DROP CONSTRAINT "bookmarks_post_id_fkey";\n',
        '-- DropTable\nDROP TABLE "public"."bookmarks";\n',
      ].join('\n'),
    ]);
    expect(await remainingDiffs({ edited, migration })).toEqual({ afterUp: EMPTY_MIGRATION, afterDown: EMPTY_MIGRATION });
  });

  it('writes down.sql next to migration.sql, joined as the up is, and no down.sql when there is no down', async () => {
    const { migration } = await generateExampleMigration('add-post-tags');
    expect(migration.id).toMatch(/^\d{14}_add_post_tags$/);
    const folder = join(PRISMA_APP, 'prisma', 'migrations', migration.id);
    const up = ['-- Backfill\nUPDATE "posts" SET "tags" = ARRAY[]::TEXT[];', ...migration.statements];
    const down = [...migration.downStatements, '-- Core\'s own inverse\nSELECT 1;'];
    expect(migration.filesFor({ up, down })).toEqual([
      { path: join(folder, 'migration.sql'), role: 'migration', before: null, after: `${up.join('\n\n')}\n` },
      { path: join(folder, 'down.sql'), role: 'migration', before: null, after: `${migration.downStatements[0]}\n\n-- Core's own inverse\nSELECT 1;\n` },
    ]);
    expect(migration.filesFor({ up, down: [] }).map((file) => file.path)).toEqual([join(folder, 'migration.sql')]);
  });
});

describe('renameStatements', () => {
  it('renders the plan\'s renames forward and renamesUndone\'s back, skipping other changes', () => {
    const plan = changePlanSchema.parse({
      version: 1,
      request: 'test request',
      summary: 'test summary',
      changes: [
        { kind: 'rename_table', from: 'users', to: 'people', reason: 'test' },
        { kind: 'drop_column', table: 'people', column: 'bio', reason: 'test' },
        { kind: 'rename_column', table: 'people', from: 'display_name', to: 'full_name', reason: 'test' },
      ],
    });
    expect(renameStatements(plan.changes)).toEqual(['ALTER TABLE "users" RENAME TO "people";', 'ALTER TABLE "people" RENAME COLUMN "display_name" TO "full_name";']);
    expect(renameStatements(renamesUndone(plan))).toEqual(['ALTER TABLE "people" RENAME COLUMN "full_name" TO "display_name";', 'ALTER TABLE "people" RENAME TO "users";']);
  });
});

describe('listNotNullStatements', () => {
  const model = { dialect: 'postgresql' as const, tables: [], enums: [{ name: 'mood', values: ['ok'] }] };
  const column = (name: string, type: string, nullable: boolean) => ({ name, type, nullable });
  it('adds SET NOT NULL for new NOT NULL list columns only, in plan order', () => {
    const plan = changePlanSchema.parse({
      version: 1,
      request: 'r',
      summary: 's',
      changes: [
        { kind: 'add_column', table: 'posts', column: column('tags', 'text[]', false), reason: 'r' },
        { kind: 'add_column', table: 'posts', column: column('notes', 'text[]', true), reason: 'r' },
        { kind: 'add_column', table: 'posts', column: column('title', 'text', false), reason: 'r' },
        { kind: 'create_enum', name: 'color', values: ['red'], reason: 'r' },
        { kind: 'create_table', table: 'palettes', columns: [{ ...column('id', 'serial', false), primaryKey: true }, column('colors', 'color[]', false), column('moods', 'mood[]', false)], reason: 'r' },
      ],
    });
    expect(listNotNullStatements(plan, model)).toEqual([
      'ALTER TABLE "posts" ALTER COLUMN "tags" SET NOT NULL;',
      'ALTER TABLE "palettes" ALTER COLUMN "colors" SET NOT NULL;',
      'ALTER TABLE "palettes" ALTER COLUMN "moods" SET NOT NULL;',
    ]);
  });
});
