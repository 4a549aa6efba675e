import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OrmAiError, describeError, type FileChange, type MigrationScript, type MigrationSql } from '@orm-ai/core';
import { followingMigrationFolders, type MigrationFolderSql } from './following-migration-folders.js';
import { MIGRATION_LOCK_TOML } from './schema-engine/prisma-schema-engine.js';

/** A migration folder as Prisma keeps it: `<timestamp>_<name>/migration.sql`. */
export interface PrismaMigration {
  readonly directoryName: string;
  readonly sql: string;
}

/** The migrations folder: its migrations in order, and the lock file as it is on disk. */
export interface PrismaMigrationsFolder {
  readonly dir: string;
  readonly migrations: readonly PrismaMigration[];
  readonly lockPath: string;
  readonly lockText: string | null;
}

/** Reads every `<dir>/<name>/migration.sql` in name order, as `prisma migrate` does. */
export async function readPrismaMigrations(dir: string): Promise<PrismaMigrationsFolder> {
  const lockPath = join(dir, 'migration_lock.toml');
  const lockText = existsSync(lockPath) ? await readFile(lockPath, 'utf8') : null;
  if (!existsSync(dir)) return { dir, migrations: [], lockPath, lockText };
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const migrations = await Promise.all(
    names.map(async (directoryName) => {
      const path = join(dir, directoryName, 'migration.sql');
      try {
        return { directoryName, sql: await readFile(path, 'utf8') };
      } catch (error) {
        throw new OrmAiError('SCHEMA_READ_FAILED', `migration folder ${directoryName} has no readable migration.sql: ${describeError(error)}`, {
          hint: 'Restore the file or remove the empty folder; `prisma migrate` fails on it too.',
        });
      }
    }),
  );
  return { dir, migrations, lockPath, lockText };
}

export function migrationScripts(folder: PrismaMigrationsFolder): MigrationScript[] {
  return folder.migrations.map((migration) => ({ id: migration.directoryName, path: join(folder.dir, migration.directoryName, 'migration.sql'), sql: migration.sql }));
}

/**
 * What `prisma migrate dev --create-only` writes: the migration, and the lock file when it
 * is missing; plus `down.sql` beside `migration.sql` when there is a down, where Prisma's
 * documentation on down migrations keeps it (`prisma db execute --file down.sql` runs it).
 * Each of `migration.following` gets a folder of its own after it (see `followingMigrationFolders`).
 */
export function migrationFiles(options: { folder: PrismaMigrationsFolder; directoryName: string; migration: MigrationSql }): FileChange[] {
  const { folder, directoryName, migration } = options;
  const folders = [{ directoryName, up: migration.up, down: migration.down }, ...followingMigrationFolders(directoryName, migration.following ?? [])];
  const files = folders.flatMap((sql) => migrationFolderFiles(folder.dir, sql));
  if (folder.lockText === null) files.push({ path: folder.lockPath, role: 'metadata', before: null, after: MIGRATION_LOCK_TOML });
  return files;
}

function migrationFolderFiles(dir: string, sql: MigrationFolderSql): FileChange[] {
  const migrationDir = join(dir, sql.directoryName);
  const files: FileChange[] = [{ path: join(migrationDir, 'migration.sql'), role: 'migration', before: null, after: joinScripts(sql.up) }];
  if (sql.down.length > 0) files.push({ path: join(migrationDir, 'down.sql'), role: 'migration', before: null, after: joinScripts(sql.down) });
  return files;
}

/** A migration file from its statements, as the up has always been written: blank line between, newline at the end. */
function joinScripts(statements: readonly string[]): string {
  return `${statements.join('\n\n')}\n`;
}

/** A lock file naming another provider means the migrations were made for another database. */
export function assertLockedToPostgres(folder: PrismaMigrationsFolder): void {
  if (folder.lockText === null) return;
  const provider = folder.lockText
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.startsWith('provider'));
  if (provider?.replace(/\s+/g, '') !== 'provider="postgresql"') {
    throw new OrmAiError('CONFIG_INVALID', `${folder.lockPath} locks the migrations to another provider (${provider ?? 'none'})`, {
      hint: 'prisma-ai works with PostgreSQL migrations; the lock file must say provider = "postgresql".',
    });
  }
}
