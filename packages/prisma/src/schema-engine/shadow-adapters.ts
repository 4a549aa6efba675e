import type { Extensions, PGlite } from '@electric-sql/pglite';
import { confinePglite, pgliteExtensionsFor, redact, setRoleSql, startFreshPglite, ThrowawayDatabases, userSchemasOnly, type ShadowServer, type ThrowawayDatabase } from '@orm-ai/core';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { INSTALLED_EXTENSIONS_SQL, type InstalledExtension } from './extension-steps.js';
import { withCharColumns } from './pg-pool.js';
import { ServerDatabase, serverTarget } from './server-databases.js';
import { ScriptFailureLog, trialInTransaction, type ScriptTarget } from './script-runner.js';
import { ScriptRunningAdapter } from './script-running-adapter.js';
import { TypedErrorsAdapter } from './typed-driver-errors.js';

/**
 * The two throwaway databases one schema-engine session works on; never the user's.
 * - `connect()` gives the dev database, the one `prisma migrate dev` calls the development
 *   database: migrations are applied there and `evaluateDataLoss` counts its rows.
 * - `connectToShadowDb()` gives Prisma's shadow: ONE database, emptied before each hand-out,
 *   where the engine replays the migration history.
 */
export interface ShadowAdapterFactory {
  /** For messages: `embedded PGlite` or the redacted URL of the server. */
  readonly description: string;
  /** The factory to bind and give to `SchemaEngine.new`. */
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** The last migration script either database rejected (see `ScriptFailureLog`). */
  readonly failures: ScriptFailureLog;
  /** Runs SQL on the dev database, e.g. rows for `evaluateDataLoss` to count. */
  execute(sql: string): Promise<void>;
  /** The extensions of the dev database: those its migrations created (see `withoutInstalledExtensions`). */
  installedExtensions(): Promise<InstalledExtension[]>;
  /**
   * Gives the dev database's one session a clean state (no open transaction, default
   * settings, no advisory lock), as each run of Prisma's CLI starts with a new connection.
   */
  resetSession(): Promise<void>;
  /** Closes every connection and PGlite instance and drops the server databases. Safe to call twice. */
  dispose(): Promise<void>;
}

/** Empties a database: every schema but the system ones goes, an empty `public` comes back. */
const EMPTY_DATABASE_SQL = `DO $$
DECLARE
  schema_name text;
BEGIN
  FOR schema_name IN SELECT nspname FROM pg_namespace WHERE ${userSchemasOnly('nspname')} LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', schema_name);
  END LOOP;
  CREATE SCHEMA public;
END $$;`;

/** Hands out one shadow connection at a time and empties the database before each but the first. */
function shadowHandOut(options: { connect: (release: () => Promise<void>) => Promise<SqlDriverAdapter>; empty: () => Promise<void> }): () => Promise<SqlDriverAdapter> {
  let used = false;
  let inUse = false;
  const release = async () => {
    inUse = false;
  };
  return async () => {
    if (inUse) throw new Error('the schema engine asked for a second shadow database while one was in use');
    inUse = true;
    try {
      if (used) await options.empty();
      used = true;
      return await options.connect(release);
    } catch (error) {
      inUse = false;
      throw error;
    }
  };
}

/** A PGlite confined to a throwaway role (see `confinePglite`), and how to give a fresh session that role again. */
interface ConfinedPglite {
  readonly db: PGlite;
  readonly role: string;
}

async function newConfinedPglite(extensions: Extensions): Promise<ConfinedPglite> {
  const db = await startFreshPglite({ extensions });
  try {
    return { db, role: await confinePglite(db) };
  } catch (error) {
    await db.close();
    throw error;
  }
}

function pgliteTarget(db: PGlite, description: string): ScriptTarget {
  return {
    description,
    async exec(script) {
      try {
        await db.exec(script);
      } catch (error) {
        // A script with its own BEGIN leaves the one session in a failed transaction.
        await db.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    trial: (statements) => trialInTransaction((sql) => db.exec(sql), statements),
  };
}

/**
 * A migration may leave its session in a transaction or with settings changed (pg_dump's
 * `set_config('search_path', '', false)`): the next run must not inherit them.
 */
const CLEAN_SESSION_SQL = ['ROLLBACK', 'DISCARD ALL'];

async function cleanSession(exec: (sql: string) => Promise<unknown>): Promise<void> {
  // ROLLBACK outside a transaction is only a warning.
  for (const sql of CLEAN_SESSION_SQL) await exec(sql);
}

/** DISCARD ALL gives PGlite's one session back its superuser: confine it again. */
async function cleanPgliteSession({ db, role }: ConfinedPglite): Promise<void> {
  await cleanSession((sql) => db.exec(sql));
  await db.exec(setRoleSql(role));
}

/** Empties the one PGlite session as well as its database. */
async function emptyPglite(pglite: ConfinedPglite): Promise<void> {
  await cleanPgliteSession(pglite);
  await pglite.db.exec(EMPTY_DATABASE_SQL);
}

/**
 * Embedded PostgreSQL: two PGlite instances per session (dev and shadow), the shadow
 * reused and emptied between uses. `pglite-prisma-adapter`'s own `connectToShadowDb()`
 * starts a new PGlite per call and never closes it; this one never starts more than two.
 */
export async function pgliteShadowFactory(options: { sql?: readonly string[] | undefined } = {}): Promise<ShadowAdapterFactory> {
  // Both replay the project's migrations: each loads the extensions they create (see `pgliteExtensionsFor`).
  const extensions = await pgliteExtensionsFor(options.sql ?? []);
  const confinedDev = await newConfinedPglite(extensions);
  const confinedShadow = await newConfinedPglite(extensions).catch(async (error: unknown) => {
    await confinedDev.db.close();
    throw error;
  });
  const [dev, shadow] = [confinedDev.db, confinedShadow.db];
  const failures = new ScriptFailureLog();
  const devTarget = pgliteTarget(dev, 'the dev database (embedded PGlite)');
  const shadowTarget = pgliteTarget(shadow, "Prisma's shadow database (embedded PGlite)");
  const connect = async (db: PGlite, target: ScriptTarget, onDispose?: () => Promise<void>) =>
    new ScriptRunningAdapter(new TypedErrorsAdapter((await new PrismaPGlite(db).connect()) as SqlDriverAdapter), { target, failures, onDispose });
  let disposed = false;
  return {
    description: 'embedded PGlite',
    failures,
    adapterFactory: {
      provider: 'postgres',
      adapterName: 'pglite-prisma-adapter',
      connect: () => connect(dev, devTarget),
      connectToShadowDb: shadowHandOut({ connect: (release) => connect(shadow, shadowTarget, release), empty: () => emptyPglite(confinedShadow) }),
    },
    execute: (sql) => dev.exec(sql).then(() => undefined),
    installedExtensions: async () => (await dev.query<InstalledExtension>(INSTALLED_EXTENSIONS_SQL)).rows,
    resetSession: () => cleanPgliteSession(confinedDev),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all([dev.close(), shadow.close()]);
    },
  };
}

/**
 * A PostgreSQL server: two throwaway databases (dev and shadow) owned by one throwaway role
 * that every connection logs in as (`ThrowawayDatabases`); the engine works only inside them.
 * `@prisma/adapter-pg`'s own `connectToShadowDb()` is not used: given a URL naming a
 * database it connects its "shadow" to that very database.
 */
export async function serverShadowFactory(server: ShadowServer): Promise<ShadowAdapterFactory> {
  const { family, databases } = await ThrowawayDatabases.openWith(server, 2);
  const [devDatabase, shadowDatabase] = databases as [ThrowawayDatabase, ThrowawayDatabase];
  // One connection, as the engine's native one: session state and advisory locks stay on it.
  const dev = new ServerDatabase(devDatabase.url, { max: 1 });
  const shadow = new ServerDatabase(shadowDatabase.url);
  const failures = new ScriptFailureLog();
  const description = redact(dev.url);
  const devTarget = serverTarget(dev, `the dev database (${description})`);
  const shadowTarget = serverTarget(shadow, `Prisma's shadow database (${redact(shadow.url)})`);
  const connect = async (database: ServerDatabase, target: ScriptTarget, onDispose?: () => Promise<void>) =>
    new ScriptRunningAdapter(withCharColumns(await new PrismaPg(database.pool).connect()), { target, failures, onDispose });
  // New connections for each replay: a migration's settings must not reach the next one.
  const emptyShadow = async () => {
    await shadow.renew();
    await shadow.pool.query(EMPTY_DATABASE_SQL);
  };
  let disposed = false;
  return {
    description,
    failures,
    adapterFactory: {
      provider: 'postgres',
      adapterName: '@prisma/adapter-pg',
      connect: () => connect(dev, devTarget),
      connectToShadowDb: shadowHandOut({ connect: (release) => connect(shadow, shadowTarget, release), empty: emptyShadow }),
    },
    execute: (sql) => dev.pool.query(sql).then(() => undefined),
    installedExtensions: async () => (await dev.pool.query<InstalledExtension>(INSTALLED_EXTENSIONS_SQL)).rows,
    resetSession: () => cleanSession((sql) => dev.pool.query(sql)),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all([dev.end(), shadow.end()]);
      await family.close();
    },
  };
}
