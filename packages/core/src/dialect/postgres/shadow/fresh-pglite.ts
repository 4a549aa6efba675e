import { PGlite, type Extensions } from '@electric-sql/pglite';
import { cachedInitdb, storeInitdb } from './prepared-shadow-cache.js';

/** What initdb left, dumped once per process: every later fresh PGlite loads it. */
let pristine: Promise<Blob | null> | undefined;

export interface FreshPgliteOptions {
  /** The contrib modules it loads (`pgliteExtensionsFor`); the data directory holds none, so one initdb serves every set. */
  readonly extensions?: Extensions | undefined;
  /** A cache folder (`shadowCacheDir`): initdb's result is kept there for later processes. */
  readonly cacheDir?: string | undefined;
}

/**
 * A PGlite just past initdb, as a superuser session. initdb costs 3-5 CPU s on these
 * machines and its result is the same for one PGlite version, so it runs once per process,
 * and with `cacheDir` once per cache folder: later starts load the data directory, about
 * half a second. The one home for this: core's shadow, TypeORM's builder shadow and Prisma's
 * engine databases all start here.
 */
export async function startFreshPglite(options: FreshPgliteOptions = {}): Promise<PGlite> {
  const { extensions = {}, cacheDir } = options;
  const known = await (pristine ?? (cacheDir ? (pristine = cachedInitdb(cacheDir).catch(() => null)) : null));
  if (known) {
    try {
      return await PGlite.create({ loadDataDir: known, extensions });
    } catch {
      // A dump that does not load is not trusted again: initdb, as if there were none.
      pristine = undefined;
    }
  }
  const database = await PGlite.create({ extensions });
  const dumped = database.dumpDataDir('none');
  pristine = dumped.catch(() => null);
  // The cache only saves time: a folder that cannot be written costs the next process an initdb.
  if (cacheDir) await dumped.then((dataDir) => storeInitdb(cacheDir, dataDir)).catch(() => undefined);
  else await pristine;
  return database;
}
