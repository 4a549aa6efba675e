import path from 'node:path';
import { Node } from 'ts-morph';
import { singularize, type ChangeOf, type ColumnSpec } from '@orm-ai/core';
import { enumBinding, locateTable, type EditState, type LocatedTable } from './edit-context.js';
import { ensureNamedImports, relativeSpecifier } from './edit-imports.js';
import { columnOptions, pascalName, propertyLine, propertyNameFor, tsTypeFor } from './edit-render.js';
import { lineEnd, restyle, type TextChange } from '@orm-ai/core/typescript';
import { applyError, applyStyled, quoted, removeDeclaration } from './edit-text.js';
import { columnName, indexName, uniqueConstraintName } from './naming.js';
import { newEntityNames, newFileStyle } from './new-entity-style.js';

function singularName(table: string): string {
  const words = table.split('_');
  words[words.length - 1] = singularize(words.at(-1)!);
  return words.join('_');
}

/** Inserts a class decorator line after the class's last decorator. */
function addClassDecorator(table: LocatedTable, text: string): TextChange {
  const last = table.declaration.getDecorators().at(-1)!;
  const source = table.sourceFile.getFullText();
  const end = lineEnd(source, last.getEnd());
  return { start: end, end, text: `\n${text}` };
}

/** Property names for db columns (a relation's join column maps to the relation property). */
function propertiesOf(table: LocatedTable, columns: readonly string[]): string[] {
  return columns.map((name) => {
    const entry = table.entry.columns.find((column) => column.name === name);
    if (entry === undefined) throw applyError(`column "${table.entry.name}.${name}" is not declared in ${table.entry.filePath}`);
    return entry.property;
  });
}

/** create_index: `@Index('name', ['property'], { unique })` on the class (btree only). */
export function createIndex(state: EditState, change: ChangeOf<'create_index'>): void {
  if (change.method !== 'btree') {
    throw applyError(`TypeORM's @Index cannot declare a ${change.method} index on PostgreSQL (only btree, or gist via spatial for geometry columns); create it in the migration instead`);
  }
  const table = locateTable(state, change.table);
  const properties = propertiesOf(table, change.columns).map((property) => quoted(property)).join(', ');
  const options = [...(change.unique ? ['unique: true'] : []), ...(change.where === null ? [] : [`where: ${quoted(change.where)}`])];
  const name = change.name === indexName(change.table, change.columns, change.where) ? '' : `${quoted(change.name)}, `;
  const text = `@Index(${name}[${properties}]${options.length > 0 ? `, { ${options.join(', ')} }` : ''})`;
  applyStyled(table.sourceFile, [addClassDecorator(table, text), ...ensureNamedImports(table.sourceFile, 'typeorm', ['Index'])]);
}

/** add_unique: `@Unique('name', ['property'])` on the class (the name is left out when it is TypeORM's default). */
export function addUnique(state: EditState, change: ChangeOf<'add_unique'>): void {
  const table = locateTable(state, change.table);
  const properties = propertiesOf(table, change.columns).map((property) => quoted(property)).join(', ');
  const name = change.name === null || change.name === uniqueConstraintName(change.table, change.columns) ? '' : `${quoted(change.name)}, `;
  applyStyled(table.sourceFile, [addClassDecorator(table, `@Unique(${name}[${properties}])`), ...ensureNamedImports(table.sourceFile, 'typeorm', ['Unique'])]);
}

/** drop_index / drop_unique: removes the decorator that declares it (or `unique: true`). */
export function dropConstraint(state: EditState, change: ChangeOf<'drop_index'> | ChangeOf<'drop_unique'>): void {
  const table = locateTable(state, change.table);
  const kind = change.kind === 'drop_index' ? 'index' : 'unique';
  const constraint = table.entry.constraints.find((candidate) => candidate.kind === kind && candidate.name === change.name);
  if (constraint === undefined) throw applyError(`${kind} "${change.name}" is not declared on ${table.entry.className}`);
  if (constraint.decoratorStart === null) {
    const property = table.declaration.getPropertyOrThrow(constraint.property!);
    const option = property.getDecorators().flatMap((decorator) => decorator.getArguments().filter(Node.isObjectLiteralExpression)).map((object) => object.getProperty('unique')).find(Node.isPropertyAssignment);
    if (option === undefined) throw applyError(`cannot find \`unique: true\` of ${table.entry.className}.${constraint.property}`);
    applyStyled(table.sourceFile, [{ start: option.getInitializerOrThrow().getStart(), end: option.getInitializerOrThrow().getEnd(), text: 'false' }]);
    return;
  }
  const decorator = table.sourceFile.getDescendantAtPos(constraint.decoratorStart)?.getFirstAncestor(Node.isDecorator);
  if (decorator === undefined) throw applyError(`cannot find the decorator of ${kind} "${change.name}"`);
  const source = table.sourceFile.getFullText();
  const start = source.lastIndexOf('\n', decorator.getStart()) + 1;
  const onOwnLine = source.slice(start, decorator.getStart()).trim() === '' && source.slice(decorator.getEnd(), lineEnd(source, decorator.getEnd())).trim() === '';
  applyStyled(table.sourceFile, [onOwnLine ? { start, end: lineEnd(source, decorator.getEnd()) + 1, text: '' } : { start: decorator.getStart(), end: decorator.getEnd(), text: '' }]);
}

/** rename_table: the name in `@Entity(...)`; the class keeps its name. */
export function renameTable(state: EditState, change: ChangeOf<'rename_table'>): void {
  const table = locateTable(state, change.from);
  const entity = table.declaration.getDecorators().find((decorator) => table.imports.get(decorator.getName()) === 'Entity')!;
  const [arg] = entity.getArguments();
  let edit: TextChange;
  if (arg === undefined) {
    const close = entity.getCallExpressionOrThrow().getEnd() - 1;
    edit = { start: close, end: close, text: quoted(change.to) };
  } else if (Node.isObjectLiteralExpression(arg)) {
    const name = arg.getProperty('name');
    if (Node.isPropertyAssignment(name)) edit = { start: name.getInitializerOrThrow().getStart(), end: name.getInitializerOrThrow().getEnd(), text: quoted(change.to) };
    else edit = { start: arg.getStart(), end: arg.getStart() + 1, text: `{ name: ${quoted(change.to)},` };
  } else {
    edit = { start: arg.getStart(), end: arg.getEnd(), text: quoted(change.to) };
  }
  applyStyled(table.sourceFile, [edit]);
}

/**
 * drop_table: removes the entity class, the inverse relation properties (`@OneToMany`,
 * non-owning `@ManyToMany`) pointing at it and their imports of it. The emptied module stays
 * (a module without entities is ignored by TypeORM); owning relations must be dropped first.
 */
export function dropTable(state: EditState, change: ChangeOf<'drop_table'>): void {
  const table = locateTable(state, change.table);
  const className = table.entry.className;
  for (const other of state.index.tables) {
    if (other.junction !== null || other.className === className) continue;
    const owning = other.relations.find((relation) => relation.targetClass === className && relation.joinColumn !== null);
    if (owning !== undefined) throw applyError(`${other.className}.${owning.property} references "${change.table}"; drop its foreign key first`);
  }
  const changesByFile = new Map<string, TextChange[]>();
  const add = (filePath: string, ...changes: TextChange[]) => changesByFile.set(filePath, [...(changesByFile.get(filePath) ?? []), ...changes]);
  add(table.entry.filePath, removeDeclaration(table.declaration));
  for (const other of state.index.tables) {
    if (other.junction !== null || other.className === className) continue;
    const located = locateTable(state, other.name);
    for (const relation of other.relations.filter((candidate) => candidate.targetClass === className)) {
      add(other.filePath, removeDeclaration(located.declaration.getPropertyOrThrow(relation.property)));
    }
    if (other.filePath === table.entry.filePath || !other.relations.some((relation) => relation.targetClass === className)) continue;
    for (const declaration of located.sourceFile.getImportDeclarations()) {
      if (declaration.getModuleSpecifierSourceFile()?.getFilePath() !== table.entry.filePath) continue;
      const named = declaration.getNamedImports();
      const specifier = named.find((candidate) => candidate.getName() === className);
      if (specifier === undefined) continue;
      if (named.length === 1 && declaration.getDefaultImport() === undefined) add(other.filePath, removeDeclaration(declaration));
      else add(other.filePath, ...removeListItem(specifier, named));
    }
  }
  for (const [filePath, changes] of changesByFile) applyStyled(state.project.getSourceFileOrThrow(filePath), changes);
}

function removeListItem(item: Node, items: readonly Node[]): TextChange[] {
  const position = items.indexOf(item);
  const next = items[position + 1];
  if (next !== undefined) return [{ start: item.getStart(), end: next.getStart(), text: '' }];
  return [{ start: items[position - 1]!.getEnd(), end: item.getEnd(), text: '' }];
}

/**
 * create_table: a new file `<ClassName>.ts` (or `<name>.entity.ts`, see `newEntityNames`) in `entitiesDir` with `@Entity('name')`. A serial
 * primary key becomes `@PrimaryGeneratedColumn()`, a uuid key defaulting to a uuid generator
 * `@PrimaryGeneratedColumn('uuid')`; every other column gets an explicit `type`.
 */
export function createTable(state: EditState, change: ChangeOf<'create_table'>): string {
  // Entity classes are singular (`bookmarks` → `Bookmark`), as TypeORM's own examples name them.
  const { className, fileName } = newEntityNames({ base: pascalName(singularName(change.table)), existing: state.index.tables });
  const filePath = path.join(state.entitiesDir, fileName);
  if (state.project.getSourceFile(filePath) !== undefined || state.index.tables.some((table) => table.className === className)) {
    throw applyError(`an entity class ${className} already exists; rename the table or create the entity by hand`);
  }
  const sourceFile = state.project.createSourceFile(filePath, '', { overwrite: true });
  const imports = new Set(['Entity']);
  const enumImports = new Map<string, string>();
  const members = change.columns.map((spec) => {
    const primary = spec.primaryKey || (change.primaryKey ?? []).includes(spec.name);
    const [decorator, line] = columnDecoratorFor(state, spec, primary, enumImports);
    imports.add(decorator.slice(1, decorator.indexOf('(')));
    return `  ${decorator}\n  ${line}`;
  });
  const entity = `@Entity(${quoted(change.table)})`;
  const importLines = [`import { ${[...imports].sort().join(', ')} } from 'typeorm';`];
  for (const [tsEnum, enumFile] of enumImports) importLines.push(`import { ${tsEnum} } from '${relativeSpecifier(sourceFile, enumFile)}';`);
  const text = `${importLines.join('\n')}\n\n${entity}\nexport class ${className} {\n${members.join('\n\n')}\n}\n`;
  sourceFile.replaceWithText(restyle(text, newFileStyle({ project: state.project, existing: state.index.tables }), { reindent: true }));
  state.files.push(sourceFile.getFilePath());
  return sourceFile.getFilePath();
}

function columnDecoratorFor(state: EditState, spec: ColumnSpec, primary: boolean, enumImports: Map<string, string>): [string, string] {
  const property = propertyNameFor(spec.name);
  const nameOption = columnName(state.index.namingStrategy, property, null) === spec.name ? '' : `{ name: ${quoted(spec.name)} }`;
  if (primary && ['serial', 'uuid'].includes(spec.type) && (spec.type === 'serial' || /^(gen_random_uuid|uuid_generate_v4)\(\)$/.test(spec.default ?? ''))) {
    const strategy = spec.type === 'uuid' ? `'uuid'${nameOption === '' ? '' : ', '}` : '';
    return [`@PrimaryGeneratedColumn(${strategy}${nameOption})`, propertyLine(property, spec.type === 'uuid' ? 'string' : 'number', false)];
  }
  const bound = enumBinding(state, spec.type);
  if (bound !== null) enumImports.set(bound.binding.tsEnum, bound.filePath);
  const options = columnOptions({ spec: { ...spec, nullable: primary ? false : spec.nullable }, property, naming: state.index.namingStrategy, enumBinding: bound?.binding ?? null });
  return [`@${primary ? 'PrimaryColumn' : 'Column'}({ ${options.join(', ')} })`, propertyLine(property, tsTypeFor(spec.type, bound?.binding ?? null), spec.nullable && !primary)];
}
