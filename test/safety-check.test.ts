import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDrizzleCli } from '@orm-ai/drizzle';
import { runPrismaCli } from '@orm-ai/prisma';
import { runTypeormCli } from '@orm-ai/typeorm';
import { startChatCompletionsServer } from './support/chat-completions-server.js';
import { capturingIo, copyExample, snapshotTree } from './support/example-project.js';
import { ensurePostgresServer, listUserDatabases, serverTestUrl } from './support/postgres-server.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function project(name: string): string {
  const copy = copyExample(name);
  cleanups.push(copy.dispose);
  return copy.root;
}

type Cli = (argv: readonly string[], io: ReturnType<typeof capturingIo>['io']) => Promise<number>;

async function run(cli: Cli, root: string, args: string[], env: Record<string, string | undefined> = {}) {
  const { io, out, err } = capturingIo({ cwd: root, env });
  const code = await cli(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const rulesIn = (report: any): string[] => report.files.flatMap((file: any) => file.statements.flatMap((statement: any) => statement.findings.map((finding: any) => finding.rule)));

/** The three examples share a domain, and each has a foreign key (comments.author_id) without an index. */
const EXAMPLES = [
  { orm: 'Drizzle', example: 'drizzle-app', cli: runDrizzleCli as Cli, newest: '0001', fix: /index\('name'\)\.on/ },
  { orm: 'Prisma', example: 'prisma-app', cli: runPrismaCli as Cli, newest: prismaNewest, fix: /@@index/ },
  // TypeORM names a migration by its class (`AddComments1795500600000`), as `typeorm migration:show` does.
  { orm: 'TypeORM', example: 'typeorm-app', cli: runTypeormCli as Cli, newest: 'AddComments', fix: /@Index\(\)/ },
];

function prismaNewest(root: string): string {
  return Object.keys(snapshotTree(root)).filter((path) => path.endsWith('add_comments/migration.sql'))[0]!.split('/').at(-2)!;
}

describe.each(EXAMPLES)('$orm: check on the project\'s own migrations', ({ example, cli, newest, fix }) => {
  it('judges every migration on the state the earlier ones leave, and finds the unindexed foreign key', async () => {
    const root = project(example);
    const before = snapshotTree(root);
    const { code, out } = await run(cli, root, ['check', '--json']);
    const report = JSON.parse(out);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.files).toHaveLength(2);
    const finding = report.files[1].statements.flatMap((statement: any) => statement.findings).find((candidate: any) => candidate.rule === 'foreign-key-without-index');
    expect(finding.message).toContain('author_id');
    expect(finding.fix).toMatch(fix);
    // The foreign key on comments locks its parent against writes while it validates.
    expect(report.files[1].statements.flatMap((statement: any) => statement.locks)).toContainEqual(expect.objectContaining({ relation: 'users', mode: 'SHARE ROW EXCLUSIVE', measured: true }));
    expect(snapshotTree(root)).toEqual(before);
  });

  it('--since judges only that migration and the newer ones', async () => {
    const root = project(example);
    const since = typeof newest === 'string' ? newest : newest(root);
    const { code, out } = await run(cli, root, ['check', '--since', since, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out).files).toHaveLength(1);
  });

  it('an unknown --since is a usage error naming the migrations', async () => {
    const { code, err } = await run(cli, project(example), ['check', '--since', 'nope']);
    expect(code).toBe(2);
    expect(err).toContain('no migration "nope"');
  });
});

describe('drizzle-ai check on SQL files with --setup', () => {
  function sqlFiles(root: string) {
    writeFileSync(join(root, 'setup.sql'), 'CREATE TABLE accounts (id serial PRIMARY KEY, email varchar(50) NOT NULL, plan text);');
    writeFileSync(join(root, 'unsafe.sql'), 'ALTER TABLE accounts ALTER COLUMN id TYPE bigint;\nUPDATE accounts SET plan = \'free\';');
    writeFileSync(join(root, 'safe.sql'), "SET lock_timeout = '2s';\nALTER TABLE accounts ALTER COLUMN email TYPE varchar(100);");
  }

  it('exits 1 on an error finding, with each statement\'s line, locks and rewrites in --json', async () => {
    const root = project('drizzle-app');
    sqlFiles(root);
    const { code, out } = await run(runDrizzleCli, root, ['check', 'unsafe.sql', 'safe.sql', '--setup', 'setup.sql', '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.files.map((file: any) => file.path)).toEqual(['unsafe.sql', 'safe.sql']);
    const [rewrite, backfill] = report.files[0].statements;
    expect(rewrite).toMatchObject({ line: 1, rewrites: ['accounts'], locks: [expect.objectContaining({ relation: 'accounts', mode: 'ACCESS EXCLUSIVE' })] });
    expect(rewrite.findings.map((finding: any) => finding.rule)).toEqual(expect.arrayContaining(['alter-column-type-rewrites-table', 'lock-timeout-missing']));
    expect(backfill).toMatchObject({ line: 2, findings: [expect.objectContaining({ rule: 'unbatched-backfill', severity: 'warning' })] });
    for (const key of ['rule', 'severity', 'message', 'fix']) expect(rewrite.findings[0]).toHaveProperty(key);
    expect(report.files[1].statements[1]).toMatchObject({ rewrites: [], findings: [] });
  });

  it('exits 0 when nothing is an error, and renders markdown for a pull request', async () => {
    const root = project('drizzle-app');
    sqlFiles(root);
    const { code, out } = await run(runDrizzleCli, root, ['check', 'safe.sql', '--setup', 'setup.sql', '--format', 'markdown']);
    expect(code).toBe(0);
    expect(out).toMatch(/^## ✅ Migration safety: 0 errors, 0 warnings/);
    expect(out).toContain('| Line | Statement | Locks | Rewrites | Findings |');
    expect(out).toContain('ACCESS EXCLUSIVE on accounts');
  });

  it('estimates the rewrite at production size from --rows', async () => {
    const root = project('drizzle-app');
    sqlFiles(root);
    const { out } = await run(runDrizzleCli, root, ['check', 'unsafe.sql', '--setup', 'setup.sql', '--rows', 'accounts=5000000', '--json']);
    const estimate = JSON.parse(out).files[0].statements[0].estimates[0];
    expect(estimate).toMatchObject({ table: 'accounts', rows: 5_000_000 });
    expect(estimate.ms).toBeGreaterThan(0);
  });

  it('refuses bad input with a usage error and changes nothing', async () => {
    const root = project('drizzle-app');
    const before = snapshotTree(root);
    expect((await run(runDrizzleCli, root, ['check', 'missing.sql'])).err).toContain('cannot read missing.sql');
    expect((await run(runDrizzleCli, root, ['check', '--format', 'html'])).code).toBe(2);
    expect((await run(runDrizzleCli, root, ['check', '--rows', 'accounts'])).err).toContain('TABLE=N');
    expect(snapshotTree(root)).toEqual(before);
  });

  const url = serverTestUrl();
  it.runIf(url)('measures on a real server with --shadow-url and leaves no database behind', async () => {
    await ensurePostgresServer(url!);
    const databases = await listUserDatabases(url!);
    const root = project('drizzle-app');
    sqlFiles(root);
    const { code, out } = await run(runDrizzleCli, root, ['check', 'unsafe.sql', '--setup', 'setup.sql', '--shadow-url', url!, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.shadow).toMatch(/orm_ai_shadow_/);
    expect(report.files[0].statements[0].rewrites).toEqual(['accounts']);
    expect(await listUserDatabases(url!)).toEqual(databases);
  });
});

/** posts.reading_minutes integer → bigint: drizzle-kit writes SET DATA TYPE, which rewrites posts. */
const UNSAFE_PLAN = {
  version: 1,
  request: 'make posts.reading_minutes a bigint',
  summary: 'Changes the column type in place.',
  changes: [{ kind: 'alter_column', table: 'posts', column: 'reading_minutes', type: 'bigint', reason: 'The request asks for bigint.' }],
};
const SAFER_PLAN = {
  version: 1,
  request: 'make posts.reading_minutes a bigint',
  summary: 'Adds a bigint column beside the old one, to backfill in batches and switch to later; no rewrite.',
  changes: [{ kind: 'add_column', table: 'posts', column: { name: 'reading_minutes_big', type: 'bigint', nullable: true }, reason: 'Expand step: no rewrite.' }],
};

describe('drizzle-ai generate with the safety analysis', () => {
  it('refuses to write a migration with an error finding, and says why', async () => {
    const root = project('drizzle-app');
    writeFileSync(join(root, 'unsafe-plan.json'), JSON.stringify(UNSAFE_PLAN));
    const before = snapshotTree(root);
    const { code, out } = await run(runDrizzleCli, root, ['generate', '--plan', 'unsafe-plan.json', '--yes', '--json']);
    const report = JSON.parse(out);
    expect(code).toBe(1);
    expect(report).toMatchObject({ ok: false, written: false, error: { code: 'MIGRATION_UNSAFE' } });
    expect(report.error.message).toContain('alter-column-type-rewrites-table');
    expect(report.error.hint).toContain('--allow-unsafe');
    expect(snapshotTree(root)).toEqual(before);
  });

  it('writes it with --allow-unsafe, with the measured rewrite in --json and on the confirm screen', async () => {
    const root = project('drizzle-app');
    writeFileSync(join(root, 'unsafe-plan.json'), JSON.stringify(UNSAFE_PLAN));
    const { code, out } = await run(runDrizzleCli, root, ['generate', '--plan', 'unsafe-plan.json', '--yes', '--allow-unsafe', '--json']);
    const report = JSON.parse(out);
    expect(code).toBe(0);
    expect(report.written).toBe(true);
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'alter-column-type-rewrites-table', severity: 'error' }));
    expect(report.analysis.statements[0]).toMatchObject({ rewrites: ['posts'], locks: expect.arrayContaining([expect.objectContaining({ relation: 'posts', mode: 'ACCESS EXCLUSIVE' })]) });
    const text = await run(runDrizzleCli, project('drizzle-app'), ['generate', '--plan', join(root, 'unsafe-plan.json'), '--dry-run', '--allow-unsafe']);
    expect(text.out).toContain('Safety');
    expect(text.out).toContain('rewrites posts');
  });

  it('sends the error findings back to the model, which answers with a safer plan', async () => {
    const root = project('drizzle-app');
    const server = await startChatCompletionsServer([
      { kind: 'content', content: JSON.stringify(UNSAFE_PLAN) },
      { kind: 'content', content: JSON.stringify(SAFER_PLAN) },
    ]);
    cleanups.push(() => server.close());
    const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'scripted-model' };
    const { code, out } = await run(runDrizzleCli, root, ['generate', UNSAFE_PLAN.request, '--yes', '--json'], env);
    const report = JSON.parse(out);
    expect(code).toBe(0);
    expect(report.usage.calls).toBe(2);
    const repair = server.requests[1]!.body.messages.at(-1)!.content as string;
    expect(repair).toContain('alter-column-type-rewrites-table');
    expect(repair).toContain('safer:');
    expect(report.upSql).toContain('ADD COLUMN "reading_minutes_big" bigint');
    expect(report.findings.filter((finding: any) => finding.severity === 'error')).toEqual([]);
  });
});
