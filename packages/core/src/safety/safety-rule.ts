import type { Finding } from '../finding.js';
import type { ParsedStatement } from '../dialect/postgres/parser.js';
import type { ParsedStatement as SqliteStatement } from '../dialect/sqlite/parser.js';
import { tableLabel, type TableRef } from '../table-ref.js';
import type { PostgresFactId, PostgresTarget } from '../dialect/postgres/postgres-versions.js';
import type { SafeForm } from './safe-form.js';
import type { ShadowCatalog } from './shadow-catalog.js';
import type { StatementLock } from './statement-measurement.js';
import type { Node } from './statement-ast.js';
// The list of rules is the one source of ids; this module only needs their type.
import type { SafetyRuleId } from './rules/index.js';

export type { SafetyRuleId };

/**
 * What a rule needs in order to judge, and so when the analysis runs it:
 * - `parse-tree`: the statement's parse tree and what the migration did before it;
 * - `catalog`: also the shadow's catalog just before the statement runs;
 * - `measurement`: also what running the statement on the shadow measured;
 * - `migration`: the shadow's catalog once every statement has run;
 * - `sqlite-statement`: a SQLite statement, the migration around it, and what running it measured.
 */
export type RulePhase = 'parse-tree' | 'catalog' | 'measurement' | 'migration' | 'sqlite-statement';

/** One statement as the rules of every statement phase see it. */
export interface StatementInput {
  readonly statement: ParsedStatement;
  /** The parse tree's root kind (`AlterTableStmt`) and its node. */
  readonly kind: string;
  readonly node: Node;
  /** Created earlier in this migration: nobody else can be using it, so lock rules do not apply. */
  isNewTable(table: TableRef): boolean;
  /** Whether a type of this name (`post_status`, unqualified) was created earlier in this migration. */
  isNewType(name: string): boolean;
  /** Whether the statement will run inside a transaction (the migrator's or an explicit BEGIN). */
  readonly inTransaction: boolean;
  /** Whether the ORM's migrator wraps the migration in a transaction itself. */
  readonly migratorTransaction: boolean;
  /** The PostgreSQL version the migration is judged for: rules ask it (`target.supports(fact)`), never compare version numbers. */
  readonly target: PostgresTarget;
  /** The version of the shadow the statement runs on, which may have behaviours the target lacks. */
  readonly shadowVersion: PostgresTarget;
}

export interface CatalogInput extends StatementInput {
  /** Live: before the statement for `catalog` rules, after it for `measurement` rules. */
  readonly catalog: ShadowCatalog;
}

/** What running one statement on the shadow showed, or why it could not run. */
export type StatementMeasurement =
  | {
      readonly ok: true;
      readonly locks: readonly StatementLock[];
      /** Tables (and materialized views) that existed before the migration whose storage file, or TOAST table's, the statement replaced. */
      readonly rewrites: readonly TableRef[];
      /** Indexes of those tables it rebuilt (a new storage file) without rewriting their table. */
      readonly rebuiltIndexes: readonly RebuiltIndex[];
      /** Tables and materialized views that existed before the migration and are gone after the statement. */
      readonly dropped: readonly TableRef[];
      /** Columns (by position, which a rename keeps) of tables that existed before the migration and remain, gone after the statement. */
      readonly droppedColumns: readonly DroppedColumn[];
      readonly durationMs: number;
    }
  | { readonly ok: false; readonly error: string };

/** A column a statement dropped, with its table. */
export interface DroppedColumn {
  readonly table: TableRef;
  readonly column: string;
}

/** `posts.status`, `archive.old_posts.title`: for messages and reports. */
export function columnLabel({ table, column }: DroppedColumn): string {
  return `${tableLabel(table)}.${column}`;
}

/** An index rebuilt by a statement, with its table. */
export interface RebuiltIndex {
  /** `posts_title_idx`, schema-qualified outside `public`; a TOAST index's name is an oid, so it is named by its table. */
  readonly index: string;
  readonly table: TableRef;
  readonly toast: boolean;
}

/** `posts_title_idx on posts`, `the TOAST index of posts`: for messages. */
export function describeRebuiltIndex({ index, table, toast }: RebuiltIndex): string {
  return toast ? `the TOAST index of ${tableLabel(table)}` : `${index} on ${tableLabel(table)}`;
}

/** What the shadow measures that a rule of an earlier phase may suspect: a table rewrite, or an index rebuild without one. */
export type MeasuredDanger = 'rewrite' | 'index-rebuild';

export interface MeasuredInput extends CatalogInput {
  readonly measurement: StatementMeasurement;
  /** Whether a rule of an earlier phase already named this measured danger (its finding now says it was measured). */
  explained(danger: MeasuredDanger): boolean;
  /** Whether `SET lock_timeout` ran earlier in the migration. */
  readonly lockTimeoutSet: boolean;
  /** Whether an earlier statement of this migration already earned a finding of this rule. */
  foundBefore(rule: SafetyRuleId): boolean;
}

export interface MigrationInput {
  /** The shadow's catalog once every statement has run. */
  readonly catalog: ShadowCatalog;
  /** Foreign keys the migration added (by constraint oid), with the index of the statement that added each. */
  readonly foreignKeysAddedBy: ReadonlyMap<number, number>;
}

/** One SQLite statement as SQLite's rules see it, after it ran on the shadow with seeded rows. */
export interface SqliteStatementInput {
  readonly statement: SqliteStatement;
  /** Its position in `statements`. */
  readonly index: number;
  /** Every statement of the migration, in order. */
  readonly statements: readonly SqliteStatement[];
  readonly measurement: SqliteMeasurement;
  /** The columns a table had just before the statement ran; null when there was no such table. */
  columnsBefore(table: string): readonly string[] | null;
  /** Whether the ORM's migrator wraps the migration in a transaction, where `PRAGMA foreign_keys` does nothing. */
  readonly migratorTransaction: boolean;
}

/** What running one SQLite statement on the shadow showed, or why it could not run. */
export type SqliteMeasurement =
  | {
      readonly ok: true;
      /** Tables that lost rows while the statement ran, with their counts before and after. */
      readonly rowsLost: ReadonlyArray<{ readonly table: string; readonly before: number; readonly after: number }>;
      readonly durationMs: number;
    }
  | { readonly ok: false; readonly error: string };

/**
 * A finding that holds only because the target lacks a behaviour the shadow may have (a
 * constant default rewrites the table before PostgreSQL 11): a measurement on a shadow that
 * has it does not overrule the finding, which then says why the measurement does not hold.
 */
export interface TargetFinding {
  readonly message: string;
  readonly lacking: PostgresFactId;
}

/** A rule's findings: messages, each one finding. Generators (`function*`, `async function*`) read well here. */
type Messages = Iterable<string | TargetFinding> | AsyncIterable<string | TargetFinding>;

interface RuleFacts<Id extends string> {
  /** A stable id, also the name of the rule's folder: `create-index-not-concurrent`. */
  readonly id: Id;
  readonly severity: Finding['severity'];
  /** The safe alternative in plain PostgreSQL terms; a plugin may say it in its ORM's (`OrmCapabilities.safetyFixes`). */
  readonly fix: string;
  /** The squawk rules that catch the same danger (empty: squawk has none), for the comparison with squawk. */
  readonly squawk: readonly string[];
  /** The danger is one the shadow measures (a table rewrite, an index rebuild): the measurement confirms the finding or overrules it. */
  readonly measuredAs?: MeasuredDanger;
  /** Its cost grows with the table: the finding gets a duration estimate at production size. */
  readonly scansTable?: boolean;
  /** What `--safe` writes instead of a statement this rule judges dangerous. */
  readonly safeForm?: SafeForm;
}

/** One safety rule: its facts, the phase it needs, and its check. */
export type SafetyRuleDefinition<Id extends string = string> = RuleFacts<Id> &
  (
    | { readonly phase: 'parse-tree'; check(input: StatementInput): Messages }
    | { readonly phase: 'catalog'; check(input: CatalogInput): Messages }
    | { readonly phase: 'measurement'; check(input: MeasuredInput): Messages }
    | { readonly phase: 'sqlite-statement'; check(input: SqliteStatementInput): Iterable<string> }
    | {
        readonly phase: 'migration';
        /** Findings that only the finished migration shows, each for the statement (by index) that caused it. */
        check(input: MigrationInput): AsyncIterable<{ readonly statement: number; readonly message: string }>;
      }
  );

/** Declares a rule, keeping its id as a literal type so the list of rules gives the union of ids. */
export function defineSafetyRule<const Id extends string>(rule: SafetyRuleDefinition<Id>): SafetyRuleDefinition<Id> {
  return rule;
}

/** The plugins' fixes in their ORM's terms, by rule id. */
export type SafetyFixes = Partial<Record<SafetyRuleId, string>>;
