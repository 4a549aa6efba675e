import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { findTable, parsePlan, writeFilesAtomically, type ChangePlan, type SchemaModel, type TableModel } from '@orm-ai/core';
import { SQLITE_CORE } from '../src/drizzle-core.js';
import { drizzlePlugin } from '../src/drizzle-plugin.js';
import { readDrizzleSchema } from '../src/read-schema.js';
import { loadDrizzleKit } from '../src/drizzle-kit-api.js';
import { modelFromSnapshot } from '../src/snapshot-model.js';
import { packageRoot } from './fixtures.js';
import { exampleForTest } from '../../../test/support/example-project.js';
import { drizzleKit, drizzleKitGenerate } from '../../../test/support/drizzle-kit-cli.js';
import { migrateInProcess, query, runMigrate, seededDatabase } from '../../../test/support/sqlite-blog.js';

/**
 * The plugin on examples/drizzle-sqlite-app, end to end with real parts: the project's
 * drizzle-kit reads and diffs, the example's own `npm run migrate` (drizzle-orm's
 * better-sqlite3 migrator) applies the result to a SQLite file.
 */

const SCHEMA = 'src/db/schema.ts';

function planOf(root: string, name: string): ChangePlan {
  const parsed = parsePlan(JSON.parse(readFileSync(join(root, 'plans', `${name}.json`), 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.plan;
}

function inlinePlan(changes: unknown[]): ChangePlan {
  const parsed = parsePlan({ version: 1, request: 'r', summary: 's', changes });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.plan;
}

/** Applies `plan` in the copy at `root` and writes the schema edit and drizzle-kit's migration files. */
async function generateAndWrite(root: string, plan: ChangePlan, name: string) {
  const project = await drizzlePlugin.openProject({ cwd: root });
  const edits = await project.applyPlan(plan);
  const migration = await project.generateMigration({ plan, edits, name, shadowServer: undefined });
  await writeFilesAtomically([...edits, ...migration.filesFor({ up: migration.statements, down: migration.downStatements })]);
  return { edits, migration };
}

/**
 * A model with its unique constraints written as the unique indexes drizzle-kit's SQLite
 * serializer records for them (SQLite builds one for each), and composite keys unnamed (only
 * the snapshot names them): what the static reader and drizzle-kit must then agree on.
 */
function uniquesAsIndexes(model: SchemaModel): TableModel[] {
  const index = (name: string, columns: string[]) => ({ name, columns, unique: true, method: 'btree' as const, where: null });
  return [...model.tables]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((table) => ({
      ...table,
      columns: table.columns.map((column) => ({ ...column, unique: false, uniqueName: null })),
      indexes: [
        ...table.columns.filter((column) => column.unique).map((column) => index(column.uniqueName!, [column.name])),
        ...table.uniques.map((unique) => index(unique.name, unique.columns)),
        ...table.indexes,
      ].sort((a, b) => a.name.localeCompare(b.name)),
      uniques: [],
      primaryKey: table.primaryKey && { name: null, columns: table.primaryKey.columns },
    }));
}

const counts = (file: string) => ({
  users: query(file, 'SELECT count(*) AS n FROM users'),
  posts: query(file, 'SELECT count(*) AS n FROM posts'),
  comments: query(file, 'SELECT count(*) AS n FROM comments'),
});

describe('the Drizzle plugin on a SQLite project (examples/drizzle-sqlite-app)', () => {
  it('reads sqliteTable declarations through drizzle-kit into a sqlite model, with the source comments', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    const model = await (await drizzlePlugin.openProject({ cwd: root })).readSchema();
    expect(model.dialect).toBe('sqlite');
    expect(model.tables.map((table) => table.name).sort()).toEqual(['comments', 'posts', 'posts_to_tags', 'tags', 'users']);
    const users = findTable(model, 'users')!;
    expect(users.columns.map((column) => [column.name, column.type, column.nullable, column.default, column.primaryKey])).toEqual([
      ['id', 'integer', false, null, true],
      ['email', 'text(320)', false, null, false],
      ['display_name', 'text', false, null, false],
      ['bio', 'text', true, null, false],
      ['is_admin', 'integer', false, 'false', false],
      ['created_at', 'integer', false, '(unixepoch())', false],
    ]);
    // drizzle-kit's SQLite serializer turns .unique() into a unique index, which is what the database gets.
    expect(users.indexes).toEqual([{ name: 'users_email_unique', columns: ['email'], unique: true, method: 'btree', where: null }]);
    expect(users.columns[1]!.comment).toContain('RFC 5321');
    const posts = findTable(model, 'posts')!;
    expect(posts.foreignKeys).toEqual([
      { name: 'posts_author_id_users_id_fk', columns: ['author_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'no action' },
    ]);
    expect(posts.columns.find((column) => column.name === 'status')).toMatchObject({ type: 'text', default: "'draft'", nullable: false });
    expect(posts.indexes.map((index) => [index.name, index.columns])).toEqual([
      ['posts_author_id_idx', ['author_id']],
      ['posts_status_published_at_idx', ['status', 'published_at']],
    ]);
    expect(findTable(model, 'comments')!.foreignKeys.map((fk) => [fk.columns, fk.referencedTable, fk.onDelete])).toEqual([
      [['post_id'], 'posts', 'cascade'],
      [['author_id'], 'users', 'set null'],
    ]);
    expect(findTable(model, 'posts_to_tags')!.primaryKey).toEqual({ name: 'posts_to_tags_post_id_tag_id_pk', columns: ['post_id', 'tag_id'] });
  });

  it('reads the same model statically as drizzle-kit serializes, but for where a one-column unique sits', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    const fromKit = await (await drizzlePlugin.openProject({ cwd: root })).readSchema();
    const fromSource = readDrizzleSchema({ files: [join(root, SCHEMA)], core: SQLITE_CORE });
    expect(fromSource.index.tables.flatMap((table) => table.unreadable)).toEqual([]);
    expect(fromSource.model.dialect).toBe('sqlite');
    expect(uniquesAsIndexes(fromSource.model)).toEqual(uniquesAsIndexes(fromKit));
  });

  it('reads every sqlite-core form as drizzle-kit does: modes, defaults, $defaultFn, composite and named keys, partial indexes', async () => {
    const file = join(packageRoot, 'test', 'fixtures', 'schemas', 'sqlite', 'schema.ts');
    const api = await loadDrizzleKit(packageRoot, 'sqlite');
    const module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
    const fromKit = modelFromSnapshot(await api.generateDrizzleJson(module)).model;
    const fromSource = readDrizzleSchema({ files: [file], core: SQLITE_CORE });
    expect(fromSource.index.tables.flatMap((table) => table.unreadable)).toEqual([]);
    expect(uniquesAsIndexes(fromSource.model)).toEqual(uniquesAsIndexes(fromKit));
    const accounts = findTable(fromSource.model, 'accounts')!;
    expect(accounts.columns.map((column) => [column.name, column.type, column.default])).toEqual([
      ['id', 'integer', null],
      ['handle', 'text(40)', null],
      ['settings', 'text', null],
      ['avatar', 'blob', null],
      ['balance', 'numeric', '0'],
      ['score', 'real', '1.5'],
      ['verified', 'integer', 'false'],
      ['joined_at', 'integer', '(unixepoch() * 1000)'],
      // $defaultFn runs in drizzle-orm, not in the database.
      ['token', 'text', null],
      ['role', 'text', "'member'"],
      ['big', 'blob', null],
    ]);
    expect(findTable(fromSource.model, 'memberships')!.foreignKeys.map((fk) => [fk.name, fk.columns, fk.onDelete, fk.onUpdate])).toEqual([
      ['memberships_account_id_accounts_id_fk', ['account_id'], 'cascade', 'cascade'],
      ['memberships_team_fk', ['team_id', 'team_region'], 'restrict', 'no action'],
    ]);
  });

  it('add-bookmarks-table: writes a sqliteTable, drizzle-kit makes one CREATE TABLE, the migrator keeps every row', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    const database = seededDatabase(root);
    const before = counts(database);
    const { edits, migration } = await generateAndWrite(root, planOf(root, 'add-bookmarks-table'), 'add_bookmarks');
    expect(edits.map((edit) => edit.path)).toEqual([join(root, SCHEMA)]);
    const source = readFileSync(join(root, SCHEMA), 'utf8');
    expect(source).toContain("import { index, integer, primaryKey, sqliteTable, text, unique, uniqueIndex } from 'drizzle-orm/sqlite-core';");
    expect(source).toContain(
      [
        "export const bookmarks = sqliteTable('bookmarks', {",
        "  id: integer('id').primaryKey(),",
        "  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),",
        "  postId: integer('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),",
        "  createdAt: integer('created_at').notNull().default(sql`(unixepoch())`),",
        '}, (t) => [',
        "  unique('bookmarks_user_id_post_id_unique').on(t.userId, t.postId),",
        "  index('bookmarks_post_id_idx').on(t.postId),",
        ']);',
      ].join('\n'),
    );
    expect(migration.id).toBe('0002_add_bookmarks');
    expect(migration.statements).toEqual([
      'CREATE TABLE `bookmarks` (\n\t`id` integer PRIMARY KEY NOT NULL,\n\t`user_id` integer NOT NULL,\n\t`post_id` integer NOT NULL,\n\t`created_at` integer DEFAULT (unixepoch()) NOT NULL,\n' +
        '\tFOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,\n\tFOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade\n);\n',
      'CREATE INDEX `bookmarks_post_id_idx` ON `bookmarks` (`post_id`);',
      'CREATE UNIQUE INDEX `bookmarks_user_id_post_id_unique` ON `bookmarks` (`user_id`,`post_id`);',
    ]);
    expect(migration.downStatements).toEqual(['DROP TABLE `bookmarks`;']);
    expect(readFileSync(join(root, 'drizzle', '0002_add_bookmarks.sql'), 'utf8')).toBe(migration.statements.join('--> statement-breakpoint\n'));
    expect(drizzleKitGenerate(root)).toContain('No schema changes, nothing to migrate');

    expect(runMigrate(root, database)).toMatchObject({ status: 0 });
    expect(counts(database)).toEqual(before);
    const db = new Database(database);
    try {
      db.exec("INSERT INTO bookmarks (user_id, post_id) SELECT author_id, id FROM posts");
      expect(() => db.exec('INSERT INTO bookmarks (user_id, post_id) SELECT author_id, id FROM posts LIMIT 1')).toThrow(/UNIQUE constraint failed/);
    } finally {
      db.close();
    }
  }, 120_000);

  it('rename-display-name: renames the property and column, drizzle-kit\'s RENAME COLUMN keeps every value', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    const database = seededDatabase(root);
    const { migration } = await generateAndWrite(root, planOf(root, 'rename-display-name'), 'rename_display_name');
    const source = readFileSync(join(root, SCHEMA), 'utf8');
    expect(source).toContain("  fullName: text('full_name').notNull(),\n");
    expect(source).not.toContain('display_name');
    expect(migration.statements).toEqual(['ALTER TABLE `users` RENAME COLUMN "display_name" TO "full_name";']);
    expect(migration.downStatements).toEqual(['ALTER TABLE `users` RENAME COLUMN "full_name" TO "display_name";']);
    // drizzle-kit records the rename in the snapshot's _meta, as its own generate would after the prompt.
    const snapshot = JSON.parse(readFileSync(join(root, 'drizzle', 'meta', '0002_snapshot.json'), 'utf8'));
    expect(snapshot).toMatchObject({ dialect: 'sqlite', version: '6', _meta: { columns: { '"users"."display_name"': '"users"."full_name"' } } });
    const journal = JSON.parse(readFileSync(join(root, 'drizzle', 'meta', '_journal.json'), 'utf8'));
    expect(journal).toMatchObject({ dialect: 'sqlite', entries: [{}, {}, { idx: 2, version: '6', tag: '0002_rename_display_name', breakpoints: true }] });
    expect(drizzleKitGenerate(root)).toContain('No schema changes, nothing to migrate');
    expect(drizzleKit(root, ['check'])).toMatchObject({ status: 0, stdout: expect.stringContaining("Everything's fine") });

    expect(runMigrate(root, database)).toMatchObject({ status: 0 });
    expect(query(database, 'SELECT full_name FROM users ORDER BY id')).toEqual([{ full_name: 'Ada' }, { full_name: 'Alan' }]);
  }, 120_000);

  it('require-user-bio: drizzle-kit recreates users; inside the migrator\'s transaction the DROP cascades to posts and comments', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    const database = seededDatabase(root);
    const { migration } = await generateAndWrite(root, planOf(root, 'require-user-bio'), 'require_user_bio');
    expect(readFileSync(join(root, SCHEMA), 'utf8')).toContain("  bio: text('bio').notNull().default(''),\n");
    const columns = '"id", "email", "display_name", "bio", "is_admin", "created_at"';
    const recreation = (bio: string) => [
      'PRAGMA foreign_keys=OFF;',
      `CREATE TABLE \`__new_users\` (\n\t\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n\t\`email\` text(320) NOT NULL,\n\t\`display_name\` text NOT NULL,\n\t${bio},\n\t\`is_admin\` integer DEFAULT false NOT NULL,\n\t\`created_at\` integer DEFAULT (unixepoch()) NOT NULL\n);\n`,
      `INSERT INTO \`__new_users\`(${columns}) SELECT ${columns} FROM \`users\`;`,
      'DROP TABLE `users`;',
      'ALTER TABLE `__new_users` RENAME TO `users`;',
      'PRAGMA foreign_keys=ON;',
      'CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);',
    ];
    expect(migration.statements).toEqual(recreation("`bio` text DEFAULT '' NOT NULL"));
    expect(migration.downStatements).toEqual(recreation('`bio` text'));
    expect(drizzleKitGenerate(root)).toContain('No schema changes, nothing to migrate');

    // What the SQLite safety rules are for (measured here, not wanted): the migrator reports
    // success while the parent's recreation empties the children through ON DELETE CASCADE.
    expect(runMigrate(root, database)).toMatchObject({ status: 0 });
    expect(counts(database)).toEqual({ users: [{ n: 2 }], posts: [{ n: 0 }], comments: [{ n: 0 }] });
  }, 120_000);

  it('require-user-bio: a user without a bio stops the copy, and the migrator rolls the whole migration back', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    const database = seededDatabase(root);
    const db = new Database(database);
    db.exec("UPDATE users SET bio = NULL WHERE email = 'alan@example.com'");
    db.close();
    await generateAndWrite(root, planOf(root, 'require-user-bio'), 'require_user_bio');
    const run = runMigrate(root, database);
    expect(run.status).toBe(1);
    expect(run.output).toContain('NOT NULL constraint failed: __new_users.bio');
    expect(counts(database)).toEqual({ users: [{ n: 2 }], posts: [{ n: 2 }], comments: [{ n: 1 }] });
    expect(query(database, "SELECT count(*) AS n FROM sqlite_schema WHERE name = '__new_users'")).toEqual([{ n: 0 }]);
  }, 120_000);

  it('--baseline with no migrations folder: the first migration and a journal drizzle-kit continues from, dialect sqlite', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    rmSync(join(root, 'drizzle'), { recursive: true });
    const project = await drizzlePlugin.openProject({ cwd: root });
    const plan = { version: 1, request: 'r', summary: 's', changes: [] } as unknown as ChangePlan;
    const migration = await project.generateMigration({ plan, edits: [], name: 'baseline', shadowServer: undefined, baseline: true });
    await writeFilesAtomically(migration.filesFor({ up: migration.statements, down: migration.downStatements }));
    expect(migration.id).toBe('0000_baseline');
    expect(migration.statements.filter((statement) => statement.startsWith('CREATE TABLE')).length).toBe(5);
    expect(JSON.parse(readFileSync(join(root, 'drizzle', 'meta', '_journal.json'), 'utf8'))).toMatchObject({ version: '7', dialect: 'sqlite', entries: [{ idx: 0, version: '6', tag: '0000_baseline' }] });
    expect(JSON.parse(readFileSync(join(root, 'drizzle', 'meta', '0000_snapshot.json'), 'utf8'))).toMatchObject({ dialect: 'sqlite', version: '6', prevId: '00000000-0000-0000-0000-000000000000' });
    expect(drizzleKitGenerate(root)).toContain('No schema changes, nothing to migrate');
    const database = join(root, 'fresh.db');
    migrateInProcess(root, database);
    expect(query(database, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name <> 'sqlite_sequence' ORDER BY name")).toEqual(
      ['comments', 'posts', 'posts_to_tags', 'tags', 'users'].map((name) => ({ name })),
    );
  }, 120_000);

  it('refuses to generate over a source change no migration holds yet, naming drizzle-kit\'s SQLite statement', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    const schema = join(root, SCHEMA);
    writeFileSync(schema, readFileSync(schema, 'utf8').replace("  bio: text('bio'),\n", "  bio: text('bio'),\n  website: text('website'),\n"));
    const project = await drizzlePlugin.openProject({ cwd: root });
    const plan = planOf(root, 'rename-display-name');
    const edits = await project.applyPlan(plan);
    await expect(project.generateMigration({ plan, edits, name: 'x', shadowServer: undefined })).rejects.toMatchObject({
      code: 'SCHEMA_OUT_OF_SYNC',
      message: expect.stringContaining('ALTER TABLE `users` ADD `website` text;'),
    });
  });

  it('refuses, with nothing edited, what SQLite cannot express: enum types, non-btree indexes, PostgreSQL-only column types', async () => {
    const root = exampleForTest('drizzle-sqlite-app');
    const project = await drizzlePlugin.openProject({ cwd: root });
    const refusals: Array<[unknown, string]> = [
      [{ kind: 'create_enum', name: 'mood', values: ['happy'], reason: 'r' }, 'drizzle-orm/sqlite-core has no enum types'],
      [{ kind: 'create_index', table: 'posts', name: 'posts_title_idx', columns: ['title'], method: 'gin', reason: 'r' }, 'indexes are plain b-trees'],
      [{ kind: 'add_column', table: 'users', column: { name: 'token', type: 'uuid', nullable: true }, reason: 'r' }, 'SQLite has no column type "uuid"'],
      [{ kind: 'add_column', table: 'users', column: { name: 'tags', type: 'text[]', nullable: true }, reason: 'r' }, 'SQLite has no column type "text[]"'],
    ];
    for (const [change, message] of refusals) {
      await expect(project.applyPlan(inlinePlan([change]))).rejects.toMatchObject({ code: 'PLAN_APPLY_FAILED', message: expect.stringContaining(message) });
    }
    // A column type SQLite has is written with sqlite-core's builder, its length kept.
    const [edit] = await project.applyPlan(inlinePlan([{ kind: 'add_column', table: 'users', column: { name: 'avatar', type: 'blob', nullable: true }, reason: 'r' }, { kind: 'add_column', table: 'users', column: { name: 'handle', type: 'text(40)', nullable: true }, reason: 'r' }]));
    expect(edit!.after).toContain("  avatar: blob('avatar'),\n  handle: text('handle', { length: 40 }),\n");
    expect(edit!.after).toContain("import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';");
    expect(readFileSync(join(root, SCHEMA), 'utf8')).not.toContain('avatar');
  });
});

/**
 * The other plan kinds SQLite can express, each in a fresh copy: the edit loads, drizzle-kit's
 * statements are what its own generate writes (a second generate finds nothing), and the
 * example's migrator applies them after the history.
 */
describe('every plan kind SQLite expresses, through drizzle-kit and the migrator', () => {
  const cases: Array<{ name: string; changes: unknown[]; first: string; source?: string }> = [
    { name: 'drop_table', changes: [{ kind: 'drop_table', table: 'posts_to_tags', reason: 'r' }], first: 'DROP TABLE `posts_to_tags`;' },
    { name: 'rename_table', changes: [{ kind: 'rename_table', from: 'tags', to: 'labels', reason: 'r' }], first: 'ALTER TABLE `tags` RENAME TO `labels`;' },
    { name: 'drop_column', changes: [{ kind: 'drop_column', table: 'comments', column: 'author_id', reason: 'r' }], first: 'PRAGMA foreign_keys=OFF;' },
    { name: 'alter_column type', changes: [{ kind: 'alter_column', table: 'tags', column: 'name', type: 'text(60)', reason: 'r' }], first: 'PRAGMA foreign_keys=OFF;' },
    { name: 'drop_index', changes: [{ kind: 'drop_index', table: 'posts', name: 'posts_author_id_idx', reason: 'r' }], first: 'DROP INDEX `posts_author_id_idx`;' },
    // What the model calls an index on SQLite is the column's .unique() in the source.
    { name: 'drop_index of a unique', changes: [{ kind: 'drop_index', table: 'users', name: 'users_email_unique', reason: 'r' }], first: 'DROP INDEX `users_email_unique`;' },
    { name: 'drop_foreign_key', changes: [{ kind: 'drop_foreign_key', table: 'comments', name: 'comments_author_id_users_id_fk', reason: 'r' }], first: 'PRAGMA foreign_keys=OFF;' },
    {
      name: 'add_column with a foreign key',
      changes: [
        { kind: 'add_column', table: 'tags', column: { name: 'owner_id', type: 'integer', nullable: true }, reason: 'r' },
        { kind: 'add_foreign_key', table: 'tags', columns: ['owner_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'set null', reason: 'r' },
      ],
      // drizzle-kit 0.31's ALTER TABLE ... ADD for a referencing column leaves out ON DELETE: its own generate writes the same.
      first: 'ALTER TABLE `tags` ADD `owner_id` integer REFERENCES users(id);',
    },
    {
      name: 'a self-referencing foreign key (typed AnySQLiteColumn)',
      changes: [
        { kind: 'add_column', table: 'comments', column: { name: 'parent_id', type: 'integer', nullable: true }, reason: 'r' },
        { kind: 'add_foreign_key', table: 'comments', columns: ['parent_id'], referencedTable: 'comments', referencedColumns: ['id'], onDelete: 'cascade', reason: 'r' },
      ],
      first: 'ALTER TABLE `comments` ADD `parent_id` integer REFERENCES comments(id);',
      source: "parentId: integer('parent_id').references((): AnySQLiteColumn => comments.id, { onDelete: 'cascade' }),",
    },
    {
      name: 'create_index, unique and partial',
      changes: [{ kind: 'create_index', table: 'posts', name: 'posts_title_idx', columns: ['title'], unique: true, where: "status = 'published'", reason: 'r' }],
      first: "CREATE UNIQUE INDEX `posts_title_idx` ON `posts` (`title`) WHERE status = 'published';",
    },
    {
      name: 'add_column not null with a default',
      changes: [{ kind: 'add_column', table: 'users', column: { name: 'score', type: 'real', nullable: false, default: '0' }, reason: 'r' }],
      first: 'ALTER TABLE `users` ADD `score` real DEFAULT 0 NOT NULL;',
    },
  ];

  it.each(cases)('$name', async ({ changes, first, source }) => {
    const root = exampleForTest('drizzle-sqlite-app');
    const database = seededDatabase(root);
    const { migration } = await generateAndWrite(root, inlinePlan(changes), 'change');
    if (source !== undefined) expect(readFileSync(join(root, SCHEMA), 'utf8')).toContain(source);
    expect(migration.statements[0]).toBe(first);
    expect(migration.downStatements.length).toBeGreaterThan(0);
    expect(drizzleKitGenerate(root)).toContain('No schema changes, nothing to migrate');
    migrateInProcess(root, database);
    expect(query(database, 'SELECT email FROM users ORDER BY id')).toEqual([{ email: 'ada@example.com' }, { email: 'alan@example.com' }]);
  }, 120_000);
});
