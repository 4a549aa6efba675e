import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The Prisma a project has installed, as its own `prisma` CLI would run. */
export interface ProjectPrisma {
  /** `prisma`'s version, e.g. `6.19.3`. */
  readonly prismaVersion: string;
  /** The engines' version string, `<version>-<n>.<engine commit>`: the version `@prisma/schema-engine-wasm` and `@prisma/prisma-schema-wasm` are published under. */
  readonly engineVersion: string;
  /** The folder of `@prisma/engines`, where a normal install puts the native schema engine. */
  readonly enginesDir: string;
}

/** A package found from a folder by Node's lookup: its folder and `package.json`. */
export interface FoundPackage {
  readonly dir: string;
  readonly version: string;
}

/**
 * Finds `name` as Node's resolution would from `fromDir`: `node_modules/<name>` in that folder
 * and each parent. Read from disk rather than `require.resolve`, because some packages'
 * exports maps hide `package.json`. Null when none is installed.
 */
export function findPackage(name: string, fromDir: string): FoundPackage | null {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) {
      const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
      if (typeof version === 'string') return { dir: dirname(manifest), version };
    }
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The project's `prisma` and the engines it runs (`prisma` → `@prisma/engines` →
 * `@prisma/engines-version`, each resolved from the one before, as Node loads them).
 * Null when the project has no `prisma` installed.
 */
export function findProjectPrisma(root: string): ProjectPrisma | null {
  const prisma = findPackage('prisma', root);
  if (prisma === null) return null;
  const engines = findPackage('@prisma/engines', prisma.dir);
  const enginesVersion = engines && findPackage('@prisma/engines-version', engines.dir);
  if (engines === null || enginesVersion === null) return null;
  return { prismaVersion: prisma.version, engineVersion: enginesVersion.version, enginesDir: engines.dir };
}
