import {
  columnModel,
  findTable,
  normalizeColumnType,
  referentialActionSchema,
  tableModel,
  type CheckConstraintModel,
  type ColumnModel,
  type EnumModel,
  type ForeignKeyModel,
  type IndexKeyOptions,
  type IndexModel,
  type PolicyModel,
  type ReferentialAction,
  type SchemaModel,
  type TableModel,
} from '@orm-ai/core';
import { postgresIdentifier } from './naming.js';
import {
  shapeError,
  snapshotEnums,
  snapshotTables,
  type SnapshotColumn,
  type SnapshotIndex,
  type SnapshotIndexColumn,
  type SnapshotPolicy,
  type SnapshotTable,
} from './snapshot-shape.js';
import type { DrizzleSnapshot } from './drizzle-kit-api.js';

/** The neutral model of a drizzle-kit snapshot, plus what the snapshot holds that the model has no field for. */
export interface SnapshotModel {
  readonly model: SchemaModel;
  /**
   * Facts the model has no field for (views, sequences, roles, policies on tables outside the
   * schema, NULLS NOT DISTINCT, index storage parameters), one sentence each, so they are not
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
  const enums: EnumModel[] = snapshotEnums(snapshot).map((entry) => ({ name: qualified(entry.schema, entry.name), values: entry.values }));
  const enumNames = new Set(enums.map((entry) => entry.name));
  const tables = snapshotTables(snapshot).map((table) => mapTable({ table, enumNames, unmodelled }));
  for (const kind of ['views', 'sequences', 'roles'] as const) {
    for (const name of Object.keys(record(snapshot[kind] ?? {}, kind))) unmodelled.push(`${kind.slice(0, -1)} ${name}`);
  }
  // Policies linked to a table the schema does not declare (Supabase's auth.users): no table of the model holds them.
  for (const policy of Object.values(record(snapshot.policies ?? {}, 'policies')) as SnapshotPolicy[]) {
    const rendered = mapPolicy(policy);
    unmodelled.push(`policy ${rendered.name} on ${policy.on ?? 'an unknown table'} ${rendered.as} for ${rendered.command} to ${rendered.roles.join(', ')}`);
  }
  // drizzle-kit's SQLite snapshots say so (`"dialect": "sqlite"`); its PostgreSQL ones before version 7 say nothing.
  return { model: { dialect: snapshot.dialect === 'sqlite' ? 'sqlite' : 'postgresql', tables, enums }, unmodelled };
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
  const policies = Object.values(table.policies ?? {}).map(mapPolicy);
  return tableModel({
    name,
    columns,
    primaryKey,
    indexes: Object.values(table.indexes ?? {}).map((index) => mapIndex({ index, table: name, unmodelled })),
    foreignKeys: Object.values(table.foreignKeys ?? {}).map((fk) => ({
      name: postgresIdentifier(fk.name),
      columns: [...fk.columnsFrom],
      referencedTable: qualified(fk.schemaTo, fk.tableTo),
      referencedColumns: [...fk.columnsTo],
      onDelete: action(fk.onDelete),
      onUpdate: action(fk.onUpdate),
    })) satisfies ForeignKeyModel[],
    uniques: uniques.filter((unique) => unique.columns.length > 1).map((unique) => ({ name: postgresIdentifier(unique.name), columns: [...unique.columns] })),
    checks: Object.values(table.checkConstraints ?? {}).map((check): CheckConstraintModel => ({ name: postgresIdentifier(check.name), expression: check.value })),
    // drizzle-kit enables row-level security on any table with a policy, declared or not (`.enableRLS()`).
    rowLevelSecurity: table.isRLSEnabled === true || policies.length > 0,
    policies,
  });
}

/** A policy with PostgreSQL's defaults written out, as drizzle-kit creates it (PERMISSIVE, FOR ALL, TO public). */
function mapPolicy(policy: SnapshotPolicy): PolicyModel {
  return {
    name: policy.name,
    as: policy.as === 'RESTRICTIVE' ? 'restrictive' : 'permissive',
    command: (policy.for ?? 'ALL').toLowerCase() as PolicyModel['command'],
    roles: policy.to === undefined || policy.to.length === 0 ? ['public'] : [...policy.to],
    using: policy.using ?? null,
    withCheck: policy.withCheck ?? null,
  };
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

function mapIndex(options: { index: SnapshotIndex; table: string; unmodelled: string[] }): IndexModel {
  const { index, table, unmodelled } = options;
  const name = postgresIdentifier(index.name);
  const keys = index.columns.map(indexKey);
  if (index.with !== undefined && Object.keys(index.with).length > 0) unmodelled.push(`index ${name} on ${table} has storage parameters ${JSON.stringify(index.with)}`);
  const keyOptions = keys.some((key) => key.options !== DEFAULT_KEY) ? { keyOptions: keys.map((key) => key.options) } : {};
  return {
    name,
    columns: keys.map((key) => key.column),
    unique: index.isUnique,
    // Any access method the ORM declares, an extension's too (pgvector's hnsw): plans create only built-in ones.
    method: index.method ?? 'btree',
    where: whereWithoutTable(index.where, table),
    ...keyOptions,
  };
}

const DEFAULT_KEY: IndexKeyOptions = Object.freeze({ opclass: null, order: 'asc', nulls: null });

/**
 * An index key as the model holds it. An expression key keeps its SQL in parentheses, as
 * `CREATE INDEX` writes it (`(lower("email"))`): it reads as what it is in the prompt, and it
 * can never be mistaken for a column, so no plan can create, rename or drop through it a column
 * that does not exist. Versions 5 and 6 list plain column names.
 */
function indexKey(key: SnapshotIndexColumn | string): { column: string; options: IndexKeyOptions } {
  if (typeof key === 'string') return { column: key, options: DEFAULT_KEY };
  const column = key.isExpression ? `(${key.expression})` : key.expression;
  const opclass = key.opclass === undefined || key.opclass === '' ? null : key.opclass;
  // drizzle-kit's CREATE INDEX writes a key with an operator class as just `col opclass`, without
  // the declared order or NULLS placement: the index the database gets is ascending.
  if (opclass !== null) return { column, options: { opclass, order: 'asc', nulls: null } };
  const order: IndexKeyOptions['order'] = key.asc === false ? 'desc' : 'asc';
  // drizzle-orm records NULLS LAST when none is declared, so `.desc()` alone is DESC NULLS LAST.
  const defaultNulls = order === 'asc' ? 'last' : 'first';
  const nulls = key.nulls === undefined || key.nulls === defaultNulls ? null : key.nulls;
  return { column, options: order === 'asc' && nulls === null ? DEFAULT_KEY : { opclass, order, nulls } };
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
