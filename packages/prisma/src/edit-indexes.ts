import type { ChangeOf, IndexMethod } from '@orm-ai/core';
import { applyError, locateColumnField, locateModel, type EditState, type LocatedModel } from './edit-context.js';
import { insertBlockAttribute, LineEdits } from './edit-lines.js';
import { defaultIndexName, defaultUniqueName } from './naming.js';
import { unquote } from './prisma-source.js';
import {
  argValue,
  attributeName,
  listItemName,
  parseAttribute,
  parseList,
  parseMemberLine,
  prismaString,
  renderList,
  renderMemberLine,
  type AttributeSyntax,
} from './prisma-syntax.js';

/** Index methods as Prisma's `type:` argument spells them (btree is the default, left out). */
const PRISMA_METHODS: Readonly<Record<IndexMethod, string>> = { btree: 'BTree', hash: 'Hash', gin: 'Gin', gist: 'Gist', spgist: 'SpGist', brin: 'Brin' };

/**
 * create_index: `@@index([a, b], map: "name", type: Gin)`, or `@@unique([...])` for a unique
 * index. `map:` only when the name is not Prisma's default. A partial index (`where`) needs
 * the `partialIndexes` preview feature (Prisma 7.4+): `where: raw("<SQL>")`. Prisma has no
 * CONCURRENTLY: `concurrently` is ignored.
 */
export function createIndex(state: EditState, change: ChangeOf<'create_index'>): void {
  const located = locateModel(state, change.table);
  if (change.unique && change.method !== 'btree') throw applyError(`create_index ${change.name}: PostgreSQL supports unique indexes only with btree, not ${change.method}`);
  const fields = change.columns.map((column) => locateColumnField(located, column).name);
  const defaultName = (change.unique ? defaultUniqueName : defaultIndexName)(change.table, change.columns);
  const args = [
    renderList(fields),
    ...(change.name === defaultName ? [] : [`map: ${prismaString(change.name)}`]),
    ...(change.method === 'btree' ? [] : [`type: ${PRISMA_METHODS[change.method]}`]),
    ...(change.where === null ? [] : [`where: raw(${prismaString(partialWhere(state, change))})`]),
  ];
  const edits = new LineEdits();
  insertBlockAttribute(edits, located, `@@${change.unique ? 'unique' : 'index'}(${args.join(', ')})`);
  edits.commit(state);
}

function partialWhere(state: EditState, change: ChangeOf<'create_index'>): string {
  if (!state.schema.index.previewFeatures.includes('partialIndexes')) {
    throw applyError(
      `create_index ${change.name}: the Prisma schema cannot declare a partial index (where ${change.where}) without the "partialIndexes" preview feature`,
      'Add previewFeatures = ["partialIndexes"] to the generator block, or plan the index without where.',
    );
  }
  return change.where!;
}

/** drop_index: removes the `@@index` (or `@@unique` / `@unique`) declaring the index. */
export function dropIndex(state: EditState, change: ChangeOf<'drop_index'>): void {
  removeNamed(state, change.table, change.name, ['index', 'unique'], 'index');
}

/** add_unique: `@unique` on a single field, `@@unique([...])` for several; `map:` for a non-default name. */
export function addUnique(state: EditState, change: ChangeOf<'add_unique'>): void {
  const located = locateModel(state, change.table);
  const fields = change.columns.map((column) => locateColumnField(located, column));
  const map = change.name !== null && change.name !== defaultUniqueName(change.table, change.columns) ? `map: ${prismaString(change.name)}` : null;
  const edits = new LineEdits();
  if (fields.length === 1) {
    const field = fields[0]!;
    const attributes = [...field.syntax.attributes];
    const position = attributes.findIndex((attribute) => !/^(id|unique)$/.test(attributeName(attribute)));
    attributes.splice(position === -1 ? attributes.length : position, 0, map === null ? '@unique' : `@unique(${map})`);
    edits.replace(located.path, field.line, renderMemberLine({ ...field.syntax, attributes }));
  } else {
    insertBlockAttribute(edits, located, `@@unique(${[renderList(fields.map((field) => field.name)), ...(map === null ? [] : [map])].join(', ')})`);
  }
  edits.commit(state);
}

/** drop_unique: removes the `@@unique` or the field's `@unique` with that name. */
export function dropUnique(state: EditState, change: ChangeOf<'drop_unique'>): void {
  removeNamed(state, change.table, change.name, ['unique'], 'unique constraint');
}

function removeNamed(state: EditState, table: string, name: string, kinds: readonly string[], what: string): void {
  const located = locateModel(state, table);
  const edits = new LineEdits();
  for (const member of located.members) {
    if (member.kind === 'attribute' && kinds.includes(member.node.name)) {
      const attribute = lineAttribute(located, member.line);
      if (attribute !== undefined && blockIndexName(located, attribute) === name) return edits.remove(located.path, member.line).commit(state);
    }
    if (member.kind === 'field' && kinds.includes('unique')) {
      const syntax = parseMemberLine(located.source.lines[member.line]!);
      const column = located.entry.columns.find((entry) => entry.field === member.node.name)?.name ?? member.node.name;
      const unique = syntax.attributes.findIndex((raw) => attributeName(raw) === 'unique' && uniqueName(parseAttribute(raw), table, column) === name);
      if (unique === -1) continue;
      const attributes = syntax.attributes.filter((_, position) => position !== unique);
      return edits.replace(located.path, member.line, renderMemberLine({ ...syntax, attributes })).commit(state);
    }
  }
  throw applyError(`${what} "${name}" is not declared on model ${located.entry.model}`);
}

function lineAttribute(located: LocatedModel, line: number): AttributeSyntax | undefined {
  const raw = parseMemberLine(located.source.lines[line]!).attributes[0];
  return raw === undefined ? undefined : parseAttribute(raw);
}

function uniqueName(attribute: AttributeSyntax, table: string, column: string): string {
  const map = argValue(attribute, 'map');
  return map === undefined ? defaultUniqueName(table, [column]) : unquote(map);
}

/** The database name of a block `@@index` / `@@unique`: its `map:` or Prisma's default. */
function blockIndexName(located: LocatedModel, attribute: AttributeSyntax): string {
  const map = argValue(attribute, 'map');
  if (map !== undefined) return unquote(map);
  const list = argValue(attribute, 'fields') ?? argValue(attribute, null) ?? '[]';
  const columns = parseList(list).map((item) => {
    const field = listItemName(item);
    return located.entry.columns.find((entry) => entry.field === field)?.name ?? field;
  });
  return (attribute.name === 'unique' ? defaultUniqueName : defaultIndexName)(located.entry.name, columns);
}
