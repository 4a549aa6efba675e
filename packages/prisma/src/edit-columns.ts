import type { ChangeOf } from '@orm-ai/core';
import {
  applyError,
  fieldInsertLine,
  fieldNames,
  locateColumnField,
  locateModel,
  memberIndent,
  type EditState,
} from './edit-context.js';
import { prismaDefault } from './edit-defaults.js';
import { fieldNameFor, fieldTypeFor, mapAttribute, renderColumnField, usesCamelMapping } from './edit-fields.js';
import { LineEdits, removeMember } from './edit-lines.js';
import { renameFieldReferences } from './edit-references.js';
import { removeRelation } from './edit-relations.js';
import { syncRelationArity } from './edit-relation-arity.js';
import { isPrismaIdentifier, toCamelCase } from './naming.js';
import { attributeName, listItemName, parseAttribute, parseList, parseMemberLine, renderMemberLine, type MemberLine } from './prisma-syntax.js';

/** add_column: a field after the model's last field, named by the model's convention. */
export function addColumn(state: EditState, change: ChangeOf<'add_column'>): void {
  const located = locateModel(state, change.table);
  const where = `add_column ${change.table}.${change.column.name}`;
  const field = fieldNameFor({ column: change.column.name, camel: usesCamelMapping(state, located.entry.columns), taken: fieldNames(located), where });
  const line = renderColumnField({ state, spec: change.column, field, indent: memberIndent(located), where });
  new LineEdits().insert(located.path, fieldInsertLine(located), [line]).commit(state);
}

/**
 * drop_column: removes the field, and what PostgreSQL drops with the column: the relations
 * whose foreign key uses it (with their back-relations) and the indexes and uniques on it.
 */
export function dropColumn(state: EditState, change: ChangeOf<'drop_column'>): void {
  const located = locateModel(state, change.table);
  const field = locateColumnField(located, change.column);
  const edits = new LineEdits();
  removeMember(edits, located.path, located.source, field.line);
  for (const relation of located.entry.relations) {
    if (relation.fields.includes(field.name)) removeRelation(state, edits, located, relation);
  }
  for (const member of located.members) {
    if (member.kind !== 'attribute' || !['index', 'unique'].includes(member.node.name)) continue;
    const raw = parseMemberLine(located.source.lines[member.line]!).attributes[0] ?? '@@index';
    const list = parseAttribute(raw).args?.find((arg) => arg.key === null || arg.key === 'fields');
    if (list !== undefined && parseList(list.value).some((item) => listItemName(item) === field.name)) edits.remove(located.path, member.line);
  }
  edits.commit(state);
}

/**
 * rename_column: the database name is what changes. A field with `@map` gets the new
 * `@map`; a field without one is renamed (camelCase + `@map` under that convention), with
 * every reference to it in attributes and relations.
 */
export function renameColumn(state: EditState, change: ChangeOf<'rename_column'>): void {
  const located = locateModel(state, change.table);
  const field = locateColumnField(located, change.from);
  const edits = new LineEdits();
  const hasMap = field.syntax.attributes.some((attribute) => attributeName(attribute) === 'map');
  let name = field.name;
  if (!hasMap) {
    const taken = fieldNames(located);
    taken.delete(field.name);
    const camel = usesCamelMapping(state, located.entry.columns);
    const candidate = camel ? toCamelCase(change.to) : change.to;
    name = isPrismaIdentifier(candidate) && !taken.has(candidate) ? candidate : field.name;
  }
  const attributes = [...field.syntax.attributes.filter((attribute) => attributeName(attribute) !== 'map')];
  attributes.splice(nativeIndex(attributes), 0, ...mapAttribute(name, change.to));
  edits.replace(located.path, field.line, renderMemberLine({ ...field.syntax, name, attributes }));
  if (name !== field.name) renameFieldReferences({ state, edits, located, from: field.name, to: name });
  edits.commit(state);
}

/** Where `@map` goes: before the native type attribute, as Prisma's formatter orders them. */
function nativeIndex(attributes: readonly string[]): number {
  const native = attributes.findIndex((attribute) => attributeName(attribute).startsWith('db.'));
  return native === -1 ? attributes.length : native;
}

/** alter_column: rewrites the field's type, `?` and `@default`, keeping its other attributes. */
export function alterColumn(state: EditState, change: ChangeOf<'alter_column'>): void {
  const located = locateModel(state, change.table);
  const field = locateColumnField(located, change.column);
  const column = located.table.columns.find((candidate) => candidate.name === change.column)!;
  const where = `alter_column ${change.table}.${change.column}`;
  // The current type is only mapped when needed: a nullability change works on any type.
  const mapped = change.type !== null || change.default !== null ? fieldTypeFor(state, change.type ?? column.type, where) : null;
  let syntax: MemberLine = field.syntax;
  if (change.type !== null) syntax = withType(syntax, mapped!.type);
  if (syntax.list && change.nullable === false && change.type === null && change.default === null) {
    throw applyError(`${where}: Prisma creates every list column nullable and cannot declare it NOT NULL`, 'Keep the list column nullable, or apply this change by hand.');
  }
  const nullable = change.nullable ?? column.nullable;
  syntax = { ...syntax, optional: nullable && !syntax.list && !column.primaryKey };
  if (mapped !== null && (change.default !== null || mapped.type.autoincrement)) {
    syntax = withDefault(syntax, prismaDefault({ sql: change.default?.sql ?? null, type: mapped.type, enumEntry: mapped.enumEntry }));
  }
  const edits = new LineEdits();
  edits.replace(located.path, field.line, renderMemberLine(syntax));
  if (syntax.optional !== field.syntax.optional) syncRelationArity({ state, edits, located, field: field.name, optional: syntax.optional });
  edits.commit(state);
}

function withType(syntax: MemberLine, type: ReturnType<typeof fieldTypeFor>['type']): MemberLine {
  const attributes = syntax.attributes.filter((attribute) => !attributeName(attribute).startsWith('db.'));
  if (type.native !== null) attributes.push(type.native);
  return { ...syntax, type: type.type, list: type.list, attributes };
}

function withDefault(syntax: MemberLine, attribute: string | null): MemberLine {
  const attributes = [...syntax.attributes];
  const position = attributes.findIndex((candidate) => attributeName(candidate) === 'default');
  if (position !== -1) attributes.splice(position, 1, ...(attribute === null ? [] : [attribute]));
  else if (attribute !== null) attributes.splice(defaultIndex(attributes), 0, attribute);
  return { ...syntax, attributes };
}

/** A new `@default` goes after `@id`/`@unique`, before `@map` and the native type. */
function defaultIndex(attributes: readonly string[]): number {
  const later = attributes.findIndex((attribute) => /^(map|relation|db\.)/.test(attributeName(attribute)));
  return later === -1 ? attributes.length : later;
}
