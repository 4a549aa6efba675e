import { type ChangeOf, parseColumnType } from '@orm-ai/core';
import { locateEnum, parsedText, topLevelNames, type EditState } from './edit-context.js';
import { appendBlock, insertBlockAfter, LineEdits } from './edit-lines.js';
import { enumNameFor, freeName, isPrismaIdentifier } from './naming.js';
import { blockMembers } from './prisma-source.js';
import { prismaString } from './prisma-syntax.js';

/** An enum value line: the value itself when it is an identifier, else an identifier with `@map("value")`. */
function valueLine(value: string, taken: Set<string>): string {
  const identifier = isPrismaIdentifier(value) ? value : freeName([`${/^[A-Za-z]/.test(value) ? '' : 'V'}${value.replace(/\W+/g, '_')}`], taken);
  taken.add(identifier);
  return identifier === value ? `  ${value}` : `  ${identifier} @map(${prismaString(value)})`;
}

/** The file of the first table the plan gives a column of this enum, else of the last enum or table. */
function targetFile(state: EditState, name: string): string {
  const usesEnum = (spelling: string) => {
    const parsed = parseColumnType(spelling, new Set([name]));
    return parsed.ok && parsed.type.isEnum;
  };
  const user = state.plan.changes.find(
    (change) =>
      (change.kind === 'add_column' && usesEnum(change.column.type)) ||
      (change.kind === 'create_table' && change.columns.some((column) => usesEnum(column.type))),
  );
  const userTable = user?.kind === 'add_column' || user?.kind === 'create_table' ? user.table : undefined;
  const index = state.schema.index;
  const entry = index.tables.find((table) => table.name === userTable);
  return entry?.filePath ?? index.enums.at(-1)?.filePath ?? index.tables.at(-1)?.filePath ?? [...state.texts.keys()][0]!;
}

/**
 * create_enum: `enum PostKind { ... @@map("post_kind") }` after the last enum of the target
 * file (else at its end); `@@map` when the PascalCase name is not the database name.
 */
export function createEnum(state: EditState, change: ChangeOf<'create_enum'>): void {
  const name = freeName([enumNameFor(change.name)], topLevelNames(state));
  const taken = new Set<string>();
  const block = [`enum ${name} {`, ...change.values.map((value) => valueLine(value, taken))];
  if (name !== change.name) block.push('', `  @@map(${prismaString(change.name)})`);
  block.push('}');
  const path = targetFile(state, change.name);
  const source = parsedText(state, path);
  const lastEnum = source.blocks.filter((candidate) => candidate.kind === 'enum').at(-1);
  const edits = new LineEdits();
  if (lastEnum === undefined) appendBlock(edits, source, path, block);
  else insertBlockAfter(edits, source, path, lastEnum.closeLine, block);
  edits.commit(state);
}

/** add_enum_value: a value line after the enum's last value. */
export function addEnumValue(state: EditState, change: ChangeOf<'add_enum_value'>): void {
  const entry = locateEnum(state, change.enum);
  const source = parsedText(state, entry.filePath);
  const block = source.blocks.find((candidate) => candidate.kind === 'enum' && candidate.name === entry.enumName)!;
  const values = blockMembers(block).filter((member) => member.kind === 'enumerator');
  const taken = new Set(entry.values.map((value) => value.name));
  const indent = values[0] === undefined ? '  ' : /^\s*/.exec(source.lines[values[0].line]!)![0];
  const line = valueLine(change.value, taken).replace(/^ {2}/, indent);
  new LineEdits().insert(entry.filePath, (values.at(-1)?.line ?? block.headerLine) + 1, [line]).commit(state);
}
