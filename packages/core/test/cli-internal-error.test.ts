import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, type CliDefinition, type CliIo } from '../src/cli/run-cli.js';
import type { OrmPlugin } from '../src/orm-plugin.js';

/**
 * A bug (anything thrown that is not an `OrmAiError`) still ends a command in a coded error,
 * a JSON report under `--json` and exit code 1, with what is needed to report it.
 */

/** A plugin with a bug: reading its project dereferences undefined, as the old planner did on an HTML answer. */
let thrown: Error | undefined;
const buggyPlugin: OrmPlugin = {
  displayName: 'Buggy',
  capabilities: { migrationTransaction: 'all', migrationOutsideTransaction: false, promptNotes: [] },
  async openProject() {
    const answer: { choices?: unknown[] } = {};
    try {
      return answer.choices![0] as never;
    } catch (error) {
      thrown = error as Error;
      throw error;
    }
  },
};

/** The first five `at` lines of the bug's own stack (V8 shows fewer async frames on some paths). */
function firstFrames(): string[] {
  return (thrown?.stack ?? '').split('\n').map((line) => line.trim()).filter((line) => line.startsWith('at ')).slice(0, 5);
}

const cli: CliDefinition = {
  bin: 'buggy-ai',
  description: 'a CLI whose plugin throws',
  plugin: buggyPlugin,
  generateCommand: 'generate',
  configFlag: { name: 'config', value: 'FILE', description: 'the config' },
};

/** A valid plan file, so that the run gets past the checks made before the project is opened. */
const projectDir = mkdtempSync(join(tmpdir(), 'orm-ai-buggy-'));
writeFileSync(
  join(projectDir, 'plan.json'),
  JSON.stringify({ version: 1, request: 'add tags', summary: 's', changes: [{ kind: 'add_column', table: 'posts', column: { name: 'tags', type: 'text[]', nullable: true }, reason: 'r' }] }),
);

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd: projectDir, env: {}, isInteractive: false, stdout: (text) => out.push(stripVTControlCharacters(text)), stderr: (text) => err.push(stripVTControlCharacters(text)) };
  const code = await runCli(cli, argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const message = "unexpected TypeError: Cannot read properties of undefined (reading '0')";

describe('an unexpected error in a command', () => {
  it.each([
    ['generate', ['generate', '--plan', 'plan.json', '--dry-run']],
    ['check', ['check']],
  ])('%s prints INTERNAL_ERROR with the message and the first frames, and exits 1', async (_command, argv) => {
    const { code, err } = await run(argv);
    expect(code).toBe(1);
    expect(err).toContain(`[INTERNAL_ERROR] ${message}`);
    expect(err).toContain('This is a bug in orm-ai, not in your project: please report it with the command you ran and this trace:');
    expect(err).toMatch(/\n {2}at .*cli-internal-error\.test\.ts:\d+:\d+/);
  });

  it.each([
    ['generate', ['generate', '--plan', 'plan.json', '--dry-run', '--json']],
    ['check', ['check', '--json']],
  ])('%s --json prints a report with INTERNAL_ERROR', async (_command, argv) => {
    const { code, out, err } = await run(argv);
    expect(code).toBe(1);
    expect(err).toBe('');
    const report = JSON.parse(out) as { ok: boolean; error: { code: string; message: string; hint: string } };
    expect(report).toMatchObject({ ok: false, error: { code: 'INTERNAL_ERROR', message } });
    expect(report.error.hint).toMatch(/this trace:\n {2}at .*cli-internal-error\.test\.ts:\d+:\d+/);
    expect(report.error.hint.split('\n').filter((line) => line.startsWith('  at ')).map((line) => line.trim())).toEqual(firstFrames());
    expect(firstFrames().length).toBeGreaterThanOrEqual(4);
  });
});
