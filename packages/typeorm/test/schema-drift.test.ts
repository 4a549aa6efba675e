import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changePlanSchema, OrmAiError } from '@orm-ai/core';
import { runTypeormCli } from '../src/cli.js';
import { refuseSchemaDrift } from '../src/schema-drift.js';
import { copyExampleApp, generateWithPlugin, TYPEORM_APP } from './support/example-app.js';

/** A column on the User entity that no migration creates: what a hand edit without `migration:generate` leaves. */
function addNicknameWithoutMigration(root: string): void {
  const file = join(root, 'src/entities/User.ts');
  const text = readFileSync(file, 'utf8');
  const anchor = "  @Column({ type: 'text', nullable: true })\n  bio: string | null;\n";
  expect(text).toContain(anchor);
  writeFileSync(file, text.replace(anchor, `${anchor}\n  @Column({ nullable: true })\n  nickname: string;\n`));
}

function snapshotTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return files;
}

const examplePlan = (root: string) => changePlanSchema.parse(JSON.parse(readFileSync(join(root, 'plans/add-post-tags.json'), 'utf8')));

describe('a TypeORM project whose entities have drifted from its migrations', () => {
  it('is refused with SCHEMA_OUT_OF_SYNC quoting TypeORM\'s builder for the column no migration creates, and nothing is written', async () => {
    const root = copyExampleApp();
    addNicknameWithoutMigration(root);
    const before = snapshotTree(root);
    const out: string[] = [];
    const io = { cwd: root, env: {}, isInteractive: false, stdout: (text: string) => out.push(text), stderr: () => undefined };
    const code = await runTypeormCli(['migration:generate', '--plan', 'plans/add-post-tags.json', '-d', 'src/data-source.ts', '--yes', '--json'], io);
    const report = JSON.parse(out.join('\n')) as { ok: boolean; error: { code: string; message: string; hint: string } };
    expect(code).toBe(1);
    expect(report.error.code).toBe('SCHEMA_OUT_OF_SYNC');
    expect(report.error.message).toContain(`TypeORM's schema builder would still run:\n  ALTER TABLE "users" ADD "nickname" character varying;`);
    // The plan's own change is not drift.
    expect(report.error.message).not.toContain('tags');
    expect(report.error.hint).toContain('`npx typeorm-ts-node-commonjs migration:generate src/migrations/<Name> -d src/data-source.ts`');
    expect(snapshotTree(root)).toEqual(before);
  }, 180_000);

  it('in sync, as the example is, generates the plan\'s change and nothing else', async () => {
    const root = copyExampleApp();
    const { migration, migrations } = await generateWithPlugin({ root, plan: examplePlan(root), name: 'add_post_tags' });
    expect(migrations).toHaveLength(2);
    expect(migration.statements).toEqual([
      `ALTER TABLE "posts" ADD "tags" text array NOT NULL DEFAULT '{}';`,
      'CREATE INDEX "posts_tags_idx" ON "posts" USING gin ("tags");',
    ]);
  }, 180_000);
});

describe('refuseSchemaDrift', () => {
  const options = { root: TYPEORM_APP, dataSourcePath: join(TYPEORM_APP, 'src/data-source.ts'), migrationsDir: join(TYPEORM_APP, 'src/migrations') };

  it('passes when the builder wants nothing', () => {
    expect(() => refuseSchemaDrift({ ...options, pending: [] })).not.toThrow();
  });

  it('quotes ten statements and counts the rest', () => {
    const pending = Array.from({ length: 13 }, (_, index) => `ALTER TABLE "users" ADD "c${index}" integer;`);
    const error = catchError(() => refuseSchemaDrift({ ...options, pending }));
    expect(error.code).toBe('SCHEMA_OUT_OF_SYNC');
    const lines = error.message.split('\n').slice(1);
    expect(lines).toEqual([...pending.slice(0, 10).map((statement) => `  ${statement}`), '  and 3 more']);
  });

  it('says what to do about drops, and names the project\'s own migration:generate script', () => {
    const root = copyExampleApp();
    writeFileSync(join(root, 'package.json'), JSON.stringify({ scripts: { 'db:generate': 'typeorm-ts-node-commonjs migration:generate -d src/data-source.ts' } }));
    const error = catchError(() =>
      refuseSchemaDrift({ root, dataSourcePath: join(root, 'src/data-source.ts'), migrationsDir: join(root, 'src/migrations'), pending: ['DROP INDEX "public"."posts_title_by_hand_idx";'] }),
    );
    expect(error.hint).toContain('Run `npm run db:generate` (typeorm migration:generate) for these first');
    expect(error.hint).toContain('@Index(name, { synchronize: false })');
  });

  it('throws the builder\'s own failure as it is', () => {
    const failure = new OrmAiError('MIGRATION_GENERATE_FAILED', "TypeORM's schema builder failed on the shadow: boom");
    expect(() => refuseSchemaDrift({ ...options, pending: failure })).toThrow(failure);
  });
});

function catchError(work: () => void): OrmAiError {
  try {
    work();
  } catch (error) {
    if (error instanceof OrmAiError) return error;
    throw error;
  }
  throw new Error('expected an OrmAiError');
}
