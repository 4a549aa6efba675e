import { PGlite, type Extensions, type PGliteInterface } from '@electric-sql/pglite';
import { confinePglite, setRoleSql } from './confined-role.js';
import { startFreshPglite } from './fresh-pglite.js';
import { runIsolated } from '../../../shadow/isolated-shadow.js';
import { pgliteExtensionsFor } from './pglite-extensions.js';
import type { ForkOptions, ShadowDatabase } from '../../../shadow/shadow-database.js';

/**
 * Starts an in-memory PGlite (`startFreshPglite`), confined to a throwaway role: seconds, so
 * callers start one per run. It loads the contrib modules of the extensions `sql` creates (see
 * `pgliteExtensionsFor`), and throws `SHADOW_EXTENSION_UNAVAILABLE` for one PGlite lacks.
 */
export async function openPgliteShadow(sql: readonly string[] = [], options: { cacheDir?: string | undefined } = {}): Promise<PgliteShadow> {
  const extensions = await pgliteExtensionsFor(sql);
  const database = await startFreshPglite({ extensions, cacheDir: options.cacheDir });
  try {
    return new PgliteShadow(database, await confinePglite(database), extensions);
  } catch (error) {
    await database.close();
    throw error;
  }
}

/**
 * Starts a PGlite from a data directory a shadow dumped (`PgliteShadow.dumpState`), acting as
 * the role that owns its objects. Loading one costs about half of a fresh start, and what it
 * holds needs no replay.
 */
export async function loadPgliteShadow(state: { dataDir: Blob; role: string }, sql: readonly string[] = []): Promise<PgliteShadow> {
  const extensions = await pgliteExtensionsFor(sql);
  const database = await PGlite.create({ loadDataDir: state.dataDir, extensions });
  try {
    await database.exec(setRoleSql(state.role));
    return new PgliteShadow(database, state.role, extensions);
  } catch (error) {
    await database.close();
    throw error;
  }
}

export class PgliteShadow implements ShadowDatabase {
  readonly description = 'embedded PGlite';
  #closed = false;

  constructor(
    private database: PGliteInterface,
    private readonly role: string,
    private extensions: Extensions,
  ) {}

  async exec(sql: string): Promise<void> {
    await this.database.exec(sql);
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.database.query<Row>(sql, [...params]);
    return result.rows;
  }

  async fork(options: ForkOptions = {}): Promise<ShadowDatabase> {
    await this.loadExtensionsFor(options.sql ?? []);
    // clone() copies the data directory in memory, modules included: far cheaper than a fresh
    // start. It is a new session, which starts as the superuser: confine it again.
    const copy = await this.database.clone();
    await copy.exec(setRoleSql(this.role));
    return new PgliteShadow(copy, this.role, this.extensions);
  }

  async isolated<T>(options: ForkOptions, work: (shadow: ShadowDatabase) => Promise<T>): Promise<T> {
    // A transaction cannot load a module either: the extensions move in first, as for a fork.
    await this.loadExtensionsFor(options.sql ?? []);
    return runIsolated(this, { sql: options.sql ?? [], fork: () => this.fork(options) }, work);
  }

  /** Whether a transaction block is open on it (one left open would leak into the next user of the shadow). */
  inTransaction(): boolean {
    return this.database.isInTransaction();
  }

  /** The data directory as it stands, and the role its objects belong to, for `loadPgliteShadow`. */
  async dumpState(): Promise<{ dataDir: Blob; role: string }> {
    return { dataDir: await this.database.dumpDataDir('gzip'), role: this.role };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.database.close();
  }

  /**
   * A running PGlite cannot load a module, so when `sql` (a new migration) creates an extension
   * this shadow did not load, this shadow moves to a new PGlite started from its own data
   * directory with the module added: the data directory holds no extension files, so it loads
   * with any superset. Every later fork is then a plain clone.
   */
  async loadExtensionsFor(sql: readonly string[]): Promise<void> {
    const missing = Object.entries(await pgliteExtensionsFor(sql)).filter(([module]) => !(module in this.extensions));
    if (missing.length === 0) return;
    const extensions = { ...this.extensions, ...Object.fromEntries(missing) };
    const moved = await PGlite.create({ loadDataDir: await this.database.dumpDataDir('none'), extensions });
    await moved.exec(setRoleSql(this.role));
    await this.database.close();
    [this.database, this.extensions] = [moved, extensions];
  }
}
