import { changesByName, type CastBack, type TableContents } from '../../rollback/table-contents.js';
import type { ShadowDatabase } from '../../shadow/shadow-database.js';
import type { TableRef } from '../../table-ref.js';
import type { RoundTripDatabase } from '../dialect.js';
import { readSqliteTableRows, takeSqliteCatalogSnapshot } from './catalog-reader.js';
import { parseSql } from './parser.js';
import { SQLITE_SCHEMA, seedSqliteTables } from './seed-rows.js';

/**
 * SQLite's half of the round trip. A table recreation (`CREATE TABLE __new_x`, copy, `DROP
 * TABLE x`, rename) leaves no identity to follow, so tables and columns are matched by name
 * after up as after down; a column renamed in place reads as dropped and added.
 */
export const sqliteRoundTrip: RoundTripDatabase = {
  async tablesToWatch(shadow, { up, down }) {
    const named = await tablesNamed([...up, ...down]);
    // The tables whose foreign keys reference a named one: dropping it deletes their rows
    // through ON DELETE CASCADE (or nulls them) while foreign keys are on.
    return withReferencingTables(shadow, named);
  },
  seed: (shadow, tables) => seedSqliteTables(shadow, tables),
  snapshot: (shadow) => takeSqliteCatalogSnapshot(shadow),
  readRows: (shadow, tables) => readContents(shadow, tables),
  async changesAfterUp(shadow, before) {
    return changesByName(VALUES_AS_THEY_ARE, before, await readContents(shadow, before.map((table) => table.table)));
  },
  async changesAfterDown(shadow, before) {
    return changesByName(VALUES_AS_THEY_ARE, before, await readContents(shadow, before.map((table) => table.table)));
  },
};

/** SQLite stores values, not types: a value kept is a value that reads the same. */
const VALUES_AS_THEY_ARE: CastBack = async (_type, values) => [...values];

/** The tables a migration's statements create, alter, drop or write to, and the table of each index. */
export async function tablesNamed(statements: readonly string[]): Promise<TableRef[]> {
  const names = new Set<string>();
  for (const statement of statements) {
    const parsed = await parseSql(statement);
    if (!parsed.ok) continue;
    for (const found of parsed.statements) for (const table of found.tables) names.add(table);
  }
  return [...names].map((name) => ({ schema: SQLITE_SCHEMA, name }));
}

/** The tables, and every table whose foreign keys reference one of them, transitively (a cascade goes on down). */
export async function withReferencingTables(shadow: ShadowDatabase, tables: readonly TableRef[]): Promise<TableRef[]> {
  const references = await shadow.query<{ child: string; parent: string }>(
    "SELECT m.name AS child, k.\"table\" AS parent FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS k WHERE m.type = 'table'",
  );
  const found = new Set(tables.map((table) => table.name));
  for (let grew = true; grew; ) {
    grew = false;
    for (const { child, parent } of references) {
      if (found.has(parent) && !found.has(child)) {
        found.add(child);
        grew = true;
      }
    }
  }
  return [...found].map((name) => ({ schema: SQLITE_SCHEMA, name }));
}

async function readContents(shadow: ShadowDatabase, tables: readonly TableRef[]): Promise<TableContents[]> {
  const existing = new Set((await shadow.query<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")).map((row) => row.name));
  const contents: TableContents[] = [];
  for (const [index, table] of tables.entries()) {
    if (!existing.has(table.name)) continue;
    const read = await readSqliteTableRows(shadow, table.name);
    const types = new Map((await shadow.query<{ name: string; type: string | null }>('SELECT name, type FROM pragma_table_xinfo(?)', [table.name])).map((column) => [column.name, (column.type ?? '').toUpperCase()]));
    const key = read.key;
    contents.push({
      // SQLite tables have no identity beyond their name: the position only orders them.
      oid: index,
      table: { schema: SQLITE_SCHEMA, name: table.name },
      columns: read.columns.map((name, position) => ({ attnum: position + 1, name, type: types.get(name) ?? '' })),
      key,
      rows: new Map(key ? read.rows.map((row) => [JSON.stringify(key.map((position) => row[position])), row]) : []),
      rowCount: read.rows.length,
    });
  }
  return contents;
}
