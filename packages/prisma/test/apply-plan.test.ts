import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ChangePlan, changePlanSchema, findColumn, findTable, OrmAiError } from '@orm-ai/core';
import { applyPlanToPrismaSource, type SourceEdit } from '../src/apply-plan.js';
import { formatPrismaFiles } from '../src/format-schema.js';
import { readPrismaSchema, type PrismaSchema, type PrismaSourceFile } from '../src/read-schema.js';
import { lineDiff } from '../../../test/support/line-diff.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'schemas');
const BLOG = path.join(fixtures, 'blog', 'schema.prisma');
const SPLIT_ROOT = path.join(fixtures, 'split', 'schema', 'schema.prisma');
const SPLIT_USER = path.join(fixtures, 'split', 'schema', 'models', 'user.prisma');
const SPLIT_POST = path.join(fixtures, 'split', 'schema', 'models', 'post.prisma');
const SPLIT = [SPLIT_ROOT, SPLIT_USER, SPLIT_POST];
const DATASOURCE = 'datasource db {\n  provider = "postgresql"\n}\n';

type ChangeInput = Record<string, unknown> & { kind: string };

function plan(changes: readonly ChangeInput[]): ChangePlan {
  return changePlanSchema.parse({ version: 1, request: 'test request', summary: 'test summary', changes: changes.map((change) => ({ reason: 'test', ...change })) });
}

function filesAt(paths: readonly string[]): PrismaSourceFile[] {
  return paths.map((file) => ({ path: file, content: readFileSync(file, 'utf8') }));
}

/** Reads `files`, applies the changes, and checks Prisma accepts every result. */
async function apply(files: readonly string[] | readonly PrismaSourceFile[], changes: readonly ChangeInput[]): Promise<SourceEdit[]> {
  const sources = typeof files[0] === 'string' ? filesAt(files as string[]) : (files as PrismaSourceFile[]);
  const schema = await readPrismaSchema({ files: sources });
  const edits = await applyPlanToPrismaSource({ schema, files: sources, plan: plan(changes) });
  await reread(sources, edits);
  return edits;
}

/** The schema after the edits (getDMMF validates it on the way). */
function reread(files: readonly PrismaSourceFile[], edits: readonly SourceEdit[]): Promise<PrismaSchema> {
  return readPrismaSchema({ files: files.map((file) => ({ path: file.path, content: edits.find((edit) => edit.path === file.path)?.after ?? file.content })) });
}

async function applyError(files: readonly string[] | readonly PrismaSourceFile[], changes: readonly ChangeInput[]): Promise<OrmAiError> {
  try {
    await apply(files, changes);
  } catch (error) {
    if (error instanceof OrmAiError) return error;
    throw error;
  }
  throw new Error('expected applyPlanToPrismaSource to throw');
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

describe('add_column', () => {
  it('appends a camelCase field with @map in a model that maps its columns', async () => {
    const edits = await apply([BLOG], [{ kind: 'add_column', table: 'posts', column: { name: 'reading_time', type: 'integer', nullable: false, default: '0' } }]);
    expect(lineDiff(only(edits, BLOG))).toEqual(['+52|  readingTime Int        @default(0) @map("reading_time")']);
  });

  it('translates types and SQL defaults, and re-aligns only the edited model', async () => {
    const column = (name: string, type: string, nullable: boolean, defaultSql: string | null) => ({ kind: 'add_column', table: 'comments', column: { name, type, nullable, default: defaultSql } });
    const edits = await apply([BLOG], [
      column('nickname', 'varchar(40)', true, "'it''s me'"),
      column('edited_at', 'timestamptz', false, 'now()'),
      column('labels', 'text[]', false, "'{}'::text[]"),
      column('external_id', 'uuid', false, 'gen_random_uuid()'),
      column('state', 'post_status', true, "'archived'"),
      column('weight', 'numeric(12,4)', false, '1.5'),
      column('flags', 'smallint', false, "'3'::smallint"),
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-60|  id        Int      @id @default(autoincrement())',
      '-61|  postId    String   @map("post_id") @db.Uuid',
      '-62|  post      Post     @relation(fields: [postId], references: [id], onDelete: Cascade)',
      '-63|  authorId  Int?     @map("author_id")',
      '-64|  author    User?    @relation(fields: [authorId], references: [id])',
      '-65|  body      String',
      '-66|  score     Int      @default(0)',
      '-67|  createdAt DateTime @default(now()) @map("created_at")',
      '+60|  id         Int         @id @default(autoincrement())',
      '+61|  postId     String      @map("post_id") @db.Uuid',
      '+62|  post       Post        @relation(fields: [postId], references: [id], onDelete: Cascade)',
      '+63|  authorId   Int?        @map("author_id")',
      '+64|  author     User?       @relation(fields: [authorId], references: [id])',
      '+65|  body       String',
      '+66|  score      Int         @default(0)',
      '+67|  createdAt  DateTime    @default(now()) @map("created_at")',
      '+68|  nickname   String?     @default("it\'s me") @db.VarChar(40)',
      '+69|  editedAt   DateTime    @default(now()) @map("edited_at") @db.Timestamptz',
      '+70|  labels     String[]    @default([])',
      '+71|  externalId String      @default(dbgenerated("gen_random_uuid()")) @map("external_id") @db.Uuid',
      '+72|  state      PostStatus? @default(ARCHIVED)',
      '+73|  weight     Decimal     @default(1.5) @db.Decimal(12, 4)',
      '+74|  flags      Int         @default(3) @db.SmallInt',
    ]);
  });

  it('uses the column name as the field name where fields are not mapped', async () => {
    const files = [{ path: 'schema.prisma', content: `${DATASOURCE}\nmodel audit_log {\n  id         Int    @id\n  event_name String\n}\n` }];
    const edits = await apply(files, [{ kind: 'add_column', table: 'audit_log', column: { name: 'created_at', type: 'timestamp(3)', nullable: false, default: 'CURRENT_TIMESTAMP' } }]);
    expect(only(edits, 'schema.prisma').after).toBe(
      `${DATASOURCE}\nmodel audit_log {\n  id         Int      @id\n  event_name String\n  created_at DateTime @default(now())\n}\n`,
    );
  });
});

describe('drop_column', () => {
  it('removes the field with its documentation comment', async () => {
    const edits = await apply([BLOG], [{ kind: 'drop_column', table: 'users', column: 'settings' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual(['-26|  /// Free-form profile settings from the client.', '-27|  settings    Json      @default("{}")']);
  });

  it('removes the relation, its back-relation and the indexes that use the column, as PostgreSQL does', async () => {
    const edits = await apply([BLOG], [{ kind: 'drop_column', table: 'posts', column: 'author_id' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-31|  posts       Post[]',
      '-39|  authorId    Int        @map("author_id")',
      '-40|  author      User       @relation(fields: [authorId], references: [id], onDelete: Cascade)',
      '-53|  @@unique([authorId, slug])',
      '-54|  @@index([authorId])',
    ]);
  });
});

describe('rename_column', () => {
  it('changes @map when the field has one', async () => {
    const edits = await apply([BLOG], [{ kind: 'rename_column', table: 'posts', from: 'author_id', to: 'writer_id' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual(['-39|  authorId    Int        @map("author_id")', '+39|  authorId    Int        @map("writer_id")']);
  });

  it('renames an unmapped field (camelCase + @map by the model convention) and every reference to it', async () => {
    const edits = await apply([BLOG], [
      { kind: 'rename_column', table: 'posts', from: 'slug', to: 'url_slug' },
      { kind: 'rename_column', table: 'users', from: 'id', to: 'user_id' },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-22|  id          Int       @id @default(autoincrement())',
      '+22|  userId      Int       @id @default(autoincrement()) @map("user_id")',
      '-40|  author      User       @relation(fields: [authorId], references: [id], onDelete: Cascade)',
      '+40|  author      User       @relation(fields: [authorId], references: [userId], onDelete: Cascade)',
      '-42|  slug        String',
      '+42|  urlSlug     String     @map("url_slug")',
      '-53|  @@unique([authorId, slug])',
      '+53|  @@unique([authorId, urlSlug])',
      '-64|  author    User?    @relation(fields: [authorId], references: [id])',
      '+64|  author    User?    @relation(fields: [authorId], references: [userId])',
    ]);
  });

  it('renames the field to the column name where fields are not mapped, keeping index options', async () => {
    const content = `${DATASOURCE}\nmodel Item {\n  id   Int    @id\n  code String\n\n  @@index([code(sort: Desc)])\n}\n`;
    const edits = await apply([{ path: 'schema.prisma', content }], [{ kind: 'rename_column', table: 'Item', from: 'code', to: 'sku' }]);
    expect(only(edits, 'schema.prisma').after).toBe(`${DATASOURCE}\nmodel Item {\n  id  Int    @id\n  sku String\n\n  @@index([sku(sort: Desc)])\n}\n`);
  });
});

describe('alter_column', () => {
  it('rewrites the type, the native type and optionality, keeping the other attributes', async () => {
    const edits = await apply([BLOG], [
      { kind: 'alter_column', table: 'posts', column: 'title', type: 'text', nullable: true },
      { kind: 'alter_column', table: 'posts', column: 'view_count', type: 'integer' },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-41|  title       String     @db.VarChar(200)',
      '+41|  title       String?',
      '-49|  viewCount   BigInt     @default(0) @map("view_count")',
      '+49|  viewCount   Int        @default(0) @map("view_count")',
    ]);
  });

  it('adds, replaces and removes defaults; SQL Prisma cannot spell becomes dbgenerated', async () => {
    const edits = await apply([BLOG], [
      { kind: 'alter_column', table: 'posts', column: 'body', default: { sql: null } },
      { kind: 'alter_column', table: 'posts', column: 'slug', default: { sql: "'untitled'" } },
      { kind: 'alter_column', table: 'comments', column: 'score', default: { sql: '1 + 1' } },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-42|  slug        String',
      '-43|  body        String     @default("")',
      '+42|  slug        String     @default("untitled")',
      '+43|  body        String',
      '-66|  score     Int      @default(0)',
      '+66|  score     Int      @default(dbgenerated("1 + 1"))',
    ]);
  });

  it('makes the relation follow a foreign key column, pinning the onDelete Prisma used implicitly', async () => {
    const edits = await apply(SPLIT, [{ kind: 'alter_column', table: 'posts', column: 'author_id', nullable: true }]);
    expect(lineDiff(only(edits, SPLIT_POST))).toEqual([
      '-8|  authorId   Int        @map("author_id")',
      '-9|  author     User       @relation(fields: [authorId], references: [id])',
      '+8|  authorId   Int?       @map("author_id")',
      '+9|  author     User?      @relation(fields: [authorId], references: [id], onDelete: Restrict)',
    ]);
    const model = (await reread(filesAt(SPLIT), edits)).model;
    expect(findTable(model, 'posts')!.foreignKeys[0]).toMatchObject({ onDelete: 'restrict', onUpdate: 'cascade' });
  });
});

describe('create_table / drop_table / rename_table', () => {
  it('creates a model with @@id and @@map, and relations with back-relations on both referenced models', async () => {
    const edits = await apply([BLOG], [
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
      { kind: 'add_foreign_key', table: 'post_likes', columns: ['post_id'], referencedTable: 'posts', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'cascade' },
      { kind: 'add_foreign_key', table: 'post_likes', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'] },
    ]);
    // The two models that gained a back-relation are re-aligned by Prisma's formatter; nothing else changes.
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-22|  id          Int       @id @default(autoincrement())',
      '-23|  email       String    @unique @db.VarChar(320)',
      '-24|  displayName String    @map("display_name")',
      '-25|  avatarUrl   String?   @map("avatar_url")',
      '+22|  id          Int        @id @default(autoincrement())',
      '+23|  email       String     @unique @db.VarChar(320)',
      '+24|  displayName String     @map("display_name")',
      '+25|  avatarUrl   String?    @map("avatar_url")',
      '-27|  settings    Json      @default("{}")',
      '-28|  isAdmin     Boolean   @default(false) @map("is_admin")',
      '-29|  createdAt   DateTime  @default(now()) @map("created_at") @db.Timestamptz(3)',
      '-30|  updatedAt   DateTime? @updatedAt @map("updated_at")',
      '+27|  settings    Json       @default("{}")',
      '+28|  isAdmin     Boolean    @default(false) @map("is_admin")',
      '+29|  createdAt   DateTime   @default(now()) @map("created_at") @db.Timestamptz(3)',
      '+30|  updatedAt   DateTime?  @updatedAt @map("updated_at")',
      '+33|  postLikes   PostLike[]',
      '+53|  postLikes   PostLike[]',
      '+94|model PostLike {',
      '+95|  postId  String   @map("post_id") @db.Uuid',
      '+96|  post    Post     @relation(fields: [postId], references: [id], onDelete: Cascade)',
      '+97|  userId  Int      @map("user_id")',
      '+98|  user    User     @relation(fields: [userId], references: [id], onDelete: NoAction, onUpdate: NoAction)',
      '+99|  likedAt DateTime @default(now()) @map("liked_at") @db.Timestamptz',
      '+100|',
      '+101|  @@id([postId, userId])',
      '+102|  @@map("post_likes")',
      '+103|}',
      '+104|',
    ]);
  });

  it('creates a serial-keyed model in the file of the table it references', async () => {
    const edits = await apply(SPLIT, [
      {
        kind: 'create_table',
        table: 'audit_logs',
        columns: [
          { name: 'id', type: 'serial', nullable: false, primaryKey: true },
          { name: 'user_id', type: 'integer', nullable: false },
          { name: 'action', type: 'text', nullable: false },
        ],
      },
      { kind: 'add_foreign_key', table: 'audit_logs', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'cascade' },
    ]);
    expect(editOf(edits, SPLIT_USER).after).toBe(
      [
        'model User {',
        '  id        Int        @id @default(autoincrement())',
        '  fullName  String     @map("full_name")',
        '  createdAt DateTime   @default(now()) @map("created_at")',
        '  posts     Post[]',
        '  auditLogs AuditLog[]',
        '',
        '  @@index([fullName])',
        '  @@map("users")',
        '}',
        '',
        'model AuditLog {',
        '  id     Int    @id @default(autoincrement())',
        '  userId Int    @map("user_id")',
        '  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)',
        '  action String',
        '',
        '  @@map("audit_logs")',
        '}',
        '',
      ].join('\n'),
    );
    expect(edits.map((edit) => edit.path)).toEqual([SPLIT_USER]);
  });

  it('drops a model with its documentation and the back-relations pointing at it', async () => {
    const edits = await apply([BLOG], [{ kind: 'drop_table', table: 'post_tags' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-51|  postTags    PostTag[]',
      '-74|  id       Int       @id @default(autoincrement())',
      '-75|  name     String    @unique',
      '-76|  postTags PostTag[]',
      '+73|  id   Int    @id @default(autoincrement())',
      '+74|  name String @unique',
      '-81|/// Join table between posts and tags.',
      '-82|model PostTag {',
      '-83|  postId String @map("post_id") @db.Uuid',
      '-84|  post   Post   @relation(fields: [postId], references: [id], onDelete: Cascade)',
      '-85|  tagId  Int    @map("tag_id")',
      '-86|  tag    Tag    @relation(fields: [tagId], references: [id], onDelete: Cascade, map: "post_tags_tag_fk")',
      '-87|',
      '-88|  @@id([postId, tagId])',
      '-89|  @@map("post_tags")',
      '-90|}',
      '-91|',
    ]);
  });

  it('renames a mapped table through @@map', async () => {
    const edits = await apply([BLOG], [{ kind: 'rename_table', from: 'tags', to: 'labels' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual(['-78|  @@map("tags")', '+78|  @@map("labels")']);
  });

  it('renames a model named like its table, and every field type naming it, across files', async () => {
    const files = [
      { path: 'a.prisma', content: `${DATASOURCE}\nmodel Tag {\n  id    Int       @id\n  posts PostTag[]\n}\n` },
      { path: 'b.prisma', content: 'model PostTag {\n  id    Int  @id\n  tagId Int\n  tag   Tag? @relation(fields: [tagId], references: [id])\n}\n' },
    ];
    const edits = await apply(files, [{ kind: 'rename_table', from: 'Tag', to: 'Label' }]);
    expect(editOf(edits, 'a.prisma').after).toBe(`${DATASOURCE}\nmodel Label {\n  id    Int       @id\n  posts PostTag[]\n}\n`);
    expect(editOf(edits, 'b.prisma').after).toBe('model PostTag {\n  id    Int    @id\n  tagId Int\n  tag   Label? @relation(fields: [tagId], references: [id])\n}\n');
  });

  it('adds @@map when the new table name cannot be the model name', async () => {
    const files = [{ path: 'schema.prisma', content: `${DATASOURCE}\nmodel Tag {\n  id Int @id\n}\n` }];
    const edits = await apply(files, [{ kind: 'rename_table', from: 'Tag', to: 'blog-tags' }]);
    expect(only(edits, 'schema.prisma').after).toBe(`${DATASOURCE}\nmodel Tag {\n  id Int @id\n\n  @@map("blog-tags")\n}\n`);
  });
});

describe('indexes', () => {
  it('adds @@index with map: only for a non-default name and type: for a non-btree method', async () => {
    const edits = await apply([BLOG], [
      { kind: 'create_index', table: 'posts', name: 'posts_title_idx', columns: ['title'] },
      { kind: 'create_index', table: 'comments', name: 'comments_body_hash', columns: ['body'], method: 'hash' },
      { kind: 'create_index', table: 'tags', name: 'tags_id_name_key', columns: ['id', 'name'], unique: true },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '+56|  @@index([title])',
      '+71|  @@index([body], map: "comments_body_hash", type: Hash)',
      '+80|  @@unique([id, name])',
    ]);
  });

  it('refuses a partial index without the partialIndexes preview feature', async () => {
    const error = await applyError([BLOG], [{ kind: 'create_index', table: 'posts', name: 'posts_live_idx', columns: ['slug'], where: 'published_at IS NOT NULL' }]);
    expect(error.code).toBe('PLAN_APPLY_FAILED');
    expect(error.message).toContain('partialIndexes');
  });

  it('writes where: raw(...) when the schema enables partialIndexes', async () => {
    const content = `generator client {\n  provider        = "prisma-client"\n  previewFeatures = ["partialIndexes"]\n}\n\n${DATASOURCE}\nmodel Post {\n  id   Int    @id\n  slug String\n}\n`;
    const files = [{ path: 'schema.prisma', content }];
    const edits = await apply(files, [{ kind: 'create_index', table: 'Post', name: 'Post_slug_idx', columns: ['slug'], where: "slug <> ''" }]);
    expect(only(edits, 'schema.prisma').after).toBe(content.replace('  slug String\n', '  slug String\n\n  @@index([slug], where: raw("slug <> \'\'"))\n'));
    const model = (await reread(files, edits)).model;
    expect(model.tables[0]!.indexes).toEqual([{ name: 'Post_slug_idx', columns: ['slug'], unique: false, method: 'btree', where: "slug <> ''" }]);
  });

  it('drops @@index by its explicit or default name', async () => {
    const edits = await apply([BLOG], [
      { kind: 'drop_index', table: 'posts', name: 'posts_tags_idx' },
      { kind: 'drop_index', table: 'comments', name: 'comments_post_created_idx' },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual(['-55|  @@index([tags], type: Gin)', '-69|  @@index([postId, createdAt], map: "comments_post_created_idx")']);
  });

  it('drops and renames through indexes whose keys carry sort: or ops:, a DESC @@unique being a unique index', async () => {
    const content = `${DATASOURCE}model Doc {\n  id    Int    @id\n  title String\n  name  String\n\n  @@index([title(ops: raw("text_pattern_ops")), id(sort: Desc)])\n  @@unique([name(sort: Desc), title])\n}\n`;
    const files = [{ path: 'schema.prisma', content }];
    const dropped = await apply(files, [{ kind: 'drop_index', table: 'Doc', name: 'Doc_name_title_key' }]);
    expect(lineDiff(only(dropped, 'schema.prisma'))).toEqual(['-10|  @@unique([name(sort: Desc), title])']);
    const renamed = await apply(files, [{ kind: 'rename_column', table: 'Doc', from: 'title', to: 'heading' }]);
    const doc = (await reread(files, renamed)).model.tables[0]!;
    expect(doc.indexes.map((index) => [index.name, index.columns, index.keyOptions?.map((key) => `${key.opclass} ${key.order}`)])).toEqual([
      ['Doc_heading_id_idx', ['heading', 'id'], ['text_pattern_ops asc', 'null desc']],
      ['Doc_name_heading_key', ['name', 'heading'], ['null desc', 'null asc']],
    ]);
  });
});

describe('unique constraints', () => {
  it('adds @unique for one column and @@unique for several', async () => {
    const edits = await apply([BLOG], [
      { kind: 'add_unique', table: 'users', columns: ['display_name'] },
      { kind: 'add_unique', table: 'comments', name: 'comments_post_author_key', columns: ['post_id', 'author_id'] },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-24|  displayName String    @map("display_name")',
      '+24|  displayName String    @unique @map("display_name")',
      '+69|  @@unique([postId, authorId], map: "comments_post_author_key")',
    ]);
  });

  it('drops @unique and @@unique by their default names', async () => {
    const edits = await apply([BLOG], [
      { kind: 'drop_unique', table: 'users', name: 'users_email_key' },
      { kind: 'drop_unique', table: 'posts', name: 'posts_author_id_slug_key' },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual(['-23|  email       String    @unique @db.VarChar(320)', '+23|  email       String    @db.VarChar(320)', '-53|  @@unique([authorId, slug])']);
  });
});

describe('foreign keys', () => {
  it('adds a named self-relation with its back-relation', async () => {
    const edits = await apply([BLOG], [
      { kind: 'add_column', table: 'comments', column: { name: 'parent_id', type: 'integer', nullable: true } },
      { kind: 'add_foreign_key', table: 'comments', name: 'comments_parent_fk', columns: ['parent_id'], referencedTable: 'comments', referencedColumns: ['id'], onDelete: 'set null', onUpdate: 'cascade' },
    ]);
    expect(lineDiff(only(edits, BLOG)).filter((line) => line.startsWith('+'))).toEqual([
      '+60|  id        Int       @id @default(autoincrement())',
      '+61|  postId    String    @map("post_id") @db.Uuid',
      '+62|  post      Post      @relation(fields: [postId], references: [id], onDelete: Cascade)',
      '+63|  authorId  Int?      @map("author_id")',
      '+64|  author    User?     @relation(fields: [authorId], references: [id])',
      '+66|  score     Int       @default(0)',
      '+67|  createdAt DateTime  @default(now()) @map("created_at")',
      '+68|  parentId  Int?      @map("parent_id")',
      '+69|  parent    Comment?  @relation("CommentParent", fields: [parentId], references: [id], map: "comments_parent_fk")',
      '+70|  comments  Comment[] @relation("CommentParent")',
    ]);
  });

  it('names a second relation between the same models and makes a unique key one-to-one', async () => {
    const edits = await apply([BLOG], [
      { kind: 'add_column', table: 'users', column: { name: 'pinned_post_id', type: 'uuid', nullable: true, unique: true } },
      { kind: 'add_foreign_key', table: 'users', columns: ['pinned_post_id'], referencedTable: 'posts', referencedColumns: ['id'], onDelete: 'set null', onUpdate: 'cascade' },
    ]);
    const added = lineDiff(only(edits, BLOG)).filter((line) => line.startsWith('+') && /pinned|UserPinnedPost/.test(line));
    expect(added).toEqual([
      '+33|  pinnedPostId String?   @unique @map("pinned_post_id") @db.Uuid',
      '+34|  pinnedPost   Post?     @relation("UserPinnedPost", fields: [pinnedPostId], references: [id])',
      '+54|  user        User?      @relation("UserPinnedPost")',
    ]);
  });

  it('drops the relation field holding the key and its back-relation', async () => {
    const edits = await apply([BLOG], [{ kind: 'drop_foreign_key', table: 'post_tags', name: 'post_tags_tag_fk' }]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '-74|  id       Int       @id @default(autoincrement())',
      '-75|  name     String    @unique',
      '-76|  postTags PostTag[]',
      '+74|  id   Int    @id @default(autoincrement())',
      '+75|  name String @unique',
      '-86|  tag    Tag    @relation(fields: [tagId], references: [id], onDelete: Cascade, map: "post_tags_tag_fk")',
    ]);
  });
});

describe('enums', () => {
  it('creates an enum after the last enum, mapping names and values Prisma cannot spell, and appends a value', async () => {
    const edits = await apply([BLOG], [
      { kind: 'create_enum', name: 'visibility', values: ['public', 'private', 'in-review'] },
      { kind: 'add_enum_value', enum: 'post_status', value: 'scheduled' },
      { kind: 'add_column', table: 'posts', column: { name: 'visibility', type: 'visibility', nullable: false, default: "'in-review'" } },
    ]);
    expect(lineDiff(only(edits, BLOG))).toEqual([
      '+16|  scheduled',
      '+21|enum Visibility {',
      '+22|  public',
      '+23|  private',
      '+24|  in_review @map("in-review")',
      '+25|',
      '+26|  @@map("visibility")',
      '+27|}',
      '+28|',
      '+61|  visibility  Visibility @default(in_review)',
    ]);
  });
});

describe('applyPlanToPrismaSource', () => {
  it('formats only the edited blocks: an unformatted untouched block stays byte-identical', async () => {
    const untouched = 'model Untouched {\n  id Int @id\n  longerName   String @db.VarChar(10)   @default("x")\n}\n';
    const content = `${DATASOURCE}\n${untouched}\nmodel Edited {\n  id Int @id\n}\n`;
    const [whole] = await formatPrismaFiles([{ path: 'schema.prisma', content }]);
    expect(whole!.content).not.toContain(untouched);
    const edits = await apply([{ path: 'schema.prisma', content }], [{ kind: 'add_column', table: 'Edited', column: { name: 'title', type: 'text', nullable: true } }]);
    expect(only(edits, 'schema.prisma').after).toBe(`${DATASOURCE}\n${untouched}\nmodel Edited {\n  id    Int     @id\n  title String?\n}\n`);
  });

  it('keeps CRLF line endings', async () => {
    const content = `${DATASOURCE}\nmodel Item {\n  id Int @id\n}\n`.replaceAll('\n', '\r\n');
    const edits = await apply([{ path: 'schema.prisma', content }], [{ kind: 'add_column', table: 'Item', column: { name: 'label', type: 'text', nullable: false, default: "''" } }]);
    expect(only(edits, 'schema.prisma').after).toBe(`${DATASOURCE}\nmodel Item {\n  id    Int    @id\n  label String @default("")\n}\n`.replaceAll('\n', '\r\n'));
  });

  it('round-trips: the re-read model shows every change', async () => {
    const files = filesAt(SPLIT);
    const edits = await apply(files, [
      { kind: 'create_enum', name: 'post_kind', values: ['article', 'note'] },
      { kind: 'add_column', table: 'posts', column: { name: 'kind', type: 'post_kind', nullable: false, default: "'note'" } },
      { kind: 'add_column', table: 'posts', column: { name: 'tags', type: 'text[]', nullable: true, default: "'{}'" } },
      { kind: 'create_index', table: 'posts', name: 'posts_tags_idx', columns: ['tags'], method: 'gin' },
      { kind: 'rename_column', table: 'users', from: 'full_name', to: 'display_name' },
      { kind: 'rename_table', from: 'posts', to: 'articles' },
      { kind: 'alter_column', table: 'articles', column: 'title', type: 'varchar(300)', nullable: true },
      { kind: 'add_enum_value', enum: 'Visibility', value: 'UNLISTED' },
    ]);
    expect(edits.map((edit) => edit.path)).toEqual([SPLIT_USER, SPLIT_POST]);
    const { model } = await reread(files, edits);
    expect(model.enums).toEqual([
      { name: 'Visibility', values: ['PUBLIC', 'PRIVATE', 'UNLISTED'] },
      { name: 'post_kind', values: ['article', 'note'] },
    ]);
    const articles = findTable(model, 'articles')!;
    expect(findColumn(articles, 'kind')).toMatchObject({ type: 'post_kind', nullable: false, default: "'note'" });
    expect(findColumn(articles, 'tags')).toMatchObject({ type: 'text[]', default: 'ARRAY[]::text[]' });
    expect(findColumn(articles, 'title')).toMatchObject({ type: 'varchar(300)', nullable: true });
    // A default-named index follows Prisma's naming: the engine renames it with the table.
    expect(articles.indexes).toEqual([{ name: 'articles_tags_idx', columns: ['tags'], unique: false, method: 'gin', where: null }]);
    expect(findColumn(findTable(model, 'users')!, 'display_name')).toMatchObject({ type: 'text', nullable: false });
    expect(findTable(model, 'users')!.indexes[0]).toMatchObject({ name: 'users_display_name_idx', columns: ['display_name'] });
  });

  it('leaves its inputs untouched, so the same schema can be applied again', async () => {
    const files = filesAt([BLOG]);
    const schema = await readPrismaSchema({ files });
    const snapshot = structuredClone(schema);
    const change = plan([{ kind: 'rename_column', table: 'users', from: 'id', to: 'user_id' }]);
    const first = await applyPlanToPrismaSource({ schema, files, plan: change });
    expect(schema).toEqual(snapshot);
    expect(await applyPlanToPrismaSource({ schema, files, plan: change })).toEqual(first);
  });

  it.each([
    [{ kind: 'drop_table', table: 'nope' }, 'table "nope"'],
    [{ kind: 'drop_column', table: 'posts', column: 'nope' }, 'posts.nope'],
    [{ kind: 'drop_index', table: 'posts', name: 'nope_idx' }, 'index "nope_idx"'],
    [{ kind: 'drop_foreign_key', table: 'posts', name: 'nope_fk' }, 'foreign key "nope_fk"'],
    [{ kind: 'add_column', table: 'posts', column: { name: 'span', type: 'interval', nullable: true } }, 'interval'],
    [{ kind: 'add_column', table: 'posts', column: { name: 'grid', type: 'integer[][]', nullable: true } }, 'multi-dimensional'],
    [{ kind: 'alter_column', table: 'posts', column: 'tags', nullable: false }, 'cannot declare it NOT NULL'],
  ])('fails with PLAN_APPLY_FAILED naming what is wrong: %o', async (change, expected) => {
    const error = await applyError([BLOG], [change]);
    expect(error.code).toBe('PLAN_APPLY_FAILED');
    expect(error.message).toContain(expected);
  });

  it("fails with Prisma's validation message when Prisma rejects the result", async () => {
    const error = await applyError([BLOG], [{ kind: 'add_foreign_key', table: 'comments', columns: ['body'], referencedTable: 'posts', referencedColumns: ['slug'] }]);
    expect(error.code).toBe('PLAN_APPLY_FAILED');
    expect(error.message).toContain('after add_foreign_key comments(body)');
    expect(error.message).toMatch(/unique/i);
  });
});
