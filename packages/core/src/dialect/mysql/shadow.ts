import mysql from 'mysql2/promise';
import { describeError, OrmAiError } from '../../errors.js';
import { copyShadowTables } from './copy-tables.js';
import { connectAdmin, createShadowAccount, dropShadowAccount, dropStaleMysqlShadows, errno, parseMysqlServerUrl, type ShadowAccount } from './server-accounts.js';
import { splitMysqlStatements } from './statement-splitter.js';
import type { ForkOptions, SecondSessions, ShadowDatabase, ShadowSession } from '../../shadow/shadow-database.js';

/**
 * Opens a shadow on a MySQL or MariaDB server (`--shadow-url mysql://...`): a throwaway
 * database `orm_ai_shadow_<random>` reached through a throwaway account confined to it (see
 * `server-accounts.ts`), both dropped at close. No embedded MySQL exists, so there is no
 * default: the user names the server. Stale shadows of killed runs are swept first.
 *
 * DDL is not transactional in MySQL (each statement commits), so nothing can be rolled
 * back: `fork()` and `isolated()` make a fresh database with the same tables and rows.
 *
 * @example
 * const shadow = await openMysqlShadow({ url: 'mysql://root@127.0.0.1:3306/mysql' });
 * await shadow.exec('CREATE TABLE t (id int PRIMARY KEY)');
 * await shadow.isolated({}, (copy) => copy.exec('ALTER TABLE t ADD c int')); // t unchanged here
 * await shadow.close();
 */
export async function openMysqlShadow(options: { readonly url: string }): Promise<MysqlShadow> {
  const server = parseMysqlServerUrl(options.url);
  const admin = await connectAdmin(server);
  try {
    await dropStaleMysqlShadows(admin);
    return await MysqlShadow.create(server, admin);
  } catch (error) {
    await admin.end().catch(() => undefined);
    throw error;
  }
}

export class MysqlShadow implements ShadowDatabase, SecondSessions {
  #closed = false;

  private constructor(
    private readonly server: URL,
    private readonly admin: mysql.Connection,
    readonly account: ShadowAccount,
    private readonly connection: mysql.Connection,
    /** `10.11.19-MariaDB-0+deb12u1`, `8.4.3`. */
    readonly serverVersion: string,
  ) {}

  /** A new database and account on the server, and a connection as that account. */
  static async create(server: URL, admin: mysql.Connection): Promise<MysqlShadow> {
    const account = await createShadowAccount(admin, server);
    let connection: mysql.Connection | undefined;
    try {
      connection = await connectAccount(account);
      const [[row]] = await connection.query<mysql.RowDataPacket[]>('SELECT VERSION() AS version');
      return new MysqlShadow(server, admin, account, connection, String(row!.version));
    } catch (error) {
      await connection?.end().catch(() => undefined);
      await dropShadowAccount(admin, account.name);
      throw error;
    }
  }

  get description(): string {
    return `${this.account.description} (${this.serverVersion})`;
  }

  /** The database's name on the server, `orm_ai_shadow_<12 hex>`. */
  get database(): string {
    return this.account.name;
  }

  /**
   * Runs a script statement by statement. When one fails, those before it have run and stay:
   * MySQL commits each DDL statement, so the error says the shadow is half-migrated and how far it got.
   */
  async exec(sql: string): Promise<void> {
    const statements = splitMysqlStatements(sql);
    for (const [index, statement] of statements.entries()) {
      try {
        await this.connection.query(statement.text);
      } catch (error) {
        const line = sql.slice(0, statement.start).split('\n').length;
        const state = index === 0 ? 'nothing before it ran' : `the ${index} statement(s) before it ran and stay: this shadow is half-migrated (MySQL DDL is not transactional)`;
        throw new OrmAiError('SHADOW_REJECTED_MIGRATION', `${this.account.description}: statement ${index + 1} of ${statements.length} (line ${line}) failed: ${describeError(error)}; ${state}`, {
          hint: 'Fix the statement; prove it again on a fresh shadow (fork() or isolated()), not on this one.',
          cause: error,
        });
      }
    }
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const [rows] = await this.connection.query(sql, [...params]);
    return Array.isArray(rows) ? (rows as Row[]) : [];
  }

  /** A new database on the same server with this one's tables and rows, and its own account. */
  async fork(_options?: ForkOptions): Promise<MysqlShadow> {
    // Each copy has an admin connection of its own, closed with it.
    const admin = await connectAdmin(this.server);
    const copy = await MysqlShadow.create(this.server, admin).catch(async (error: unknown) => {
      await admin.end().catch(() => undefined);
      throw error;
    });
    try {
      await copyShadowTables({ admin: copy.admin, from: this.database, to: copy.database, target: copy.connection });
      return copy;
    } catch (error) {
      await copy.close();
      throw error;
    }
  }

  /** `work` runs on a fork, dropped when it settles: there is no rolling DDL back in MySQL. */
  async isolated<T>(options: ForkOptions, work: (shadow: ShadowDatabase) => Promise<T>): Promise<T> {
    const copy = await this.fork(options);
    try {
      return await work(copy);
    } finally {
      await copy.close();
    }
  }

  /**
   * InnoDB's id of a table (MariaDB's `INNODB_SYS_TABLES`, MySQL 8's `INNODB_TABLES`), read
   * by the admin account (the shadow's account lacks the PROCESS privilege they need). A table
   * rebuilt by an ALTER gets a new id; null when the table is not InnoDB's. (On MariaDB 10.11
   * `information_schema.TABLES.CREATE_TIME` changes on a rebuild too, measured, and needs no
   * privilege, but counts whole seconds: a rebuild in the second the table was made is missed.)
   */
  async innodbTableId(table: string): Promise<string | null> {
    const name = `${this.database}/${table}`;
    for (const view of ['INNODB_SYS_TABLES', 'INNODB_TABLES']) {
      try {
        const [rows] = await this.admin.query<mysql.RowDataPacket[]>(`SELECT TABLE_ID AS id FROM information_schema.${view} WHERE NAME = ?`, [name]);
        return rows.length === 0 ? null : String(rows[0]!.id);
      } catch (error) {
        if (errno(error) !== ER_UNKNOWN_TABLE) throw error;
      }
    }
    return null;
  }

  /** Another connection as the shadow's account, on its database. */
  async openSession(): Promise<ShadowSession> {
    const connection = await connectAccount(this.account);
    return {
      exec: async (sql) => void (await connection.query(sql)),
      query: async <Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) => {
        const [rows] = await connection.query(sql, [...params]);
        return Array.isArray(rows) ? (rows as Row[]) : [];
      },
      close: () => connection.end().catch(() => undefined),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.connection.end().catch(() => undefined);
    await dropShadowAccount(this.admin, this.account.name);
    await this.admin.end().catch(() => undefined);
  }
}

/** `Unknown table 'X' in information_schema`: the other server's name for the view. */
const ER_UNKNOWN_TABLE = 1109;

async function connectAccount(account: ShadowAccount): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection(account.connection);
  } catch (error) {
    throw new OrmAiError('SHADOW_NOT_CONFINED', `the throwaway account ${account.name} could not log in to ${account.description}: ${describeError(error)}`, {
      hint: "An anonymous account (''@'localhost') shadows '%' accounts on some servers: drop it (DROP USER ''@'localhost') or use another server.",
      cause: error,
    });
  }
}
