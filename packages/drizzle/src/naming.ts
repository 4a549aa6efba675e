/**
 * Names as Drizzle and drizzle-kit derive them: column casing and the default names of
 * indexes and constraints. Kept byte-compatible with drizzle-orm 0.45 / drizzle-kit 0.31 so
 * the model names exactly what the generated migration will name.
 */

/** drizzle's `casing` option: how keys become column names when a column has no name argument. */
export type DrizzleCasing = 'snake_case' | 'camelCase';

const WORDS = /[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g;

function words(input: string): string[] {
  return input.replace(/['\u2019]/g, '').match(WORDS) ?? [];
}

/** drizzle-orm's `toSnakeCase`: `createdAt` → `created_at`. */
export function toSnakeCase(input: string): string {
  return words(input)
    .map((word) => word.toLowerCase())
    .join('_');
}

/** drizzle-orm's `toCamelCase`: `created_at` → `createdAt`. */
export function toCamelCase(input: string): string {
  return words(input).reduce((result, word, position) => {
    const formatted = position === 0 ? word.toLowerCase() : `${word[0]!.toUpperCase()}${word.slice(1)}`;
    return result + formatted;
  }, '');
}

/** The db name Drizzle gives a column declared without one: the key, converted by `casing`. */
export function columnNameFromKey(key: string, casing: DrizzleCasing | null): string {
  if (casing === 'snake_case') return toSnakeCase(key);
  if (casing === 'camelCase') return toCamelCase(key);
  return key;
}

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are cut to this many bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * The name PostgreSQL actually gives an object: identifiers longer than 63 bytes are
 * truncated (with a NOTICE), never on a multi-byte character's middle, like `pg_mbcliplen`.
 * drizzle-kit writes the long name into the migration, so the model must hold the cut one.
 */
export function postgresIdentifier(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= MAX_IDENTIFIER_BYTES) return name;
  let result = '';
  let bytes = 0;
  for (const character of name) {
    bytes += Buffer.byteLength(character, 'utf8');
    if (bytes > MAX_IDENTIFIER_BYTES) break;
    result += character;
  }
  return result;
}

/** drizzle-kit's name for an index declared without one, as the database keeps it. */
export function defaultIndexName(table: string, columns: readonly string[]): string {
  return postgresIdentifier(`${table}_${columns.join('_')}_index`);
}

/** drizzle-orm's name for a unique constraint (column-level or table-level) declared without one, as the database keeps it. */
export function defaultUniqueName(table: string, columns: readonly string[]): string {
  return postgresIdentifier(`${table}_${columns.join('_')}_unique`);
}

/** drizzle-orm's name for a foreign key declared without one (always the case for `.references()`), as the database keeps it. */
export function defaultForeignKeyName(options: {
  table: string;
  columns: readonly string[];
  referencedTable: string;
  referencedColumns: readonly string[];
}): string {
  return postgresIdentifier([options.table, ...options.columns, options.referencedTable, ...options.referencedColumns, 'fk'].join('_'));
}

/** True when `name` can be written as a bare property key / identifier. */
export function isIdentifierName(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name);
}

/** A TypeScript identifier for a db name: camelCase, prefixed with `_` when it would start with a digit. */
export function identifierFor(dbName: string): string {
  const camel = toCamelCase(dbName);
  if (camel === '') return '_';
  return /^\d/.test(camel) ? `_${camel}` : camel;
}
