import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OrmAiError, describeError, stageSources } from '@orm-ai/core';
import { ts } from 'ts-morph';
import { tsImport } from 'tsx/esm/api';
import type { DrizzleConfig } from './drizzle-config.js';

/** A drizzle-kit snapshot (`meta/NNNN_snapshot.json`), kept as drizzle-kit's own JSON. */
export type DrizzleSnapshot = Record<string, unknown> & { id: string; prevId: string; version: string };

/** The part of `drizzle-kit/api` this plugin uses. */
export interface DrizzleKitApi {
  generateDrizzleJson(imports: Record<string, unknown>, prevId?: string, schemaFilters?: string[], casing?: 'snake_case' | 'camelCase'): DrizzleSnapshot;
  generateMigration(prev: DrizzleSnapshot, cur: DrizzleSnapshot): Promise<string[]>;
}

/**
 * drizzle-kit as the project installed it, so snapshots and SQL are exactly what the
 * team's own `drizzle-kit generate` would write.
 */
export async function loadDrizzleKit(root: string): Promise<DrizzleKitApi> {
  let entry: string;
  try {
    entry = createRequire(join(root, 'package.json')).resolve('drizzle-kit/api');
  } catch (error) {
    throw new OrmAiError('CONFIG_INVALID', `drizzle-kit is not installed in ${root}: ${describeError(error)}`, {
      hint: 'Install it in the project: npm install -D drizzle-kit',
      cause: error,
    });
  }
  return (await import(pathToFileURL(entry).href)) as DrizzleKitApi;
}

/**
 * drizzle-kit's snapshot of the schema source with `overrides` (edited file contents)
 * applied, made by loading a staged copy: the user's files are not touched.
 */
export async function snapshotOfSource(options: {
  api: DrizzleKitApi;
  config: DrizzleConfig;
  overrides: ReadonlyMap<string, string>;
  prevId: string | undefined;
}): Promise<DrizzleSnapshot> {
  const { config } = options;
  const staged = await stageSources({ root: config.root, entryFiles: config.schemaFiles, overrides: options.overrides, importsOf: importSpecifiers });
  try {
    const imports: Record<string, unknown> = {};
    for (const [fileIndex, file] of config.schemaFiles.entries()) {
      const exports = await importSchemaModule(staged.stagedPath(file), file);
      // Files may export the same names; drizzle-kit only looks at the values.
      for (const [name, value] of Object.entries(exports)) imports[`${fileIndex}:${name}`] = value;
    }
    return options.api.generateDrizzleJson(imports, options.prevId, config.schemaFilter ? [...config.schemaFilter] : undefined, config.casing);
  } finally {
    await staged.dispose();
  }
}

async function importSchemaModule(stagedPath: string, originalPath: string): Promise<Record<string, unknown>> {
  try {
    return (await tsImport(pathToFileURL(stagedPath).href, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    throw new OrmAiError('MIGRATION_GENERATE_FAILED', `the edited schema ${originalPath} failed to load: ${describeError(error)}`, {
      hint: 'The schema edit does not run; nothing was written.',
      cause: error,
    });
  }
}

/** The modules a TypeScript file imports, as the compiler's pre-processor finds them. */
export function importSpecifiers(content: string): string[] {
  return ts.preProcessFile(content, true, true).importedFiles.map((reference) => reference.fileName);
}
