import path from 'node:path';
import { globSync } from 'tinyglobby';

/**
 * The files matching a TypeORM-style glob (`src/entity/**\/*.{ts,js}`), absolute and sorted.
 * Relative patterns resolve against `cwd`, as TypeORM's own loader does (it globs from the
 * process's working directory). `node_modules` is skipped unless the pattern names it.
 */
export function globFiles(options: { readonly pattern: string; readonly cwd: string }): string[] {
  const ignore = options.pattern.includes('node_modules') ? [] : ['**/node_modules/**'];
  return globSync(options.pattern.split(path.sep).join('/'), { cwd: options.cwd, absolute: true, ignore }).sort();
}

/** The folder before the first wildcard segment: where new files for this glob belong. */
export function staticPrefix(pattern: string): string {
  const segments = pattern.split('/');
  const firstWild = segments.findIndex((segment) => /[*?{[]/.test(segment));
  if (firstWild === -1) return path.dirname(pattern);
  return segments.slice(0, firstWild).join('/') || '/';
}
