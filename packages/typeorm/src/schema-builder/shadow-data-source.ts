import type { PGliteInterface } from '@electric-sql/pglite';
import { confinePglite, describeError, OrmAiError, redact, ThrowawayDatabases, type ShadowServer } from '@orm-ai/core';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { pgModuleFor, startEmptyPGlite } from './pglite-driver.js';

export interface OpenShadowDataSourceOptions {
  /** The user's DataSource options (from `loadDataSourceOptions`). Only the model-related ones are used. */
  readonly options: DataSourceOptions;
  /** A PostgreSQL server (`--shadow-url`); absent means embedded PGlite. */
  readonly shadowServer?: ShadowServer | undefined;
  /** The user's DataSource class, so the schema builder is the user's copy of typeorm. Default: ours. */
  readonly DataSourceClass?: new (options: DataSourceOptions) => DataSource;
  /** Where initdb's data directory is cached for the embedded shadow (`shadowCacheDir`). */
  readonly cacheDir?: string | undefined;
}

/** An initialized DataSource on a throwaway database. */
export interface ShadowDataSource {
  readonly dataSource: DataSource;
  /** For reports: `embedded PGlite` or the shadow's URL with the password hidden. */
  readonly description: string;
  /** Destroys the DataSource, then closes PGlite or drops the shadow database WITH (FORCE). Safe twice. */
  dispose(): Promise<void>;
}

/**
 * The options that shape the schema TypeORM builds or migrates. Everything else, above all
 * url/host/port/database/replication/extra, is left out: the shadow must never reach the
 * user's own database.
 */
const MODEL_OPTION_KEYS = [
  'entities',
  'migrations',
  'migrationsTableName',
  'migrationsTransactionMode',
  'metadataTableName',
  'namingStrategy',
  'entityPrefix',
  'entitySkipConstructor',
  'schema',
  'uuidExtension',
  'installExtensions',
] as const;

/**
 * Opens the user's model on a shadow: a fresh embedded PGlite by default, or a new throwaway
 * database on the server (`ThrowawayDatabases`); either way confined to a throwaway role, so
 * the migrations TypeORM runs there reach nothing else. The DataSource is initialized with
 * `synchronize: false`, `migrationsRun: false`, `dropSchema: false` and no logging, so nothing
 * runs until the caller asks. Only PostgreSQL data sources are supported.
 *
 * Throws `CONFIG_INVALID` for other database types, `SHADOW_URL_INVALID` for a bad URL and
 * `SHADOW_UNAVAILABLE` when the shadow cannot be created or connected.
 */
export async function openShadowDataSource(options: OpenShadowDataSourceOptions): Promise<ShadowDataSource> {
  if (options.options.type !== 'postgres') {
    throw new OrmAiError('CONFIG_INVALID', `the data source's type is "${options.options.type}", not "postgres"`, {
      hint: 'typeorm-ai generates migrations for PostgreSQL data sources only.',
    });
  }
  const modelOptions = pickModelOptions(options.options);
  const DataSourceClass = options.DataSourceClass ?? DataSource;
  return options.shadowServer === undefined
    ? openOnPGlite(modelOptions, DataSourceClass, options.cacheDir)
    : openOnServer(modelOptions, DataSourceClass, options.shadowServer);
}

/** The user's options that shape the model, with everything that could connect or run left out. */
export function pickModelOptions(options: DataSourceOptions): Record<string, unknown> {
  const picked: Record<string, unknown> = {
    type: 'postgres',
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    logging: false,
  };
  const source = options as unknown as Record<string, unknown>;
  for (const key of MODEL_OPTION_KEYS) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}

type DataSourceConstructor = new (options: DataSourceOptions) => DataSource;

async function openOnPGlite(modelOptions: Record<string, unknown>, DataSourceClass: DataSourceConstructor, cacheDir: string | undefined): Promise<ShadowDataSource> {
  let database: PGliteInterface;
  try {
    database = await startEmptyPGlite(cacheDir);
  } catch (error) {
    throw pgliteDidNotStart(error);
  }
  try {
    await confinePglite(database);
  } catch (error) {
    await database.close();
    throw pgliteDidNotStart(error);
  }
  const dataSource = new DataSourceClass({ ...modelOptions, driver: pgModuleFor(database) } as DataSourceOptions);
  const close = () => database.close();
  await initializeOrClose(dataSource, 'embedded PGlite', close);
  return withDispose(dataSource, 'embedded PGlite', close);
}

function pgliteDidNotStart(error: unknown): OrmAiError {
  return new OrmAiError('SHADOW_UNAVAILABLE', `the embedded PGlite shadow did not start: ${describeError(error)}`, {
    hint: 'Pass --shadow-url postgres://user@host:5432/postgres to use a throwaway database on a server instead.',
    cause: error,
  });
}

async function openOnServer(modelOptions: Record<string, unknown>, DataSourceClass: DataSourceConstructor, server: ShadowServer): Promise<ShadowDataSource> {
  const { family, databases } = await ThrowawayDatabases.openWith(server, 1);
  const { url } = databases[0]!;
  const description = redact(url);
  const drop = () => family.close();
  const dataSource = new DataSourceClass({ ...modelOptions, url } as DataSourceOptions);
  await initializeOrClose(dataSource, description, drop);
  return withDispose(dataSource, description, drop);
}

async function initializeOrClose(dataSource: DataSource, description: string, close: () => Promise<void>): Promise<void> {
  try {
    await dataSource.initialize();
  } catch (error) {
    await close().catch(() => undefined);
    throw new OrmAiError('SHADOW_UNAVAILABLE', `TypeORM could not open the shadow (${description}): ${describeError(error)}`, {
      hint: 'Check the entities and naming options of your data source; nothing was written.',
      cause: error,
    });
  }
}

function withDispose(dataSource: DataSource, description: string, close: () => Promise<void>): ShadowDataSource {
  let disposed: Promise<void> | undefined;
  return {
    dataSource,
    description,
    dispose() {
      disposed ??= (async () => {
        try {
          if (dataSource.isInitialized) await dataSource.destroy();
        } finally {
          await close();
        }
      })();
      return disposed;
    },
  };
}

