import type { ChangeOf } from '@orm-ai/core';
import { locateTable, type EditState } from './edit-context.js';
import { ensureDeclarationImport, ensureNamedImports } from './edit-imports.js';
import { propertyNameFor } from './edit-render.js';
import type { TextChange } from '@orm-ai/core/typescript';
import { applyError, applyStyled, insertMemberAfter, quoted, removeDeclaration } from './edit-text.js';
import { camelCase, foreignKeyName } from './naming.js';

const ACTIONS: Readonly<Record<string, string>> = { restrict: 'RESTRICT', cascade: 'CASCADE', 'set null': 'SET NULL', 'set default': 'SET DEFAULT' };

/**
 * add_foreign_key: a `@ManyToOne` + `@JoinColumn({ name })` relation property on the
 * referencing entity (the FK column itself stays a `@Column`) and a `@OneToMany`
 * back-reference on the referenced entity when the property name is free.
 */
export function addForeignKey(state: EditState, change: ChangeOf<'add_foreign_key'>): void {
  if (change.columns.length !== 1) throw applyError('composite foreign keys need @JoinColumn arrays, which typeorm-ai does not write yet');
  const source = locateTable(state, change.table);
  const target = locateTable(state, change.referencedTable);
  const column = change.columns[0]!;
  const columnEntry = source.entry.columns.find((entry) => entry.name === column && entry.source === 'column');
  if (columnEntry === undefined) throw applyError(`column "${change.table}.${column}" must be declared with @Column before a foreign key can use it`);
  const referenced = target.entry.columns.find((entry) => entry.name === change.referencedColumns[0]);
  if (referenced === undefined) throw applyError(`column "${change.referencedTable}.${change.referencedColumns[0]}" is not declared`);
  const relation = relationPropertyName(columnEntry.property, target.entry.className);
  if (source.declaration.getProperty(relation) !== undefined) throw applyError(`${source.entry.className} already has a property "${relation}"`);
  const backReference = propertyNameFor(change.table);
  const withBack = source.entry.filePath !== target.entry.filePath || source.entry.className !== target.entry.className ? target.declaration.getProperty(backReference) === undefined : false;
  const options: string[] = [];
  if (change.onDelete !== 'no action') options.push(`onDelete: ${quoted(ACTIONS[change.onDelete]!)}`);
  if (change.onUpdate !== 'no action') options.push(`onUpdate: ${quoted(ACTIONS[change.onUpdate]!)}`);
  const targetPrimary = target.model.columns.find((candidate) => candidate.primaryKey)?.name;
  const joinOptions = [`name: ${quoted(column)}`];
  if (targetPrimary !== change.referencedColumns[0]) joinOptions.push(`referencedColumnName: ${quoted(referenced.property)}`);
  if (change.name !== null && change.name !== foreignKeyName(change.table, change.columns)) joinOptions.push(`foreignKeyConstraintName: ${quoted(change.name)}`);
  const inverse = withBack ? `, (${camelCase(target.entry.className)}) => ${camelCase(target.entry.className)}.${backReference}` : '';
  const lines = [
    `@ManyToOne(() => ${target.entry.className}${inverse}${options.length > 0 ? `, { ${options.join(', ')} }` : ''})`,
    `@JoinColumn({ ${joinOptions.join(', ')} })`,
    `${relation}!: ${target.entry.className};`,
  ];
  const anchor = source.declaration.getPropertyOrThrow(columnEntry.property);
  const sourceChanges: TextChange[] = [
    insertMemberAfter(anchor, lines),
    ...ensureNamedImports(source.sourceFile, 'typeorm', ['JoinColumn', 'ManyToOne']),
    ...ensureDeclarationImport(source.sourceFile, target.entry.className, target.entry.filePath),
  ];
  applyStyled(source.sourceFile, sourceChanges);
  if (!withBack) return;
  const refreshed = locateTable(state, change.referencedTable);
  const last = refreshed.declaration.getProperties().at(-1)!;
  const variable = camelCase(source.entry.className);
  applyStyled(refreshed.sourceFile, [
    insertMemberAfter(last, [`@OneToMany(() => ${source.entry.className}, (${variable}) => ${variable}.${relation})`, `${backReference}!: ${source.entry.className}[];`]),
    ...ensureNamedImports(refreshed.sourceFile, 'typeorm', ['OneToMany']),
    ...ensureDeclarationImport(refreshed.sourceFile, source.entry.className, source.entry.filePath),
  ]);
}

/** `authorId` → `author`; otherwise the target class name in camelCase. */
function relationPropertyName(columnProperty: string, targetClass: string): string {
  const stripped = columnProperty.replace(/(Id|_id)$/, '');
  return stripped !== columnProperty && stripped !== '' ? stripped : camelCase(targetClass);
}

/** drop_foreign_key: removes the `@ManyToOne` relation property; its join column must be a declared `@Column`. */
export function dropForeignKey(state: EditState, change: ChangeOf<'drop_foreign_key'>): void {
  const table = locateTable(state, change.table);
  const constraint = table.entry.constraints.find((candidate) => candidate.kind === 'foreign_key' && candidate.name === change.name);
  if (constraint === undefined) throw applyError(`foreign key "${change.name}" is not declared on ${table.entry.className}`);
  const relation = table.entry.relations.find((candidate) => candidate.property === constraint.property)!;
  if (table.entry.columns.some((column) => column.name === relation.joinColumn && column.source === 'relation')) {
    throw applyError(`the join column "${relation.joinColumn}" exists only through relation ${relation.property}; declare it with @Column first so dropping the relation keeps the column`);
  }
  applyStyled(table.sourceFile, [removeDeclaration(table.declaration.getPropertyOrThrow(relation.property))]);
  // The inverse @OneToMany names the removed property and has no column of its own: it goes too.
  const target = locateTable(state, relation.targetTable);
  const inverse = target.declaration.getProperties().filter((property) =>
    property.getDecorators().some((decorator) => {
      if (target.imports.get(decorator.getName()) !== 'OneToMany') return false;
      const [type, side] = decorator.getArguments();
      return type?.getText().endsWith(table.entry.className) === true && side !== undefined && new RegExp(`\\.${relation.property}$`).test(side.getText());
    }),
  );
  applyStyled(target.sourceFile, inverse.map((property) => removeDeclaration(property)));
}
