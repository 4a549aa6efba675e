import { randomBytes } from 'node:crypto';
import { describeError, OrmAiError, redact, SHADOW_DATABASE_PREFIX } from '@orm-ai/core';
import type pg from 'pg';
import { openPgPool, withClient } from './pg-pool.js';
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

/** Creates `count` databases named `orm_ai_shadow_<hex>`; on failure drops those made and throws `SHADOW_UNAVAILABLE`. */
export async function createDatabases(server: URL, count: number): Promise<string[]> {
  const created: string[] = [];
  try {
    await withClient(server.toString(), async (admin) => {
      for (let index = 0; index < count; index += 1) {
        // The name is made here from a fixed prefix and hex digits: safe to interpolate.
        const name = `${SHADOW_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
        await admin.query(`CREATE DATABASE ${name}`);
        created.push(name);
      }
    });
    return created;
  } catch (error) {
    await dropDatabases(server, created).catch(() => undefined);
    if (error instanceof OrmAiError) throw error;
    throw new OrmAiError('SHADOW_UNAVAILABLE', `cannot create a shadow database on ${redact(server.toString())}: ${describeError(error)}`, {
      hint: 'The user in the URL needs the CREATEDB privilege; leave the URL out to use the embedded PGlite shadow.',
      cause: error,
    });
  }
}

/** Drops the named databases, closing their remaining connections. */
export async function dropDatabases(server: URL, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await withClient(server.toString(), async (admin) => {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}
