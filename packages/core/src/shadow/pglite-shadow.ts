import { PGlite, type PGliteInterface } from '@electric-sql/pglite';
import type { ShadowDatabase } from './shadow-database.js';

/** Starts an in-memory PGlite: seconds, so callers start one per run and fork it. */
export async function openPgliteShadow(): Promise<ShadowDatabase> {
  const database = await PGlite.create();
  return new PgliteShadow(database);
}

class PgliteShadow implements ShadowDatabase {
  readonly description = 'embedded PGlite';
  #closed = false;

  constructor(private readonly database: PGliteInterface) {}

  async exec(sql: string): Promise<void> {
    await this.database.exec(sql);
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.database.query<Row>(sql, [...params]);
    return result.rows;
  }

  async fork(): Promise<ShadowDatabase> {
    // clone() copies the data directory in memory: far cheaper than a fresh start.
    return new PgliteShadow(await this.database.clone());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.database.close();
  }
}
