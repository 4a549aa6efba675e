import { performance } from 'node:perf_hooks';
import { describeError } from '../errors.js';
import { requireOwnDatabase } from '../shadow/isolated-shadow.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';
import type { ParsedStatement } from '../sql-parser.js';
import { tableKey, tableLabel, type TableRef } from '../table-ref.js';
import { CONCURRENT_BUILD_LOCK, lockMode } from './lock-modes.js';
import type { StatementMeasurement } from './safety-rule.js';
import type { HeldLock, RelationFile, ShadowCatalog } from './shadow-catalog.js';
import { tableOf, tablesNamedIn, type Node } from './statement-ast.js';

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

/**
 * Runs a migration's statements one at a time on the shadow and measures each: the locks
 * it took (from pg_locks inside its own transaction) and the storage files it replaced
 * (relfilenodes before and after), on relations that existed before the migration.
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
    if (kind === 'TransactionStmt') return { ok: true, locks: [], rewrites: [], durationMs: 0 };
    const before = new Map((await this.catalog.relationFiles()).map((relation) => [relation.oid, relation]));
    if (mustRunOutsideTransaction(kind, node)) {
      const started = performance.now();
      try {
        await this.shadow.exec(statement.sql);
      } catch (error) {
        return { ok: false, error: describeError(error) };
      }
      const table = tableOf(node.relation);
      const locks = table ? [{ relation: tableLabel(table), mode: CONCURRENT_BUILD_LOCK.mode, blocks: CONCURRENT_BUILD_LOCK.blocks, measured: false }] : [];
      return { ok: true, locks, rewrites: [], durationMs: performance.now() - started };
    }
    // On an isolated shadow the statement's transaction is a savepoint in a longer one, which
    // keeps the locks earlier statements and the seeding took: only what this one adds is its own.
    const heldBefore = await this.catalog.heldLocks();
    await this.shadow.exec('BEGIN');
    let taken: HeldLock[];
    let measured: { rewrites: TableRef[]; durationMs: number };
    try {
      const started = performance.now();
      await this.shadow.exec(statement.sql);
      const durationMs = performance.now() - started;
      const held = await this.catalog.heldLocks();
      const after = await this.catalog.relationFiles();
      await this.shadow.exec('COMMIT');
      taken = held.filter((lock) => !heldBefore.some((earlier) => earlier.oid === lock.oid && earlier.mode === lock.mode));
      measured = { rewrites: kind === 'TruncateStmt' ? [] : this.#rewritten(before, after), durationMs };
    } catch (error) {
      await this.shadow.exec('ROLLBACK').catch(() => undefined);
      return { ok: false, error: describeError(error) };
    }
    this.#requireUnhiddenLocks(statement, heldBefore, taken);
    return { ok: true, locks: this.#locksOn(taken), ...measured };
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
}

/** Statements PostgreSQL refuses inside a transaction block. */
function mustRunOutsideTransaction(kind: string, node: Node): boolean {
  if ((kind === 'IndexStmt' || kind === 'DropStmt') && node.concurrent) return true;
  if (kind === 'ReindexStmt') return JSON.stringify(node.params ?? []).includes('"concurrently"');
  return kind === 'VacuumStmt' || kind === 'CreatedbStmt' || kind === 'DropdbStmt' || kind === 'AlterSystemStmt';
}
