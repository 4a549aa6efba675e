import type { ChangeOf } from '@orm-ai/core';
import { applyError, locateField, locateModel, locateModelEntry, memberIndent, parsedText, topLevelNames, type EditState, type LocatedModel } from './edit-context.js';
import { fieldNameFor, renderColumnField, usesCamelMapping } from './edit-fields.js';
import { appendBlock, LineEdits, removeBlock, removeMember } from './edit-lines.js';
import { freeName, isPrismaIdentifier, modelNameFor } from './naming.js';
import { parseMemberLine, prismaString, renderList, renderMemberLine } from './prisma-syntax.js';

/** The file a new table goes to: where a table it references lives (per the plan), else the last file with a model. */
function targetFile(state: EditState, change: ChangeOf<'create_table'>): string {
  const referenced = state.plan.changes.find((other) => other.kind === 'add_foreign_key' && other.table === change.table);
  const referencedTable = referenced?.kind === 'add_foreign_key' ? referenced.referencedTable : undefined;
  const tables = state.schema.index.tables;
  const entry = tables.find((table) => table.name === referencedTable) ?? tables.at(-1);
  return entry?.filePath ?? [...state.texts.keys()][0]!;
}

/**
 * create_table: `model PostLike { ... @@map("post_likes") }` at the end of the target file:
 * a PascalCase singular model name, fields named by the schema's convention, `@@id` for a
 * composite key, `@@map` when the model name is not the table name.
 */
export function createTable(state: EditState, change: ChangeOf<'create_table'>): void {
  const model = freeName([modelNameFor(change.table)], topLevelNames(state));
  const camel = usesCamelMapping(state, []);
  const fields = new Map<string, string>();
  const lines = change.columns.map((spec) => {
    const where = `create_table ${change.table}.${spec.name}`;
    const field = fieldNameFor({ column: spec.name, camel, taken: new Set(fields.values()), where });
    fields.set(spec.name, field);
    return renderColumnField({ state, spec, field, indent: '  ', where });
  });
  const blockAttributes: string[] = [];
  if (change.primaryKey !== null) blockAttributes.push(`  @@id(${renderList(change.primaryKey.map((column) => fieldOf(fields, column, change.table)))})`);
  if (model !== change.table) blockAttributes.push(`  @@map(${prismaString(change.table)})`);
  const block = [`model ${model} {`, ...lines, ...(blockAttributes.length > 0 ? ['', ...blockAttributes] : []), '}'];
  const path = targetFile(state, change);
  const edits = new LineEdits();
  appendBlock(edits, parsedText(state, path), path, block);
  edits.commit(state);
}

function fieldOf(fields: ReadonlyMap<string, string>, column: string, table: string): string {
  const field = fields.get(column);
  if (field === undefined) throw applyError(`create_table ${table}: primary key column "${column}" is not one of its columns`);
  return field;
}

/** drop_table: removes the model and every relation field on other models that points at it. */
export function dropTable(state: EditState, change: ChangeOf<'drop_table'>): void {
  const located = locateModel(state, change.table);
  const edits = new LineEdits();
  removeBlock(edits, located.path, located.source, located.block);
  for (const entry of state.schema.index.tables) {
    if (entry.model === located.entry.model) continue;
    const pointing = entry.relations.filter((relation) => relation.model === located.entry.model);
    if (pointing.length === 0) continue;
    const other = locateModelEntry(state, entry);
    for (const relation of pointing) removeMember(edits, other.path, other.source, locateField(other, relation.field).line);
  }
  edits.commit(state);
}

/**
 * rename_table: the database name changes. A model with `@@map` gets the new `@@map`; a
 * model named like its table is renamed (with every field type naming it) when the new name
 * is a free Prisma identifier; otherwise `@@map("<new>")` is added.
 */
export function renameTable(state: EditState, change: ChangeOf<'rename_table'>): void {
  const located = locateModel(state, change.from);
  const edits = new LineEdits();
  const mapLine = located.members.find((member) => member.kind === 'attribute' && member.node.name === 'map')?.line;
  if (mapLine !== undefined) {
    if (change.to === located.entry.model) edits.remove(located.path, mapLine);
    else edits.replace(located.path, mapLine, renderMemberLine({ ...parseMemberLine(located.source.lines[mapLine]!), attributes: [`@@map(${prismaString(change.to)})`] }));
  } else if (located.entry.model === change.from && isPrismaIdentifier(change.to) && !topLevelNames(state).has(change.to)) {
    renameModel(state, edits, located, change.to);
  } else {
    const attributes = located.members.filter((member) => member.kind === 'attribute');
    const line = `${memberIndent(located)}@@map(${prismaString(change.to)})`;
    if (attributes.length > 0) edits.insert(located.path, attributes.at(-1)!.line + 1, [line]);
    else edits.insert(located.path, located.block.closeLine, ['', line]);
  }
  edits.commit(state);
}

/** Renames a model: its header and every field whose type names it, in every file. */
function renameModel(state: EditState, edits: LineEdits, located: LocatedModel, to: string): void {
  const header = located.source.lines[located.block.headerLine]!;
  edits.replace(located.path, located.block.headerLine, header.replace(new RegExp(`^(\\s*model\\s+)${located.entry.model}\\b`), `$1${to}`));
  for (const path of state.texts.keys()) {
    const source = parsedText(state, path);
    for (const block of source.blocks) {
      if (block.kind !== 'model' && block.kind !== 'view' && block.kind !== 'type') continue;
      for (let line = block.headerLine + 1; line < block.closeLine; line += 1) {
        const syntax = parseMemberLine(source.lines[line]!);
        if (syntax.name === '' || syntax.type !== located.entry.model) continue;
        edits.replace(path, line, renderMemberLine({ ...syntax, type: to }));
      }
    }
  }
}
