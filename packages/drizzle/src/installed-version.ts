import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The version of `name` the project at `root` resolves, found the way Node looks for a
 * package (each `node_modules` up from `root`); undefined when it is not installed. Reads the
 * package.json file directly: drizzle-orm's exports map does not expose it.
 */
export function installedVersion(root: string, name: string): string | undefined {
  for (let directory = root; ; directory = dirname(directory)) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'node_modules', name, 'package.json'), 'utf8')) as { version?: unknown };
      return typeof manifest.version === 'string' ? manifest.version : undefined;
    } catch {
      if (dirname(directory) === directory) return undefined;
    }
  }
}

/** True when `version` (`0.34.1`, `1.0.0-beta.2`) is below `major.minor`. */
export function isBelow(version: string, major: number, minor: number): boolean {
  const [versionMajor = 0, versionMinor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return versionMajor < major || (versionMajor === major && versionMinor < minor);
}

/**
 * The table-config form the installed drizzle-orm accepts for a new third argument: the
 * array form `(t) => [...]` arrived in 0.36; older versions only type-check `(t) => ({...})`.
 */
export function configFormFor(root: string): 'array' | 'object' {
  const version = installedVersion(root, 'drizzle-orm');
  return version !== undefined && isBelow(version, 0, 36) ? 'object' : 'array';
}
