import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * A path as every report shows it (text, markdown and `--json`): relative to `root`, the
 * folder the run started in, when it lies under it; absolute when it lies outside, so no
 * report asks its reader to resolve `../` against a folder it does not name. `path` may be
 * absolute or relative to `root`.
 *
 * @example
 * pathFromRoot('/app', '/app/drizzle/0002_tags.sql') // 'drizzle/0002_tags.sql'
 * pathFromRoot('/app', '/tmp/setup.sql') // '/tmp/setup.sql'
 */
export function pathFromRoot(root: string, path: string): string {
  const absolute = resolve(root, path);
  const fromRoot = relative(root, absolute);
  // `relative` answers '' for the root itself and an absolute path across Windows drives.
  const outside = fromRoot === '' || fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot);
  return outside ? absolute : fromRoot;
}
