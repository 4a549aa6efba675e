import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OrmPlugin } from '../src/orm-plugin.js';
import { generateMigration, type GenerateOptions } from '../src/pipeline/generate.js';

/**
 * A run checks what fails in milliseconds before it reads the project: a plugin whose
 * openProject counts its calls shows that nothing slow (reading the ORM's source, starting a
 * shadow) happened before the error.
 */
function countingPlugin(): OrmPlugin & { opened: number } {
  const plugin = {
    displayName: 'Counting',
    capabilities: { migrationTransaction: 'all' as const, migrationOutsideTransaction: false, promptNotes: [] },
    opened: 0,
    async openProject(): Promise<never> {
      plugin.opened += 1;
      throw new Error('the project was opened before the cheap checks failed');
    },
  };
  return plugin;
}

const validPlan = JSON.stringify({
  version: 1,
  request: 'add a tags column to posts',
  summary: 's',
  changes: [{ kind: 'add_column', table: 'posts', column: { name: 'tags', type: 'text[]', nullable: true }, reason: 'r' }],
});

const folder = mkdtempSync(join(tmpdir(), 'orm-ai-fail-fast-'));
const file = (name: string, text: string) => {
  writeFileSync(join(folder, name), text);
  return name;
};

async function failure(options: Partial<GenerateOptions>): Promise<{ code: unknown; opened: number }> {
  const plugin = countingPlugin();
  const error = await generateMigration({ plugin, cwd: folder, env: {}, ...options }).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  return { code: (error as { code?: unknown } | null)?.code, opened: plugin.opened };
}

describe('a run fails fast, before the project is read', () => {
  it('on a plan file that is missing, not JSON, or not a plan', async () => {
    expect(await failure({ planFile: 'missing.json' })).toEqual({ code: 'PLAN_FILE_INVALID', opened: 0 });
    expect(await failure({ planFile: file('broken.json', '{ "version": 1,') })).toEqual({ code: 'PLAN_FILE_INVALID', opened: 0 });
    expect(await failure({ planFile: file('not-a-plan.json', '{ "version": 1, "changes": "all of them" }') })).toEqual({ code: 'PLAN_FILE_INVALID', opened: 0 });
  });

  it('on a request without a model configured, or no request at all', async () => {
    expect(await failure({ request: 'add a tags column to posts' })).toEqual({ code: 'LLM_NOT_CONFIGURED', opened: 0 });
    expect(await failure({ request: '  ', env: { OPENAI_API_KEY: 'k' } })).toEqual({ code: 'USAGE', opened: 0 });
  });

  it('on a --shadow-url nothing answers at', async () => {
    const plan = file('valid.json', validPlan);
    // Port 9 (discard) on loopback: refused at once.
    expect(await failure({ planFile: plan, shadowUrl: 'postgres://postgres@127.0.0.1:9/postgres' })).toEqual({ code: 'SHADOW_UNAVAILABLE', opened: 0 });
  });

  it('and reads the project once those pass', async () => {
    const plan = file('valid-too.json', validPlan);
    const plugin = countingPlugin();
    await expect(generateMigration({ plugin, cwd: folder, env: {}, planFile: plan })).rejects.toThrow('the project was opened');
    expect(plugin.opened).toBe(1);
  });
});
