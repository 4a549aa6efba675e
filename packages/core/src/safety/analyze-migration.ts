import { performance } from 'node:perf_hooks';
import { describeError } from '../errors.js';
import type { Finding } from '../finding.js';
import type { OrmCapabilities } from '../orm-plugin.js';
import { runsInTransaction } from '../shadow/replay-migrations.js';
import { requireOwnDatabase } from '../shadow/isolated-shadow.js';
import { seedTables } from '../shadow/seed-rows.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';
import { parseSql, statementKind, type ParsedStatement } from '../sql-parser.js';
import { blocksWrites, CONCURRENT_BUILD_LOCK, lockMode } from './lock-modes.js';
import { safetyFinding, type SafetyRule } from './safety-rules.js';
import { ShadowCatalog, type HeldLock, type RelationFile } from './shadow-catalog.js';
import { tableKey, tableLabel, type TableRef } from '../table-ref.js';
import { nodeOf, tableOf, tablesNamedIn, type Node } from './statement-ast.js';
import { REWRITE_RULES, staticFindings } from './static-rules.js';

/** A lock a statement held on a relation that existed before the migration. */
export interface StatementLock {
  readonly relation: string;
  /** The documentation's name: `ACCESS EXCLUSIVE`. */
  readonly mode: string;
  /** What other sessions wait for while it is held. */
  readonly blocks: string;
  /** False for CONCURRENTLY statements, which cannot run in a transaction: their lock is PostgreSQL's documented one. */
  readonly measured: boolean;
}

/** How long a statement would hold its lock at production size, scaled from the shadow. */
export interface DurationEstimate {
  readonly table: string;
  readonly rows: number;
  readonly ms: number;
}

export interface StatementAnalysis {
  readonly line: number;
  readonly sql: string;
  readonly findings: readonly Finding[];
  readonly locks: readonly StatementLock[];
  /** Tables whose storage the statement replaced (measured `relfilenode` changes). */
  readonly rewrites: readonly string[];
  /** Wall time on the shadow with seeded rows; null when the statement did not run. */
  readonly durationMs: number | null;
  readonly estimates: readonly DurationEstimate[];
  /** Why the statement has no measurement: the shadow rejected it, or an earlier one. */
  readonly error?: string;
}

export interface MigrationAnalysis {
  readonly path: string;
  readonly statements: readonly StatementAnalysis[];
  /** Rows seeded per table before measuring, and tables that could not be seeded. */
  readonly seeded: ReadonlyArray<{ readonly table: string; readonly rows: number }>;
  readonly unseeded: ReadonlyArray<{ readonly table: string; readonly reason: string }>;
}

/** Row counts at production size, by `schema.table` (from `--rows` or `--stats-url`). */
export type ProductionRows = ReadonlyMap<string, number>;

export interface AnalyzeOptions {
  /** A shadow holding every earlier migration; it is left as it was. */
  readonly prepared: ShadowDatabase;
  readonly path: string;
  readonly sql: string;
  /** How the migrator runs it; `none` for plain SQL files, which run as psql would. */
  readonly transaction: OrmCapabilities['migrationTransaction'];
  readonly fixes?: Partial<Record<SafetyRule, string>> | undefined;
  readonly productionRows?: ProductionRows | undefined;
  /** Rows seeded into each touched table before measuring (default 100, or 2000 when estimating at production size). */
  readonly rowsPerTable?: number | undefined;
}

/** Statement rules whose cost grows with the table: these get a duration estimate at production size. */
const SCANNING_RULES: ReadonlySet<string> = new Set([
  'create-index-not-concurrent',
  'set-not-null-scans-table',
  'constraint-not-valid-missing',
  'unique-without-using-index',
  'unbatched-backfill',
  'add-column-rewrites-table',
  'alter-column-type-rewrites-table',
  'table-rewrite',
]);

/**
 * The safety analysis of one migration: each statement's findings from the parser and the
 * catalog, then run on the prepared shadow, isolated (`ShadowDatabase.isolated`), with seeded
 * rows in the tables it touches, one transaction per statement, reading the locks it took
 * and the tables' storage files before commit. Measured facts overrule static guesses.
 */
export async function analyzeMigration(options: AnalyzeOptions): Promise<MigrationAnalysis> {
  const parsed = await parseSql(options.sql);
  if (!parsed.ok) {
    const finding = safetyFinding('statement-failed', `does not parse as PostgreSQL: ${parsed.message}`, options.fixes);
    return { path: options.path, seeded: [], unseeded: [], statements: [{ line: parsed.line ?? 1, sql: options.sql.trim(), findings: [finding], locks: [], rewrites: [], durationMs: null, estimates: [] }] };
  }
  return options.prepared.isolated({ sql: [options.sql] }, async (shadow) => {
    // With production sizes to scale to, more rows make the shadow's per-row time less about fixed costs.
    const rowsPerTable = options.rowsPerTable ?? (options.productionRows ? 2000 : 100);
    const seeded = await seedTables({ shadow, tables: parsed.statements.flatMap((statement) => tablesNamedIn(statement.ast)), rowsPerTable });
    const run = new MigrationRun(shadow, options, new Map(seeded.seeded.map(({ table, rows }) => [tableKey(table), rows])));
    const statements = await run.analyze(parsed.statements);
    return {
      path: options.path,
      statements,
      seeded: seeded.seeded.map(({ table, rows }) => ({ table: tableLabel(table), rows })),
      unseeded: seeded.skipped.map(({ table, reason }) => ({ table: tableLabel(table), reason })),
    };
  });
}

class MigrationRun {
  readonly #catalog: ShadowCatalog;
  /** Relations that existed before the migration, by oid: only locks on these can block anyone. */
  #existing = new Map<number, RelationFile>();
  readonly #createdTables = new Set<string>();
  #explicitTransaction = false;
  /** Whether the migrator wraps this migration in a transaction (with `script`, only one of several statements). */
  #migratorTransaction = false;
  #lockTimeoutSet = false;
  #lockTimeoutReported = false;
  /** Foreign keys seen so far, and which statement (by index) added each one during the migration. */
  #foreignKeys = new Set<number>();
  readonly #foreignKeysAddedBy = new Map<number, number>();

  constructor(
    private readonly shadow: ShadowDatabase,
    private readonly options: AnalyzeOptions,
    private readonly seededRows: ReadonlyMap<string, number>,
  ) {
    this.#catalog = new ShadowCatalog(shadow);
  }

  async analyze(statements: readonly ParsedStatement[]): Promise<StatementAnalysis[]> {
    this.#migratorTransaction = runsInTransaction(this.options.transaction, statements.length);
    this.#existing = new Map((await this.#catalog.relationFiles()).map((relation) => [relation.oid, relation]));
    this.#foreignKeys = new Set((await this.#catalog.foreignKeys()).map((key) => key.oid));
    const results: StatementAnalysis[] = [];
    let failed: string | null = null;
    for (const statement of statements) {
      if (failed !== null) {
        results.push({ line: statement.line, sql: statement.sql, findings: [], locks: [], rewrites: [], durationMs: null, estimates: [], error: failed });
        continue;
      }
      const analysis = await this.#statement(statement);
      if (!analysis.error && ADDS_FOREIGN_KEYS.has(statementKind(statement))) await this.#noteForeignKeys(results.length);
      if (analysis.error) failed = `not run: the statement at line ${statement.line} failed`;
      results.push(analysis);
    }
    if (failed === null) await this.#unindexedForeignKeys(results);
    return results;
  }

  async #statement(statement: ParsedStatement): Promise<StatementAnalysis> {
    const [kind, node] = Object.entries(statement.ast)[0] as [string, Node];
    const findings = await staticFindings(statement, {
      catalog: this.#catalog,
      isNewTable: (table) => this.#createdTables.has(tableKey(table)),
      inTransaction: this.#migratorTransaction || this.#explicitTransaction,
      migratorTransaction: this.#migratorTransaction,
      fixes: this.options.fixes,
    });
    this.#track(kind, node);
    const measured = await this.#measure(statement, kind, node);
    if ('error' in measured) {
      findings.push(safetyFinding('statement-failed', `The shadow database rejected it: ${measured.error}`, this.options.fixes));
      return { line: statement.line, sql: statement.sql, findings, locks: [], rewrites: [], durationMs: null, estimates: [], error: measured.error };
    }
    const reconciled = this.#reconcile(findings, measured.rewrites, kind);
    if (!this.#lockTimeoutSet && !this.#lockTimeoutReported) {
      const blocking = measured.locks.find((lock) => lock.measured && blocksWrites(lock.mode));
      if (blocking) {
        this.#lockTimeoutReported = true;
        reconciled.push(safetyFinding('lock-timeout-missing', `This statement takes ${blocking.mode} on ${blocking.relation} (measured) with no lock_timeout set: while it waits behind any running transaction on ${blocking.relation}, every query it conflicts with (${blocking.blocks}) queues behind it.`, this.options.fixes));
      }
    }
    return {
      line: statement.line,
      sql: statement.sql,
      findings: reconciled,
      locks: measured.locks,
      rewrites: measured.rewrites.map(tableLabel),
      durationMs: measured.durationMs,
      estimates: this.#estimates(statement, reconciled, measured.durationMs),
    };
  }

  async #noteForeignKeys(statementIndex: number): Promise<void> {
    for (const key of await this.#catalog.foreignKeys()) {
      if (this.#foreignKeys.has(key.oid)) continue;
      this.#foreignKeys.add(key.oid);
      this.#foreignKeysAddedBy.set(key.oid, statementIndex);
    }
  }

  /** Remembers what later statements need: tables created here, an open BEGIN, a lock_timeout. */
  #track(kind: string, node: Node): void {
    const created = kind === 'CreateStmt' || kind === 'CreateTableAsStmt' ? tableOf(node.relation ?? nodeOf<Node>(node.into, 'IntoClause')?.rel) : null;
    if (created) this.#createdTables.add(tableKey(created));
    if (kind === 'TransactionStmt') {
      if (node.kind === 'TRANS_STMT_BEGIN' || node.kind === 'TRANS_STMT_START') this.#explicitTransaction = true;
      if (node.kind === 'TRANS_STMT_COMMIT' || node.kind === 'TRANS_STMT_ROLLBACK') this.#explicitTransaction = false;
    }
    if (kind === 'VariableSetStmt' && node.name === 'lock_timeout' && node.kind === 'VAR_SET_VALUE') this.#lockTimeoutSet = true;
  }

  async #measure(
    statement: ParsedStatement,
    kind: string,
    node: Node,
  ): Promise<{ locks: StatementLock[]; rewrites: TableRef[]; durationMs: number } | { error: string }> {
    // The analysis runs each statement in a transaction of its own; the file's own BEGIN/COMMIT would nest.
    if (kind === 'TransactionStmt') return { locks: [], rewrites: [], durationMs: 0 };
    const before = new Map((await this.#catalog.relationFiles()).map((relation) => [relation.oid, relation]));
    if (mustRunOutsideTransaction(kind, node)) {
      const started = performance.now();
      try {
        await this.shadow.exec(statement.sql);
      } catch (error) {
        return { error: describeError(error) };
      }
      const table = tableOf(node.relation);
      const locks = table ? [{ relation: tableLabel(table), mode: CONCURRENT_BUILD_LOCK.mode, blocks: CONCURRENT_BUILD_LOCK.blocks, measured: false }] : [];
      return { locks, rewrites: [], durationMs: performance.now() - started };
    }
    // On an isolated shadow the statement's transaction is a savepoint in a longer one, which
    // keeps the locks earlier statements and the seeding took: only what this one adds is its own.
    const heldBefore = await this.#catalog.heldLocks();
    await this.shadow.exec('BEGIN');
    let taken: HeldLock[];
    let measured: { rewrites: TableRef[]; durationMs: number };
    try {
      const started = performance.now();
      await this.shadow.exec(statement.sql);
      const durationMs = performance.now() - started;
      const held = await this.#catalog.heldLocks();
      const after = await this.#catalog.relationFiles();
      await this.shadow.exec('COMMIT');
      taken = held.filter((lock) => !heldBefore.some((earlier) => earlier.oid === lock.oid && earlier.mode === lock.mode));
      measured = { rewrites: kind === 'TruncateStmt' ? [] : this.#rewritten(before, after), durationMs };
    } catch (error) {
      await this.shadow.exec('ROLLBACK').catch(() => undefined);
      return { error: describeError(error) };
    }
    this.#requireUnhiddenLocks(statement, heldBefore, taken);
    return { locks: this.#locksOn(taken), ...measured };
  }

  /**
   * A lock the shared transaction already holds does not show again when this statement takes
   * it: where the statement names a table that was locked before it and shows no new lock
   * there, what it takes is unknown, and the analysis runs again on a copy of its own.
   */
  #requireUnhiddenLocks(statement: ParsedStatement, heldBefore: readonly HeldLock[], taken: readonly HeldLock[]): void {
    const lockedBefore = new Set(heldBefore.flatMap((lock) => (this.#existing.has(lock.oid) ? [tableKey(this.#existing.get(lock.oid)!)] : [])));
    const lockedNow = new Set(taken.flatMap((lock) => (this.#existing.has(lock.oid) ? [tableKey(this.#existing.get(lock.oid)!)] : [])));
    const hidden = tablesNamedIn(statement.ast).find((table) => lockedBefore.has(tableKey(table)) && !lockedNow.has(tableKey(table)));
    if (hidden) requireOwnDatabase(this.shadow, `the lock at line ${statement.line} on ${tableLabel(hidden)} may be one an earlier statement holds`);
  }

  /** The strongest lock per table that existed before the migration (an index's lock follows its table's). */
  #locksOn(held: readonly HeldLock[]): StatementLock[] {
    const strongest = new Map<string, ReturnType<typeof lockMode>>();
    for (const lock of held) {
      const relation = this.#existing.get(lock.oid);
      if (!relation || relation.kind === 'i') continue;
      const label = tableLabel(relation);
      const mode = lockMode(lock.mode);
      if ((strongest.get(label)?.rank ?? -1) < mode.rank) strongest.set(label, mode);
    }
    return [...strongest].map(([relation, mode]) => ({ relation, mode: mode.mode, blocks: mode.blocks, measured: true }));
  }

  #rewritten(before: ReadonlyMap<number, RelationFile>, after: readonly RelationFile[]): TableRef[] {
    return after
      .filter((relation) => relation.kind !== 'i' && this.#existing.has(relation.oid))
      .filter((relation) => {
        const previous = before.get(relation.oid);
        return previous !== undefined && previous.filenode !== relation.filenode;
      })
      .map((relation) => ({ schema: relation.schema, name: relation.name }));
  }

  /** Measured facts outrank the parser's suspicion, in both directions. */
  #reconcile(findings: Finding[], rewrites: readonly TableRef[], kind: string): Finding[] {
    const suspected = findings.filter((finding) => REWRITE_RULES.has(finding.rule as SafetyRule));
    if (rewrites.length === 0) {
      // Only a statement that ran in a transaction was measured; CONCURRENTLY ones never rewrite.
      return findings.filter((finding) => !suspected.includes(finding));
    }
    const tables = rewrites.map(tableLabel).join(', ');
    if (suspected.length > 0) {
      return findings.map((finding) => (suspected.includes(finding) ? { ...finding, message: `${finding.message} Measured on the shadow: ${tables} rewritten.` } : finding));
    }
    const what = kind === 'AlterTableStmt' ? 'This ALTER TABLE' : 'This statement';
    return [...findings, safetyFinding('table-rewrite', `${what} rewrote ${tables} (measured: the storage file changed on the shadow), holding ACCESS EXCLUSIVE for the whole rewrite.`, this.options.fixes)];
  }

  #estimates(statement: ParsedStatement, findings: readonly Finding[], durationMs: number): DurationEstimate[] {
    const production = this.options.productionRows;
    if (!production || !findings.some((finding) => SCANNING_RULES.has(finding.rule))) return [];
    const estimates: DurationEstimate[] = [];
    for (const table of tablesNamedIn(statement.ast)) {
      const rows = production.get(tableKey(table));
      const seeded = this.seededRows.get(tableKey(table));
      if (rows === undefined || !seeded) continue;
      // Linear in rows from the shadow's own time, fixed costs included: errs on the long side.
      estimates.push({ table: tableLabel(table), rows, ms: Math.round((durationMs / seeded) * rows) });
    }
    return estimates;
  }

  /** Foreign keys the migration added whose referencing columns lead no index once it has run (a later CREATE INDEX counts). */
  async #unindexedForeignKeys(results: StatementAnalysis[]): Promise<void> {
    for (const key of await this.#catalog.foreignKeys()) {
      const added = this.#foreignKeysAddedBy.get(key.oid);
      if (added === undefined || key.indexed) continue;
      const finding = safetyFinding('foreign-key-without-index', `Foreign key ${key.name} on ${tableLabel(key.table)} (${key.columns.join(', ')}) has no index on its columns.`, this.options.fixes);
      results[added] = { ...results[added]!, findings: [...results[added]!.findings, finding] };
    }
  }
}

/** The statements that can add a foreign key. */
const ADDS_FOREIGN_KEYS = new Set(['CreateStmt', 'AlterTableStmt']);

/** Statements PostgreSQL refuses inside a transaction block. */
function mustRunOutsideTransaction(kind: string, node: Node): boolean {
  if ((kind === 'IndexStmt' || kind === 'DropStmt') && node.concurrent) return true;
  if (kind === 'ReindexStmt') return JSON.stringify(node.params ?? []).includes('"concurrently"');
  return kind === 'VacuumStmt' || kind === 'CreatedbStmt' || kind === 'DropdbStmt' || kind === 'AlterSystemStmt';
}
