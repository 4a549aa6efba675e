import { countTokens } from './token-count.js';
import type { EnumModel, SchemaModel, TableModel } from '../schema-model.js';

/**
 * The part of a schema a request needs, so the prompt does not grow with the schema:
 * tables the request names or implies (by table name, column name or a word of a comment,
 * in any usual spelling), their foreign-key neighbours and the enums they use, in full;
 * every other table as one line (its name and columns' names) while the outline budget
 * lasts; the rest only counted. The model may ask to see tables in full (`needTables`).
 */
export interface SchemaSelection {
  /** The schema restricted to the tables and enums shown in full. */
  readonly full: SchemaModel;
  /** Tables shown as one line each. */
  readonly outlined: readonly TableModel[];
  /** Names of tables not shown at all (past the outline budget). */
  readonly omitted: readonly string[];
}

export interface SelectionOptions {
  /** Tokens the one-line outline of the other tables may take (default 1,200). */
  readonly outlineTokens?: number;
  /** Up to this many tables the whole schema is shown in full, as before (default 12). */
  readonly smallSchemaTables?: number;
}

const DEFAULT_OUTLINE_TOKENS = 1200;
const DEFAULT_SMALL_SCHEMA_TABLES = 12;
const DISTINCTIVE_COLUMN_TABLES = 3;
/** Words too common to say which table a request is about. */
const STOP_WORDS = new Set(['a', 'an', 'the', 'to', 'of', 'on', 'in', 'for', 'and', 'or', 'with', 'add', 'new', 'column', 'table', 'index', 'by', 'id', 'is', 'as', 'it', 'its', 'be', 'from', 'make', 'set', 'each', 'every', 'all', 'that', 'this', 'at', 'not', 'null']);

export function selectSchemaForRequest(model: SchemaModel, request: string, options: SelectionOptions = {}): SchemaSelection {
  if (model.tables.length <= (options.smallSchemaTables ?? DEFAULT_SMALL_SCHEMA_TABLES)) return { full: model, outlined: [], omitted: [] };
  const words = wordsOf(request);
  // A column name implies its table only when few tables have it (`display_name`, not `parent_id`).
  const tablesWithColumn = new Map<string, number>();
  for (const table of model.tables) for (const column of table.columns) tablesWithColumn.set(column.name, (tablesWithColumn.get(column.name) ?? 0) + 1);
  const distinctive = (column: string) => (tablesWithColumn.get(column) ?? 0) <= DISTINCTIVE_COLUMN_TABLES;
  const named = new Set(model.tables.filter((table) => mentions(table, words, distinctive)).map((table) => table.name));
  const chosen = new Set(named);
  // Foreign-key neighbours, both ways: a new reference, a join, a cascade all need them.
  for (const table of model.tables) {
    for (const key of table.foreignKeys) {
      if (named.has(table.name)) chosen.add(key.referencedTable);
      if (named.has(key.referencedTable)) chosen.add(table.name);
    }
  }
  const fullTables = model.tables.filter((table) => chosen.has(table.name));
  const usedTypes = new Set(fullTables.flatMap((table) => table.columns.map((column) => column.type.replace(/(\[\])+$/, ''))));
  const enums = model.enums.filter((item) => usedTypes.has(item.name) || spellingsOf(item.name).some((spelling) => containsPhrase(words, spelling)));
  const rest = model.tables.filter((table) => !chosen.has(table.name));
  const budget = options.outlineTokens ?? DEFAULT_OUTLINE_TOKENS;
  const outlined: TableModel[] = [];
  let used = 0;
  for (const table of rest) {
    const cost = countTokens(outlineLine(table)) + 1;
    if (used + cost > budget) break;
    used += cost;
    outlined.push(table);
  }
  return {
    full: { ...model, tables: fullTables, enums: enums as EnumModel[] },
    outlined,
    omitted: rest.slice(outlined.length).map((table) => table.name),
  };
}

/** One table in one line: `table comments (id, post_id, author_id, body, created_at)`. */
export function outlineLine(table: TableModel): string {
  return `table ${table.name} (${table.columns.map((column) => column.name).join(', ')})`;
}

/** The request's words, lower case, with underscores and camel case split. */
function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function mentions(table: TableModel, words: readonly string[], distinctive: (column: string) => boolean): boolean {
  if (spellingsOf(table.name).some((spelling) => containsPhrase(words, spelling))) return true;
  // A column name of two words or more, found in few tables, implies its table (`display_name`).
  if (table.columns.some((column) => wordsOf(column.name).length > 1 && distinctive(column.name) && containsPhrase(words, wordsOf(column.name)))) return true;
  const commentWords = new Set(wordsOf(table.comment ?? '').filter((word) => word.length > 3 && !STOP_WORDS.has(word)));
  return words.some((word) => commentWords.has(word));
}

/** A name's words, and its singular or plural: `blog_posts` → [blog, posts], [blog, post]. */
function spellingsOf(name: string): string[][] {
  const words = wordsOf(name);
  const last = words.at(-1) ?? '';
  const variants = [words];
  if (last.endsWith('ies')) variants.push([...words.slice(0, -1), `${last.slice(0, -3)}y`]);
  else if (last.endsWith('s')) variants.push([...words.slice(0, -1), last.slice(0, -1)]);
  else variants.push([...words.slice(0, -1), last.endsWith('y') ? `${last.slice(0, -1)}ies` : `${last}s`]);
  return variants;
}

function containsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  if (phrase.length === 0) return false;
  if (phrase.length === 1 && STOP_WORDS.has(phrase[0]!)) return false;
  for (let start = 0; start + phrase.length <= words.length; start += 1) {
    if (phrase.every((word, offset) => words[start + offset] === word)) return true;
  }
  // Written as one word: `displayname`, or the snake_case name itself.
  return phrase.length > 1 && words.includes(phrase.join(''));
}
