import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { onInterrupt } from './interrupts.js';
import { stagingFolderName, stagingRoot } from './stale-run-files.js';

/** Extensions a relative TypeScript import may resolve to, in the compiler's order. */
const CANDIDATE_SUFFIXES = ['', '.ts', '.tsx', '.mts', '/index.ts', '/index.tsx', '/index.mts'];

/**
 * A copy of some source files (with edits applied) and of every project file they import
 * by relative path, under `node_modules/.cache/orm-ai/` in the project, so the copies
 * resolve the project's own packages. Lets an ORM's tool load the edited schema before a
 * byte of the user's source is changed.
 */
export interface StagedSources {
  /** The staged path of a project file. */
  stagedPath(projectPath: string): string;
  /** Removes the staging folder. */
  dispose(): Promise<void>;
}

export async function stageSources(options: {
  root: string;
  entryFiles: readonly string[];
  /** Edited contents by absolute project path (new files too); other files are copied as they are. */
  overrides: ReadonlyMap<string, string>;
  /** The module specifiers a file imports (the plugin's parser knows its language). */
  importsOf: (content: string) => string[];
}): Promise<StagedSources> {
  const stageRoot = join(stagingRoot(options.root), stagingFolderName(randomBytes(6).toString('hex')));
  const remove = () => rm(stageRoot, { recursive: true, force: true });
  const stopRemovingOnInterrupt = onInterrupt(remove);
  // Schema files may sit beside the config's folder (a monorepo's `../db-schema/src`): staged
  // paths are relative to the folder that holds them all, so none escapes the staging folder
  // and relative imports between them still resolve.
  const base = commonAncestor([options.root, ...options.entryFiles.map((file) => dirname(file))]);
  const stagedPath = (projectPath: string) => join(stageRoot, relative(base, projectPath));
  const pending = [...options.entryFiles];
  const seen = new Set<string>();
  try {
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const content = options.overrides.get(file) ?? (await readFile(file, 'utf8'));
      await mkdir(dirname(stagedPath(file)), { recursive: true });
      await writeFile(stagedPath(file), content);
      pending.push(...relativeImports(file, options.importsOf(content)).filter((imported) => isInside(base, imported)));
    }
  } catch (error) {
    await remove();
    stopRemovingOnInterrupt();
    throw error;
  }
  return {
    stagedPath,
    dispose: async () => {
      await remove();
      stopRemovingOnInterrupt();
    },
  };
}

/** Project files a module imports by relative specifier (`./users`, `../lib/ids.js`), resolved as the compiler would, those that exist. */
export function relativeImports(file: string, specifiers: readonly string[]): string[] {
  return specifiers
    .filter((specifier) => specifier.startsWith('./') || specifier.startsWith('../'))
    .map((specifier) => resolveSpecifier(dirname(file), specifier))
    .filter((resolved): resolved is string => resolved !== null);
}

function resolveSpecifier(directory: string, specifier: string): string | null {
  // ESM TypeScript imports name the emitted `.js`; the source is the `.ts` beside it.
  const bases = [specifier, specifier.replace(/\.(m?)js$/, '.$1ts')];
  for (const base of bases) {
    for (const suffix of CANDIDATE_SUFFIXES) {
      const candidate = resolve(directory, base + suffix);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
  }
  return null;
}

function commonAncestor(directories: readonly string[]): string {
  let ancestor = resolve(directories[0]!);
  for (const directory of directories) {
    while (relative(ancestor, resolve(directory)).startsWith('..')) ancestor = dirname(ancestor);
  }
  return ancestor;
}

function isInside(root: string, path: string): boolean {
  const fromRoot = relative(root, path);
  return !fromRoot.startsWith('..') && !fromRoot.split(/[\\/]/).includes('node_modules');
}
