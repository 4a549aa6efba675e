/**
 * `npm run bench:stages`: wall time per pipeline stage (read schema, apply plan, drizzle-kit
 * generate, shadow validation) for a plan on the example project and on a generated
 * 200-table schema, next to `drizzle-kit generate` alone making the same migration.
 * One PGlite start per pipeline run. Prints a Markdown table for the README.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { checkMigrations, generateMigration } from '@orm-ai/core';
import { drizzlePlugin } from '@orm-ai/drizzle';
import { prismaPlugin } from '@orm-ai/prisma';
import { typeormPlugin } from '@orm-ai/typeorm';
import { printPromptTokenRows, promptTokenRows } from './prompt-tokens.mjs';
import { WIDE_CONFIG, wideSchemaSource } from './wide-schema.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const scratch = join(repo, 'bench', '.tmp');
const drizzleKit = join(repo, 'node_modules', 'drizzle-kit', 'bin.cjs');

function exampleCase() {
  const root = join(scratch, 'example');
  cpSync(join(repo, 'examples', 'drizzle-app'), root, { recursive: true, filter: (path) => !path.includes('node_modules') });
  return { name: 'examples/drizzle-app (5 tables)', root, planFile: join(root, 'plans', 'add-post-tags.json') };
}

/** The other ORMs' examples, same plan: stage times only (drizzle-kit is no baseline for them). */
async function otherOrmRows() {
  const rows = [];
  for (const [name, plugin, configPath] of [['prisma-app', prismaPlugin, undefined], ['typeorm-app', typeormPlugin, 'src/data-source.ts']]) {
    const root = join(scratch, name);
    cpSync(join(repo, 'examples', name), root, { recursive: true, filter: (path) => !path.includes('node_modules') });
    const started = performance.now();
    const outcome = await generateMigration({ plugin, cwd: root, configPath, planFile: join(root, 'plans', 'add-post-tags.json'), env: {} });
    rows.push({ name: `examples/${name} (${plugin.displayName})`, timings: outcome.timings, total: performance.now() - started });
  }
  return rows;
}

/** `check` with no files on each example: every migration judged on a seeded fork of the shadow. */
async function checkRows() {
  const rows = [];
  for (const [name, plugin, configPath] of [['drizzle-app', drizzlePlugin, undefined], ['prisma-app', prismaPlugin, undefined], ['typeorm-app', typeormPlugin, 'src/data-source.ts']]) {
    const root = join(scratch, `check-${name}`);
    cpSync(join(repo, 'examples', name), root, { recursive: true, filter: (path) => !path.includes('node_modules') });
    const started = performance.now();
    const outcome = await checkMigrations({ plugin, cwd: root, configPath, files: [] });
    const statements = outcome.files.reduce((sum, file) => sum + file.statements.length, 0);
    rows.push({ name: `examples/${name}`, migrations: outcome.files.length, statements, total: performance.now() - started });
  }
  return rows;
}

function wideCase(tables) {
  const root = join(scratch, `wide-${tables}`);
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'drizzle.config.ts'), WIDE_CONFIG);
  writeFileSync(join(root, 'src', 'schema.ts'), wideSchemaSource(tables));
  drizzleKitGenerate(root, ['--name', 'init']);
  const plan = {
    version: 1,
    request: 'Add a tags text[] column to table_0100 with a GIN index',
    summary: 'Adds table_0100.tags and a GIN index.',
    changes: [
      { kind: 'add_column', table: 'table_0100', column: { name: 'tags', type: 'text[]', nullable: false, default: "'{}'::text[]" }, reason: 'asked' },
      { kind: 'create_index', table: 'table_0100', name: 'table_0100_tags_idx', columns: ['tags'], method: 'gin', reason: 'asked' },
    ],
  };
  writeFileSync(join(root, 'plan.json'), JSON.stringify(plan));
  return { name: `generated, ${tables} tables`, root, planFile: join(root, 'plan.json') };
}

function drizzleKitGenerate(root, args = []) {
  execFileSync(process.execPath, [drizzleKit, 'generate', ...args], { cwd: root, stdio: 'ignore' });
}

async function measure(bench) {
  const started = performance.now();
  const outcome = await generateMigration({ plugin: drizzlePlugin, cwd: bench.root, planFile: bench.planFile, env: {} });
  const total = performance.now() - started;
  // Baseline: drizzle-kit's own CLI making the same migration from the same edited schema.
  const baselineRoot = `${bench.root}-baseline`;
  cpSync(bench.root, baselineRoot, { recursive: true });
  for (const file of outcome.files.filter((change) => change.role === 'source')) {
    writeFileSync(file.path.replace(bench.root, baselineRoot), file.after);
  }
  const kitStarted = performance.now();
  drizzleKitGenerate(baselineRoot, ['--name', 'baseline']);
  const kit = performance.now() - kitStarted;
  const sameSql = readFileSync(join(baselineRoot, 'drizzle', `${outcome.migrationId.slice(0, 4)}_baseline.sql`), 'utf8') === outcome.files.find((file) => file.role === 'migration')?.after;
  return { name: bench.name, timings: outcome.timings, total, kit, sameSql };
}

const ms = (value) => `${Math.round(value)} ms`;

rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
try {
  const rows = [];
  for (const bench of [exampleCase(), wideCase(200)]) rows.push(await measure(bench));
  console.log('| project | read schema | apply plan | drizzle-kit generate (ours) | shadow (start + replay + prove) | safety | rollback proof | total | `drizzle-kit generate` CLI alone | ratio | same SQL |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const t = row.timings;
    console.log(`| ${row.name} | ${ms(t['read-schema'])} | ${ms(t['apply-plan'])} | ${ms(t['orm-generate'])} | ${ms(t.shadow)} | ${ms(t.safety)} | ${ms(t.rollback)} | ${ms(row.total)} | ${ms(row.kit)} | ${(row.total / row.kit).toFixed(1)}× | ${row.sameSql ? 'yes' : 'NO'} |`);
  }
  console.log('\n| project | read schema | apply plan | ORM generate | shadow | safety | rollback proof | total |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of await otherOrmRows()) {
    const t = row.timings;
    console.log(`| ${row.name} | ${ms(t['read-schema'])} | ${ms(t['apply-plan'])} | ${ms(t['orm-generate'])} | ${ms(t.shadow)} | ${ms(t.safety)} | ${ms(t.rollback)} | ${ms(row.total)} |`);
  }
  console.log('\n| `check` on the project\'s migrations | migrations | statements | total |');
  console.log('|---|---|---|---|');
  for (const row of await checkRows()) console.log(`| ${row.name} | ${row.migrations} | ${row.statements} | ${ms(row.total)} |`);
  console.log('\nPrompt tokens for a two-table change (o200k_base):\n');
  printPromptTokenRows(await promptTokenRows());
  console.log(`\npeak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB, Node ${process.version}, ${process.arch}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
