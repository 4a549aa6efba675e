import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { OrmAiError, describeError, type FileChange, type FollowingMigration, type MigrationScript, type MigrationSql } from '@orm-ai/core';
import type { DrizzleConfig } from './drizzle-config.js';

/** drizzle-kit's `meta/_journal.json`. */
export interface DrizzleJournal {
  version: string;
  dialect: string;
  entries: Array<{ idx: number; version: string; when: number; tag: string; breakpoints: boolean }>;
}

/** drizzle-kit writes statements separated by this line, and its migrator splits on it. */
export const STATEMENT_BREAKPOINT = '--> statement-breakpoint\n';

/** The migrations folder as drizzle-kit left it: the journal (absent before the first migration) and the newest snapshot. */
export interface DrizzleMigrationsFolder {
  readonly journalPath: string;
  readonly journalText: string | null;
  readonly journal: DrizzleJournal;
  /** The snapshot the next migration is diffed against (drizzle-kit's "previous" state), or null for the first. */
  readonly latestSnapshot: Record<string, unknown> | null;
}

export async function readMigrationsFolder(config: DrizzleConfig): Promise<DrizzleMigrationsFolder> {
  const journalPath = join(config.outDir, 'meta', '_journal.json');
  const journalText = existsSync(journalPath) ? await readFile(journalPath, 'utf8') : null;
  // drizzle-kit starts a journal with the config's dialect (`turso` projects' say `turso`, which this spells `sqlite`).
  const journal = journalText === null ? { version: '7', dialect: config.database.dialect ?? 'postgresql', entries: [] } : parseJournal(journalPath, journalText);
  const last = journal.entries.at(-1);
  const latestSnapshot = last ? await readJson(join(config.outDir, 'meta', `${snapshotPrefix(last.tag)}_snapshot.json`)) : null;
  return { journalPath, journalText, journal, latestSnapshot };
}

/** The existing migrations in journal order, as drizzle-orm's migrator runs them. */
export async function readMigrationScripts(config: DrizzleConfig, folder: DrizzleMigrationsFolder): Promise<MigrationScript[]> {
  return Promise.all(
    folder.journal.entries.map(async (entry) => {
      const path = join(config.outDir, `${entry.tag}.sql`);
      const sql = await readFile(path, 'utf8').catch((error: unknown) => {
        throw new OrmAiError('SCHEMA_READ_FAILED', `the journal lists ${entry.tag} but ${path} cannot be read: ${describeError(error)}`, {
          hint: 'Restore the migration file, or regenerate the folder with drizzle-kit.',
        });
      });
      return { id: entry.tag, path, sql };
    }),
  );
}

/** What `migrationFiles` writes from: the folder as read before the run, and the migration with what `--safe` split off it. */
export interface MigrationFilesOptions {
  readonly config: DrizzleConfig;
  readonly folder: DrizzleMigrationsFolder;
  /** The migration's name, without drizzle-kit's prefix: `add_posts_tags`. */
  readonly name: string;
  /** drizzle-kit's snapshot of the edited schema, its prevId the folder's latest snapshot. */
  readonly snapshot: Record<string, unknown>;
  readonly migration: MigrationSql;
  /** When it was generated: the tag's timestamp prefix and the journal's `when`. */
  readonly now: Date;
}

/**
 * The files `drizzle-kit generate` writes for a new migration (SQL, snapshot and journal),
 * plus the down migration beside it as `<tag>.down.sql`: drizzle-kit has no down
 * migrations, and its migrator reads only the journal's tags, so it never runs this file.
 *
 * Each of `migration.following` is written after it as a migration of its own, as
 * `drizzle-kit generate --custom --name <name>_<suffix>` would leave it: the next idx and
 * tag, one second later (so timestamp prefixes, snapshot file names and `when` all increase),
 * and a snapshot of the same final schema whose id the next one names as its prevId.
 */
export function migrationFiles(options: MigrationFilesOptions): FileChange[] {
  const { config, folder } = options;
  const journal: DrizzleJournal = structuredClone(folder.journal);
  const files = journalMigrations(options).flatMap((migration) => {
    journal.entries.push({ idx: migration.idx, version: String(migration.snapshot.version), when: migration.when, tag: migration.tag, breakpoints: config.breakpoints });
    return filesOfMigration(config, migration);
  });
  return [...lastPerPath(files), { path: folder.journalPath, role: 'metadata', before: folder.journalText, after: JSON.stringify(journal, null, 2) }];
}

/** The next tag, named as drizzle-kit names it for the config's prefix mode. */
export function nextTag(options: Pick<MigrationFilesOptions, 'config' | 'folder' | 'name' | 'now'>): string {
  return tagFor({ config: options.config, idx: nextIdx(options.folder.journal), name: options.name, now: options.now });
}

/** One migration as the journal lists it, with what its files hold. */
interface JournalMigration {
  readonly idx: number;
  readonly tag: string;
  readonly when: number;
  readonly up: readonly string[];
  readonly down: readonly string[];
  readonly snapshot: Record<string, unknown>;
}

/** The ORM's migration, then each following one a second later, their snapshots chained by id. */
function journalMigrations(options: MigrationFilesOptions): JournalMigration[] {
  const { config, name, snapshot, migration, now } = options;
  const idx = nextIdx(options.folder.journal);
  const migrations: JournalMigration[] = [{ idx, tag: tagFor({ config, idx, name, now }), when: now.getTime(), up: migration.up, down: migration.down, snapshot }];
  for (const [index, following] of (migration.following ?? []).entries()) {
    refuseOutsideTransaction(following);
    const at = new Date(now.getTime() + (index + 1) * 1000);
    const previous = migrations.at(-1)!;
    migrations.push({
      idx: previous.idx + 1,
      tag: tagFor({ config, idx: previous.idx + 1, name: `${name}_${following.suffix}`, now: at }),
      when: at.getTime(),
      up: following.up,
      down: following.down,
      // drizzle-kit's snapshot models neither NOT VALID nor concurrency: the schema is already the final one.
      snapshot: { ...snapshot, id: randomUUID(), prevId: previous.snapshot.id, _meta: { columns: {}, schemas: {}, tables: {} } },
    });
  }
  return migrations;
}

/** drizzle-orm's migrator runs every pending migration in one transaction; core must not ask for one outside it. */
function refuseOutsideTransaction(following: FollowingMigration): void {
  if (!following.outsideTransaction) return;
  throw new OrmAiError('INTERNAL_ERROR', `the following migration "${following.suffix}" must run outside a transaction, but drizzle-orm's migrator runs every pending migration in one transaction`, {
    hint: 'This is a bug: --safe keeps the plain form for Drizzle (migrationOutsideTransaction is false). Run without --safe and report it.',
  });
}

/** A migration's SQL, its down when it has one, and its snapshot. */
function filesOfMigration(config: DrizzleConfig, migration: JournalMigration): FileChange[] {
  const delimiter = config.breakpoints ? STATEMENT_BREAKPOINT : '\n';
  const down: FileChange[] = migration.down.length > 0 ? [{ path: join(config.outDir, `${migration.tag}.down.sql`), role: 'migration', before: null, after: migration.down.join(delimiter) }] : [];
  return [
    { path: join(config.outDir, `${migration.tag}.sql`), role: 'migration', before: null, after: migration.up.join(delimiter) },
    ...down,
    { path: join(config.outDir, 'meta', `${snapshotPrefix(migration.tag)}_snapshot.json`), role: 'metadata', before: null, after: JSON.stringify(migration.snapshot, null, 2) },
  ];
}

/** With the prefix `none` every snapshot is `_snapshot.json`: each migration overwrites it, as drizzle-kit does, and the last one stays. */
function lastPerPath(files: FileChange[]): FileChange[] {
  return files.filter((file, index) => !files.slice(index + 1).some((later) => later.path === file.path));
}

function nextIdx(journal: DrizzleJournal): number {
  const last = journal.entries.at(-1);
  return last ? last.idx + 1 : 0;
}

function tagFor(options: { config: DrizzleConfig; idx: number; name: string; now: Date }): string {
  return `${migrationPrefix(options.config.prefix, options.idx, options.now)}_${options.name}`;
}

function migrationPrefix(mode: DrizzleConfig['prefix'], idx: number, now: Date): string {
  switch (mode) {
    case 'index':
      return idx.toFixed(0).padStart(4, '0');
    case 'timestamp':
    case 'supabase':
      return now.toISOString().replace('T', '').replaceAll('-', '').replaceAll(':', '').slice(0, 14);
    case 'unix':
      return String(Math.floor(now.getTime() / 1000));
    case 'none':
      return '';
  }
}

/** drizzle-kit names a snapshot after the tag's prefix only: `0002_snapshot.json`. */
function snapshotPrefix(tag: string): string {
  return tag.slice(0, tag.indexOf('_'));
}

function parseJournal(path: string, text: string): DrizzleJournal {
  try {
    const journal = JSON.parse(text) as DrizzleJournal;
    if (!Array.isArray(journal.entries)) throw new Error('no "entries" list');
    return journal;
  } catch (error) {
    throw new OrmAiError('SCHEMA_READ_FAILED', `${path} is not a drizzle-kit journal: ${describeError(error)}`, {
      hint: 'Restore meta/_journal.json from version control.',
    });
  }
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new OrmAiError('SCHEMA_READ_FAILED', `cannot read the latest drizzle-kit snapshot ${path}: ${describeError(error)}`, {
      hint: 'Restore the meta folder from version control; drizzle-kit needs it too.',
    });
  }
}

/**
 * An `out` folder that does not exist while a sibling folder holds a drizzle-kit journal is a
 * wrong path, not a project without migrations: read as empty, every table would look new
 * (and `--baseline` would start a second history). A missing `out` with no journal anywhere
 * near is a project before its first migration, which drizzle-kit creates the folder for.
 */
export async function refuseMisplacedOut(config: DrizzleConfig): Promise<void> {
  if (existsSync(config.outDir)) return;
  const shown = `./${relative(config.root, config.outDir)}`;
  const elsewhere = await journalFoldersIn(config.root);
  if (elsewhere.length === 0) return;
  const candidates = elsewhere.map((folder) => `./${folder}`);
  throw new OrmAiError('CONFIG_INVALID', `${config.configPath}: out is ${JSON.stringify(shown)}, which does not exist, but ${candidates.join(', ')} holds drizzle-kit migrations (meta/_journal.json)`, {
    hint: `Did you mean out: ${JSON.stringify(candidates[0])}? Point out at the folder drizzle-kit generates into; nothing was written.`,
  });
}

/** Folders under `root`, one or two levels down (`drizzle`, `src/migrations`), holding a drizzle-kit journal. */
async function journalFoldersIn(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (folder: string, depth: number) => {
    const entries = await readdir(join(root, folder), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = folder ? `${folder}/${entry.name}` : entry.name;
      if (existsSync(join(root, path, 'meta', '_journal.json'))) found.push(path);
      else if (depth < 2) await visit(path, depth + 1);
    }
  };
  await visit('', 1);
  return found.sort();
}
