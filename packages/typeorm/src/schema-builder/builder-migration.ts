import { describeError, OrmAiError } from '@orm-ai/core';
import type { DataSource, Migration } from 'typeorm';

/** One statement as TypeORM's schema builder logs it. */
export interface BuilderQuery {
  readonly query: string;
  /** Present only when the statement has bind parameters (`$1`…). */
  readonly parameters?: unknown[];
}

/** What `migration:generate` would write: `down` in the builder's order, not yet reversed. */
export interface BuilderQueries {
  readonly up: BuilderQuery[];
  readonly down: BuilderQuery[];
}

export interface ShadowOperationOptions {
  /** An initialized shadow DataSource (from `openShadowDataSource`), never the user's. */
  readonly dataSource: DataSource;
}

export interface RunExistingMigrationsOptions extends ShadowOperationOptions {
  /** Default: the data source's `migrationsTransactionMode`, else TypeORM's default `all`. */
  readonly transaction?: 'all' | 'each' | 'none';
}

/**
 * Runs the user's existing migrations on the shadow with TypeORM's own migration runner and
 * returns the names of those it ran, in order. A failing migration throws
 * `SHADOW_REJECTED_MIGRATION` with the database's error.
 */
export async function runExistingMigrations(options: RunExistingMigrationsOptions): Promise<string[]> {
  const { dataSource } = options;
  const transaction = options.transaction ?? dataSource.options.migrationsTransactionMode ?? 'all';
  try {
    const ran = await dataSource.runMigrations({ transaction });
    return ran.map((migration: Migration) => migration.name);
  } catch (error) {
    throw new OrmAiError('SHADOW_REJECTED_MIGRATION', `an existing migration failed on the shadow: ${describeError(error)}`, {
      hint: 'Your existing migrations must run on an empty database; fix the failing one (its SQL is quoted above) and retry.',
      cause: error,
    });
  }
}

export interface ExecuteSqlOptions extends ShadowOperationOptions {
  /** Statements run in order inside one transaction, e.g. planned `ALTER TABLE … RENAME COLUMN`. */
  readonly statements: readonly string[];
}

/**
 * Runs SQL on the shadow in one transaction, so that the schema builder diffs from the
 * state after them: applying a planned rename first is how a rename comes out as a rename
 * instead of DROP + ADD. Throws `SHADOW_REJECTED_MIGRATION` naming the failing statement.
 */
export async function executeSql(options: ExecuteSqlOptions): Promise<void> {
  const runner = options.dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    for (const statement of options.statements) {
      try {
        await runner.query(statement);
      } catch (error) {
        throw new OrmAiError('SHADOW_REJECTED_MIGRATION', `the shadow rejected\n  ${statement}\nwith: ${describeError(error)}`, {
          hint: 'The planned statement does not fit the schema your migrations build; fix the plan.',
          cause: error,
        });
      }
    }
    await runner.commitTransaction();
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}

/**
 * The statements TypeORM's schema builder would run to bring the shadow to the entities:
 * exactly what `typeorm migration:generate` puts in a migration, from
 * `driver.createSchemaBuilder().log()`. The shadow is not changed. Empty `up` means the
 * entities match the shadow.
 */
export async function schemaBuilderQueries(options: ShadowOperationOptions): Promise<BuilderQueries> {
  let log;
  try {
    log = await options.dataSource.driver.createSchemaBuilder().log();
  } catch (error) {
    throw new OrmAiError('MIGRATION_GENERATE_FAILED', `TypeORM's schema builder failed on the shadow: ${describeError(error)}`, {
      hint: 'Check the entity definitions the error names; nothing was written.',
      cause: error,
    });
  }
  const toQuery = (query: { query: string; parameters?: unknown[] | undefined }): BuilderQuery =>
    query.parameters && query.parameters.length > 0 ? { query: query.query, parameters: [...query.parameters] } : { query: query.query };
  return { up: log.upQueries.map(toQuery), down: log.downQueries.map(toQuery) };
}

export { migrationSqlById, type MigrationSql } from './migration-sql.js';
