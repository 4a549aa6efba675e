import { OrmAiError } from '../../errors.js';
import { createTableParts, partialIndexCondition, type CreateTableParts } from './create-table-parts.js';
import { readCatalog, type CatalogSnapshot, type ColumnSnapshot, type ConstraintSnapshot, type IndexSnapshot, type RelationSnapshot } from '../../shadow/catalog-snapshot.js';
import type { ShadowDatabase } from '../../shadow/shadow-database.js';

/** SQLite has one schema per attached file; a migration works in `main`. */
const SCHEMA = 'main';

/**
 * A SQLite database's structure in the shape PostgreSQL's is read into (`CatalogSnapshot`),
 * so `diffCatalogSnapshots` compares it unchanged: the tables and views of `main` but
 * SQLite's own (`sqlite_*`), with their columns (`PRAGMA table_xinfo`), the indexes made by
 * `CREATE INDEX` (`index_list`, `index_xinfo`), and the primary key, unique, foreign key and
 * check constraints. Sequences, enums, domains and composite types, which SQLite lacks, are
 * empty; AUTOINCREMENT shows on the primary key.
 *
 * SQLite keeps no constraint names a pragma reads, and its unique constraints' indexes are
 * numbered by position (`sqlite_autoindex_posts_2`), so a constraint is named by what it
 * covers (`unique (email)`, `foreign key (author_id)`): a table recreated with the same
 * constraints in another order reads the same. Types are upper-cased, as SQLite compares them.
 * Only the ORMs' own tables are left in: callers filter them (`__drizzle_migrations`).
 *
 * @example
 * const before = await takeSqliteCatalogSnapshot(shadow);
 * await shadow.exec(up); await shadow.exec(down);
 * diffCatalogSnapshots(before, await takeSqliteCatalogSnapshot(shadow)); // [] when restored
 */
export async function takeSqliteCatalogSnapshot(shadow: ShadowDatabase): Promise<CatalogSnapshot> {
  const objects = await readCatalog<SchemaRow>(shadow, 'schema', SCHEMA_SQL);
  const relations: RelationSnapshot[] = [];
  const indexes: IndexSnapshot[] = [];
  const constraints: ConstraintSnapshot[] = [];
  for (const object of objects) {
    const parts = object.type === 'table' ? await createTableParts(object.sql) : EMPTY_PARTS;
    const columns = await readColumns(shadow, object.name, parts);
    relations.push({ schema: SCHEMA, name: object.name, kind: object.type === 'view' ? 'view' : 'table', columns, definition: object.type === 'view' ? object.sql.trim() : null, partitionKey: null, partitionOf: null });
    if (object.type !== 'table') continue;
    constraints.push(...(await readConstraints(shadow, object.name, parts)));
    indexes.push(...(await readIndexes(shadow, object.name)));
  }
  return {
    schemas: [SCHEMA],
    relations,
    sequences: [],
    indexes: indexes.sort((left, right) => compare(left.name, right.name)),
    constraints: constraints.sort((left, right) => compare(left.table, right.table) || compare(left.name, right.name)),
    enums: [],
    domains: [],
    compositeTypes: [],
  };
}

/**
 * The rows of one table, each value as SQLite's text of it (`CAST(... AS TEXT)`, blobs as
 * hex), ordered by primary key, else by rowid, else by every column: enough to compare a
 * table's contents before and after a migration and its rollback.
 */
export async function readSqliteTableRows(shadow: ShadowDatabase, table: string): Promise<SqliteTableRows> {
  const columns = await readCatalog<XinfoRow>(shadow, `columns of ${table}`, 'SELECT name, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid', [table]);
  if (columns.length === 0) throw new OrmAiError('SHADOW_UNAVAILABLE', `${shadow.description}: there is no table ${table} to read`, { hint: 'Read a table the shadow holds: list them with takeSqliteCatalogSnapshot.' });
  const visible = columns.filter((column) => column.hidden !== 1);
  const key = visible.filter((column) => column.pk > 0).sort((left, right) => left.pk - right.pk);
  const values = visible.map((column) => `CASE typeof(${quote(column.name)}) WHEN 'blob' THEN 'x''' || hex(${quote(column.name)}) || '''' ELSE CAST(${quote(column.name)} AS TEXT) END`);
  const [withoutRowid] = await readCatalog<{ wr: number }>(shadow, `kind of ${table}`, 'SELECT wr FROM pragma_table_list(?)', [table]);
  const order = key.length > 0 ? key.map((column) => quote(column.name)) : withoutRowid?.wr === 1 ? visible.map((_, index) => String(index + 1)) : ['rowid'];
  const rows = await readCatalog<{ row: string }>(shadow, `rows of ${table}`, `SELECT json_array(${values.join(', ')}) AS row FROM ${quote(table)} ORDER BY ${order.join(', ')}`);
  return {
    table,
    columns: visible.map((column) => column.name),
    key: key.length > 0 ? key.map((column) => visible.indexOf(column)) : null,
    rows: rows.map(({ row }) => JSON.parse(row) as Array<string | null>),
  };
}

export interface SqliteTableRows {
  readonly table: string;
  readonly columns: readonly string[];
  /** Positions in `columns` of the primary key, in key order; null without one. */
  readonly key: readonly number[] | null;
  /** In key order (else rowid order): each row's values in `columns` order. */
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>;
}

async function readColumns(shadow: ShadowDatabase, table: string, parts: CreateTableParts): Promise<ColumnSnapshot[]> {
  const rows = await readCatalog<XinfoRow>(shadow, `columns of ${table}`, 'SELECT name, type, "notnull" AS not_null, dflt_value AS dflt, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid', [table]);
  // hidden: 1 is a virtual table's hidden column, 2 a VIRTUAL and 3 a STORED generated column.
  return rows
    .filter((row) => row.hidden !== 1)
    .map((row) => ({
      name: row.name,
      type: (row.type ?? '').toUpperCase(),
      notNull: row.not_null === 1,
      default: row.dflt ?? null,
      identity: null,
      generated: row.hidden === 2 || row.hidden === 3 ? `ALWAYS AS (${parts.generated.get(row.name) ?? '?'}) ${row.hidden === 2 ? 'VIRTUAL' : 'STORED'}` : null,
      // SQLite's pragmas do not give a column's COLLATE, and polyglot-sql folds it into the type.
      collation: null,
    }));
}

async function readConstraints(shadow: ShadowDatabase, table: string, parts: CreateTableParts): Promise<ConstraintSnapshot[]> {
  const constraint = (name: string, type: ConstraintSnapshot['type'], definition: string): ConstraintSnapshot => ({ schema: SCHEMA, table, name, type, definition });
  const found: ConstraintSnapshot[] = [];
  const columns = await readCatalog<XinfoRow>(shadow, `primary key of ${table}`, 'SELECT name, pk FROM pragma_table_xinfo(?) WHERE pk > 0 ORDER BY pk', [table]);
  if (columns.length > 0) {
    const names = columns.map((column) => column.name).join(', ');
    found.push(constraint('primary key', 'primary key', `PRIMARY KEY (${names})${parts.autoincrement ? ' AUTOINCREMENT' : ''}`));
  }
  const uniques = await readCatalog<IndexListRow>(shadow, `unique constraints of ${table}`, "SELECT name FROM pragma_index_list(?) WHERE origin = 'u'", [table]);
  for (const unique of uniques) {
    const keyColumns = await indexColumns(shadow, unique.name);
    found.push(constraint(`unique (${keyColumns})`, 'unique', `UNIQUE (${keyColumns})`));
  }
  found.push(...(await readForeignKeys(shadow, table)).map(({ name, definition }) => constraint(name, 'foreign key', definition)));
  for (const check of parts.checks) found.push(constraint(`check (${check})`, 'check', `CHECK (${check})`));
  if (parts.unread !== null) found.push(constraint('definition', 'check', parts.unread));
  return found;
}

async function readForeignKeys(shadow: ShadowDatabase, table: string): Promise<Array<{ name: string; definition: string }>> {
  const rows = await readCatalog<ForeignKeyRow>(shadow, `foreign keys of ${table}`, 'SELECT id, seq, "table" AS target, "from" AS source, "to" AS referenced, on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq', [table]);
  const byId = new Map<number, ForeignKeyRow[]>();
  for (const row of rows) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
  const keys = [...byId.values()].map((parts) => {
    const first = parts[0]!;
    const source = parts.map((part) => part.source).join(', ');
    // A null `to` means the parent's primary key, named by the clause `REFERENCES users` alone.
    const referenced = parts.every((part) => part.referenced !== null) ? `(${parts.map((part) => part.referenced).join(', ')})` : '';
    return { name: `foreign key (${source})`, definition: `FOREIGN KEY (${source}) REFERENCES ${first.target}${referenced} ON UPDATE ${first.on_update} ON DELETE ${first.on_delete}` };
  });
  // Two keys on the same columns (to different parents) stay apart.
  return keys.map((key, index) => (keys.findIndex((other) => other.name === key.name) === index ? key : { ...key, name: `${key.name} #${index + 1}` }));
}

async function readIndexes(shadow: ShadowDatabase, table: string): Promise<IndexSnapshot[]> {
  const rows = await readCatalog<IndexListRow>(shadow, `indexes of ${table}`, "SELECT l.name, l.\"unique\" AS isUnique, s.sql FROM pragma_index_list(?) l JOIN sqlite_schema s ON s.type = 'index' AND s.name = l.name WHERE l.origin = 'c'", [table]);
  const indexes: IndexSnapshot[] = [];
  for (const row of rows) {
    const keyColumns = await indexColumns(shadow, row.name);
    const where = row.sql ? await partialIndexCondition(row.sql) : null;
    const definition = `CREATE ${row.isUnique === 1 ? 'UNIQUE ' : ''}INDEX ${row.name} ON ${table} (${keyColumns})${where === null ? '' : ` WHERE ${where}`}`;
    indexes.push({ schema: SCHEMA, name: row.name, table, definition });
  }
  return indexes;
}

/** `email, created_at DESC`; an expression key (cid -2) is read from the index's SQL. */
async function indexColumns(shadow: ShadowDatabase, index: string): Promise<string> {
  const rows = await readCatalog<IndexXinfoRow>(shadow, `columns of index ${index}`, 'SELECT cid, name, "desc" AS descending, coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno', [index]);
  return rows
    .map((row) => [row.cid === -2 ? '<expression>' : row.name, row.coll !== 'BINARY' ? `COLLATE ${row.coll}` : '', row.descending === 1 ? 'DESC' : ''].filter(Boolean).join(' '))
    .join(', ');
}


function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

const EMPTY_PARTS: CreateTableParts = { checks: [], generated: new Map(), autoincrement: false, unread: null };

// sqlite_sequence and sqlite_stat* are SQLite's own; a view's SQL is its whole CREATE VIEW.
const SCHEMA_SQL = `SELECT type, name, sql FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`;

type SchemaRow = { type: 'table' | 'view'; name: string; sql: string };
type XinfoRow = { name: string; type?: string | null; not_null?: number; dflt?: string | null; pk: number; hidden?: number };
type IndexListRow = { name: string; isUnique?: number; sql?: string | null };
type IndexXinfoRow = { cid: number; name: string | null; descending: number; coll: string };
type ForeignKeyRow = { id: number; seq: number; target: string; source: string; referenced: string | null; on_update: string; on_delete: string };
