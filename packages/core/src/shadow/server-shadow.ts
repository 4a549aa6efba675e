import pg from 'pg';
import type { ShadowDatabase } from './shadow-database.js';
import { createShadowDatabases, databaseUrl, dropShadowDatabases, parseServerUrl, redact } from './server-databases.js';

/** Works in a fresh throwaway database on the server named by `url`, and drops it at close. */
export async function openServerShadow(url: string): Promise<ShadowDatabase> {
  const server = parseServerUrl(url);
  const [name] = await createShadowDatabases({ server, count: 1 });
  return ServerShadow.connect(server, name!);
}

class ServerShadow implements ShadowDatabase {
  #closed = false;

  private constructor(
    private readonly server: URL,
    private readonly name: string,
    private client: pg.Client,
  ) {}

  static async connect(server: URL, name: string): Promise<ServerShadow> {
    const client = new pg.Client({ connectionString: databaseUrl(server, name) });
    try {
      await client.connect();
    } catch (error) {
      await dropShadowDatabases({ server, names: [name] });
      throw error;
    }
    return new ServerShadow(server, name, client);
  }

  get description(): string {
    return redact(databaseUrl(this.server, this.name));
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
    let copy: string;
    try {
      [copy] = (await createShadowDatabases({ server: this.server, count: 1, template: this.name })) as [string];
    } finally {
      this.client = new pg.Client({ connectionString: databaseUrl(this.server, this.name) });
      await this.client.connect();
    }
    return ServerShadow.connect(this.server, copy);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.client.end().catch(() => undefined);
    await dropShadowDatabases({ server: this.server, names: [this.name] });
  }
}
