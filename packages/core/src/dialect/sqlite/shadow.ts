import Database from 'better-sqlite3';
import { describeError, OrmAiError } from '../../errors.js';
import { parseSql, pragmaOf } from './parser.js';
import type { ForkOptions, ShadowDatabase } from '../../shadow/shadow-database.js';

/**
 * Opens an empty in-memory SQLite database as a shadow: a real SQLite (better-sqlite3's
 * bundled build), so what a migration does here is what it does in the user's file, in
 * about a millisecond. Foreign keys are enforced, as the ORMs' drivers have them: Prisma's
 * and TypeORM's turn them on at connect, and better-sqlite3 (Drizzle's usual driver) is
 * built with `SQLITE_DEFAULT_FOREIGN_KEYS=1`; SQLite's own default is off.
 *
 * @example
 * const shadow = openSqliteShadow();
 * await shadow.exec('CREATE TABLE t (id integer PRIMARY KEY)');
 * const copy = await shadow.fork(); // independent from here on
 */
export function openSqliteShadow(): SqliteShadow {
  return new SqliteShadow(connect(':memory:'));
}

/**
 * A shadow on one in-memory SQLite connection. Parameters are `?`, bound in order from the
 * array (better-sqlite3 refuses `?NNN` and `$1` with an array); booleans bind as 1 and 0, as
 * the ORMs store them.
 */
export class SqliteShadow implements ShadowDatabase {
  readonly description: string;
  #closed = false;
  #savepoints = 0;

  constructor(private readonly database: Database.Database) {
    this.description = `embedded SQLite ${sqliteVersion(database)}`;
  }

  async exec(sql: string): Promise<void> {
    this.database.exec(sql);
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const statement = this.database.prepare(sql);
    const values = params.map(bindable);
    if (statement.reader) return statement.all(...values) as Row[];
    statement.run(...values);
    return [];
  }

  /** A copy of the database as this connection sees it (`serialize()`), on a connection of its own. */
  async fork(): Promise<SqliteShadow> {
    return new SqliteShadow(connect(this.database.serialize()));
  }

  /**
   * Runs `work` inside a savepoint rolled back at the end, or on a fork where a savepoint
   * would not show what the migrator does: SQL that opens or ends transactions, sets a PRAGMA
   * (`PRAGMA foreign_keys=OFF` does nothing inside a transaction, which is exactly what a
   * table recreation relies on), runs VACUUM, or does not parse.
   */
  async isolated<T>(options: ForkOptions, work: (shadow: ShadowDatabase) => Promise<T>): Promise<T> {
    if (await needsOwnDatabase(options.sql ?? [])) {
      const copy = await this.fork();
      try {
        return await work(copy);
      } finally {
        await copy.close();
      }
    }
    const savepoint = `orm_ai_isolated_${(this.#savepoints += 1)}`;
    this.database.exec(`SAVEPOINT ${savepoint}`);
    try {
      return await work(new SavepointView(this, this.database));
    } finally {
      this.database.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.database.close();
  }
}

/**
 * The shadow as `work` sees it inside `isolated`'s savepoint: the transactions it opens with
 * the literal `BEGIN`, `COMMIT` and `ROLLBACK` become nested savepoints, since SQLite cannot
 * open a transaction inside one. A failed statement undoes only itself, as in autocommit:
 * SQLite keeps the enclosing transaction open.
 */
class SavepointView implements ShadowDatabase {
  readonly #open: string[] = [];
  #next = 0;

  constructor(
    private readonly shadow: SqliteShadow,
    private readonly database: Database.Database,
  ) {}

  get description(): string {
    return this.shadow.description;
  }

  async exec(sql: string): Promise<void> {
    switch (sql) {
      case 'BEGIN':
        this.#open.push(`orm_ai_view_${(this.#next += 1)}`);
        return this.shadow.exec(`SAVEPOINT ${this.#open.at(-1)!}`);
      case 'COMMIT':
        return this.shadow.exec(`RELEASE ${this.#closeInnermost()}`);
      case 'ROLLBACK': {
        const savepoint = this.#closeInnermost();
        return this.shadow.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
      }
      default:
        return this.shadow.exec(sql);
    }
  }

  query<Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.shadow.query<Row>(sql, params);
  }

  /** A copy of what the view holds now, uncommitted changes included (the connection reads its own). */
  async fork(): Promise<ShadowDatabase> {
    return new SqliteShadow(connect(this.database.serialize()));
  }

  isolated<T>(options: ForkOptions, work: (shadow: ShadowDatabase) => Promise<T>): Promise<T> {
    return this.shadow.isolated(options, work);
  }

  /** The view ends with `isolated`'s rollback, not here. */
  async close(): Promise<void> {}

  #closeInnermost(): string {
    const savepoint = this.#open.pop();
    if (savepoint === undefined) throw new Error('COMMIT or ROLLBACK with no transaction open on an isolated SQLite shadow');
    return savepoint;
  }
}

function connect(source: string | Buffer): Database.Database {
  let database: Database.Database;
  try {
    database = new Database(source);
  } catch (error) {
    throw new OrmAiError('SHADOW_UNAVAILABLE', `embedded SQLite could not open: ${describeError(error)}`, {
      hint: 'better-sqlite3 is a native module: reinstall it (`npm rebuild better-sqlite3`) for this Node.js version.',
      cause: error,
    });
  }
  // A connection setting, not stored in the file: every fork sets it again.
  database.pragma('foreign_keys = ON');
  return database;
}

function sqliteVersion(database: Database.Database): string {
  return (database.prepare('SELECT sqlite_version() AS version').get() as { version: string }).version;
}

function bindable(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value === undefined ? null : value;
}

async function needsOwnDatabase(sql: readonly string[]): Promise<boolean> {
  for (const script of sql) {
    const parsed = await parseSql(script);
    if (!parsed.ok) return true;
    if (parsed.statements.some((statement) => statement.kind === 'transaction' || (pragmaOf(statement)?.value ?? null) !== null || statement.tokens[0]?.text.toUpperCase() === 'VACUUM')) return true;
  }
  return false;
}
