import type { Dialect } from '../dialect/dialect.js';
import { OrmAiError } from '../errors.js';
import type { FollowingMigration, OrmCapabilities } from '../orm-plugin.js';
import { rewriteSafely, type SafeMigrations } from '../safety/rewrite-safely.js';
import { ShadowCatalog } from '../safety/shadow-catalog.js';
import { diffCatalogSnapshots, takeCatalogSnapshot, type CatalogSnapshot } from '../shadow/catalog-snapshot.js';
import { replayMigrations } from '../shadow/replay-migrations.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';
import { migrationScripts } from './prove-migration.js';

export interface SafeMigrationsOptions {
  readonly dialect: Dialect;
  /** A shadow holding every existing migration; it is left as it was. */
  readonly prepared: ShadowDatabase;
  readonly migrationId: string;
  readonly up: readonly string[];
  readonly down: readonly string[];
  readonly capabilities: OrmCapabilities;
  readonly ormName: string;
}

/**
 * `--safe`: the migration rewritten into its safe forms (`rewriteSafely`), proved on the shadow
 * to end where the ORM's own migration ends: the catalog after the safe migrations is the
 * catalog after the ORM's, so the ORM's tool finds nothing left to generate. Throws
 * `SAFE_FORM_DIFFERS` with the differences otherwise, and `SHADOW_REJECTED_MIGRATION` when
 * either fails on the shadow.
 */
export async function safeMigrationsFor(options: SafeMigrationsOptions): Promise<SafeMigrations> {
  const { prepared, capabilities } = options;
  const safe = await rewriteSafely({
    dialect: options.dialect,
    up: options.up,
    down: options.down,
    outsideTransaction: capabilities.migrationOutsideTransaction,
    ormName: options.ormName,
    volatileFunctions: (functionNames) => prepared.isolated({ sql: [] }, (shadow) => new ShadowCatalog(shadow).volatileFunctions(functionNames)),
  });
  if (safe.rewritten.length === 0) return safe;
  const endOf = (statements: readonly string[], following: readonly FollowingMigration[]): Promise<CatalogSnapshot> => {
    const scripts = migrationScripts({ migrationId: options.migrationId, statements, following, direction: 'up' });
    return prepared.isolated({ sql: scripts.map((script) => script.sql) }, async (shadow) => {
      await replayMigrations({ dialect: options.dialect, shadow, scripts, transaction: capabilities.migrationTransaction });
      return takeCatalogSnapshot(shadow);
    });
  };
  const differences = diffCatalogSnapshots(await endOf(options.up, []), await endOf(safe.up, safe.following));
  if (differences.length > 0) {
    throw new OrmAiError('SAFE_FORM_DIFFERS', `the safe form of the migration does not end where the ORM's migration does:\n${differences.map((line) => `  ${line}`).join('\n')}`, {
      hint: 'Nothing was written. Run without --safe to write the ORM\'s migration as it is, and report this: a safe form is meant to change how, never what.',
    });
  }
  return safe;
}
