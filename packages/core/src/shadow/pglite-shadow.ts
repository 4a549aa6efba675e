import { PGlite, type PGliteInterface } from '@electric-sql/pglite';
import { confinePglite, setRoleSql } from './confined-role.js';
import type { ShadowDatabase } from './shadow-database.js';

/** Starts an in-memory PGlite, confined to a throwaway role: seconds, so callers start one per run and fork it. */
export async function openPgliteShadow(): Promise<ShadowDatabase> {
  const database = await PGlite.create();
  try {
    return new PgliteShadow(database, await confinePglite(database));
  } catch (error) {
    await database.close();
    throw error;
  }
}

class PgliteShadow implements ShadowDatabase {
  readonly description = 'embedded PGlite';
  #closed = false;

  constructor(
    private readonly database: PGliteInterface,
    private readonly role: string,
  ) {}

  async exec(sql: string): Promise<void> {
    await this.database.exec(sql);
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.database.query<Row>(sql, [...params]);
    return result.rows;
  }

  async fork(): Promise<ShadowDatabase> {
    // clone() copies the data directory in memory: far cheaper than a fresh start. It is a new
    // session, which starts as the superuser: confine it again.
    const copy = await this.database.clone();
    await copy.exec(setRoleSql(this.role));
    return new PgliteShadow(copy, this.role);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.database.close();
  }
}
