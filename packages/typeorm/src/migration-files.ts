import { join } from 'node:path';
import { OrmAiError, type FileChange, type FollowingMigration, type MigrationSql } from '@orm-ai/core';
import type { BuilderQuery } from './schema-builder/builder-migration.js';
import { renderMigrationFile } from './schema-builder/migration-file.js';

/** How TypeORM's runner runs pending migrations: the data source's `migrationsTransactionMode`. */
export type MigrationsTransactionMode = 'all' | 'each' | 'none';

export interface MigrationFilesOptions {
  /** The migration's PascalCase name (`AddPostsTags`); a following one is `<name>_<suffix>`. */
  readonly name: string;
  /** The ORM's migration's timestamp; the following ones take the next milliseconds. */
  readonly timestamp: number;
  readonly migrationsDir: string;
  readonly migration: MigrationSql;
  /** The query a statement was, parameters included, where the builder gave it; default: the statement as it is. */
  readonly asQuery?: (statement: string) => BuilderQuery;
  /** The plugin's `migrationOutsideTransaction`: without it, a part that must run outside a transaction is refused. */
  readonly outsideTransaction: boolean;
  /** The project's mode, named in the refusal. */
  readonly transactionMode: MigrationsTransactionMode;
}

/**
 * The migration files TypeORM's CLI would hold for `migration`: the ORM's own, then one per
 * `following` part in order, each named as `migration:generate <name>_<suffix>` names it at the
 * next millisecond (TypeORM orders migrations by the class name's timestamp), `up` running its
 * statements and `down` its down. A part that must run outside a transaction is written with
 * `transaction = false`, and only where the plugin allows it.
 *
 * Throws `MIGRATION_GENERATE_FAILED` for a part with `outsideTransaction` while
 * `options.outsideTransaction` is false, before anything is rendered.
 *
 * @example
 * migrationFiles({ name: 'AddPostsAuthorFk', timestamp: 1700000000000, migrationsDir, migration, outsideTransaction: false, transactionMode: 'all' })
 * // 1700000000000-AddPostsAuthorFk.ts, 1700000000001-AddPostsAuthorFk_validate.ts
 */
export function migrationFiles(options: MigrationFilesOptions): FileChange[] {
  const following = options.migration.following ?? [];
  refuseOutsideTransaction(options, following);
  const asQuery = options.asQuery ?? ((statement: string): BuilderQuery => ({ query: statement }));
  const { up, down } = options.migration;
  const parts = [{ name: options.name, up, down, outsideTransaction: false }, ...following.map((part) => ({ ...part, name: `${options.name}_${part.suffix}` }))];
  return parts.map((part, index) => {
    const file = renderMigrationFile({
      name: part.name,
      timestamp: options.timestamp + index,
      up: part.up.map(asQuery),
      // `down` is given in the order it runs; renderMigrationFile takes the builder's order.
      down: part.down.map(asQuery).reverse(),
      ...(part.outsideTransaction ? { transaction: false as const } : {}),
    });
    return { path: join(options.migrationsDir, file.fileName), role: 'migration', before: null, after: file.content };
  });
}

function refuseOutsideTransaction(options: MigrationFilesOptions, following: readonly FollowingMigration[]): void {
  const outside = following.filter((part) => part.outsideTransaction);
  if (outside.length === 0 || options.outsideTransaction) return;
  const names = outside.map((part) => `${options.name}_${part.suffix}`).join(', ');
  const mode =
    options.transactionMode === 'all'
      ? "this project's data source runs pending migrations in one transaction (migrationsTransactionMode 'all', TypeORM's default), where TypeORM refuses a migration with `transaction = false` (ForbiddenTransactionModeOverrideError)"
      : `this project's data source says migrationsTransactionMode '${options.transactionMode}', where TypeORM would run it with \`transaction = false\`, but the TypeORM plugin does not yet read the mode per project`;
  throw new OrmAiError('MIGRATION_GENERATE_FAILED', `the migration ${names} must run outside a transaction, and the TypeORM plugin says migrationOutsideTransaction: false: ${mode}`, {
    hint: 'Run without --safe, or keep the statement in its plain (transactional) form; nothing was written.',
  });
}
