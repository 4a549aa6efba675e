import { SyntaxKind, type SourceFile } from 'ts-morph';
import { parseColumnType } from '@orm-ai/core';
import type { ChangeOf } from '@orm-ai/core';
import { commit, locateEnum, locateTable, quoted, quoteOf, type EditState } from './edit-context.js';
import { freeVariableName } from './edit-tables.js';
import { importsTransitively, coreExport } from './edit-references.js';
import { identifierFor } from './naming.js';
import { sourceStyle } from './source-style.js';
import { lineEnd, type TextChange } from '@orm-ai/core/typescript';
import { insertListItem, insertStatementBefore } from './text-edits.js';

/** True when a plan type spelling names enum `name` (also as an array). */
function usesEnum(type: string | null, name: string): boolean {
  if (type === null) return false;
  const parsed = parseColumnType(type, new Set([name]));
  return parsed.ok && parsed.type.isEnum && parsed.type.base === name;
}

/** Tables of the plan's changes that use the enum, in plan order. */
function userTables(state: EditState, name: string): string[] {
  return state.plan.changes.flatMap((change) => {
    if (change.kind === 'add_column' && usesEnum(change.column.type, name)) return [change.table];
    if (change.kind === 'alter_column' && usesEnum(change.type, name)) return [change.table];
    return [];
  });
}

/**
 * The file for a new enum: among the files of the tables that will use it, one every other
 * user file already imports (so no import cycle is needed), else the first user's file; with
 * no user, the file holding the enums, else the first schema file.
 */
function targetFile(state: EditState, name: string): SourceFile {
  const fileOf = (table: string): string[] => state.index.tables.filter((entry) => entry.name === table).map((entry) => entry.filePath);
  const userFiles = [...new Set(userTables(state, name).flatMap(fileOf))];
  const shared = userFiles.find((file) => userFiles.every((other) => other === file || importsTransitively(state, other, file)));
  const path = shared ?? userFiles[0] ?? state.index.enums[0]?.filePath ?? state.files[0]!;
  return state.project.getSourceFileOrThrow(path);
}

function afterImports(sourceFile: SourceFile, text: string): TextChange {
  const last = sourceFile.getImportDeclarations().at(-1);
  if (last === undefined) return { start: 0, end: 0, text: `${text}\n\n` };
  const end = lineEnd(sourceFile.getFullText(), last.getEnd());
  return { start: end, end, text: `\n\n${text}` };
}

/** create_enum: `export const <camel>Enum = pgEnum('name', [...])` before the first table of the file. */
export function createEnum(state: EditState, change: ChangeOf<'create_enum'>): void {
  const sourceFile = targetFile(state, change.name);
  const quote = quoteOf(sourceFile);
  const base = identifierFor(change.name);
  const candidates = base.endsWith('Enum') ? [base, `${base}Type`] : [`${base}Enum`, `${base}Type`];
  const variable = freeVariableName(sourceFile, candidates, `enum "${change.name}"`);
  const fn = coreExport(state, sourceFile, 'pgEnum');
  const values = change.values.map((value) => quoted(value, quote)).join(', ');
  const text = `export const ${variable} = ${fn.name}(${quoted(change.name, quote)}, [${values}])${sourceStyle(state, sourceFile).semicolon}`;
  const firstTable = state.index.tables.find((table) => table.filePath === sourceFile.getFilePath());
  const insertion = firstTable === undefined ? afterImports(sourceFile, text) : insertStatementBefore(locateTable(state, firstTable.name).statement, text);
  commit(sourceFile, [insertion], fn.needs);
}

/** add_enum_value: appends the value to the pgEnum values array. */
export function addEnumValue(state: EditState, change: ChangeOf<'add_enum_value'>): void {
  const entry = locateEnum(state, change.enum);
  const sourceFile = state.project.getSourceFileOrThrow(entry.filePath);
  const call = sourceFile.getVariableDeclarationOrThrow(entry.variableName).getInitializerIfKindOrThrow(SyntaxKind.CallExpression);
  const values = call.getArguments()[1]!.asKindOrThrow(SyntaxKind.ArrayLiteralExpression);
  const first = values.getElements()[0];
  const quote = first?.getText()[0] === '"' ? '"' : quoteOf(sourceFile);
  commit(sourceFile, [insertListItem({ items: values.getElements(), text: quoted(change.value, quote), emptyList: values })], []);
}
