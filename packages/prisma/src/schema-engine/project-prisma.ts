import { installedPackage } from '@orm-ai/core';

/** The Prisma a project has installed, as its own `prisma` CLI would run. */
export interface ProjectPrisma {
  /** `prisma`'s version, e.g. `6.19.3`. */
  readonly prismaVersion: string;
  /** The engines' version string, `<version>-<n>.<engine commit>`: the version `@prisma/schema-engine-wasm` and `@prisma/prisma-schema-wasm` are published under. */
  readonly engineVersion: string;
  /** The folder of `@prisma/engines`, where a normal install puts the native schema engine. */
  readonly enginesDir: string;
}

/**
 * The project's `prisma` and the engines it runs (`prisma` → `@prisma/engines` →
 * `@prisma/engines-version`, each resolved from the one before, as Node loads them).
 * Null when the project has no `prisma` installed.
 */
export function findProjectPrisma(root: string): ProjectPrisma | null {
  const prisma = installedPackage(root, 'prisma');
  if (prisma === null) return null;
  const engines = installedPackage(prisma.path, '@prisma/engines');
  const enginesVersion = engines && installedPackage(engines.path, '@prisma/engines-version');
  if (engines === null || enginesVersion === null) return null;
  return { prismaVersion: prisma.version, engineVersion: enginesVersion.version, enginesDir: engines.path };
}
