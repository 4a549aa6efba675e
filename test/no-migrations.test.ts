import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDrizzleCli } from '@orm-ai/drizzle';
import { runPrismaCli } from '@orm-ai/prisma';
import { runTypeormCli } from '@orm-ai/typeorm';
import { capturingIo, copyExample, planFile, snapshotTree } from './support/example-project.js';

/**
 * A schema no migration made (synchronize, push, db push) would come out of the ORM's tool as
 * one migration creating every table, shown as the requested change. Each CLI refuses it before
 * any model or shadow runs, and the project is left as it was.
 */

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

type Cli = (argv: string[], io: ReturnType<typeof capturingIo>['io']) => Promise<number>;

const projects: Array<{ example: string; migrations: string; cli: Cli; argv: string[]; orm: string }> = [
  { example: 'drizzle-app', migrations: 'drizzle', cli: runDrizzleCli, argv: ['generate'], orm: 'Drizzle' },
  { example: 'prisma-app', migrations: 'prisma/migrations', cli: runPrismaCli, argv: ['migrate'], orm: 'Prisma' },
  { example: 'typeorm-app', migrations: 'src/migrations', cli: runTypeormCli, argv: ['migration:generate', '-d', 'src/data-source.ts'], orm: 'TypeORM' },
];

describe('a project whose schema has no migrations yet', () => {
  it.each(projects)('$example is refused with NO_MIGRATIONS, naming its tables, and nothing changes', async ({ example, migrations, cli, argv, orm }) => {
    const copy = copyExample(example);
    cleanups.push(copy.dispose);
    rmSync(join(copy.root, migrations), { recursive: true, force: true });
    const plan = planFile(copy.root, {
      request: 'add a nullable note column to users',
      changes: [{ kind: 'add_column', table: 'users', column: { name: 'note', type: 'text', nullable: true, default: null }, reason: 'The request asks for it.' }],
    });
    const before = snapshotTree(copy.root);
    const { io, out } = capturingIo({ cwd: copy.root });
    const code = await cli([...argv, '--plan', plan, '--yes', '--json'], io);
    const report = JSON.parse(out.join('\n')) as { ok: boolean; error: { code: string; message: string; hint: string } };
    expect(code).toBe(1);
    expect(report.error.code).toBe('NO_MIGRATIONS');
    expect(report.error.message).toMatch(new RegExp(`declares \\d+ table\\(s\\) \\([a-z_]+, .+\\) but the project has no ${orm} migrations yet`));
    expect(report.error.hint).toContain(`${orm}'s own migration tool`);
    // Where it looked, relative to the project: a missing folder is more often a wrong path than no history.
    expect(report.error.message).toContain(`(./${migrations} does not exist)`);
    expect(report.error.hint).toContain(`If the migrations are elsewhere, point the ${orm} config at them.`);
    expect(snapshotTree(copy.root)).toEqual(before);
  });

  it.each(projects)('$example with an empty migrations folder is refused with NO_MIGRATIONS naming the folder', async ({ example, migrations, cli, argv }) => {
    const copy = copyExample(example);
    cleanups.push(copy.dispose);
    rmSync(join(copy.root, migrations), { recursive: true, force: true });
    mkdirSync(join(copy.root, migrations));
    const { io, out } = capturingIo({ cwd: copy.root });
    const code = await cli([...argv, '--plan', 'plans/add-post-tags.json', '--yes', '--json'], io);
    const report = JSON.parse(out.join('\n')) as { error: { code: string; message: string } };
    expect(code).toBe(1);
    expect(report.error.code).toBe('NO_MIGRATIONS');
    expect(report.error.message).toMatch(new RegExp(`migrations yet in \\./${migrations.replace('/', '\\/')}\\.$`));
  });

  it.each(projects)('$example --baseline writes the first migration with the ORM\'s own tool, proved on an empty shadow, and the change then runs', async ({ example, migrations, cli, argv }) => {
    const copy = copyExample(example);
    cleanups.push(copy.dispose);
    rmSync(join(copy.root, migrations), { recursive: true, force: true });
    const run = async (args: string[]) => {
      const { io, out } = capturingIo({ cwd: copy.root });
      const code = await cli([...argv, ...args, '--yes', '--json'], io);
      return { code, report: JSON.parse(out.join('\n')) as { ok: boolean; error?: { code: string }; files: string[]; upSql: string; written: boolean; reversible: boolean } };
    };
    const baseline = await run(['--baseline']);
    expect(baseline.report.error ?? null).toBeNull();
    expect(baseline.code).toBe(0);
    expect(baseline.report.written).toBe(true);
    expect(baseline.report.reversible).toBe(false);
    // Every table of the schema, created by the ORM's tool (the example has users and posts).
    expect(baseline.report.upSql).toMatch(/CREATE TABLE (IF NOT EXISTS )?"?(public"?\.)?"?users"?/);
    expect(baseline.report.upSql).toMatch(/CREATE TABLE (IF NOT EXISTS )?"?(public"?\.)?"?posts"?/);
    for (const file of baseline.report.files) expect(existsSync(resolve(copy.root, file)), file).toBe(true);

    const again = await run(['--baseline']);
    expect(again.report.error?.code).toBe('USAGE');

    const plan = planFile(copy.root, {
      request: 'add a nullable note column to users',
      changes: [{ kind: 'add_column', table: 'users', column: { name: 'note', type: 'text', nullable: true, default: null }, reason: 'The request asks for it.' }],
    });
    const change = await run(['--plan', plan]);
    expect(change.report.error ?? null).toBeNull();
    expect(change.report.upSql).toMatch(/ALTER TABLE "?users"? ADD (COLUMN\s+)?"?note"?\s+text/i);
    expect(change.report.upSql).not.toMatch(/CREATE TABLE/);
  });
});


describe('check of a project whose migrations folder does not exist', () => {
  it.each(projects)('$example fails with NO_MIGRATIONS naming the folder, exit code 1, as generate does', async ({ example, migrations, cli }) => {
    const copy = copyExample(example);
    cleanups.push(copy.dispose);
    rmSync(join(copy.root, migrations), { recursive: true, force: true });
    const { io, out } = capturingIo({ cwd: copy.root });
    const code = await cli(['check', '--json'], io);
    const report = JSON.parse(out.join('\n')) as { ok: boolean; error: { code: string; message: string; hint: string } };
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.error.code).toBe('NO_MIGRATIONS');
    expect(report.error.message).toContain(`migrations to check (./${migrations} does not exist)`);
    expect(report.error.hint).toContain('If the migrations are elsewhere');
  });

  it.each(projects)('$example with the folder there and empty has nothing to judge: exit code 0', async ({ example, migrations, cli }) => {
    const copy = copyExample(example);
    cleanups.push(copy.dispose);
    rmSync(join(copy.root, migrations), { recursive: true, force: true });
    mkdirSync(join(copy.root, migrations));
    const { io, out } = capturingIo({ cwd: copy.root });
    const code = await cli(['check', '--json'], io);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: true, files: [] });
    expect(code).toBe(0);
  });
});
