import { changesByName, compareAll, type CastBack, type Counterpart, type TableContents } from '../../rollback/table-contents.js';
import type { ShadowDatabase } from '../../shadow/shadow-database.js';
import type { TableRef } from '../../table-ref.js';
import type { RoundTripDatabase } from '../dialect.js';
import { readSqliteTableRows, takeSqliteCatalogSnapshot } from './catalog-reader.js';
import { parseSql } from './parser.js';
import { SQLITE_SCHEMA, seedSqliteTables } from './seed-rows.js';

/**
 * SQLite's half of the round trip. After up, a table is followed by its b-tree (`rootpage`,
 * which `ALTER TABLE ... RENAME` and `RENAME COLUMN` keep) and a column renamed in place by
 * its position; a recreation (`CREATE TABLE __new_x`, copy, `DROP TABLE x`, rename) makes a
 * new b-tree, so its table and columns are matched by name. After down, by name, as on
 * PostgreSQL: down must give back the same names.
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
    // A table renamed by up is read under its new name: every table there is now.
    const tables = (await shadow.query<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")).map((row) => ({ schema: SQLITE_SCHEMA, name: row.name }));
    return compareAll(VALUES_AS_THEY_ARE, before, followedInPlace(await readContents(shadow, tables)));
  },
  async changesAfterDown(shadow, before) {
    return changesByName(VALUES_AS_THEY_ARE, before, await readContents(shadow, before.map((table) => table.table)));
  },
};

/**
 * A table's counterpart after up: the table on the same b-tree (renamed or not), else the
 * table of the same name (a recreation). On the same b-tree a column is found by its name,
 * else, when a column of a new name sits at its position, that one (`RENAME COLUMN`); a
 * column dropped with the others after it shifting finds neither, and is reported dropped.
 * (A table created after a DROP TABLE may reuse the dropped one's freed page: then the
 * dropped table's values are compared with the new one's and reported changed, not dropped.)
 */
function followedInPlace(after: readonly TableContents[]): Counterpart {
  const byTree = new Map(after.map((table) => [table.oid, table]));
  const byName = new Map(after.map((table) => [table.table.name, table]));
  return (table) => {
    const sameTree = byTree.get(table.oid);
    const now = sameTree ?? byName.get(table.table.name);
    if (!now) return null;
    const namesBefore = new Set(table.columns.map((column) => column.name));
    return {
      now,
      columnOf: (column) => {
        const byColumnName = now.columns.findIndex((candidate) => candidate.name === column.name);
        if (byColumnName >= 0 || !sameTree) return byColumnName;
        return now.columns.findIndex((candidate) => candidate.attnum === column.attnum && !namesBefore.has(candidate.name));
      },
    };
  };
}

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
  const rootPages = new Map((await shadow.query<{ name: string; rootpage: number }>("SELECT name, rootpage FROM sqlite_schema WHERE type = 'table'")).map((row) => [row.name, row.rootpage]));
  const contents: TableContents[] = [];
  for (const table of tables) {
    const rootPage = rootPages.get(table.name);
    if (rootPage === undefined) continue;
    const read = await readSqliteTableRows(shadow, table.name);
    const types = new Map((await shadow.query<{ name: string; type: string | null }>('SELECT name, type FROM pragma_table_xinfo(?)', [table.name])).map((column) => [column.name, (column.type ?? '').toUpperCase()]));
    const key = read.key;
    contents.push({
      // The table's b-tree: a rename keeps it, a recreation makes a new one.
      oid: rootPage,
      table: { schema: SQLITE_SCHEMA, name: table.name },
      columns: read.columns.map((name, position) => ({ attnum: position + 1, name, type: types.get(name) ?? '' })),
      key,
      rows: new Map(key ? read.rows.map((row) => [JSON.stringify(key.map((position) => row[position])), row]) : []),
      rowCount: read.rows.length,
    });
  }
  return contents;
}
