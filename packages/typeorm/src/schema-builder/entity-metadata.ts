import { describeError, OrmAiError } from '@orm-ai/core';
import type { DataSource, DataSourceOptions, EntityMetadata } from 'typeorm';
import type { LoadedDataSource } from './load-data-source.js';
import { pickModelOptions } from './shadow-data-source.js';

/** The entity metadata the project's own typeorm built, and the driver that normalizes its types. */
export interface BuiltMetadata {
  readonly metadatas: readonly EntityMetadata[];
  readonly driver: DataSource['driver'];
  /** The data source's naming strategy (EntityMetadata reaches it as `connection` in 0.3, `dataSource` in 1.x). */
  readonly namingStrategy: DataSource['namingStrategy'];
  /** `uuidExtension` of the data source: which function TypeORM's uuid columns default to. */
  readonly uuidExtension: string | undefined;
}

/**
 * A `pg` stand-in for the driver option: the metadata build never connects, so a pool that
 * is ever asked for a connection is a bug in this module, said loudly.
 */
const NO_CONNECTION = {
  Pool: class {
    connect(): never {
      throw new Error('typeorm-ai builds entity metadata without a database; nothing may connect here');
    }
  },
};

/**
 * Builds the entity metadata exactly as the project's typeorm does in `initialize()`
 * (`DataSource.buildMetadatas`: naming strategy, inheritance, embedded columns, globs,
 * `type: String`, relations and junction tables), with the project's DataSource class and
 * without connecting anywhere. `buildMetadatas` is public JavaScript in 0.3.x and 1.x,
 * protected only in the typings.
 *
 * Throws `SCHEMA_READ_FAILED` with TypeORM's own message (a missing column type, a relation
 * to an entity the data source does not list, ...).
 */
export async function buildEntityMetadata(loaded: LoadedDataSource): Promise<BuiltMetadata> {
  if (loaded.options.type !== 'postgres') {
    throw new OrmAiError('CONFIG_INVALID', `the data source's type is "${loaded.options.type}", not "postgres"`, {
      hint: 'typeorm-ai works with PostgreSQL data sources only. For a type read from the environment (process.env.DATABASE_TYPE), set that variable as your TypeORM CLI does.',
    });
  }
  const options = { ...pickModelOptions(loaded.options), driver: NO_CONNECTION } as DataSourceOptions;
  let dataSource: DataSource;
  try {
    dataSource = new loaded.DataSourceClass(options);
    await (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
  } catch (error) {
    throw new OrmAiError('SCHEMA_READ_FAILED', `TypeORM could not build the entity metadata of ${loaded.dataSourcePath}: ${describeError(error)}`, {
      hint: 'This is the error `typeorm migration:generate` would show for the same data source; fix the entity it names.',
      cause: error,
    });
  }
  const uuidExtension = (loaded.options as { uuidExtension?: string }).uuidExtension;
  return { metadatas: dataSource.entityMetadatas, driver: dataSource.driver, namingStrategy: dataSource.namingStrategy, uuidExtension };
}
