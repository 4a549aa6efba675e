import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { diffCatalogSnapshots } from '@orm-ai/core';
import { deployMigrations, runPrismaCli } from '@orm-ai/prisma';
import { startChatCompletionsServer } from './support/chat-completions-server.js';
import { catalogOf } from './support/catalog.js';
import { capturingIo, copyExample, REPO_ROOT, snapshotTree } from './support/example-project.js';
import { createTestDatabase, listDatabases, listUserDatabases, serverTestUrl, shadowDatabaseName } from './support/postgres-server.js';
import { migrationsOf, nextPrismaMigration } from './support/prisma-migrations.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function project(): string {
  const copy = copyExample('prisma-app');
  cleanups.push(copy.dispose);
  return copy.root;
}

async function migrate(root: string, args: string[], env: Record<string, string | undefined> = {}) {
  const { io, out, err } = capturingIo({ cwd: root, env });
  const code = await runPrismaCli(['migrate', ...args, '--json'], io);
  return { code, err: err.join('\n'), report: JSON.parse(out.join('\n')) as Record<string, any> };
}

const PLANS = ['add-post-tags', 'rename-display-name', 'add-bookmarks-table'];
/** The name each plan gives its migration with no --name: verb, table, then what on it. */
const NAMES: Record<string, string> = { 'add-post-tags': 'add_posts_tags', 'rename-display-name': 'rename_users_display_name_to_full_name', 'add-bookmarks-table': 'create_bookmarks' };

describe('prisma-ai migrate --plan on the example project', () => {
  it.each(PLANS)('%s: writes schema.prisma and a migration Prisma\'s engine then agrees with', async (plan) => {
    const root = project();
    const before = migrationsOf(root).length;
    const { code, report, err } = await migrate(root, ['--plan', `plans/${plan}.json`, '--yes']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, written: true, reversible: true, irreversibleReason: null, usage: { calls: 0 } });
    expect(report.rollback).toMatchObject({ schemaDifferences: [], dataLoss: [], notRestored: [], failure: null });
    expect(report.files).toEqual([
      'prisma/schema.prisma',
      expect.stringMatching(new RegExp(`^prisma/migrations/\\d{14}_${NAMES[plan]}/migration\\.sql$`)),
      report.files[1].replace(/migration\.sql$/, 'down.sql'),
    ]);
    const words = (sql: string) => sql.replace(/\s+/g, ' ').trim();
    expect(words(readFileSync(join(root, report.files[2]), 'utf8'))).toBe(words(report.downSql));
    const migrations = migrationsOf(root);
    expect(migrations).toHaveLength(before + 1);
    expect(await nextPrismaMigration(root)).toBeNull();
  });

  it('renames with RENAME COLUMN where Prisma\'s engine alone would drop and add', async () => {
    const root = project();
    const { report } = await migrate(root, ['--plan', 'plans/rename-display-name.json', '--yes']);
    expect(report.upSql).toContain('ALTER TABLE "users" RENAME COLUMN "display_name" TO "full_name";');
    expect(report.upSql).not.toMatch(/DROP COLUMN/);
    // No data-loss warning from Prisma's engine; the safety analysis warns that running code still uses the old name.
    expect(report.findings.map((finding: { rule: string }) => finding.rule)).not.toContain('prisma/data-loss');
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'rename-column', severity: 'warning', fix: expect.stringContaining('@map') }));
  });

  it('gives a NOT NULL list column the SET NOT NULL Prisma\'s schema cannot declare, and Prisma sees no drift', async () => {
    const root = project();
    const { report } = await migrate(root, ['--plan', 'plans/add-post-tags.json', '--yes']);
    expect(readFileSync(join(root, 'prisma/schema.prisma'), 'utf8')).toMatch(/tags\s+String\[\]\s+@default\(\[\]\)/);
    expect(report.upSql).toContain('ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[]');
    expect(report.upSql.trimEnd().split('\n').at(-1)).toBe('ALTER TABLE "posts" ALTER COLUMN "tags" SET NOT NULL;');
    // Measured on the shadow: SET NOT NULL scans posts under the lock ADD COLUMN already holds.
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'set-not-null-scans-table' }));
    expect(report).toMatchObject({ reversible: true, rollback: { schemaDifferences: [], dataLoss: [], failure: null } });
    expect(await nextPrismaMigration(root)).toBeNull();
  });

  it('a plan naming a missing table is rejected and nothing changes', async () => {
    const root = project();
    writeFileSync(join(root, 'bad.json'), JSON.stringify({ version: 1, request: 'x', summary: 's', changes: [{ kind: 'add_column', table: 'articles', column: { name: 'x', type: 'text', nullable: true }, reason: 'r' }] }));
    const before = snapshotTree(root);
    const { code, report } = await migrate(root, ['--plan', 'bad.json', '--yes']);
    expect(code).toBe(1);
    expect(report.error).toMatchObject({ code: 'PLAN_REJECTED', message: expect.stringContaining('table "articles" does not exist') });
    expect(snapshotTree(root)).toEqual(before);
  });

  it('plans with the model through a loopback Chat Completions server', async () => {
    const root = project();
    const request = 'rename users.display_name to full_name';
    const plan = { ...JSON.parse(readFileSync(join(root, 'plans/rename-display-name.json'), 'utf8')), request };
    const server = await startChatCompletionsServer([{ kind: 'content', content: JSON.stringify(plan) }]);
    cleanups.push(() => server.close());
    const { code, report } = await migrate(root, [request, '--dry-run'], { OPENAI_BASE_URL: server.baseURL });
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, written: false, usage: { calls: 1 } });
    const prompt = server.requests[0]!.body.messages.map((message) => message.content).join('\n');
    expect(prompt).toContain('Prisma');
    expect(prompt).toContain('table users (');
  });
});

describe.runIf(serverTestUrl())('Prisma migrations on the real server', () => {
  it('deploys every example plan\'s migration without the native engine, and a rename keeps its values', async () => {
    const url = serverTestUrl()!;
    const root = project();
    const database = await createTestDatabase(url);
    cleanups.push(() => database.drop());
    expect((await deployMigrations({ url: database.url, migrations: migrationsOf(root) })).applied).toHaveLength(migrationsOf(root).length);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    cleanups.push(() => client.end());
    await client.query("INSERT INTO users (email, display_name) VALUES ('ada@example.com', 'Ada Lovelace')");
    const databasesBefore = await listUserDatabases(url);
    const before = await catalogOf(client);
    const downFiles: string[] = [];
    for (const plan of PLANS) {
      const { report } = await migrate(root, ['--plan', `plans/${plan}.json`, '--yes', '--shadow-url', url]);
      expect(report).toMatchObject({ ok: true, reversible: true, rollback: { schemaDifferences: [], dataLoss: [], notRestored: [] } });
      expect(await listDatabases(url)).not.toContain(shadowDatabaseName(report.shadow));
      downFiles.push(join(root, report.files.find((file: string) => file.endsWith('/down.sql'))));
    }
    // Proving used throwaway databases only, and dropped them.
    expect(await listUserDatabases(url)).toEqual(databasesBefore);
    expect((await deployMigrations({ url: database.url, migrations: migrationsOf(root) })).applied).toHaveLength(3);
    expect((await deployMigrations({ url: database.url, migrations: migrationsOf(root) })).applied).toHaveLength(0);
    expect((await client.query('SELECT email, full_name FROM users')).rows).toEqual([{ email: 'ada@example.com', full_name: 'Ada Lovelace' }]);
    const index = await client.query("SELECT indexdef FROM pg_indexes WHERE tablename = 'posts' AND indexdef LIKE '%gin%'");
    expect(index.rows).toHaveLength(1);
    // Each down.sql, newest first, as `prisma db execute --file` would run it: the schema and the renamed values come back.
    for (const file of downFiles.reverse()) await client.query(readFileSync(file, 'utf8'));
    expect(diffCatalogSnapshots(before, await catalogOf(client))).toEqual([]);
    expect((await client.query('SELECT display_name FROM users')).rows).toEqual([{ display_name: 'Ada Lovelace' }]);
  });
});

describe('the built prisma-ai bin and the example\'s migrate script', () => {
  it('run as plain Node processes, with no engine binary', async () => {
    const root = project();
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [join(REPO_ROOT, 'node_modules/.bin/prisma-ai'), 'migrate', '--plan', 'plans/add-bookmarks-table.json', '--json'], { cwd: root });
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, written: false, upSql: expect.stringContaining('CREATE TABLE "bookmarks"') });
    const missing = await run(process.execPath, [join(root, 'scripts/migrate.mjs')], { cwd: root, env: { ...process.env, DATABASE_URL: '' } }).catch((error: { code: number; stderr: string }) => error);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('DATABASE_URL is not set') });
  });
});
