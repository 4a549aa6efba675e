import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { ensurePostgresServer } from './postgres-server.js';

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
  await ensurePostgresServer(url);
  const name = `orm_ai_e2e_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const databaseUrl = new URL(url);
  databaseUrl.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: databaseUrl.toString() });
  const db = drizzlePg(pool);
  const target: MigratorTarget = {
    url: databaseUrl.toString(),
    query: async (sql) => (await pool.query(sql)).rows,
    close: async () => {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
  migrators.set(target, (folder) => migratePg(db, { migrationsFolder: folder }));
  return target;
}

/** Runs drizzle-orm's migrator over a migrations folder (drizzle-kit's `out`). */
export async function applyWithDrizzleMigrator(target: MigratorTarget, folder: string): Promise<void> {
  await migrators.get(target)!(folder);
}
