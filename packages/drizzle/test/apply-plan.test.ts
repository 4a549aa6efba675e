import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChangePlan, changePlanSchema, findColumn, findTable, OrmAiError } from '@orm-ai/core';
import { applyPlanToDrizzleSource, type SourceEdit } from '../src/apply-plan.js';
import type { DrizzleCasing } from '../src/naming.js';
import { readDrizzleSchema } from '../src/read-schema.js';
import { typecheckSources, typecheckSourcesWarm, type KeptPrograms } from '@orm-ai/core/typescript';
import { packageRoot, BLOG, SPLIT_USERS, SPLIT_POSTS, SPLIT, tempDir } from './fixtures.js';
import { lineDiff } from '../../../test/support/line-diff.js';


type ChangeInput = Record<string, unknown> & { kind: string };

function plan(changes: readonly ChangeInput[]): ChangePlan {
  return changePlanSchema.parse({
    version: 1,
    request: 'test request',
    summary: 'test summary',
    changes: changes.map((change) => ({ reason: 'test', ...change })),
  });
}

function apply(files: readonly string[], changes: readonly ChangeInput[], casing?: DrizzleCasing): SourceEdit[] {
  const schema = readDrizzleSchema({ files, ...(casing === undefined ? {} : { casing }) });
  return applyPlanToDrizzleSource({ schema, plan: plan(changes) });
}

/** The one edit of `file`, checking it is the only file that changed. */
function only(edits: readonly SourceEdit[], file: string): SourceEdit {
  expect(edits.map((edit) => edit.path)).toEqual([file]);
  return edits[0]!;
}

function editOf(edits: readonly SourceEdit[], file: string): SourceEdit {
  const edit = edits.find((candidate) => candidate.path === file);
  if (edit === undefined) throw new Error(`no edit of ${file}`);
  return edit;
}

/**
 * The check a daemon runs: one program for the package, reused by every test of this file
 * (drizzle-orm's declarations are parsed once, not per test), each check re-reading the
 * fixtures from disk first, so an earlier test's edits are gone.
 */
const keptPrograms: KeptPrograms = new Map();

function expectTypechecks(edits: readonly SourceEdit[]): void {
  expect(typecheckSourcesWarm({ projectRoot: packageRoot, edits }, keptPrograms).diagnostics).toEqual([]);
}

function applyError(files: readonly string[], changes: readonly ChangeInput[]): OrmAiError {
  try {
    apply(files, changes);
  } catch (error) {
    if (error instanceof OrmAiError) return error;
    throw error;
  }
  throw new Error('expected applyPlanToDrizzleSource to throw');
}

/** A temp project holding `files` (name → source) that resolves drizzle-orm from the repository. */
function tempProject(files: Record<string, string>): string {
  const root = tempDir('drizzle-ai-apply-');
  symlinkSync(path.resolve(packageRoot, '..', '..', 'node_modules'), path.join(root, 'node_modules'), 'dir');
  for (const [name, source] of Object.entries(files)) writeFileSync(path.join(root, name), source);
  return root;
}

describe('add_column', () => {
  it('appends a property in the neighbours style', () => {
    const edits = apply([BLOG], [{ kind: 'add_column', table: 'posts', column: { name: 'view_count', type: 'integer', nullable: false, default: '0' } }]);
    expect(lineDiff(only(edits, BLOG))).toEqual(["+51|    viewCount: integer('view_count').notNull().default(0),"]);
    expectTypechecks(edits);
  });

  it('translates SQL defaults to Drizzle modifiers and adds sorted imports', () => {
    const column = (name: string, type: string, nullable: boolean, defaultSql: string | null) => ({
      kind: 'add_column',
      table: 'users',
      column: { name, type, nullable, default: defaultSql },
    });
    const edits = apply([BLOG], [
      column('nickname', 'varchar(40)', true, "'it''s me'"),
      column('external_id', 'uuid', false, 'gen_random_uuid()'),
      column('last_login_at', 'timestamptz', false, 'CURRENT_TIMESTAMP'),
      column('karma', 'bigint', false, '-5'),
      column('is_verified', 'boolean', false, 'true'),
      column('badges', 'text[]', false, "'{}'::text[]"),
      column('balance', 'numeric(12,2)', false, '0'),
      column('status', 'post_status', true, "'draft'"),
      column('ip', 'inet', true, null),
      column('bio', 'text', true, "lower('X')"),
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '+3|  bigint,',
      '+6|  inet,',
      // A value holding the file's quote takes the other one, as Prettier writes it.
      "+35|  nickname: varchar('nickname', { length: 40 }).default(\"it's me\"),",
      "+36|  externalId: uuid('external_id').notNull().defaultRandom(),",
      "+37|  lastLoginAt: timestamp('last_login_at', { withTimezone: true }).notNull().defaultNow(),",
      "+38|  karma: bigint('karma', { mode: 'number' }).notNull().default(-5),",
      "+39|  isVerified: boolean('is_verified').notNull().default(true),",
      "+40|  badges: text('badges').array().notNull().default(sql`'{}'::text[]`),",
      "+41|  balance: numeric('balance', { precision: 12, scale: 2 }).notNull().default(sql`0`),",
      "+42|  status: postStatus('status').default('draft'),",
      "+43|  ip: inet('ip'),",
      "+44|  bio: text('bio').default(sql`lower('X')`),",
    ]);
    expectTypechecks(edits);
  });

  it('omits derivable names under casing and imports sql from drizzle-orm when missing', () => {
    const edits = apply(
      SPLIT,
      [
        { kind: 'add_column', table: 'users', column: { name: 'last_seen_at', type: 'timestamptz', nullable: true, default: 'now()' } },
        { kind: 'add_column', table: 'users', column: { name: 'nick_name', type: 'text', nullable: true, default: "upper('x')" } },
      ],
      'snake_case',
    );
    expect(lineDiff(only(edits, SPLIT_USERS))).toEqual([
      "+2|import { sql } from 'drizzle-orm';",
      '+8|  lastSeenAt: timestamp({ withTimezone: true }).defaultNow(),',
      "+9|  nickName: text().default(sql`upper('x')`),",
    ]);
    expectTypechecks(edits);
  });

  it('appends to an unsorted import list instead of sorting it', () => {
    const root = tempProject({
      'schema.ts': "import { pgTable, integer } from 'drizzle-orm/pg-core';\n\nexport const things = pgTable('things', { id: integer('id') });\n",
    });
    const file = path.join(root, 'schema.ts');
    const edits = apply([file], [{ kind: 'add_column', table: 'things', column: { name: 'label', type: 'text', nullable: false } }]);
    expect(only(edits, file).after).toBe(
      "import { pgTable, integer, text } from 'drizzle-orm/pg-core';\n\nexport const things = pgTable('things', { id: integer('id'), label: text('label').notNull() });\n",
    );
    expect(typecheckSources({ projectRoot: root, edits })).toEqual([]);
  });
});

describe('source style', () => {
  it('copies quotes, indentation, missing trailing commas and semicolons into new code', () => {
    const source = [
      'import {',
      '    integer,',
      '    pgTable',
      '} from "drizzle-orm/pg-core"',
      '',
      'export const things = pgTable("things", {',
      '    id: integer("id"),',
      '    size: integer("size")',
      '})',
      '',
    ].join('\n');
    const root = tempProject({ 'schema.ts': source });
    const file = path.join(root, 'schema.ts');
    const edits = apply([file], [
      { kind: 'add_column', table: 'things', column: { name: 'label', type: 'text', nullable: false, default: "'x'" } },
      {
        kind: 'create_table',
        table: 'tags',
        columns: [
          { name: 'id', type: 'uuid', nullable: false, primaryKey: true, default: 'gen_random_uuid()' },
          { name: 'slug', type: 'varchar(20)', nullable: false },
        ],
      },
    ]);
    expect(only(edits, file).after).toBe(
      [
        'import {',
        '    integer,',
        '    pgTable,',
        '    text,',
        '    uuid,',
        '    varchar',
        '} from "drizzle-orm/pg-core"',
        '',
        'export const things = pgTable("things", {',
        '    id: integer("id"),',
        '    size: integer("size"),',
        '    label: text("label").notNull().default("x")',
        '})',
        '',
        'export const tags = pgTable("tags", {',
        '    id: uuid("id").primaryKey().defaultRandom(),',
        '    slug: varchar("slug", { length: 20 }).notNull()',
        '})',
        '',
      ].join('\n'),
    );
    expect(typecheckSources({ projectRoot: root, edits })).toEqual([]);
  });
});

describe('drop_column', () => {
  it('removes the property with its comment and the import it alone used', () => {
    const edits = apply([BLOG], [{ kind: 'drop_column', table: 'users', column: 'settings' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-6|  jsonb,',
      '-28|  // Free-form profile settings from the client.',
      "-29|  settings: jsonb('settings').$type<Record<string, string>>().notNull().default({}),",
    ]);
    expectTypechecks(edits);
  });

  it('removes the indexes that involve the column, as PostgreSQL does', () => {
    const edits = apply([BLOG], [{ kind: 'drop_column', table: 'posts', column: 'deleted_at' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      "-1|import { relations, sql } from 'drizzle-orm';",
      "+1|import { relations } from 'drizzle-orm';",
      "-50|    deletedAt: timestamp('deleted_at', { withTimezone: true }),",
      "-57|    index('posts_published_idx').on(t.publishedAt).where(sql`${t.deletedAt} is null`),",
    ]);
    expectTypechecks(edits);
  });
});

describe('rename_column', () => {
  it('renames the db name and a derived key with every reference, across tables', () => {
    const edits = apply([BLOG], [{ kind: 'rename_column', table: 'users', from: 'id', to: 'user_id' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      "-24|  id: serial('id').primaryKey(),",
      "+24|  userId: serial('user_id').primaryKey(),",
      "-41|      .references(() => users.id, { onDelete: 'cascade' }),",
      "+41|      .references(() => users.userId, { onDelete: 'cascade' }),",
      "-64|  authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),",
      "+64|  authorId: integer('author_id').references(() => users.userId, { onDelete: 'set null' }),",
    ]);
    expectTypechecks(edits);
  });

  it('updates t.<key> references in the table config', () => {
    const edits = apply([BLOG], [{ kind: 'rename_column', table: 'posts', from: 'author_id', to: 'writer_id' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      "-39|    authorId: integer('author_id')",
      "+39|    writerId: integer('writer_id')",
      "-54|    index('posts_author_id_idx').on(t.authorId),",
      "+54|    index('posts_author_id_idx').on(t.writerId),",
    ]);
    expectTypechecks(edits);
  });

  it('keeps a key that was not derived from the old name', () => {
    const edits = apply([BLOG], [{ kind: 'rename_column', table: 'users', from: 'avatar_url', to: 'picture_url' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual(["-27|  avatar: text('avatar_url'),", "+27|  avatar: text('picture_url'),"]);
  });

  it('renames an implicit-name key across files when casing derives the new name', () => {
    const edits = apply(SPLIT, [{ kind: 'rename_column', table: 'users', from: 'full_name', to: 'display_name' }], 'snake_case');
    expect(lineDiff(only(edits, SPLIT_USERS))).toEqual([
      '-5|  fullName: text().notNull(),',
      '+5|  displayName: text().notNull(),',
      "-8|  fullNameIdx: index('users_full_name_idx').on(table.fullName),",
      "+8|  fullNameIdx: index('users_full_name_idx').on(table.displayName),",
    ]);
    expectTypechecks(edits);
  });

  it('adds the db name explicitly when the key cannot derive it', () => {
    const edits = apply(SPLIT, [{ kind: 'rename_column', table: 'users', from: 'fullName', to: 'full_name' }]);
    expect(lineDiff(only(edits, SPLIT_USERS))).toEqual(['-5|  fullName: text().notNull(),', "+5|  fullName: text('full_name').notNull(),"]);
    expectTypechecks(edits);
  });
});

describe('alter_column', () => {
  it('replaces the builder and keeps the chained modifiers', () => {
    const edits = apply([BLOG], [
      { kind: 'alter_column', table: 'posts', column: 'title', type: 'text' },
      { kind: 'alter_column', table: 'posts', column: 'tags', type: 'varchar(40)[]', default: { sql: null } },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      "-42|    title: varchar('title', { length: 200 }).notNull(),",
      "+42|    title: text('title').notNull(),",
      "-48|    tags: text('tags').array().notNull().default([]),",
      "+48|    tags: varchar('tags', { length: 40 }).array().notNull(),",
    ]);
    expectTypechecks(edits);
  });

  it('adds and removes .notNull(), also in multi-line chains', () => {
    const edits = apply([BLOG], [
      { kind: 'alter_column', table: 'posts', column: 'author_id', nullable: true },
      { kind: 'alter_column', table: 'comments', column: 'author_id', nullable: false },
      { kind: 'alter_column', table: 'posts', column: 'price', type: 'numeric(12,4)', nullable: false, default: { sql: '0' } },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-40|      .notNull()',
      "-47|    price: numeric('price', { precision: 10, scale: 2 }),",
      "+46|    price: numeric('price', { precision: 12, scale: 4 }).notNull().default(sql`0`),",
      "-64|  authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),",
      "+63|  authorId: integer('author_id').notNull().references(() => users.id, { onDelete: 'set null' }),",
    ]);
    expectTypechecks(edits);
  });

  it('adds, replaces and removes defaults', () => {
    const edits = apply([BLOG], [
      { kind: 'alter_column', table: 'users', column: 'avatar_url', default: { sql: "'none'" } },
      { kind: 'alter_column', table: 'comments', column: 'score', default: { sql: '1 + 1' } },
      { kind: 'alter_column', table: 'posts', column: 'body', default: { sql: null } },
      { kind: 'alter_column', table: 'posts', column: 'published_at', default: { sql: 'now()' } },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      "-27|  avatar: text('avatar_url'),",
      "+27|  avatar: text('avatar_url').default('none'),",
      "-44|    body: text('body').notNull().default(''),",
      "+44|    body: text('body').notNull(),",
      "-49|    publishedAt: timestamp('published_at', { withTimezone: true, precision: 3 }),",
      "+49|    publishedAt: timestamp('published_at', { withTimezone: true, precision: 3 }).defaultNow(),",
      "-66|  score: integer('score').notNull().default(0),",
      "+66|  score: integer('score').notNull().default(sql`1 + 1`),",
    ]);
    expectTypechecks(edits);
  });
});

describe('create_table / drop_table / rename_table', () => {
  it('creates a table after the last table of the referenced table file, with a composite key', () => {
    const edits = apply([BLOG], [
      {
        kind: 'create_table',
        table: 'post_likes',
        columns: [
          { name: 'post_id', type: 'uuid', nullable: false },
          { name: 'user_id', type: 'integer', nullable: false },
          { name: 'liked_at', type: 'timestamptz', nullable: false, default: 'now()' },
        ],
        primaryKey: ['post_id', 'user_id'],
      },
      { kind: 'add_foreign_key', table: 'post_likes', columns: ['post_id'], referencedTable: 'posts', referencedColumns: ['id'], onDelete: 'cascade' },
      { kind: 'add_foreign_key', table: 'post_likes', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'] },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      "+82|export const postLikes = pgTable('post_likes', {",
      "+83|  postId: uuid('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),",
      "+84|  userId: integer('user_id').notNull().references(() => users.id),",
      "+85|  likedAt: timestamp('liked_at', { withTimezone: true }).notNull().defaultNow(),",
      '+86|}, (t) => [',
      '+87|  primaryKey({ columns: [t.postId, t.userId] }),',
      '+88|]);',
      '+89|',
    ]);
    expectTypechecks(edits);
  });

  it('names a new table in a barrel that re-exports its file by name, which is all drizzle-kit loads', () => {
    const root = tempDir('barrel-');
    const index = path.join(root, 'index.ts');
    const users = path.join(root, 'users.ts');
    writeFileSync(index, "export { users } from './users';\n");
    writeFileSync(users, "import { pgTable, text } from 'drizzle-orm/pg-core';\n\nexport const users = pgTable('users', {\n  id: text('id').primaryKey(),\n});\n");
    const edits = apply([index, users], [
      { kind: 'create_table', table: 'user_logins', columns: [{ name: 'id', type: 'serial', nullable: false, primaryKey: true }, { name: 'user_id', type: 'text', nullable: false }] },
      { kind: 'add_foreign_key', table: 'user_logins', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'] },
    ]);
    expect(editOf(edits, index).after).toBe("export { users, userLogins } from './users';\n");
    expect(editOf(edits, users).after).toContain("export const userLogins = pgTable('user_logins', {");
  });

  it('creates a table in the file of the table it references, in that file style', () => {
    const edits = apply(
      SPLIT,
      [
        {
          kind: 'create_table',
          table: 'audit_logs',
          columns: [
            { name: 'id', type: 'serial', nullable: false, primaryKey: true },
            { name: 'user_id', type: 'integer', nullable: false },
            { name: 'action', type: 'text', nullable: false },
          ],
        },
        { kind: 'add_foreign_key', table: 'audit_logs', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'cascade' },
      ],
      'snake_case',
    );
    expect(only(edits, SPLIT_USERS).after).toBe(
      [
        "import { index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';",
        '',
        "export const users = pgTable('users', {",
        '  id: serial().primaryKey(),',
        '  fullName: text().notNull(),',
        '  createdAt: timestamp({ withTimezone: true }).defaultNow(),',
        '}, (table) => ({',
        "  fullNameIdx: index('users_full_name_idx').on(table.fullName),",
        '}));',
        '',
        "export const auditLogs = pgTable('audit_logs', {",
        '  id: serial().primaryKey(),',
        "  userId: integer().notNull().references(() => users.id, { onDelete: 'cascade' }),",
        '  action: text().notNull(),',
        '});',
        '',
      ].join('\n'),
    );
    expectTypechecks(edits);
  });

  it('drops a table with its leading comment and the imports only it used', () => {
    const edits = apply([BLOG], [{ kind: 'drop_table', table: 'posts_to_tags' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-10|  primaryKey,',
      '-76|// Join table between posts and tags.',
      "-77|export const postsToTags = pgTable('posts_to_tags', {",
      "-78|  postId: uuid('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),",
      "-79|  tagId: integer('tag_id').notNull().references(() => tags.id, { onDelete: 'cascade' }),",
      '-80|}, (t) => [primaryKey({ columns: [t.postId, t.tagId] })]);',
      '-81|',
    ]);
    expectTypechecks(edits);
  });

  it('drops the last table of a file together with the imports it used', () => {
    const edits = apply(SPLIT, [{ kind: 'drop_table', table: 'posts' }], 'snake_case');
    expect(only(edits, SPLIT_POSTS).after).toBe('');
  });

  it('renames the table and its derived variable everywhere', () => {
    const edits = apply([BLOG], [{ kind: 'rename_table', from: 'tags', to: 'labels' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      "-70|export const tags = pgTable('tags', {",
      "+70|export const labels = pgTable('labels', {",
      "-79|  tagId: integer('tag_id').notNull().references(() => tags.id, { onDelete: 'cascade' }),",
      "+79|  tagId: integer('tag_id').notNull().references(() => labels.id, { onDelete: 'cascade' }),",
    ]);
    expectTypechecks(edits);
  });

  it('renames the variable through imports in other files', () => {
    const edits = apply(SPLIT, [{ kind: 'rename_table', from: 'users', to: 'accounts' }], 'snake_case');
    expect(lineDiff(editOf(edits, SPLIT_USERS))).toEqual([
      "-3|export const users = pgTable('users', {",
      "+3|export const accounts = pgTable('accounts', {",
    ]);
    expect(lineDiff(editOf(edits, SPLIT_POSTS))).toEqual([
      "-2|import { users } from './users.js';",
      "+2|import { accounts } from './users.js';",
      '-6|  authorId: integer().notNull().references(() => users.id),',
      '+6|  authorId: integer().notNull().references(() => accounts.id),',
      "-10|  editorFk: foreignKey({ name: 'posts_editor_fk', columns: [t.editorId], foreignColumns: [users.id] }).onDelete('set null'),",
      "+10|  editorFk: foreignKey({ name: 'posts_editor_fk', columns: [t.editorId], foreignColumns: [accounts.id] }).onDelete('set null'),",
    ]);
    expectTypechecks(edits);
  });

  it('keeps a variable name that was not derived from the table name', () => {
    const source = "import { integer, pgTable } from 'drizzle-orm/pg-core';\n\nexport const people = pgTable(\"users\", { id: integer('id') });\n";
    const file = path.join(tempProject({ 'schema.ts': source }), 'schema.ts');
    const edits = apply([file], [{ kind: 'rename_table', from: 'users', to: 'members' }]);
    expect(only(edits, file).after).toBe(source.replace('"users"', '"members"'));
  });
});

describe('indexes', () => {
  it('appends to the config array: gin method', () => {
    const edits = apply([BLOG], [{ kind: 'create_index', table: 'posts', name: 'posts_title_search_idx', columns: ['title', 'slug'], method: 'gin' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual(["+58|    index('posts_title_search_idx').using('gin', t.title, t.slug),"]);
    expectTypechecks(edits);
  });

  it('creates the config callback for a table without one: unique, partial, concurrently', () => {
    const edits = apply([BLOG], [
      {
        kind: 'create_index',
        table: 'users',
        name: 'users_display_name_idx',
        columns: ['display_name'],
        unique: true,
        where: 'avatar_url is not null',
        concurrently: true,
      },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-33|});',
      '+33|}, (t) => [',
      "+34|  uniqueIndex('users_display_name_idx').on(t.displayName).where(sql`avatar_url is not null`).concurrently(),",
      '+35|]);',
    ]);
    expectTypechecks(edits);
  });

  it('adds a property to a legacy object config', () => {
    const edits = apply(SPLIT, [{ kind: 'create_index', table: 'users', name: 'users_created_at_idx', columns: ['created_at'] }], 'snake_case');
    expect(lineDiff(only(edits, SPLIT_USERS))).toEqual(["+9|  usersCreatedAtIdx: index('users_created_at_idx').on(table.createdAt),"]);
    expectTypechecks(edits);
  });

  it('drops a named index, and an unnamed one by its default name with the emptied callback', () => {
    const edits = apply([BLOG], [
      { kind: 'drop_index', table: 'posts', name: 'posts_author_id_idx' },
      { kind: 'drop_index', table: 'comments', name: 'comments_post_id_created_at_index' },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      "-54|    index('posts_author_id_idx').on(t.authorId),",
      '-68|}, (t) => [index().on(t.postId, t.createdAt)]);',
      '+67|});',
    ]);
    expectTypechecks(edits);
  });
});

describe('foreign keys', () => {
  it('adds a self-reference as .references() typed with AnyPgColumn', () => {
    const edits = apply([BLOG], [
      { kind: 'add_column', table: 'comments', column: { name: 'parent_id', type: 'integer', nullable: true } },
      { kind: 'add_foreign_key', table: 'comments', columns: ['parent_id'], referencedTable: 'comments', referencedColumns: ['id'], onDelete: 'set null' },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '+3|  type AnyPgColumn,',
      "+69|  parentId: integer('parent_id').references((): AnyPgColumn => comments.id, { onDelete: 'set null' }),",
    ]);
    expectTypechecks(edits);
  });

  it('adds a named key as a foreignKey() entry with its actions', () => {
    const edits = apply([BLOG], [
      {
        kind: 'add_foreign_key',
        table: 'comments',
        name: 'comments_post_fk',
        columns: ['post_id'],
        referencedTable: 'posts',
        referencedColumns: ['id'],
        onDelete: 'cascade',
        onUpdate: 'cascade',
      },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '+4|  foreignKey,',
      '-68|}, (t) => [index().on(t.postId, t.createdAt)]);',
      "+69|}, (t) => [index().on(t.postId, t.createdAt), foreignKey({ name: 'comments_post_fk', columns: [t.postId], foreignColumns: [posts.id] }).onDelete('cascade').onUpdate('cascade')]);",
    ]);
    expectTypechecks(edits);
  });

  it('imports the referenced table from its file and types a reference cycle', () => {
    const edits = apply(
      SPLIT,
      [
        { kind: 'add_column', table: 'users', column: { name: 'pinned_post_id', type: 'integer', nullable: true } },
        { kind: 'add_foreign_key', table: 'users', columns: ['pinned_post_id'], referencedTable: 'posts', referencedColumns: ['id'], onDelete: 'set null' },
      ],
      'snake_case',
    );
    expect(lineDiff(only(edits, SPLIT_USERS))).toEqual([
      "-1|import { index, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';",
      "+1|import { type AnyPgColumn, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';",
      "+2|import { posts } from './posts.js';",
      "+8|  pinnedPostId: integer().references((): AnyPgColumn => posts.id, { onDelete: 'set null' }),",
    ]);
    expectTypechecks(edits);
  });

  it('drops .references() from a multi-line chain and a foreignKey() entry', () => {
    const blog = apply([BLOG], [{ kind: 'drop_foreign_key', table: 'posts', name: 'posts_author_id_users_id_fk' }]);
    expect(lineDiff(only(blog, BLOG))).toEqual([
      '-40|      .notNull()',
      "-41|      .references(() => users.id, { onDelete: 'cascade' }),",
      '+40|      .notNull(),',
    ]);
    expectTypechecks(blog);
    const split = apply(SPLIT, [{ kind: 'drop_foreign_key', table: 'posts', name: 'posts_editor_fk' }], 'snake_case');
    expect(lineDiff(only(split, SPLIT_POSTS))).toEqual([
      "-1|import { foreignKey, integer, pgTable, serial, text, unique } from 'drizzle-orm/pg-core';",
      "+1|import { integer, pgTable, serial, text, unique } from 'drizzle-orm/pg-core';",
      "-10|  editorFk: foreignKey({ name: 'posts_editor_fk', columns: [t.editorId], foreignColumns: [users.id] }).onDelete('set null'),",
    ]);
    expectTypechecks(split);
  });
});

describe('unique constraints', () => {
  it('adds .unique() for one column and a unique() entry for several', () => {
    const edits = apply([BLOG], [
      { kind: 'add_unique', table: 'users', columns: ['display_name'] },
      { kind: 'add_unique', table: 'posts', name: 'posts_author_title_key', columns: ['author_id', 'title'] },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      "-26|  displayName: text('display_name').notNull(),",
      "+26|  displayName: text('display_name').notNull().unique(),",
      "+58|    unique('posts_author_title_key').on(t.authorId, t.title),",
    ]);
    expectTypechecks(edits);
  });

  it('drops a column unique and a table unique by their default names', () => {
    const edits = apply([BLOG], [
      { kind: 'drop_unique', table: 'users', name: 'users_email_unique' },
      { kind: 'drop_unique', table: 'tags', name: 'tags_name_unique' },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-14|  unique,',
      "-25|  email: varchar('email', { length: 255 }).notNull().unique(),",
      "+24|  email: varchar('email', { length: 255 }).notNull(),",
      '-74|}, (t) => [unique().on(t.name)]);',
      '+73|});',
    ]);
    expectTypechecks(edits);
  });
});

describe('enums', () => {
  it('creates an enum before the first table and appends a value', () => {
    const edits = apply([BLOG], [
      { kind: 'create_enum', name: 'visibility', values: ['public', 'private'] },
      { kind: 'add_enum_value', enum: 'post_status', value: 'scheduled' },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      "-20|export const postStatus = pgEnum('post_status', ['draft', 'published', 'archived']);",
      "+20|export const postStatus = pgEnum('post_status', ['draft', 'published', 'archived', 'scheduled']);",
      "+22|export const visibilityEnum = pgEnum('visibility', ['public', 'private']);",
      '+23|',
    ]);
    expectTypechecks(edits);
  });

  it('puts a new enum in the file of its first user, importing pgEnum', () => {
    const edits = apply(
      SPLIT,
      [
        { kind: 'create_enum', name: 'post_kind', values: ['article', 'note'] },
        { kind: 'add_column', table: 'posts', column: { name: 'kind', type: 'post_kind', nullable: false, default: "'article'" } },
      ],
      'snake_case',
    );
    expect(lineDiff(only(edits, SPLIT_POSTS))).toEqual([
      "-1|import { foreignKey, integer, pgTable, serial, text, unique } from 'drizzle-orm/pg-core';",
      "+1|import { foreignKey, integer, pgEnum, pgTable, serial, text, unique } from 'drizzle-orm/pg-core';",
      "+4|export const postKindEnum = pgEnum('post_kind', ['article', 'note']);",
      '+5|',
      "+11|  kind: postKindEnum('kind').notNull().default('article'),",
    ]);
    expectTypechecks(edits);
  });
});

describe('enums across files', () => {
  const createMood = { kind: 'create_enum', name: 'mood', values: ['ok', 'meh'] };
  const moodColumn = (table: string, type: string) => ({ kind: 'add_column', table, column: { name: 'mood', type, nullable: true } });

  it('places a new enum in the file its other users already import', () => {
    const edits = apply(SPLIT, [createMood, moodColumn('posts', 'mood'), moodColumn('users', 'mood[]')], 'snake_case');
    expect(lineDiff(editOf(edits, SPLIT_USERS))).toEqual([
      "-1|import { index, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';",
      "+1|import { index, pgEnum, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';",
      "+3|export const moodEnum = pgEnum('mood', ['ok', 'meh']);",
      '+4|',
      '+9|  mood: moodEnum().array(),',
    ]);
    expect(lineDiff(editOf(edits, SPLIT_POSTS))).toEqual([
      "-2|import { users } from './users.js';",
      "+2|import { moodEnum, users } from './users.js';",
      "+9|  mood: moodEnum('mood'),",
    ]);
    expectTypechecks(edits);
  });

  it('refuses to import an enum into a file its own file imports (a load-time cycle)', () => {
    const root = tempDir('drizzle-ai-cycle-');
    const [users, posts] = [path.join(root, 'users.ts'), path.join(root, 'posts.ts')];
    writeFileSync(users, readFileSync(SPLIT_USERS, 'utf8'));
    writeFileSync(posts, readFileSync(SPLIT_POSTS, 'utf8'));
    for (const edit of apply([users, posts], [createMood, moodColumn('posts', 'mood')], 'snake_case')) writeFileSync(edit.path, edit.after);
    expect(readFileSync(posts, 'utf8')).toContain("export const moodEnum = pgEnum('mood', ['ok', 'meh']);");
    const schema = readDrizzleSchema({ files: [users, posts], casing: 'snake_case' });
    expect(() => applyPlanToDrizzleSource({ schema, plan: plan([moodColumn('users', 'mood')]) })).toThrow(/import cycle/);
  });
});

describe('applyPlanToDrizzleSource', () => {
  it('round-trips: the re-read model reflects the change', () => {
    const root = tempDir('drizzle-ai-roundtrip-');
    const file = path.join(root, 'schema.ts');
    writeFileSync(file, readFileSync(BLOG, 'utf8'));
    const edits = apply([file], [
      { kind: 'add_column', table: 'comments', column: { name: 'tags', type: 'text[]', nullable: false, default: "'{}'::text[]" } },
      { kind: 'create_index', table: 'comments', name: 'comments_tags_idx', columns: ['tags'], method: 'gin' },
      { kind: 'rename_table', from: 'tags', to: 'labels' },
      { kind: 'alter_column', table: 'posts', column: 'title', type: 'varchar(300)', nullable: true },
    ]);
    writeFileSync(file, only(edits, file).after);
    const model = readDrizzleSchema({ files: [file] }).model;
    const comments = findTable(model, 'comments')!;
    expect(findColumn(comments, 'tags')).toEqual({
      name: 'tags',
      type: 'text[]',
      nullable: false,
      default: "'{}'::text[]",
      primaryKey: false,
      unique: false,
      uniqueName: null,
      identity: null,
      comment: null,
    });
    expect(comments.indexes.at(-1)).toEqual({ name: 'comments_tags_idx', columns: ['tags'], unique: false, method: 'gin', where: null });
    expect(model.tables.map((table) => table.name)).toEqual(['users', 'posts', 'comments', 'labels', 'posts_to_tags']);
    expect(findTable(model, 'posts_to_tags')?.foreignKeys[1]?.referencedTable).toBe('labels');
    expect(findColumn(findTable(model, 'posts')!, 'title')).toMatchObject({ type: 'varchar(300)', nullable: true });
  });

  it('leaves the schema project untouched, so the same schema can be applied again', () => {
    const schema = readDrizzleSchema({ files: [BLOG] });
    const change = plan([{ kind: 'rename_column', table: 'users', from: 'id', to: 'user_id' }]);
    const first = applyPlanToDrizzleSource({ schema, plan: change });
    expect(schema.project.getSourceFileOrThrow(BLOG).getFullText()).toBe(readFileSync(BLOG, 'utf8'));
    expect(applyPlanToDrizzleSource({ schema, plan: change })).toEqual(first);
  });

  it.each([
    [{ kind: 'drop_table', table: 'nope' }, 'table "nope"'],
    [{ kind: 'drop_column', table: 'posts', column: 'nope' }, 'posts.nope'],
    [{ kind: 'drop_index', table: 'posts', name: 'nope_idx' }, 'index "nope_idx"'],
    [{ kind: 'drop_foreign_key', table: 'posts', name: 'nope_fk' }, 'foreign key "nope_fk"'],
    [{ kind: 'add_column', table: 'posts', column: { name: 'raw', type: 'bytea', nullable: true } }, 'bytea'],
  ])('fails with PLAN_APPLY_FAILED naming what is missing: %o', (change, expected) => {
    const error = applyError([BLOG], [change]);
    expect(error.code).toBe('PLAN_APPLY_FAILED');
    expect(error.message).toContain(expected);
  });
});
