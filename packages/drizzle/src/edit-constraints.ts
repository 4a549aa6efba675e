import type { ChangeOf, ReferentialAction } from '@orm-ai/core';
import { appendConfigEntry, configEntriesOf, configParam, removeConfigEntry } from './edit-config.js';
import { applyError, assertFullyRead, commit, locateColumn, locateTable, quoted, quoteOf, type EditState, type Quote, type LocatedTable } from './edit-context.js';
import type { ImportNeed } from './edit-imports.js';
import { columnKey, memberAccess, coreExport, sqlTag, tableVariable } from './edit-references.js';
import { defaultForeignKeyName, defaultUniqueName, postgresIdentifier } from './naming.js';
import { stringValue } from './source-utils.js';
import { sourceStyle } from './source-style.js';
import type { TextChange } from '@orm-ai/core/typescript';
import { appendChainLink, removeChainLink } from './text-edits.js';

function columnRefs(state: EditState, table: LocatedTable, param: string, columns: readonly string[]): string {
  return columns.map((column) => memberAccess(param, columnKey(state, table.entry.name, column))).join(', ');
}

/** create_index: `index('n').on(t.a)` / `uniqueIndex`, `.using(method, ...)`, `.where(sql)`, `.concurrently()`. */
export function createIndex(state: EditState, change: ChangeOf<'create_index'>): void {
  const table = locateTable(state, change.table);
  const style = sourceStyle(state, table.sourceFile);
  const param = configParam(table, style);
  const quote = quoteOf(table.sourceFile);
  const fn = coreExport(state, table.sourceFile, change.unique ? 'uniqueIndex' : 'index');
  const needs: ImportNeed[] = [...fn.needs];
  const columns = columnRefs(state, table, param, change.columns);
  let text = `${fn.name}(${quoted(change.name, quote)})`;
  text += change.method === 'btree' ? `.on(${columns})` : `.using(${quoted(change.method, quote)}, ${columns})`;
  if (change.where !== null) {
    const tag = sqlTag(table.sourceFile);
    needs.push(...tag.needs);
    text += `.where(${tag.name}\`${change.where.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${')}\`)`;
  }
  if (change.concurrently) text += '.concurrently()';
  commit(table.sourceFile, [appendConfigEntry({ table, style, text, keyHint: change.name })], needs);
}

/** drop_index: removes the index entry whose (explicit or default) name matches. */
export function dropIndex(state: EditState, change: ChangeOf<'drop_index'>): void {
  const table = locateTable(state, change.table);
  assertFullyRead(table);
  const position = table.model.indexes.findIndex((index) => index.name === change.name);
  const entry = configEntriesOf(table, ['index', 'uniqueIndex'])[position];
  if (position === -1 || entry === undefined) {
    // drizzle-kit's SQLite snapshot lists a unique constraint as the unique index SQLite builds for it, so the model calls it an index.
    const unique = table.model.columns.some((column) => column.uniqueName === change.name) || table.model.uniques.some((candidate) => candidate.name === change.name);
    if (unique && state.index.core.dialect === 'sqlite') return dropUnique(state, { kind: 'drop_unique', table: change.table, name: change.name, reason: change.reason });
    throw applyError(`index "${change.name}" is not declared on table "${change.table}"`);
  }
  commit(table.sourceFile, removeConfigEntry(table, entry), []);
}

function actionsText(change: { onDelete: ReferentialAction; onUpdate: ReferentialAction }, quote: Quote): string[] {
  const parts: string[] = [];
  if (change.onDelete !== 'no action') parts.push(`onDelete: ${quoted(change.onDelete, quote)}`);
  if (change.onUpdate !== 'no action') parts.push(`onUpdate: ${quoted(change.onUpdate, quote)}`);
  return parts;
}

/** True when `from` reaches `to` through the model's foreign keys. */
function referencesTransitively(state: EditState, from: string, to: string): boolean {
  const seen = new Set<string>();
  const pending = [from];
  for (let table = pending.pop(); table !== undefined; table = pending.pop()) {
    if (table === to) return true;
    if (seen.has(table)) continue;
    seen.add(table);
    for (const fk of state.model.tables.find((candidate) => candidate.name === table)?.foreignKeys ?? []) pending.push(fk.referencedTable);
  }
  return false;
}

/**
 * add_foreign_key: one column with the default name → `.references(() => table.key, { ... })`
 * on the column; otherwise `foreignKey({ name, columns, foreignColumns }).onDelete(...)` entry.
 */
export function addForeignKey(state: EditState, change: ChangeOf<'add_foreign_key'>): void {
  const table = locateTable(state, change.table);
  const quote = quoteOf(table.sourceFile);
  const { columns, referencedTable, referencedColumns } = change;
  const defaultName = defaultForeignKeyName({ table: change.table, columns, referencedTable, referencedColumns });
  const selfReference = change.referencedTable === change.table;
  if (change.columns.length === 1 && change.referencedColumns.length === 1 && (change.name === null || change.name === defaultName)) {
    const column = locateColumn(table, change.columns[0]!);
    const target = tableVariable(state, table.sourceFile, change.referencedTable);
    const key = columnKey(state, change.referencedTable, change.referencedColumns[0]!);
    // A reference cycle needs an explicit return type, or TypeScript sees a circular initializer.
    const cyclic = selfReference || referencesTransitively(state, change.referencedTable, change.table);
    const anyColumn = cyclic ? coreExport(state, table.sourceFile, 'AnyPgColumn') : undefined;
    const arrow = anyColumn === undefined ? '() =>' : `(): ${anyColumn.name} =>`;
    const actions = actionsText(change, quote);
    const options = actions.length === 0 ? '' : `, { ${actions.join(', ')} }`;
    const text = `.references(${arrow} ${memberAccess(target.name, key)}${options})`;
    const needs = [...target.needs, ...(anyColumn?.needs.map((need) => ({ ...need, typeOnly: true })) ?? [])];
    commit(table.sourceFile, [appendChainLink({ chain: column.expression, text })], needs);
    return;
  }
  const style = sourceStyle(state, table.sourceFile);
  const param = configParam(table, style);
  const fn = coreExport(state, table.sourceFile, 'foreignKey');
  const target = selfReference ? { name: param, needs: [] } : tableVariable(state, table.sourceFile, change.referencedTable);
  const foreign = change.referencedColumns.map((column) => memberAccess(target.name, columnKey(state, change.referencedTable, column)));
  const name = change.name === null ? '' : `name: ${quoted(change.name, quote)}, `;
  let text = `${fn.name}({ ${name}columns: [${columnRefs(state, table, param, change.columns)}], foreignColumns: [${foreign.join(', ')}] })`;
  if (change.onDelete !== 'no action') text += `.onDelete(${quoted(change.onDelete, quote)})`;
  if (change.onUpdate !== 'no action') text += `.onUpdate(${quoted(change.onUpdate, quote)})`;
  commit(table.sourceFile, [appendConfigEntry({ table, style, text, keyHint: change.name ?? defaultName })], [...fn.needs, ...target.needs]);
}

/** drop_foreign_key: removes the `.references(...)` link or the `foreignKey(...)` entry with that name. */
export function dropForeignKey(state: EditState, change: ChangeOf<'drop_foreign_key'>): void {
  const table = locateTable(state, change.table);
  assertFullyRead(table);
  const position = table.model.foreignKeys.findIndex((fk) => fk.name === change.name);
  if (position === -1) throw applyError(`foreign key "${change.name}" is not declared on table "${change.table}"`);
  // The model lists column `.references()` first (column order), then foreignKey() entries.
  const links = table.model.columns.flatMap((column) => locateColumn(table, column.name).links.filter((link) => link.name === 'references'));
  const link = links[position];
  if (link !== undefined) return commit(table.sourceFile, [removeChainLink(link)], []);
  const entry = configEntriesOf(table, ['foreignKey'])[position - links.length];
  if (entry === undefined) throw applyError(`foreign key "${change.name}" was not found in ${table.entry.filePath}`);
  commit(table.sourceFile, removeConfigEntry(table, entry), []);
}

/** add_unique: one unnamed (or default-named) column → `.unique()` on it; otherwise a `unique(name).on(...)` entry. */
export function addUnique(state: EditState, change: ChangeOf<'add_unique'>): void {
  const table = locateTable(state, change.table);
  const defaultName = defaultUniqueName(change.table, change.columns);
  if (change.columns.length === 1 && (change.name === null || change.name === defaultName)) {
    const column = locateColumn(table, change.columns[0]!);
    return commit(table.sourceFile, [appendChainLink({ chain: column.expression, text: '.unique()' })], []);
  }
  const style = sourceStyle(state, table.sourceFile);
  const fn = coreExport(state, table.sourceFile, 'unique');
  const name = change.name === null ? '' : quoted(change.name, quoteOf(table.sourceFile));
  const text = `${fn.name}(${name}).on(${columnRefs(state, table, configParam(table, style), change.columns)})`;
  commit(table.sourceFile, [appendConfigEntry({ table, style, text, keyHint: change.name ?? defaultName })], fn.needs);
}

/** drop_unique: removes a column's `.unique(...)` or the `unique(...)` entry with that (explicit or default) name. */
export function dropUnique(state: EditState, change: ChangeOf<'drop_unique'>): void {
  const table = locateTable(state, change.table);
  assertFullyRead(table);
  const changes: TextChange[] = [];
  for (const model of table.model.columns.filter((column) => column.unique)) {
    const column = locateColumn(table, model.name);
    for (const link of column.links.filter((candidate) => candidate.name === 'unique')) {
      const explicit = stringValue(link.call.getArguments()[0]);
      const name = explicit === undefined ? defaultUniqueName(change.table, [model.name]) : postgresIdentifier(explicit);
      if (name === change.name) changes.push(removeChainLink(link));
    }
  }
  if (changes.length === 0) {
    const position = table.model.uniques.findIndex((unique) => unique.name === change.name);
    const entry = configEntriesOf(table, ['unique'])[position];
    if (position === -1 || entry === undefined) throw applyError(`unique constraint "${change.name}" is not declared on table "${change.table}"`);
    changes.push(...removeConfigEntry(table, entry));
  }
  commit(table.sourceFile, changes, []);
}
