import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describeError, OrmAiError } from '../errors.js';
import type { ShadowDatabase } from './shadow-database.js';

/** Every database this tool creates starts with this prefix, and it drops only those. */
export const SHADOW_DATABASE_PREFIX = 'orm_ai_shadow_';

/**
 * Creates a fresh database on the server named by `url` and works only inside it. The
 * URL's own database is used for nothing but `CREATE DATABASE` and `DROP DATABASE` of
 * databases this tool created: no other statement ever runs there.
 */
export async function openServerShadow(url: string): Promise<ShadowDatabase> {
  const serverUrl = parseServerUrl(url);
  const name = newShadowName();
  await withAdminClient(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  return ServerShadow.connect(serverUrl, name);
}

function newShadowName(): string {
  return `${SHADOW_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
}

function parseServerUrl(url: string): URL {
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

async function withAdminClient<T>(serverUrl: URL, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl.toString() });
  try {
    await client.connect();
  } catch (error) {
    throw new OrmAiError('SHADOW_UNAVAILABLE', `cannot connect to ${redact(serverUrl.toString())}: ${describeError(error)}`, {
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

function databaseUrl(serverUrl: URL, database: string): string {
  const url = new URL(serverUrl.toString());
  url.pathname = `/${database}`;
  return url.toString();
}

class ServerShadow implements ShadowDatabase {
  #closed = false;

  private constructor(
    private readonly serverUrl: URL,
    private readonly name: string,
    private client: pg.Client,
  ) {}

  static async connect(serverUrl: URL, name: string): Promise<ServerShadow> {
    const client = new pg.Client({ connectionString: databaseUrl(serverUrl, name) });
    await client.connect();
    return new ServerShadow(serverUrl, name, client);
  }

  get description(): string {
    return redact(databaseUrl(this.serverUrl, this.name));
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.client.query<Row>(sql, [...params]);
    return result.rows;
  }

  async fork(): Promise<ShadowDatabase> {
    // A template database must have no other connections while it is copied.
    await this.client.end();
    const copy = newShadowName();
    try {
      await withAdminClient(this.serverUrl, (admin) => admin.query(`CREATE DATABASE ${copy} TEMPLATE ${this.name}`));
    } finally {
      this.client = new pg.Client({ connectionString: databaseUrl(this.serverUrl, this.name) });
      await this.client.connect();
    }
    return ServerShadow.connect(this.serverUrl, copy);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.client.end().catch(() => undefined);
    // The name was made here from a fixed prefix and hex digits: safe to interpolate.
    await withAdminClient(this.serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`));
  }
}
