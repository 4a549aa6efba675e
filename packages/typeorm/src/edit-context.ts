import { Node, type ClassDeclaration, type Decorator, type ObjectLiteralExpression, type Project, type PropertyDeclaration, type SourceFile } from 'ts-morph';
import { findColumn, findTable, parseColumnType, type ColumnModel, type SchemaModel, type TableModel } from '@orm-ai/core';
import { typeormImports } from './entity-source.js';
import type { TextChange } from '@orm-ai/core/typescript';
import { applyError, removeObjectProperty, setObjectProperty } from './edit-text.js';
import type { EnumBinding } from './edit-render.js';
import type { EntityColumnEntry, EntityIndex, EntityTableEntry } from './read-entities.js';
import { COLUMN_DECORATORS } from './read-entity-columns.js';

/** The editor's working state: the project being edited and the model/index of its current text. */
export interface EditState {
  readonly project: Project;
  readonly files: string[];
  readonly entitiesDir: string;
  model: SchemaModel;
  index: EntityIndex;
  /** Enums created by this plan (no column uses them yet, so the reader does not see them). */
  readonly createdEnums: Map<string, { tsEnum: string; filePath: string }>;
}

export interface LocatedTable {
  readonly entry: EntityTableEntry;
  readonly model: TableModel;
  readonly sourceFile: SourceFile;
  readonly declaration: ClassDeclaration;
  readonly imports: ReadonlyMap<string, string>;
}

/** Finds an entity class by its table name (junction tables are refused: they have no class). */
export function locateTable(state: EditState, name: string): LocatedTable {
  const entry = state.index.tables.find((table) => table.name === name);
  const model = findTable(state.model, name);
  if (entry === undefined || model === undefined) throw applyError(`table "${name}" is not declared by an @Entity class`);
  if (entry.junction !== null) throw applyError(`"${name}" is the junction table of ${entry.className}.${entry.junction.property} (@JoinTable); edit the relation instead`);
  const sourceFile = state.project.getSourceFileOrThrow(entry.filePath);
  return { entry, model, sourceFile, declaration: sourceFile.getClassOrThrow(entry.className), imports: typeormImports(sourceFile) };
}

export interface LocatedColumn {
  readonly entry: EntityColumnEntry;
  readonly model: ColumnModel;
  readonly property: PropertyDeclaration;
  /** The `@Column`-family decorator; undefined for a relation's join column. */
  readonly decorator: Decorator | undefined;
  readonly options: ObjectLiteralExpression | undefined;
}

export function locateColumn(table: LocatedTable, name: string): LocatedColumn {
  const entry = table.entry.columns.find((column) => column.name === name);
  const model = findColumn(table.model, name);
  if (entry === undefined || model === undefined) throw applyError(`column "${table.entry.name}.${name}" is not declared in ${table.entry.filePath}`);
  const property = table.declaration.getProperty(entry.property) ?? refuseInherited(table, entry.property, name);
  const decorator = entry.source === 'column' ? columnDecorator(property, table.imports) : undefined;
  const options = decorator?.getArguments().find(Node.isObjectLiteralExpression);
  return { entry, model, property, decorator, options };
}

/** A column declared by a base class: changing it there would change every entity extending it. */
function refuseInherited(table: LocatedTable, property: string, column: string): never {
  for (let base = table.declaration.getExtends() === undefined ? undefined : table.declaration.getBaseClass(); base !== undefined; base = base.getBaseClass()) {
    const declared = base.getProperty(property);
    if (declared === undefined) continue;
    throw applyError(
      `column "${table.entry.name}.${column}" is inherited from ${base.getName() ?? 'a base class'} at ${declared.getSourceFile().getFilePath()}:${declared.getStartLineNumber()}; the editor changes only columns an entity declares itself`,
    );
  }
  throw applyError(`column "${table.entry.name}.${column}": property ${property} is not found on ${table.entry.className}`);
}

export function columnDecorator(property: PropertyDeclaration, imports: ReadonlyMap<string, string>): Decorator | undefined {
  return property.getDecorators().find((decorator) => COLUMN_DECORATORS.has(imports.get(decorator.getName()) ?? ''));
}

/**
 * Sets `key: value` options in a decorator's options object (adding the object when there is
 * none) and removes the `remove` keys. When nothing of the old object stays, the object is
 * written anew: removing its last property and appending after it would edit one range twice.
 */
export function setDecoratorOptions(decorator: Decorator, entries: ReadonlyArray<readonly [string, string]>, options: { remove?: ReadonlySet<string> } = {}): TextChange[] {
  const remove = options.remove ?? new Set<string>();
  const existing = decorator.getArguments().find(Node.isObjectLiteralExpression);
  const object = `{ ${entries.map(([key, value]) => `${key}: ${value}`).join(', ')} }`;
  if (existing !== undefined) {
    const setKeys = new Set(entries.map(([key]) => key));
    const kept = existing.getProperties().filter((property) => !Node.hasName(property) || setKeys.has(property.getName()) || !remove.has(property.getName()));
    if (kept.length === 0 && entries.length > 0) return [{ start: existing.getStart(), end: existing.getEnd(), text: object }];
    return [...entries.map(([key, value]) => setObjectProperty(existing, key, value)), ...[...remove].filter((key) => !setKeys.has(key)).flatMap((key) => removeObjectProperty(existing, key))];
  }
  if (entries.length === 0) return [];
  const last = decorator.getArguments().at(-1);
  if (last !== undefined) return [{ start: last.getEnd(), end: last.getEnd(), text: `, ${object}` }];
  const close = decorator.getCallExpressionOrThrow().getEnd() - 1;
  return [{ start: close, end: close, text: object }];
}

/** The enum a column type names (plan-created or read), with its TypeScript enum; null for built-in types. */
export function enumBinding(state: EditState, type: string): { binding: EnumBinding; filePath: string } | null {
  const base = type.replace(/(\[\])+$/, '');
  if (parseColumnType(base).ok) return null;
  const created = state.createdEnums.get(base);
  const read = state.index.enums.find((entry) => entry.name === base)?.tsEnum ?? undefined;
  const source = created ?? (read === undefined ? undefined : { tsEnum: read.name, filePath: read.filePath });
  if (source === undefined) {
    if (state.model.enums.some((candidate) => candidate.name === base)) throw applyError(`enum "${base}" is declared as an array literal; declare it as a TypeScript enum to reuse it`);
    throw applyError(`type "${type}" is neither a PostgreSQL type nor an enum of the schema`);
  }
  const declaration = state.project.getSourceFileOrThrow(source.filePath).getEnumOrThrow(source.tsEnum);
  const members = new Map(declaration.getMembers().map((member) => [String(member.getValue()), member.getName()]));
  return { binding: { name: base, tsEnum: source.tsEnum, members }, filePath: source.filePath };
}
