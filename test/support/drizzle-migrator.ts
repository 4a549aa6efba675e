import { PGlite } from '@electric-sql/pglite';
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
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

type Migrate = (folder: string) => Promise<void>;
const migrators = new WeakMap<MigratorTarget, Migrate>();

export async function openMigratorTarget(url: string | undefined): Promise<MigratorTarget> {
  if (!url) {
    const client = await PGlite.create();
    const db = drizzlePglite(client);
    const target: MigratorTarget = {
      url: null,
      query: async (sql) => (await client.query<Record<string, unknown>>(sql)).rows,
      close: () => client.close(),
    };
    migrators.set(target, (folder) => migratePglite(db, { migrationsFolder: folder }));
    return target;
  }
  const database = await createTestDatabase(url);
  const pool = new pg.Pool({ connectionString: database.url });
  const db = drizzlePg(pool);
  const target: MigratorTarget = {
    url: database.url,
    query: async (sql) => (await pool.query(sql)).rows,
    close: async () => {
      await pool.end();
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
