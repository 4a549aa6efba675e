import { describeError, OrmAiError } from '../errors.js';
import { quotedTableName, quoteIdentifier, type TableRef } from '../table-ref.js';
import { partitionKeyValues } from './partition-values.js';
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

interface ForeignKey {
  readonly name: string;
  readonly parentOid: string;
  readonly columns: readonly string[];
  readonly referencedColumns: readonly string[];
  /** All its columns are nullable, so a cycle through it can be broken with NULLs. */
  readonly nullable: boolean;
}

interface CatalogTable {
  readonly oid: string;
  readonly ref: TableRef;
  /** The keys whose parents are seeded first. */
  readonly foreignKeys: readonly ForeignKey[];
  /** In a table seeded only as a parent, its nullable keys: their columns get NULL and their parents are not seeded. */
  readonly nulledKeys: readonly ForeignKey[];
}

interface CatalogColumn extends SeedColumn {
  readonly table_oid: string;
  readonly not_null: boolean;
  readonly has_default: boolean;
  /** Identity, generated, or a defaulted primary-key column (serial): the database fills it. */
  readonly database_filled: boolean;
  /** `format_type(atttypid, atttypmod)`: the cast each parameter gets. */
  readonly sql_type: string;
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
  const tables = await readTables(shadow, options.tables);
  const { order, cycleKeys } = orderParentsFirst(tables);
  const columns = await readColumns(shadow, [...tables.keys()]);
  const run: SeedRun = { shadow, tables, cycleKeys, rowsPerTable };
  const seeded: Array<{ table: TableRef; rows: number }> = [];
  const skipped: Array<{ table: TableRef; reason: string }> = [];
  const unseeded = new Set<string>();
  // Grouped once: seeding a table seeds its parents, which on a long chain of foreign keys is most of the schema.
  const columnsOf = new Map<string, CatalogColumn[]>();
  for (const column of columns) {
    const own = columnsOf.get(column.table_oid);
    if (own) own.push(column);
    else columnsOf.set(column.table_oid, [column]);
  }
  for (const table of order) {
    const skippedParent = table.foreignKeys.find((key) => !cycleKeys.has(key) && unseeded.has(key.parentOid));
    const reason = skippedParent
      ? `its parent ${quotedTableName(tables.get(skippedParent.parentOid)!.ref)} was not seeded`
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
async function readTables(shadow: ShadowDatabase, refs: readonly TableRef[]): Promise<Map<string, CatalogTable>> {
  // A sequence named by the migration (ALTER SEQUENCE) stands for the table it feeds (identity, serial, OWNED BY).
  const found = await shadow.query<{ oid: string; schema: string; name: string }>(
    `SELECT DISTINCT t.oid::text AS oid, n.nspname::text AS schema, t.relname::text AS name
     FROM pg_class c JOIN pg_namespace cn ON cn.oid = c.relnamespace
     JOIN pg_class t ON t.oid = CASE WHEN c.relkind = 'S' THEN (
            SELECT d.refobjid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
               AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1) ELSE c.oid END
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE c.relkind IN ('r', 'p', 'S') AND t.relkind IN ('r', 'p')
       AND (cn.nspname::text, c.relname::text) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [refs.map((ref) => ref.schema), refs.map((ref) => ref.name)],
  );
  // Keys cloned onto partitions (conparentid <> 0) repeat their parent key.
  const keys = await shadow.query<{ name: string; child: string; parent: string; parent_schema: string; parent_name: string; columns: string[]; referenced: string[]; nullable: boolean }>(
    `SELECT k.conname::text AS name, k.conrelid::text AS child, k.confrelid::text AS parent,
            n.nspname::text AS parent_schema, p.relname::text AS parent_name,
            ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, position)
                  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.position) AS columns,
            ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, position)
                  JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.position) AS referenced,
            NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) AND a.attnotnull) AS nullable
     FROM pg_constraint k JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace n ON n.oid = p.relnamespace
     WHERE k.contype = 'f' AND k.conparentid = 0
     ORDER BY k.conname`,
  );
  const tables = new Map<string, CatalogTable>();
  const pending = found.map((row) => ({ oid: row.oid, ref: { schema: row.schema, name: row.name }, requested: true }));
  for (const { oid, ref, requested } of pending) {
    if (tables.has(oid)) continue;
    const own = keys.filter((key) => key.child === oid);
    const followed = own.filter((key) => requested || !key.nullable);
    const keyOf = (key: (typeof own)[number]) => ({ name: key.name, parentOid: key.parent, columns: key.columns, referencedColumns: key.referenced, nullable: key.nullable });
    tables.set(oid, { oid, ref, foreignKeys: followed.map(keyOf), nulledKeys: own.filter((key) => !followed.includes(key)).map(keyOf) });
    pending.push(...followed.map((key) => ({ oid: key.parent, ref: { schema: key.parent_schema, name: key.parent_name }, requested: false })));
  }
  return tables;
}

/**
 * Parents before children. When every table left waits on a cycle (a self-reference included),
 * a table in a cycle whose unplaced parents are all behind nullable keys goes next, and those
 * keys are set to NULL; a cycle of NOT NULL keys breaks anywhere, and that table is skipped.
 */
function orderParentsFirst(tables: Map<string, CatalogTable>): { order: CatalogTable[]; cycleKeys: Set<ForeignKey> } {
  const order: CatalogTable[] = [];
  const cycleKeys = new Set<ForeignKey>();
  const placed = new Set<string>();
  const remaining = [...tables.values()];
  const waiting = (table: CatalogTable) => table.foreignKeys.filter((key) => key.parentOid === table.oid || !placed.has(key.parentOid));
  const inCycle = (table: CatalogTable): boolean => {
    const seen = new Set<string>();
    const stack = waiting(table).map((key) => key.parentOid);
    for (let oid = stack.pop(); oid !== undefined; oid = stack.pop()) {
      if (oid === table.oid) return true;
      if (!seen.has(oid)) stack.push(...waiting(tables.get(oid)!).map((key) => key.parentOid));
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

async function readColumns(shadow: ShadowDatabase, tableOids: readonly string[]): Promise<CatalogColumn[]> {
  // A domain column's atttypmod is -1: the length of varchar(3) under it is the domain's typtypmod.
  return shadow.query<CatalogColumn & Record<string, unknown>>(
    `WITH RECURSIVE resolved AS (
       SELECT a.attrelid, a.attnum, a.atttypid AS type_oid, a.atttypmod AS typmod
       FROM pg_attribute a WHERE a.attrelid = ANY ($1::text[]::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
       UNION ALL
       SELECT r.attrelid, r.attnum, t.typbasetype, CASE WHEN r.typmod = -1 THEN t.typtypmod ELSE r.typmod END
       FROM resolved r JOIN pg_type t ON t.oid = r.type_oid WHERE t.typtype = 'd'
     )
     SELECT a.attrelid::text AS table_oid, a.attname::text AS name, a.attnotnull AS not_null, a.atthasdef AS has_default,
            (a.attidentity <> '' OR a.attgenerated <> '' OR (a.atthasdef AND EXISTS (
              SELECT 1 FROM pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype = 'p' AND a.attnum = ANY (k.conkey)))) AS database_filled,
            format_type(a.atttypid, a.atttypmod) AS sql_type, b.typname::text AS base_type,
            b.typcategory::text AS category, r.typmod,
            ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = b.oid ORDER BY e.enumsortorder) AS enum_labels,
            ARRAY(SELECT pg_get_constraintdef(k.oid) FROM resolved d JOIN pg_constraint k ON k.contypid = d.type_oid
                   WHERE d.attrelid = r.attrelid AND d.attnum = r.attnum AND k.contype = 'c' ORDER BY k.oid) AS domain_checks
     FROM resolved r
     JOIN pg_attribute a ON a.attrelid = r.attrelid AND a.attnum = r.attnum
     JOIN pg_type b ON b.oid = r.type_oid AND b.typtype <> 'd'
     ORDER BY a.attrelid, a.attnum`,
    [tableOids],
  );
}

/** What every table's seeding shares. */
interface SeedRun {
  readonly shadow: ShadowDatabase;
  readonly tables: Map<string, CatalogTable>;
  /** Keys that close a cycle (or point at their own table): their columns get NULL. */
  readonly cycleKeys: Set<ForeignKey>;
  readonly rowsPerTable: number;
}

/** Seeds one table in one statement; null when done, else why not. */
async function seedTable(run: SeedRun, table: CatalogTable, columns: readonly CatalogColumn[]): Promise<string | null> {
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
async function columnSources(run: SeedRun, table: CatalogTable, columns: readonly CatalogColumn[]): Promise<Map<CatalogColumn, ValuesAt> | string> {
  const existing = await readExisting(run.shadow, table.ref, columns);
  const sources = new Map<CatalogColumn, ValuesAt>();
  const byName = new Map(columns.map((column) => [column.name, column]));
  for (const key of table.nulledKeys) for (const name of key.columns) sources.set(byName.get(name)!, () => null);
  for (const key of table.foreignKeys) {
    if (run.cycleKeys.has(key)) {
      if (!key.nullable) return `its foreign key "${key.name}" closes a cycle of NOT NULL keys (or references its own table), so no row can be first`;
      for (const name of key.columns) sources.set(byName.get(name)!, () => null);
      continue;
    }
    const parent = run.tables.get(key.parentOid)!.ref;
    const parentRows = await readParentKeys(run.shadow, key, parent);
    if (parentRows.length === 0) return `its parent ${quotedTableName(parent)} has no rows for foreign key "${key.name}" to reference`;
    // Offset by the rows already there, so a second seeding pairs with other parents and unique keys do not repeat.
    key.columns.forEach((name, index) => sources.set(byName.get(name)!, (row) => parentRows[(existing.rows + row) % parentRows.length]![`v${index}`] ?? null));
  }
  for (const column of columns) {
    if (sources.has(column) || column.database_filled) continue;
    const start = Math.max(existing.rows, existing.maxima.get(column.name) ?? 0);
    const generated = await acceptedValues(run, column, start);
    if (generated) sources.set(column, generated);
    else if (column.has_default) continue;
    else if (!column.not_null && (column.domain_checks.length === 0 || (await accepts(run.shadow, column, [null])))) sources.set(column, () => null);
    else if (valueGenerator(column) === null) return `column "${column.name}" has type ${column.sql_type}, which seeding does not support`;
    else return `column "${column.name}" has domain ${column.sql_type}, whose ${column.domain_checks.join(' and ')} rejects every value seeding tries`;
  }
  // A partitioned table (or a partition) takes only rows its partitions' bounds admit.
  // Row r goes to leaf r mod n, as that leaf's row k (counted on from the rows already there);
  // a column the leaf does not constrain keeps its usual value.
  const leaves = (await partitionKeyValues(run.shadow, table.oid)) ?? [];
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
async function acceptedValues(run: SeedRun, column: CatalogColumn, start: number): Promise<ValuesAt | null> {
  for (const generate of valueGenerators(column)) {
    const valuesAt: ValuesAt = (row) => generate(start + row + 1, row);
    if (column.domain_checks.length === 0) return valuesAt;
    const values = Array.from({ length: run.rowsPerTable }, (_, row) => valuesAt(row));
    if (await accepts(run.shadow, column, values)) return valuesAt;
  }
  return null;
}

/** Whether every value casts to the column's type: its domains' CHECKs and NOT NULL hold. */
async function accepts(shadow: ShadowDatabase, column: CatalogColumn, values: ReadonlyArray<string | null>): Promise<boolean> {
  try {
    await shadow.query(`SELECT v::${column.sql_type} FROM unnest($1::text[]) AS v`, [values]);
    return true;
  } catch {
    return false;
  }
}

/** How many rows the table holds, and the largest value of each integer column, to start after. */
async function readExisting(shadow: ShadowDatabase, table: TableRef, columns: readonly CatalogColumn[]): Promise<{ rows: number; maxima: Map<string, number> }> {
  const integers = columns.filter((column) => ['int2', 'int4', 'int8'].includes(column.base_type));
  const maxima = integers.map((column, index) => `max(${quoteIdentifier(column.name)})::text AS "max${index}"`);
  const [row] = await shadow.query<Record<string, string | null>>(`SELECT ${['count(*)::text AS count', ...maxima].join(', ')} FROM ${quotedTableName(table)}`);
  return {
    rows: Number(row?.count ?? 0),
    maxima: new Map(integers.map((column, index) => [column.name, Number(row?.[`max${index}`] ?? 0)])),
  };
}

/** The parent's referenced values as text, `v0`, `v1`..., in insertion order (so new parents come last). */
async function readParentKeys(shadow: ShadowDatabase, key: ForeignKey, parent: TableRef): Promise<Array<Record<string, string>>> {
  const selected = key.referencedColumns.map((name, index) => `${quoteIdentifier(name)}::text AS "v${index}"`);
  const present = key.referencedColumns.map((name) => `${quoteIdentifier(name)} IS NOT NULL`);
  return shadow.query(`SELECT ${selected.join(', ')} FROM ${quotedTableName(parent)} WHERE ${present.join(' AND ')} ORDER BY ctid`);
}

/**
 * One multi-row INSERT, so the table is seeded fully or not at all. Parameters go through text,
 * so both drivers send plain strings and each type's own input function parses them.
 */
async function insertRows(shadow: ShadowDatabase, table: TableRef, sources: ReadonlyArray<[CatalogColumn, ValuesAt]>, rowCount: number): Promise<void> {
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
      tuples.push(`(${sources.map(([column, valueAt]) => `$${params.push(valueAt(row))}::text::${column.sql_type}`).join(', ')})`);
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
