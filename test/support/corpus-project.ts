import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './example-project.js';

/**
 * Real open-source projects from `../shared/corpus`, installed at the ORM versions they pin
 * and run through the built CLIs as a user would run them in their own project.
 */

export const CORPUS_ROOT = join(REPO_ROOT, '..', 'shared', 'corpus');

export type CorpusOrm = 'drizzle' | 'prisma' | 'typeorm';

export interface ExpectedColumn {
  readonly name: string;
  /** As PostgreSQL's `format_type` prints it: `character varying(45)`, `timestamp without time zone`. */
  readonly type: string;
  readonly nullable: boolean;
}

export interface CorpusExpectation {
  readonly tables: ReadonlyArray<{ readonly name: string; readonly columns: readonly ExpectedColumn[] }>;
  readonly enums?: ReadonlyArray<{ readonly name: string; readonly values: readonly string[] }>;
}

export interface CorpusProject {
  /** The folder name: `drizzle-saas-starter`. */
  readonly name: string;
  readonly orm: CorpusOrm;
  readonly dir: string;
  readonly expect: CorpusExpectation;
  /** `plans/1-add-column.json` … relative to the project. */
  readonly plans: readonly string[];
  /** The project's `.env`, exported to the tools as dotenv or env-cmd would. */
  readonly env: Readonly<Record<string, string>>;
}

export function corpusProjects(): CorpusProject[] {
  return readdirSync(CORPUS_ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(CORPUS_ROOT, entry.name, 'expect.json')))
    .map((entry) => corpusProject(entry.name));
}

export function corpusProject(name: string): CorpusProject {
  const dir = join(CORPUS_ROOT, name);
  const orm = name.split('-')[0] as CorpusOrm;
  const plans = readdirSync(join(dir, 'plans'))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => `plans/${file}`);
  const expect = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as CorpusExpectation;
  return { name, orm, dir, expect, plans, env: readDotEnv(join(dir, '.env')) };
}

/** `KEY=value` lines, quotes removed; enough for the corpus' `.env` files. */
function readDotEnv(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    env[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

const run = promisify(execFile);

/**
 * The project's dependencies installed once per `package.json` content, in a cache outside
 * the repository so that nothing resolves to the workspace's own ORM versions; `then` names
 * packages to add once the install is there (the one a run's hint would ask for). Returns
 * the install's `node_modules`.
 */
export async function installCorpusProject(project: CorpusProject, options: { then?: (modules: string) => Readonly<Record<string, string>> } = {}): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(project.dir, 'package.json'), 'utf8')) as unknown;
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  // The recipe for what is added afterwards is part of what was installed.
  const key = createHash('sha256').update(text).update(String(options.then ?? '')).digest('hex').slice(0, 16);
  const cache = join(process.env.ORM_AI_CORPUS_CACHE ?? join(homedir(), '.cache', 'orm-ai', 'corpus'), `${project.name}-${key}`);
  const modules = join(cache, 'node_modules');
  if (existsSync(join(cache, 'installed'))) return modules;
  mkdirSync(join(cache, '..'), { recursive: true });
  // Install beside the cache and rename into place: two test workers never see half an install.
  const staging = mkdtempSync(`${cache}.installing-`);
  try {
    writeFileSync(join(staging, 'package.json'), text);
    const npmInstall = (...packages: string[]) =>
      run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...(packages.length > 0 ? ['--save-dev', ...packages] : [])], { cwd: staging, timeout: 600_000 });
    await npmInstall();
    // What the project's install says it still needs, as a user would add it after our error's hint.
    const more = Object.entries(options.then?.(join(staging, 'node_modules')) ?? {});
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
  return modules;
}

/** A fresh copy of the project outside the repository, its `node_modules` linked to the install. */
export function freshCorpusCopy(project: CorpusProject, modules: string): { root: string; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), `corpus-${project.name}-`));
  cpSync(project.dir, root, { recursive: true, filter: (source) => !source.split(/[\\/]/).includes('node_modules') });
  symlinkSync(modules, join(root, 'node_modules'), 'dir');
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** A built CLI run in `root` as the user would run it, with the project's `.env` exported. */
export async function runCorpusCli(options: { project: CorpusProject; root: string; args: readonly string[] }): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = join(REPO_ROOT, 'packages', options.project.orm, 'dist', 'bin.js');
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...options.args], {
      cwd: options.root,
      env: { ...process.env, ...options.project.env, CI: '1', NO_COLOR: '1' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 900_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
