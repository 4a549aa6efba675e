import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { copyExample, REPO_ROOT, snapshotTree } from './support/example-project.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Generating proves the migration on PGlite three times over: well past the SDK's 60 s default. */
const TOOL_TIMEOUT_MS = 170_000;

/**
 * The built bin's `mcp` command in a throwaway copy of an example, driven by the SDK's own
 * client over stdio. The client gets the SDK's default environment: no OPENAI_API_KEY.
 */
async function serve(example: string, bin: string, args: string[] = []) {
  const copy = copyExample(example);
  cleanups.push(copy.dispose);
  const transport = new StdioClientTransport({ command: process.execPath, args: [join(REPO_ROOT, bin), 'mcp', ...args], cwd: copy.root, stderr: 'pipe' });
  const client = new Client({ name: 'mcp-server-test', version: '1.0.0' });
  // A line on stdout that is not a protocol message surfaces here.
  const protocolErrors: Error[] = [];
  client.onerror = (error) => protocolErrors.push(error);
  await client.connect(transport);
  cleanups.push(() => client.close());
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = await client.callTool({ name, arguments: args }, undefined, { timeout: TOOL_TIMEOUT_MS });
    const [content] = result.content as Array<{ type: string; text: string }>;
    const json = JSON.parse(content!.text) as Record<string, any>;
    expect(result.structuredContent).toEqual(json);
    return { isError: result.isError === true, json };
  };
  const plan = (name: string) => JSON.parse(readFileSync(join(copy.root, 'plans', `${name}.json`), 'utf8')) as Record<string, any>;
  return { root: copy.root, client, call, plan, protocolErrors };
}

describe('drizzle-ai mcp', () => {
  const drizzle = () => serve('drizzle-app', 'packages/drizzle/dist/bin.js');

  it('lists the four tools, and reads the schema from the Drizzle source', async () => {
    const { client, call, protocolErrors } = await drizzle();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['check_migrations', 'generate_migration', 'read_schema', 'validate_plan']);
    expect(tools.find((tool) => tool.name === 'generate_migration')!.inputSchema).toMatchObject({ required: ['plan'], properties: { plan: { type: 'object' }, safe: { type: 'boolean' }, allowDataLoss: { type: 'boolean' } } });

    const { isError, json } = await call('read_schema');
    expect(isError).toBe(false);
    const tables = json.schema.tables as Array<{ name: string; columns: Array<{ name: string; type: string }> }>;
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['users', 'posts']));
    expect(tables.find((table) => table.name === 'users')!.columns).toContainEqual(expect.objectContaining({ name: 'display_name', type: 'text' }));
    expect(json.schemaText).toMatch(/^table posts \($/m);
    expect(json.schemaText).toContain('  display_name text not null');
    expect(protocolErrors).toEqual([]);
  });

  it('validate_plan accepts a good plan and names the missing column by its path in the plan', async () => {
    const { call, plan } = await drizzle();
    expect((await call('validate_plan', { plan: plan('add-post-tags') })).json).toEqual({ ok: true, problems: [] });

    const missing = plan('rename-display-name');
    missing.changes[0].from = 'nickname';
    const { isError, json } = await call('validate_plan', { plan: missing });
    expect(isError).toBe(false);
    expect(json).toEqual({ ok: false, problems: [{ path: 'changes[0]', message: expect.stringContaining('column "users.nickname" does not exist') }] });

    const malformed = await call('validate_plan', { plan: { ...plan('add-post-tags'), version: 2 } });
    expect(malformed.json).toEqual({ ok: false, problems: [expect.objectContaining({ path: 'version' })] });
  });

  it('generate_migration runs a plan as a dry run: the report and every file, and the project untouched', async () => {
    const { root, call, protocolErrors, plan } = await drizzle();
    const before = snapshotTree(root);
    const { isError, json } = await call('generate_migration', { plan: plan('add-post-tags'), name: 'post_tags' });
    expect(isError).toBe(false);
    expect(json).toMatchObject({ ok: true, written: false, migration: '0002_post_tags', reversible: true, irreversibleReason: null, usage: { calls: 0 }, error: null });
    expect(json.upSql).toBe(`ALTER TABLE "posts" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;\nCREATE INDEX "posts_tags_idx" ON "posts" USING gin ("tags");`);
    expect(json.downSql).toBe('DROP INDEX "posts_tags_idx";\nALTER TABLE "posts" DROP COLUMN "tags";');
    expect(json.analysis.statements).toHaveLength(2);

    const changes = json.fileChanges as Array<{ path: string; role: string; isNew: boolean; after: string }>;
    expect(changes.map((change) => change.path)).toEqual(json.files);
    expect(changes.map(({ path, role, isNew }) => ({ path, role, isNew }))).toEqual([
      { path: 'src/db/schema.ts', role: 'source', isNew: false },
      { path: 'drizzle/0002_post_tags.sql', role: 'migration', isNew: true },
      { path: 'drizzle/0002_post_tags.down.sql', role: 'migration', isNew: true },
      { path: 'drizzle/meta/0002_snapshot.json', role: 'metadata', isNew: true },
      { path: 'drizzle/meta/_journal.json', role: 'metadata', isNew: false },
    ]);
    expect(changes[0]!.after).toMatch(/tags: text\('tags'\)\s*\.array\(\)/);
    expect(changes[1]!.after.split('--> statement-breakpoint\n').join('\n')).toBe(json.upSql);
    expect(changes[2]!.after.split('--> statement-breakpoint\n').join('\n')).toBe(json.downSql);
    expect(JSON.parse(changes[4]!.after).entries.map((entry: { tag: string }) => entry.tag)).toEqual(['0000_init', '0001_add_comments', '0002_post_tags']);

    expect(snapshotTree(root)).toEqual(before);
    expect(protocolErrors).toEqual([]);
  });

  it('a plan that cannot run is an error result with its code, message and hint, and the server keeps serving', async () => {
    const { call, plan } = await drizzle();
    const missing = plan('rename-display-name');
    missing.changes[0].from = 'nickname';
    const rejected = await call('generate_migration', { plan: missing });
    expect(rejected.isError).toBe(true);
    expect(rejected.json).toEqual({
      ok: false,
      error: { code: 'PLAN_REJECTED', message: expect.stringContaining('- changes[0]: column "users.nickname" does not exist'), hint: expect.stringContaining('validate_plan') },
    });

    const unknownMigration = await call('check_migrations', { since: '0009' });
    expect(unknownMigration).toEqual({
      isError: true,
      json: { ok: false, error: { code: 'USAGE', message: 'no migration "0009" in this project', hint: 'Migrations: 0000_init, 0001_add_comments.' } },
    });
    expect((await call('read_schema')).isError).toBe(false);
  });

  it('generate_migration answers a model: data loss in counts, never a value measured on the shadow', async () => {
    const { call } = await drizzle();
    // The planted value is in the rows only: the SQL builds it from two literals.
    const planted = {
      version: 1,
      request: 'Add a nickname column to users, filled from display_name',
      summary: 'Adds users.nickname and fills it from display_name.',
      changes: [{ kind: 'add_column', table: 'users', column: { name: 'nickname', type: 'text', nullable: true, default: null }, reason: 'The request asks for it.' }],
      migrationSteps: [
        {
          position: 'after',
          sql: "UPDATE users SET nickname = display_name, display_name = 'PLANTED' || '-SECRET-' || id;",
          reason: 'Fills the new column.',
          locks: 'row locks on users',
          down: 'UPDATE users SET display_name = nickname;',
        },
      ],
    };
    const refused = await call('generate_migration', { plan: planted });
    expect(refused.isError).toBe(true);
    expect(refused.json.error).toMatchObject({ code: 'MIGRATION_LOSES_DATA', message: expect.stringMatching(/users\.display_name: (\d+) of \1 value\(s\) changed$/) });
    expect(JSON.stringify(refused.json)).not.toContain('PLANTED-SECRET');

    const allowed = await call('generate_migration', { plan: planted, allowDataLoss: true });
    expect(allowed.isError).toBe(false);
    expect(allowed.json).toMatchObject({ ok: true, rollback: { dataLoss: [{ target: 'users.display_name', kind: 'changed', count: expect.any(Number), of: expect.any(Number) }] } });
    expect(allowed.json.rollback.dataLoss[0]).not.toHaveProperty('example');
    expect(allowed.json.findings).toContainEqual(expect.objectContaining({ rule: 'data-loss', message: expect.stringMatching(/users\.display_name: \d+ of \d+ value\(s\) changed\.$/) }));
    expect(JSON.stringify(allowed.json)).not.toContain('PLANTED-SECRET');
  });

  it('check_migrations judges each project migration, and loose SQL files on a setup', async () => {
    const { root, call } = await drizzle();
    const project = await call('check_migrations');
    expect(project.isError).toBe(false);
    expect(project.json).toMatchObject({ ok: true, shadow: 'embedded PGlite', summary: { errors: 0 }, unchecked: [] });
    const files = project.json.files as Array<{ path: string; statements: Array<{ sql: string }> }>;
    expect(files.map((file) => file.path)).toEqual(['drizzle/0000_init.sql', 'drizzle/0001_add_comments.sql']);
    expect(files[1]!.statements.map((statement) => statement.sql)).toContainEqual(expect.stringMatching(/^CREATE TABLE "comments"/));

    const since = await call('check_migrations', { since: '0001' });
    expect(since.json.files.map((file: { path: string }) => file.path)).toEqual(['drizzle/0001_add_comments.sql']);

    const loose = await call('check_migrations', { files: ['drizzle/0001_add_comments.sql'], setup: join(root, 'drizzle/0000_init.sql') });
    expect(loose.json.files).toEqual([expect.objectContaining({ path: 'drizzle/0001_add_comments.sql', statements: files[1]!.statements.map((statement) => expect.objectContaining({ sql: statement.sql })) })]);
  });
});

describe('typeorm-ai mcp', () => {
  it('reads the entities and generates a rename from TypeORM\'s schema builder, writing nothing', async () => {
    const { root, call, plan, protocolErrors } = await serve('typeorm-app', 'packages/typeorm/dist/bin.js', ['-d', 'src/data-source.ts']);
    const schema = await call('read_schema');
    const users = (schema.json.schema.tables as Array<{ name: string; columns: Array<{ name: string }> }>).find((table) => table.name === 'users');
    expect(users?.columns.map((column) => column.name)).toContain('display_name');

    const before = snapshotTree(root);
    const { isError, json } = await call('generate_migration', { plan: plan('rename-display-name') });
    expect(isError).toBe(false);
    expect(json).toMatchObject({ ok: true, written: false, reversible: true, usage: { calls: 0 } });
    expect(json.upSql).toContain('ALTER TABLE "users" RENAME COLUMN "display_name" TO "full_name"');
    expect(json.downSql).toContain('ALTER TABLE "users" RENAME COLUMN "full_name" TO "display_name"');
    const changes = json.fileChanges as Array<{ path: string; role: string; isNew: boolean; after: string }>;
    const entity = changes.find((change) => change.role === 'source');
    expect(entity).toMatchObject({ path: 'src/entities/User.ts', isNew: false, after: expect.stringContaining("@Column({ name: 'full_name', type: 'text' })") });
    const migration = changes.find((change) => change.role === 'migration');
    expect(migration).toMatchObject({ path: expect.stringMatching(/^src\/migrations\//), isNew: true, after: expect.stringContaining('await queryRunner.query(`ALTER TABLE "users" RENAME COLUMN "display_name" TO "full_name"`)') });
    expect(snapshotTree(root)).toEqual(before);
    expect(protocolErrors).toEqual([]);
  });
});
