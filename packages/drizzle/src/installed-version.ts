import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OrmAiError } from '@orm-ai/core';

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

/** The versions drizzle-ai reads snapshots of and edits schemas for (inclusive minor ranges). */
export const SUPPORTED_VERSIONS = {
  'drizzle-orm': { from: [0, 30], to: [0, 45] },
  'drizzle-kit': { from: [0, 20], to: [0, 31] },
} as const;

/**
 * Refuses a project whose installed drizzle-orm or drizzle-kit is outside the supported range,
 * naming the version and the range (CONFIG_INVALID): their snapshot format and table-config
 * forms are what the reader and editor are written against. A package that is not installed
 * is left to the step that needs it, which says so.
 */
export function assertSupportedVersions(root: string): void {
  for (const [name, range] of Object.entries(SUPPORTED_VERSIONS)) {
    const version = installedVersion(root, name);
    if (version === undefined) continue;
    const [fromMajor, fromMinor] = range.from;
    const [toMajor, toMinor] = range.to;
    if (isBelow(version, fromMajor, fromMinor) || !isBelow(version, toMajor, toMinor + 1)) {
      const supported = `${fromMajor}.${fromMinor}.x to ${toMajor}.${toMinor}.x`;
      throw new OrmAiError('CONFIG_INVALID', `${name} ${version} is installed in ${root}; drizzle-ai supports ${name} ${supported}`, {
        hint: `Install a ${name} version from ${supported} in the project, or run drizzle-kit generate by hand for this change.`,
      });
    }
  }
}
