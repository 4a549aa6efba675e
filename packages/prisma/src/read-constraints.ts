import type { BlockAttribute, Value } from '@mrleebo/prisma-ast';
import type { ForeignKeyModel, IndexModel, OrmAiError, ReferentialAction, TableModel, UniqueConstraintModel } from '@orm-ai/core';
import { indexKeyOptions } from './index-key-options.js';
import { defaultForeignKeyName, defaultIndexName, defaultUniqueName } from './naming.js';
import { blockMembers, namedArgument, positionalArgument, unquote, type BlockMember, type SourceBlock } from './prisma-source.js';
import type { DmmfDatamodel, DmmfField, DmmfIndex, DmmfModel } from './prisma-wasm.js';

/** What reading one model's constraints needs. */
export interface ModelContext {
  readonly model: DmmfModel;
  readonly tableName: string;
  readonly located: { readonly filePath: string; readonly block: SourceBlock };
  readonly astFields: ReadonlyMap<string, Extract<BlockMember, { kind: 'field' }>>;
  readonly datamodel: DmmfDatamodel;
  /** The database column of a field of this model. */
  columnName(field: string): string;
  fail(line: number, message: string): OrmAiError;
}

/** One model's keys, indexes, uniques and foreign keys, as the neutral model holds them. */
export interface ReadConstraints {
  readonly primaryKey: TableModel['primaryKey'];
  readonly indexes: IndexModel[];
  readonly uniques: UniqueConstraintModel[];
  readonly foreignKeys: ForeignKeyModel[];
  /** Relation field → the foreign key constraint it declares. */
  readonly foreignKeyNames: ReadonlyMap<string, string>;
  /**
   * Columns whose `@unique` is a unique index, not a column-level unique: partial
   * (`where: ...`) or with key options (`sort: Desc`, `ops: ...`).
   */
  readonly indexUniqueColumns: ReadonlySet<string>;
  /** Column → the name of its single-column unique index (`@unique` or `@@unique([field])`; `map:` or Prisma's default). */
  readonly columnUniqueNames: ReadonlyMap<string, string>;
}

/** Prisma's referential actions in the model's spelling. */
export const REFERENTIAL_ACTIONS: Readonly<Record<string, ReferentialAction>> = {
  Cascade: 'cascade',
  Restrict: 'restrict',
  NoAction: 'no action',
  SetNull: 'set null',
  SetDefault: 'set default',
};

/**
 * Reads `@@id`, `@unique`/`@@unique`, `@@index` and relations. Unnamed constraints get
 * Prisma's default names; relations without actions get Prisma's defaults: onDelete
 * Restrict (required relation) or SetNull (optional), onUpdate Cascade. A unique with a
 * condition or key options is a unique index in the model: Prisma creates every unique as
 * `CREATE UNIQUE INDEX`, and the model's unique constraints have no key options.
 */
export function readConstraints(context: ModelContext): ReadConstraints {
  const indexes: IndexModel[] = [];
  const uniques: UniqueConstraintModel[] = [];
  const indexUniqueColumns = new Set<string>();
  const columnUniqueNames = new Map<string, string>();
  let primaryKey: TableModel['primaryKey'] = null;
  for (const index of context.datamodel.indexes.filter((candidate) => candidate.model === context.model.name)) {
    const columns = index.fields.map((field) => context.columnName(field.name));
    if (index.type === 'id') {
      if (!index.isDefinedOnField) primaryKey = { name: index.dbName ?? null, columns };
      continue;
    }
    if (index.type !== 'unique' && index.type !== 'normal') continue;
    const where = whereOf(context, index);
    const keyOptions = indexKeyOptions(index);
    const unique = index.type === 'unique';
    if (unique && where === null && keyOptions === undefined) {
      const name = index.dbName ?? defaultUniqueName(context.tableName, columns);
      // One column, whether `@unique` or `@@unique([field])`: DMMF marks that field unique,
      // and the database holds one index, so the model holds it once, on the column.
      if (columns.length === 1) columnUniqueNames.set(columns[0]!, name);
      else uniques.push({ name, columns });
      continue;
    }
    if (unique && index.isDefinedOnField) indexUniqueColumns.add(columns[0]!);
    const name = index.dbName ?? (unique ? defaultUniqueName : defaultIndexName)(context.tableName, columns);
    indexes.push({ name, columns, unique, method: methodOf(index), where, ...(keyOptions === undefined ? {} : { keyOptions }) });
  }
  const { foreignKeys, foreignKeyNames } = readForeignKeys(context);
  return { primaryKey, indexes, uniques, foreignKeys, foreignKeyNames, indexUniqueColumns, columnUniqueNames };
}

/** DMMF's `algorithm` (`Gin`, `SpGist`, `BTree`, absent for the default) as PostgreSQL's access method. */
function methodOf(index: DmmfIndex): string {
  return index.algorithm?.toLowerCase() ?? 'btree';
}

/** The `where` of a (partial) index, read from the source: DMMF leaves it out. */
function whereOf(context: ModelContext, index: DmmfIndex): string | null {
  const names = index.fields.map((field) => field.name);
  const found = index.isDefinedOnField ? fieldUnique(context, names[0]!) : blockIndex(context, index, names);
  if (found === undefined) return null;
  const where = namedArgument(found.attribute, 'where');
  if (where === undefined) return null;
  if (typeof where === 'object' && where !== null && !Array.isArray(where) && where.type === 'function' && where.name === 'raw') {
    return unquote(String(where.params?.[0] ?? '""'));
  }
  throw context.fail(found.line, 'a partial index condition in object form (`where: { ... }`) cannot be read; write it as `where: raw("<SQL>")`');
}

type Located = { attribute: NonNullable<Parameters<typeof namedArgument>[0]>; line: number };

function fieldUnique(context: ModelContext, field: string): Located | undefined {
  const member = context.astFields.get(field);
  const attribute = member?.node.attributes?.find((candidate) => candidate.name === 'unique' && candidate.group === undefined);
  return member === undefined || attribute === undefined ? undefined : { attribute, line: member.line };
}

function blockIndex(context: ModelContext, index: DmmfIndex, names: readonly string[]): Located | undefined {
  const kind = index.type === 'unique' ? 'unique' : 'index';
  const candidates = blockMembers(context.located.block).flatMap((member) =>
    member.kind === 'attribute' && member.node.name === kind && sameNames(listNames(member.node), names) ? [{ attribute: member.node, line: member.line }] : [],
  );
  const mapped = candidates.find((candidate) => mapOf(candidate.attribute) === (index.dbName ?? undefined));
  return mapped ?? candidates[0];
}

function sameNames(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((name, position) => name === right[position]);
}

function mapOf(attribute: BlockAttribute): string | undefined {
  const value = namedArgument(attribute, 'map');
  return typeof value === 'string' ? unquote(value) : undefined;
}

/** Field names of `@@index([a, b(sort: Desc)])` or `@@index(fields: [...])`. */
function listNames(attribute: BlockAttribute): string[] {
  const value: Value | undefined = namedArgument(attribute, 'fields') ?? positionalArgument(attribute);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value.type !== 'array') return [];
  return value.args.map((item) => (typeof item === 'object' && item !== null && !Array.isArray(item) && item.type === 'function' ? item.name : String(item)));
}

function readForeignKeys(context: ModelContext): { foreignKeys: ForeignKeyModel[]; foreignKeyNames: Map<string, string> } {
  const foreignKeys: ForeignKeyModel[] = [];
  const foreignKeyNames = new Map<string, string>();
  for (const field of context.model.fields) {
    if (field.kind !== 'object' || (field.relationFromFields ?? []).length === 0) continue;
    const referenced = context.datamodel.models.find((candidate) => candidate.name === field.type)!;
    const columns = field.relationFromFields!.map((name) => context.columnName(name));
    const name = relationMap(context, field.name) ?? defaultForeignKeyName(context.tableName, columns);
    foreignKeyNames.set(field.name, name);
    foreignKeys.push({
      name,
      columns,
      referencedTable: referenced.dbName ?? referenced.name,
      referencedColumns: (field.relationToFields ?? []).map((to) => referenced.fields.find((candidate) => candidate.name === to)?.dbName ?? to),
      ...relationActions(field),
    });
  }
  return { foreignKeys, foreignKeyNames };
}

/** The relation's actions, explicit or Prisma's defaults. */
export function relationActions(field: DmmfField): { onDelete: ReferentialAction; onUpdate: ReferentialAction } {
  const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
  const onUpdate = field.relationOnUpdate ?? 'Cascade';
  return { onDelete: REFERENTIAL_ACTIONS[onDelete] ?? 'no action', onUpdate: REFERENTIAL_ACTIONS[onUpdate] ?? 'no action' };
}

function relationMap(context: ModelContext, fieldName: string): string | undefined {
  const relation = context.astFields.get(fieldName)?.node.attributes?.find((attribute) => attribute.name === 'relation' && attribute.group === undefined);
  const value = relation === undefined ? undefined : namedArgument(relation, 'map');
  return typeof value === 'string' ? unquote(value) : undefined;
}
