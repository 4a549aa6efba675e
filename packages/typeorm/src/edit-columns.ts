import { Node, type PropertyDeclaration } from 'ts-morph';
import type { ChangeOf } from '@orm-ai/core';
import { enumBinding, locateColumn, locateTable, setDecoratorOptions, columnDecorator, type EditState, type LocatedTable } from './edit-context.js';
import { ensureDeclarationImport, ensureNamedImports } from './edit-imports.js';
import { columnOptions, defaultText, propertyLine, propertyNameFor, tsTypeFor, typeOptions } from './edit-render.js';
import type { TextChange } from '@orm-ai/core/typescript';
import { applyError, applyStyled, insertMemberAfter, quoted, removeDeclaration } from './edit-text.js';
import { columnName } from './naming.js';

/** add_column: a new `@Column({ type, ... })` property after the entity's last column property. */
export function addColumn(state: EditState, change: ChangeOf<'add_column'>): void {
  const table = locateTable(state, change.table);
  const spec = change.column;
  const property = freePropertyName(table, propertyNameFor(spec.name));
  const bound = enumBinding(state, spec.type);
  const decorator = spec.primaryKey ? 'PrimaryColumn' : 'Column';
  const options = columnOptions({ spec, property, naming: state.index.namingStrategy, enumBinding: bound?.binding ?? null });
  const lines = [`@${decorator}({ ${options.join(', ')} })`, propertyLine(property, tsTypeFor(spec.type, bound?.binding ?? null), spec.nullable)];
  const anchor = lastColumnProperty(table) ?? table.declaration.getProperties().at(-1);
  if (anchor === undefined) throw applyError(`${table.entry.className} has no properties to place the column after`);
  const imports = ensureNamedImports(table.sourceFile, 'typeorm', [decorator]);
  const enumImport = bound === null ? [] : ensureDeclarationImport(table.sourceFile, bound.binding.tsEnum, bound.filePath);
  applyStyled(table.sourceFile, [insertMemberAfter(anchor, lines), ...imports, ...enumImport]);
}

/**
 * A relation often holds the natural name (`tags: Tag[]` beside a new `tags` column): the
 * column then gets a column-ish property name, and `name:` keeps the database name.
 */
function freePropertyName(table: LocatedTable, preferred: string): string {
  const candidates = [preferred, `${preferred}Column`, `${preferred}2`, `${preferred}3`];
  const free = candidates.find((candidate) => table.declaration.getProperty(candidate) === undefined);
  if (free === undefined) throw applyError(`${table.entry.className} already has properties ${candidates.join(', ')}`);
  return free;
}

function lastColumnProperty(table: LocatedTable): PropertyDeclaration | undefined {
  return table.declaration.getProperties().filter((property) => columnDecorator(property, table.imports) !== undefined).at(-1);
}

/** drop_column: removes the property (for a relation's join column, the relation property). */
export function dropColumn(state: EditState, change: ChangeOf<'drop_column'>): void {
  const table = locateTable(state, change.table);
  const column = locateColumn(table, change.column);
  applyStyled(table.sourceFile, [removeDeclaration(column.property)]);
}

/**
 * rename_column: sets `name: 'new'` in the column options; when the property name is the old
 * db name, renames the property (and its references) instead, plus its uses in `@Index`/`@Unique`.
 */
export function renameColumn(state: EditState, change: ChangeOf<'rename_column'>): void {
  const table = locateTable(state, change.table);
  const column = locateColumn(table, change.from);
  if (column.decorator === undefined) {
    const joinColumn = column.property.getDecorators().find((decorator) => table.imports.get(decorator.getName()) === 'JoinColumn');
    if (joinColumn === undefined) throw applyError(`"${change.from}" is the implicit join column of relation ${column.entry.property}; add @JoinColumn({ name }) by hand`);
    applyStyled(table.sourceFile, [...setDecoratorOptions(joinColumn, [['name', quoted(change.to)]])]);
    return;
  }
  const naming = state.index.namingStrategy;
  if (column.entry.property !== change.from) {
    applyStyled(table.sourceFile, setDecoratorOptions(column.decorator, [['name', quoted(change.to)]]));
    return;
  }
  const renamed = propertyNameFor(change.to);
  if (table.declaration.getProperty(renamed) !== undefined) throw applyError(`${table.entry.className} already has a property "${renamed}"`);
  const stringUses = classDecoratorStrings(table, change.from).map((literal): TextChange => ({ start: literal.getStart(), end: literal.getEnd(), text: quoted(renamed) }));
  const nameOption = columnName(naming, renamed, null) === change.to ? [] : setDecoratorOptions(column.decorator, [['name', quoted(change.to)]]);
  applyStyled(table.sourceFile, [...stringUses, ...nameOption]);
  locateTable(state, change.table).declaration.getPropertyOrThrow(change.from).rename(renamed);
}

/** String literals naming `property` in the class's `@Index([...])` / `@Unique([...])` column lists. */
function classDecoratorStrings(table: LocatedTable, property: string): Node[] {
  return table.declaration
    .getDecorators()
    .filter((decorator) => ['Index', 'Unique'].includes(table.imports.get(decorator.getName()) ?? ''))
    .flatMap((decorator) => decorator.getArguments().filter(Node.isArrayLiteralExpression))
    .flatMap((array) => array.getElements().filter((element) => Node.isStringLiteral(element) && element.getLiteralValue() === property));
}

/** alter_column: type, nullability and default in the column options, and the property's TS type. */
export function alterColumn(state: EditState, change: ChangeOf<'alter_column'>): void {
  const table = locateTable(state, change.table);
  const column = locateColumn(table, change.column);
  const decorator = column.decorator;
  if (decorator === undefined) throw applyError(`"${change.column}" is a relation's join column; declare it with @Column to alter it`);
  const changes: TextChange[] = [];
  const type = change.type ?? column.model.type;
  const nullable = change.nullable ?? column.model.nullable;
  const bound = enumBinding(state, type);
  const options = decorator.getArguments().find(Node.isObjectLiteralExpression);
  const entries = new Map<string, string>();
  const removed = new Set<string>();
  if (change.type !== null) {
    for (const entry of typeOptions(change.type, bound?.binding ?? null)) {
      const [key, ...value] = entry.split(': ');
      entries.set(key!, value.join(': '));
    }
    for (const key of ['length', 'precision', 'scale', 'array', 'enum', 'enumName']) if (!entries.has(key)) removed.add(key);
    const positional = decorator.getArguments()[0];
    if (Node.isStringLiteral(positional)) {
      changes.push({ start: positional.getStart(), end: positional.getEnd(), text: entries.get('type')! });
      entries.delete('type');
    }
    if (bound !== null) changes.push(...ensureDeclarationImport(table.sourceFile, bound.binding.tsEnum, bound.filePath));
  }
  if (change.nullable !== null && (change.nullable || options?.getProperty('nullable') !== undefined)) entries.set('nullable', String(change.nullable));
  if (change.default !== null) {
    if (change.default.sql === null) removed.add('default');
    else entries.set('default', defaultText(change.default.sql, bound?.binding ?? null));
  }
  changes.push(...setDecoratorOptions(decorator, [...entries], { remove: removed }));
  if (change.type !== null || change.nullable !== null) changes.push(...retype(column.property, tsTypeFor(type, bound?.binding ?? null), nullable));
  applyStyled(table.sourceFile, changes);
}

/** Rewrites `name!: T` to the new TS type and `!`/`?` marker, when it differs. */
function retype(property: PropertyDeclaration, type: string, nullable: boolean): TextChange[] {
  const typeNode = property.getTypeNode();
  if (typeNode === undefined) return [];
  const text = propertyLine(property.getName(), type, nullable).slice(property.getName().length, -1);
  const start = property.getNameNode().getEnd();
  if (property.getSourceFile().getFullText().slice(start, typeNode.getEnd()) === text) return [];
  return [{ start, end: typeNode.getEnd(), text }];
}
