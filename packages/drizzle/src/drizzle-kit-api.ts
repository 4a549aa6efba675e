import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OrmAiError, describeError, stageSources, type DialectName } from '@orm-ai/core';
import { ts } from 'ts-morph';
import { tsImport } from 'tsx/esm/api';
import type { DrizzleConfig } from './drizzle-config.js';

/** A drizzle-kit snapshot (`meta/NNNN_snapshot.json`), kept as drizzle-kit's own JSON. */
export type DrizzleSnapshot = Record<string, unknown> & { id: string; prevId: string; version: string };

/**
 * The part of `drizzle-kit/api` this plugin uses, for one dialect: PostgreSQL's functions as
 * drizzle-kit names them, SQLite's (`generateSQLiteDrizzleJson`, which is async) behind the same names.
 */
export interface DrizzleKitApi {
  generateDrizzleJson(
    imports: Record<string, unknown>,
    prevId?: string,
    schemaFilters?: string[],
    casing?: 'snake_case' | 'camelCase',
  ): DrizzleSnapshot | Promise<DrizzleSnapshot>;
  generateMigration(prev: DrizzleSnapshot, cur: DrizzleSnapshot): Promise<string[]>;
}

/** `drizzle-kit/api`'s SQLite functions (drizzle-kit 0.23 and later). */
interface SqliteKitApi {
  generateSQLiteDrizzleJson(imports: Record<string, unknown>, prevId?: string, casing?: 'snake_case' | 'camelCase'): Promise<DrizzleSnapshot>;
  generateSQLiteMigration(prev: DrizzleSnapshot, cur: DrizzleSnapshot): Promise<string[]>;
}

/**
 * drizzle-kit as the project installed it, so snapshots and SQL are exactly what the
 * team's own `drizzle-kit generate` would write. drizzle-kit 0.23 and later export these
 * functions as `drizzle-kit/api`; 0.20 to 0.22 export the PostgreSQL ones as
 * `drizzle-kit/payload` with `generateDrizzleJson(imports, prevId)` only (see `legacyPayloadApi`).
 */
export async function loadDrizzleKit(root: string, dialect: DialectName | null = 'postgresql'): Promise<DrizzleKitApi> {
  const resolveFrom = createRequire(join(root, 'package.json'));
  try {
    const api = (await import(pathToFileURL(resolveFrom.resolve('drizzle-kit/api')).href)) as DrizzleKitApi & Partial<SqliteKitApi>;
    return dialect === 'sqlite' ? sqliteApi(api) : api;
  } catch (apiError) {
    if (apiError instanceof OrmAiError) throw apiError;
    let payload: string;
    try {
      payload = resolveFrom.resolve('drizzle-kit/payload');
    } catch {
      throw new OrmAiError('CONFIG_INVALID', `drizzle-kit is not installed in ${root}: ${describeError(apiError)}`, {
        hint: 'Install it in the project: npm install -D drizzle-kit',
        cause: apiError,
      });
    }
    // drizzle-kit 0.20-0.22's payload is PostgreSQL's only.
    if (dialect === 'sqlite') return sqliteApi({});
    return legacyPayloadApi((await import(pathToFileURL(payload).href)) as LegacyPayload & { default?: LegacyPayload });
  }
}

/**
 * SQLite's functions behind `DrizzleKitApi`'s names. drizzle-kit's SQLite serializer has no
 * schema filter: SQLite has no schemas.
 */
function sqliteApi(api: Partial<SqliteKitApi>): DrizzleKitApi {
  const { generateSQLiteDrizzleJson, generateSQLiteMigration } = api;
  if (typeof generateSQLiteDrizzleJson !== 'function' || typeof generateSQLiteMigration !== 'function') {
    throw new OrmAiError('CONFIG_INVALID', 'the installed drizzle-kit/api exports no generateSQLiteDrizzleJson/generateSQLiteMigration', {
      hint: 'drizzle-ai reads SQLite projects with drizzle-kit 0.23 to 0.31; upgrade drizzle-kit.',
    });
  }
  return {
    generateDrizzleJson: (imports, prevId, _schemaFilters, casing) => generateSQLiteDrizzleJson(imports, prevId, casing),
    generateMigration: (prev, cur) => generateSQLiteMigration(prev, cur),
  };
}

/** `drizzle-kit/payload` of drizzle-kit 0.20-0.22, loaded from CommonJS. */
interface LegacyPayload {
  generateDrizzleJson(imports: Record<string, unknown>, prevId?: string): DrizzleSnapshot;
  generateMigration(prev: DrizzleSnapshot, cur: DrizzleSnapshot): Promise<string[]>;
}

/**
 * drizzle-kit 0.20-0.22's payload as `DrizzleKitApi`. Their `generate` reads every schema
 * (`schemaFilter` only filtered introspect and push), so the filter is not passed on; they
 * have no `casing` (drizzle-kit 0.25), and a config that sets it would be read differently
 * by drizzle-kit and by this tool, so it is refused.
 */
export function legacyPayloadApi(loaded: LegacyPayload & { default?: LegacyPayload }): DrizzleKitApi {
  const payload = typeof loaded.generateDrizzleJson === 'function' ? loaded : loaded.default;
  if (typeof payload?.generateDrizzleJson !== 'function' || typeof payload.generateMigration !== 'function') {
    throw new OrmAiError('CONFIG_INVALID', 'drizzle-kit/payload exports no generateDrizzleJson/generateMigration', {
      hint: 'drizzle-ai works with drizzle-kit 0.20 to 0.31; reinstall drizzle-kit.',
    });
  }
  return {
    generateDrizzleJson: (imports, prevId, _schemaFilters, casing) => {
      if (casing) {
        throw new OrmAiError('CONFIG_INVALID', `the config sets casing: ${JSON.stringify(casing)}, which the installed drizzle-kit (before 0.23) does not know`, {
          hint: 'casing needs drizzle-kit 0.25 or later (and drizzle-orm 0.35): upgrade drizzle-kit, or remove casing and name columns explicitly.',
        });
      }
      return payload.generateDrizzleJson(imports, prevId);
    },
    generateMigration: (prev, cur) => payload.generateMigration(prev, cur),
  };
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
      const exports = await importSchemaModule({ stagedPath: staged.stagedPath(file), originalPath: file, edited: options.overrides.size > 0 });
      // Files may export the same names; drizzle-kit only looks at the values.
      for (const [name, value] of Object.entries(exports)) imports[`${fileIndex}:${name}`] = value;
    }
    return await options.api.generateDrizzleJson(imports, options.prevId, config.schemaFilter ? [...config.schemaFilter] : undefined, config.casing);
  } finally {
    await staged.dispose();
  }
}

async function importSchemaModule(options: { stagedPath: string; originalPath: string; edited: boolean }): Promise<Record<string, unknown>> {
  try {
    return (await tsImport(pathToFileURL(options.stagedPath).href, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    // The loader names the staged copy; the user knows the file by its own path.
    const stagedDir = dirname(options.stagedPath);
    const reason = describeError(error).replaceAll(stagedDir, dirname(options.originalPath));
    if (!options.edited) {
      throw new OrmAiError('SCHEMA_READ_FAILED', `the schema ${options.originalPath} failed to load, as drizzle-kit would load it: ${reason}`, {
        hint: 'Your schema file fails as it is, before any change: fix it (drizzle-kit generate fails on it too), then run again. Nothing was written.',
        cause: error,
      });
    }
    throw new OrmAiError('MIGRATION_GENERATE_FAILED', `the edited schema ${options.originalPath} failed to load: ${reason}`, {
      hint: 'The schema edit does not run; nothing was written.',
      cause: error,
    });
  }
}

/** The modules a TypeScript file imports, as the compiler's pre-processor finds them. */
export function importSpecifiers(content: string): string[] {
  return ts.preProcessFile(content, true, true).importedFiles.map((reference) => reference.fileName);
}
