/**
 * The benchmark row "Long history": the corpus project (../shared/corpus) with the most
 * migrations, against the ORM's own step for a new migration on the same change (for Prisma one
 * engine `createMigration`, as the example's row). The project is chosen by counting each
 * project's migrations, installed at the versions it pins (in the corpus tests' cache) and run
 * with its `.env` exported, as the corpus tests run it; drift in its history is resolved first.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * What counts as one migration in each ORM's project, by path relative to the project.
 * TypeORM's migrations are classes in files under a `migrations` folder.
 */
const MIGRATION_FILE = {
  prisma: (path) => basename(path) === 'migration.sql',
  drizzle: (path) => path.endsWith('.sql'),
  typeorm: (path) => /(^|\/)migrations?\/[^/]+\.[cm]?[jt]s$/.test(path),
};

/**
 * Packages added to the install once it is there, as the corpus tests add them (test/corpus.test.ts):
 * npm runs no install scripts, so there is no native engine; Prisma's WASM engine and validator at
 * the project's engine version stand in for it, the two packages the CLI's hints name.
 */
const ADD_TO_INSTALL = {
  prisma: (modules) => {
    const engines = readJson(join(modules, '@prisma/engines-version/package.json')).version;
    return { '@prisma/schema-engine-wasm': engines, '@prisma/prisma-schema-wasm': engines };
  },
};

/**
 * The change measured. Checked by hand with `--dry-run` in a copy: plans 1 to 4 are all refused
 * as drift on the corpus copy as it is (test/corpus-gaps.ts); once the drift is resolved (see
 * resolveDrift) plan 1 is proved, and it is the smallest change: one nullable column on Tag.
 */
const PLAN = 'plans/1-add-column.json';

/**
 * @param {{ repo: string, scratch: string, bin: (orm: string) => string,
 *           measured: (args: string[], opts: { cwd: string, env?: Record<string,string> }) => { wall: number, cpu: number, rssMiB: number },
 *           pairs: (o: { name: string, prepared: { base: string, theirsTemplate: string }, ours: string[], theirs: () => { wall: number, cpu: number, rssMiB: number } }) => unknown,
 *           prepare: (o: { from: string, name: string, migrations: string, ours: string[] }) => { base: string, theirsTemplate: string } }} tools
 * @returns {Promise<unknown | null>}  pairs(...)'s result, or null (with a line on stderr saying why) when the corpus or its install is unavailable
 */
export async function longHistory(tools) {
  const corpus = join(tools.repo, '..', 'shared', 'corpus');
  const project = longestHistory(corpus);
  if (project === null) return skipped(`no corpus project with migrations in ${corpus}`);
  if (project.orm !== 'prisma') return skipped(`${project.name} has the longest history, and only Prisma's engine is measured for this row`);
  const modules = await installed(project).catch((error) => skipped(`${project.name} did not install (${error.message.split('\n')[0]})`));
  if (modules === null) return null;

  // Copies of the project leave node_modules out (prepare's too), so the install is linked
  // into their common parent, where Node and the CLI's version checks find it from each copy
  // before the workspace's own Prisma.
  const name = join('long-history', project.name);
  const from = join(tools.scratch, `${name}-source`);
  copyWritable(project.dir, from);
  const link = join(tools.scratch, 'long-history', 'node_modules');
  rmSync(link, { force: true });
  symlinkSync(modules, link, 'dir');
  const resolved = await resolveDrift({ repo: tools.repo, root: from, env: project.env });
  const counted = `${project.count} migrations${resolved ? ', + 1 resolving its drift' : ''}`;

  // prepare and pairs run our CLI with the bench's environment plus its cache folder only:
  // the project's `.env` is exported for their duration, as the corpus tests export it.
  const restore = exported(project.env);
  try {
    const ours = [tools.bin('prisma'), 'migrate', '--plan', PLAN, '--dry-run'];
    const prepared = tools.prepare({ from, name, migrations: project.migrations, ours });
    // The same script as the example's Prisma row: it takes the engine from the project's
    // root (chooseSchemaEngine), here the linked install's, at the project's Prisma version.
    const createMigration = join(tools.repo, 'bench', 'prisma-create-migration.mjs');
    const theirs = () => tools.measured([createMigration], { cwd: prepared.theirsTemplate, env: project.env });
    return tools.pairs({ name: `\`prisma-ai migrate --plan\` / one engine \`createMigration\`, ${project.name} (${counted})`, prepared, ours, theirs });
  } finally {
    restore();
  }
}

function skipped(reason) {
  console.error(`Long history skipped: ${reason}`);
  return null;
}

/** The corpus project with the most migrations, with its ORM, migrations folder and `.env`; null without one. */
function longestHistory(corpus) {
  if (!existsSync(corpus)) return null;
  const projects = readdirSync(corpus, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(corpus, entry.name, 'package.json')))
    .map((entry) => migrationHistory(join(corpus, entry.name)))
    .filter((project) => project.count > 0)
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return projects[0] ?? null;
}

/** A project's migrations, counted as its ORM counts them (the ORM is the folder name's prefix, as in the corpus tests). */
function migrationHistory(dir) {
  const name = basename(dir);
  const orm = name.split('-')[0];
  const isMigration = MIGRATION_FILE[orm] ?? (() => false);
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => !path.split('/').includes('node_modules') && isMigration(path))
    .sort();
  // Prisma keeps one folder per migration: the folder holding them is the parent of the first one's.
  const migrations = files.length > 0 ? relative(dir, join(dir, orm === 'prisma' ? dirname(dirname(files[0])) : dirname(files[0]))) : '';
  return { name, orm, dir, count: files.length, migrations, env: readDotEnv(join(dir, '.env')) };
}

/** `KEY=value` lines, quotes removed: test/support/corpus-project.ts's reading of the corpus' `.env` files. */
function readDotEnv(path) {
  if (!existsSync(path)) return {};
  const env = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) env[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

/**
 * The project's install, the way installCorpusProject (test/support/corpus-project.ts) makes it:
 * once per package.json in `$ORM_AI_CORPUS_CACHE` (default ~/.cache/orm-ai/corpus), with the
 * packages its ORM needs added. An install the tests made is reused: its folder name hashes the
 * test's own function text (as vitest compiled it), so it is found by what it holds instead.
 */
async function installed(project) {
  const text = `${JSON.stringify(readJson(join(project.dir, 'package.json')), null, 2)}\n`;
  const addToInstall = ADD_TO_INSTALL[project.orm];
  const root = process.env.ORM_AI_CORPUS_CACHE ?? join(homedir(), '.cache', 'orm-ai', 'corpus');
  const fitting = existsSync(root) ? readdirSync(root).filter((entry) => entry.startsWith(`${project.name}-`)).find((entry) => holdsPins(join(root, entry), text, addToInstall)) : undefined;
  if (fitting !== undefined) return join(root, fitting, 'node_modules');
  const key = createHash('sha256').update(text).update(String(addToInstall ?? '')).digest('hex').slice(0, 16);
  const cache = join(root, `${project.name}-${key}`);
  mkdirSync(root, { recursive: true });
  // Installed beside the cache and renamed into place, so that no one sees half an install.
  const staging = mkdtempSync(`${cache}.installing-`);
  try {
    writeFileSync(join(staging, 'package.json'), text);
    const npmInstall = (...packages) =>
      run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...(packages.length > 0 ? ['--save-dev', ...packages] : [])], { cwd: staging, timeout: 600_000 });
    await npmInstall();
    const more = Object.entries(addToInstall?.(join(staging, 'node_modules')) ?? {});
    if (more.length > 0) await npmInstall(...more.map(([name, version]) => `${name}@${version}`));
    writeFileSync(join(staging, 'installed'), new Date().toISOString());
    try {
      renameSync(staging, cache);
    } catch (error) {
      if (!existsSync(join(cache, 'installed'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return join(cache, 'node_modules');
}

/** Whether a finished install holds every package of `manifest` at its pinned version, and what `addToInstall` adds. */
function holdsPins(cache, manifest, addToInstall) {
  if (!existsSync(join(cache, 'installed'))) return false;
  const modules = join(cache, 'node_modules');
  const { dependencies = {}, devDependencies = {} } = JSON.parse(manifest);
  try {
    const wanted = { ...dependencies, ...devDependencies, ...addToInstall?.(modules) };
    return Object.entries(wanted).every(([name, version]) => readJson(join(modules, name, 'package.json')).version === version);
  } catch {
    return false;
  }
}

/** A copy without node_modules whose files can be written: the corpus is read-only, and its modes would be copied. */
function copyWritable(source, target) {
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true, filter: (path) => !path.split(/[\\/]/).includes('node_modules') });
  for (const path of [target, ...readdirSync(target, { recursive: true, encoding: 'utf8' }).map((file) => join(target, file))]) {
    chmodSync(path, statSync(path).mode | 0o200);
  }
}

/**
 * Run in a Prisma project: the migration its own engine writes for the schema as it is, added
 * to its migrations folder; prints nothing when there is none. Its import specifiers are
 * absolute URLs, since it runs from no file.
 */
const RESOLVE_DRIFT = `
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const dist = process.argv[1];
const { findPrismaProjectFiles } = await import(dist + '/prisma-project-files.js');
const { readPrismaMigrations } = await import(dist + '/prisma-migrations.js');
const { openPrismaSchemaEngine } = await import(dist + '/schema-engine/prisma-schema-engine.js');
const files = await findPrismaProjectFiles({ cwd: process.cwd() });
const folder = await readPrismaMigrations(files.migrationsDir);
const engine = await openPrismaSchemaEngine({ schema: [...files.schemaFiles], projectRoot: files.root, sql: folder.migrations.map((migration) => migration.sql) });
try {
  const created = await engine.createMigration({ migrations: [...folder.migrations], schema: [...files.schemaFiles], name: 'resolve_drift' });
  if (created.sql !== null && created.sql.trim() !== '') {
    mkdirSync(join(files.migrationsDir, created.directoryName));
    writeFileSync(join(files.migrationsDir, created.directoryName, 'migration.sql'), created.sql);
    console.log(created.directoryName);
  }
} finally {
  await engine.dispose();
}
`;

/**
 * Where a project's schema and migrations differ (drift), our CLI refuses every plan with
 * SCHEMA_OUT_OF_SYNC; formbricks' do (User.email_verified_at and four constraint names, see
 * test/corpus-gaps.ts). The way out the refusal's hint names is a migration removing the
 * difference: the one `prisma migrate dev` would write is added, untimed, so that both sides
 * then make only the planned change. True when one was added.
 */
async function resolveDrift({ repo, root, env }) {
  const dist = pathToFileURL(join(repo, 'packages', 'prisma', 'dist')).href;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', RESOLVE_DRIFT, dist], {
    cwd: root,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000,
  });
  return stdout.trim() !== '';
}

/** Sets `env` in this process's environment (which each measured run inherits); returns the undo. */
function exported(env) {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
