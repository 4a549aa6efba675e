import { SyntaxKind } from 'ts-morph';
import type { ChangeOf } from '@orm-ai/core';
import {
  applyError,
  commit,
  locateColumn,
  locateTable,
  quoted,
  quoteOf,
  refresh,
  type EditState,
  type LocatedColumn,
  type LocatedTable,
} from './edit-context.js';
import { configEntriesOf, removeConfigEntry, type ConfigEntry } from './edit-config.js';
import type { ImportNeed } from './edit-imports.js';
import { columnNameFromKey, identifierFor } from './naming.js';
import { planColumnType, renderColumnProperty, renderDefault, renderTypeCall, type NameStyle } from './render-column.js';
import { stringValue } from './source-utils.js';
import { applyChanges, type TextChange } from '@orm-ai/core/typescript';
import { appendChainLink, insertChainLinkAfter, insertListItem, removeChainLink, removeListItem, replaceChainLink } from './text-edits.js';

/** Columns in a table declared with explicit db names set the style for new ones. */
export function nameStyleOf(table: Pick<LocatedTable, 'entry'>): NameStyle {
  const { columns } = table.entry;
  return columns.length === 0 || columns.some((column) => column.explicitName) ? 'explicit' : 'derived';
}

/** A property key for a new column that does not clash with the table's other keys. */
function newColumnKey(table: LocatedTable, name: string): string {
  const key = identifierFor(name);
  if (table.entry.columns.some((column) => column.key === key)) {
    throw applyError(`cannot add column "${table.entry.name}.${name}": property "${key}" already exists in ${table.entry.filePath}`);
  }
  return key;
}

/** add_column: a new property at the end of the columns object, in the neighbours' style. */
export function addColumn(state: EditState, change: ChangeOf<'add_column'>): void {
  const table = locateTable(state, change.table);
  const where = `add_column ${change.table}.${change.column.name}`;
  const key = newColumnKey(table, change.column.name);
  const rendered = renderColumnProperty({ state, sourceFile: table.sourceFile, spec: change.column, key, nameStyle: nameStyleOf(table), where });
  const items = table.columnsObject.getProperties();
  commit(table.sourceFile, [insertListItem({ items, text: rendered.text, emptyList: table.columnsObject })], rendered.needs);
}

/**
 * drop_column: removes the property with its comments and line, and, as PostgreSQL does, the
 * table's indexes and constraints that involve the column (third-argument entries naming it).
 */
export function dropColumn(state: EditState, change: ChangeOf<'drop_column'>): void {
  const key = locateColumn(locateTable(state, change.table), change.column).entry.key;
  // One entry per pass: each removal must see its real neighbours.
  for (let entry = dependentEntry(state, change.table, key); entry !== undefined; entry = dependentEntry(state, change.table, key)) {
    const table = locateTable(state, change.table);
    applyChanges(table.sourceFile, removeConfigEntry(table, entry));
  }
  const table = locateTable(state, change.table);
  const column = locateColumn(table, change.column);
  commit(table.sourceFile, removeListItem({ item: column.property, items: table.columnsObject.getProperties() }), []);
}

function dependentEntry(state: EditState, tableName: string, key: string): ConfigEntry | undefined {
  const table = locateTable(state, tableName);
  const param = table.config?.param;
  if (param === undefined) return undefined;
  const kinds = ['index', 'uniqueIndex', 'unique', 'primaryKey', 'foreignKey'];
  return configEntriesOf(table, kinds).find((entry) =>
    entry.node
      .getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)
      .some((access) => access.getName() === key && access.getExpression().getText() === param),
  );
}

/**
 * rename_column: changes the db name string (adding it when it was derived from the key);
 * the key itself is renamed, with every reference, only when it was the camelCase of the old name.
 */
export function renameColumn(state: EditState, change: ChangeOf<'rename_column'>): void {
  const column = locateColumn(locateTable(state, change.table), change.from);
  let currentName = change.from;
  const newKey = identifierFor(change.to);
  if (column.entry.key === identifierFor(change.from) && newKey !== column.entry.key) {
    if (locateTable(state, change.table).entry.columns.some((other) => other.key === newKey)) {
      throw applyError(`cannot rename ${change.table}.${change.from}: property "${newKey}" already exists`);
    }
    column.property.rename(newKey);
    if (!column.entry.explicitName) currentName = columnNameFromKey(newKey, state.casing);
    refresh(state, `rename_column ${change.table}.${change.from}`);
  }
  if (currentName === change.to) return;
  const renamed = locateColumn(locateTable(state, change.table), currentName);
  commit(renamed.property.getSourceFile(), [nameArgumentChange(renamed, change.to)], []);
}

function nameArgumentChange(column: LocatedColumn, name: string): TextChange {
  const args = column.base.getArguments();
  const literal = args[0];
  if (stringValue(literal) !== undefined) {
    const quote = literal!.getText()[0] === '"' ? '"' : "'";
    return { start: literal!.getStart(), end: literal!.getEnd(), text: quoted(name, quote) };
  }
  const text = quoted(name, quoteOf(column.property.getSourceFile()));
  if (literal !== undefined) return { start: literal.getStart(), end: literal.getStart(), text: `${text}, ` };
  const close = column.base.getEnd() - 1;
  return { start: close, end: close, text };
}

const DEFAULT_LINKS = new Set(['default', 'defaultNow', 'defaultRandom']);

/** alter_column: type (builder replaced, modifiers kept), nullability (`.notNull()`), default. */
export function alterColumn(state: EditState, change: ChangeOf<'alter_column'>): void {
  const table = locateTable(state, change.table);
  const column = locateColumn(table, change.column);
  const where = `alter_column ${change.table}.${change.column}`;
  const type = planColumnType(state, change.type ?? column.model.type, where);
  const changes: TextChange[] = [];
  const needs: ImportNeed[] = [];
  if (change.type !== null) {
    const nameArgument = column.base.getArguments()[0];
    const nameLiteral = stringValue(nameArgument) === undefined ? null : nameArgument!.getText();
    const call = renderTypeCall({ state, sourceFile: table.sourceFile, type, nameLiteral, where });
    changes.push({ start: column.base.getStart(), end: column.base.getEnd(), text: call.text });
    changes.push(...column.links.filter((link) => link.name === 'array').map(removeChainLink));
    needs.push(...call.needs);
  }
  if (change.nullable !== null) changes.push(...nullabilityChanges(column, change.nullable, where));
  if (change.default !== null) {
    const defaults = column.links.filter((link) => DEFAULT_LINKS.has(link.name));
    if (change.default.sql === null) changes.push(...defaults.map(removeChainLink));
    else {
      const rendered = renderDefault({ sql: change.default.sql, type, sourceFile: table.sourceFile });
      needs.push(...rendered.needs);
      const [first, ...rest] = defaults;
      changes.push(first === undefined ? appendChainLink({ chain: column.expression, text: rendered.text }) : replaceChainLink(first, rendered.text));
      changes.push(...rest.map(removeChainLink));
    }
  }
  commit(table.sourceFile, changes, needs);
}

function nullabilityChanges(column: LocatedColumn, nullable: boolean, where: string): TextChange[] {
  const notNulls = column.links.filter((link) => link.name === 'notNull');
  if (!nullable) {
    if (notNulls.length > 0 || !column.model.nullable) return [];
    // After the type part (builder and `.array()`s), where Drizzle schemas conventionally put it.
    let typeEnd = 0;
    while (column.links[typeEnd]?.name === 'array') typeEnd += 1;
    const anchor = typeEnd === 0 ? column.base : column.links[typeEnd - 1]!.call;
    return [insertChainLinkAfter({ anchor, next: column.links[typeEnd], text: '.notNull()' })];
  }
  const implied = column.model.primaryKey || column.model.identity !== null || column.model.type.endsWith('serial');
  if (implied) throw applyError(`${where}: the column is a primary key, identity or serial column and cannot be made nullable`);
  return notNulls.map(removeChainLink);
}
