import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { OrmAiError } from './errors.js';

/** A package the project must have installed, and the versions orm-ai is built and tested against. */
export interface SupportedPackage {
  /** The npm name: `drizzle-kit`. */
  readonly name: string;
  /** A semver range: `>=0.20.0 <0.32.0`. */
  readonly range: string;
  /** The range as people say it, for messages: `0.20 to 0.31`. */
  readonly described: string;
}

/** A package as installed in the project, with whether its version is one orm-ai supports. */
export interface InstalledPackage {
  readonly name: string;
  /** Null when the project has no such package installed. */
  readonly version: string | null;
  readonly path: string | null;
  readonly supported: boolean;
}

/**
 * The version of `name` that Node resolves from `root`: the nearest `node_modules/<name>`
 * walking up, as `require` finds it. Read from its package.json, because some packages'
 * exports maps hide `<name>/package.json` from `require.resolve`.
 */
export function installedPackage(root: string, name: string): { version: string; path: string } | null {
  for (let directory = root; ; directory = dirname(directory)) {
    const manifest = join(directory, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) {
      const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
      if (typeof version === 'string') return { version, path: dirname(manifest) };
    }
    if (dirname(directory) === directory) return null;
  }
}

/** Each package's installed version from `root`, checked against its supported range. */
export function inspectInstalledPackages(root: string, packages: readonly SupportedPackage[]): InstalledPackage[] {
  return packages.map((wanted) => {
    const found = installedPackage(root, wanted.name);
    const version = found?.version ?? null;
    // A prerelease of a supported version (7.11.0-dev.3) behaves as that version for our purposes.
    const supported = version !== null && semver.satisfies(version, wanted.range, { includePrerelease: true });
    return { name: wanted.name, version, path: found?.path ?? null, supported };
  });
}

/**
 * Refuses a project whose ORM packages are missing or outside the versions orm-ai supports,
 * naming each one with its installed version and the supported range, before anything runs
 * with a tool whose output or API we have never checked. Returns the installed versions.
 *
 * @example
 * requireSupportedVersions(root, [{ name: 'typeorm', range: '^0.3.0 || ^1.0.0', described: '0.3.x or 1.x' }]);
 */
export function requireSupportedVersions(root: string, packages: readonly SupportedPackage[]): InstalledPackage[] {
  const installed = inspectInstalledPackages(root, packages);
  const wrong = installed.filter((found) => !found.supported);
  if (wrong.length === 0) return installed;
  const described = (found: InstalledPackage) => {
    const wanted = packages.find((candidate) => candidate.name === found.name)!;
    return found.version === null
      ? `${found.name} is not installed (supported: ${wanted.described})`
      : `${found.name} ${found.version} is outside the supported versions (${wanted.described})`;
  };
  const missing = wrong.some((found) => found.version === null);
  throw new OrmAiError('UNSUPPORTED_ORM_VERSION', `${wrong.map(described).join('; ')}, in ${root}.`, {
    hint: missing
      ? `Install the project's dependencies (npm install) so that orm-ai uses the ORM tools the project pins, at a supported version.`
      : `orm-ai runs the project's own ORM tools and has been checked only against the versions named; upgrade (or downgrade) to one of them.`,
  });
}

/** Whether the installed `name` satisfies `range` (`<0.36.0`); null when it is not installed. */
export function installedSatisfies(root: string, name: string, range: string): boolean | null {
  const found = installedPackage(root, name);
  return found === null ? null : semver.satisfies(found.version, range, { includePrerelease: true });
}
