import {
  columnModel,
  findTable,
  indexMethodSchema,
  normalizeColumnType,
  referentialActionSchema,
  tableModel,
  type ColumnModel,
  type EnumModel,
  type ForeignKeyModel,
  type IndexModel,
  type ReferentialAction,
  type SchemaModel,
  type TableModel,
} from '@orm-ai/core';
import { postgresIdentifier } from './naming.js';
import {
  shapeError,
  snapshotTables,
  type SnapshotColumn,
  type SnapshotIndex,
  type SnapshotIndexColumn,
  type SnapshotTable,
} from './snapshot-shape.js';
import type { DrizzleSnapshot } from './drizzle-kit-api.js';

/** The neutral model of a drizzle-kit snapshot, plus what the snapshot holds that the model has no field for. */
export interface SnapshotModel {
  readonly model: SchemaModel;
  /**
   * Facts the strict model cannot hold (policies, operator classes, sort orders, index
   * methods of extensions, check constraints, RLS), one sentence each, so they are not
   * silently lost: for prompts and reports.
   */
  readonly unmodelled: readonly string[];
}

/**
 * Maps drizzle-kit's own serialization of the schema (what `drizzle-kit generate` diffs)
 * into the neutral model. Names are the ones PostgreSQL will keep (cut to 63 bytes);
 * single-column unique constraints are flagged on their column, as the model wants them.
 * Throws OrmAiError('SCHEMA_READ_FAILED') when the snapshot has a shape this mapping does not know.
 */
export function modelFromSnapshot(snapshot: DrizzleSnapshot): SnapshotModel {
  const unmodelled: string[] = [];
  const enumEntries = Object.values(record(snapshot.enums ?? {}, 'enums')) as Array<{ name: string; schema?: string; values: string[] }>;
  const enums: EnumModel[] = enumEntries.map((entry) => ({ name: qualified(entry.schema, entry.name), values: [...entry.values] }));
  const enumNames = new Set(enums.map((entry) => entry.name));
  const tables = snapshotTables(snapshot).map((table) => mapTable({ table, enumNames, unmodelled }));
  for (const kind of ['views', 'sequences', 'roles', 'policies'] as const) {
    for (const name of Object.keys(record(snapshot[kind] ?? {}, kind))) unmodelled.push(`${kind.slice(0, -1)} ${name}`);
  }
  return { model: { dialect: 'postgresql', tables, enums }, unmodelled };
}

/** `model` with the table and column comments of `source` (the static read): data for the prompt drizzle-kit drops. */
export function withSourceComments(model: SchemaModel, source: SchemaModel): SchemaModel {
  return {
    ...model,
    tables: model.tables.map((table) => {
      const read = findTable(source, table.name);
      if (read === undefined) return table;
      const comments = new Map(read.columns.map((column) => [column.name, column.comment]));
      return { ...table, comment: read.comment, columns: table.columns.map((column) => ({ ...column, comment: comments.get(column.name) ?? null })) };
    }),
  };
}

/** Tables outside `public` keep their schema in the name, as they would be written in SQL. */
function qualified(schema: string | undefined, name: string): string {
  return schema === undefined || schema === '' || schema === 'public' ? name : `${schema}.${name}`;
}

function mapTable(options: { table: SnapshotTable; enumNames: ReadonlySet<string>; unmodelled: string[] }): TableModel {
  const { table, enumNames, unmodelled } = options;
  const name = qualified(table.schema, table.name);
  const uniques = Object.values(table.uniqueConstraints ?? {});
  const columnUniques = new Map(uniques.filter((unique) => unique.columns.length === 1).map((unique) => [unique.columns[0]!, postgresIdentifier(unique.name)]));
  const columns = Object.values(table.columns).map((column) => mapColumn(column, enumNames, columnUniques.get(column.name)));
  const primaryKeys = Object.values(table.compositePrimaryKeys ?? {});
  if (primaryKeys.length > 1) unmodelled.push(`table ${name} declares ${primaryKeys.length} primary keys; the model keeps the first`);
  const primaryKey = primaryKeys[0] === undefined ? null : { name: postgresIdentifier(primaryKeys[0].name), columns: [...primaryKeys[0].columns] };
  for (const unique of uniques) if (unique.nullsNotDistinct) unmodelled.push(`unique constraint ${unique.name} on ${name} is NULLS NOT DISTINCT`);
  for (const policy of Object.values(table.policies ?? {})) unmodelled.push(`policy ${policy.name} on ${name}: ${JSON.stringify(policy)}`);
  for (const check of Object.values(table.checkConstraints ?? {})) unmodelled.push(`check constraint ${check.name} on ${name}: ${check.value}`);
  if (table.isRLSEnabled) unmodelled.push(`table ${name} has row level security enabled`);
  return tableModel({
    name,
    columns,
    primaryKey,
    indexes: Object.values(table.indexes ?? {}).flatMap((index) => mapIndex({ index, table: name, unmodelled })),
    foreignKeys: Object.values(table.foreignKeys ?? {}).map((fk) => ({
      name: postgresIdentifier(fk.name),
      columns: [...fk.columnsFrom],
      referencedTable: qualified(fk.schemaTo, fk.tableTo),
      referencedColumns: [...fk.columnsTo],
      onDelete: action(fk.onDelete),
      onUpdate: action(fk.onUpdate),
    })) satisfies ForeignKeyModel[],
    uniques: uniques.filter((unique) => unique.columns.length > 1).map((unique) => ({ name: postgresIdentifier(unique.name), columns: [...unique.columns] })),
  });
}

function mapColumn(column: SnapshotColumn, enumNames: ReadonlySet<string>, uniqueName: string | undefined): ColumnModel {
  const enumName = column.typeSchema === undefined ? undefined : qualified(column.typeSchema, column.type.replace(/(\[\])+$/, ''));
  const arrays = column.type.match(/(\[\])+$/)?.[0] ?? '';
  const type = enumName !== undefined && enumNames.has(enumName) ? enumName + arrays : normalizeColumnType(precisionLast(column.type), enumNames);
  return columnModel({
    name: column.name,
    type,
    nullable: !column.notNull,
    default: column.default === undefined ? null : String(column.default),
    primaryKey: column.primaryKey,
    unique: uniqueName !== undefined,
    uniqueName: uniqueName ?? null,
    identity: column.identity === undefined ? null : column.identity.type === 'always' ? 'always' : 'by default',
  });
}

/** drizzle-kit spells `timestamp (3) with time zone`; core's parser wants the precision after the whole name. */
function precisionLast(type: string): string {
  const arrays = type.match(/(\[\])+$/)?.[0] ?? '';
  const scalar = type.slice(0, type.length - arrays.length);
  const match = /^(\w+) ?\((\d+)\)( with(?:out)? time zone)$/.exec(scalar);
  return match === null ? type : `${match[1]}${match[3]}(${match[2]})${arrays}`;
}

function mapIndex(options: { index: SnapshotIndex; table: string; unmodelled: string[] }): IndexModel[] {
  const { index, table, unmodelled } = options;
  const name = postgresIdentifier(index.name);
  const columns = index.columns.map(indexColumn);
  const details = columns.filter((column) => column.detail !== '').map((column) => `${column.name} ${column.detail}`);
  if (details.length > 0) unmodelled.push(`index ${name} on ${table}: ${details.join(', ')}`);
  const method = indexMethodSchema.safeParse(index.method ?? 'btree');
  if (!method.success) {
    // The model's methods are PostgreSQL's built-in ones; an extension's (hnsw, ivfflat) is kept as a note.
    unmodelled.push(`index ${name} on ${table} uses method ${index.method} on (${columns.map((column) => column.name).join(', ')})`);
    return [];
  }
  return [{ name, columns: columns.map((column) => column.name), unique: index.isUnique, method: method.data, where: whereWithoutTable(index.where, table) }];
}

/** An index column: its name (or expression) and anything beyond plain ascending order. */
function indexColumn(column: SnapshotIndexColumn | string): { name: string; detail: string } {
  if (typeof column === 'string') return { name: column, detail: '' };
  const parts = [column.isExpression ? 'expression' : '', column.asc ? '' : 'desc', column.nulls === 'first' && column.asc ? 'nulls first' : '', column.opclass ?? ''];
  return { name: column.expression, detail: parts.filter((part) => part !== '').join(' ') };
}

/** drizzle-kit qualifies predicate columns with the table (`"t"."c" is null`); the model writes them bare. */
function whereWithoutTable(where: string | undefined, table: string): string | null {
  if (where === undefined || where === '') return null;
  return where.replaceAll(`"${table}".`, '');
}

function action(value: string | undefined): ReferentialAction {
  const parsed = referentialActionSchema.safeParse((value ?? 'no action').toLowerCase());
  if (!parsed.success) throw shapeError(`unknown referential action "${value}"`);
  return parsed.data;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw shapeError(`"${what}" is not an object`);
  return value as Record<string, unknown>;
}
