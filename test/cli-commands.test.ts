import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { commandSpecs, runCli, type CliDefinition } from '@orm-ai/core';
import { DRIZZLE_CLI } from '@orm-ai/drizzle';
import { PRISMA_CLI } from '@orm-ai/prisma';
import { TYPEORM_CLI } from '@orm-ai/typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { capturingIo, copyExample, REPO_ROOT } from './support/example-project.js';

const execute = promisify(execFile);
const disposals: Array<() => void> = [];
afterAll(() => disposals.forEach((dispose) => dispose()));

const CLIS: ReadonlyArray<readonly [CliDefinition, string]> = [
  [DRIZZLE_CLI, 'drizzle-app'],
  [PRISMA_CLI, 'prisma-app'],
  [TYPEORM_CLI, 'typeorm-app'],
];

async function run(definition: CliDefinition, argv: readonly string[], cwd = REPO_ROOT) {
  const { io, out, err } = capturingIo({ cwd });
  const code = await runCli(definition, argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe.each(CLIS)('%s', (definition, example) => {
  const specs = Object.values(commandSpecs(definition));

  it('bare or with --help, lists every command and exits 0', async () => {
    for (const argv of [[], ['--help']]) {
      const { code, stdout } = await run(definition, argv);
      expect(code).toBe(0);
      for (const spec of specs) expect(stdout).toContain(`${definition.bin} ${spec.name} `);
      expect(stdout).toContain('Exit codes: 0 done, 1 refused or failed, 2 usage error.');
    }
  });

  it("gives each command its own help, naming every flag it parses, and exits 0", async () => {
    for (const spec of specs.filter((candidate) => candidate.name !== 'daemon')) {
      const { code, stdout } = await run(definition, [spec.name, '--help']);
      expect(code).toBe(0);
      expect(stdout.split('\n')[0]).toBe(`${definition.bin} ${spec.name}: ${spec.summary}`);
      for (const [name, flag] of Object.entries(spec.flags)) expect(stdout).toMatch(new RegExp(`${flag.short ? `-${flag.short}, ` : ''}--${name}\\b`));
      // The help is the parser's: every flag it shows is accepted (here, only with --help beside it).
      expect(await run(definition, [spec.name, '--no-such-flag'])).toMatchObject({ code: 2 });
    }
  });

  it('exits 2 on usage errors, before reading the project, with the command\'s own name in the hint', async () => {
    const { root, dispose } = copyExample(example);
    disposals.push(dispose);
    const noRequest = await run(definition, [definition.generateCommand], root);
    expect(noRequest.code).toBe(2);
    expect(noRequest.stderr).toContain('[USAGE] no request given');
    expect(noRequest.stderr).toContain(`${definition.bin} ${definition.generateCommand} "add a tags text[] column to posts"`);
    const typo = await run(definition, [definition.generateCommand, '--dry-rn', 'add a column'], root);
    expect(typo).toMatchObject({ code: 2 });
    expect(typo.stderr).toContain(`unknown flag --dry-rn for ${definition.bin} ${definition.generateCommand}`);
    expect(typo.stderr).toContain('Did you mean --dry-run?');
    const missing = await run(definition, [definition.generateCommand, '--plan'], root);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain('--plan needs a value (FILE)');
    const switchValue = await run(definition, ['check', '--json=yes'], root);
    expect(switchValue).toMatchObject({ code: 2 });
    expect(switchValue.stderr).toContain('--json takes no value');
    expect(await run(definition, ['no-such-command'], root)).toMatchObject({ code: 2 });
    expect(await run(definition, ['mcp', 'extra'], root)).toMatchObject({ code: 2 });
  });

  it('exits 1 when the run is refused: a plan file that is not a plan', async () => {
    const { root, dispose } = copyExample(example);
    disposals.push(dispose);
    writeFileSync(join(root, 'broken.json'), '{ "version": 1, ');
    const refused = await run(definition, [definition.generateCommand, '--plan', 'broken.json', '--dry-run'], root);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[PLAN_FILE_INVALID]');
  });
});

describe('what the bin answers before the engine loads', () => {
  it.each([
    ['drizzle', 'drizzle-ai'],
    ['prisma', 'prisma-ai'],
    ['typeorm', 'typeorm-ai'],
  ])('%s: --version names the bin, its engine and Node, and daemon --help its own flags', async (orm, bin) => {
    const binFile = join(REPO_ROOT, 'packages', orm, 'dist', 'bin.js');
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', orm, 'package.json'), 'utf8')) as { version: string };
    const { version: engine } = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', 'core', 'package.json'), 'utf8')) as { version: string };
    const { stdout } = await execute(process.execPath, [binFile, '--version']);
    expect(stdout).toBe(`${bin} ${version} (@orm-ai/core ${engine}, Node.js ${process.version})\n`);
    const help = await execute(process.execPath, [binFile, 'daemon', '--help']);
    expect(help.stdout).toContain(`${bin} daemon status|stop`);
    const wrong = await execute(process.execPath, [binFile, 'daemon', 'restart']).then(
      () => ({ code: 0 }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(wrong).toMatchObject({ code: 2 });
  });
});
