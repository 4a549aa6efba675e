import { parseSql, statementKind } from './parser.js';
import { tableKey, type TableRef } from '../../table-ref.js';
import { lockMode, type LockMode } from './lock-modes.js';
import type { RelationFile } from '../../safety/shadow-catalog.js';
import { alterTableCommands, names, nodeOf, tableOf, tablesNamedIn, type Node } from '../../safety/statement-ast.js';

/** A lock PostgreSQL's documentation gives a statement, on a table that existed before the statement. */
export interface DocumentedLock {
  readonly table: TableRef & { readonly oid: number };
  readonly lock: LockMode;
}

/**
 * Statements PostgreSQL refuses inside a transaction block: their locks cannot be read from
 * pg_locks inside a transaction of the analysis' own, so they come from `documentedLocks`.
 */
export function mustRunOutsideTransaction(kind: string, node: Node): boolean {
  if ((kind === 'IndexStmt' || kind === 'DropStmt') && node.concurrent) return true;
  if (kind === 'ReindexStmt') return isConcurrentReindex(node) || WHOLE_SCHEMA_REINDEX.has(String(node.kind));
  // ANALYZE is a VacuumStmt too, and runs in a transaction; `CLUSTER` with no table does not.
  if (kind === 'VacuumStmt') return node.is_vacuumcmd === true;
  if (kind === 'ClusterStmt') return node.relation === undefined;
  if (concurrentlyDetached(kind, node)) return true;
  return kind === 'CreatedbStmt' || kind === 'DropdbStmt' || kind === 'AlterSystemStmt';
}

/** The partition `ALTER TABLE parent DETACH PARTITION partition CONCURRENTLY` detaches, if the statement is one. */
function concurrentlyDetached(kind: string, node: Node): TableRef | null {
  for (const { subtype, command } of alterTableCommands(kind, node)) {
    const partition = subtype === 'AT_DetachPartition' ? nodeOf<Node>(command.def, 'PartitionCmd') : undefined;
    if (partition?.concurrent) return tableOf(partition.name);
  }
  return null;
}

const WHOLE_SCHEMA_REINDEX = new Set(['REINDEX_OBJECT_SCHEMA', 'REINDEX_OBJECT_DATABASE', 'REINDEX_OBJECT_SYSTEM']);

export function isConcurrentReindex(node: Node): boolean {
  return ((node.params as unknown[] | undefined) ?? []).some((param) => nodeOf<{ defname?: string }>(param, 'DefElem')?.defname === 'concurrently');
}

/** Whether a VACUUM statement has the FULL option (`VACUUM FULL t`, `VACUUM (FULL, ANALYZE) t`). */
export function isVacuumFull(node: Node): boolean {
  return ((node.options as unknown[] | undefined) ?? []).some((option) => nodeOf<{ defname?: string }>(option, 'DefElem')?.defname === 'full');
}

const SHARE_UPDATE_EXCLUSIVE = lockMode('ShareUpdateExclusiveLock');
const SHARE = lockMode('ShareLock');
const ACCESS_EXCLUSIVE = lockMode('AccessExclusiveLock');

/**
 * The table lock PostgreSQL's documentation gives a statement that cannot run in a
 * transaction, on the table it falls on: an index named by the statement is resolved to its
 * table through `relations` (the catalog just before the statement). Sources: the pages of
 * CREATE INDEX, DROP INDEX, REINDEX, VACUUM, CLUSTER and ALTER TABLE (DETACH PARTITION), and "Explicit Locking".
 * `rewritten` are the tables the statement was measured to rewrite: a rewrite always holds
 * ACCESS EXCLUSIVE (it is how `CLUSTER` with no table shows which tables it took).
 */
export function documentedLocks(kind: string, node: Node, relations: readonly RelationFile[], rewritten: readonly TableRef[]): DocumentedLock[] {
  const tables = relations.filter((relation) => relation.kind !== 'i' && !relation.toast);
  const tableNamed = (table: TableRef | null) => (table ? tables.filter((relation) => relation.schema === table.schema && relation.name === table.name).map((relation) => relation.table) : []);
  const tableOfIndex = (index: TableRef | null) =>
    index ? relations.filter((relation) => relation.kind === 'i' && !relation.toast && relation.schema === index.schema && relation.name === index.name).map((relation) => relation.table) : [];
  const locks: DocumentedLock[] = [];
  const add = (lock: LockMode, on: ReadonlyArray<DocumentedLock['table']>) => locks.push(...on.map((table) => ({ table, lock })));

  if (kind === 'IndexStmt') add(SHARE_UPDATE_EXCLUSIVE, tableNamed(tableOf(node.relation)));
  if (kind === 'DropStmt' && node.removeType === 'OBJECT_INDEX') add(SHARE_UPDATE_EXCLUSIVE, ((node.objects as unknown[]) ?? []).flatMap((object) => tableOfIndex(qualified(object))));
  if (kind === 'ReindexStmt') {
    // REINDEX CONCURRENTLY: SHARE UPDATE EXCLUSIVE on the table (and its indexes); plain REINDEX: SHARE on the table.
    const lock = isConcurrentReindex(node) ? SHARE_UPDATE_EXCLUSIVE : SHARE;
    if (node.kind === 'REINDEX_OBJECT_INDEX') add(lock, tableOfIndex(tableOf(node.relation)));
    else if (node.kind === 'REINDEX_OBJECT_TABLE') add(lock, tableNamed(tableOf(node.relation)));
    else if (node.kind === 'REINDEX_OBJECT_SCHEMA') add(lock, tables.filter((relation) => relation.schema === node.name).map((relation) => relation.table));
    else add(lock, tables.map((relation) => relation.table));
  }
  if (kind === 'VacuumStmt') {
    const named = ((node.rels as unknown[]) ?? []).flatMap((rel) => tableNamed(tableOf(nodeOf<Node>(rel, 'VacuumRelation')?.relation)));
    // VACUUM with no table processes every table of the database.
    add(isVacuumFull(node) ? ACCESS_EXCLUSIVE : SHARE_UPDATE_EXCLUSIVE, named.length > 0 ? named : tables.filter((relation) => relation.kind !== 'p').map((relation) => relation.table));
  }
  const detached = concurrentlyDetached(kind, node);
  if (detached) {
    // Its second transaction holds SHARE UPDATE EXCLUSIVE on the parent and ACCESS EXCLUSIVE on the partition.
    add(SHARE_UPDATE_EXCLUSIVE, tableNamed(tableOf(node.relation)));
    add(ACCESS_EXCLUSIVE, tableNamed(detached));
  }
  add(ACCESS_EXCLUSIVE, rewritten.flatMap(tableNamed));
  return locks;
}

const ROW_EXCLUSIVE = lockMode('RowExclusiveLock');
const WRITES_ROWS = new Set(['UpdateStmt', 'DeleteStmt', 'InsertStmt', 'MergeStmt']);

/**
 * The locks of a DO block that commits inside (a batched backfill): each of its transactions
 * takes ROW EXCLUSIVE on the tables its UPDATE, DELETE, INSERT or MERGE statements write, and
 * row locks on the rows of one batch. Its own DDL, if any, is not read here.
 */
export async function doBlockLocks(queries: readonly string[], relations: readonly RelationFile[]): Promise<DocumentedLock[]> {
  const written = new Set<string>();
  for (const query of queries) {
    const parsed = await parseSql(query);
    if (!parsed.ok) continue;
    for (const statement of parsed.statements) {
      const kind = statementKind(statement);
      if (!WRITES_ROWS.has(kind)) continue;
      const target = tableOf((statement.ast[kind] as Node).relation);
      if (target) written.add(tableKey(target));
    }
  }
  return relations
    .filter((relation) => relation.kind !== 'i' && !relation.toast && written.has(tableKey(relation)))
    .map((relation) => ({ table: relation.table, lock: ROW_EXCLUSIVE }));
}

/** A `[schema.]name` list of a DROP statement's object. */
function qualified(object: unknown): TableRef | null {
  const parts = names(nodeOf<{ items?: unknown[] }>(object, 'List')?.items);
  if (parts.length === 0) return null;
  return parts.length > 1 ? { schema: parts[0]!, name: parts.at(-1)! } : { schema: 'public', name: parts[0]! };
}
