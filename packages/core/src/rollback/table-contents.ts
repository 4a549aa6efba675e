import { quotedTableName, quoteIdentifier, tableLabel, type TableRef } from '../table-ref.js';
import { PostgresCatalogReader, type PlacedColumn } from '../dialect/postgres/catalog-reader.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';

/**
 * The rows of some tables on a shadow, every value as text, so a migration's effect on
 * existing data can be measured rather than guessed. Tables and columns are identified by
 * the catalog (`oid`, `attnum`) as well as by name: a renamed column keeps its `attnum`,
 * a dropped-and-added one does not, so a rename done as DROP + ADD shows as a loss.
 */
export interface TableContents {
  readonly oid: number;
  readonly table: TableRef;
  readonly columns: readonly ContentColumn[];
  /** Positions in `columns` of the primary key; null without one (rows are then only counted). */
  readonly key: readonly number[] | null;
  /** Each row's values in `columns` order, by its primary key's values. */
  readonly rows: ReadonlyMap<string, ReadonlyArray<string | null>>;
  readonly rowCount: number;
}

export interface ContentColumn {
  readonly attnum: number;
  readonly name: string;
  /** `format_type(atttypid, atttypmod)`: `numeric(10,2)`, `character varying(20)`. */
  readonly type: string;
}

/** What a migration did to rows that existed before it, per table or column. */
export interface DataChange {
  /** `public.posts`, or `public.posts.title` for a column. */
  readonly target: string;
  readonly kind: 'table-dropped' | 'rows-lost' | 'column-dropped' | 'nulled' | 'truncated' | 'changed';
  /** Rows or values affected. */
  readonly count: number;
  /** Rows (or non-null values) there were. */
  readonly of: number;
  /** One affected value, before and after, for a person to see what happened. */
  readonly example?: { readonly before: string | null; readonly after: string | null };
}

/**
 * Reads tables with every row, chosen by name or by `oid` (which follows a table through a
 * rename); a table that does not exist is left out.
 */
export async function readTableContents(shadow: ShadowDatabase, selection: { tables: readonly TableRef[] } | { oids: readonly number[] }): Promise<TableContents[]> {
  const reader = new PostgresCatalogReader(shadow);
  const byOid = new Map<number, PlacedColumn[]>();
  for (const column of await reader.columns(selection)) {
    const columns = byOid.get(column.tableOid);
    if (columns) columns.push(column);
    else byOid.set(column.tableOid, [column]);
  }
  const tables = [...byOid].map(([oid, columns]) => ({
    oid,
    table: { schema: columns[0]!.schema, name: columns[0]!.table },
    columns: columns.map((column) => ({ attnum: column.position, name: column.name, type: column.type })),
    keyPositions: columns.flatMap((column, index) => (column.inPrimaryKey ? [index] : [])),
  }));
  const contents: TableContents[] = [];
  for (let start = 0; start < tables.length; start += TABLES_PER_READ) {
    const batch = tables.slice(start, start + TABLES_PER_READ);
    // Each table's rows as one JSON text, parsed here: decoding every value of every row
    // through the driver costs far more, and a round trip reads every seeded table three times.
    const reads = batch.map(({ table, columns }, index) => {
      const values = columns.map((column) => `${quoteIdentifier(column.name)}::text`).join(', ');
      return `SELECT ${index} AS i, (SELECT coalesce(json_agg(ARRAY[${values}]), '[]')::text FROM ${quotedTableName(table)}) AS rows`;
    });
    const answers = await shadow.query<{ i: number; rows: string }>(reads.join('\nUNION ALL\n'));
    for (const answer of answers) {
      const { oid, table, columns, keyPositions } = batch[answer.i]!;
      const values = JSON.parse(answer.rows) as Array<Array<string | null>>;
      const key = keyPositions.length > 0 ? keyPositions : null;
      contents.push({ oid, table, columns, key, rows: new Map(key ? values.map((row) => [keyOf(row, key), row]) : []), rowCount: values.length });
    }
  }
  return contents.sort((a, b) => a.oid - b.oid);
}

/** Tables read in one query: a few dozen keeps the statement short and the round trips few. */
const TABLES_PER_READ = 50;

function keyOf(row: ReadonlyArray<string | null>, key: readonly number[]): string {
  return JSON.stringify(key.map((position) => row[position]));
}

/**
 * Compares contents before and after a migration, matching tables by `oid` and columns by
 * `attnum` (what survives a rename). A value counts as kept when the new value, cast back
 * to the old type, reads as the old one: `int` to `bigint` keeps every value, `numeric(10,2)`
 * to `numeric(10,0)` changes 1.55 into 2.
 */
export async function changesAfterMigration(shadow: ShadowDatabase, before: readonly TableContents[], after: readonly TableContents[]): Promise<DataChange[]> {
  const afterByOid = new Map(after.map((table) => [table.oid, table]));
  return compareAll(castBackOn(shadow), before, (table) => {
    const now = afterByOid.get(table.oid);
    return now ? { now, columnOf: (column) => now.columns.findIndex((candidate) => candidate.attnum === column.attnum) } : null;
  });
}

/**
 * Compares contents before a migration with contents after its down migration, matching
 * tables and columns by name: down must give back the same names, and its re-created
 * columns are new ones.
 */
export async function changesAfterRollback(shadow: ShadowDatabase, before: readonly TableContents[], after: readonly TableContents[]): Promise<DataChange[]> {
  return changesByName(castBackOn(shadow), before, after);
}

/**
 * Reads values of a column's new type back as its old type, so that a value counts as kept
 * when it reads as the old one; a database whose values carry no declared type (SQLite)
 * gives them back as they are.
 */
export type CastBack = (type: string, values: ReadonlyArray<string | null>) => Promise<Array<string | null>>;

/** Compares contents matching tables and columns by name: a down's, or a migration's on a database whose tables have no identity beyond their name. */
export async function changesByName(castBack: CastBack, before: readonly TableContents[], after: readonly TableContents[]): Promise<DataChange[]> {
  const afterByName = new Map(after.map((table) => [tableLabel(table.table), table]));
  return compareAll(castBack, before, (table) => {
    const now = afterByName.get(tableLabel(table.table));
    return now ? { now, columnOf: (column) => now.columns.findIndex((candidate) => candidate.name === column.name) } : null;
  });
}

/** Where a table read before is now, and where each of its columns is (-1: gone); null when the table is gone. */
export type Counterpart = (table: TableContents) => { now: TableContents; columnOf: (column: ContentColumn) => number } | null;

/** Compares contents before and after, each table and column with its counterpart as the database can follow them. */
export async function compareAll(castBack: CastBack, before: readonly TableContents[], counterpart: Counterpart): Promise<DataChange[]> {
  const changes: DataChange[] = [];
  for (const table of before) {
    if (table.rowCount === 0) continue;
    const label = tableLabel(table.table);
    const match = counterpart(table);
    if (!match) {
      changes.push({ target: label, kind: 'table-dropped', count: table.rowCount, of: table.rowCount });
      continue;
    }
    const { now, columnOf } = match;
    const positions = table.columns.map(columnOf);
    const nowKey = table.key?.map((position) => positions[position]!) ?? null;
    // Rows are matched by primary key; without one (or when a key column is gone), only counted.
    if (!table.key || !nowKey || nowKey.some((position) => position < 0)) {
      if (now.rowCount < table.rowCount) changes.push({ target: label, kind: 'rows-lost', count: table.rowCount - now.rowCount, of: table.rowCount });
      changes.push(...droppedColumns(table, positions, [...table.rows.values()]));
      continue;
    }
    const nowRows = new Map([...rowsOf(now)].map((row) => [keyOf(row, nowKey), row]));
    const pairs: Array<[ReadonlyArray<string | null>, ReadonlyArray<string | null>]> = [];
    let lost = 0;
    for (const [key, row] of table.rows) {
      const counterpartRow = nowRows.get(key);
      if (counterpartRow) pairs.push([row, counterpartRow]);
      else lost += 1;
    }
    if (lost > 0) changes.push({ target: label, kind: 'rows-lost', count: lost, of: table.rowCount });
    changes.push(...droppedColumns(table, positions, [...table.rows.values()]));
    for (const [index, column] of table.columns.entries()) {
      const position = positions[index]!;
      if (position < 0 || table.key.includes(index)) continue;
      const change = await columnChange({ castBack, target: `${label}.${column.name}`, oldType: column.type, newType: now.columns[position]!.type, values: pairs.map(([old, next]) => [old[index]!, next[position]!]) });
      if (change) changes.push(change);
    }
  }
  return changes;
}

function* rowsOf(table: TableContents): Iterable<ReadonlyArray<string | null>> {
  yield* table.rows.values();
}

function droppedColumns(table: TableContents, positions: readonly number[], rows: ReadonlyArray<ReadonlyArray<string | null>>): DataChange[] {
  return table.columns.flatMap((column, index) => {
    if (positions[index]! >= 0) return [];
    const held = rows.filter((row) => row[index] !== null).length;
    return held > 0 ? [{ target: `${tableLabel(table.table)}.${column.name}`, kind: 'column-dropped' as const, count: held, of: held }] : [];
  });
}

/** Nulled, truncated or changed values of one surviving column; null when every value was kept. */
async function columnChange(options: {
  castBack: CastBack;
  target: string;
  oldType: string;
  newType: string;
  values: ReadonlyArray<readonly [string | null, string | null]>;
}): Promise<DataChange | null> {
  const { values } = options;
  // A value printed the same before and after was kept, whatever the types: nothing to cast.
  if (values.every(([old, next]) => old === next)) return null;
  const held = values.filter(([old]) => old !== null).length;
  const comparable = isJson(options.oldType) || isJson(options.newType);
  // JSON compares as jsonb: whitespace and key order are not data.
  const olds = comparable ? await options.castBack('jsonb', values.map(([old]) => old)) : values.map(([old]) => old);
  const readBack =
    options.oldType === options.newType && !comparable
      ? values.map(([, next]) => next)
      : await options.castBack(comparable ? 'jsonb' : options.oldType, values.map(([, next]) => next));
  const counts = { nulled: 0, truncated: 0, changed: 0 };
  let example: DataChange['example'];
  for (const [index, [old, next]] of values.entries()) {
    if (old === null || readBack[index] === olds[index]) continue;
    const kind = next === null ? 'nulled' : next.length < old.length && old.startsWith(next) ? 'truncated' : 'changed';
    counts[kind] += 1;
    example ??= { before: old, after: next };
  }
  // One finding per column, under its gravest kind, with every affected value counted.
  const kind = counts.changed > 0 ? 'changed' : counts.truncated > 0 ? 'truncated' : counts.nulled > 0 ? 'nulled' : null;
  if (!kind) return null;
  return { target: options.target, kind, count: counts.nulled + counts.truncated + counts.changed, of: held, ...(example ? { example } : {}) };
}

function isJson(type: string): boolean {
  return type === 'json' || type === 'jsonb';
}

/**
 * Values cast to `type` and printed: new values read as the old type show whether anything
 * was lost (`1.5000` from numeric(12,4) reads as the old `1.55`; `2` from numeric(10,0)
 * does not). A value that cannot be cast, or a type that no longer exists, is kept as it
 * is, and so compares as changed.
 */
function castBackOn(shadow: ShadowDatabase): CastBack {
  return (type, values) => readAs(shadow, type, values);
}

async function readAs(shadow: ShadowDatabase, type: string, values: ReadonlyArray<string | null>): Promise<Array<string | null>> {
  if (!(await new PostgresCatalogReader(shadow).typeExists(type))) return [...values];
  try {
    const rows = await shadow.query<{ value: string | null }>(`SELECT (v::${type})::text AS value FROM unnest($1::text[]) WITH ORDINALITY AS t(v, i) ORDER BY i`, [values]);
    return rows.map((row) => row.value);
  } catch {
    // Some value does not fit: cast one by one, keeping the ones that fail as they are.
    const cast: Array<string | null> = [];
    for (const value of values) {
      const rows = await shadow.query<{ value: string | null }>(`SELECT (($1::text)::${type})::text AS value`, [value]).catch(() => [{ value }]);
      cast.push(rows[0]?.value ?? null);
    }
    return cast;
  }
}
