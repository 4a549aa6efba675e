import { describeError, OrmAiError, type ShadowServer } from '@orm-ai/core';
import { bindMigrationAwareSqlAdapterFactory, Debug } from '@prisma/driver-adapter-utils';
import { chooseSchemaEngine } from './choose-engine.js';
import { engineFailure } from './engine-errors.js';
import { keepAliveWhile, loadSchemaEngineWasm } from './load-engine.js';
import type { PrismaMigrationSource, PrismaSchemaFile } from './migration-list.js';
import { PrismaSchemaEngineSession } from './schema-engine-session.js';
import { pgliteShadowFactory, serverShadowFactory, type ShadowAdapterFactory } from './shadow-adapters.js';

export { MIGRATION_LOCK_TOML, type PrismaMigrationSource, type PrismaSchemaFile } from './migration-list.js';

export interface OpenPrismaSchemaEngineOptions {
  /** The project's schema files (a `datasource` with `provider = "postgresql"`). */
  readonly schema: readonly PrismaSchemaFile[];
  /** A PostgreSQL server to hold the throwaway databases; absent: embedded PGlite. */
  readonly shadowServer?: ShadowServer | undefined;
  /** The project's folder: its own Prisma's engine runs (see `chooseSchemaEngine`); absent: the bundled engine. */
  readonly projectRoot?: string | undefined;
  /** The SQL the engine will replay (the migrations): embedded PGlite loads the extensions it creates. */
  readonly sql?: readonly string[] | undefined;
}

/** A migration as `prisma migrate dev --create-only` would write it. */
export interface CreatedMigration {
  /** The `migration.sql` text, byte for byte; null when the schema matches the migrations. */
  readonly sql: string | null;
  /** The warnings Prisma wrote at the top of `sql` (drops, required columns, ...), one per entry. */
  readonly warnings: string[];
  /** The folder name the engine chose: `<UTC timestamp>_<name>`. */
  readonly directoryName: string;
}

/** The engine's words on what the next migration would do to existing rows. */
export interface DataLossReport {
  /** `You are about to drop the column \`bio\` on the \`User\` table, which still contains 2 non-null values.` */
  readonly warnings: Array<{ message: string }>;
  /** Steps that cannot run on the rows there are: a required column without default on a non-empty table, ... */
  readonly unexecutable: Array<{ message: string }>;
}

/**
 * Prisma's schema engine (WebAssembly, no binary, no download) over two throwaway databases:
 * a dev database where migrations are applied and rows counted, and Prisma's shadow where
 * the history is replayed (see `ShadowAdapterFactory`). The user's database is never used.
 * Calls run one at a time. Failures are `OrmAiError`s: `SHADOW_REJECTED_MIGRATION` naming the
 * migration, statement and database error; `MIGRATION_GENERATE_FAILED` for the rest.
 */
export interface PrismaSchemaEngine {
  /** `embedded PGlite` or the redacted URL of the dev database on the server. */
  readonly shadowDescription: string;
  /** The SQL creating `schema` from an empty database, as `prisma migrate diff --from-empty --to-schema-datamodel --script`. */
  diffFromEmpty(schema: readonly PrismaSchemaFile[]): Promise<string>;
  /** The SQL from one datamodel to another, as `prisma migrate diff --script` (`-- This is an empty migration.` when equal). */
  diffSchemas(options: { from: readonly PrismaSchemaFile[]; to: readonly PrismaSchemaFile[] }): Promise<string>;
  /**
   * The SQL from a datamodel back to what `migrations` build, as
   * `prisma migrate diff --from-schema <schema> --to-migrations <dir> --script`: Prisma's
   * recipe for a down migration. The migrations are replayed on the shadow.
   */
  diffToMigrations(options: { from: readonly PrismaSchemaFile[]; migrations: readonly PrismaMigrationSource[] }): Promise<string>;
  /**
   * The next migration for `schema` after `migrations` (oldest first), in `prisma migrate dev`'s
   * order: the migrations are applied to the dev database, `devDiagnostic` replays them on the
   * shadow (skipped when this session already did for the same list), then `createMigration`.
   * `name` is used as given (Prisma's CLI slugifies `--name`). An extension the migrations
   * installed is not created again, as the native engine would not (see `withoutInstalledExtensions`).
   */
  createMigration(options: { migrations: readonly PrismaMigrationSource[]; schema: readonly PrismaSchemaFile[]; name: string }): Promise<CreatedMigration>;
  /** What the next migration would do to the rows of the dev database (empty unless `execute` put rows there). */
  evaluateDataLoss(options: { migrations: readonly PrismaMigrationSource[]; schema: readonly PrismaSchemaFile[] }): Promise<DataLossReport>;
  /** Applies the migrations to the dev database (recorded in its `_prisma_migrations`); returns those applied now. */
  applyMigrations(options: { migrations: readonly PrismaMigrationSource[] }): Promise<{ applied: string[] }>;
  /** Runs SQL on the dev database, e.g. rows for `evaluateDataLoss` to count. */
  execute(sql: string): Promise<void>;
  /** Frees the engine and closes or drops both databases. Safe to call twice. */
  dispose(): Promise<void>;
}

const debug = Debug('orm-ai:schema-engine');

/**
 * Opens a schema engine session. Close it with `dispose()`: it holds PGlite instances or
 * server connections and databases.
 *
 * @example
 * const engine = await openPrismaSchemaEngine({ schema: [{ path: 'prisma/schema.prisma', content }] });
 * try {
 *   const { sql } = await engine.createMigration({ migrations, schema, name: 'add_bio' });
 * } finally {
 *   await engine.dispose();
 * }
 */
export async function openPrismaSchemaEngine(options: OpenPrismaSchemaEngineOptions): Promise<PrismaSchemaEngine> {
  const wasm = await loadSchemaEngineWasm(chooseSchemaEngine(options.projectRoot).packageDir);
  const databases = options.shadowServer ? await serverShadowFactory(options.shadowServer) : await startPglite(options.sql);
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(databases.adapterFactory);
  try {
    const datamodels = options.schema.length > 0 ? options.schema.map((file): [string, string] => [file.path, file.content]) : undefined;
    const engine = await keepAliveWhile(() => wasm.SchemaEngine.new({ datamodels }, (line: string) => debug(line), adapterFactory));
    return new PrismaSchemaEngineSession({ engine, databases, errorRegistry: adapterFactory.errorRegistry });
  } catch (error) {
    await databases.dispose();
    throw engineFailure({ action: 'start', error, failure: databases.failures.last(), migrations: [], errorRegistry: adapterFactory.errorRegistry });
  }
}

async function startPglite(sql: readonly string[] | undefined): Promise<ShadowAdapterFactory> {
  try {
    return await pgliteShadowFactory({ sql });
  } catch (error) {
    if (error instanceof OrmAiError) throw error;
    throw new OrmAiError('SHADOW_UNAVAILABLE', `the embedded PGlite shadow did not start: ${describeError(error)}`, {
      hint: 'Pass a shadow database URL (postgres://...) to use a PostgreSQL server instead.',
      cause: error,
    });
  }
}
