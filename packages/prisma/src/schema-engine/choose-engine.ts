import { inspectInstalledPackages, installedPackage, OrmAiError, requireSupportedVersions, type SupportedPackage } from '@orm-ai/core';
import { bundledSchemaEngineDir, bundledSchemaEngineVersion } from './load-engine.js';
import { findProjectPrisma } from './project-prisma.js';

/** The schema engine chosen for a project: a `@prisma/schema-engine-wasm` folder and why. */
export interface ChosenSchemaEngine {
  /** Folder of the `@prisma/schema-engine-wasm` package to load. */
  readonly packageDir: string;
  /** Its version, `<version>-<n>.<engine commit>`. */
  readonly engineVersion: string;
  /** The project's `prisma` version; null when the project has none installed (the bundled engine runs). */
  readonly prismaVersion: string | null;
}

/**
 * The Prisma versions supported: those `@prisma/schema-engine-wasm` is published for (6.6
 * and later), whose engine API this package has been checked against (6.19's and 7.x's).
 */
export const SUPPORTED_PRISMA: SupportedPackage = { name: 'prisma', range: '>=6.6.0 <8.0.0', described: '6.6 to 7.x' };

/**
 * Refuses a project whose installed `prisma` is outside `SUPPORTED_PRISMA`, with
 * `UNSUPPORTED_ORM_VERSION` naming version and range. A project without `prisma` installed
 * passes: the bundled engine serves it.
 */
export function assertSupportedPrisma(root: string): void {
  const [prisma] = inspectInstalledPackages(root, [SUPPORTED_PRISMA]);
  if (prisma?.version != null && !prisma.supported) requireSupportedVersions(root, [SUPPORTED_PRISMA]);
}

/** The package a project adds so that its own Prisma's engine runs offline. */
export const SCHEMA_ENGINE_WASM = '@prisma/schema-engine-wasm';

/**
 * The schema engine of the project's own Prisma, so the migration is the one the user's
 * `prisma migrate dev` would write: `@prisma/schema-engine-wasm` at exactly the version of
 * the project's `@prisma/engines-version` (installed in the project, or the bundled one when
 * it is that version). A project without `prisma` installed gets the bundled engine.
 *
 * Throws `UNSUPPORTED_ORM_VERSION` naming `@prisma/schema-engine-wasm@<version>` when the
 * matching engine is not installed: a different engine version would write different SQL,
 * and may reject the schema (Prisma 7 refuses Prisma 6's datasource `url`).
 */
export function chooseSchemaEngine(projectRoot: string | undefined): ChosenSchemaEngine {
  const bundledDir = bundledSchemaEngineDir();
  const bundledVersion = bundledSchemaEngineVersion();
  const project = projectRoot === undefined ? null : findProjectPrisma(projectRoot);
  if (project === null) return { packageDir: bundledDir, engineVersion: bundledVersion, prismaVersion: null };
  const installed = installedPackage(projectRoot!, SCHEMA_ENGINE_WASM);
  if (installed !== null && installed.version === project.engineVersion) {
    return { packageDir: installed.path, engineVersion: installed.version, prismaVersion: project.prismaVersion };
  }
  if (bundledVersion === project.engineVersion) return { packageDir: bundledDir, engineVersion: bundledVersion, prismaVersion: project.prismaVersion };
  const found = installed === null ? 'none is installed' : `${installed.version} is installed`;
  throw new OrmAiError(
    'UNSUPPORTED_ORM_VERSION',
    `the schema engine of the project's prisma ${project.prismaVersion} (engines ${project.engineVersion}) is not available: its native engine is not in ${project.enginesDir} and ${SCHEMA_ENGINE_WASM}@${project.engineVersion} is not installed (${found})`,
    { hint: `Add it as a devDependency: npm install --save-dev ${SCHEMA_ENGINE_WASM}@${project.engineVersion}` },
  );
}
