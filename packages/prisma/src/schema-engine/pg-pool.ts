import { describeError, OrmAiError, redact } from '@orm-ai/core';
import { ColumnTypeEnum, type SqlDriverAdapter, type SqlResultSet } from '@prisma/driver-adapter-utils';
import pg from 'pg';

/** PostgreSQL's internal one-byte type `"char"`: `pg_class.relkind`, `pg_constraint.contype`, ... */
const CHAR_OID = 18;
const TEXT_OID = 25;

/**
 * `@prisma/adapter-pg` 7.10 maps column types by OID and has no entry for `"char"`, so the
 * schema engine's catalog queries fail with `Column type 'char' could not be deserialized`.
 * Its values are already strings in pg's text format, so the column is reported as `text`
 * for the adapter to read, and remembered (`charColumns`) so that `withCharColumns` hands
 * it to the engine as `Character`. One subclass covers both paths the adapter uses:
 * `pool.query` and a pool client.
 */
class CharAsTextClient extends pg.Client {
  // One rest signature stands for pg's overloads: (config), (text, values), (..., callback).
  override query(...args: any[]): any {
    const query = super.query as (...queryArgs: unknown[]) => unknown;
    const last = args.at(-1);
    if (typeof last === 'function') {
      const callback = last as (error: unknown, result: unknown) => void;
      return query.apply(this, [...args.slice(0, -1), (error: unknown, result: unknown) => callback(error, charAsText(result))]);
    }
    const result = query.apply(this, args);
    return result instanceof Promise ? result.then(charAsText) : result;
  }
}

/** Result rows (the array the adapter passes on as is) → the positions of their `"char"` columns. */
const charColumns = new WeakMap<object, number[]>();

function charAsText(result: unknown): unknown {
  // A multi-statement simple query answers with one result per statement.
  for (const one of Array.isArray(result) ? result : [result]) {
    const { fields, rows } = (one ?? {}) as { fields?: unknown; rows?: unknown };
    if (!Array.isArray(fields)) continue;
    const positions: number[] = [];
    (fields as Array<{ dataTypeID: number }>).forEach((field, position) => {
      if (field.dataTypeID !== CHAR_OID) return;
      field.dataTypeID = TEXT_OID;
      positions.push(position);
    });
    if (positions.length > 0 && typeof rows === 'object' && rows !== null) charColumns.set(rows, positions);
  }
  return result;
}

/**
 * The adapter with its `"char"` columns typed `Character` again, as `pglite-prisma-adapter`
 * types them: Prisma 6's catalog reader takes `pg_constraint.contype` only as a character
 * and panics (`as char failed`, WebAssembly `unreachable`) on text, which a CHECK
 * constraint in the migrations brings about.
 */
export function withCharColumns(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const queryRaw: SqlDriverAdapter['queryRaw'] = async (query) => characterColumns(await adapter.queryRaw(query));
  return new Proxy(adapter, {
    get(target, property) {
      if (property === 'queryRaw') return queryRaw;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function characterColumns(result: SqlResultSet): SqlResultSet {
  const positions = charColumns.get(result.rows);
  if (positions === undefined) return result;
  const columnTypes = [...result.columnTypes];
  for (const position of positions) columnTypes[position] = ColumnTypeEnum.Character;
  return { ...result, columnTypes };
}

/**
 * A pool whose results `@prisma/adapter-pg` can read (see `CharAsTextClient`); `max: 1`
 * makes it one session, as the engine's native connection is. Idle-client
 * errors (a server restart, a database dropped with FORCE) are absorbed instead of
 * crashing the process; the next query reports them.
 */
export function openPgPool(connectionString: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: options.max, Client: CharAsTextClient as unknown as new () => pg.ClientBase });
  pool.on('error', () => undefined);
  return pool;
}

/** Parses a `postgres://` URL, or throws `SHADOW_URL_INVALID` naming it with its password hidden. */
export function parsePostgresUrl(url: string, role: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new OrmAiError('SHADOW_URL_INVALID', `${role} "${redact(url)}" is not a URL`, {
      hint: 'Use postgres://user:password@host:5432/database.',
      cause: error,
    });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new OrmAiError('SHADOW_URL_INVALID', `${role} "${redact(url)}" is not a postgres:// URL`, {
      hint: "Prisma's schema engine runs here on PostgreSQL only.",
    });
  }
  return parsed;
}

/** Runs `work` on one client connected to `url`; a failed connection is `SHADOW_UNAVAILABLE`. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new OrmAiError('SHADOW_UNAVAILABLE', `cannot connect to ${redact(url)}: ${describeError(error)}`, {
      hint: 'Check that the server is running and the URL (user, password, database) is right.',
      cause: error,
    });
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
