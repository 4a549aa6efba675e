import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { OrmAiError } from '@orm-ai/core';
import { ts } from 'ts-morph';
import { globFiles } from './schema-builder/glob-files.js';
import type { LoadedDataSource } from './schema-builder/load-data-source.js';
import { entityGlobsIn, importSpecifiers, resolveRelativeImport } from './typescript-imports.js';

/** Where `typeorm migration:generate -d` users most often keep the data source. */
const DEFAULT_DATA_SOURCES = ['src/data-source.ts', 'data-source.ts', 'src/data-source.js', 'data-source.js'];

/** The data source file: `-d`, else one of the usual places. */
export function findDataSourcePath(options: { cwd: string; dataSourcePath?: string | undefined }): string {
  if (options.dataSourcePath) {
    const path = isAbsolute(options.dataSourcePath) ? options.dataSourcePath : resolve(options.cwd, options.dataSourcePath);
    if (!existsSync(path)) throw new OrmAiError('CONFIG_NOT_FOUND', `data source file ${path} does not exist`, { hint: 'Check the -d/--dataSource path.' });
    return path;
  }
  const found = DEFAULT_DATA_SOURCES.map((name) => resolve(options.cwd, name)).find((path) => existsSync(path));
  if (!found) {
    throw new OrmAiError('CONFIG_NOT_FOUND', `no data source file in ${options.cwd} (looked for ${DEFAULT_DATA_SOURCES.join(', ')})`, {
      hint: 'Pass the file that exports your DataSource, as with typeorm migration:generate: -d src/data-source.ts',
    });
  }
  return found;
}

/** The project root: the nearest folder with a package.json above the data source. */
export function projectRootOf(dataSourcePath: string): string {
  let directory = dirname(dataSourcePath);
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return dirname(dataSourcePath);
    directory = parent;
  }
  return directory;
}

/**
 * The files that hold the project's entities: the data source's `entities` globs, and the
 * project files the data source imports (entity classes listed by reference). The reader
 * keeps the classes decorated with `@Entity`.
 */
export function entityFiles(options: { root: string; dataSourcePath: string }): string[] {
  const files = new Set<string>();
  for (const pattern of entityGlobsIn(ts.sys.readFile(options.dataSourcePath) ?? '')) {
    for (const file of globFiles({ pattern, cwd: options.root })) files.add(resolve(options.root, file));
  }
  const pending = [options.dataSourcePath];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file !== options.dataSourcePath) files.add(file);
    const content = ts.sys.readFile(file) ?? '';
    for (const specifier of importSpecifiers(content)) {
      const imported = resolveRelativeImport(dirname(file), specifier);
      if (imported && !imported.includes('node_modules')) pending.push(imported);
    }
  }
  return [...files].filter((file) => /\.(c|m)?ts$/.test(file)).sort();
}

/** The migrations folder from the loaded data source, or beside the data source as `migrations`. */
export function migrationsDirOf(loaded: Pick<LoadedDataSource, 'migrationsDir' | 'dataSourcePath'>): string {
  return loaded.migrationsDir ?? join(dirname(loaded.dataSourcePath), 'migrations');
}
