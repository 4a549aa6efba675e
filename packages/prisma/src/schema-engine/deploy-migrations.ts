import { redact } from '@orm-ai/core';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory, Debug, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { chooseSchemaEngine } from './choose-engine.js';
import { engineFailure } from './engine-errors.js';
import { keepAliveWhile, loadSchemaEngineWasm } from './load-engine.js';
import { NO_SCHEMA_FILTER, toMigrationList, type PrismaMigrationSource, type PrismaSchemaFile } from './migration-list.js';
import { openPgPool, parsePostgresUrl, withClient } from './pg-pool.js';
import { ScriptFailureLog, type ScriptTarget } from './script-runner.js';
import { ScriptRunningAdapter } from './script-running-adapter.js';

export interface DeployMigrationsOptions {
  /** The database to migrate: `postgres://user:password@host:5432/app`. */
  readonly url: string;
  /** Every migration of the project, oldest first; those already applied are skipped. */
  readonly migrations: readonly PrismaMigrationSource[];
  /** The schema files, for a multi-schema datasource's `schemas`; optional otherwise. */
  readonly schema?: readonly PrismaSchemaFile[];
  /** The project's folder, so its own Prisma's engine applies them (see `chooseSchemaEngine`); absent: the bundled engine. */
  readonly projectRoot?: string;
}

const debug = Debug('orm-ai:schema-engine:deploy');

/**
 * Applies the pending migrations to the database at `url`, as `prisma migrate deploy` does:
 * through Prisma's schema engine (WebAssembly, no binary) and `@prisma/adapter-pg`, each
 * `migration.sql` sent as one script and recorded in `_prisma_migrations`, under the
 * engine's advisory lock. Returns the names applied now (empty when none was pending).
 * It never creates a shadow database and, unlike the CLI, does not create a missing database.
 * A failing migration is `SHADOW_REJECTED_MIGRATION` naming it, the statement when the
 * database's error locates it, and the database error; it stays recorded as failed, as with
 * `prisma migrate deploy` (`prisma migrate resolve` clears it).
 *
 * @example
 * const { applied } = await deployMigrations({ url: process.env.DATABASE_URL!, migrations });
 */
export async function deployMigrations(options: DeployMigrationsOptions): Promise<{ applied: string[] }> {
  const url = parsePostgresUrl(options.url, 'the database URL').toString();
  // Fail on an unreachable server with our message, before the engine wraps it in its own.
  await withClient(url, async () => undefined);
  const wasm = await loadSchemaEngineWasm(chooseSchemaEngine(options.projectRoot).packageDir);
  // One connection, as the native engine's: the advisory lock is taken and released on it.
  const pool = openPgPool(url, { max: 1 });
  const failures = new ScriptFailureLog();
  // No trial run here: this is the user's database, and a failed statement is located only
  // from the position the error carries.
  const target: ScriptTarget = { description: `the database ${redact(url)}`, exec: (script) => pool.query(script).then(() => undefined) };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: async () => new ScriptRunningAdapter(await new PrismaPg(pool).connect(), { target, failures }),
    connectToShadowDb: () => Promise.reject(new Error('deployMigrations never creates a shadow database')),
  };
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(factory);
  try {
    const datamodels = options.schema?.length ? options.schema.map((file): [string, string] => [file.path, file.content]) : undefined;
    const engine = await keepAliveWhile(() => wasm.SchemaEngine.new({ datamodels }, (line: string) => debug(line), adapterFactory));
    try {
      const migrationsList = toMigrationList(options.migrations);
      const { appliedMigrationNames } = await keepAliveWhile(() => engine.applyMigrations({ migrationsList, filters: NO_SCHEMA_FILTER }));
      return { applied: appliedMigrationNames };
    } finally {
      engine.free();
    }
  } catch (error) {
    throw engineFailure({
      action: `apply the migrations to ${redact(url)}`,
      error,
      failure: failures.last(),
      migrations: options.migrations,
      errorRegistry: adapterFactory.errorRegistry,
      rejectedHint: 'The migration is recorded as failed in _prisma_migrations, as prisma migrate deploy leaves it: fix the database or the migration, then run prisma migrate resolve.',
    });
  } finally {
    await pool.end();
  }
}
