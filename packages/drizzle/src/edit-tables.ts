import type { SourceFile } from 'ts-morph';
import type { ChangeOf } from '@orm-ai/core';
import { applyError, commit, locateTable, quoted, quoteOf, refresh, type EditState } from './edit-context.js';
import type { ImportNeed } from './edit-imports.js';
import { nameStyleOf } from './edit-columns.js';
import { memberAccess, coreExport } from './edit-references.js';
import { resolveRelativeModule } from './module-links.js';
import { identifierFor } from './naming.js';
import { renderColumnProperty, type NameStyle } from './render-column.js';
import { sourceStyle } from './source-style.js';
import type { TextChange } from '@orm-ai/core/typescript';
import { insertStatementAfter, removeStatement } from './text-edits.js';

/** Top-level names of a file (variables, functions, imports) a new declaration must not shadow. */
export function topLevelNames(sourceFile: SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of sourceFile.getVariableStatements()) for (const declaration of statement.getDeclarations()) names.add(declaration.getName());
  for (const fn of sourceFile.getFunctions()) if (fn.getName() !== undefined) names.add(fn.getName()!);
  for (const declaration of sourceFile.getImportDeclarations()) {
    for (const named of declaration.getNamedImports()) names.add(named.getAliasNode()?.getText() ?? named.getName());
  }
  return names;
}

/** A fresh variable name: the first candidate not declared in the file. */
export function freeVariableName(sourceFile: SourceFile, candidates: readonly string[], what: string): string {
  const taken = topLevelNames(sourceFile);
  const free = candidates.find((candidate) => !taken.has(candidate));
  if (free === undefined) throw applyError(`cannot name the variable for ${what}: ${candidates.join(', ')} are taken in ${sourceFile.getFilePath()}`);
  return free;
}

/** The file a new table goes to: where the table it references lives (per the plan), else the first file. */
function targetFile(state: EditState, change: ChangeOf<'create_table'>): SourceFile {
  const referenced = state.plan.changes.find((other) => other.kind === 'add_foreign_key' && other.table === change.table);
  const referencedTable = referenced?.kind === 'add_foreign_key' ? referenced.referencedTable : undefined;
  const entry = state.index.tables.find((table) => table.name === referencedTable);
  return state.project.getSourceFileOrThrow(entry?.filePath ?? state.files[0]!);
}

/** create_table: `export const <camel> = pgTable('<name>', { ... })` after the file's last table. */
export function createTable(state: EditState, change: ChangeOf<'create_table'>): void {
  const sourceFile = targetFile(state, change);
  const style = sourceStyle(state, sourceFile);
  const tables = state.index.tables.filter((table) => table.filePath === sourceFile.getFilePath());
  const anchor = tables.at(-1);
  const nameStyle: NameStyle = anchor === undefined ? 'derived' : nameStyleOf(locateTable(state, anchor.name));
  const variable = freeVariableName(sourceFile, [identifierFor(change.table), `${identifierFor(change.table)}Table`], `table "${change.table}"`);
  const needs: ImportNeed[] = [];
  const keys = new Map<string, string>();
  const comma = style.trailingComma ? ',' : '';
  const columns = change.columns.map((spec) => {
    const key = identifierFor(spec.name);
    if ([...keys.values()].includes(key)) throw applyError(`create_table ${change.table}: columns "${spec.name}" and another map to the same key "${key}"`);
    keys.set(spec.name, key);
    const rendered = renderColumnProperty({ state, sourceFile, spec, key, nameStyle, where: `create_table ${change.table}.${spec.name}` });
    needs.push(...rendered.needs);
    return `${style.indent}${rendered.text}`;
  });
  const table = coreExport(state, sourceFile, 'pgTable');
  needs.push(...table.needs);
  let config = '';
  if (change.primaryKey !== null) {
    const primaryKey = coreExport(state, sourceFile, 'primaryKey');
    needs.push(...primaryKey.needs);
    const refs = change.primaryKey.map((column) => {
      const key = keys.get(column);
      if (key === undefined) throw applyError(`create_table ${change.table}: primary key column "${column}" is not one of its columns`);
      return memberAccess(style.param, key);
    });
    config = `, (${style.param}) => [\n${style.indent}${primaryKey.name}({ columns: [${refs.join(', ')}] })${comma}\n]`;
  }
  const head = `export const ${variable} = ${table.name}(${quoted(change.table, quoteOf(sourceFile))}, {`;
  const text = `${head}\n${columns.join(',\n')}${comma}\n}${config})${style.semicolon}`;
  const change_: TextChange = anchor === undefined ? appendToFile(sourceFile, text) : insertStatementAfter(locateTable(state, anchor.name).statement, text);
  commit(sourceFile, [change_], needs);
  addToNamedReexports(state, sourceFile, variable);
}

/**
 * A barrel that re-exports the target file by name (`export { users } from './users'`) names
 * the new table too: drizzle-kit sees only what the config's schema file exports.
 */
function addToNamedReexports(state: EditState, target: SourceFile, variable: string): void {
  const files = new Set(state.files);
  for (const path of state.files) {
    const barrel = state.project.getSourceFileOrThrow(path);
    for (const declaration of barrel.getExportDeclarations()) {
      const specifier = declaration.getModuleSpecifierValue();
      const named = declaration.getNamedExports();
      if (specifier === undefined || named.length === 0 || declaration.isTypeOnly()) continue;
      if (resolveRelativeModule({ fromFile: barrel.getFilePath(), specifier, files }) !== target.getFilePath()) continue;
      if (named.some((entry) => (entry.getAliasNode() ?? entry.getNameNode()).getText() === variable)) continue;
      commit(barrel, [{ start: named.at(-1)!.getEnd(), end: named.at(-1)!.getEnd(), text: `, ${variable}` }], []);
    }
  }
}

function appendToFile(sourceFile: SourceFile, text: string): TextChange {
  const full = sourceFile.getFullText();
  const trimmed = full.trimEnd();
  return { start: trimmed.length, end: full.length, text: `${trimmed.length === 0 ? '' : '\n\n'}${text}\n` };
}

/** drop_table: removes the declaration statement with its attached comments. */
export function dropTable(state: EditState, change: ChangeOf<'drop_table'>): void {
  const table = locateTable(state, change.table);
  commit(table.sourceFile, [removeStatement(table.statement)], []);
}

/** Variable names derived from a table name: the variable is renamed with the table only when it is one of these. */
function derivedVariableNames(name: string): string[] {
  return [identifierFor(name), name, `${identifierFor(name)}Table`];
}

/** rename_table: changes the db name string; renames the variable (and its references) only when it was derived from the old name. */
export function renameTable(state: EditState, change: ChangeOf<'rename_table'>): void {
  const table = locateTable(state, change.from);
  const literal = table.call.getArguments()[0]!;
  const quote = literal.getText()[0] === '"' ? '"' : "'";
  commit(table.sourceFile, [{ start: literal.getStart(), end: literal.getEnd(), text: quoted(change.to, quote) }], []);
  refresh(state, `rename_table ${change.from}`);
  const derived = derivedVariableNames(change.from).indexOf(table.entry.variableName);
  if (derived === -1) return;
  const newName = derivedVariableNames(change.to)[derived]!;
  if (newName === table.entry.variableName) return;
  const renamed = locateTable(state, change.to);
  if (topLevelNames(renamed.sourceFile).has(newName)) {
    const where = `rename_table ${change.from}: cannot rename variable ${table.entry.variableName} to ${newName}`;
    throw applyError(`${where}, the name is taken in ${table.entry.filePath}`);
  }
  renamed.sourceFile.getVariableDeclarationOrThrow(table.entry.variableName).rename(newName);
}
