import type { DialectName } from './dialect/dialect.js';
import type { ChangePlan } from './change-plan.js';
import type { ConfiguredDatabase } from './dialect/dialect.js';
import type { Finding } from './finding.js';
import type { SafetyFixes } from './safety/safety-rule.js';
import type { SchemaModel } from './schema-model.js';
import type { ShadowServer } from './shadow/shadow-database.js';

/**
 * The boundary between core and one ORM. A plugin translates between its ORM and the
 * neutral model and writes its ORM's files; core owns the plan, the model, the shadow
 * database, safety and the report, and never asks which ORM it is talking to, only what
 * it can do (`capabilities`).
 *
 * @example
 * const project = await drizzlePlugin.openProject({ cwd: process.cwd() });
 * const model = await project.readSchema();
 */
export interface OrmPlugin {
  /** The ORM's name as people write it, for messages only: `Drizzle`. */
  readonly displayName: string;
  readonly capabilities: OrmCapabilities;
  /** Finds and reads the project's ORM configuration; throws `CONFIG_NOT_FOUND` / `CONFIG_INVALID`. */
  openProject(options: OpenProjectOptions): Promise<OrmProject>;
}

export interface OrmCapabilities {
  /**
   * How the ORM's migrator runs migrations: `all` in one transaction, `each` in its own
   * transaction, `script` as one script each (PostgreSQL's simple query protocol, as Prisma's
   * engine sends a migration.sql: a migration of several statements runs in one implicit
   * transaction, a migration of one statement in none), or `none`. The shadow replays them
   * the same way, so a statement that cannot run inside a transaction fails on the shadow
   * exactly as it would in production.
   */
  readonly migrationTransaction: 'all' | 'each' | 'script' | 'none';
  /**
   * The databases this plugin reads, edits and generates for; absent means PostgreSQL only. A
   * project on a database core has a dialect for but its plugin does not is refused as
   * unsupported, before anything is read.
   */
  readonly dialects?: readonly DialectName[] | undefined;
  /** Facts about this ORM the model must know to plan well (one sentence each). */
  readonly promptNotes: readonly string[];
  /** The safe alternative for a safety rule in this ORM's own terms (`index().concurrently()`), where it differs from plain SQL. */
  readonly safetyFixes?: SafetyFixes;
  /**
   * Whether the ORM's migrator can run one migration outside any transaction while the
   * others run in theirs: Prisma runs a migration of one statement so. `--safe` puts a
   * `CREATE INDEX CONCURRENTLY` or a batched backfill in such a migration; where the migrator
   * cannot (one transaction for every pending migration), it keeps the plain form and says why.
   */
  readonly migrationOutsideTransaction: boolean;
}

export interface OpenProjectOptions {
  /** The directory the command runs in. */
  readonly cwd: string;
  /** The ORM config file the user named (`--config`, `--schema`, `-d`), relative to `cwd`. */
  readonly configPath?: string;
  /** The run's environment, where `ORM_AI_CACHE_DIR` is read (`shadowCacheDir`) by a plugin that starts shadows of its own. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** A change to one file: `before` is null for a new file. Nothing is written until the plan is accepted. */
export interface FileChange {
  readonly path: string;
  /** What the file is to the user: their schema source (shown as a diff), the migration, or ORM bookkeeping (a journal, a snapshot). */
  readonly role: 'source' | 'migration' | 'metadata';
  readonly before: string | null;
  readonly after: string;
}

/** An existing migration, as its ORM's migrator would run it. */
export interface MigrationScript {
  /** The ORM's name for it: `0001_add_comments`. */
  readonly id: string;
  readonly path: string;
  readonly sql: string;
}

export interface GenerateMigrationInput {
  readonly plan: ChangePlan;
  /** The schema source edits made by `applyPlan`, not yet on disk. */
  readonly edits: readonly FileChange[];
  /** A snake_case name from the plan or `--name`. */
  readonly name: string;
  /**
   * The user's `--shadow-url` server, for ORM tools that need throwaway databases of their own
   * (Prisma's engine, TypeORM's builder): make them with `ThrowawayDatabases`, which confines
   * them to a throwaway role; absent means embedded PGlite, confined with `confinePglite`.
   */
  readonly shadowServer: ShadowServer | undefined;
  /**
   * The project's first migration, recording the whole current schema (`--baseline`): every
   * difference from an empty database belongs in it, so none of it is drift to refuse.
   */
  readonly baseline?: boolean;
}

/** A migration produced by the ORM's own tool; core may add steps before writing it. */
export interface GeneratedMigration {
  /** The ORM's id for the migration: `0002_add_post_tags`. */
  readonly id: string;
  /** The up SQL the ORM's tool produced (renames included), in order: statements, or whole scripts with their comments. */
  readonly statements: readonly string[];
  /**
   * The down SQL, in the order it runs: the same ORM tool run in reverse (from the edited
   * schema back to the current one), with the plan's renames undone as renames
   * (`renamesUndone`). Never written by the model; core proves it on the shadow.
   */
  readonly downStatements: readonly string[];
  /** What the ORM's tool warned about (data loss), as findings. */
  readonly findings: readonly Finding[];
  /**
   * The ORM's files for the final up and down (core adds the plan's steps and their
   * inverses): the migration, its down where the ORM's users keep one, and any journal or snapshot.
   */
  filesFor(migration: MigrationSql): FileChange[];
}

/** A migration's statements both ways, each in the order it runs. */
export interface MigrationSql {
  readonly up: readonly string[];
  readonly down: readonly string[];
  /**
   * Migrations `--safe` splits off this one, in the order they run: each is written as a
   * migration of its own after this one (the ORM's next ids, `<name>_<suffix>`), with its own down.
   */
  readonly following?: readonly FollowingMigration[];
}

/** A migration that `--safe` adds after the ORM's own: a concurrent build, a batched backfill, the validation. */
export interface FollowingMigration {
  /** Appended to the migration's name: `build_posts_title_idx`, `backfill_posts_uuid`, `validate`. */
  readonly suffix: string;
  readonly up: readonly string[];
  /** Its down, in the order it runs. */
  readonly down: readonly string[];
  /**
   * It must run outside any transaction (`CREATE INDEX CONCURRENTLY`, a backfill that commits
   * each batch): a Prisma migration of one statement; a TypeORM migration with `transaction = false`.
   * Only given where the plugin says `migrationOutsideTransaction`.
   */
  readonly outsideTransaction: boolean;
}

/** One ORM project, opened: everything core asks of it. */
export interface OrmProject {
  /** The project's root directory (where the ORM config lives). */
  readonly root: string;
  /**
   * The database the ORM config names (Drizzle's `dialect`, Prisma's datasource `provider`,
   * TypeORM's `type`), read before the schema: core refuses one it has no dialect for first.
   */
  readDatabase(): Promise<ConfiguredDatabase>;
  /** Reads the schema model from the ORM's source, never from a database. */
  readSchema(): Promise<SchemaModel>;
  /**
   * Where the ORM keeps its migrations, for messages: a project with no migrations whose folder
   * does not exist is told so, since a wrong path in the config looks like an empty history.
   */
  readonly migrationsFolder?: { readonly path: string; readonly exists: boolean };
  /** The existing migrations, oldest first. */
  readMigrations(): Promise<MigrationScript[]>;
  /**
   * Edits the schema source so it carries out the plan, keeping the user's formatting.
   * Returns the edited files; writes nothing.
   */
  applyPlan(plan: ChangePlan): Promise<FileChange[]>;
  /**
   * For ORMs whose schema is code: this run's type checker, with the project's compiler
   * settings. Core opens it as soon as the project is open, checks the unedited
   * `sourceFiles` while the schema is read (their errors are the user's, reported before any
   * model call), checks the plan's edits beside the migration's generation and proof, and
   * closes it when the run ends.
   */
  openTypecheck?(): SourceTypecheck;
  /** Produces the migration from the edited source with the ORM's own migration tool. */
  generateMigration(input: GenerateMigrationInput): Promise<GeneratedMigration>;
}

/** A file's text to type-check in place of what is on disk (`path` relative to the project root, or absolute). */
export interface SourceText {
  readonly path: string;
  readonly after: string;
}

/**
 * One run's type checks of a project's TypeScript sources: the first loads the compiler's
 * program (the ORM's declaration files, seconds), later ones reuse it.
 */
export interface SourceTypecheck {
  /** The schema source files as the ORM reads them, absolute: what is checked before any change. */
  readonly sourceFiles: readonly string[];
  /**
   * Type-checks `files` (their `after` text in place of the disk's; every other file as on
   * disk) and returns their diagnostics as tsc prints them, `file:line:column - error TSnnnn:
   * message`; empty when they check.
   */
  check(files: readonly SourceText[]): Promise<string[]>;
  /** Stops what the checker runs on (a worker thread); a check still under way is abandoned. */
  close(): Promise<void>;
}
