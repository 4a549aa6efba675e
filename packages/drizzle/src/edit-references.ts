import type { SourceFile } from 'ts-morph';
import { coreExportName, drizzleCoreOf } from './drizzle-core.js';
import { applyError, locateEnum, type EditState } from './edit-context.js';
import { localImportName, type ImportNeed } from './edit-imports.js';
import { relativeSpecifier, resolveRelativeModule } from './module-links.js';
import { importBindings } from './source-utils.js';

/** A name usable in a file, with the import that makes it available (if one is missing). */
export interface AvailableName {
  readonly name: string;
  readonly needs: ImportNeed[];
}

/**
 * How `fromFile` refers to the variable `variableName` declared in `declaredIn`: directly in
 * the same file, through an existing import (aliases kept), or through a new relative import.
 */
export function declarationName(options: {
  state: EditState;
  fromFile: SourceFile;
  declaredIn: string;
  variableName: string;
}): AvailableName {
  const { state, fromFile, declaredIn, variableName } = options;
  if (fromFile.getFilePath() === declaredIn) return { name: variableName, needs: [] };
  const files = new Set(state.files);
  for (const [local, binding] of importBindings(fromFile)) {
    const target = resolveRelativeModule({ fromFile: fromFile.getFilePath(), specifier: binding.module, files });
    if (target === declaredIn && binding.imported === variableName) return { name: local, needs: [] };
  }
  const module = relativeSpecifier({ fromFile: fromFile.getFilePath(), toFile: declaredIn, sourceFile: fromFile });
  return { name: variableName, needs: [{ module, name: variableName }] };
}

/** The variable naming table `table` in `fromFile`. */
export function tableVariable(state: EditState, fromFile: SourceFile, table: string): AvailableName {
  const entry = state.index.tables.find((candidate) => candidate.name === table);
  if (entry === undefined) throw applyError(`table "${table}" is not declared in the schema files`);
  return declarationName({ state, fromFile, declaredIn: entry.filePath, variableName: entry.variableName });
}

/** True when schema file `from` imports `to`, directly or through other schema files. */
export function importsTransitively(state: EditState, from: string, to: string): boolean {
  const files = new Set(state.files);
  const seen = new Set<string>();
  const pending = [from];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (file === to) return true;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const declaration of state.project.getSourceFileOrThrow(file).getImportDeclarations()) {
      const target = resolveRelativeModule({ fromFile: file, specifier: declaration.getModuleSpecifierValue(), files });
      if (target !== undefined) pending.push(target);
    }
  }
  return false;
}

/**
 * The variable naming enum `name` in `fromFile`. Enum builders run when the module loads, so
 * importing one from a file that imports `fromFile` back would read it before it exists.
 */
export function enumVariable(state: EditState, fromFile: SourceFile, name: string): AvailableName {
  const entry = locateEnum(state, name);
  const available = declarationName({ state, fromFile, declaredIn: entry.filePath, variableName: entry.variableName });
  if (available.needs.length > 0 && importsTransitively(state, entry.filePath, fromFile.getFilePath())) {
    throw applyError(
      `enum "${name}" is declared in ${entry.filePath}, which imports ${fromFile.getFilePath()}: using it there would create an import cycle`,
      'Move the enum to a schema file both import (e.g. enums.ts) and apply the plan again.',
    );
  }
  return available;
}

/**
 * The export of the file's core module that does what pg-core's `pgName` does (`pgTable` is
 * `sqliteTable` in a SQLite schema), under the file's local name, importing it when missing.
 */
export function coreExport(state: EditState, fromFile: SourceFile, pgName: string): AvailableName {
  const core = drizzleCoreOf(fromFile, state.index.core);
  const name = coreExportName(core, pgName);
  return { name: localImportName(fromFile, core.module, name), needs: [{ module: core.module, name }] };
}

/** `sql` from 'drizzle-orm' under the file's local name, importing it when missing. */
export function sqlTag(fromFile: SourceFile): AvailableName {
  return { name: localImportName(fromFile, 'drizzle-orm', 'sql'), needs: [{ module: 'drizzle-orm', name: 'sql' }] };
}

/** The TS property key a table's column is declared under. */
export function columnKey(state: EditState, table: string, column: string): string {
  const entry = state.index.tables.find((candidate) => candidate.name === table);
  const key = entry?.columns.find((candidate) => candidate.name === column)?.key;
  if (key === undefined) throw applyError(`column "${table}.${column}" is not declared in the schema files`);
  return key;
}

/** `t.key` (or `t['key']` for keys that are not identifiers). */
export function memberAccess(object: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${object}.${key}` : `${object}[${JSON.stringify(key)}]`;
}
