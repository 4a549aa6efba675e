import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { describeError, OrmAiError } from '../../errors.js';
import { parseShadowUrl, redact } from '../../shadow/shadow-database.js';
import { isShadowName, labelLiteral, newShadowName, parseShadowLabel, shadowName, STALE_SHADOW_AGE_MS } from '../../shadow/throwaway-names.js';

/**
 * The server side of a MySQL/MariaDB shadow: the URL's own account (the admin connection)
 * only creates and drops throwaway databases and accounts; everything a migration runs, runs
 * as the throwaway account, which holds `ALL` on its own database and nothing else. `ALL`
 * on `db.*` carries no GRANT OPTION and no global privilege (FILE, SUPER, PROCESS, CREATE
 * USER, SHUTDOWN), so `SELECT ... INTO OUTFILE`, `SET GLOBAL`, reading `mysql.user` or another
 * database fail with "access denied". Each account is named as its database,
 * `orm_ai_shadow_<12 hex>`, as on PostgreSQL.
 */
export interface ShadowAccount {
  /** The database, and the account's user name. */
  readonly name: string;
  readonly password: string;
  /** Connection options for the account, on its database. */
  readonly connection: mysql.ConnectionOptions;
  /** For reports: `mysql://127.0.0.1:3306/orm_ai_shadow_1a2b...`, no password. */
  readonly description: string;
}

/** Parses `--shadow-url` for a MySQL or MariaDB server; anything else is `SHADOW_URL_INVALID`, never echoing the password. */
export function parseMysqlServerUrl(url: string): URL {
  return parseShadowUrl(url, {
    protocols: ['mysql:', 'mariadb:'],
    scheme: 'mysql://',
    notAUrlHint: 'Use mysql://user:password@host:3306/database (its database is only used to create and drop shadows).',
    otherSchemeHint: 'A MySQL or MariaDB shadow needs mysql://user:password@host:3306/database.',
  });
}

/** The admin connection on the URL's own account. */
export async function connectAdmin(server: URL): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({ ...serverOptions(server), user: decodeURIComponent(server.username) || 'root', password: decodeURIComponent(server.password), database: server.pathname.slice(1) || undefined });
  } catch (error) {
    throw new OrmAiError('SHADOW_UNAVAILABLE', `the shadow server ${redact(server.toString())} refused the connection: ${describeError(error)}`, {
      hint: 'Check that the server runs and that the URL names an account that may CREATE DATABASE and CREATE USER.',
      cause: error,
    });
  }
}

/**
 * Creates a database and its account. MariaDB (10.5+) keeps the run's label as the database's
 * COMMENT, which `dropStaleMysqlShadows` reads; MySQL has no database comment, so its shadows
 * carry no label and are never removed as stale (they are dropped at close).
 */
export async function createShadowAccount(admin: mysql.Connection, server: URL): Promise<ShadowAccount> {
  const name = newShadowName();
  const password = randomBytes(18).toString('base64url');
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COMMENT ${labelLiteral()}`);
  } catch (error) {
    if (errno(error) !== ER_PARSE_ERROR) throw refused('create the shadow database', server, error);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`).catch((again: unknown) => Promise.reject(refused('create the shadow database', server, again)));
  }
  try {
    await admin.query(`CREATE USER '${name}'@'%' IDENTIFIED BY ${admin.escape(password)}`);
    // In GRANT, `_` in a database name is a wildcard: escaped, the grant covers this database alone.
    await admin.query(`GRANT ALL PRIVILEGES ON \`${name.replaceAll('_', '\\_')}\`.* TO '${name}'@'%'`);
  } catch (error) {
    await dropShadowAccount(admin, name);
    throw refused('create the shadow account', server, error);
  }
  const connection = { ...serverOptions(server), user: name, password, database: name };
  return { name, password, connection, description: `mysql://${server.host}/${name}` };
}

/** Drops the database and its account; failures are swallowed (the stale sweep tries again later). */
export async function dropShadowAccount(admin: mysql.Connection, name: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS \`${shadowName(name)}\``).catch(() => undefined);
  await admin.query(`DROP USER IF EXISTS '${shadowName(name)}'@'%'`).catch(() => undefined);
}

export interface StaleMysqlShadowsDropped {
  readonly databases: readonly string[];
  readonly accounts: readonly string[];
}

/**
 * Drops what killed runs left on a MariaDB server: `orm_ai_shadow_<12 hex>` databases whose
 * COMMENT label is older than an hour and that no session uses, and accounts of that name
 * with no database left and no session. Anything else is never touched. On MySQL (no
 * database comments) nothing is stale. Failures are skipped: this is housekeeping.
 */
export async function dropStaleMysqlShadows(admin: mysql.Connection, now: number = Date.now()): Promise<StaleMysqlShadowsDropped> {
  const databases: string[] = [];
  const accounts: string[] = [];
  try {
    const [schemas] = await admin.query<mysql.RowDataPacket[]>(STALE_DATABASES_SQL);
    for (const row of schemas as Array<{ name: string; comment: string; connected: number }>) {
      const label = isShadowName(row.name) ? parseShadowLabel(row.comment || null) : null;
      if (label === null || row.connected > 0 || now - Date.parse(label.created) <= STALE_SHADOW_AGE_MS) continue;
      await admin.query(`DROP DATABASE \`${shadowName(row.name)}\``);
      databases.push(row.name);
    }
    const [users] = await admin.query<mysql.RowDataPacket[]>(ORPHAN_ACCOUNTS_SQL);
    for (const row of users as Array<{ name: string }>) {
      if (!isShadowName(row.name)) continue;
      await admin.query(`DROP USER '${shadowName(row.name)}'@'%'`);
      accounts.push(row.name);
    }
  } catch {
    // MySQL lacks SCHEMA_COMMENT, or the account may not read mysql.user: nothing more to sweep.
  }
  return { databases, accounts };
}

const STALE_DATABASES_SQL = `
SELECT s.SCHEMA_NAME AS name, s.SCHEMA_COMMENT AS comment,
  (SELECT COUNT(*) FROM information_schema.PROCESSLIST p WHERE p.DB = s.SCHEMA_NAME OR p.USER = s.SCHEMA_NAME) AS connected
FROM information_schema.SCHEMATA s WHERE s.SCHEMA_NAME LIKE 'orm\\_ai\\_shadow\\_%'`;

// An account outlives its database only when a run died between the two DROPs (the database is made first).
const ORPHAN_ACCOUNTS_SQL = `
SELECT u.User AS name FROM mysql.user u
WHERE u.User LIKE 'orm\\_ai\\_shadow\\_%' AND u.Host = '%'
  AND NOT EXISTS (SELECT 1 FROM information_schema.SCHEMATA s WHERE s.SCHEMA_NAME = u.User)
  AND NOT EXISTS (SELECT 1 FROM information_schema.PROCESSLIST p WHERE p.USER = u.User)`;

const ER_PARSE_ERROR = 1064;

/** The server's error number (`ER_*`), or null for a failure that is not the server's. */
export function errno(error: unknown): number | null {
  const value = (error as { errno?: unknown } | null)?.errno;
  return typeof value === 'number' ? value : null;
}

function serverOptions(server: URL): mysql.ConnectionOptions {
  // Exact values for catalogs and row comparisons: dates and big numbers as the server's text.
  return { host: server.hostname, port: server.port === '' ? 3306 : Number(server.port), dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, decimalNumbers: false };
}

function refused(step: string, server: URL, error: unknown): OrmAiError {
  return new OrmAiError('SHADOW_UNAVAILABLE', `could not ${step} on ${redact(server.toString())}: ${describeError(error)}`, {
    hint: 'The URL account needs CREATE, DROP and CREATE USER on the server (GRANT ALL ON *.* ... WITH GRANT OPTION, as root has).',
    cause: error,
  });
}
