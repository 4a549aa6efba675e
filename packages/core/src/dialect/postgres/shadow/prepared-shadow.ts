import { OrmAiError } from '../../../errors.js';
import type { MigrationScript, OrmCapabilities } from '../../../orm-plugin.js';
import { openShadowDatabase } from './open-shadow.js';
import { loadPgliteShadow, openPgliteShadow, type PgliteShadow } from './pglite-shadow.js';
import { longestCachedPrefix, prefixKeys, storeCachedShadow } from './prepared-shadow-cache.js';
import { replayMigrations } from '../../../shadow/replay-migrations.js';
import { postgresDialect } from '../postgres-dialect.js';
import type { PreparedShadowOptions, ShadowDatabase } from '../../../shadow/shadow-database.js';
import { lendShadow, takeWarmShadow } from './warm-shadows.js';

/**
 * A shadow holding every existing migration, replayed the way the ORM's migrator runs them.
 * The embedded shadow starts from the running shadow a daemon kept from its last run
 * (`warm-shadows.ts`), else from the cached data directory of the longest prefix of the
 * migrations it has seen; it replays only what follows, and caches the result.
 */
export async function openPreparedShadow(options: PreparedShadowOptions): Promise<ShadowDatabase> {
  const { scripts, transaction, cacheDir } = options;
  const sql = scripts.map((script) => script.sql);
  if (options.server || !cacheDir) {
    const shadow = await openShadowDatabase({ server: options.server, sql });
    return replayed(shadow, scripts, transaction);
  }
  const keys = prefixKeys(scripts, transaction);
  // A daemon's shadow from the last run, else the disk cache's longest prefix, else initdb.
  const warm = await takeWarmShadow(cacheDir, keys);
  if (warm) await warm.shadow.loadExtensionsFor(sql);
  const cached = warm ? null : await longestCachedPrefix(cacheDir, keys);
  const start = warm?.count ?? cached?.count ?? 0;
  const shadow: PgliteShadow = warm?.shadow ?? (cached ? await loadPgliteShadow(cached, sql) : await openPgliteShadow(sql, { cacheDir }));
  await replayed(shadow, scripts.slice(start), transaction);
  if (scripts.length > start) {
    // The cache only saves time: a folder that cannot be written costs the next run a replay, not this run.
    await storeCachedShadow(cacheDir, keys[scripts.length]!, { count: scripts.length, ...(await shadow.dumpState()) }).catch(() => undefined);
  }
  return lendShadow(shadow, { cacheDir, key: keys[scripts.length]!, count: scripts.length });
}

async function replayed<Shadow extends ShadowDatabase>(
  shadow: Shadow,
  scripts: readonly MigrationScript[],
  transaction: OrmCapabilities['migrationTransaction'],
): Promise<Shadow> {
  try {
    await replayMigrations({ dialect: postgresDialect, shadow, scripts, transaction });
    return shadow;
  } catch (error) {
    await shadow.close();
    throw asHistoryFailure(error);
  }
}

/**
 * A migration already in the project that fails on the shadow is the history's problem, which
 * no plan can repair: said so, so that neither the user nor a model is sent to change the plan.
 */
function asHistoryFailure(error: unknown): unknown {
  if (!(error instanceof OrmAiError) || error.code !== 'SHADOW_REJECTED_MIGRATION') return error;
  return new OrmAiError('SHADOW_REJECTED_MIGRATION', `an existing migration fails on the shadow, before anything of this run: ${error.message}`, {
    hint: 'Nothing was written, and no plan can fix this. Fix that migration (or give the shadow what it needs, e.g. --shadow-url with the extension it creates), then run again.',
    cause: error,
  });
}
