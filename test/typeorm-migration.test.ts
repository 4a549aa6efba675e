import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { diffCatalogSnapshots } from '@orm-ai/core';
import { runTypeormCli } from '@orm-ai/typeorm';
import { startChatCompletionsServer } from './support/chat-completions-server.js';
import { catalogOf } from './support/catalog.js';
import { capturingIo, copyExample, planFile, REPO_ROOT, snapshotTree } from './support/example-project.js';
import { pendingBuilderQueries } from './support/typeorm-builder.js';
import { createTestDatabase, listDatabases, listUserDatabases, serverTestUrl, shadowDatabaseName } from './support/postgres-server.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function project(): string {
  const copy = copyExample('typeorm-app');
  cleanups.push(copy.dispose);
  return copy.root;
}

async function generate(root: string, args: string[], env: Record<string, string | undefined> = {}) {
  const { io, out, err } = capturingIo({ cwd: root, env });
  const code = await runTypeormCli(['migration:generate', ...args, '-d', 'src/data-source.ts', '--json'], io);
  return { code, err: err.join('\n'), report: JSON.parse(out.join('\n')) as Record<string, any> };
}

const PLANS = ['add-post-tags', 'rename-display-name', 'add-bookmarks-table'];
/** The class name each plan gives its migration with no --name: TypeORM's PascalCase of the snake_case name. */
const NAMES: Record<string, string> = { 'add-post-tags': 'AddPostsTags', 'rename-display-name': 'RenameUsersDisplayNameToFullName', 'add-bookmarks-table': 'CreateBookmarks' };

describe('typeorm-ai migration:generate --plan on the example project', () => {
  it.each(PLANS)('%s: edits the entities and writes a migration TypeORM\'s builder then agrees with', async (plan) => {
    const root = project();
    const before = readdirSync(join(root, 'src/migrations')).length;
    const { code, report, err } = await generate(root, ['--plan', `plans/${plan}.json`, '--yes']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, written: true, reversible: true, irreversibleReason: null, usage: { calls: 0 } });
    expect(report.rollback).toMatchObject({ schemaDifferences: [], dataLoss: [], notRestored: [], failure: null });
    expect(report.files.at(-1)).toMatch(new RegExp(`^src/migrations/\\d{13}-${NAMES[plan]}\\.ts$`));
    // down() runs the proved down, statement for statement.
    const downBody = readFileSync(join(root, report.files.at(-1)), 'utf8').split('public async down')[1]!;
    const downQueries = [...downBody.matchAll(/queryRunner\.query\(`([^`]*)`/g)].map((match) => `${match[1]};`);
    expect(downQueries.join('\n')).toBe(report.downSql);
    expect(readdirSync(join(root, 'src/migrations'))).toHaveLength(before + 1);
    expect(await pendingBuilderQueries(root)).toEqual([]);
  });

  it('renames with RENAME COLUMN and undoes it in down()', async () => {
    const root = project();
    const { report } = await generate(root, ['--plan', 'plans/rename-display-name.json', '--yes']);
    expect(report.upSql).toContain('ALTER TABLE "users" RENAME COLUMN "display_name" TO "full_name"');
    expect(report.upSql).not.toMatch(/DROP COLUMN/);
    const migration = readFileSync(join(root, report.files.at(-1)), 'utf8');
    expect(migration).toContain('await queryRunner.query(`ALTER TABLE "users" RENAME COLUMN "full_name" TO "display_name"`);');
  });

  it('changes a column\'s type in place, where TypeORM\'s builder would drop and re-add it, and the proof finds every value kept', async () => {
    const root = project();
    writeFileSync(join(root, 'bigint.json'), JSON.stringify({
      version: 1,
      request: 'make posts.reading_minutes a bigint',
      summary: 'Widens the column in place.',
      changes: [{ kind: 'alter_column', table: 'posts', column: 'reading_minutes', type: 'bigint', reason: 'The request asks for bigint.' }],
    }));
    const { report } = await generate(root, ['--plan', 'bigint.json', '--yes', '--allow-unsafe']);
    expect(report.upSql).toBe('ALTER TABLE "posts" ALTER COLUMN "reading_minutes" TYPE bigint;');
    expect(report.downSql).toBe('ALTER TABLE "posts" ALTER COLUMN "reading_minutes" TYPE integer;');
    expect(report).toMatchObject({ reversible: true, rollback: { dataLoss: [], notRestored: [], schemaDifferences: [] } });
    expect(await pendingBuilderQueries(root)).toEqual([]);
  });

  it('renames a table through TypeORM\'s own renameTable: its primary key, id sequence and unique constraints follow, and down() puts them back', async () => {
    const root = project();
    const plan = planFile(root, { request: 'Rename the tags table to topics', changes: [{ kind: 'rename_table', from: 'tags', to: 'topics', reason: 'The request asks for it.' }] });
    const { code, report } = await generate(root, ['--plan', plan, '--yes']);
    expect(code).toBe(0);
    expect(report).toMatchObject({ reversible: true, rollback: { schemaDifferences: [], dataLoss: [], notRestored: [], failure: null } });
    expect(report.upSql.split('\n')[0]).toBe('ALTER TABLE "tags" RENAME TO "topics";');
    expect(report.upSql).toContain('ALTER SEQUENCE "tags_id_seq" RENAME TO "topics_id_seq";');
    // Before, the builder saw a foreign sequence and swapped in a new one starting at 1 (then no default at all).
    expect(report.upSql).not.toMatch(/CREATE SEQUENCE|DROP DEFAULT|DROP CONSTRAINT/);
    expect(report.downSql.split('\n').at(-1)).toBe('ALTER TABLE "topics" RENAME TO "tags";');
    expect(await pendingBuilderQueries(root)).toEqual([]);
  });

  it('adds an enum value; down() drops and restores the column default and re-creates the index in its own column order', async () => {
    const root = project();
    const plan = planFile(root, { request: "Add a post status 'scheduled'", changes: [{ kind: 'add_enum_value', enum: 'post_status', value: 'scheduled', reason: 'The request asks for it.' }] });
    const { code, report } = await generate(root, ['--plan', plan, '--yes']);
    expect(code).toBe(0);
    expect(report).toMatchObject({ reversible: true, rollback: { schemaDifferences: [], dataLoss: [], notRestored: [], failure: null } });
    expect(report.upSql).toContain(`ALTER TYPE "public"."post_status" ADD VALUE 'scheduled';`);
    const down: string[] = report.downSql.split('\n');
    const retype = down.findIndex((line) => line.startsWith('ALTER TABLE "posts" ALTER COLUMN "status" TYPE "public"."post_status_old"'));
    expect(down.indexOf('ALTER TABLE "public"."posts" ALTER COLUMN "status" DROP DEFAULT;')).toBeLessThan(retype);
    expect(down.at(-1)).toBe(`ALTER TABLE "public"."posts" ALTER COLUMN "status" SET DEFAULT 'draft'::post_status;`);
    // TypeORM reads index columns back in table order; the entity says (status, publishedAt).
    expect(down).toContain('CREATE INDEX posts_status_published_at_idx ON public.posts USING btree (status, published_at);');
    expect(await pendingBuilderQueries(root)).toEqual([]);
  });

  it('renames a column and changes its type in one plan, and down() undoes them newest first', async () => {
    const root = project();
    const plan = planFile(root, {
      request: 'rename posts.reading_minutes to minutes_to_read and make it a bigint',
      changes: [
        { kind: 'rename_column', table: 'posts', from: 'reading_minutes', to: 'minutes_to_read', reason: 'Asked.' },
        { kind: 'alter_column', table: 'posts', column: 'minutes_to_read', type: 'bigint', reason: 'Asked.' },
      ],
    });
    const { code, report } = await generate(root, ['--plan', plan, '--yes', '--allow-unsafe']);
    expect(code).toBe(0);
    expect(report.upSql).toBe('ALTER TABLE "posts" RENAME COLUMN "reading_minutes" TO "minutes_to_read";\nALTER TABLE "posts" ALTER COLUMN "minutes_to_read" TYPE bigint;');
    expect(report.downSql).toBe('ALTER TABLE "posts" ALTER COLUMN "minutes_to_read" TYPE integer;\nALTER TABLE "posts" RENAME COLUMN "minutes_to_read" TO "reading_minutes";');
    expect(report).toMatchObject({ reversible: true, rollback: { schemaDifferences: [], dataLoss: [], notRestored: [] } });
    expect(await pendingBuilderQueries(root)).toEqual([]);
  });

  it('declares a GIN index TypeORM cannot express with synchronize: false, and creates it in the migration', async () => {
    const root = project();
    const { report } = await generate(root, ['--plan', 'plans/add-post-tags.json', '--yes']);
    expect(readFileSync(join(root, 'src/entities/Post.ts'), 'utf8')).toContain("@Index('posts_tags_idx', { synchronize: false })");
    expect(report.upSql).toContain('CREATE INDEX "posts_tags_idx" ON "posts" USING gin ("tags")');
    expect(readFileSync(join(root, report.files.at(-1)), 'utf8')).toContain('DROP INDEX "public"."posts_tags_idx"');
  });

  it('registers a new entity in a data source that lists its entities', async () => {
    const root = project();
    const { report } = await generate(root, ['--plan', 'plans/add-bookmarks-table.json', '--yes']);
    expect(report.ok).toBe(true);
    const dataSource = readFileSync(join(root, 'src/data-source.ts'), 'utf8');
    expect(dataSource).toMatch(/entities: \[User, Post, Comment, Tag, Bookmark\]/);
    expect(report.upSql).toContain('CREATE TABLE "bookmarks"');
  });

  it('a plan naming a missing column is rejected and nothing changes', async () => {
    const root = project();
    writeFileSync(join(root, 'bad.json'), JSON.stringify({ version: 1, request: 'x', summary: 's', changes: [{ kind: 'rename_column', table: 'users', from: 'nickname', to: 'handle', reason: 'r' }] }));
    const before = snapshotTree(root);
    const { code, report } = await generate(root, ['--plan', 'bad.json', '--yes']);
    expect(code).toBe(1);
    expect(report.error).toMatchObject({ code: 'PLAN_REJECTED', message: expect.stringContaining('column "users.nickname" does not exist') });
    expect(snapshotTree(root)).toEqual(before);
  });

  it('plans with the model through a loopback Chat Completions server', async () => {
    const root = project();
    const request = 'rename users.display_name to full_name';
    const plan = { ...JSON.parse(readFileSync(join(root, 'plans/rename-display-name.json'), 'utf8')), request };
    const server = await startChatCompletionsServer([{ kind: 'content', content: JSON.stringify(plan) }]);
    cleanups.push(() => server.close());
    const { code, report } = await generate(root, [request, '--dry-run'], { OPENAI_BASE_URL: server.baseURL });
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, written: false, usage: { calls: 1 } });
    expect(server.requests[0]!.body.messages[0]!.content).toContain('TypeORM');
  });
});

describe.runIf(serverTestUrl())('TypeORM migrations on the real server', () => {
  it('TypeORM\'s runner applies every example plan\'s migration, and a rename keeps its values', async () => {
    const url = serverTestUrl()!;
    const root = project();
    const database = await createTestDatabase(url);
    cleanups.push(() => database.drop());
    const run = promisify(execFile);
    const migrate = () => run(process.execPath, [join(root, 'scripts/migrate.mjs')], { cwd: root, env: { ...process.env, DATABASE_URL: database.url } });
    expect((await migrate()).stdout).toContain('Applied 2 migration(s)');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    cleanups.push(() => client.end());
    await client.query("INSERT INTO users (email, display_name) VALUES ('ada@example.com', 'Ada Lovelace')");
    const databasesBefore = await listUserDatabases(url);
    const before = await catalogOf(client);
    for (const plan of PLANS) {
      const { report } = await generate(root, ['--plan', `plans/${plan}.json`, '--yes', '--shadow-url', url]);
      expect(report).toMatchObject({ ok: true, reversible: true, rollback: { schemaDifferences: [], dataLoss: [], notRestored: [] } });
      expect(await listDatabases(url)).not.toContain(shadowDatabaseName(report.shadow));
    }
    expect(await listUserDatabases(url)).toEqual(databasesBefore);
    expect((await migrate()).stdout).toContain('Applied 3 migration(s)');
    expect((await migrate()).stdout).toContain('No pending migrations.');
    expect((await client.query('SELECT email, full_name FROM users')).rows).toEqual([{ email: 'ada@example.com', full_name: 'Ada Lovelace' }]);
    expect((await client.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'posts_tags_idx'")).rows).toEqual([{ indexdef: 'CREATE INDEX posts_tags_idx ON public.posts USING gin (tags)' }]);
    // TypeORM's runner reverts the three through their down(): the schema and the renamed values come back.
    for (let count = 0; count < 3; count += 1) expect((await run(process.execPath, [join(root, 'scripts/migrate.mjs'), 'revert'], { cwd: root, env: { ...process.env, DATABASE_URL: database.url } })).stdout).toContain('Reverted');
    expect(diffCatalogSnapshots(before, await catalogOf(client))).toEqual([]);
    expect((await client.query('SELECT display_name FROM users')).rows).toEqual([{ display_name: 'Ada Lovelace' }]);
  });
});

describe('the built typeorm-ai bin', () => {
  it('runs as a plain Node process', async () => {
    const root = project();
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [join(REPO_ROOT, 'node_modules/.bin/typeorm-ai'), 'migration:generate', '--plan', 'plans/rename-display-name.json', '-d', 'src/data-source.ts', '--json'], { cwd: root });
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, written: false });
  });
});
