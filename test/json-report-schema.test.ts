import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { copyExample, planFile, REPO_ROOT, sharedShadowCache } from './support/example-project.js';

/**
 * `--json` as the built bins print it, validated against the JSON Schemas committed in
 * docs/, with a validator that is not zod: what a user's CI would check it with.
 */

const execute = promisify(execFile);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function schemaValidator(name: string): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'docs', name), 'utf8')) as object;
  return new Ajv2020({ strict: true, allErrors: true }).compile(schema);
}
const generateReport = schemaValidator('generate-report.schema.json');
const checkReport = schemaValidator('check-report.schema.json');

function expectValid(validate: ValidateFunction, report: unknown): void {
  validate(report);
  expect(validate.errors ?? [], JSON.stringify(report).slice(0, 2000)).toEqual([]);
}

const EXAMPLES = [
  { orm: 'Drizzle', example: 'drizzle-app', bin: 'packages/drizzle/bin/drizzle-ai.js', generate: ['generate'], checkPathIsFile: true },
  { orm: 'Prisma', example: 'prisma-app', bin: 'packages/prisma/bin/prisma-ai.js', generate: ['migrate'], checkPathIsFile: true },
  // TypeORM knows a migration by its class, not its file: check names it by its folder and class name.
  { orm: 'TypeORM', example: 'typeorm-app', bin: 'packages/typeorm/bin/typeorm-ai.js', generate: ['migration:generate', '-d', 'src/data-source.ts'], checkPathIsFile: false },
];

/** A copy of the example and its built bin, run as a user runs it: a process in the project folder. */
function project(example: string, bin: string) {
  const copy = copyExample(example);
  cleanups.push(copy.dispose);
  const run = async (args: readonly string[]) => {
    const env = { ...process.env, ORM_AI_CACHE_DIR: sharedShadowCache(copy.root), NO_COLOR: '1' };
    const result = await execute(process.execPath, [join(REPO_ROOT, bin), ...args], { cwd: copy.root, env, maxBuffer: 64 << 20 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
    return { ...result, report: JSON.parse(result.stdout) as Record<string, any> };
  };
  return { root: copy.root, run };
}

describe.each(EXAMPLES)('$orm: --json matches its schema in docs/', ({ example, bin, generate, checkPathIsFile }) => {
  it('generate --dry-run, then --yes: both reports validate, and files are project-relative paths that exist once written', async () => {
    const { root, run } = project(example, bin);
    const dryRun = await run([...generate, '--plan', 'plans/add-post-tags.json', '--dry-run', '--json']);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expectValid(generateReport, dryRun.report);
    expect(dryRun.report).toMatchObject({ ok: true, written: false, error: null });
    // The schema is closed: the per-statement list the README once promised for `analysis` does not pass, nor does a field it does not name.
    expect(generateReport({ ...dryRun.report, analysis: dryRun.report.analysis.statements })).toBe(false);
    expect(generateReport({ ...dryRun.report, extra: true })).toBe(false);

    const written = await run([...generate, '--plan', 'plans/add-post-tags.json', '--yes', '--json']);
    expect(written.code, written.stderr).toBe(0);
    expectValid(generateReport, written.report);
    expect(written.report.written).toBe(true);
    const files = written.report.files as string[];
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      expect(isAbsolute(file) || file.startsWith('..'), file).toBe(false);
      expect(existsSync(join(root, file)), file).toBe(true);
    }
  });

  it('check on the project\'s migrations validates, with paths relative to the project', async () => {
    const { root, run } = project(example, bin);
    const { code, report, stderr } = await run(['check', '--json']);
    expect(code, stderr).toBe(0);
    expectValid(checkReport, report);
    for (const file of report.files as Array<{ path: string }>) {
      expect(isAbsolute(file.path), file.path).toBe(false);
      expect(existsSync(join(root, checkPathIsFile ? file.path : dirname(file.path))), file.path).toBe(true);
    }
  });
});

describe('Drizzle: the failure shapes and paths outside the project', () => {
  const drizzle = EXAMPLES[0]!;

  it('a plan naming an unknown table: PLAN_REJECTED, in the failure shape', async () => {
    const { root, run } = project(drizzle.example, drizzle.bin);
    const plan = planFile(root, { request: 'tag posts', changes: [{ kind: 'add_column', table: 'no_such_table', column: { name: 'tags', type: 'text[]', nullable: true }, reason: 'r' }] });
    const { code, report } = await run(['generate', '--plan', plan, '--dry-run', '--json']);
    expect(code).toBe(1);
    expectValid(generateReport, report);
    expect(report).toMatchObject({ ok: false, files: [], plan: null, analysis: null, error: { code: 'PLAN_REJECTED', message: expect.stringContaining('no_such_table') } });
  });

  it('check fails to run on a file that does not exist: the failure shape', async () => {
    const { run } = project(drizzle.example, drizzle.bin);
    const { code, report } = await run(['check', 'missing.sql', '--json']);
    expect(code).toBe(2);
    expectValid(checkReport, report);
    expect(report).toEqual({ ok: false, error: { code: 'USAGE', message: expect.stringContaining('missing.sql'), hint: expect.any(String) } });
  });

  it('check on an SQL file outside the project keeps its path absolute, and one inside relative', async () => {
    const { root, run } = project(drizzle.example, drizzle.bin);
    const outside = mkdtempSync(join(tmpdir(), 'orm-ai-json-report-'));
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
    writeFileSync(join(outside, 'setup.sql'), 'CREATE TABLE accounts (id int PRIMARY KEY);\n');
    writeFileSync(join(outside, 'outside.sql'), 'ALTER TABLE accounts ADD COLUMN note text;\n');
    writeFileSync(join(root, 'inside.sql'), 'ALTER TABLE accounts ADD COLUMN label text;\n');
    const { code, report, stderr } = await run(['check', join(outside, 'outside.sql'), 'inside.sql', '--setup', join(outside, 'setup.sql'), '--json']);
    expect(code, stderr).toBe(0);
    expectValid(checkReport, report);
    expect(report.files.map((file: { path: string }) => file.path)).toEqual([join(outside, 'outside.sql'), 'inside.sql']);
  });
});
