import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runDrizzleCli } from '@orm-ai/drizzle';
import { startChatCompletionsServer, type ScriptedReply } from './support/chat-completions-server.js';
import { capturingIo, copyExample, REPO_ROOT, snapshotTree } from './support/example-project.js';
import { ensurePostgresServer, listDatabases, listUserDatabases, serverTestUrl, shadowDatabaseName } from './support/postgres-server.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A copy of the example project and a server that answers with one of its plans (for `request`), then with `more`. */
async function setUp(options: { plan: string; request: string; first?: (plan: Record<string, any>) => ScriptedReply; more?: number }) {
  const copy = copyExample('drizzle-app');
  cleanups.push(copy.dispose);
  const good = examplePlan(copy.root, options.plan, options.request);
  const plan = JSON.parse((good as { content: string }).content);
  const script = options.first ? [options.first(plan), good] : [good];
  const server = await startChatCompletionsServer(script);
  cleanups.push(() => server.close());
  return { root: copy.root, server, env: { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'scripted-model' } };
}

function examplePlan(root: string, name: string, request: string): ScriptedReply {
  const plan = JSON.parse(readFileSync(join(root, 'plans', `${name}.json`), 'utf8'));
  return { kind: 'content', content: JSON.stringify({ ...plan, request }), promptTokens: 1500, completionTokens: 200 };
}

describe('drizzle-ai generate "<request>" through a loopback Chat Completions server', () => {
  const request = 'add a tags text[] column to posts with a GIN index';

  it('plans with the model, writes, and reports calls and tokens', async () => {
    const { root, server, env } = await setUp({ plan: 'add-post-tags', request });
    const { io, out } = capturingIo({ cwd: root, env });
    const code = await runDrizzleCli(['generate', request, '--yes', '--json'], io);
    const report = JSON.parse(out.join('\n'));
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, written: true, usage: { calls: 1, promptTokens: 1500, completionTokens: 200, model: 'scripted-model' } });
    expect(report.upSql).toContain('CREATE INDEX "posts_tags_idx" ON "posts" USING gin ("tags");');
    const sent = server.requests[0]!.body;
    expect(sent.model).toBe('scripted-model');
    expect(sent.messages[1]!.content).toContain('table posts (');
    expect(sent.messages[1]!.content).toContain(request);
  });

  it('sends only the schema and the request: no rows, no connection strings', async () => {
    const { root, server, env } = await setUp({ plan: 'add-post-tags', request });
    const { io } = capturingIo({ cwd: root, env: { ...env, DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:5432/test' } });
    await runDrizzleCli(['generate', request, '--dry-run'], io);
    const sent = JSON.stringify(server.requests.map((recorded) => recorded.body));
    expect(server.requests).toHaveLength(1);
    expect(sent).not.toContain('hunter2');
    expect(sent).not.toContain('postgres://');
    expect(sent).not.toContain('5432');
  });

  it('sends a plan naming a missing table back to the model, then uses the corrected one', async () => {
    const first = (plan: Record<string, any>): ScriptedReply => {
      const wrong = structuredClone(plan);
      wrong.changes[0].table = 'articles';
      return { kind: 'content', content: JSON.stringify(wrong) };
    };
    const { root, server, env } = await setUp({ plan: 'add-post-tags', request, first });
    const { io, out } = capturingIo({ cwd: root, env });
    expect(await runDrizzleCli(['generate', request, '--yes', '--json'], io)).toBe(0);
    expect(JSON.parse(out.join('\n')).usage.calls).toBe(2);
    expect(server.requests[1]!.body.messages.at(-1)!.content).toContain('table "articles" does not exist');
  });

  it('sends the shadow database\'s error back to the model and proves the corrected plan', async () => {
    const first = (plan: Record<string, any>): ScriptedReply => {
      const failing = { ...plan, migrationSteps: [{ position: 'after', sql: "UPDATE posts SET labels = '{}'", reason: 'backfill', locks: 'row locks on posts' }] };
      return { kind: 'content', content: JSON.stringify(failing) };
    };
    const { root, server, env } = await setUp({ plan: 'add-post-tags', request, first });
    const before = snapshotTree(root);
    const { io, out } = capturingIo({ cwd: root, env });
    expect(await runDrizzleCli(['generate', request, '--dry-run', '--json'], io)).toBe(0);
    expect(JSON.parse(out.join('\n')).usage.calls).toBe(2);
    expect(server.requests[1]!.body.messages.at(-1)!.content).toContain('column "labels" of relation "posts" does not exist');
    expect(snapshotTree(root)).toEqual(before);
  });

  it('a refusal ends with a clear error, usage reported, nothing written', async () => {
    const copy = copyExample('drizzle-app');
    cleanups.push(copy.dispose);
    const server = await startChatCompletionsServer([{ kind: 'refusal', refusal: 'I will not help with that.' }]);
    cleanups.push(() => server.close());
    const before = snapshotTree(copy.root);
    const { io, out } = capturingIo({ cwd: copy.root, env: { OPENAI_BASE_URL: server.baseURL } });
    expect(await runDrizzleCli(['generate', 'do something', '--yes', '--json'], io)).toBe(1);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: false, usage: { calls: 1 }, error: { code: 'LLM_REFUSED' } });
    expect(snapshotTree(copy.root)).toEqual(before);
  });
});

describe.runIf(serverTestUrl())('--shadow-url on a real server', () => {
  it('proves on a throwaway database and leaves every other database as it was', async () => {
    const url = serverTestUrl()!;
    await ensurePostgresServer(url);
    const copy = copyExample('drizzle-app');
    cleanups.push(copy.dispose);
    const before = await listUserDatabases(url);
    const { io, out } = capturingIo({ cwd: copy.root });
    expect(await runDrizzleCli(['generate', '--plan', 'plans/add-bookmarks-table.json', '--shadow-url', url, '--dry-run', '--json'], io)).toBe(0);
    const report = JSON.parse(out.join('\n'));
    expect(report.shadow).toMatch(/orm_ai_shadow_[0-9a-f]{12}/);
    // Other test files create databases meanwhile: check ours is gone and no other changed.
    expect(await listDatabases(url)).not.toContain(shadowDatabaseName(report.shadow));
    expect(await listUserDatabases(url)).toEqual(before);
  });
});

describe('the built drizzle-ai bin', () => {
  it('runs as a process, prints --json and exits non-zero on a bad plan', async () => {
    const copy = copyExample('drizzle-app');
    cleanups.push(copy.dispose);
    const bin = join(REPO_ROOT, 'node_modules/.bin/drizzle-ai');
    const run = promisify(execFile);
    const ok = await run(process.execPath, [bin, 'generate', '--plan', 'plans/rename-display-name.json', '--json'], { cwd: copy.root });
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, written: false, upSql: 'ALTER TABLE "users" RENAME COLUMN "display_name" TO "full_name";' });
    const failed = await run(process.execPath, [bin, 'generate', '--plan', 'missing.json'], { cwd: copy.root }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('PLAN_FILE_INVALID') });
    const usage = await run(process.execPath, [bin, 'generate', 'a', 'b'], { cwd: copy.root }).catch((error: { code: number; stderr: string }) => error);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('expected one request') });
  });
});
