import { type ChangePlan, describeError, findColumn, findTable, OrmAiError, type TableModel } from '@orm-ai/core';
import { blockMembers, parsePrismaSource, type BlockMember, type ParsedSource, type SourceBlock } from './prisma-source.js';
import { parseMemberLine, type MemberLine } from './prisma-syntax.js';
import type { PrismaSchemaTools } from './schema-tools.js';
import { readPrismaSchema, type PrismaEnumEntry, type PrismaSchema, type PrismaTableEntry } from './read-schema.js';

/** The editor's working state: file texts being edited and a schema re-read after every change. */
export interface EditState {
  readonly plan: ChangePlan;
  /** Path → current text, in the schema's file order. */
  readonly texts: Map<string, string>;
  schema: PrismaSchema;
  /** The project's Prisma validator, so edits are checked by the version that will migrate them. */
  readonly tools: PrismaSchemaTools;
}

/** A PLAN_APPLY_FAILED error. */
export function applyError(message: string, hint?: string): OrmAiError {
  return new OrmAiError('PLAN_APPLY_FAILED', message, {
    hint: hint ?? 'Check the plan against the schema model (table, column and constraint names must exist).',
  });
}

/** Re-reads model and index from the edited texts; Prisma's validation message on failure. */
export async function refresh(state: EditState, after: string): Promise<void> {
  try {
    state.schema = await readPrismaSchema({ files: [...state.texts].map(([path, content]) => ({ path, content })), tools: state.tools });
  } catch (error) {
    throw new OrmAiError('PLAN_APPLY_FAILED', `after ${after}: ${describeError(error)}`, {
      hint: 'The plan may leave a reference to something it removed, or ask for something Prisma cannot express.',
      cause: error,
    });
  }
}

/** One file, parsed for line edits. */
export function parsedText(state: EditState, path: string): ParsedSource {
  return parsePrismaSource(state.texts.get(path)!);
}

/** A table's model, index entry and current block. */
export interface LocatedModel {
  readonly entry: PrismaTableEntry;
  readonly table: TableModel;
  readonly path: string;
  readonly source: ParsedSource;
  readonly block: SourceBlock;
  readonly members: readonly BlockMember[];
}

/** Finds the model of a table in the current texts. */
export function locateModel(state: EditState, tableName: string): LocatedModel {
  const entry = state.schema.index.tables.find((table) => table.name === tableName);
  const table = findTable(state.schema.model, tableName);
  if (entry === undefined || table === undefined) throw applyError(`table "${tableName}" is not declared in the Prisma schema`);
  return locateModelEntry(state, entry, table);
}

/** Finds the model of an index entry (by model name) in the current texts. */
export function locateModelEntry(state: EditState, entry: PrismaTableEntry, table?: TableModel): LocatedModel {
  const source = parsedText(state, entry.filePath);
  const block = source.blocks.find((candidate) => candidate.kind === 'model' && candidate.name === entry.model);
  if (block === undefined) throw applyError(`model ${entry.model} was not found in ${entry.filePath}`);
  return { entry, table: table ?? findTable(state.schema.model, entry.name)!, path: entry.filePath, source, block, members: blockMembers(block) };
}

/** A field of a located model, with its line parsed. */
export interface LocatedField {
  readonly name: string;
  readonly line: number;
  readonly syntax: MemberLine;
}

/** The field declaring a column (by database name). */
export function locateColumnField(located: LocatedModel, column: string): LocatedField & { readonly columnName: string } {
  const entry = located.entry.columns.find((candidate) => candidate.name === column);
  if (entry === undefined || findColumn(located.table, column) === undefined) {
    throw applyError(`column "${located.entry.name}.${column}" is not declared on model ${located.entry.model}`);
  }
  return { ...locateField(located, entry.field), columnName: column };
}

/** A field by its Prisma name. */
export function locateField(located: LocatedModel, fieldName: string): LocatedField {
  const member = located.members.find((candidate) => candidate.kind === 'field' && candidate.node.name === fieldName);
  if (member === undefined) throw applyError(`field ${located.entry.model}.${fieldName} was not found in ${located.path}`);
  return { name: fieldName, line: member.line, syntax: parseMemberLine(located.source.lines[member.line]!) };
}

/** Every field name of a model (scalar and relation fields). */
export function fieldNames(located: LocatedModel): Set<string> {
  return new Set(located.members.flatMap((member) => (member.kind === 'field' ? [member.node.name] : [])));
}

/** The line a new field goes on: after the last field. */
export function fieldInsertLine(located: LocatedModel): number {
  const fields = located.members.filter((member) => member.kind === 'field');
  return (fields.at(-1)?.line ?? located.block.headerLine) + 1;
}

/** The Prisma name of an enum given its database name. */
export function locateEnum(state: EditState, name: string): PrismaEnumEntry {
  const entry = state.schema.index.enums.find((candidate) => candidate.name === name);
  if (entry === undefined) throw applyError(`enum "${name}" is not declared in the Prisma schema`);
  return entry;
}

/** Enum database name → Prisma name, for type mapping. */
export function enumNames(state: EditState): Map<string, string> {
  return new Map(state.schema.index.enums.map((entry) => [entry.name, entry.enumName]));
}

/** Model, view, type and enum names in use: they share Prisma's namespace. */
export function topLevelNames(state: EditState): Set<string> {
  const names = new Set<string>();
  for (const path of state.texts.keys()) for (const block of parsedText(state, path).blocks) names.add(block.name);
  return names;
}

/** The indentation of a block's members (two spaces when it has none). */
export function memberIndent(located: Pick<LocatedModel, 'source' | 'members'>): string {
  const first = located.members[0];
  return first === undefined ? '  ' : /^\s*/.exec(located.source.lines[first.line]!)![0];
}
