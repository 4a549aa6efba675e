import type { PgliteShadow } from './pglite-shadow.js';
import type { ForkOptions, ShadowDatabase } from '../../../shadow/shadow-database.js';

/**
 * The prepared shadow a daemon keeps between runs: the running PGlite, holding the project's
 * migrations, so the next run neither starts PostgreSQL nor loads a data directory (a load
 * alone is several times drizzle-kit's whole generate). One is kept, the latest: a daemon
 * serves one project, and a newer history replays on top of an older prefix.
 *
 * A run borrows it and gives it back on `close()`. It comes back only as it was lent: every
 * change a run makes goes through `isolated()` (rolled back, or on a fork), so a run that
 * ran SQL on it directly, or left a transaction open, closes it instead.
 *
 * Off (every `close()` closes) unless the process is a daemon (`keepShadowsWarm`).
 */
interface WarmShadow {
  readonly cacheDir: string;
  /** The prefix key (`prefixKeys`) of the state it holds, and how many migrations that is. */
  readonly key: string;
  readonly count: number;
  readonly shadow: PgliteShadow;
}

let kept: { entry: WarmShadow | undefined; reuses: number } | undefined;

/** From now on this process keeps its latest prepared shadow for the next run. */
export function keepShadowsWarm(): void {
  kept ??= { entry: undefined, reuses: 0 };
}

/** How many runs started from a kept shadow (the daemon's status). */
export function warmShadowReuses(): number {
  return kept?.reuses ?? 0;
}

/**
 * The kept shadow when it holds a prefix of `keys` (the state after `count` migrations) for
 * this cache folder; the caller replays the rest on it. Taken out: a run has it alone.
 */
export async function takeWarmShadow(cacheDir: string, keys: readonly string[]): Promise<{ shadow: PgliteShadow; count: number } | undefined> {
  const entry = kept?.entry;
  if (!kept || !entry) return undefined;
  kept.entry = undefined;
  if (entry.cacheDir !== cacheDir || keys[entry.count] !== entry.key) {
    await entry.shadow.close();
    return undefined;
  }
  kept.reuses += 1;
  return { shadow: entry.shadow, count: entry.count };
}

/** `shadow`, prepared to `key`, lent to one run: its `close()` keeps it for the next run when it is as it was lent. */
export function lendShadow(shadow: PgliteShadow, state: Omit<WarmShadow, 'shadow'>): ShadowDatabase {
  return kept ? new LentShadow(shadow, state) : shadow;
}

/** Closes the kept shadow (the daemon is stopping). */
export async function closeWarmShadows(): Promise<void> {
  const entry = kept?.entry;
  if (kept) kept.entry = undefined;
  await entry?.shadow.close();
}

/**
 * Wraps only a PgliteShadow, which has a single session: a run with `--shadow-url` never
 * reaches a daemon, so no server shadow is lent and there is no `openSession` to pass on.
 * `isolated()` hands `work` the wrapped shadow's own view or fork, with whatever it offers.
 */
class LentShadow implements ShadowDatabase {
  #changedDirectly = false;
  #returned = false;

  constructor(
    private readonly shadow: PgliteShadow,
    private readonly state: Omit<WarmShadow, 'shadow'>,
  ) {}

  get description(): string {
    return this.shadow.description;
  }

  async exec(sql: string): Promise<void> {
    this.#changedDirectly = true;
    await this.shadow.exec(sql);
  }

  query<Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    // The pipeline reads the prepared shadow through isolated() too: SQL run on it directly, read or not, is not what a lent shadow is for.
    this.#changedDirectly = true;
    return this.shadow.query<Row>(sql, params);
  }

  fork(options?: ForkOptions): Promise<ShadowDatabase> {
    return this.shadow.fork(options);
  }

  isolated<T>(options: ForkOptions, work: (shadow: ShadowDatabase) => Promise<T>): Promise<T> {
    return this.shadow.isolated(options, work);
  }

  async close(): Promise<void> {
    if (this.#returned) return;
    this.#returned = true;
    if (!kept || this.#changedDirectly || this.shadow.inTransaction()) {
      await this.shadow.close();
      return;
    }
    await kept.entry?.shadow.close();
    kept.entry = { ...this.state, shadow: this.shadow };
  }
}
