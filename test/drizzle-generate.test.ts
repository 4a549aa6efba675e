import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffCatalogSnapshots } from '@orm-ai/core';
import { runDrizzleCli } from '@orm-ai/drizzle';
import { capturingIo, copyExample, REPO_ROOT, snapshotTree } from './support/example-project.js';
import { catalogOf } from './support/catalog.js';
import { drizzleKit, drizzleKitGenerate } from './support/drizzle-kit-cli.js';
import { applyWithDrizzleMigrator, openMigratorTarget, type MigratorTarget } from './support/drizzle-migrator.js';
import { serverTestUrl, shadowBackends } from './support/postgres-server.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function project() {
  const copy = copyExample('drizzle-app');
  cleanups.push(copy.dispose);
  return copy.root;
}

async function generate(root: string, args: string[], env: Record<string, string | undefined> = {}) {
  const { io, out, err } = capturingIo({ cwd: root, env });
  const code = await runDrizzleCli(['generate', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function generateJson(root: string, args: string[], env: Record<string, string | undefined> = {}) {
  const result = await generate(root, [...args, '--json'], env);
  return { ...result, report: JSON.parse(result.out) as Record<string, any> };
}

const PLANS = ['add-post-tags', 'rename-display-name', 'add-bookmarks-table'];
/** The name each plan gives its migration with no --name: verb, table, then what on it. */
const NAMES: Record<string, string> = { 'add-post-tags': 'add_posts_tags', 'rename-display-name': 'rename_users_display_name_to_full_name', 'add-bookmarks-table': 'create_bookmarks' };

describe('drizzle-ai generate --plan on the example project', () => {
  it.each(PLANS)('%s: writes the schema edit and a drizzle-kit migration that drizzle-kit then agrees with', async (plan) => {
    const root = project();
    const { code, report, err } = await generateJson(root, ['--plan', `plans/${plan}.json`, '--yes']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, written: true, reversible: true, irreversibleReason: null, usage: { calls: 0 } });
    expect(report.rollback).toMatchObject({ schemaDifferences: [], dataLoss: [], notRestored: [], failure: null });
    expect(report.findings.filter((finding: { severity: string }) => finding.severity === 'error')).toEqual([]);
    expect(report.analysis.statements.length).toBeGreaterThan(0);
    // Relative to the folder the run started in, as the text report names them.
    expect(report.files).toEqual([
      'src/db/schema.ts',
      `drizzle/0002_${NAMES[plan]}.sql`,
      `drizzle/0002_${NAMES[plan]}.down.sql`,
      'drizzle/meta/0002_snapshot.json',
      'drizzle/meta/_journal.json',
    ]);
    expect(readFileSync(join(root, report.files[1]), 'utf8').split('--> statement-breakpoint\n').join('\n')).toBe(report.upSql);
    expect(readFileSync(join(root, report.files[2]), 'utf8').split('--> statement-breakpoint\n').join('\n')).toBe(report.downSql);
    // A second generate after the written migration must produce nothing.
    expect(drizzleKitGenerate(root)).toContain('No schema changes, nothing to migrate');
    expect(Object.keys(snapshotTree(root)).filter((path) => path.startsWith('drizzle/'))).toHaveLength(8);
  });

  it('writes exactly what drizzle-kit generate writes for the same schema edit', async () => {
    const ours = project();
    const theirs = project();
    const { report } = await generateJson(ours, ['--plan', 'plans/add-bookmarks-table.json', '--name', 'bookmarks', '--yes']);
    expect(report.ok).toBe(true);
    writeFileSync(join(theirs, 'src/db/schema.ts'), readFileSync(join(ours, 'src/db/schema.ts'), 'utf8'));
    drizzleKitGenerate(theirs, ['--name', 'bookmarks']);
    const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');
    expect(read(ours, 'drizzle/0002_bookmarks.sql')).toBe(read(theirs, 'drizzle/0002_bookmarks.sql'));
    const withoutId = (text: string) => ({ ...JSON.parse(text), id: '(random)' });
    expect(withoutId(read(ours, 'drizzle/meta/0002_snapshot.json'))).toEqual(withoutId(read(theirs, 'drizzle/meta/0002_snapshot.json')));
    const entries = (text: string) => (JSON.parse(text) as { entries: Array<Record<string, unknown>> }).entries.map(({ when: _when, ...entry }) => entry);
    expect(entries(read(ours, 'drizzle/meta/_journal.json'))).toEqual(entries(read(theirs, 'drizzle/meta/_journal.json')));
  });

  it('renames with RENAME COLUMN, where drizzle-kit alone would stop to ask', async () => {
    const root = project();
    const { report } = await generateJson(root, ['--plan', 'plans/rename-display-name.json', '--yes']);
    expect(report.upSql).toBe('ALTER TABLE "users" RENAME COLUMN "display_name" TO "full_name";');
    const snapshot = JSON.parse(readFileSync(join(root, 'drizzle/meta/0002_snapshot.json'), 'utf8'));
    expect(snapshot._meta.columns).toEqual({ '"users"."display_name"': '"users"."full_name"' });
    // The TypeScript key followed the old name, so it follows the new one.
    expect(readFileSync(join(root, 'src/db/schema.ts'), 'utf8')).toContain("fullName: text('full_name').notNull(),");
  });

  it('a dry run, and a run with no terminal and no --yes, write nothing', async () => {
    const root = project();
    const before = snapshotTree(root);
    const dry = await generate(root, ['--plan', 'plans/add-post-tags.json', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('Dry run: nothing was written.');
    const noTty = await generate(root, ['--plan', 'plans/add-post-tags.json']);
    expect(noTty.out).toContain('No terminal to confirm on and no --yes');
    expect(noTty.out).toContain('CREATE INDEX "posts_tags_idx" ON "posts" USING gin ("tags");');
    expect(snapshotTree(root)).toEqual(before);
  });

  it('asks to confirm on a terminal and writes nothing when declined', async () => {
    const root = project();
    const before = snapshotTree(root);
    const questions: string[] = [];
    const { io, out } = capturingIo({ cwd: root, isInteractive: true, confirm: async (question) => (questions.push(question), false) });
    expect(await runDrizzleCli(['generate', '--plan', 'plans/add-post-tags.json'], io)).toBe(0);
    expect(questions).toEqual(['Write these changes?']);
    expect(out.join('\n')).toContain('Not accepted: nothing was written.');
    expect(snapshotTree(root)).toEqual(before);
  });

  it('rejects a plan naming a missing column with a clear error and changes nothing', async () => {
    const root = project();
    writeFileSync(join(root, 'bad.json'), JSON.stringify({ version: 1, request: 'rename', summary: 's', changes: [{ kind: 'rename_column', table: 'users', from: 'nickname', to: 'handle', reason: 'r' }] }));
    const before = snapshotTree(root);
    const { code, report } = await generateJson(root, ['--plan', 'bad.json', '--yes']);
    expect(code).toBe(1);
    expect(report).toMatchObject({ ok: false, files: [], error: { code: 'PLAN_REJECTED', message: expect.stringContaining('column "users.nickname" does not exist') } });
    expect(snapshotTree(root)).toEqual(before);
  });

  it('refuses a drop the request did not ask for', async () => {
    const root = project();
    writeFileSync(join(root, 'drop.json'), JSON.stringify({ version: 1, request: 'tidy up users', summary: 's', changes: [{ kind: 'drop_column', table: 'users', column: 'bio', reason: 'unused' }] }));
    const { code, err } = await generate(root, ['--plan', 'drop.json', '--yes']);
    expect(code).toBe(1);
    expect(err).toContain('drop_column of column "users.bio" was not asked for');
  });

  it('reports a migration step the shadow rejects, with the statement and the database error', async () => {
    const root = project();
    const before = snapshotTree(root);
    const plan = JSON.parse(readFileSync(join(root, 'plans/add-post-tags.json'), 'utf8'));
    plan.migrationSteps = [{ position: 'after', sql: "UPDATE posts SET labels = '{}'", reason: 'backfill', locks: 'row locks' }];
    writeFileSync(join(root, 'step.json'), JSON.stringify(plan));
    const { code, err } = await generate(root, ['--plan', 'step.json', '--yes']);
    expect(code).toBe(1);
    expect(err).toContain('SHADOW_REJECTED_MIGRATION');
    expect(err).toContain("UPDATE posts SET labels = '{}'");
    expect(err).toContain('column "labels" of relation "posts" does not exist');
    expect(snapshotTree(root)).toEqual({ ...before, 'step.json': JSON.stringify(plan) });
  });

  it('refuses to run while the schema source has changes no migration holds', async () => {
    const root = project();
    const schemaPath = join(root, 'src/db/schema.ts');
    writeFileSync(schemaPath, readFileSync(schemaPath, 'utf8').replace("  bio: text('bio'),", "  bio: text('bio'),\n  nickname: text('nickname'),"));
    const before = snapshotTree(root);
    const { code, err } = await generate(root, ['--plan', 'plans/add-post-tags.json', '--yes']);
    expect(code).toBe(1);
    expect(err).toContain('SCHEMA_OUT_OF_SYNC');
    expect(err).toContain('ALTER TABLE "users" ADD COLUMN "nickname" text;');
    expect(snapshotTree(root)).toEqual(before);
  });

  it('without a model configured and without --plan, says how to set one up', async () => {
    const root = project();
    const { code, err } = await generate(root, ['add a nickname to users'], {});
    expect(code).toBe(1);
    expect(err).toContain('LLM_NOT_CONFIGURED');
    expect(err).toContain('--plan FILE');
  });

  it('explains a missing config', async () => {
    // A valid plan file: an unreadable one is reported first, before the project is looked for.
    const { code, err } = await generate(join(REPO_ROOT, 'docs'), ['--plan', join(REPO_ROOT, 'examples', 'drizzle-app', 'plans', 'add-post-tags.json')]);
    expect(code).toBe(1);
    expect(err).toContain('no drizzle.config.ts in');
  });
});

describe.each(shadowBackends())('migrations run by drizzle-orm\'s migrator on $name', ({ url }) => {
  let target: MigratorTarget | undefined;
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

  it('applies every example plan\'s migration, and a rename keeps its values', async () => {
    const root = project();
    target = await openMigratorTarget(url);
    await applyWithDrizzleMigrator(target, join(root, 'drizzle'));
    await target.query("INSERT INTO users (email, display_name) VALUES ('ada@example.com', 'Ada Lovelace'), ('alan@example.com', 'Alan Turing')");
    const before = await catalogOf(target);
    const downFiles: string[] = [];
    for (const plan of PLANS) {
      const { report } = await generateJson(root, ['--plan', `plans/${plan}.json`, '--yes', ...(url ? ['--shadow-url', url] : [])]);
      expect(report).toMatchObject({ ok: true, reversible: true, rollback: { schemaDifferences: [], dataLoss: [], notRestored: [] } });
      downFiles.push(join(root, report.files.find((file: string) => file.endsWith('.down.sql'))));
      await applyWithDrizzleMigrator(target, join(root, 'drizzle'));
    }
    const rows = await target.query('SELECT email, full_name FROM users ORDER BY id');
    expect(rows).toEqual([
      { email: 'ada@example.com', full_name: 'Ada Lovelace' },
      { email: 'alan@example.com', full_name: 'Alan Turing' },
    ]);
    const tags = await target.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'posts_tags_idx'");
    expect(tags).toEqual([{ indexdef: 'CREATE INDEX posts_tags_idx ON public.posts USING gin (tags)' }]);
    const bookmarks = await target.query("SELECT conname FROM pg_constraint WHERE conrelid = 'bookmarks'::regclass AND contype IN ('p', 'f', 'u') ORDER BY conname");
    expect(bookmarks.map((row) => row.conname)).toEqual(['bookmarks_pkey', 'bookmarks_post_id_posts_id_fk', 'bookmarks_user_id_post_id_unique', 'bookmarks_user_id_users_id_fk']);
    // The written .down.sql files, newest first, give back the schema and the renamed column's values.
    for (const file of downFiles.reverse()) await target.exec(readFileSync(file, 'utf8'));
    expect(diffCatalogSnapshots(before, await catalogOf(target))).toEqual([]);
    expect(await target.query('SELECT display_name FROM users ORDER BY id')).toEqual([{ display_name: 'Ada Lovelace' }, { display_name: 'Alan Turing' }]);
  });
});

describe.runIf(serverTestUrl())('drizzle-kit migrate on the real server', () => {
  it('applies the project\'s migrations, ours included, with drizzle-kit\'s own CLI', async () => {
    const url = serverTestUrl()!;
    const root = project();
    for (const plan of PLANS) expect((await generateJson(root, ['--plan', `plans/${plan}.json`, '--yes'])).report.ok).toBe(true);
    const target = await openMigratorTarget(url);
    cleanups.push(() => target.close());
    const { status, stdout } = drizzleKit(root, ['migrate'], { DATABASE_URL: target.url! });
    expect(status).toBe(0);
    expect(stdout).toContain('migrations applied successfully');
    const applied = await target.query('SELECT count(*)::int AS count FROM drizzle.__drizzle_migrations');
    expect(applied).toEqual([{ count: 5 }]);
    const columns = await target.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name IN ('full_name', 'display_name')");
    expect(columns).toEqual([{ column_name: 'full_name' }]);
  });
});
