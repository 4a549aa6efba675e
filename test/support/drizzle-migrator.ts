import { startFreshPglite } from '@orm-ai/core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { createTestDatabase } from './postgres-server.js';

/**
 * A database that stands for the user's: migrations are applied to it by drizzle-orm's own
 * migrator, as `npm run migrate` would. PGlite, or a fresh database on the test server.
 */
export interface MigratorTarget {
  /** The connection URL of a server target; null for PGlite. */
  readonly url: string | null;
  query(sql: string, params?: readonly unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Runs a script of several statements, as `psql -f` would (a down file). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

type Migrate = (folder: string) => Promise<void>;
const migrators = new WeakMap<MigratorTarget, Migrate>();

export async function openMigratorTarget(url: string | undefined): Promise<MigratorTarget> {
  if (!url) {
    // As initdb leaves it: initdb runs once per process, later targets load its data directory.
    const client = await startFreshPglite();
    const db = drizzlePglite(client);
    const target: MigratorTarget = {
      url: null,
      query: async (sql, params) => (await client.query<Record<string, unknown>>(sql, params ? [...params] : undefined)).rows,
      exec: async (sql) => {
        await client.exec(sql);
      },
      close: () => client.close(),
    };
    migrators.set(target, (folder) => migratePglite(db, { migrationsFolder: folder }));
    return target;
  }
  const database = await createTestDatabase(url);
  // One connection, so session settings (a catalog snapshot's search_path) hold across queries.
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const db = drizzlePg(client);
  const target: MigratorTarget = {
    url: database.url,
    query: async (sql, params) => (await client.query(sql, params ? [...params] : undefined)).rows,
    exec: async (sql) => {
      await client.query(sql);
    },
    close: async () => {
      await client.end();
      await database.drop();
    },
  };
  migrators.set(target, (folder) => migratePg(db, { migrationsFolder: folder }));
  return target;
}

/** Runs drizzle-orm's migrator over a migrations folder (drizzle-kit's `out`). */
export async function applyWithDrizzleMigrator(target: MigratorTarget, folder: string): Promise<void> {
  await migrators.get(target)!(folder);
}

