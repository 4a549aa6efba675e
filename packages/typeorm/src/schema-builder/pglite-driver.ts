import { EventEmitter } from 'node:events';
import type { PGliteInterface, Results } from '@electric-sql/pglite';
import { startFreshPglite, trustedPgliteExtensions } from '@orm-ai/core';

/**
 * A `pg`-shaped module (what TypeORM's `driver` option expects: a `Pool` class) bound to one
 * PGlite instance. typeorm-pglite's driver keeps one PGlite per process and closes it when any
 * DataSource using it is destroyed; this one gives every shadow its own instance, closed by
 * its owner, so concurrent sessions never see each other's tables.
 *
 * PGlite is a single connection: every "client" of the pool shares it, which is how
 * TypeORM's schema builder and migration runner use it anyway (one query runner at a time).
 */
export function pgModuleFor(database: PGliteInterface): { Pool: new () => EventEmitter } {
  const run = async (sql: string, parameters: unknown[] | undefined): Promise<PgResult> => {
    if (parameters && parameters.length > 0) return toPgResult(await database.query(sql, parameters));
    // exec accepts several statements in one string (migrations often do this); TypeORM
    // expects the result of the last one, as node-postgres returns.
    const results = await database.exec(sql);
    return toPgResult(results[results.length - 1]);
  };

  class PGliteClient extends EventEmitter {
    /**
     * node-postgres's two forms: a promise, or a callback as the last argument. TypeORM
     * 0.3's `PostgresDriver.executeQuery` (its connect-time extension checks) uses
     * `query(sql, callback)`; taking that callback for parameters crashed PGlite
     * (`e.map is not a function`) outside any promise TypeORM awaited.
     */
    query(sql: string, parameters?: unknown[] | PgCallback, callback?: PgCallback): Promise<PgResult> | undefined {
      const done = typeof parameters === 'function' ? parameters : callback;
      const result = run(sql, typeof parameters === 'function' ? undefined : parameters);
      if (done === undefined) return result;
      result.then((value) => done(null, value), (error: unknown) => done(error instanceof Error ? error : new Error(String(error)), undefined));
      return undefined;
    }
  }

  class PGlitePool extends EventEmitter {
    readonly #client = new PGliteClient();

    connect(callback: (error: Error | null, client: PGliteClient | null, release: () => void) => void): void {
      callback(null, this.#client, () => undefined);
    }

    query(sql: string, parameters?: unknown[] | PgCallback, callback?: PgCallback): Promise<PgResult> | undefined {
      return this.#client.query(sql, parameters, callback);
    }

    // The instance belongs to whoever created it: ending the pool leaves it open.
    end(callback?: (error: Error | null) => void): void {
      callback?.(null);
    }
  }

  return { Pool: PGlitePool };
}

type PgCallback = (error: Error | null, result: PgResult | undefined) => void;

interface PgResult {
  rows: unknown[];
  rowCount: number;
  fields: unknown[];
}

function toPgResult(result: Results | undefined): PgResult {
  if (!result) return { rows: [], rowCount: 0, fields: [] };
  return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length, fields: result.fields };
}

/**
 * A new, empty in-memory PGlite that can create every extension PGlite ships and a database
 * owner may create (`trustedPgliteExtensions`): TypeORM creates some itself on connecting
 * (uuid-ossp or pgcrypto for uuid columns, citext, hstore, ltree, cube), and the migrations it
 * runs are code whose SQL is not known before they run. It starts from initdb's data
 * directory as core keeps it (`startFreshPglite`): per process, and in `cacheDir` across runs.
 * Close it with `close()`.
 */
export async function startEmptyPGlite(cacheDir?: string): Promise<PGliteInterface> {
  return startFreshPglite({ extensions: await trustedPgliteExtensions(), cacheDir });
}
