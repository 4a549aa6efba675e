import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { runDrizzleCli } from '@orm-ai/drizzle';
import { runPrismaCli } from '@orm-ai/prisma';
import { runTypeormCli } from '@orm-ai/typeorm';
import { startChatCompletionsServer } from './support/chat-completions-server.js';
import { capturingIo, copyExample, snapshotTree } from './support/example-project.js';

/**
 * The user's own mistakes (a misspelled plan, a schema that does not parse, a config pointing
 * at no migrations, a migration that fails) are reported early, at their real place, as theirs:
 * not as the plan's fault, and not to a model.
 */
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function project(example = 'drizzle-app'): string {
  const copy = copyExample(example);
  cleanups.push(copy.dispose);
  return copy.root;
}

async function generateJson(root: string, args: string[], env: Record<string, string | undefined> = {}) {
  const { io, out } = capturingIo({ cwd: root, env });
  const code = await runDrizzleCli(['generate', ...args, '--json'], io);
  return { code, report: JSON.parse(out.join('\n')) as { ok: boolean; error: { code: string; message: string; hint?: string } } };
}

/** A loopback model that would plan if asked: a run that must not ask it shows zero requests. */
async function model(root: string) {
  const plan = readFileSync(join(root, 'plans', 'add-post-tags.json'), 'utf8');
  const server = await startChatCompletionsServer([{ kind: 'content', content: plan }]);
  cleanups.push(() => server.close());
  return { server, env: { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'scripted-model' } };
}

describe('drizzle-ai generate reports the user\'s mistakes early', () => {
  it('a plan naming a misspelled table: PLAN_REJECTED naming the closest table, before the shadow and the ORM run', async () => {
    const root = project();
    const plan = JSON.parse(readFileSync(join(root, 'plans', 'add-post-tags.json'), 'utf8'));
    for (const change of plan.changes) change.table = 'psots';
    writeFileSync(join(root, 'typo.json'), JSON.stringify(plan));
    const before = snapshotTree(root);
    const started = performance.now();
    const { code, report } = await generateJson(root, ['--plan', 'typo.json', '--yes']);
    // Loose: the speed is the bench's to measure; this only catches a run that went on to the expensive stages.
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(code).toBe(1);
    expect(report.error.code).toBe('PLAN_REJECTED');
    expect(report.error.message).toContain('table "psots" does not exist; did you mean "posts"?');
    expect(snapshotTree(root)).toEqual(before);
  });

  it('a schema with a syntax error: SCHEMA_READ_FAILED at its file, line and column, and no model call', async () => {
    const root = project();
    const schemaPath = join(root, 'src', 'db', 'schema.ts');
    const source = readFileSync(schemaPath, 'utf8');
    writeFileSync(schemaPath, source.replace("  bio: text('bio'),", "  bio: text('bio'),,"));
    const line = source.split('\n').findIndex((text) => text === "  bio: text('bio'),") + 1;
    const { server, env } = await model(root);
    const before = snapshotTree(root);
    const { code, report } = await generateJson(root, ['add a tags text[] column to posts', '--yes'], env);
    expect(code).toBe(1);
    expect(report.error).toMatchObject({ code: 'SCHEMA_READ_FAILED', hint: expect.stringContaining('Fix the syntax error in your file') });
    // The second comma, where tsc and drizzle-kit put it.
    expect(report.error.message).toContain(`src/db/schema.ts:${line}:20 - error TS1136: Property assignment expected.`);
    expect(server.requests).toHaveLength(0);
    expect(snapshotTree(root)).toEqual(before);
  });

  it('a schema with a type error of its own: SCHEMA_READ_FAILED at its file, line and column with the compiler\'s message, and no model call', async () => {
    const root = project();
    const schemaPath = join(root, 'src', 'db', 'schema.ts');
    const source = readFileSync(schemaPath, 'utf8');
    // In a table the plan never edits: the error is the file's, whatever a plan would touch.
    writeFileSync(schemaPath, `${source}\nexport const pageSize: number = 'twenty';\n`);
    const line = source.split('\n').length + 1;
    const { server, env } = await model(root);
    const before = snapshotTree(root);
    const { code, report } = await generateJson(root, ['add a tags text[] column to posts', '--yes'], env);
    expect(code).toBe(1);
    expect(report.error).toMatchObject({ code: 'SCHEMA_READ_FAILED', hint: expect.stringContaining('fix them (tsc shows the same)') });
    expect(report.error.hint).toContain('no model was asked');
    expect(report.error.message).toContain(`src/db/schema.ts:${line}:14 - error TS2322: Type 'string' is not assignable to type 'number'.`);
    expect(server.requests).toHaveLength(0);
    expect(snapshotTree(root)).toEqual(before);
  });

  it('a schema with a type error of its own and a plan file: SCHEMA_READ_FAILED before the plan is applied', async () => {
    const root = project();
    const schemaPath = join(root, 'src', 'db', 'schema.ts');
    writeFileSync(schemaPath, `${readFileSync(schemaPath, 'utf8')}\nexport const pageSize: number = 'twenty';\n`);
    const { io, out, err } = capturingIo({ cwd: root });
    const code = await runDrizzleCli(['generate', '--plan', 'plans/add-post-tags.json', '--yes'], io);
    expect(code).toBe(1);
    const printed = [...out, ...err].join('\n');
    expect(printed).toContain('SCHEMA_READ_FAILED');
    expect(printed).toContain("error TS2322: Type 'string' is not assignable to type 'number'.");
    // The progress lines: the schema was read, the plan never applied.
    expect(err.join('\n')).toContain('reading the schema from the ORM source');
    expect(err.join('\n')).not.toContain('editing the schema source');
  });

  it('a config whose out folder does not exist: CONFIG_INVALID naming the folder that holds the migrations', async () => {
    const root = project();
    const configPath = join(root, 'drizzle.config.ts');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace("out: './drizzle'", "out: './migrations'"));
    const before = snapshotTree(root);
    const { code, report } = await generateJson(root, ['--plan', 'plans/add-post-tags.json', '--yes']);
    expect(code).toBe(1);
    expect(report.error).toMatchObject({ code: 'CONFIG_INVALID', hint: expect.stringContaining('Did you mean out: "./drizzle"?') });
    expect(report.error.message).toContain('out is "./migrations", which does not exist, but ./drizzle holds drizzle-kit migrations');
    expect(snapshotTree(root)).toEqual(before);
  });

  it('a config whose out folder does not exist, with no migrations anywhere: NO_MIGRATIONS saying the folder is missing', async () => {
    const root = project();
    rmSync(join(root, 'drizzle'), { recursive: true });
    const { code, report } = await generateJson(root, ['--plan', 'plans/add-post-tags.json', '--yes']);
    expect(code).toBe(1);
    expect(report.error.code).toBe('NO_MIGRATIONS');
    expect(report.error.message).toContain('no Drizzle migrations yet (./drizzle does not exist)');
  });

  it('an earlier migration that fails on the shadow: the history\'s error, with no repair asked of the model', async () => {
    const root = project();
    const first = join(root, 'drizzle', '0000_init.sql');
    writeFileSync(first, `${readFileSync(first, 'utf8')}\n--> statement-breakpoint\nALTER TABLE "nowhere" ADD COLUMN "x" integer;`);
    const { server, env } = await model(root);
    const { code, report } = await generateJson(root, ['add a tags text[] column to posts', '--yes'], env);
    expect(code).toBe(1);
    expect(report.error).toMatchObject({ code: 'SHADOW_REJECTED_MIGRATION', hint: expect.stringContaining('no plan can fix this') });
    expect(report.error.message).toContain('an existing migration fails on the shadow, before anything of this run');
    expect(report.error.message).toContain('relation "nowhere" does not exist');
    // The one call that planned; none to repair what no plan can.
    expect(server.requests).toHaveLength(1);
  });
});

describe('typeorm-ai migration:generate reports an entity with a type error of its own', () => {
  it('at its file, line and column, before any model call', async () => {
    const root = project('typeorm-app');
    const entity = join(root, 'src', 'entities', 'Comment.ts');
    const source = readFileSync(entity, 'utf8');
    writeFileSync(entity, `${source}\nexport const pageSize: number = 'twenty';\n`);
    const { server, env } = await model(root);
    const { io, out } = capturingIo({ cwd: root, env });
    const code = await runTypeormCli(['migration:generate', 'add a tags text[] column to posts', '-d', 'src/data-source.ts', '--json'], io);
    expect(code).toBe(1);
    const report = JSON.parse(out.join('\n')) as { error: { code: string; message: string } };
    expect(report.error.code).toBe('SCHEMA_READ_FAILED');
    expect(report.error.message).toContain(`src/entities/Comment.ts:${source.split('\n').length + 1}:14 - error TS2322: Type 'string' is not assignable to type 'number'.`);
    expect(server.requests).toHaveLength(0);
  });
});

describe('typeorm-ai migration:generate reports an entity that does not parse', () => {
  it('at its file, line and column, before TypeORM loads it', async () => {
    const root = project('typeorm-app');
    const entity = join(root, 'src', 'entities', 'Comment.ts');
    const source = readFileSync(entity, 'utf8');
    writeFileSync(entity, source.replace("@Column({ name: 'post_id', type: 'integer' })", "@Column({ name: 'post_id', type: 'integer' }))"));
    const line = source.split('\n').findIndex((text) => text.includes("name: 'post_id'")) + 1;
    const { io, out } = capturingIo({ cwd: root });
    const code = await runTypeormCli(['migration:generate', '-d', 'src/data-source.ts', '--plan', 'plans/add-post-tags.json', '--json'], io);
    expect(code).toBe(1);
    const report = JSON.parse(out.join('\n')) as { error: { code: string; message: string } };
    expect(report.error.code).toBe('SCHEMA_READ_FAILED');
    expect(report.error.message).toContain(`src/entities/Comment.ts:${line}:48 - error TS1146: Declaration expected.`);
  });
});

describe('a project on a database orm-ai does not support yet', () => {
  it('drizzle-ai generate and check: DIALECT_UNSUPPORTED naming dialect: "mysql" in the config, with no model call and nothing written', async () => {
    const root = project();
    const configPath = join(root, 'drizzle.config.ts');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace("dialect: 'postgresql'", "dialect: 'mysql'"));
    const { server, env } = await model(root);
    const before = snapshotTree(root);
    const { code, report } = await generateJson(root, ['add a tags text[] column to posts', '--yes'], env);
    expect(code).toBe(1);
    expect(report.error).toMatchObject({ code: 'DIALECT_UNSUPPORTED', message: `${configPath}: dialect: "mysql" is MySQL/MariaDB, which orm-ai does not support yet; supported: PostgreSQL, SQLite` });
    const check = capturingIo({ cwd: root });
    expect(await runDrizzleCli(['check', '--json'], check.io)).toBe(1);
    expect(JSON.parse(check.out.join('\n')).error).toMatchObject({ code: 'DIALECT_UNSUPPORTED' });
    expect(server.requests).toHaveLength(0);
    expect(snapshotTree(root)).toEqual(before);
  });

  it('prisma-ai migrate: DIALECT_UNSUPPORTED naming provider = "mysql" in schema.prisma, before the migrations are read', async () => {
    const root = project('prisma-app');
    const schemaPath = join(root, 'prisma', 'schema.prisma');
    writeFileSync(schemaPath, readFileSync(schemaPath, 'utf8').replace('provider = "postgresql"', 'provider = "mysql"'));
    const before = snapshotTree(root);
    const { io, out } = capturingIo({ cwd: root });
    expect(await runPrismaCli(['migrate', '--plan', 'plans/add-post-tags.json', '--yes', '--json'], io)).toBe(1);
    const report = JSON.parse(out.join('\n')) as { error: { code: string; message: string } };
    expect(report.error.code).toBe('DIALECT_UNSUPPORTED');
    expect(report.error.message).toMatch(/schema\.prisma: provider = "mysql" is MySQL\/MariaDB, which orm-ai does not support yet/);
    expect(snapshotTree(root)).toEqual(before);
  });

  it('typeorm-ai migration:generate: DIALECT_UNSUPPORTED naming type: "better-sqlite3" in the data source', async () => {
    const root = project('typeorm-app');
    const dataSource = join(root, 'src', 'data-source.ts');
    writeFileSync(dataSource, readFileSync(dataSource, 'utf8').replace("type: 'postgres',\n  url: process.env.DATABASE_URL ?? 'postgres://localhost:5432/blog',", "type: 'better-sqlite3',\n  database: ':memory:',"));
    const before = snapshotTree(root);
    const { io, out } = capturingIo({ cwd: root });
    expect(await runTypeormCli(['migration:generate', '-d', 'src/data-source.ts', '--plan', 'plans/add-post-tags.json', '--yes', '--json'], io)).toBe(1);
    const report = JSON.parse(out.join('\n')) as { error: { code: string; message: string } };
    expect(report.error).toMatchObject({ code: 'DIALECT_UNSUPPORTED', message: `${dataSource}: type: "better-sqlite3" is SQLite, which orm-ai does not support with this ORM yet; supported: PostgreSQL` });
    expect(snapshotTree(root)).toEqual(before);
  });
});
