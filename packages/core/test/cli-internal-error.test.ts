import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, type CliDefinition, type CliIo } from '../src/cli/run-cli.js';
import type { OrmPlugin } from '../src/orm-plugin.js';

/**
 * A bug (anything thrown that is not an `OrmAiError`) still ends a command in a coded error,
 * a JSON report under `--json` and exit code 1, with what is needed to report it.
 */

/** A plugin with a bug: reading its project dereferences undefined, as the old planner did on an HTML answer. */
const buggyPlugin: OrmPlugin = {
  displayName: 'Buggy',
  capabilities: { migrationTransaction: 'all', promptNotes: [] },
  async openProject() {
    const answer: { choices?: unknown[] } = {};
    return answer.choices![0] as never;
  },
};

const cli: CliDefinition = { bin: 'buggy-ai', plugin: buggyPlugin, generateCommand: 'generate', configFlag: { name: 'config' }, usage: 'buggy-ai usage' };

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd: process.cwd(), env: {}, isInteractive: false, stdout: (text) => out.push(stripVTControlCharacters(text)), stderr: (text) => err.push(stripVTControlCharacters(text)) };
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
    expect(report.error.hint.split('\n').filter((line) => line.startsWith('  at '))).toHaveLength(5);
  });
});
