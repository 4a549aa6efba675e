import { SyntaxKind, type SourceFile } from 'ts-morph';
import { locateTable, type EditState } from './edit-context.js';
import { codeStyleOf, indentationAt } from '@orm-ai/core/typescript';

/** Formatting habits of a schema file, copied into new declarations. */
export interface SourceStyle {
  /** One indentation level (`'  '`). */
  readonly indent: string;
  /** Whether multi-line lists end with a comma. */
  readonly trailingComma: boolean;
  /** `';'` or `''`. */
  readonly semicolon: string;
  /** Parameter name of table config callbacks (`t`, `table`). */
  readonly param: string;
  /** The form of a new third argument: `(t) => [...]`, or `(t) => ({...})`, the only one before drizzle-orm 0.36. */
  readonly configForm: 'array' | 'object';
}

const DEFAULT_STYLE = { trailingComma: true, param: 't' } as const;

/**
 * Reads the style of the file's first table (and first config callback); in a file without
 * tables, the indentation and semicolons the rest of the file uses.
 */
export function sourceStyle(state: EditState, sourceFile: SourceFile): SourceStyle {
  const entries = state.index.tables.filter((table) => table.filePath === sourceFile.getFilePath());
  const first = entries[0];
  const configForm = state.index.newConfigForm;
  const file = codeStyleOf(sourceFile);
  if (first === undefined) return { ...DEFAULT_STYLE, indent: file.indent, semicolon: file.semicolon, configForm };
  const table = locateTable(state, first.name);
  const text = sourceFile.getFullText();
  const properties = table.columnsObject.getProperties();
  const firstProperty = properties[0];
  const outer = indentationAt(text, table.columnsObject.getStart());
  const inner = firstProperty === undefined ? outer + file.indent : indentationAt(text, firstProperty.getStart());
  const last = properties.at(-1);
  // The first table with a config callback; locating every table first costs seconds at 1,000 tables.
  let withConfig: ReturnType<typeof locateTable>['config'];
  for (const entry of entries) {
    withConfig = locateTable(state, entry.name).config;
    if (withConfig?.param !== undefined) break;
  }
  return {
    indent: inner.length > outer.length ? inner.slice(outer.length) : file.indent,
    trailingComma: last === undefined ? true : last.getNextSiblingIfKind(SyntaxKind.CommaToken) !== undefined,
    semicolon: table.statement.getText().endsWith(';') ? ';' : '',
    param: withConfig?.param ?? DEFAULT_STYLE.param,
    configForm,
  };
}
