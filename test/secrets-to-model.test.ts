import { afterEach, describe, expect, it } from 'vitest';
import { runDrizzleCli } from '@orm-ai/drizzle';
import { startChatCompletionsServer, type ScriptedReply } from './support/chat-completions-server.js';
import { capturingIo, copyExample, planFile } from './support/example-project.js';

/**
 * Nothing measured on the shadow goes back to the model beyond what it needs to repair:
 * a plan whose backfill writes a planted value over existing rows loses data, and the
 * repair prompt says how much, never which values. The person's own report still shows one.
 */

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** In the rows, never in any plan's text: the SQL builds it from two literals. */
const PLANTED = 'PLANTED-SECRET';

const REQUEST = 'Add a nickname column to users, filled from display_name';

/** The backfill overwrites display_name with the planted value; its down puts the names back, so only the loss is measured. */
function plantingPlan(overwrite = true): Record<string, unknown> {
  const sql = overwrite ? "UPDATE users SET nickname = display_name, display_name = 'PLANTED' || '-SECRET-' || id;" : 'UPDATE users SET nickname = display_name;';
  return {
    version: 1,
    request: REQUEST,
    summary: 'Adds users.nickname and fills it from display_name.',
    changes: [{ kind: 'add_column', table: 'users', column: { name: 'nickname', type: 'text', nullable: true, default: null }, reason: 'The request asks for it.' }],
    migrationSteps: [
      {
        position: 'after',
        sql,
        reason: 'Fills the new column from display_name.',
        locks: 'row locks on users',
        down: overwrite ? 'UPDATE users SET display_name = nickname;' : 'UPDATE users SET nickname = NULL;',
      },
    ],
  };
}

async function drizzleGenerate(root: string, args: string[], env: Record<string, string> = {}) {
  const { io, out, err } = capturingIo({ cwd: root, env });
  const code = await runDrizzleCli(['generate', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function project(): string {
  const copy = copyExample('drizzle-app');
  cleanups.push(copy.dispose);
  return copy.root;
}

describe('shadow values never reach the model', () => {
  it('a backfill that loses data goes back to the model in counts, and the corrected plan is used', async () => {
    const root = project();
    const answer = (plan: unknown): ScriptedReply => ({ kind: 'content', content: JSON.stringify(plan) });
    const server = await startChatCompletionsServer([answer(plantingPlan()), answer(plantingPlan(false))]);
    cleanups.push(() => server.close());
    const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'scripted-model' };

    const { code, out } = await drizzleGenerate(root, [REQUEST, '--dry-run', '--json'], env);
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, any>;
    expect(report).toMatchObject({ ok: true, usage: { calls: 2 }, rollback: { dataLoss: [] } });

    const repair = server.requests[1]!.body.messages.at(-1)!.content;
    expect(repair).toContain('the migration loses data, measured on the shadow with seeded rows');
    expect(repair).toMatch(/users\.display_name: (\d+) of \1 value\(s\) changed\n/);
    expect(repair).not.toContain('→');
    for (const request of server.requests) expect(JSON.stringify(request.body)).not.toContain(PLANTED);
  });

  it('a database error quoting a planted value goes back with the value redacted', async () => {
    const root = project();
    const scorePlan = (sql: string) => ({
      version: 1,
      request: 'Add a score integer column to users',
      summary: 'Adds users.score.',
      changes: [{ kind: 'add_column', table: 'users', column: { name: 'score', type: 'integer', nullable: true, default: null }, reason: 'The request asks for it.' }],
      migrationSteps: [{ position: 'after', sql, reason: 'Fills the new column.', locks: 'row locks on users', down: 'UPDATE users SET score = NULL;' }],
    });
    const answer = (plan: unknown): ScriptedReply => ({ kind: 'content', content: JSON.stringify(plan) });
    const server = await startChatCompletionsServer([answer(scorePlan("UPDATE users SET score = ('PLANTED' || '-SECRET-' || id)::integer;")), answer(scorePlan('UPDATE users SET score = id;'))]);
    cleanups.push(() => server.close());
    const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'scripted-model' };

    const { code, out } = await drizzleGenerate(root, ['Add a score integer column to users', '--dry-run', '--json'], env);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ ok: true, usage: { calls: 2 } });
    const repair = server.requests[1]!.body.messages.at(-1)!.content;
    // The rule, the line and the database's words stay; the value it quotes does not.
    expect(repair).toMatch(/line \d+ \[statement-failed\] The shadow database rejected it: invalid input syntax for type integer: "…"\n/);
    for (const request of server.requests) expect(JSON.stringify(request.body)).not.toContain(PLANTED);
  });

  it('the person still sees the example: in --json and in the text report', async () => {
    const root = project();
    const plan = planFile(root, plantingPlan() as { request: string; changes: object[] });
    const json = await drizzleGenerate(root, ['--plan', plan, '--dry-run', '--json', '--allow-data-loss']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out) as Record<string, any>;
    expect(report.rollback.dataLoss).toEqual([
      expect.objectContaining({ target: 'users.display_name', kind: 'changed', example: { before: expect.any(String), after: expect.stringMatching(/^PLANTED-SECRET-\d+$/) } }),
    ]);

    const refused = await drizzleGenerate(root, ['--plan', plan, '--dry-run', '--json']);
    expect(JSON.parse(refused.out).error).toMatchObject({ code: 'MIGRATION_LOSES_DATA', message: expect.stringContaining(`→ '${PLANTED}-`) });

    const text = await drizzleGenerate(root, ['--plan', plan, '--dry-run', '--allow-data-loss']);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`'${PLANTED}-`);
  });
});
