import { OrmAiError } from '@orm-ai/core';
import type { DataSource } from 'typeorm';
import { builderStatement, schemaBuilderQueries } from './builder-migration.js';
import type { LoadedDataSource } from './load-data-source.js';
import { migrationSqlById, type MigrationSql } from './migration-sql.js';
import { openShadowDataSource } from './shadow-data-source.js';

/** The existing migrations as SQL, and what the unedited entities still want after them. */
export interface MigrationHistory {
  readonly migrations: readonly MigrationSql[];
  /**
   * The statements TypeORM's schema builder would still run for the entities as they are,
   * after every existing migration: what `typeorm migration:generate` would write before any
   * change. Empty when the entities and the migrations agree, and when there is no migration
   * (that is `NO_MIGRATIONS`, or a baseline, not drift). A builder failure is kept here for
   * generate to throw, so reading the migrations alone (`check`) works as before.
   */
  readonly pending: readonly string[] | OrmAiError;
}

/**
 * Runs the existing migrations on a scratch embedded shadow, recording their SQL
 * (`migrationSqlById`), then asks TypeORM's builder what the unedited entities still want
 * there. The scratch DataSource already holds the entities as they are on disk, so the drift
 * check costs one builder log: no second shadow, no second replay.
 */
export async function replayMigrationHistory(loaded: LoadedDataSource, cacheDir?: string): Promise<MigrationHistory> {
  const scratch = await openShadowDataSource({ options: loaded.options, DataSourceClass: loaded.DataSourceClass, cacheDir });
  try {
    const migrations = await migrationSqlById({ dataSource: scratch.dataSource });
    return { migrations, pending: migrations.length === 0 ? [] : await pendingBuilderStatements(scratch.dataSource) };
  } finally {
    await scratch.dispose();
  }
}

async function pendingBuilderStatements(dataSource: DataSource): Promise<readonly string[] | OrmAiError> {
  try {
    return (await schemaBuilderQueries({ dataSource })).up.map(builderStatement);
  } catch (error) {
    if (error instanceof OrmAiError) return error;
    throw error;
  }
}
