import { OrmAiError } from '@orm-ai/core';
import type { ErrorRegistry } from '@prisma/driver-adapter-utils';
import type { DiffParams, DiffTarget, MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { engineFailure } from './engine-errors.js';
import { withoutInstalledExtensions } from './extension-steps.js';
import { keepAliveWhile } from './load-engine.js';
import {
  headerWarnings,
  migrationListKey,
  NO_SCHEMA_FILTER,
  toMigrationList,
  toSchemaContainers,
  type PrismaMigrationSource,
  type PrismaSchemaFile,
} from './migration-list.js';
import type { CreatedMigration, DataLossReport, PrismaSchemaEngine } from './prisma-schema-engine.js';
import type { ShadowAdapterFactory } from './shadow-adapters.js';

/** Prisma's CLI slugifies `--name`; the engine takes it as the folder name's suffix. */
const MIGRATION_NAME = /^[A-Za-z0-9_-]{0,200}$/;

/** `PrismaSchemaEngine` over one engine instance and its two databases; made by `openPrismaSchemaEngine`. */
export class PrismaSchemaEngineSession implements PrismaSchemaEngine {
  #queue: Promise<unknown> = Promise.resolve();
  /** The migration list `devDiagnostic` last ran for, while the dev database has not changed since. */
  #diagnosed: string | null = null;
  #disposed = false;
  #panicked = false;

  private readonly engine: SchemaEngine;
  private readonly databases: ShadowAdapterFactory;
  private readonly errorRegistry: ErrorRegistry;

  constructor(parts: { engine: SchemaEngine; databases: ShadowAdapterFactory; errorRegistry: ErrorRegistry }) {
    this.engine = parts.engine;
    this.databases = parts.databases;
    this.errorRegistry = parts.errorRegistry;
  }

  get shadowDescription(): string {
    return this.databases.description;
  }

  diffFromEmpty(schema: readonly PrismaSchemaFile[]): Promise<string> {
    return this.#diff({ tag: 'empty' }, { tag: 'schemaDatamodel', files: toSchemaContainers(schema) });
  }

  diffSchemas(options: { from: readonly PrismaSchemaFile[]; to: readonly PrismaSchemaFile[] }): Promise<string> {
    return this.#diff({ tag: 'schemaDatamodel', files: toSchemaContainers(options.from) }, { tag: 'schemaDatamodel', files: toSchemaContainers(options.to) });
  }

  diffToMigrations(options: { from: readonly PrismaSchemaFile[]; migrations: readonly PrismaMigrationSource[] }): Promise<string> {
    return this.#diff({ tag: 'schemaDatamodel', files: toSchemaContainers(options.from) }, { tag: 'migrations', ...toMigrationList(options.migrations) }, options.migrations);
  }

  createMigration(options: { migrations: readonly PrismaMigrationSource[]; schema: readonly PrismaSchemaFile[]; name: string }): Promise<CreatedMigration> {
    return this.#call('create the migration', options.migrations, async () => {
      if (!MIGRATION_NAME.test(options.name)) {
        throw new OrmAiError('MIGRATION_GENERATE_FAILED', `migration name "${options.name}" is not a folder name Prisma would make`, {
          hint: 'Use at most 200 letters, digits, "_" or "-" (snake_case, as prisma migrate dev --name gives).',
        });
      }
      const migrationsList = await this.#prepare(options.migrations);
      const created = await this.engine.createMigration({
        migrationsList,
        schema: { files: toSchemaContainers(options.schema) },
        migrationName: options.name,
        // Not --create-only's draft: with no change the engine returns null, not an empty migration.
        draft: false,
        filters: NO_SCHEMA_FILTER,
      });
      // The dev database now holds what `migrations` build, extensions included.
      const sql = created.migrationScript === null ? null : withoutInstalledExtensions(created.migrationScript, await this.databases.installedExtensions());
      return { sql, warnings: sql === null ? [] : headerWarnings(sql), directoryName: created.generatedMigrationName };
    });
  }

  evaluateDataLoss(options: { migrations: readonly PrismaMigrationSource[]; schema: readonly PrismaSchemaFile[] }): Promise<DataLossReport> {
    return this.#call('evaluate data loss', options.migrations, async () => {
      const migrationsList = await this.#prepare(options.migrations);
      const result = await this.engine.evaluateDataLoss({ migrationsList, schema: { files: toSchemaContainers(options.schema) }, filters: NO_SCHEMA_FILTER });
      return {
        warnings: result.warnings.map((warning) => ({ message: warning.message })),
        unexecutable: result.unexecutableSteps.map((step) => ({ message: step.message })),
      };
    });
  }

  applyMigrations(options: { migrations: readonly PrismaMigrationSource[] }): Promise<{ applied: string[] }> {
    return this.#call('apply the migrations', options.migrations, async () => ({ applied: await this.#syncDevDatabase(toMigrationList(options.migrations)) }));
  }

  execute(sql: string): Promise<void> {
    return this.#call('run SQL on the dev database', [], () => this.databases.execute(sql));
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#queue;
    try {
      this.engine.free();
    } finally {
      await this.databases.dispose();
    }
  }

  /** `migrations`: those a target replays on the shadow, for naming the one that fails. */
  #diff(from: DiffTarget, to: DiffTarget, migrations: readonly PrismaMigrationSource[] = []): Promise<string> {
    return this.#call('diff the schemas', migrations, async () => {
      // Engines before 7.x (Prisma 6's) require `shadowDatabaseUrl`; later ones ignore it.
      const params: DiffParams & { shadowDatabaseUrl: null } = { from, to, shadowDatabaseUrl: null, script: true, exitCode: null, filters: NO_SCHEMA_FILTER };
      const result = await this.engine.diff(params);
      return result.stdout ?? '';
    });
  }

  /**
   * `createMigration` and `evaluateDataLoss` read the shadow's schema from a cache that only
   * `devDiagnostic` fills, and only for the migrations applied to the dev database: so the
   * dev database is brought up to `migrations` first, as a developer's database is when
   * they run `prisma migrate dev`.
   */
  async #prepare(migrations: readonly PrismaMigrationSource[]): Promise<MigrationList> {
    const migrationsList = toMigrationList(migrations);
    const key = migrationListKey(migrations);
    const applied = await this.#syncDevDatabase(migrationsList);
    if (applied.length === 0 && this.#diagnosed === key) return migrationsList;
    let diagnostic = await this.engine.devDiagnostic({ migrationsList, filters: NO_SCHEMA_FILTER });
    if (diagnostic.action.tag === 'reset') {
      // Drift on a throwaway database (SQL run through `execute`): start it over.
      await this.#resetDevDatabase();
      await this.engine.applyMigrations({ migrationsList, filters: NO_SCHEMA_FILTER });
      diagnostic = await this.engine.devDiagnostic({ migrationsList, filters: NO_SCHEMA_FILTER });
    }
    if (diagnostic.action.tag === 'reset') {
      throw new OrmAiError('MIGRATION_GENERATE_FAILED', `Prisma's schema engine asks for a reset of a freshly migrated database: ${diagnostic.action.reason}`, {
        hint: 'The migrations do not produce the schema they record; replay them with prisma migrate reset to see where.',
      });
    }
    this.#diagnosed = key;
    return migrationsList;
  }

  /** Applies what the dev database lacks; a history that is not a prefix of `migrationsList` is reset first. */
  async #syncDevDatabase(migrationsList: MigrationList): Promise<string[]> {
    const history = await this.engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_SCHEMA_FILTER });
    const follows =
      history.failedMigrationNames.length === 0 &&
      history.editedMigrationNames.length === 0 &&
      (history.history === null || history.history.diagnostic === 'databaseIsBehind');
    if (!follows) await this.#resetDevDatabase();
    const { appliedMigrationNames } = await this.engine.applyMigrations({ migrationsList, filters: NO_SCHEMA_FILTER });
    if (appliedMigrationNames.length > 0) this.#diagnosed = null;
    return appliedMigrationNames;
  }

  async #resetDevDatabase(): Promise<void> {
    this.#diagnosed = null;
    await this.engine.reset({ filter: NO_SCHEMA_FILTER });
  }

  /** Runs `work` after the calls before it (the engine takes one call at a time) and translates its errors. */
  #call<T>(action: string, migrations: readonly PrismaMigrationSource[], work: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#disposed) throw new OrmAiError('MIGRATION_GENERATE_FAILED', `cannot ${action}: the schema engine session was disposed`, { hint: 'Open a new one.' });
      if (this.#panicked) {
        throw new OrmAiError('MIGRATION_GENERATE_FAILED', `cannot ${action}: Prisma's schema engine panicked earlier in this process`, {
          hint: 'The WebAssembly engine is not usable after a panic: run the command again in a new process.',
        });
      }
      this.databases.failures.clear();
      try {
        await this.databases.resetSession();
        return await keepAliveWhile(work);
      } catch (error) {
        // A Rust panic surfaces as WebAssembly's RuntimeError; nothing may call the engine after it.
        if (error instanceof Error && error.name === 'RuntimeError') this.#panicked = true;
        throw engineFailure({ action, error, failure: this.databases.failures.last(), migrations, errorRegistry: this.errorRegistry });
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}
