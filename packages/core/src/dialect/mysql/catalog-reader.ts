import { OrmAiError } from '../../errors.js';
import { quote } from './copy-tables.js';
import { readCatalog, type CatalogSnapshot, type ColumnSnapshot, type ConstraintSnapshot, type IndexSnapshot, type RelationSnapshot } from '../../shadow/catalog-snapshot.js';
import type { ShadowDatabase } from '../../shadow/shadow-database.js';

/**
 * The schema every MySQL snapshot names: the database's own name (`orm_ai_shadow_<random>`)
 * differs between a shadow and its copies, so it is left out and two copies compare equal.
 */
export const MYSQL_SNAPSHOT_SCHEMA = 'database';

/**
 * A MySQL/MariaDB database's structure (the connection's current database) read from
 * `information_schema` into `CatalogSnapshot`, so `diffCatalogSnapshots` compares it
 * unchanged: base tables and views with their columns (`COLUMN_TYPE` as the server prints
 * it, `int(11)` on MariaDB and `int` on MySQL 8; nullability; the default as
 * `COLUMN_DEFAULT` prints it, with `ON UPDATE ...` after it; `AUTO_INCREMENT` as a
 * `BY DEFAULT` identity, which is what it is: explicit values are accepted), the primary key
 * and unique keys (with prefix lengths and `DESC`), foreign keys with their actions, checks,
 * and the other indexes (the index InnoDB makes for a foreign key included). Sequences,
 * enums (inline in the column type), domains and composite types are empty.
 *
 * Only the ORMs' own tables are left in: callers filter them (`__drizzle_migrations`).
 *
 * @example
 * const before = await takeMysqlCatalogSnapshot(shadow);
 * await copy.exec(up); await copy.exec(down);
 * diffCatalogSnapshots(before, await takeMysqlCatalogSnapshot(copy)); // [] when restored
 */
export async function takeMysqlCatalogSnapshot(shadow: ShadowDatabase): Promise<CatalogSnapshot> {
  const tables = await readCatalog<TableRow>(shadow, 'tables', "SELECT TABLE_NAME AS name, TABLE_TYPE AS type, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME");
  const columns = await readCatalog<ColumnRow>(shadow, 'columns', COLUMNS_SQL);
  const views = await readCatalog<{ name: string; definition: string }>(shadow, 'views', 'SELECT TABLE_NAME AS name, VIEW_DEFINITION AS definition FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()');
  const [database] = await readCatalog<{ name: string }>(shadow, 'database', 'SELECT DATABASE() AS name');
  const relations: RelationSnapshot[] = tables.map((table) => ({
    schema: MYSQL_SNAPSHOT_SCHEMA,
    name: table.name,
    kind: table.type === 'VIEW' ? 'view' : 'table',
    columns: columns.filter((column) => column.table_name === table.name).map((column) => toColumn(column, table.collation)),
    // MySQL qualifies every name in a view's text with its database: left out, as above.
    definition: table.type === 'VIEW' ? withoutDatabase(views.find((view) => view.name === table.name)?.definition ?? '', database!.name) : null,
    partitionKey: null,
    partitionOf: null,
  }));
  const { indexes, keys } = await readIndexes(shadow);
  const constraints = [...keys, ...(await readForeignKeys(shadow)), ...(await readChecks(shadow))];
  return {
    schemas: [MYSQL_SNAPSHOT_SCHEMA],
    relations,
    sequences: [],
    indexes: indexes.sort((left, right) => compare(left.table, right.table) || compare(left.name, right.name)),
    constraints: constraints.sort((left, right) => compare(left.table, right.table) || compare(left.name, right.name)),
    enums: [],
    domains: [],
    compositeTypes: [],
  };
}

/**
 * The rows of one table, each value as the server's text of it (`CAST(... AS CHAR)`; binary
 * strings and blobs as `x'hex'`), ordered by primary key, else by every column: enough to
 * compare a table's contents before and after a migration and its rollback.
 */
export async function readMysqlTableRows(shadow: ShadowDatabase, table: string): Promise<MysqlTableRows> {
  const columns = await readCatalog<{ name: string; data_type: string; key_position: number | null }>(
    shadow,
    `columns of ${table}`,
    `SELECT c.COLUMN_NAME AS name, c.DATA_TYPE AS data_type, k.ORDINAL_POSITION AS key_position
     FROM information_schema.COLUMNS c LEFT JOIN information_schema.KEY_COLUMN_USAGE k
       ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME AND k.COLUMN_NAME = c.COLUMN_NAME AND k.CONSTRAINT_NAME = 'PRIMARY'
     WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION`,
    [table],
  );
  if (columns.length === 0) throw new OrmAiError('SHADOW_UNAVAILABLE', `${shadow.description}: there is no table ${table} to read`, { hint: 'Read a table the shadow holds: list them with takeMysqlCatalogSnapshot.' });
  const key = columns.filter((column) => column.key_position !== null).sort((left, right) => left.key_position! - right.key_position!);
  const values = columns.map((column, index) => `${BINARY_TYPES.has(column.data_type) ? `CONCAT('x''', HEX(${quote(column.name)}), '''')` : `CAST(${quote(column.name)} AS CHAR)`} AS c${index}`);
  const order = key.length > 0 ? key.map((column) => quote(column.name)) : columns.map((_, index) => String(index + 1));
  const rows = await readCatalog<Record<string, string | null>>(shadow, `rows of ${table}`, `SELECT ${values.join(', ')} FROM ${quote(table)} ORDER BY ${order.join(', ')}`);
  return {
    table,
    columns: columns.map((column) => column.name),
    key: key.length > 0 ? key.map((column) => columns.indexOf(column)) : null,
    rows: rows.map((row) => columns.map((_, index) => row[`c${index}`] ?? null)),
  };
}

export interface MysqlTableRows {
  readonly table: string;
  readonly columns: readonly string[];
  /** Positions in `columns` of the primary key, in key order; null without one. */
  readonly key: readonly number[] | null;
  /** In key order (else ordered by every column): each row's values in `columns` order. */
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>;
}

function toColumn(row: ColumnRow, tableCollation: string | null): ColumnSnapshot {
  const extra = row.extra.toLowerCase();
  const onUpdate = /on update (.*)$/i.exec(row.extra)?.[1];
  // MariaDB prints a nullable column without a default as the text NULL; MySQL as SQL NULL.
  const declared = row.column_default === null || row.column_default === 'NULL' ? null : row.column_default;
  const defaultText = [declared, onUpdate === undefined ? null : `ON UPDATE ${onUpdate}`].filter((part) => part !== null).join(' ');
  const generated = row.generation_expression ? `ALWAYS AS (${row.generation_expression}) ${extra.includes('stored') ? 'STORED' : 'VIRTUAL'}` : null;
  return {
    name: row.column_name,
    type: row.column_type,
    notNull: row.is_nullable === 'NO',
    default: generated === null && defaultText !== '' ? defaultText : null,
    identity: extra.includes('auto_increment') ? 'BY DEFAULT' : null,
    generated,
    collation: row.collation_name !== null && row.collation_name !== tableCollation ? row.collation_name : null,
  };
}

async function readIndexes(shadow: ShadowDatabase): Promise<{ indexes: IndexSnapshot[]; keys: ConstraintSnapshot[] }> {
  const rows = await readCatalog<StatisticsRow>(shadow, 'indexes', STATISTICS_SQL);
  const byIndex = new Map<string, StatisticsRow[]>();
  for (const row of rows) byIndex.set(JSON.stringify([row.table_name, row.index_name]), [...(byIndex.get(JSON.stringify([row.table_name, row.index_name])) ?? []), row]);
  const indexes: IndexSnapshot[] = [];
  const keys: ConstraintSnapshot[] = [];
  for (const parts of byIndex.values()) {
    const { table_name: table, index_name: name, non_unique: nonUnique, index_type: type } = parts[0]!;
    const columns = parts.map((part) => `${quote(part.column_name)}${part.sub_part === null ? '' : `(${part.sub_part})`}${part.collation === 'D' ? ' DESC' : ''}`).join(', ');
    const using = type === 'BTREE' ? '' : ` USING ${type}`;
    if (name === 'PRIMARY') keys.push({ schema: MYSQL_SNAPSHOT_SCHEMA, table, name, type: 'primary key', definition: `PRIMARY KEY (${columns})` });
    else if (Number(nonUnique) === 0) keys.push({ schema: MYSQL_SNAPSHOT_SCHEMA, table, name, type: 'unique', definition: `UNIQUE KEY ${quote(name)} (${columns})${using}` });
    else indexes.push({ schema: MYSQL_SNAPSHOT_SCHEMA, table, name, definition: `${type === 'FULLTEXT' || type === 'SPATIAL' ? `${type} ` : ''}KEY ${quote(name)} (${columns})${type === 'FULLTEXT' || type === 'SPATIAL' ? '' : using}` });
  }
  return { indexes, keys };
}

async function readForeignKeys(shadow: ShadowDatabase): Promise<ConstraintSnapshot[]> {
  const rows = await readCatalog<ForeignKeyRow>(shadow, 'foreign keys', FOREIGN_KEYS_SQL);
  const byKey = new Map<string, ForeignKeyRow[]>();
  for (const row of rows) byKey.set(JSON.stringify([row.table_name, row.name]), [...(byKey.get(JSON.stringify([row.table_name, row.name])) ?? []), row]);
  return [...byKey.values()].map((parts) => {
    const first = parts[0]!;
    const source = parts.map((part) => quote(part.column_name)).join(', ');
    const target = parts.map((part) => quote(part.referenced_column)).join(', ');
    return {
      schema: MYSQL_SNAPSHOT_SCHEMA,
      table: first.table_name,
      name: first.name,
      type: 'foreign key' as const,
      definition: `FOREIGN KEY (${source}) REFERENCES ${quote(first.referenced_table)} (${target}) ON DELETE ${first.delete_rule} ON UPDATE ${first.update_rule}`,
    };
  });
}

/** MariaDB names checks per table and lists their table in CHECK_CONSTRAINTS; MySQL 8 names them per database and does not. */
async function readChecks(shadow: ShadowDatabase): Promise<ConstraintSnapshot[]> {
  const checks = await readCatalog<Record<string, string>>(shadow, 'checks', 'SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()');
  const owners = await readCatalog<{ table_name: string; name: string }>(shadow, 'check owners', "SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND CONSTRAINT_TYPE = 'CHECK'");
  return checks.flatMap((check) => {
    const table = check.TABLE_NAME ?? owners.find((owner) => owner.name === check.CONSTRAINT_NAME)?.table_name;
    return table === undefined ? [] : [{ schema: MYSQL_SNAPSHOT_SCHEMA, table, name: check.CONSTRAINT_NAME!, type: 'check' as const, definition: `CHECK (${check.CHECK_CLAUSE})` }];
  });
}

function withoutDatabase(definition: string, database: string): string {
  return definition.replaceAll(`${quote(database)}.`, '');
}


function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

const BINARY_TYPES: ReadonlySet<string> = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit', 'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection']);

const COLUMNS_SQL = `
SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable,
  COLUMN_DEFAULT AS column_default, EXTRA AS extra, GENERATION_EXPRESSION AS generation_expression, COLLATION_NAME AS collation_name
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`;

const STATISTICS_SQL = `
SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name,
  SUB_PART AS sub_part, COLLATION AS collation, INDEX_TYPE AS index_type
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`;

const FOREIGN_KEYS_SQL = `
SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS column_name, k.REFERENCED_TABLE_NAME AS referenced_table,
  k.REFERENCED_COLUMN_NAME AS referenced_column, r.UPDATE_RULE AS update_rule, r.DELETE_RULE AS delete_rule
FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE k.TABLE_SCHEMA = DATABASE() ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

type TableRow = { name: string; type: string; collation: string | null };
type ColumnRow = { table_name: string; column_name: string; column_type: string; is_nullable: string; column_default: string | null; extra: string; generation_expression: string | null; collation_name: string | null };
type StatisticsRow = { table_name: string; index_name: string; non_unique: number | string; column_name: string; sub_part: number | null; collation: string | null; index_type: string };
type ForeignKeyRow = { table_name: string; name: string; column_name: string; referenced_table: string; referenced_column: string; update_rule: string; delete_rule: string };
