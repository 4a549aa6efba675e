import { existsSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { describeError, OrmAiError } from '@orm-ai/core';
import type { DataSource, DataSourceOptions, EntitySchema, MigrationInterface } from 'typeorm';
import { globFiles, staticPrefix } from './glob-files.js';
import { installTypeScriptLoader, type TypeScriptLoader } from './load-typescript.js';

export interface LoadDataSourceOptions {
  /** The file given to `-d`, exporting a `DataSource` (default or named, or a promise of one). */
  readonly dataSourcePath: string;
  /** Relative globs in `entities`/`migrations` resolve from here, as TypeORM's CLI does. Default: `process.cwd()`. */
  readonly cwd?: string;
  /** Where new migration files go when the options do not say (migrations given as classes only). */
  readonly migrationsDir?: string;
}

// TypeORM accepts a function (class), an EntitySchema or a glob per entry.
type EntityTarget = Function | EntitySchema;
type MigrationClass = new () => MigrationInterface;

/** The user's data source, read without connecting to anything. */
export interface LoadedDataSource {
  /** The DataSource options with `entities` and `migrations` as classes (globs loaded). */
  readonly options: DataSourceOptions;
  /** The user's `DataSource` class, from the user's copy of typeorm. */
  readonly DataSourceClass: new (options: DataSourceOptions) => DataSource;
  readonly entities: readonly EntityTarget[];
  readonly migrations: readonly MigrationClass[];
  /** Absolute folder for new migrations, or undefined when nothing tells where they live. */
  readonly migrationsDir: string | undefined;
  readonly dataSourcePath: string;
  /** Every project TypeScript file the load compiled (entities, their base classes, enums, migrations). */
  readonly sourceFiles: readonly string[];
  /** True when `entities` lists anything (a class or a glob): an empty model then means a wrong glob, not an empty project. */
  readonly listsEntities: boolean;
}

/**
 * Loads the user's TypeScript (or JavaScript) data source file with decorator metadata and
 * returns its options, never initializing it. `entities` and `migrations` may be classes,
 * objects of classes or glob strings; globs are loaded through the same TypeScript loader.
 * The migrations folder comes from the first migrations glob, else from the file that
 * declares the first migration class, else from `options.migrationsDir`.
 *
 * Throws `CONFIG_NOT_FOUND` when the file is missing and `CONFIG_INVALID` when it fails to
 * load or exports no single DataSource; messages name the file and the fix.
 */
export async function loadDataSourceOptions(options: LoadDataSourceOptions): Promise<LoadedDataSource> {
  const dataSourcePath = path.resolve(options.dataSourcePath);
  const cwd = options.cwd ?? process.cwd();
  if (!existsSync(dataSourcePath)) {
    throw new OrmAiError('CONFIG_NOT_FOUND', `data source file ${dataSourcePath} does not exist`, {
      hint: 'Pass the file that exports your DataSource with -d, e.g. -d src/data-source.ts (relative to the current folder).',
    });
  }
  const loader = installTypeScriptLoader({ projectRoot: projectRootOf(dataSourcePath, cwd) });
  try {
    const dataSource = await findDataSource(dataSourcePath, requireOrExplain(loader, dataSourcePath));
    const userOptions = dataSource.options;
    const entities = resolveList<EntityTarget>({ list: userOptions.entities, loader, cwd, dataSourcePath, key: 'entities' });
    const migrations = resolveList<MigrationClass>({ list: userOptions.migrations, loader, cwd, dataSourcePath, key: 'migrations' });
    return {
      options: { ...userOptions, entities: [...entities], migrations: [...migrations] } as DataSourceOptions,
      DataSourceClass: dataSource.constructor as LoadedDataSource['DataSourceClass'],
      entities,
      migrations,
      migrationsDir: migrationsDirOf({ list: userOptions.migrations, migrations, cwd, fallback: options.migrationsDir }),
      dataSourcePath,
      sourceFiles: loader.compiledFiles(),
      listsEntities: listEntries(userOptions.entities).length > 0,
    };
  } finally {
    loader.uninstall();
  }
}

/** Compile files under the nearer of cwd and the data source's folder: both are the user's. */
function projectRootOf(dataSourcePath: string, cwd: string): string {
  const resolvedCwd = path.resolve(cwd);
  return dataSourcePath.startsWith(resolvedCwd + path.sep) ? resolvedCwd : path.dirname(dataSourcePath);
}

function requireOrExplain(loader: TypeScriptLoader, file: string): unknown {
  try {
    return loader.require(file);
  } catch (error) {
    throw new OrmAiError('CONFIG_INVALID', `cannot load ${file}: ${describeError(error)}`, {
      hint: 'Fix the error above in that file (or a file it imports). Files are compiled as CommonJS: top-level await, import.meta and tsconfig path aliases are not supported.',
      cause: error,
    });
  }
}

async function findDataSource(file: string, exported: unknown): Promise<DataSource> {
  if (isDataSource(exported)) return exported;
  const found: DataSource[] = [];
  if (exported && typeof exported === 'object') {
    for (const value of Object.values(exported)) {
      // TypeORM's CLI accepts an exported Promise<DataSource> too.
      const awaited: unknown = await value;
      if (isDataSource(awaited) && !found.includes(awaited)) found.push(awaited);
    }
  }
  if (found.length === 1 && found[0]) return found[0];
  throw new OrmAiError(
    'CONFIG_INVALID',
    found.length === 0 ? `${file} exports no DataSource instance` : `${file} exports ${found.length} DataSource instances`,
    { hint: 'Export exactly one DataSource: `export const AppDataSource = new DataSource({ ... })` or `export default new DataSource({ ... })`.' },
  );
}

function isDataSource(value: unknown): value is DataSource {
  // TypeORM's InstanceChecker tags instances with this field: works across typeorm copies.
  return !!value && typeof value === 'object' && (value as { '@instanceof'?: symbol })['@instanceof'] === Symbol.for('DataSource');
}

interface ResolveListOptions {
  readonly list: unknown;
  readonly loader: TypeScriptLoader;
  readonly cwd: string;
  readonly dataSourcePath: string;
  readonly key: 'entities' | 'migrations';
}

function resolveList<T>(options: ResolveListOptions): T[] {
  const { list, loader, cwd, dataSourcePath, key } = options;
  const entries = listEntries(list);
  const resolved: unknown[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string') {
      resolved.push(entry);
      continue;
    }
    for (const file of globFiles({ pattern: entry, cwd }).filter(isLoadableSource)) {
      collectExports(requireOrExplainIn(loader, file, dataSourcePath, key), resolved, key);
    }
  }
  return [...new Set(resolved)] as T[];
}

/** TypeORM accepts an array or an object of entries. */
function listEntries(list: unknown): unknown[] {
  return Array.isArray(list) ? list : list && typeof list === 'object' ? Object.values(list) : [];
}

function requireOrExplainIn(loader: TypeScriptLoader, file: string, dataSourcePath: string, key: string): unknown {
  try {
    return loader.require(file);
  } catch (error) {
    throw new OrmAiError('CONFIG_INVALID', `cannot load ${file} (matched by "${key}" in ${dataSourcePath}): ${describeError(error)}`, {
      hint: `Fix that file, or narrow the "${key}" glob so it matches only ${key === 'entities' ? 'entity' : 'migration'} files.`,
      cause: error,
    });
  }
}

function isLoadableSource(file: string): boolean {
  return /\.(c|m)?(t|j)s$/.test(file) && !/\.d\.(c|m)?ts$/.test(file);
}

/** Mirrors TypeORM's importClassesFromDirectories: every exported function or EntitySchema. */
function collectExports(exported: unknown, into: unknown[], key: ResolveListOptions['key']): void {
  if (typeof exported === 'function') into.push(exported);
  else if (key === 'entities' && isEntitySchema(exported)) into.push(exported);
  else if (Array.isArray(exported)) for (const value of exported) collectExports(value, into, key);
  else if (exported && typeof exported === 'object') for (const value of Object.values(exported)) collectExports(value, into, key);
}

function isEntitySchema(value: unknown): boolean {
  return !!value && typeof value === 'object' && (value as { '@instanceof'?: symbol })['@instanceof'] === Symbol.for('EntitySchema');
}

interface MigrationsDirOptions {
  readonly list: unknown;
  readonly migrations: readonly MigrationClass[];
  readonly cwd: string;
  readonly fallback: string | undefined;
}

function migrationsDirOf(options: MigrationsDirOptions): string | undefined {
  const entries = Array.isArray(options.list) ? options.list : [];
  const glob = entries.find((entry): entry is string => typeof entry === 'string');
  if (glob) return path.resolve(staticPrefix(path.resolve(options.cwd, glob).split(path.sep).join('/')));
  const first = options.migrations[0];
  const declaringFile = first ? fileDeclaring(first) : undefined;
  if (declaringFile) return path.dirname(declaringFile);
  return options.fallback === undefined ? undefined : path.resolve(options.cwd, options.fallback);
}

/** The loaded module that exports this class: where the user keeps migrations. */
function fileDeclaring(value: Function): string | undefined {
  const cache = (Module as unknown as { _cache: Record<string, { exports?: unknown } | undefined> })._cache;
  for (const [file, module] of Object.entries(cache)) {
    const exported = module?.exports;
    if (exported === value) return file;
    if (exported && typeof exported === 'object' && Object.values(exported).includes(value)) return file;
  }
  return undefined;
}
