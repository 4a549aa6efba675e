import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeError, OrmAiError } from '../errors.js';
import type { MigrationScript, OrmPlugin } from '../orm-plugin.js';
import { pathFromRoot } from '../project-path.js';
import { refuseMissingMigrationsFolder } from './no-migrations.js';
import type { MigrationAnalysis, ProductionRows } from '../safety/analyze-migration.js';
import { postgresDialect } from '../dialect/postgres/postgres-dialect.js';
import { openProjectWithDialect } from './read-project.js';
import { shadowCacheDir } from '../dialect/postgres/shadow/prepared-shadow-cache.js';
import { replayMigrations } from '../shadow/replay-migrations.js';
import { shadowServerFrom } from '../dialect/postgres/shadow/server-databases.js';

export interface CheckOptions {
  readonly cwd: string;
  /** SQL files to judge; none means the project's own migrations (which needs `plugin`). */
  readonly files: readonly string[];
  readonly plugin: OrmPlugin;
  readonly configPath?: string | undefined;
  /** With files: SQL applied to each file's shadow first, never judged. */
  readonly setupFile?: string | undefined;
  /** Without files: judge this migration (by id or id prefix) and the newer ones only. */
  readonly since?: string | undefined;
  readonly shadowUrl?: string | undefined;
  /** Run the shadow's SQL as the `--shadow-url` user instead of a throwaway role (`--unconfined-shadow`). */
  readonly unconfinedShadow?: boolean | undefined;
  readonly productionRows?: ProductionRows | undefined;
  /** The PostgreSQL major version to judge for (`--pg-version`); default: see `resolvePostgresVersions`. */
  readonly pgVersion?: number | undefined;
  /** Where `ORM_AI_CACHE_DIR` is read. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

export interface CheckOutcome {
  readonly shadow: string;
  readonly files: readonly MigrationAnalysis[];
  /** Migrations after one the shadow rejected: they were not judged. */
  readonly unchecked?: readonly string[];
}

/**
 * `check`: the safety analysis of existing migrations. Project migrations are judged each
 * on the state their predecessors leave, replayed the way the ORM's migrator runs them;
 * loose SQL files each on a fresh state built from `--setup`, run as psql would.
 */
export async function checkMigrations(options: CheckOptions): Promise<CheckOutcome> {
  return options.files.length > 0 ? checkFiles(options) : checkProjectMigrations(options);
}

async function checkFiles(options: CheckOptions): Promise<CheckOutcome> {
  if (options.since) throw new OrmAiError('USAGE', '--since selects project migrations; it cannot be combined with files', { hint: 'Drop --since, or drop the files.' });
  const files = await Promise.all(options.files.map((file) => readSql(options.cwd, file)));
  const setup = options.setupFile ? await readSql(options.cwd, options.setupFile) : null;
  // Loose files are judged as PostgreSQL, run as psql would: no project names another database.
  const dialect = postgresDialect;
  const prepared = await dialect.openShadow({ server: shadowServerFrom(options), sql: [setup, ...files].flatMap((file) => (file ? [file.sql] : [])) });
  try {
    if (setup) await replayMigrations({ dialect, shadow: prepared, scripts: [setup], transaction: 'none' });
    const target = { flag: options.pgVersion, server: options.shadowUrl !== undefined, projectRoot: options.cwd };
    const analyses: MigrationAnalysis[] = [];
    for (const file of files) {
      analyses.push(await dialect.analyzeMigration({ dialect, prepared, path: file.path, sql: file.sql, transaction: 'none', productionRows: options.productionRows, target }));
    }
    return { shadow: prepared.description, files: analyses };
  } finally {
    await prepared.close();
  }
}

async function checkProjectMigrations(options: CheckOptions): Promise<CheckOutcome> {
  if (options.setupFile) throw new OrmAiError('USAGE', '--setup builds the state for SQL files; project migrations build their own', { hint: 'Pass the SQL files to check, or drop --setup.' });
  const { project, dialect } = await openProjectWithDialect(options.plugin, { cwd: options.cwd, configPath: options.configPath, env: options.env });
  const scripts = await project.readMigrations();
  refuseMissingMigrationsFolder({ project, scripts, ormName: options.plugin.displayName, cwd: options.cwd });
  const first = options.since === undefined ? 0 : scripts.findIndex((script) => script.id === options.since || script.id.startsWith(options.since!));
  if (first === -1) {
    throw new OrmAiError('USAGE', `no migration "${options.since}" in this project`, { hint: `Migrations: ${scripts.map((script) => script.id).join(', ') || 'none'}.` });
  }
  const { capabilities } = options.plugin;
  // Judging a migration forks the shadow, and a fork loads the extensions the migration creates.
  const prepared = await dialect.openPreparedShadow({
    server: shadowServerFrom(options),
    scripts: scripts.slice(0, first),
    transaction: capabilities.migrationTransaction,
    cacheDir: shadowCacheDir({ root: project.root, env: options.env ?? {} }),
  });
  try {
    const target = { flag: options.pgVersion, server: options.shadowUrl !== undefined, projectRoot: project.root };
    const analyses: MigrationAnalysis[] = [];
    for (const script of scripts.slice(first)) {
      analyses.push(
        await dialect.analyzeMigration({
          dialect,
          prepared,
          path: pathFromRoot(options.cwd, script.path),
          sql: script.sql,
          transaction: capabilities.migrationTransaction,
          fixes: capabilities.safetyFixes,
          productionRows: options.productionRows,
          target,
        }),
      );
      // A migration the shadow rejects leaves no state to judge the next ones on.
      if (analyses.at(-1)!.statements.some((statement) => statement.error !== undefined)) break;
      // The next migration is judged on the state this one leaves, without the seeded rows.
      await replayMigrations({ dialect, shadow: prepared, scripts: [script], transaction: capabilities.migrationTransaction });
    }
    const unchecked = scripts.slice(first + analyses.length).map((script) => pathFromRoot(options.cwd, script.path));
    return { shadow: prepared.description, files: analyses, unchecked };
  } finally {
    await prepared.close();
  }
}

async function readSql(cwd: string, file: string): Promise<MigrationScript> {
  const path = resolve(cwd, file);
  try {
    return { id: file, path: pathFromRoot(cwd, file), sql: await readFile(path, 'utf8') };
  } catch (error) {
    throw new OrmAiError('USAGE', `cannot read ${file}: ${describeError(error)}`, { hint: 'Name SQL files that exist, relative to the current directory.' });
  }
}
