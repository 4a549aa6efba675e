import path from 'node:path';
import type { Project } from 'ts-morph';
import { codeStyleOf, DEFAULT_CODE_STYLE, type CodeStyle } from '@orm-ai/core/typescript';
import type { EntityTableEntry } from './read-entities.js';

/**
 * The class and file name of a new entity, in the style the project's entities already use,
 * so its data source's entity globs find it too: NestJS projects name `UserEntity` in
 * `user.entity.ts` and list `**\/*.entity{.ts,.js}`; TypeORM's own examples name `User` in
 * `User.ts`. The style is the one most existing entities follow (the latter when there is none).
 */
/** `base` is the class name without a suffix: `ApiKey` for table `api_keys`. */
export function newEntityNames(options: { base: string; existing: readonly EntityTableEntry[] }): { className: string; fileName: string } {
  const { base } = options;
  const entities = options.existing.filter((entry) => entry.junction === null);
  const most = (test: (entry: EntityTableEntry) => boolean) => entities.length > 0 && entities.filter(test).length * 2 > entities.length;
  const classSuffix = most((entry) => /.Entity$/.test(entry.className)) ? 'Entity' : '';
  const dotEntity = most((entry) => /\.entity\.(c|m)?ts$/.test(path.basename(entry.filePath)));
  const kebab = base.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return { className: `${base}${classSuffix}`, fileName: dotEntity ? `${kebab}.entity.ts` : `${base}.ts` };
}

/**
 * The quotes, semicolons and indentation of a new entity or enum file: those of the project's
 * first entity file, so the new file reads like its neighbours.
 */
export function newFileStyle(options: { project: Project; existing: readonly EntityTableEntry[] }): CodeStyle {
  const first = options.existing.find((entry) => entry.junction === null);
  const sourceFile = first === undefined ? undefined : options.project.getSourceFile(first.filePath);
  return sourceFile === undefined ? DEFAULT_CODE_STYLE : codeStyleOf(sourceFile);
}
