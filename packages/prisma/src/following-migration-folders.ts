import { OrmAiError, parseSqlNow, type FollowingMigration } from '@orm-ai/core';

/** A migration folder to write: its name and the statements of its `migration.sql` and `down.sql`. */
export interface MigrationFolderSql {
  readonly directoryName: string;
  readonly up: readonly string[];
  readonly down: readonly string[];
}

/** How Prisma names a migration folder: `<UTC timestamp, YYYYMMDDHHMMSS>_<name>`. */
const DIRECTORY_NAME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_(.+)$/;

/** A suffix ends up in a folder name: only the characters `prisma migrate dev --name` leaves in one. */
const SUFFIX = /^[A-Za-z0-9_-]+$/;

/**
 * The folders of the migrations `--safe` splits off the ORM's own (`directoryName`), in the
 * order they run: `<timestamp>_<name>_<suffix>`, each timestamp one second after the one
 * before, so Prisma (which orders its migrations by folder name) runs them after it.
 * A migration that must run outside any transaction is checked to hold exactly one
 * statement: Prisma sends each migration.sql as one script, which PostgreSQL runs in one
 * implicit transaction as soon as it holds two. The SQL parser must be loaded
 * (`await loadSqlParser()`).
 *
 * @example
 * followingMigrationFolders('20261207163000_add_post_tags', [{ suffix: 'build_posts_tags_idx', ... }]);
 * // [{ directoryName: '20261207163001_add_post_tags_build_posts_tags_idx', up, down }]
 */
export function followingMigrationFolders(directoryName: string, following: readonly FollowingMigration[]): MigrationFolderSql[] {
  const parts = DIRECTORY_NAME.exec(directoryName);
  if (!parts) {
    throw new OrmAiError('MIGRATION_GENERATE_FAILED', `migration folder ${directoryName} is not named <YYYYMMDDHHMMSS>_<name> as Prisma names them`, {
      hint: 'Report this: the migrations --safe adds are named after the one Prisma\'s schema engine made.',
    });
  }
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const name = parts[7]!;
  return following.map((migration, index) => {
    assertRunnable(migration);
    const timestamp = new Date(Date.UTC(year, month - 1, day, hour, minute, second + index + 1));
    return { directoryName: `${prismaTimestamp(timestamp)}_${name}_${migration.suffix}`, up: migration.up, down: migration.down };
  });
}

/** `2026-12-07T16:30:01.000Z` as Prisma writes it in a folder name: `20261207163001`. */
function prismaTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

function assertRunnable(migration: FollowingMigration): void {
  if (!SUFFIX.test(migration.suffix)) {
    throw new OrmAiError('MIGRATION_GENERATE_FAILED', `the migration suffix "${migration.suffix}" is not part of a folder name Prisma would make`, {
      hint: 'Use letters, digits, "_" or "-" only (snake_case, as prisma migrate dev --name gives).',
    });
  }
  if (!migration.outsideTransaction) return;
  const parsed = parseSqlNow(migration.up.join('\n\n'));
  const count = parsed.ok ? parsed.statements.length : null;
  if (count === 1) return;
  const found = parsed.ok ? `${count} statements` : `SQL that does not parse (${parsed.message})`;
  throw new OrmAiError('MIGRATION_GENERATE_FAILED', `the migration "${migration.suffix}" must run outside any transaction, but holds ${found}: Prisma runs a migration.sql of several statements in one transaction`, {
    hint: 'Give each statement that cannot run inside a transaction (CREATE INDEX CONCURRENTLY, a DO block that commits) a migration of its own.',
  });
}
