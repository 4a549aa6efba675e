import { AsyncLocalStorage } from 'node:async_hooks';
import { describeError, OrmAiError } from '@orm-ai/core';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

/** The SQL one existing migration ran, for replaying migrations as text. */
export interface MigrationSql {
  /** The migration's name: its `name` property, else its class name (TypeORM's id for it). */
  readonly id: string;
  /** Its statements in order, each ending in `;`, separated by newlines (`a;\nb;`). */
  readonly sql: string;
}

/**
 * Runs every migration of the data source on this shadow, in TypeORM's order (by the
 * 13-digit timestamp ending each name), each in its own transaction unless the migration sets
 * `transaction = false`, and records the SQL each one sent. Pass a scratch shadow on which no
 * migration ran yet; it holds the migrated schema afterwards (TypeORM's migrations table is
 * not written).
 *
 * Recorded: every `queryRunner.query()` the migration makes, and the statements TypeORM's
 * query-runner API (`createTable`, `addColumn`, …) executes for it, but not the catalog reads
 * and transaction control that API does internally. Bind parameters are inlined as SQL
 * literals. Not reproducible as text: migrations whose statements depend on data they read
 * (the SQL of this run is recorded, not the logic).
 */
export async function migrationSqlById(options: { readonly dataSource: DataSource }): Promise<MigrationSql[]> {
  const { dataSource } = options;
  const recorded: MigrationSql[] = [];
  // Run before every migration, by TypeORM itself: they belong at the head of the first one.
  let pending = await extensionsFromConnect(dataSource);
  for (const migration of sortedMigrations(dataSource)) {
    const statements: string[] = [];
    const runner = dataSource.createQueryRunner();
    const useTransaction = (migration as { transaction?: boolean }).transaction !== false;
    try {
      if (useTransaction) await runner.startTransaction();
      await migration.up(recordingRunner(runner, statements));
      if (useTransaction) await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw new OrmAiError('SHADOW_REJECTED_MIGRATION', `migration ${nameOf(migration)} failed on the shadow: ${describeError(error)}`, {
        hint: 'Your existing migrations must run on an empty database; fix this one and retry.',
        cause: error,
      });
    } finally {
      await runner.release();
    }
    recorded.push({ id: nameOf(migration), sql: [...pending, ...statements].map((statement) => `${statement};`).join('\n') });
    pending = [];
  }
  return recorded;
}

/**
 * The extensions TypeORM's postgres driver created when the shadow connected (`afterConnect`
 * runs `CREATE EXTENSION IF NOT EXISTS "uuid-ossp"` when an entity has a generated uuid, and
 * likewise citext, hstore, ...). `typeorm migration:run` does the same before the first
 * migration, so a replay of the migrations as text needs them too. Read from the catalog of
 * the fresh shadow (nothing else ran there yet), so every typeorm version is covered.
 */
export async function extensionsFromConnect(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ extname: string }> = await dataSource.query(`SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY oid`);
  return rows.map((row) => `CREATE EXTENSION IF NOT EXISTS "${row.extname.replaceAll('"', '""')}"`);
}

function nameOf(migration: MigrationInterface): string {
  return migration.name ?? migration.constructor.name;
}

/** TypeORM's MigrationExecutor order: by the timestamp in the last 13 characters of the name. */
function sortedMigrations(dataSource: DataSource): MigrationInterface[] {
  return [...dataSource.migrations].sort((a, b) => timestampOf(a) - timestampOf(b));
}

function timestampOf(migration: MigrationInterface): number {
  const timestamp = Number.parseInt(nameOf(migration).slice(-13), 10);
  if (Number.isNaN(timestamp)) {
    throw new OrmAiError('CONFIG_INVALID', `migration ${nameOf(migration)} has no 13-digit timestamp at the end of its name`, {
      hint: 'TypeORM orders migrations by that timestamp: rename the class, e.g. AddUsers1700000000000.',
    });
  }
  return timestamp;
}

const insideRunnerMethod = new AsyncLocalStorage<true>();

const INTERNAL_STATEMENT = /^\s*(SELECT|SHOW|START\s+TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE\s+SAVEPOINT|SET\s+TRANSACTION)\b/i;

/**
 * The query runner as the migration sees it. A call that comes from the migration itself is
 * always recorded; a query the runner's own methods send is recorded unless it is a catalog
 * read or transaction control. AsyncLocalStorage, not a depth counter, tells them apart, so
 * migrations that run queries concurrently are recorded correctly too.
 */
function recordingRunner(runner: QueryRunner, statements: string[]): QueryRunner {
  return new Proxy(runner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return function (this: unknown, ...args: unknown[]) {
        const fromMigration = insideRunnerMethod.getStore() === undefined;
        if (property === 'query' && typeof args[0] === 'string' && (fromMigration || !INTERNAL_STATEMENT.test(args[0]))) {
          statements.push(inlineParameters(args[0].trim().replace(/;\s*$/, ''), Array.isArray(args[1]) ? args[1] : []));
        }
        return insideRunnerMethod.run(true, () => (value as (...a: unknown[]) => unknown).apply(this, args));
      };
    },
  });
}

/** Replaces `$1`… outside quotes with SQL literals, so the statement replays as plain text. */
export function inlineParameters(sql: string, parameters: readonly unknown[]): string {
  if (parameters.length === 0) return sql;
  let output = '';
  let quote: string | undefined;
  for (let index = 0; index < sql.length; index += 1) {
    const char = sql[index] ?? '';
    if (quote) {
      if (char === quote) quote = undefined;
      output += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      output += char;
    } else if (char === '$' && /\d/.test(sql[index + 1] ?? '')) {
      const digits = /^\d+/.exec(sql.slice(index + 1))?.[0] ?? '';
      output += toLiteral(parameters[Number(digits) - 1]);
      index += digits.length;
    } else output += char;
  }
  return output;
}

function toLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.replace(/'/g, "''")}'`;
}
