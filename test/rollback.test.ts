import { afterEach, describe, expect, it } from 'vitest';
import { runDrizzleCli } from '@orm-ai/drizzle';
import { runPrismaCli } from '@orm-ai/prisma';
import { runTypeormCli } from '@orm-ai/typeorm';
import { startChatCompletionsServer } from './support/chat-completions-server.js';
import { capturingIo, copyExample, planFile, snapshotTree } from './support/example-project.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Cli = (argv: readonly string[], io: ReturnType<typeof capturingIo>['io']) => Promise<number>;

/** Each example's generate command, as its users type it. */
const EXAMPLES = [
  { orm: 'Drizzle', example: 'drizzle-app', cli: runDrizzleCli as Cli, command: ['generate'] },
  { orm: 'Prisma', example: 'prisma-app', cli: runPrismaCli as Cli, command: ['migrate'] },
  { orm: 'TypeORM', example: 'typeorm-app', cli: runTypeormCli as Cli, command: ['migration:generate', '-d', 'src/data-source.ts'] },
];

function project(name: string): string {
  const copy = copyExample(name);
  cleanups.push(copy.dispose);
  return copy.root;
}

async function generateJson(example: (typeof EXAMPLES)[number], root: string, args: string[], env: Record<string, string> = {}) {
  const { io, out } = capturingIo({ cwd: root, env });
  const code = await example.cli([...example.command, ...args, '--json'], io);
  return { code, report: JSON.parse(out.join('\n')) as Record<string, any> };
}

const DROP_BIO = { request: 'Drop the bio column from users', changes: [{ kind: 'drop_column', table: 'users', column: 'bio', reason: 'The request asks to drop it.' }] };
const DATE_ONLY = {
  request: 'Store posts.published_at as a date, without the time',
  changes: [{ kind: 'alter_column', table: 'posts', column: 'published_at', type: 'date', reason: 'The request asks for a date.' }],
};

describe.each(EXAMPLES)('$orm: the data-loss proof', (example) => {
  it('refuses a dropped column before anything runs, then measures what it loses and what down cannot bring back', async () => {
    const root = project(example.example);
    const plan = planFile(root, DROP_BIO);
    const before = snapshotTree(root);

    const refused = await generateJson(example, root, ['--plan', plan, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.report.error).toMatchObject({ code: 'DATA_LOSS_NOT_ALLOWED', message: expect.stringContaining('changes[0] drop_column users.bio: drops the column'), hint: expect.stringContaining('--allow-data-loss') });
    expect(refused.report.upSql).toBeNull();

    const irreversible = await generateJson(example, root, ['--plan', plan, '--yes', '--allow-data-loss']);
    expect(irreversible.report.error).toMatchObject({ code: 'MIGRATION_IRREVERSIBLE', message: expect.stringContaining('users.bio'), hint: expect.stringContaining('--allow-irreversible') });
    expect(snapshotTree(root)).toEqual(before);

    const allowed = await generateJson(example, root, ['--plan', plan, '--dry-run', '--allow-data-loss', '--allow-irreversible']);
    expect(allowed.code).toBe(0);
    const { report } = allowed;
    expect(report.rollback.dataLoss).toEqual([expect.objectContaining({ target: 'users.bio', kind: 'column-dropped' })]);
    expect(report.rollback.dataLoss[0].count).toBeGreaterThan(0);
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'data-loss', severity: 'error', message: expect.stringContaining('users.bio: the column and its') }));
    expect(report.reversible).toBe(false);
    expect(report.irreversibleReason).toContain('users.bio');
    // Down re-creates the column, empty.
    expect(report.rollback.notRestored).toContainEqual(expect.objectContaining({ target: 'users.bio', kind: 'nulled' }));
    expect(report.downSql).toMatch(/ADD (COLUMN)?\s*"bio" text/i);
    expect(snapshotTree(root)).toEqual(before);
  });

  it('refuses a narrowing type change unless allowed, then shows the values it changes', async () => {
    const root = project(example.example);
    const plan = planFile(root, DATE_ONLY);
    const before = snapshotTree(root);
    const refused = await generateJson(example, root, ['--plan', plan, '--yes']);
    expect(refused.report.error).toMatchObject({ code: 'DATA_LOSS_NOT_ALLOWED', message: expect.stringMatching(/alter_column posts\.published_at: changes the type from timestamptz(\(3\))? to date/) });

    const { code, report } = await generateJson(example, root, ['--plan', plan, '--dry-run', '--allow-data-loss', '--allow-irreversible', '--allow-unsafe']);
    expect(code).toBe(0);
    const loss = report.rollback.dataLoss.find((change: any) => change.target === 'posts.published_at');
    // The time of day is cut off.
    expect(loss).toMatchObject({ kind: 'truncated', example: { before: expect.stringMatching(/:\d\d:\d\d/), after: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) } });
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'data-loss', message: expect.stringContaining('posts.published_at') }));
    expect(report.reversible).toBe(false);
    expect(snapshotTree(root)).toEqual(before);
  });
});

/** The name each ORM gives users.email's own unique constraint (Prisma: its unique index). */
const EMAIL_UNIQUE: Record<string, string> = { Drizzle: 'users_email_unique', Prisma: 'users_email_key', TypeORM: 'UQ_97672ac88f789774dd47f7c8be3' };

describe.each(EXAMPLES)('$orm: a column\'s own unique constraint, dropped by the name the database gives it', (example) => {
  it('edits the source, drops it, and the down re-creates it', async () => {
    const root = project(example.example);
    const name = EMAIL_UNIQUE[example.orm]!;
    const plan = planFile(root, { request: `Drop the unique constraint ${name} on users.email`, changes: [{ kind: 'drop_unique', table: 'users', name, reason: 'The request asks for it.' }] });
    const { code, report } = await generateJson(example, root, ['--plan', plan, '--yes']);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, written: true, reversible: true, rollback: { schemaDifferences: [], dataLoss: [], failure: null } });
    expect(report.upSql).toContain(`"${name}"`);
    expect(report.upSql).toMatch(/DROP (CONSTRAINT|INDEX)/);
    expect(report.downSql).toMatch(/ADD CONSTRAINT .* UNIQUE|CREATE UNIQUE INDEX/);
    // Read back from the edited source, the column is no longer unique.
    const again = await generateJson(example, root, ['--plan', plan, '--dry-run']);
    expect(again.report.error).toMatchObject({ code: 'PLAN_REJECTED', message: expect.stringContaining(`unique constraint "${name}" does not exist on "users"`) });
  });
});

describe('broken downs, caught on the shadow before anything is written', () => {
  const drizzle = EXAMPLES[0]!;
  const withIndexStep = (down: string | null) => ({
    version: 1,
    request: 'Let posts be found by title regardless of case',
    summary: 'Adds an expression index on lower(title).',
    changes: [{ kind: 'add_column', table: 'posts', column: { name: 'subtitle', type: 'text', nullable: true }, reason: 'Shown under the title.' }],
    migrationSteps: [{ position: 'after', sql: 'CREATE INDEX posts_title_lower_idx ON posts (lower(title));', reason: 'Drizzle cannot declare this expression index.', locks: 'SHARE on posts while it builds', down }],
  });

  it('a model-written down that misses an index goes back to the model with the catalog difference, and the fixed plan is written', async () => {
    const root = project('drizzle-app');
    const server = await startChatCompletionsServer([
      { kind: 'content', content: JSON.stringify(withIndexStep(null)) },
      { kind: 'content', content: JSON.stringify(withIndexStep('DROP INDEX posts_title_lower_idx;')) },
    ]);
    cleanups.push(() => server.close());
    const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'scripted-model' };
    const { code, report } = await generateJson(drizzle, root, ['Let posts be found by title regardless of case', '--yes'], env);
    expect(code).toBe(0);
    expect(report.usage.calls).toBe(2);
    const repair = server.requests[1]!.body.messages.at(-1)!.content as string;
    expect(repair).toContain('the down migration does not undo it');
    expect(repair).toMatch(/\+ index posts_title_lower_idx on posts: CREATE INDEX posts_title_lower_idx ON public\.posts USING btree \(lower\(\(title\)::text\)\)/);
    expect(report).toMatchObject({ reversible: true, rollback: { schemaDifferences: [] } });
    expect(report.downSql.split('\n')[0]).toBe('DROP INDEX posts_title_lower_idx;');
  });

  it('a plan file whose step has no inverse is refused, line by line, and written only with --allow-irreversible', async () => {
    const root = project('drizzle-app');
    const plan = planFile(root, withIndexStep(null));
    const before = snapshotTree(root);
    const refused = await generateJson(drizzle, root, ['--plan', plan, '--yes']);
    expect(refused.report.error.code).toBe('MIGRATION_IRREVERSIBLE');
    expect(refused.report.error.message).toContain('+ index posts_title_lower_idx on posts');
    expect(snapshotTree(root)).toEqual(before);
    const written = await generateJson(drizzle, root, ['--plan', plan, '--yes', '--allow-irreversible']);
    expect(written.report).toMatchObject({ ok: true, written: true, reversible: false });
    expect(written.report.downSql).toContain('-- migrationSteps[0] has no inverse');
    expect(written.report.rollback.failure).toMatchObject({ step: 'up again' });
  });

  it('a down that deletes rows up had kept is refused, naming the table', async () => {
    const root = project('drizzle-app');
    const plan = planFile(root, {
      request: 'Mark comments as edited',
      changes: [{ kind: 'add_column', table: 'comments', column: { name: 'edited', type: 'boolean', nullable: false, default: 'false' }, reason: 'New flag.' }],
      migrationSteps: [{ position: 'after', sql: 'UPDATE comments SET edited = false WHERE edited;', reason: 'No-op backfill.', locks: 'row locks on comments', down: 'DELETE FROM comments WHERE NOT edited;' }],
    });
    const { code, report } = await generateJson(drizzle, root, ['--plan', plan, '--yes']);
    expect(code).toBe(1);
    expect(report.error.code).toBe('MIGRATION_IRREVERSIBLE');
    expect(report.error.message).toMatch(/not brought back: comments: \d+ of \d+ row\(s\) gone/);
  });
});
