import { describeError, OrmAiError } from '@orm-ai/core';
import type { DataSource, Migration } from 'typeorm';
import { inlineParameters } from './migration-sql.js';

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
  return { up: log.upQueries.map(toBuilderQuery), down: log.downQueries.map(toBuilderQuery) };
}

/** A TypeORM `Query` as a plain builder query, parameters kept only when there are some. */
export function toBuilderQuery(query: { query: string; parameters?: unknown[] | undefined }): BuilderQuery {
  return query.parameters && query.parameters.length > 0 ? { query: query.query, parameters: [...query.parameters] } : { query: query.query };
}

/** A builder query as one SQL statement: parameters inlined, terminated. */
export function builderStatement(query: BuilderQuery): string {
  const sql = query.parameters ? inlineParameters(query.query, query.parameters) : query.query;
  return sql.trimEnd().endsWith(';') ? sql : `${sql};`;
}

export { migrationSqlById, type MigrationSql } from './migration-sql.js';
