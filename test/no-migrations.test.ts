import { rmSync } from 'node:fs';
import { join } from 'node:path';
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
      changes: [{ kind: 'add_column', table: 'users', column: { name: 'note', type: 'text', nullable: true } }],
    });
    const before = snapshotTree(copy.root);
    const { io, out } = capturingIo({ cwd: copy.root });
    const code = await cli([...argv, '--plan', plan, '--yes', '--json'], io);
    const report = JSON.parse(out.join('\n')) as { ok: boolean; error: { code: string; message: string; hint: string } };
    expect(code).toBe(1);
    expect(report.error.code).toBe('NO_MIGRATIONS');
    expect(report.error.message).toMatch(new RegExp(`declares \\d+ table\\(s\\) \\([a-z_]+, .+\\) but the project has no ${orm} migrations yet`));
    expect(report.error.hint).toContain(`${orm}'s own migration tool`);
    expect(snapshotTree(copy.root)).toEqual(before);
  });
});
