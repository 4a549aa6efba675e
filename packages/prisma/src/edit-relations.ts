import type { ChangeOf, ReferentialAction, TableModel } from '@orm-ai/core';
import { applyError, fieldInsertLine, fieldNames, locateColumnField, locateField, locateModel, locateModelEntry, memberIndent, type EditState, type LocatedModel } from './edit-context.js';
import { LineEdits, removeMember } from './edit-lines.js';
import { defaultForeignKeyName, freeName, lowerFirst, pluralize, toPascalCase } from './naming.js';
import { prismaString, renderList, renderMemberLine } from './prisma-syntax.js';
import type { PrismaRelationEntry } from './read-schema.js';

/** The model's spelling of an action → Prisma's. */
const PRISMA_ACTIONS: Readonly<Record<ReferentialAction, string>> = {
  cascade: 'Cascade',
  restrict: 'Restrict',
  'no action': 'NoAction',
  'set null': 'SetNull',
  'set default': 'SetDefault',
};

/** Removes a relation field and the field(s) on the other side of the relation. */
export function removeRelation(state: EditState, edits: LineEdits, located: LocatedModel, relation: PrismaRelationEntry): void {
  removeMember(edits, located.path, located.source, locateField(located, relation.field).line);
  const otherEntry = state.schema.index.tables.find((table) => table.model === relation.model);
  if (otherEntry === undefined) return;
  const other = otherEntry.model === located.entry.model ? located : locateModelEntry(state, otherEntry);
  for (const opposite of otherEntry.relations) {
    const sameRelation = opposite.relationName === relation.relationName && opposite.model === located.entry.model;
    if (sameRelation && !(other === located && opposite.field === relation.field)) {
      removeMember(edits, other.path, other.source, locateField(other, opposite.field).line);
    }
  }
}

/** drop_foreign_key: removes the relation field holding the key and its back-relation. */
export function dropForeignKey(state: EditState, change: ChangeOf<'drop_foreign_key'>): void {
  const located = locateModel(state, change.table);
  const relation = located.entry.relations.find((candidate) => candidate.foreignKey === change.name);
  if (relation === undefined) {
    const names = located.entry.relations.flatMap((candidate) => (candidate.foreignKey === null ? [] : [candidate.foreignKey]));
    throw applyError(`foreign key "${change.name}" is not declared on model ${located.entry.model} (has: ${names.join(', ') || 'none'})`);
  }
  const edits = new LineEdits();
  removeRelation(state, edits, located, relation);
  edits.commit(state);
}

/** True when `columns` are exactly a primary key or a unique constraint of the table: a one-to-one relation. */
function isUniqueKey(table: TableModel, columns: readonly string[]): boolean {
  const same = (other: readonly string[]) => other.length === columns.length && other.every((column) => columns.includes(column));
  if (columns.length === 1 && table.columns.some((column) => column.name === columns[0] && (column.unique || column.primaryKey))) return true;
  return (
    (table.primaryKey !== null && same(table.primaryKey.columns)) ||
    table.uniques.some((unique) => same(unique.columns)) ||
    table.indexes.some((index) => index.unique && index.where === null && same(index.columns))
  );
}

/** `authorId` → `author`; otherwise the referenced model's name, lower-cased. */
function relationFieldCandidates(fields: readonly string[], referencedModel: string): string[] {
  const stripped = fields.length === 1 ? /^(.+?)(?:_id|Id|ID)$/.exec(fields[0]!)?.[1] : undefined;
  return [...(stripped === undefined ? [] : [stripped]), lowerFirst(referencedModel)];
}

/**
 * add_foreign_key: a relation field on the referencing model
 * (`author User @relation(fields: [authorId], references: [id], onDelete: Cascade)`) and the
 * back-relation on the referenced model (`posts Post[]`, or `post Post?` for a one-to-one).
 * Actions equal to Prisma's defaults and the default constraint name are left out; a second
 * relation between the same models gets a relation name.
 */
export function addForeignKey(state: EditState, change: ChangeOf<'add_foreign_key'>): void {
  const located = locateModel(state, change.table);
  const referenced = change.referencedTable === change.table ? located : locateModel(state, change.referencedTable);
  const fields = change.columns.map((column) => locateColumnField(located, column));
  const references = change.referencedColumns.map((column) => locateColumnField(referenced, column).name);
  const optional = change.columns.some((column) => located.table.columns.find((candidate) => candidate.name === column)?.nullable === true);
  const relationField = freeName(relationFieldCandidates(fields.map((field) => field.name), referenced.entry.model), fieldNames(located));
  const relationName = needsRelationName(located, referenced) ? freeRelationName(state, `${located.entry.model}${toPascalCase(relationField)}`) : null;
  const args = [
    ...(relationName === null ? [] : [prismaString(relationName)]),
    `fields: ${renderList(fields.map((field) => field.name))}`,
    `references: ${renderList(references)}`,
    ...actionArgs(change, optional),
    ...(change.name !== null && change.name !== defaultForeignKeyName(change.table, change.columns) ? [`map: ${prismaString(change.name)}`] : []),
  ];
  const edits = new LineEdits();
  const line = renderMemberLine({ indent: memberIndent(located), name: relationField, type: referenced.entry.model, list: false, optional, attributes: [`@relation(${args.join(', ')})`], comment: null });
  edits.insert(located.path, Math.max(...fields.map((field) => field.line)) + 1, [line]);
  const oneToOne = isUniqueKey(located.table, change.columns);
  const takenBack = fieldNames(referenced);
  if (referenced === located) takenBack.add(relationField);
  const backName = freeName([lowerFirst(oneToOne ? located.entry.model : pluralize(located.entry.model))], takenBack);
  const back = renderMemberLine({
    indent: memberIndent(referenced),
    name: backName,
    type: located.entry.model,
    list: !oneToOne,
    optional: oneToOne,
    attributes: relationName === null ? [] : [`@relation(${prismaString(relationName)})`],
    comment: null,
  });
  edits.insert(referenced.path, fieldInsertLine(referenced), [back]);
  edits.commit(state);
}

function actionArgs(change: ChangeOf<'add_foreign_key'>, optional: boolean): string[] {
  const args: string[] = [];
  // Prisma's defaults: onDelete Restrict (SetNull for an optional relation), onUpdate Cascade.
  if (change.onDelete !== (optional ? 'set null' : 'restrict')) args.push(`onDelete: ${PRISMA_ACTIONS[change.onDelete]}`);
  if (change.onUpdate !== 'cascade') args.push(`onUpdate: ${PRISMA_ACTIONS[change.onUpdate]}`);
  return args;
}

/** Prisma needs a relation name when two models already share a relation, or for a self-relation. */
function needsRelationName(located: LocatedModel, referenced: LocatedModel): boolean {
  if (located === referenced) return true;
  return located.entry.relations.some((relation) => relation.model === referenced.entry.model);
}

function freeRelationName(state: EditState, base: string): string {
  const taken = new Set(state.schema.index.tables.flatMap((table) => table.relations.map((relation) => relation.relationName)));
  return freeName([base], taken);
}
