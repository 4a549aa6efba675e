import type { SourceFile } from 'ts-morph';
import type { DialectName } from '@orm-ai/core';
import { importBindings } from './source-utils.js';

/**
 * The drizzle-orm module a schema file declares its tables with: `drizzle-orm/pg-core` or
 * `drizzle-orm/sqlite-core`. Both export `index`, `uniqueIndex`, `unique`, `primaryKey` and
 * `foreignKey` under the same names; the table function, the enum function and the
 * column-reference type differ, and so do the column builders (`column-builders.ts`).
 */
export interface DrizzleCore {
  readonly module: 'drizzle-orm/pg-core' | 'drizzle-orm/sqlite-core';
  /** The schema model's dialect for tables declared with it. */
  readonly dialect: DialectName;
  /** For messages: `pg-core`. */
  readonly label: string;
  readonly tableFunction: string;
  /** null where the database has no enum types: SQLite's enums are `text({ enum: [...] })`, a TypeScript-only check. */
  readonly enumFunction: string | null;
  /** True where `index()` has no `.using()` or `.concurrently()`: every index is a b-tree built in one step. */
  readonly btreeIndexesOnly: boolean;
  /** The type a self-referencing `.references(() => ...)` callback is annotated with. */
  readonly anyColumnType: string;
  /** Declarations of database objects the model cannot hold: reported rather than dropped. */
  readonly unsupportedObjects: ReadonlySet<string>;
}

export const PG_CORE: DrizzleCore = {
  module: 'drizzle-orm/pg-core',
  dialect: 'postgresql',
  label: 'pg-core',
  tableFunction: 'pgTable',
  enumFunction: 'pgEnum',
  btreeIndexesOnly: false,
  anyColumnType: 'AnyPgColumn',
  unsupportedObjects: new Set(['pgSchema', 'pgTableCreator', 'pgView', 'pgMaterializedView', 'pgSequence', 'pgRole', 'pgPolicy']),
};

export const SQLITE_CORE: DrizzleCore = {
  module: 'drizzle-orm/sqlite-core',
  dialect: 'sqlite',
  label: 'sqlite-core',
  tableFunction: 'sqliteTable',
  enumFunction: null,
  btreeIndexesOnly: true,
  anyColumnType: 'AnySQLiteColumn',
  unsupportedObjects: new Set(['sqliteTableCreator', 'sqliteView']),
};

const CORES = [PG_CORE, SQLITE_CORE] as const;

/** The core module for a dialect the plugin reads: SQLite's for `sqlite`, pg-core otherwise. */
export function drizzleCoreFor(dialect: string | null): DrizzleCore {
  return dialect === 'sqlite' ? SQLITE_CORE : PG_CORE;
}

/**
 * The core a file declares with, from its imports; `fallback` for a file importing neither (a
 * file of relations or re-exports). The project's dialect decides the fallback, not the file.
 */
export function drizzleCoreOf(sourceFile: SourceFile, fallback: DrizzleCore): DrizzleCore {
  const modules = new Set([...importBindings(sourceFile).values()].map((binding) => binding.module));
  return CORES.find((core) => modules.has(core.module)) ?? fallback;
}

/**
 * The export of `core` that plays the part pg-core's `pgName` plays: `pgTable` is SQLite's
 * `sqliteTable`; the shared names (`index`, `foreignKey`, ...) are themselves.
 */
export function coreExportName(core: DrizzleCore, pgName: string): string {
  if (pgName === PG_CORE.tableFunction) return core.tableFunction;
  if (pgName === PG_CORE.anyColumnType) return core.anyColumnType;
  return pgName;
}
