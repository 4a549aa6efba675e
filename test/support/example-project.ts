import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { onTestFinished } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A throwaway copy of an example project inside the repository (so it resolves the
 * workspace's installed packages), without its node_modules.
 */
export function copyExample(name: string): { root: string; dispose: () => void } {
  const parent = join(REPO_ROOT, 'test', '.tmp');
  mkdirSync(parent, { recursive: true });
  const root = mkdtempSync(join(parent, `${name}-`));
  cpSync(join(REPO_ROOT, 'examples', name), root, {
    recursive: true,
    filter: (source) => !source.split(/[\\/]/).includes('node_modules'),
  });
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** A copy of an example (`copyExample`) for the running test, removed when the test ends. */
export function exampleForTest(name: string): string {
  const copy = copyExample(name);
  onTestFinished(copy.dispose);
  return copy.root;
}

/** Every file under `root` (but node_modules) with its content: to prove what a run changed. */
export function snapshotTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules') continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return files;
}

/**
 * Where runs in a copy of an example keep their prepared shadows: one folder per example,
 * shared by the suite's copies of it, as a user's project keeps its cache between runs
 * (`node_modules/.cache/orm-ai`, which the copies lack). Entries are keyed by the
 * migrations, so a test whose copy changed them gets its own.
 */
export function sharedShadowCache(root: string): string {
  // copyExample names a copy after its example, plus mkdtemp's six characters.
  return join(REPO_ROOT, 'test', '.tmp', 'shadow-cache', basename(root).replace(/-[A-Za-z0-9]{6}$/, ''));
}

/** What a CLI printed, for in-process runs; the run's prepared shadows are cached as `sharedShadowCache` says unless `env` sets ORM_AI_CACHE_DIR. */
export function capturingIo(options: { cwd: string; env?: Record<string, string | undefined>; isInteractive?: boolean; confirm?: (question: string) => Promise<boolean> }) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      cwd: options.cwd,
      env: { ORM_AI_CACHE_DIR: sharedShadowCache(options.cwd), ...options.env },
      isInteractive: options.isInteractive ?? false,
      ...(options.confirm ? { confirm: options.confirm } : {}),
      // picocolors turns colour on whenever CI is set; assertions read plain text.
      stdout: (text: string) => out.push(stripVTControlCharacters(text)),
      stderr: (text: string) => err.push(stripVTControlCharacters(text)),
    },
  };
}

/** Writes a plan (version and summary filled in) into a project copy as plan.json; returns its relative path. */
export function planFile(root: string, plan: { request: string; changes: object[]; migrationSteps?: object[] }): string {
  writeFileSync(join(root, 'plan.json'), JSON.stringify({ version: 1, summary: 'For the test.', ...plan }));
  return 'plan.json';
}
