import { describeError, OrmAiError } from '../errors.js';
import { quotedTableName, quoteIdentifier, type TableRef } from '../table-ref.js';
import { PostgresCatalogReader, type CatalogColumn, type ColumnFacts, type ReferencingForeignKey } from '../dialect/postgres/catalog-reader.js';
import { partitionKeyValues, readPartitionTree, type PartitionTree } from './partition-values.js';
import { valueGenerator, valueGenerators, type SeedColumn } from './seed-values.js';
import type { ShadowDatabase } from './shadow-database.js';

export interface SeedResult {
  /** Tables that received rows, parents first, with how many rows were inserted. */
  readonly seeded: ReadonlyArray<{ readonly table: TableRef; readonly rows: number }>;
  /** Tables that could not be seeded, and why (the database's error, or an unsupported column type). */
  readonly skipped: ReadonlyArray<{ readonly table: TableRef; readonly reason: string }>;
}

export interface SeedOptions {
  readonly shadow: ShadowDatabase;
  /** The tables to fill (a sequence stands for the table it feeds); their foreign-key parents are filled too, first. Unknown tables are ignored. */
  readonly tables: readonly TableRef[];
  /** Rows per table (default 100). */
  readonly rowsPerTable?: number;
}

interface CatalogTable {
  readonly oid: number;
  readonly ref: TableRef;
  /** The keys whose parents are seeded first. */
  readonly foreignKeys: readonly ReferencingForeignKey[];
  /** In a table seeded only as a parent, its nullable keys: their columns get NULL and their parents are not seeded. */
  readonly nulledKeys: readonly ReferencingForeignKey[];
}

/** A column with the facts seeding needs; `type` (`format_type`) is the cast each parameter gets. */
interface SeededColumn extends CatalogColumn, ColumnFacts, SeedColumn {
  readonly inPrimaryKey: boolean;
  /** Identity, generated, or a defaulted primary-key column (serial): the database fills it. */
  readonly databaseFilled: boolean;
}

/** A column's value (as text, or NULL) for row index `row` of this seeding. */
type ValuesAt = (row: number) => string | null;

const DEFAULT_ROWS_PER_TABLE = 100;
// PostgreSQL's Bind message counts parameters in 16 bits.
const MAX_PARAMETERS = 65_535;

/**
 * Fills the given tables of a shadow (and, first, the tables they reference) with `rowsPerTable`
 * rows each, one INSERT per table, so migrations can be measured on non-empty tables. Every
 * column gets a non-null value except those the database fills, the foreign keys of a
 * self-reference or cycle, and the nullable foreign keys of a table filled only as a parent:
 * a chain of optional references would otherwise fill most of a wide schema (half of it, 500
 * tables, for one column added in the middle of a 1,000-table chain), while no statement on the
 * requested tables reads those columns without naming their table, which is then requested.
 * A table the database rejects is reported in `skipped`, with its children.
 *
 * @example
 * const { seeded, skipped } = await seedTables({ shadow, tables: [{ schema: 'public', name: 'comments' }] });
 */
export async function seedTables(options: SeedOptions): Promise<SeedResult> {
  const { shadow, rowsPerTable = DEFAULT_ROWS_PER_TABLE } = options;
  if (!Number.isInteger(rowsPerTable) || rowsPerTable < 1) {
    throw new OrmAiError('USAGE', `rowsPerTable must be a positive integer, got ${rowsPerTable}`, { hint: 'Omit it for 100 rows per table.' });
  }
  const reader = new PostgresCatalogReader(shadow);
  const tables = await readTables(reader, options.tables);
  if (tables.size === 0) return { seeded: [], skipped: [] };
  const { order, cycleKeys } = orderParentsFirst(tables);
  const columns = await readColumns(reader, [...tables.keys()]);
  const run: SeedRun = { shadow, tables, cycleKeys, rowsPerTable, partitions: await readPartitionTree(shadow) };
  const seeded: Array<{ table: TableRef; rows: number }> = [];
  const skipped: Array<{ table: TableRef; reason: string }> = [];
  const unseeded = new Set<number>();
  // Grouped once: seeding a table seeds its parents, which on a long chain of foreign keys is most of the schema.
  const columnsOf = new Map<number, SeededColumn[]>();
  for (const column of columns) {
    const own = columnsOf.get(column.tableOid);
    if (own) own.push(column);
    else columnsOf.set(column.tableOid, [column]);
  }
  for (const table of order) {
    const skippedParent = table.foreignKeys.find((key) => !cycleKeys.has(key) && unseeded.has(key.parent.oid));
    const reason = skippedParent
      ? `its parent ${quotedTableName(tables.get(skippedParent.parent.oid)!.ref)} was not seeded`
      : await seedTable(run, table, columnsOf.get(table.oid) ?? []);
    if (reason === null) seeded.push({ table: table.ref, rows: rowsPerTable });
    else {
      unseeded.add(table.oid);
      skipped.push({ table: table.ref, reason });
    }
  }
  return { seeded, skipped };
}

/**
 * The requested ordinary tables and, recursively, the tables their foreign keys reference: every
 * key of a requested table, only the NOT NULL keys of a table reached as a parent.
 */
async function readTables(reader: PostgresCatalogReader, refs: readonly TableRef[]): Promise<Map<number, CatalogTable>> {
  const found = await reader.tablesNamed(refs);
  const keys = await reader.referencingForeignKeys();
  const tables = new Map<number, CatalogTable>();
  const pending = found.map(({ oid, schema, name }) => ({ oid, ref: { schema, name }, requested: true }));
  for (const { oid, ref, requested } of pending) {
    if (tables.has(oid)) continue;
    const own = keys.filter((key) => key.table.oid === oid);
    const followed = own.filter((key) => requested || !key.nullable);
    tables.set(oid, { oid, ref, foreignKeys: followed, nulledKeys: own.filter((key) => !followed.includes(key)) });
    pending.push(...followed.map(({ parent }) => ({ oid: parent.oid, ref: { schema: parent.schema, name: parent.name }, requested: false })));
  }
  return tables;
}

/**
 * Parents before children. When every table left waits on a cycle (a self-reference included),
 * a table in a cycle whose unplaced parents are all behind nullable keys goes next, and those
 * keys are set to NULL; a cycle of NOT NULL keys breaks anywhere, and that table is skipped.
 */
function orderParentsFirst(tables: Map<number, CatalogTable>): { order: CatalogTable[]; cycleKeys: Set<ReferencingForeignKey> } {
  const order: CatalogTable[] = [];
  const cycleKeys = new Set<ReferencingForeignKey>();
  const placed = new Set<number>();
  const remaining = [...tables.values()];
  const waiting = (table: CatalogTable) => table.foreignKeys.filter((key) => key.parent.oid === table.oid || !placed.has(key.parent.oid));
  const inCycle = (table: CatalogTable): boolean => {
    const seen = new Set<number>();
    const stack = waiting(table).map((key) => key.parent.oid);
    for (let oid = stack.pop(); oid !== undefined; oid = stack.pop()) {
      if (oid === table.oid) return true;
      if (!seen.has(oid)) stack.push(...waiting(tables.get(oid)!).map((key) => key.parent.oid));
      seen.add(oid);
    }
    return false;
  };
  while (remaining.length > 0) {
    let index = remaining.findIndex((table) => waiting(table).length === 0);
    if (index < 0) index = remaining.findIndex((table) => waiting(table).every((key) => key.nullable) && inCycle(table));
    if (index < 0) index = remaining.findIndex(inCycle);
    const [next] = remaining.splice(index, 1) as [CatalogTable];
    for (const key of waiting(next)) cycleKeys.add(key);
    placed.add(next.oid);
    order.push(next);
  }
  return { order, cycleKeys };
}

async function readColumns(reader: PostgresCatalogReader, tableOids: readonly number[]): Promise<SeededColumn[]> {
  return (await reader.columnsWithBaseTypes(tableOids)).map((column) => ({
    tableOid: column.tableOid,
    name: column.name,
    type: column.type,
    notNull: column.notNull,
    hasDefault: column.hasDefault,
    identity: column.identity,
    generated: column.generated,
    inPrimaryKey: column.inPrimaryKey,
    databaseFilled: column.identity !== null || column.generated || (column.hasDefault && column.inPrimaryKey),
    base_type: column.base.name,
    category: column.base.category,
    typmod: column.base.typmod,
    enum_labels: column.base.enumLabels,
    domain_checks: column.base.domainChecks,
  }));
}

/** What every table's seeding shares. */
interface SeedRun {
  readonly shadow: ShadowDatabase;
  readonly tables: Map<number, CatalogTable>;
  /** Keys that close a cycle (or point at their own table): their columns get NULL. */
  readonly cycleKeys: Set<ReferencingForeignKey>;
  readonly rowsPerTable: number;
  /** Read once: seeding adds rows, never partitions. */
  readonly partitions: PartitionTree;
}

/** Seeds one table in one statement; null when done, else why not. */
async function seedTable(run: SeedRun, table: CatalogTable, columns: readonly SeededColumn[]): Promise<string | null> {
  try {
    const sources = await columnSources(run, table, columns);
    if (typeof sources === 'string') return sources;
    await insertRows(run.shadow, table.ref, [...sources], run.rowsPerTable);
    return null;
  } catch (error) {
    return `the database rejected it: ${describeError(error)}`;
  }
}

/** Where each inserted column's values come from, or why the table cannot be seeded. */
async function columnSources(run: SeedRun, table: CatalogTable, columns: readonly SeededColumn[]): Promise<Map<SeededColumn, ValuesAt> | string> {
  const existing = await readExisting(run.shadow, table.ref, columns);
  const sources = new Map<SeededColumn, ValuesAt>();
  const byName = new Map(columns.map((column) => [column.name, column]));
  for (const key of table.nulledKeys) for (const name of key.columns) sources.set(byName.get(name)!, () => null);
  for (const key of table.foreignKeys) {
    if (run.cycleKeys.has(key)) {
      if (!key.nullable) return `its foreign key "${key.name}" closes a cycle of NOT NULL keys (or references its own table), so no row can be first`;
      for (const name of key.columns) sources.set(byName.get(name)!, () => null);
      continue;
    }
    const parent = run.tables.get(key.parent.oid)!.ref;
    const parentRows = await readParentKeys(run.shadow, key, parent);
    if (parentRows.length === 0) return `its parent ${quotedTableName(parent)} has no rows for foreign key "${key.name}" to reference`;
    // Offset by the rows already there, so a second seeding pairs with other parents and unique keys do not repeat.
    key.columns.forEach((name, index) => sources.set(byName.get(name)!, (row) => parentRows[(existing.rows + row) % parentRows.length]![`v${index}`] ?? null));
  }
  for (const column of columns) {
    if (sources.has(column) || column.databaseFilled) continue;
    const start = Math.max(existing.rows, existing.maxima.get(column.name) ?? 0);
    const generated = await acceptedValues(run, column, start);
    if (generated) sources.set(column, generated);
    else if (column.hasDefault) continue;
    else if (!column.notNull && (column.domain_checks.length === 0 || (await accepts(run.shadow, column, [null])))) sources.set(column, () => null);
    else if (valueGenerator(column) === null) return `column "${column.name}" has type ${column.type}, which seeding does not support`;
    else return `column "${column.name}" has domain ${column.type}, whose ${column.domain_checks.join(' and ')} rejects every value seeding tries`;
  }
  // A partitioned table (or a partition) takes only rows its partitions' bounds admit.
  // Row r goes to leaf r mod n, as that leaf's row k (counted on from the rows already there);
  // a column the leaf does not constrain keeps its usual value.
  const leaves = (await partitionKeyValues(run.partitions, table.oid)) ?? [];
  for (const name of new Set(leaves.flatMap((leaf) => [...leaf.keys()]))) {
    const column = byName.get(name)!;
    const usual = sources.get(column);
    sources.set(column, (row) => {
      const valueAt = leaves[row % leaves.length]!.get(name);
      return valueAt ? valueAt(Math.floor((existing.rows + row) / leaves.length)) : (usual?.(row) ?? null);
    });
  }
  return sources;
}

/**
 * The column's values for this seeding: the first generator whose values the column's domains
 * accept (each domain CHECK is tried on the real rows' values before inserting), or null.
 */
async function acceptedValues(run: SeedRun, column: SeededColumn, start: number): Promise<ValuesAt | null> {
  for (const generate of valueGenerators(column)) {
    const valuesAt: ValuesAt = (row) => generate(start + row + 1, row);
    if (column.domain_checks.length === 0) return valuesAt;
    const values = Array.from({ length: run.rowsPerTable }, (_, row) => valuesAt(row));
    if (await accepts(run.shadow, column, values)) return valuesAt;
  }
  return null;
}

/** Whether every value casts to the column's type: its domains' CHECKs and NOT NULL hold. */
async function accepts(shadow: ShadowDatabase, column: SeededColumn, values: ReadonlyArray<string | null>): Promise<boolean> {
  try {
    await shadow.query(`SELECT v::${column.type} FROM unnest($1::text[]) AS v`, [values]);
    return true;
  } catch {
    return false;
  }
}

/** How many rows the table holds, and the largest value of each integer column, to start after. */
async function readExisting(shadow: ShadowDatabase, table: TableRef, columns: readonly SeededColumn[]): Promise<{ rows: number; maxima: Map<string, number> }> {
  const integers = columns.filter((column) => ['int2', 'int4', 'int8'].includes(column.base_type));
  const maxima = integers.map((column, index) => `max(${quoteIdentifier(column.name)})::text AS "max${index}"`);
  const [row] = await shadow.query<Record<string, string | null>>(`SELECT ${['count(*)::text AS count', ...maxima].join(', ')} FROM ${quotedTableName(table)}`);
  return {
    rows: Number(row?.count ?? 0),
    maxima: new Map(integers.map((column, index) => [column.name, Number(row?.[`max${index}`] ?? 0)])),
  };
}

/** The parent's referenced values as text, `v0`, `v1`..., in insertion order (so new parents come last). */
async function readParentKeys(shadow: ShadowDatabase, key: ReferencingForeignKey, parent: TableRef): Promise<Array<Record<string, string>>> {
  const selected = key.referencedColumns.map((name, index) => `${quoteIdentifier(name)}::text AS "v${index}"`);
  const present = key.referencedColumns.map((name) => `${quoteIdentifier(name)} IS NOT NULL`);
  return shadow.query(`SELECT ${selected.join(', ')} FROM ${quotedTableName(parent)} WHERE ${present.join(' AND ')} ORDER BY ctid`);
}

/**
 * One multi-row INSERT, so the table is seeded fully or not at all. Parameters go through text,
 * so both drivers send plain strings and each type's own input function parses them.
 */
async function insertRows(shadow: ShadowDatabase, table: TableRef, sources: ReadonlyArray<[SeededColumn, ValuesAt]>, rowCount: number): Promise<void> {
  if (sources.length === 0) {
    await shadow.query(`INSERT INTO ${quotedTableName(table)} SELECT FROM generate_series(1, ${rowCount})`);
    return;
  }
  const rowsPerStatement = Math.floor(MAX_PARAMETERS / sources.length);
  const statements: Array<{ sql: string; params: Array<string | null> }> = [];
  for (let first = 0; first < rowCount; first += rowsPerStatement) {
    const params: Array<string | null> = [];
    const tuples: string[] = [];
    for (let row = first; row < Math.min(rowCount, first + rowsPerStatement); row += 1) {
      tuples.push(`(${sources.map(([column, valueAt]) => `$${params.push(valueAt(row))}::text::${column.type}`).join(', ')})`);
    }
    const columnList = sources.map(([column]) => quoteIdentifier(column.name)).join(', ');
    statements.push({ sql: `INSERT INTO ${quotedTableName(table)} (${columnList}) VALUES ${tuples.join(', ')}`, params });
  }
  // Past the parameter limit the rows take several statements: a transaction keeps them all-or-nothing.
  const inTransaction = statements.length > 1;
  if (inTransaction) await shadow.exec('BEGIN');
  try {
    for (const statement of statements) await shadow.query(statement.sql, statement.params);
    if (inTransaction) await shadow.exec('COMMIT');
  } catch (error) {
    if (inTransaction) await shadow.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
