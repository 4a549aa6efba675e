import { SyntaxKind, type Node } from 'ts-morph';
import { applyError, type LocatedTable } from './edit-context.js';
import { identifierFor } from './naming.js';
import { entryKind } from './read-table-config.js';
import { drizzleCoreOf, PG_CORE } from './drizzle-core.js';
import { coreImports } from './schema-declarations.js';
import { propertyKey, type ChainLink } from './source-utils.js';
import type { SourceStyle } from './source-style.js';
import { indentationAt, lineEnd, type TextChange } from '@orm-ai/core/typescript';
import { insertListItem, removeListItem } from './text-edits.js';

/** Edits of a pgTable third argument (`(t) => [ ... ]` or the legacy object form). */

/** The callback parameter new entries refer to columns through. */
export function configParam(table: LocatedTable, style: SourceStyle): string {
  if (table.config === undefined) return style.param;
  if (table.config.param === undefined) throw applyError(`the config callback of table "${table.entry.name}" takes no table parameter`);
  return table.config.param;
}

/**
 * Appends an entry (`index('n').on(t.a)`) to the table's third argument, creating
 * `(t) => [ ... ]` (or `(t) => ({ ... })`, per `style.configForm`) after the columns object
 * when there is none. Object-form configs get a
 * new property keyed by `keyHint` in camelCase.
 */
export function appendConfigEntry(options: { table: LocatedTable; style: SourceStyle; text: string; keyHint: string }): TextChange {
  const { table, style, text } = options;
  if (table.config === undefined) {
    const entry = style.configForm === 'array' ? text : `${identifierFor(options.keyHint)}: ${text}`;
    return newConfigArgument(table, style, entry);
  }
  if (table.config.form === 'array') return insertListItem({ items: table.config.entries, text, emptyList: table.config.list });
  const list = table.config.list.asKindOrThrow(SyntaxKind.ObjectLiteralExpression);
  const keys = new Set(list.getProperties().map((property) => propertyKey(property)));
  let key = identifierFor(options.keyHint);
  for (let suffix = 2; keys.has(key); suffix += 1) key = `${identifierFor(options.keyHint)}${suffix}`;
  return insertListItem({ items: list.getProperties(), text: `${key}: ${text}`, emptyList: list });
}

function newConfigArgument(table: LocatedTable, style: SourceStyle, text: string): TextChange {
  const source = table.sourceFile.getFullText();
  const columns = table.columnsObject;
  const comma = style.trailingComma ? ',' : '';
  const [open, close] = style.configForm === 'array' ? ['[', ']'] : ['({', '})'];
  const trailing = columns.getNextSiblingIfKind(SyntaxKind.CommaToken);
  if (trailing === undefined) {
    const closing = indentationAt(source, columns.getEnd() - 1);
    const body = `(${style.param}) => ${open}\n${closing}${style.indent}${text}${comma}\n${closing}${close}`;
    return { start: columns.getEnd(), end: columns.getEnd(), text: `, ${body}` };
  }
  // Arguments written one per line (`pgTable(\n  'x',\n  {...},\n)`): a new argument line.
  const indent = indentationAt(source, columns.getStart());
  const end = lineEnd(source, trailing.getEnd());
  const body = `(${style.param}) => ${open}\n${indent}${style.indent}${text}${comma}\n${indent}${close}`;
  return { start: end, end, text: `\n${indent}${body},` };
}

/** One third-argument entry with the core function (`index`, `foreignKey`, ...) it is built with. */
export interface ConfigEntry {
  readonly kind: string;
  readonly node: Node;
  readonly links: ChainLink[];
  readonly firstArgument: Node | undefined;
}

/** The table's config entries built with one of `kinds`, in source order (the model lists them in the same order). */
export function configEntriesOf(table: LocatedTable, kinds: readonly string[]): ConfigEntry[] {
  if (table.config === undefined) return [];
  // A file with a table imports its table function from exactly one core module.
  const imports = coreImports(table.sourceFile, drizzleCoreOf(table.sourceFile, PG_CORE));
  return table.config.entries.flatMap((node) => {
    const found = entryKind(node, imports);
    if (found === undefined || !kinds.includes(found.kind)) return [];
    return [{ kind: found.kind, node, links: found.links, firstArgument: found.base.getArguments()[0] }];
  });
}

/** Removes an entry (array element, or the property holding it in the object form). */
export function removeConfigEntry(table: LocatedTable, entry: ConfigEntry): TextChange[] {
  if (table.config?.entries.length === 1) {
    // The last entry: drop the whole callback argument rather than leave `(t) => []`.
    const argument = table.call.getArguments()[2]!;
    return [{ start: table.columnsObject.getEnd(), end: argument.getEnd(), text: '' }];
  }
  if (table.config?.form === 'object') {
    const property = entry.node.getParentOrThrow();
    return removeListItem({ item: property, items: table.config.list.asKindOrThrow(SyntaxKind.ObjectLiteralExpression).getProperties() });
  }
  return removeListItem({ item: entry.node, items: table.config?.entries ?? [] });
}
