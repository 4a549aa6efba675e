import type { MigrationScript, OrmCapabilities } from '../orm-plugin.js';
import { replayMigrations } from '../shadow/replay-migrations.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';

export interface ProveOptions {
  /** A shadow holding every existing migration; it is left as it was. */
  readonly prepared: ShadowDatabase;
  readonly migrationId: string;
  readonly statements: readonly string[];
  readonly transaction: OrmCapabilities['migrationTransaction'];
}

/**
 * Applies the new migration on the prepared shadow, isolated (`ShadowDatabase.isolated`),
 * the way the ORM's migrator will. Throws `SHADOW_REJECTED_MIGRATION` with the statement
 * and the database's error.
 */
export async function proveOnShadow(options: ProveOptions): Promise<void> {
  const script: MigrationScript = { id: options.migrationId, path: `${options.migrationId} (new)`, sql: options.statements.join('\n') };
  await options.prepared.isolated({ sql: options.statements }, (shadow) => replayMigrations({ shadow, scripts: [script], transaction: options.transaction }));
}
