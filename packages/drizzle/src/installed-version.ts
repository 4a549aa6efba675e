import { installedSatisfies, requireSupportedVersions, type SupportedPackage } from '@orm-ai/core';

/**
 * The versions drizzle-ai reads snapshots of and edits schemas for: their snapshot format and
 * table-config forms are what the reader and editor are written against.
 */
export const SUPPORTED_PACKAGES: readonly SupportedPackage[] = [
  { name: 'drizzle-orm', range: '>=0.30.0 <0.46.0', described: '0.30 to 0.45' },
  { name: 'drizzle-kit', range: '>=0.20.0 <0.32.0', described: '0.20 to 0.31' },
];

/**
 * The table-config form the installed drizzle-orm accepts for a new third argument: the
 * array form `(t) => [...]` arrived in 0.36; older versions only type-check `(t) => ({...})`.
 */
export function configFormFor(root: string): 'array' | 'object' {
  return installedSatisfies(root, 'drizzle-orm', '<0.36.0') === true ? 'object' : 'array';
}

/** Refuses a project whose drizzle-orm or drizzle-kit is missing or outside `SUPPORTED_PACKAGES` (`UNSUPPORTED_ORM_VERSION`). */
export function assertSupportedVersions(root: string): void {
  requireSupportedVersions(root, SUPPORTED_PACKAGES);
}
