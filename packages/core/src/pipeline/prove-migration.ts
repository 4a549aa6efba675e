import type { Dialect } from '../dialect/dialect.js';
import type { FollowingMigration, MigrationScript, OrmCapabilities } from '../orm-plugin.js';
import { replayMigrations } from '../shadow/replay-migrations.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';

export interface ProveOptions {
  readonly dialect: Dialect;
  /** A shadow holding every existing migration; it is left as it was. */
  readonly prepared: ShadowDatabase;
  readonly migrationId: string;
  readonly statements: readonly string[];
  /** The migrations `--safe` adds after it, which run after it the same way. */
  readonly following?: readonly FollowingMigration[] | undefined;
  readonly transaction: OrmCapabilities['migrationTransaction'];
}

/**
 * Applies the new migration (and those `--safe` adds after it) on the prepared shadow,
 * isolated (`ShadowDatabase.isolated`), the way the ORM's migrator will. Throws
 * `SHADOW_REJECTED_MIGRATION` with the statement and the database's error.
 */
export async function proveOnShadow(options: ProveOptions): Promise<void> {
  const scripts = migrationScripts({ migrationId: options.migrationId, statements: options.statements, following: options.following, direction: 'up' });
  await options.prepared.isolated({ sql: scripts.map((script) => script.sql) }, (shadow) => replayMigrations({ dialect: options.dialect, shadow, scripts, transaction: options.transaction }));
}

/**
 * The new migration and those `--safe` adds after it as the migrator runs them: up in order;
 * down the last one's down first. One script per migration, so a migration of one statement
 * runs as Prisma's engine would run it (outside a transaction); an empty one is left out.
 */
export function migrationScripts(options: {
  readonly migrationId: string;
  readonly statements: readonly string[];
  readonly following?: readonly FollowingMigration[] | undefined;
  readonly direction: 'up' | 'down';
}): MigrationScript[] {
  const own = { id: options.migrationId, statements: options.statements };
  const after = (options.following ?? []).map((migration) => ({ id: `${options.migrationId}_${migration.suffix}`, statements: options.direction === 'up' ? migration.up : migration.down }));
  const ordered = options.direction === 'up' ? [own, ...after] : [...after.reverse(), own];
  return ordered
    .filter((migration) => migration.statements.length > 0)
    .map((migration) => ({ id: migration.id, path: `${migration.id} (${options.direction === 'up' ? 'new' : 'down'})`, sql: migration.statements.join('\n') }));
}
