import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describeError, OrmAiError } from '../errors.js';

/** Every database this tool creates starts with this prefix, and it drops only those. */
export const SHADOW_DATABASE_PREFIX = 'orm_ai_shadow_';

/**
 * The one home of throwaway databases on a real server, for every shadow the tool and the
 * ORMs' engines need. The URL's own database is used for nothing but `CREATE DATABASE`
 * and `DROP DATABASE` of databases made here: no other statement ever runs there.
 */

/** Parses `--shadow-url`; anything but a postgres:// URL is `SHADOW_URL_INVALID`, never echoing the password. */
export function parseServerUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new OrmAiError('SHADOW_URL_INVALID', `--shadow-url "${redact(url)}" is not a URL`, {
      hint: 'Use postgres://user:password@host:5432/database (the database is only used to create and drop the shadow).',
      cause: error,
    });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new OrmAiError('SHADOW_URL_INVALID', `--shadow-url "${redact(url)}" is not a postgres:// URL`, {
      hint: 'Only PostgreSQL servers can hold a shadow database.',
    });
  }
  return parsed;
}

/** The URL with its password hidden, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** The server URL pointed at another database on the same server. */
export function databaseUrl(server: URL, database: string): string {
  const url = new URL(server.toString());
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Creates `count` empty databases named `orm_ai_shadow_<hex>` (copies of `template` when
 * given, which must have no open connections). On failure drops those made and throws
 * `SHADOW_UNAVAILABLE`.
 */
export async function createShadowDatabases(options: { server: URL; count: number; template?: string }): Promise<string[]> {
  const created: string[] = [];
  try {
    await withAdminClient(options.server, async (admin) => {
      for (let index = 0; index < options.count; index += 1) {
        // Names are the fixed prefix and hex digits made here: safe to interpolate.
        const name = `${SHADOW_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
        await admin.query(`CREATE DATABASE ${name}${options.template ? ` TEMPLATE ${shadowName(options.template)}` : ''}`);
        created.push(name);
      }
    });
    return created;
  } catch (error) {
    await dropShadowDatabases({ server: options.server, names: created }).catch(() => undefined);
    if (error instanceof OrmAiError) throw error;
    throw new OrmAiError('SHADOW_UNAVAILABLE', `cannot create a shadow database on ${redact(options.server.toString())}: ${describeError(error)}`, {
      hint: 'The user in the URL needs the CREATEDB privilege; leave out --shadow-url to use the embedded PGlite shadow.',
      cause: error,
    });
  }
}

/** Drops shadow databases made by `createShadowDatabases`, closing their remaining connections. */
export async function dropShadowDatabases(options: { server: URL; names: readonly string[] }): Promise<void> {
  if (options.names.length === 0) return;
  await withAdminClient(options.server, async (admin) => {
    for (const name of options.names) await admin.query(`DROP DATABASE IF EXISTS ${shadowName(name)} WITH (FORCE)`);
  });
}

/** Refuses, as a last guard, to touch any database this module did not name. */
function shadowName(name: string): string {
  if (!/^orm_ai_shadow_[0-9a-f]{12}$/.test(name)) throw new OrmAiError('SHADOW_UNAVAILABLE', `refusing to touch "${name}": not a shadow database this tool made`);
  return name;
}

async function withAdminClient<T>(server: URL, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.toString() });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new OrmAiError('SHADOW_UNAVAILABLE', `cannot connect to ${redact(server.toString())}: ${describeError(error)}`, {
      hint: 'Check that the server is running and the URL is right, or leave out --shadow-url to use the embedded PGlite shadow.',
      cause: error,
    });
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
