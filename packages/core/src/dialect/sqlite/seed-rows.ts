import { describeError } from '../../errors.js';
import type { SeedResult } from '../../shadow/seed-rows.js';
import type { ShadowDatabase } from '../../shadow/shadow-database.js';
import type { TableRef } from '../../table-ref.js';

/** SQLite has one schema per attached file; a migration works in `main`. */
export const SQLITE_SCHEMA = 'main';

const DEFAULT_ROWS_PER_TABLE = 100;

interface SeedColumn {
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
  readonly hasDefault: boolean;
  /** Position in the primary key (1-based), 0 outside it. */
  readonly pk: number;
}

type ForeignKeyRow = {
  readonly table: string;
  readonly from: string;
  readonly to: string | null;
};

/**
 * Fills SQLite tables with generated rows, their foreign-key parents first (each child row
 * points at an existing parent row), so that what a migration does to rows is measured on
 * rows. A value follows the column's declared type as SQLite reads it (type affinity): an
 * integer, a real, or text naming its column and row (`title_7`). A table whose rows the
 * database refuses (a CHECK the values do not meet) is left out with the database's reason.
 *
 * @example
 * const { seeded } = await seedSqliteTables(shadow, [{ schema: 'main', name: 'posts' }]);
 * // [{ table: { schema: 'main', name: 'users' }, rows: 100 }, { table: { schema: 'main', name: 'posts' }, rows: 100 }]
 */
export async function seedSqliteTables(shadow: ShadowDatabase, tables: readonly TableRef[], rowsPerTable = DEFAULT_ROWS_PER_TABLE): Promise<SeedResult> {
  const existing = new Set((await shadow.query<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map((row) => row.name));
  const parentsOf = new Map<string, ForeignKeyRow[]>();
  const pending = tables.map((table) => table.name).filter((name) => existing.has(name));
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (parentsOf.has(name)) continue;
    const keys = await shadow.query<ForeignKeyRow>('SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)', [name]);
    parentsOf.set(name, keys);
    for (const key of keys) if (existing.has(key.table) && !parentsOf.has(key.table)) pending.push(key.table);
  }
  const seeded: Array<{ table: TableRef; rows: number }> = [];
  const skipped: Array<{ table: TableRef; reason: string }> = [];
  for (const name of parentsFirst(parentsOf)) {
    const table = { schema: SQLITE_SCHEMA, name };
    try {
      const rows = await seedTable(shadow, name, parentsOf.get(name) ?? [], rowsPerTable);
      seeded.push({ table, rows });
    } catch (error) {
      skipped.push({ table, reason: describeError(error) });
    }
  }
  return { seeded, skipped };
}

/** Tables ordered so that each comes after the tables its foreign keys reference; a cycle is broken where it is met. */
function parentsFirst(parentsOf: ReadonlyMap<string, readonly ForeignKeyRow[]>): string[] {
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string): void => {
    if (ordered.includes(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const key of parentsOf.get(name) ?? []) if (parentsOf.has(key.table)) visit(key.table);
    visiting.delete(name);
    ordered.push(name);
  };
  for (const name of [...parentsOf.keys()].sort()) visit(name);
  return ordered;
}

async function seedTable(shadow: ShadowDatabase, table: string, foreignKeys: readonly ForeignKeyRow[], rowsPerTable: number): Promise<number> {
  const columns = (await shadow.query<{ name: string; type: string | null; notnull: number; dflt_value: string | null; pk: number; hidden: number }>('SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid', [table]))
    // Generated columns (hidden 2, 3) are computed by SQLite.
    .filter((column) => column.hidden === 0)
    .map((column): SeedColumn => ({ name: column.name, type: (column.type ?? '').toUpperCase(), notNull: column.notnull === 1, hasDefault: column.dflt_value !== null, pk: column.pk }));
  const parentValues = new Map<string, unknown[]>();
  for (const key of foreignKeys) {
    const parentColumn = key.to ?? 'rowid';
    const values = (await shadow.query<{ value: unknown }>(`SELECT ${quote(parentColumn)} AS value FROM ${quote(key.table)} WHERE ${quote(parentColumn)} IS NOT NULL ORDER BY rowid LIMIT ?`, [rowsPerTable])).map((row) => row.value);
    parentValues.set(key.from, values);
  }
  const [{ n: before } = { n: 0 }] = await shadow.query<{ n: number }>(`SELECT coalesce(max(rowid), 0) AS n FROM ${quote(table)}`).catch(() => shadow.query<{ n: number }>(`SELECT count(*) AS n FROM ${quote(table)}`));
  const insert = `INSERT INTO ${quote(table)} (${columns.map((column) => quote(column.name)).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  for (let row = 1; row <= rowsPerTable; row += 1) {
    const number = Number(before) + row;
    await shadow.query(insert, columns.map((column) => valueFor(column, number, parentValues.get(column.name))));
  }
  return rowsPerTable;
}

/** A value SQLite stores under the column's affinity (https://sqlite.org/datatype3.html#determination_of_column_affinity). */
function valueFor(column: SeedColumn, row: number, parents: readonly unknown[] | undefined): unknown {
  if (parents !== undefined) return parents.length === 0 ? null : parents[(row - 1) % parents.length];
  const type = column.type;
  if (type.includes('INT')) return row;
  if (type.includes('CHAR') || type.includes('CLOB') || type.includes('TEXT')) return `${column.name}_${row}`;
  if (type === '' || type.includes('BLOB')) return `${column.name}_${row}`;
  if (type.includes('REAL') || type.includes('FLOA') || type.includes('DOUB')) return row + 0.5;
  return row;
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
