import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDrizzleCli } from '@orm-ai/drizzle';
// The benchmark's generated schema: each table references the one before it.
import { WIDE_CONFIG, wideSchemaSource } from '../bench/wide-schema.mjs';
import { startChatCompletionsServer } from './support/chat-completions-server.js';
import { capturingIo, REPO_ROOT } from './support/example-project.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A Drizzle project with `tables` generated tables and drizzle-kit's first migration. */
function wideProject(tables: number): string {
  const parent = join(REPO_ROOT, 'test', '.tmp');
  mkdirSync(parent, { recursive: true });
  const root = mkdtempSync(join(parent, 'wide-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'drizzle.config.ts'), WIDE_CONFIG);
  writeFileSync(join(root, 'src', 'schema.ts'), wideSchemaSource(tables));
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'drizzle-kit', 'bin.cjs'), 'generate', '--name', 'init'], { cwd: root, stdio: 'ignore' });
  return root;
}

const REQUEST = 'Add a tags text[] column to table_0003';
const PLAN = {
  version: 1,
  request: REQUEST,
  summary: 'Adds table_0003.tags with a constant default; no rewrite.',
  changes: [{ kind: 'add_column', table: 'table_0003', column: { name: 'tags', type: 'text[]', nullable: false, default: "'{}'::text[]", primaryKey: false, unique: false }, reason: 'asked' }],
  migrationSteps: [],
};

describe('prompts sized to the request, on a 40-table project', () => {
  it('shows the named table in full and the others in one line, and shows a table in full when the model asks', async () => {
    const root = wideProject(40);
    const server = await startChatCompletionsServer([
      { kind: 'content', content: JSON.stringify({ ...PLAN, needTables: ['table_0030', 'no_such_table'] }) },
      { kind: 'content', content: JSON.stringify({ ...PLAN, needTables: null }) },
    ]);
    cleanups.push(() => server.close());
    const { io, out } = capturingIo({ cwd: root, env: { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'scripted-model' } });
    const code = await runDrizzleCli(['generate', REQUEST, '--dry-run', '--json'], io);
    const report = JSON.parse(out.join('\n'));
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, usage: { calls: 2 } });
    expect(report.upSql).toContain('ALTER TABLE "table_0003" ADD COLUMN "tags" text[] DEFAULT \'{}\'::text[] NOT NULL;');

    const first = server.requests[0]!.body.messages.at(-1)!.content as string;
    expect(first).toContain('table table_0003 (\n');
    // Its foreign-key neighbours come in full too; the rest as one line.
    expect(first).toContain('table table_0002 (\n');
    expect(first).toContain('table table_0004 (\n');
    expect(first).toContain('table table_0030 (id, parent_id, title, body, active, settings, created_at)');
    expect(first).not.toContain('table table_0030 (\n');
    const answer = server.requests[1]!.body.messages.at(-1)!.content as string;
    expect(answer).toContain('table table_0030 (\n');
    expect(answer).toContain('No such tables: no_such_table.');
    expect((server.requests[0]!.body as any).response_format.json_schema.schema.required).toContain('needTables');
  });
});
