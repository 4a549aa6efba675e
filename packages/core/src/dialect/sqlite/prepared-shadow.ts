import { replayMigrations } from '../../shadow/replay-migrations.js';
import type { PreparedShadowOptions, ShadowDatabase } from '../../shadow/shadow-database.js';
import type { Dialect } from '../dialect.js';
import { openSqliteShadow } from './shadow.js';

/**
 * A SQLite shadow holding the project's migrations, replayed as its ORM's migrator runs them
 * (drizzle-orm's: every pending migration inside one BEGIN). Replaying into memory takes
 * milliseconds, so nothing is cached between runs.
 */
export async function openPreparedSqliteShadow(dialect: Dialect, options: PreparedShadowOptions): Promise<ShadowDatabase> {
  const shadow = await openSqliteShadow();
  try {
    await replayMigrations({ dialect, shadow, scripts: options.scripts, transaction: options.transaction });
    return shadow;
  } catch (error) {
    await shadow.close();
    throw error;
  }
}
