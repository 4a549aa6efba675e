import { type ColumnModel, columnModel, OrmAiError, type TableModel, tableModel } from '@orm-ai/core';
import type { Field } from '@mrleebo/prisma-ast';
import { blockMembers, positionalArgument, unquote, type SourceBlock } from './prisma-source.js';
import { canonicalScalarType } from './prisma-types.js';
import type { DmmfDatamodel, DmmfField, DmmfModel } from './prisma-wasm.js';
import { readConstraints, type ModelContext } from './read-constraints.js';
import { isAutoincrement, readDefault } from './read-defaults.js';
import type { PrismaEnumEntry, PrismaRelationEntry, PrismaTableEntry, SourceMap } from './read-schema.js';

/** Reads one model into a table and its index entry. */
export function readTable(options: {
  model: DmmfModel;
  datamodel: DmmfDatamodel;
  located: { filePath: string; block: SourceBlock };
  sources: SourceMap;
  enums: readonly PrismaEnumEntry[];
}): { table: TableModel; entry: PrismaTableEntry } {
  const { model, datamodel, located } = options;
  const tableName = model.dbName ?? model.name;
  const astFields = new Map(blockMembers(located.block).flatMap((member) => (member.kind === 'field' ? [[member.node.name, member] as const] : [])));
  const columns: ColumnModel[] = [];
  const entries: { name: string; field: string }[] = [];
  const context: ModelContext = {
    model,
    tableName,
    located,
    astFields,
    datamodel,
    // From the columns read: DMMF has no `Unsupported(...)` fields, whose `@map` only the source holds.
    columnName: (field) => entries.find((entry) => entry.field === field)?.name ?? columnNameOf(model, field),
    fail: (line, message) => readError(located.filePath, line, message),
  };
  for (const [name, member] of astFields) {
    const field = model.fields.find((candidate) => candidate.name === name);
    const column = field === undefined ? unsupportedColumn(member.node) : scalarColumn(field, options.enums);
    if (column === null) continue;
    columns.push(column);
    entries.push({ name: column.name, field: name });
  }
  const constraints = readConstraints(context);
  for (const column of columns) {
    // From the indexes, not DMMF's `isUnique`: that is false for a field that is also `@id`,
    // though `@id @unique` makes a unique index of its own.
    const uniqueName = constraints.indexUniqueColumns.has(column.name) ? undefined : constraints.columnUniqueNames.get(column.name);
    column.unique = uniqueName !== undefined;
    column.uniqueName = uniqueName ?? null;
  }
  const table = tableModel({
    name: tableName,
    columns,
    primaryKey: constraints.primaryKey,
    indexes: constraints.indexes,
    foreignKeys: constraints.foreignKeys,
    uniques: constraints.uniques,
    comment: model.documentation ?? null,
  });
  const relations = relationEntries(model, constraints.foreignKeyNames);
  return { table, entry: { name: tableName, model: model.name, filePath: located.filePath, columns: entries, relations } };
}

/** The database column name of a field of `model` (`@map` or the field name). */
export function columnNameOf(model: DmmfModel, fieldName: string): string {
  const field = model.fields.find((candidate) => candidate.name === fieldName);
  return field?.dbName ?? fieldName;
}

function readError(filePath: string, line: number, message: string): OrmAiError {
  return new OrmAiError('SCHEMA_READ_FAILED', `${filePath}:${line + 1}: ${message}`, {
    hint: 'Rewrite this declaration in a form the schema model supports, or apply the change by hand.',
  });
}

function scalarColumn(field: DmmfField, enums: readonly PrismaEnumEntry[]): ColumnModel | null {
  if (field.kind !== 'scalar' && field.kind !== 'enum') return null;
  const enumEntry = field.kind === 'enum' ? enums.find((entry) => entry.enumName === field.type) : undefined;
  const autoincrement = isAutoincrement(field);
  const type =
    enumEntry === undefined
      ? canonicalScalarType({ type: field.type, nativeType: nativeTypeOf(field), isList: field.isList, autoincrement })
      : `${enumEntry.name}${field.isList ? '[]' : ''}`;
  const enumValue = (value: string) => enumEntry?.values.find((candidate) => candidate.name === value)?.value ?? value;
  return columnModel({
    name: field.dbName ?? field.name,
    type,
    // Prisma creates list columns without NOT NULL (`"tags" TEXT[]`), whatever the field says.
    nullable: !field.isRequired || field.isList,
    default: autoincrement ? null : readDefault(field, { columnType: type, enumValue }),
    primaryKey: field.isId,
    unique: field.isUnique,
    comment: field.documentation ?? null,
  });
}

function nativeTypeOf(field: DmmfField): readonly [string, readonly string[]] | null {
  const native: unknown = field.nativeType;
  if (!Array.isArray(native) || typeof native[0] !== 'string') return null;
  return [native[0], Array.isArray(native[1]) ? native[1].map(String) : []];
}

/** `x Unsupported("circle")?`: DMMF leaves it out, the database has the column. */
function unsupportedColumn(node: Field): ColumnModel | null {
  const type = node.fieldType;
  if (typeof type !== 'object' || type.name !== 'Unsupported') return null;
  const spelling = unquote(String(type.params?.[0] ?? '""'));
  const defaultAttribute = node.attributes?.find((attribute) => attribute.name === 'default' && attribute.group === undefined);
  const value = defaultAttribute === undefined ? undefined : positionalArgument(defaultAttribute);
  const generated = typeof value === 'object' && value !== null && !Array.isArray(value) && value.type === 'function' && value.name === 'dbgenerated';
  return columnModel({
    name: mappedName(node) ?? node.name,
    type: `${spelling}${node.array === true ? '[]' : ''}`,
    nullable: node.optional === true,
    default: generated && value.params?.[0] !== undefined ? unquote(String(value.params[0])) : null,
  });
}

function mappedName(node: Field): string | undefined {
  const map = node.attributes?.find((attribute) => attribute.name === 'map' && attribute.group === undefined);
  const value = map === undefined ? undefined : positionalArgument(map);
  return typeof value === 'string' ? unquote(value) : undefined;
}

function relationEntries(model: DmmfModel, foreignKeyNames: ReadonlyMap<string, string>): PrismaRelationEntry[] {
  return model.fields
    .filter((field) => field.kind === 'object')
    .map((field) => ({
      field: field.name,
      model: field.type,
      relationName: field.relationName ?? '',
      list: field.isList,
      optional: !field.isRequired,
      fields: field.relationFromFields ?? [],
      references: field.relationToFields ?? [],
      foreignKey: foreignKeyNames.get(field.name) ?? null,
    }));
}
