import type { DataChange, TableContents } from '../rollback/table-contents.js';
import type { AnalyzeOptions, MigrationAnalysis } from '../safety/analyze-migration.js';
import type { SafetyRuleDefinition } from '../safety/safety-rule.js';
import type { CatalogSnapshot } from '../shadow/catalog-snapshot.js';
import type { SeedResult } from '../shadow/seed-rows.js';
import type { OpenShadowOptions, PreparedShadowOptions, ShadowDatabase } from '../shadow/shadow-database.js';
import type { TableRef } from '../table-ref.js';

/** The databases orm-ai knows by name. Each has a folder under `dialect/` once it is supported. */
export const DIALECT_NAMES = ['postgresql', 'sqlite', 'mysql'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

/**
 * The database a project's ORM config names, as its plugin read it: core picks the dialect
 * from this (`dialectFor`), before the schema is read, so that a project on a database orm-ai
 * does not support is told so at once and in one way for every ORM.
 *
 * @example
 * { dialect: 'sqlite', setting: 'dialect: "turso"', file: '/app/drizzle.config.ts' }
 */
export interface ConfiguredDatabase {
  /** The dialect the setting means, or null for a database none covers (SQL Server, MongoDB, CockroachDB). */
  readonly dialect: DialectName | null;
  /** The setting as the user wrote it: `dialect: "turso"`, `provider = "mysql"`, `type: "better-sqlite3"`. */
  readonly setting: string;
  /** The file that says it. */
  readonly file: string;
}

/**
 * Read-only facts about a database that the engine asks instead of asking which database it
 * is (as kysely's `DialectAdapter` does).
 */
export interface DialectCapabilities {
  /** DDL runs inside a transaction and rolls back with it (PostgreSQL and SQLite; not MySQL). */
  readonly transactionalDdl: boolean;
  /** An index can be built while writes go on (`CREATE INDEX CONCURRENTLY`; MySQL's `LOCK=NONE`). */
  readonly onlineIndexBuild: boolean;
  /** A shadow needs no server: it runs inside this process (PGlite, SQLite). */
  readonly embeddedShadow: boolean;
}

/**
 * One database's part of the engine: everything core does differently per database sits
 * behind this, in `dialect/<name>/`. Core is handed one by `dialectFor` and never asks
 * which it is, only what it can do.
 */
export interface Dialect {
  readonly name: DialectName;
  /** For messages: `PostgreSQL`. */
  readonly displayName: string;
  readonly capabilities: DialectCapabilities;
  /** The safety rules that apply to this database's statements, run by the analyzer in this order. */
  readonly safetyRules: readonly SafetyRuleDefinition[];
  /** Opens a throwaway shadow: embedded where `capabilities.embeddedShadow`, else on the `--shadow-url` server. */
  openShadow(options: OpenShadowOptions): Promise<ShadowDatabase>;
  /**
   * A shadow holding the project's migrations, replayed as its ORM's migrator runs them, from
   * a cache of earlier runs where the dialect keeps one. An existing migration that fails is
   * `SHADOW_REJECTED_MIGRATION`, said to be the history's.
   */
  openPreparedShadow(options: PreparedShadowOptions): Promise<ShadowDatabase>;
  /**
   * Throws in milliseconds, before a model is asked, when the embedded shadow could not run
   * this SQL (an extension PGlite lacks: `SHADOW_EXTENSION_UNAVAILABLE`).
   */
  requireEmbeddedShadowRuns(sql: readonly string[]): Promise<void>;
  /**
   * A script's statements as this database's parser reads them, each with its 1-based line:
   * what the replay runs one by one, as the ORMs' migrators do. Text that does not parse is
   * said so, with where.
   */
  splitStatements(sql: string): Promise<SplitStatements>;
  /** The safety analysis of one migration on a shadow holding the ones before it, judged by `safetyRules`. */
  analyzeMigration(options: AnalyzeOptions): Promise<MigrationAnalysis>;
  /** What the round trip reads and seeds on this database; comparing the rows is shared (`rollback/`). */
  readonly roundTrip: RoundTripDatabase;
}

export type SplitStatements =
  | { readonly ok: true; readonly statements: ReadonlyArray<{ readonly sql: string; readonly line: number }> }
  | { readonly ok: false; readonly message: string; readonly line: number | null };

/**
 * The per-database half of the round trip (`proveRoundTrip`): which tables to watch, how to
 * fill them, and how to read their catalog and rows; the proof itself, the comparison of
 * rows into `DataChange`s and their description are the same for every database.
 */
export interface RoundTripDatabase {
  /**
   * The tables whose rows up and down may change: those their statements name, and those a
   * drop in up reaches without naming them (PostgreSQL's CASCADE; SQLite's tables whose foreign
   * keys reference a table that is dropped, which lose rows through ON DELETE CASCADE).
   */
  tablesToWatch(shadow: ShadowDatabase, migration: { readonly up: readonly string[]; readonly down: readonly string[] }): Promise<TableRef[]>;
  /** Fills the tables (and their foreign-key parents first) with generated rows. */
  seed(shadow: ShadowDatabase, tables: readonly TableRef[]): Promise<SeedResult>;
  snapshot(shadow: ShadowDatabase): Promise<CatalogSnapshot>;
  /** Every row of the tables that exist, every value as text. */
  readRows(shadow: ShadowDatabase, tables: readonly TableRef[]): Promise<TableContents[]>;
  /** What up did to the rows read before it, following each table and column as this database can (PostgreSQL: by oid and attnum, through renames). */
  changesAfterUp(shadow: ShadowDatabase, before: readonly TableContents[]): Promise<DataChange[]>;
  /** What down did not bring back, compared by name with the rows before up. */
  changesAfterDown(shadow: ShadowDatabase, before: readonly TableContents[]): Promise<DataChange[]>;
}
