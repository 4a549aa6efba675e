import pg from 'pg';
import { runIsolated } from '../../../shadow/isolated-shadow.js';
import type { ForkOptions, SecondSessions, ShadowDatabase, ShadowSession } from '../../../shadow/shadow-database.js';
import type { ShadowServer } from '../../../shadow/shadow-database.js';
import { redact } from '../../../shadow/shadow-database.js';
import { ThrowawayDatabases, type ThrowawayDatabase } from './server-databases.js';

/**
 * Works in a fresh throwaway database on the server, logged in as its throwaway role (see
 * `ThrowawayDatabases`); the database, its forks and the role are dropped at close.
 */
export async function openServerShadow(server: ShadowServer): Promise<ShadowDatabase> {
  const { family, databases } = await ThrowawayDatabases.openWith(server, 1);
  try {
    return await ServerShadow.connect(family, databases[0]!, { ownsFamily: true });
  } catch (error) {
    await family.close().catch(() => undefined);
    throw error;
  }
}

class ServerShadow implements ShadowDatabase, SecondSessions {
  #closed = false;

  private constructor(
    private readonly family: ThrowawayDatabases,
    private readonly database: ThrowawayDatabase,
    private client: pg.Client,
    /** The first shadow of a family drops the whole family (its forks and the role) at close. */
    private readonly ownsFamily: boolean,
  ) {}

  static async connect(family: ThrowawayDatabases, database: ThrowawayDatabase, options: { ownsFamily: boolean }): Promise<ServerShadow> {
    const client = new pg.Client({ connectionString: database.url });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await family.drop(database);
      throw error;
    }
    return new ServerShadow(family, database, client, options.ownsFamily);
  }

  get description(): string {
    return redact(this.database.url);
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
    let copy: ThrowawayDatabase;
    try {
      copy = await this.family.create({ template: this.database });
    } finally {
      this.client = new pg.Client({ connectionString: this.database.url });
      this.client.on('error', () => undefined);
      await this.client.connect();
    }
    return ServerShadow.connect(this.family, copy, { ownsFamily: false });
  }

  isolated<T>(options: ForkOptions, work: (shadow: ShadowDatabase) => Promise<T>): Promise<T> {
    return runIsolated(this, { sql: options.sql ?? [], fork: () => this.fork() }, work);
  }

  async openSession(): Promise<ShadowSession> {
    const client = new pg.Client({ connectionString: this.database.url });
    client.on('error', () => undefined);
    await client.connect();
    return {
      exec: async (sql) => {
        await client.query(sql);
      },
      query: async <Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) => (await client.query<Row>(sql, [...params])).rows,
      close: () => client.end().catch(() => undefined),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.client.end().catch(() => undefined);
    if (this.ownsFamily) await this.family.close();
    else await this.family.drop(this.database);
  }
}
