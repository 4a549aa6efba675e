import type pg from 'pg';
import { openPgPool } from './pg-pool.js';
import { trialInTransaction, type ScriptTarget } from './script-runner.js';

/** A server database behind a pool that can be swapped for a fresh one (fresh sessions). */
export class ServerDatabase {
  #pool: pg.Pool;

  constructor(
    readonly url: string,
    private readonly poolOptions: { max?: number } = {},
  ) {
    this.#pool = openPgPool(url, poolOptions);
  }

  get pool(): pg.Pool {
    return this.#pool;
  }

  async renew(): Promise<void> {
    const old = this.#pool;
    this.#pool = openPgPool(this.url, this.poolOptions);
    await old.end();
  }

  end(): Promise<void> {
    return this.#pool.end();
  }
}

/** Runs scripts through the pool; tries statements one by one on one of its connections. */
export function serverTarget(database: ServerDatabase, description: string): ScriptTarget {
  return {
    description,
    // No parameters: pg sends a simple query, so the script runs as one implicit transaction.
    exec: (script) => database.pool.query(script).then(() => undefined),
    async trial(statements) {
      const client = await database.pool.connect();
      try {
        return await trialInTransaction((sql) => client.query(sql), statements);
      } finally {
        client.release();
      }
    },
  };
}
