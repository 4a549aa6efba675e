import { performance } from 'node:perf_hooks';
import { describeError } from '../errors.js';
import { requireOwnDatabase } from '../shadow/isolated-shadow.js';
import { opensSessions, type ShadowDatabase } from '../shadow/shadow-database.js';
import { doBlockBody, type ParsedStatement } from '../dialect/postgres/parser.js';
import { tableKey, tableLabel, type TableRef } from '../table-ref.js';
import { doBlockLocks, documentedLocks, mustRunOutsideTransaction } from '../dialect/postgres/documented-locks.js';
import { lockMode, type LockMode } from '../dialect/postgres/lock-modes.js';
import { runWithLockProbe } from '../dialect/postgres/lock-probe.js';
import type { DroppedColumn, StatementMeasurement } from './safety-rule.js';
import type { HeldLock, RelationFile, ShadowCatalog } from './shadow-catalog.js';
import { tablesNamedIn, type Node } from './statement-ast.js';

/** A lock a statement held on a relation that existed before the migration. */
export interface StatementLock {
  readonly relation: string;
  /** The documentation's name: `ACCESS EXCLUSIVE`. */
  readonly mode: string;
  /** What other sessions wait for while it is held. */
  readonly blocks: string;
  /** False when the lock is PostgreSQL's documented one: a statement that cannot run in a transaction (VACUUM, CONCURRENTLY) on a shadow without a second session to probe it. */
  readonly measured: boolean;
}

/**
 * Runs a migration's statements one at a time on the shadow and measures each: the locks
 * it took (from pg_locks inside its own transaction) and the storage files it replaced
 * (relfilenodes before and after of tables, their indexes, TOAST tables and materialized
 * views), and the tables and columns it dropped, on relations that existed before the migration.
 */
export class StatementMeasurer {
  /** Relations that existed before the migration, by oid: only locks on these can block anyone. */
  #existing = new Map<number, RelationFile>();

  constructor(
    private readonly shadow: ShadowDatabase,
    private readonly catalog: ShadowCatalog,
  ) {}

  /** Notes the relations that exist before the first statement. */
  async start(): Promise<void> {
    this.#existing = new Map((await this.catalog.relationFiles()).map((relation) => [relation.oid, relation]));
  }

  async measure(statement: ParsedStatement, kind: string, node: Node): Promise<StatementMeasurement> {
    // The analysis runs each statement in a transaction of its own; the file's own BEGIN/COMMIT would nest.
    if (kind === 'TransactionStmt') return { ok: true, locks: [], rewrites: [], rebuiltIndexes: [], dropped: [], droppedColumns: [], durationMs: 0 };
    const before = await this.catalog.relationFiles();
    const doBlock = doBlockBody(statement);
    if (mustRunOutsideTransaction(kind, node) || doBlock?.commits) return this.#measureOutsideTransaction(statement, kind, node, before, doBlock?.queries ?? []);
    // On an isolated shadow the statement's transaction is a savepoint in a longer one, which
    // keeps the locks earlier statements and the seeding took: only what this one adds is its own.
    const heldBefore = await this.catalog.heldLocks();
    await this.shadow.exec('BEGIN');
    let taken: HeldLock[];
    let measured: StorageChanges & { durationMs: number };
    try {
      const started = performance.now();
      await this.shadow.exec(statement.sql);
      const durationMs = performance.now() - started;
      const held = await this.catalog.heldLocks();
      const after = await this.catalog.relationFiles();
      await this.shadow.exec('COMMIT');
      taken = held.filter((lock) => !heldBefore.some((earlier) => earlier.oid === lock.oid && earlier.mode === lock.mode));
      measured = { ...this.#storageChanges(kind, before, after), durationMs };
    } catch (error) {
      await this.shadow.exec('ROLLBACK').catch(() => undefined);
      return { ok: false, error: describeError(error) };
    }
    this.#requireUnhiddenLocks(statement, heldBefore, taken);
    return { ok: true, locks: this.#locksOn(taken), ...measured };
  }

  /**
   * A statement PostgreSQL refuses inside a transaction block (`VACUUM`, `... CONCURRENTLY`):
   * its storage changes are measured the same way; its locks are PostgreSQL's documented
   * ones, on the table each falls on, except where the shadow offers a second session (a
   * server): there the lock it queues for on its first table is measured by a probe
   * (`runWithLockProbe`). Embedded PGlite has a single session.
   */
  async #measureOutsideTransaction(statement: ParsedStatement, kind: string, node: Node, before: readonly RelationFile[], doBlockQueries: readonly string[]): Promise<StatementMeasurement> {
    const documented = async (rewritten: readonly TableRef[]) => [...documentedLocks(kind, node, before, rewritten), ...(await doBlockLocks(doBlockQueries, before))];
    const probed = (await documented([])).find(({ table }) => this.#existing.has(table.oid))?.table;
    const started = performance.now();
    let probedMode: string | null = null;
    try {
      if (probed && opensSessions(this.shadow)) probedMode = await runWithLockProbe(this.shadow, statement.sql, probed);
      else await this.shadow.exec(statement.sql);
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
    const durationMs = performance.now() - started;
    const changes = this.#storageChanges(kind, before, await this.catalog.relationFiles());
    const strongest = new Map<string, StatementLock & { rank: number }>();
    const note = (table: TableRef, lock: LockMode, measured: boolean) => {
      const label = tableLabel(table);
      if ((strongest.get(label)?.rank ?? -1) < lock.rank) strongest.set(label, { relation: label, mode: lock.mode, blocks: lock.blocks, measured, rank: lock.rank });
    };
    // The probe sees the lock the statement queues for first: it stands unless the documentation names a stronger one.
    if (probed && probedMode !== null) note(probed, lockMode(probedMode), true);
    for (const { table, lock } of await documented(changes.rewrites)) if (this.#existing.has(table.oid)) note(table, lock, false);
    const locks = [...strongest.values()].map(({ rank: _rank, ...lock }) => lock);
    return { ok: true, locks, ...changes, durationMs };
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
      if (!relation || relation.kind === 'i' || relation.toast) continue;
      const label = tableLabel(relation);
      const mode = lockMode(lock.mode);
      if ((strongest.get(label)?.rank ?? -1) < mode.rank) strongest.set(label, mode);
    }
    return [...strongest].map(([relation, mode]) => ({ relation, mode: mode.mode, blocks: mode.blocks, measured: true }));
  }

  /** What the statement did to the storage of tables that existed before the migration, from relfilenodes before and after. */
  #storageChanges(kind: string, before: readonly RelationFile[], after: readonly RelationFile[]): StorageChanges {
    const existingTables = (relations: readonly RelationFile[]) => relations.filter((relation) => this.#existing.has(relation.table.oid));
    const earlier = existingTables(before);
    const later = existingTables(after);
    const filenodeBefore = new Map(earlier.map((relation) => [relation.oid, relation.filenode]));
    // TRUNCATE gives the table and its indexes new files but rewrites no row: truncate-table says what it does.
    const rewritten = kind === 'TruncateStmt' ? [] : later.filter((relation) => relation.kind !== 'i' && filenodeBefore.has(relation.oid) && filenodeBefore.get(relation.oid) !== relation.filenode);
    const rewrites = unique(rewritten.map((relation) => relation.table));
    const rewrittenOids = new Set(rewrites.map((table) => table.oid));
    const oldFiles = new Set(earlier.map((relation) => relation.filenode));
    const indexKey = (relation: RelationFile) => `${relation.table.oid} ${relation.toast ? '' : tableKey(relation)}`;
    const indexesBefore = new Set(earlier.filter((relation) => relation.kind === 'i').map(indexKey));
    // An index a statement rebuilds may come back under a new oid with its old name (ALTER
    // COLUMN TYPE, REINDEX CONCURRENTLY); one it keeps keeps its file, even under a new oid.
    const rebuilt = kind === 'TruncateStmt' ? [] : later.filter((relation) => relation.kind === 'i' && relation.filenode !== 0 && !rewrittenOids.has(relation.table.oid) && indexesBefore.has(indexKey(relation)) && !oldFiles.has(relation.filenode));
    const stillThere = new Set(after.map((relation) => relation.oid));
    // Sorted, so reports and golden files do not depend on the catalog's row order.
    return {
      rewrites: sortedTables(rewrites),
      rebuiltIndexes: rebuilt
        .map((relation) => ({ index: tableLabel(relation), table: { schema: relation.table.schema, name: relation.table.name }, toast: relation.toast }))
        .sort((a, b) => compare(tableKey(a.table), tableKey(b.table)) || Number(a.toast) - Number(b.toast) || compare(a.index, b.index)),
      dropped: sortedTables(earlier.filter((relation) => relation.kind !== 'i' && !relation.toast && !stillThere.has(relation.oid))),
      droppedColumns: droppedColumns(earlier, later),
    };
  }
}

type StorageChanges = Pick<Extract<StatementMeasurement, { ok: true }>, 'rewrites' | 'rebuiltIndexes' | 'dropped' | 'droppedColumns'>;

/**
 * Columns of tables that are still there whose position is gone (a rename keeps it): what a
 * DROP TYPE, DOMAIN, COLLATION, EXTENSION or FUNCTION ... CASCADE takes with it, as a
 * DROP COLUMN does. A dropped table's columns are its own fact (`dropped`).
 */
function droppedColumns(before: readonly RelationFile[], after: readonly RelationFile[]): DroppedColumn[] {
  const columnsAfter = new Map(after.map((relation) => [relation.oid, new Set(relation.columns.map((column) => column.position))]));
  return before
    .filter((relation) => relation.oid === relation.table.oid && columnsAfter.has(relation.oid))
    .sort((a, b) => compare(tableKey(a), tableKey(b)))
    .flatMap((relation) =>
      relation.columns.filter((column) => !columnsAfter.get(relation.oid)!.has(column.position)).map((column) => ({ table: { schema: relation.schema, name: relation.name }, column: column.name })),
    );
}

function sortedTables(tables: readonly TableRef[]): TableRef[] {
  return tables.map(({ schema, name }) => ({ schema, name })).sort((a, b) => compare(tableKey(a), tableKey(b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unique<T extends { readonly oid: number }>(items: readonly T[]): T[] {
  return [...new Map(items.map((item) => [item.oid, item])).values()];
}
