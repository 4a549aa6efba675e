import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { copyExample, REPO_ROOT } from './support/example-project.js';

/**
 * The target PostgreSQL version through the built bin, as a user runs it: `check --pg-version N`
 * judges for N while measuring on the embedded shadow (PostgreSQL 18), the default comes from
 * the project's compose file, and the report names both versions.
 */

const execute = promisify(execFile);
const BIN = join(REPO_ROOT, 'packages', 'drizzle', 'bin', 'drizzle-ai.js');
const checkReport = new Ajv2020({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'check-report.schema.json'), 'utf8')) as object);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A copy of the Drizzle example holding a table and a migration that adds a column with a constant default. */
function project() {
  const copy = copyExample('drizzle-app');
  cleanups.push(copy.dispose);
  writeFileSync(join(copy.root, 'setup.sql'), 'CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL);\n');
  writeFileSync(join(copy.root, 'add-plan.sql'), "SET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT 'free';\n");
  const run = async (args: readonly string[]) => {
    const env = { ...process.env, NO_COLOR: '1', ORM_AI_DAEMON: 'off' };
    return execute(process.execPath, [BIN, 'check', 'add-plan.sql', '--setup', 'setup.sql', ...args], { cwd: copy.root, env, maxBuffer: 64 << 20 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  };
  return { root: copy.root, run };
}

const rules = (report: any): string[] => report.files.flatMap((file: any) => file.statements.flatMap((statement: any) => statement.findings.map((finding: any) => finding.rule)));

describe('drizzle-ai check --pg-version', () => {
  it('passes a constant default on the embedded shadow and fails it for PostgreSQL 10, saying the measurement does not hold', async () => {
    const { run } = project();
    const own = await run(['--json']);
    expect(own.code, own.stderr).toBe(0);
    const ownReport = JSON.parse(own.stdout);
    checkReport(ownReport);
    expect(checkReport.errors ?? []).toEqual([]);
    expect(rules(ownReport)).not.toContain('add-column-rewrites-table');
    const measuredOn = ownReport.files[0].postgres.measuredOn as string;
    expect(measuredOn).toMatch(/^\d+\.\d+$/);
    expect(ownReport.files[0].postgres).toEqual({ measuredOn, target: Number(measuredOn.split('.')[0]), targetFrom: 'embedded-shadow', declaredIn: [] });

    const old = await run(['--pg-version', '10', '--json']);
    expect(old.code, old.stderr).toBe(1);
    const report = JSON.parse(old.stdout);
    checkReport(report);
    expect(checkReport.errors ?? []).toEqual([]);
    expect(report.ok).toBe(false);
    expect(report.files[0].postgres).toEqual({ measuredOn, target: 10, targetFrom: 'flag', declaredIn: [] });
    const finding = report.files[0].statements[1].findings.find((candidate: any) => candidate.rule === 'add-column-rewrites-table');
    expect(finding.message).toBe(
      `Adding accounts.plan with a default writes it into every existing row on PostgreSQL 10: the table is rewritten under ACCESS EXCLUSIVE. ` +
        `Not measured: PostgreSQL ${measuredOn.split('.')[0]} adds a column with a non-volatile default without rewriting the table, keeping the value in the catalog (since 11); ` +
        `PostgreSQL 10 does not, so the shadow's measurement on PostgreSQL ${measuredOn.split('.')[0]} does not hold for PostgreSQL 10.`,
    );
    // What the shadow measured stays what it measured: no rewrite on its own version.
    expect(report.files[0].statements[1].rewrites).toEqual([]);
  });

  it('names both versions in the human report', async () => {
    const { run } = project();
    const { code, stdout } = await run(['--pg-version', '10']);
    expect(code).toBe(1);
    expect(stdout.trimEnd()).toMatch(/measured on embedded PGlite \(PostgreSQL \d+\.\d+; judged for PostgreSQL 10, --pg-version\)$/);
  });

  it("defaults to the version of the project's compose file", async () => {
    const { root, run } = project();
    writeFileSync(join(root, 'docker-compose.yml'), 'services:\n  db:\n    image: postgres:10.23-alpine\n    ports: ["5432:5432"]\n');
    const { code, stdout } = await run(['--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.files[0].postgres).toMatchObject({ target: 10, targetFrom: 'project', declaredIn: ['docker-compose.yml'] });
    expect(rules(report)).toContain('add-column-rewrites-table');
    // The flag outranks the project.
    const flagged = JSON.parse((await run(['--pg-version', '16', '--json'])).stdout);
    expect(flagged.files[0].postgres).toMatchObject({ target: 16, targetFrom: 'flag' });
    expect(rules(flagged)).not.toContain('add-column-rewrites-table');
  });

  it('refuses a version it has no facts for as a usage error (exit 2), in check and generate, before reading anything', async () => {
    const { run, root } = project();
    const check = await run(['--pg-version', '9']);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('--pg-version "9" is not a PostgreSQL major version from 10 to 18');
    expect(check.stderr).toContain('--pg-version 16');
    const env = { ...process.env, NO_COLOR: '1', ORM_AI_DAEMON: 'off' };
    const generate = await execute(process.execPath, [BIN, 'generate', 'add a tags column to posts', '--pg-version', '19'], { cwd: root, env }).catch((error) => error);
    expect(generate.code).toBe(2);
    expect(generate.stderr).toContain('--pg-version "19" is not a PostgreSQL major version from 10 to 18');
  });
});
