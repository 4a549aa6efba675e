import path from 'node:path';
import type { ChangeOf } from '@orm-ai/core';
import type { EditState } from './edit-context.js';
import { pascalName } from './edit-render.js';
import { newFileStyle } from './new-entity-style.js';
import { restyle } from '@orm-ai/core/typescript';
import { applyError, applyStyled, quoted } from './edit-text.js';

/**
 * create_enum: a new file `<EnumName>.ts` in `entitiesDir` exporting a string `enum`; columns
 * added by the same plan use it as `{ type: 'enum', enum: X, enumName: 'name' }`.
 */
export function createEnum(state: EditState, change: ChangeOf<'create_enum'>): string {
  const tsEnum = pascalName(change.name);
  const filePath = path.join(state.entitiesDir, `${tsEnum}.ts`);
  if (state.project.getSourceFile(filePath) !== undefined) throw applyError(`${filePath} already exists`);
  const members = change.values.map((value) => `  ${pascalName(value)} = ${quoted(value)},`);
  const text = restyle(`export enum ${tsEnum} {\n${members.join('\n')}\n}\n`, newFileStyle({ project: state.project, existing: state.index.tables }), { reindent: true });
  const sourceFile = state.project.createSourceFile(filePath, text, { overwrite: true });
  state.createdEnums.set(change.name, { tsEnum, filePath: sourceFile.getFilePath() });
  return sourceFile.getFilePath();
}

/** add_enum_value: a new member at the end of the TypeScript enum (array-literal enums get the value appended). */
export function addEnumValue(state: EditState, change: ChangeOf<'add_enum_value'>): void {
  const source = state.createdEnums.get(change.enum) ?? state.index.enums.find((entry) => entry.name === change.enum)?.tsEnum ?? null;
  if (source === null) throw applyError(`enum "${change.enum}" is not declared as a TypeScript enum (array-literal enums are not edited)`);
  const tsEnum = 'tsEnum' in source ? source.tsEnum : source.name;
  const sourceFile = state.project.getSourceFileOrThrow(source.filePath);
  const declaration = sourceFile.getEnumOrThrow(tsEnum);
  const members = declaration.getMembers();
  const last = members.at(-1);
  if (last === undefined) throw applyError(`enum ${tsEnum} has no members`);
  const text = sourceFile.getFullText();
  const comma = last.getNextSibling((sibling) => sibling.getText() === ',');
  const indent = /[ \t]*$/.exec(text.slice(0, last.getStart()))![0];
  const member = `${pascalName(change.value)} = ${quoted(change.value)}`;
  const at = (comma ?? last).getEnd();
  applyStyled(sourceFile, [{ start: at, end: at, text: comma === undefined ? `,\n${indent}${member}` : `\n${indent}${member},` }]);
}
