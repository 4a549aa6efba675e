import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OrmAiError, describeError, type ConfiguredDatabase, type DialectName } from '@orm-ai/core';
import { ts } from 'ts-morph';
import { glob } from 'tinyglobby';
import { tsImport } from 'tsx/esm/api';

/** The names drizzle-kit looks for when `--config` is not given, in its order. */
const DEFAULT_CONFIG_NAMES = ['drizzle.config.ts', 'drizzle.config.mts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.cjs'];

/** What this tool needs from `drizzle.config.ts`, with drizzle-kit's defaults filled in. */
export interface DrizzleConfig {
  readonly configPath: string;
  /** The directory of the config file: drizzle-kit's paths are relative to it. */
  readonly root: string;
  /** The database its `dialect` (or drizzle-kit 0.20's `driver`) names. */
  readonly database: ConfiguredDatabase;
  /** Absolute paths of the schema files the config's `schema` names (paths or globs): what drizzle-kit loads. */
  readonly schemaFiles: readonly string[];
  /**
   * The schema files and the files they re-export by relative path (`export { users } from './users'`),
   * transitively: where the declarations drizzle-kit sees are written, for the reader and the editor.
   */
  readonly sourceFiles: readonly string[];
  /** Absolute path of the migrations folder (`out`, default `drizzle`). */
  readonly outDir: string;
  readonly casing: 'snake_case' | 'camelCase' | undefined;
  readonly breakpoints: boolean;
  readonly prefix: 'index' | 'timestamp' | 'supabase' | 'unix' | 'none';
  readonly schemaFilter: readonly string[] | undefined;
}

/**
 * Finds and loads the Drizzle config the way drizzle-kit does: `--config` or the default
 * file name in `cwd`, loaded as TypeScript without a build step. Only `postgresql` is
 * supported; anything else is `CONFIG_INVALID` naming the value.
 */
export async function loadDrizzleConfig(options: { cwd: string; configPath?: string | undefined }): Promise<DrizzleConfig> {
  const configPath = findConfig(options);
  const raw = await importConfig(configPath);
  const root = dirname(configPath);
  const invalid = (message: string, hint: string) => new OrmAiError('CONFIG_INVALID', `${configPath}: ${message}`, { hint });
  const database = configuredDatabase(raw, configPath);
  if (!database) {
    throw invalid(`dialect is ${JSON.stringify(raw.dialect)}`, 'Set dialect: "postgresql" (or the database the project runs), as drizzle-kit requires.');
  }
  const patterns = typeof raw.schema === 'string' ? [raw.schema] : Array.isArray(raw.schema) ? raw.schema : null;
  if (!patterns || patterns.some((pattern) => typeof pattern !== 'string')) {
    throw invalid('"schema" must be a path, a glob, or a list of them', 'Point schema at your schema file, e.g. schema: "./src/db/schema.ts".');
  }
  const schemaFiles = await resolveSchemaFiles(root, patterns as string[]);
  if (schemaFiles.length === 0) {
    throw invalid(`"schema" (${patterns.join(', ')}) matches no .ts or .js file`, 'Check the path relative to the config file.');
  }
  const migrations = (raw.migrations ?? {}) as { prefix?: DrizzleConfig['prefix'] };
  return {
    configPath,
    root,
    database,
    schemaFiles,
    sourceFiles: await withReexportedFiles(schemaFiles),
    outDir: resolve(root, typeof raw.out === 'string' ? raw.out : 'drizzle'),
    casing: raw.casing === 'snake_case' || raw.casing === 'camelCase' ? raw.casing : undefined,
    breakpoints: raw.breakpoints !== false,
    prefix: migrations.prefix ?? 'index',
    schemaFilter: typeof raw.schemaFilter === 'string' ? [raw.schemaFilter] : (raw.schemaFilter as string[] | undefined),
  };
}

/** drizzle-kit's dialects, by the database they are. */
const DIALECTS: Readonly<Record<string, DialectName | null>> = {
  postgresql: 'postgresql',
  mysql: 'mysql',
  sqlite: 'sqlite',
  turso: 'sqlite',
  singlestore: null,
  gel: null,
};

/** drizzle-kit 0.20 had no `dialect`: its `driver` (and the `generate:pg` command) said the database. */
const LEGACY_DRIVERS: Readonly<Record<string, DialectName>> = { pg: 'postgresql', mysql2: 'mysql', 'better-sqlite': 'sqlite', libsql: 'sqlite', turso: 'sqlite', d1: 'sqlite' };

/** The database the config names; null when it names none drizzle-kit knows. */
function configuredDatabase(raw: Record<string, unknown>, file: string): ConfiguredDatabase | null {
  if (typeof raw.dialect === 'string' && raw.dialect in DIALECTS) return { dialect: DIALECTS[raw.dialect]!, setting: `dialect: ${JSON.stringify(raw.dialect)}`, file };
  if (raw.dialect === undefined && typeof raw.driver === 'string' && raw.driver in LEGACY_DRIVERS) {
    return { dialect: LEGACY_DRIVERS[raw.driver]!, setting: `driver: ${JSON.stringify(raw.driver)}`, file };
  }
  return null;
}

function findConfig(options: { cwd: string; configPath?: string | undefined }): string {
  if (options.configPath) {
    const path = isAbsolute(options.configPath) ? options.configPath : resolve(options.cwd, options.configPath);
    if (!existsSync(path)) throw new OrmAiError('CONFIG_NOT_FOUND', `config file ${path} does not exist`, { hint: 'Check the --config path.' });
    return path;
  }
  const found = DEFAULT_CONFIG_NAMES.map((name) => resolve(options.cwd, name)).find((path) => existsSync(path));
  if (!found) {
    throw new OrmAiError('CONFIG_NOT_FOUND', `no drizzle.config.ts in ${options.cwd}`, {
      hint: 'Run inside a Drizzle project (where drizzle-kit finds its config), or pass --config path/to/drizzle.config.ts.',
    });
  }
  return found;
}

async function importConfig(configPath: string): Promise<Record<string, unknown>> {
  let loaded: { default?: unknown };
  try {
    loaded = (await tsImport(pathToFileURL(configPath).href, import.meta.url)) as { default?: unknown };
  } catch (error) {
    throw new OrmAiError('CONFIG_INVALID', `${configPath} failed to load: ${describeError(error)}`, {
      hint: 'The config must load with plain Node and its imports must resolve; `drizzle-kit generate` fails the same way.',
      cause: error,
    });
  }
  // A CommonJS-compiled config nests the default export once more.
  let config = loaded.default;
  if (config && typeof config === 'object' && 'default' in config) config = (config as { default: unknown }).default;
  if (!config || typeof config !== 'object') {
    throw new OrmAiError('CONFIG_INVALID', `${configPath} has no default export`, { hint: 'Export the config: export default defineConfig({ ... }).' });
  }
  return config as Record<string, unknown>;
}

async function resolveSchemaFiles(root: string, patterns: readonly string[]): Promise<string[]> {
  const expanded = patterns.map((pattern) => {
    const absolute = resolve(root, pattern);
    // A folder means every schema file in it, as drizzle-kit reads it.
    return existsSync(absolute) && statSync(absolute).isDirectory() ? `${pattern.replace(/\/$/, '')}/**/*.{ts,mts,js,mjs}` : pattern;
  });
  const files = await glob(expanded, { cwd: root, absolute: true, ignore: ['**/node_modules/**', '**/*.d.ts'] });
  return files.sort();
}

/** `files` and every project file they re-export from by relative specifier, transitively, in reading order. */
export async function withReexportedFiles(files: readonly string[]): Promise<string[]> {
  const found = [...files];
  for (let index = 0; index < found.length; index += 1) {
    const file = found[index]!;
    const source = ts.createSourceFile(file, await readFile(file, 'utf8'), ts.ScriptTarget.Latest, false);
    for (const statement of source.statements) {
      if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const target = resolveRelativeSource(dirname(file), statement.moduleSpecifier.text);
      if (target !== undefined && !found.includes(target)) found.push(target);
    }
  }
  return found;
}

function resolveRelativeSource(directory: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(directory, specifier);
  // ESM TypeScript names the emitted `.js`; the source is the `.ts` beside it.
  const stem = base.replace(/\.(m?)js$/, '.$1ts');
  return [stem, `${base}.ts`, `${base}.mts`, `${base}/index.ts`].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}
