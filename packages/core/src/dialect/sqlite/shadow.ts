import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { describeError, OrmAiError } from '../../errors.js';
import { parseSql, pragmaOf } from './parser.js';
import type { ForkOptions, ShadowDatabase } from '../../shadow/shadow-database.js';

/**
 * Opens an empty in-memory SQLite database as a shadow: a real SQLite (sql.js, SQLite
 * compiled to WebAssembly: nothing to compile on install), so what a migration does here is
 * what it does in the user's file, in about a millisecond. Foreign keys are enforced, as the
 * ORMs' drivers have them: Prisma's and TypeORM's turn them on at connect, and better-sqlite3
 * (Drizzle's usual driver) is built with `SQLITE_DEFAULT_FOREIGN_KEYS=1`; SQLite's own
 * default is off.
 *
 * @example
 * const shadow = await openSqliteShadow();
 * await shadow.exec('CREATE TABLE t (id integer PRIMARY KEY)');
 * const copy = await shadow.fork(); // independent from here on
 */
export async function openSqliteShadow(): Promise<SqliteShadow> {
  return new SqliteShadow(await connect());
}

/**
 * A shadow on one in-memory SQLite connection. Parameters are `?`, bound in order from the
 * array; booleans bind as 1 and 0, as the ORMs store them.
 */
export class SqliteShadow implements ShadowDatabase {
  readonly description: string;
  #closed = false;
  #savepoints = 0;
  /** Savepoints of `isolated` open now: a fork then copies by SQL, since `export()` would end them. */
  #openSavepoints = 0;

  constructor(private readonly database: Database) {
    this.description = `embedded SQLite ${sqliteVersion(database)}`;
  }

  async exec(sql: string): Promise<void> {
    this.database.exec(sql);
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return queryRows<Row>(this.database, sql, params);
  }

  /** A copy of the database as this connection sees it, uncommitted changes included, on a connection of its own. */
  async fork(): Promise<SqliteShadow> {
    if (this.#openSavepoints > 0) return new SqliteShadow(await copyBySql(this.database));
    // sql.js's export() closes and reopens the connection: the connection setting goes with it.
    const bytes = this.database.export();
    this.database.exec(FOREIGN_KEYS_ON);
    return new SqliteShadow(await connect(bytes));
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
    this.#openSavepoints += 1;
    try {
      return await work(new SavepointView(this));
    } finally {
      this.database.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
      this.#openSavepoints -= 1;
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

  constructor(private readonly shadow: SqliteShadow) {}

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
  fork(): Promise<ShadowDatabase> {
    return this.shadow.fork();
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

const FOREIGN_KEYS_ON = 'PRAGMA foreign_keys = ON';

let sqlJs: Promise<SqlJsStatic> | undefined;

async function connect(bytes?: Uint8Array): Promise<Database> {
  let database: Database;
  try {
    sqlJs ??= initSqlJs();
    const { Database: SqlJsDatabase } = await sqlJs;
    database = new SqlJsDatabase(bytes ?? null);
  } catch (error) {
    sqlJs = undefined;
    throw new OrmAiError('SHADOW_UNAVAILABLE', `embedded SQLite could not open: ${describeError(error)}`, {
      hint: 'sql.js loads SQLite as WebAssembly: reinstall the project\'s dependencies (`npm ci`) so that sql.js/dist/sql-wasm.wasm is present.',
      cause: error,
    });
  }
  // A connection setting, not stored in the file: every fork sets it again.
  database.exec(FOREIGN_KEYS_ON);
  return database;
}

function queryRows<Row extends Record<string, unknown>>(database: Database, sql: string, params: readonly unknown[]): Row[] {
  const statement = database.prepare(sql);
  try {
    statement.bind(params.map(bindable) as initSqlJs.BindParams);
    const rows: Row[] = [];
    while (statement.step()) rows.push(statement.getAsObject() as Row);
    return rows;
  } finally {
    statement.free();
  }
}

/**
 * A copy made by SQL, for a fork taken inside a savepoint, where `export()` would close the
 * connection and lose the savepoint: the schema's own statements (tables first, triggers
 * last so the copy fires none), then every table's rows with their rowids.
 */
async function copyBySql(source: Database): Promise<Database> {
  const copy = await connect();
  copy.exec('PRAGMA foreign_keys = OFF');
  const objects = queryRows<{ type: string; name: string; sql: string | null }>(source, "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_autoindex_%' ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid", []);
  const tables = objects.filter((object) => object.type === 'table');
  for (const table of tables) if (table.sql !== null && table.name !== 'sqlite_sequence') copy.exec(table.sql);
  for (const table of tables) copyRows(source, copy, table.name);
  for (const object of objects) if (object.type !== 'table' && object.sql !== null) copy.exec(object.sql);
  copy.exec(`PRAGMA user_version = ${Number(queryRows<{ user_version: number }>(source, 'PRAGMA user_version', [])[0]?.user_version ?? 0)}`);
  copy.exec(FOREIGN_KEYS_ON);
  return copy;
}

function copyRows(source: Database, copy: Database, table: string): void {
  const quoted = `"${table.replaceAll('"', '""')}"`;
  // Generated columns (hidden 2 and 3) are computed again; hidden 1 is a virtual table's.
  const columns = queryRows<{ name: string; hidden: number }>(source, 'SELECT name, hidden FROM pragma_table_xinfo(?)', [table]).filter((column) => column.hidden === 0);
  const withoutRowid = queryRows<{ wr: number }>(source, 'SELECT wr FROM pragma_table_list WHERE schema = ? AND name = ?', ['main', table])[0]?.wr === 1;
  const names = [...(withoutRowid || table === 'sqlite_sequence' ? [] : ['rowid']), ...columns.map((column) => `"${column.name.replaceAll('"', '""')}"`)];
  const insert = copy.prepare(`INSERT INTO ${quoted} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
  try {
    const read = source.prepare(`SELECT ${names.join(', ')} FROM ${quoted}`);
    try {
      while (read.step()) insert.run(read.get());
    } finally {
      read.free();
    }
  } finally {
    insert.free();
  }
}

function sqliteVersion(database: Database): string {
  return String(queryRows<{ version: string }>(database, 'SELECT sqlite_version() AS version', [])[0]?.version);
}

function bindable(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
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
