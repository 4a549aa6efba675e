import { pluralize, singularize } from '@orm-ai/core';

export { pluralize, singularize };
/**
 * Names as Prisma derives them, and the names the editor gives new models and fields.
 *
 * Constraint names follow Prisma's `ConstraintNames` (psl-core): built from database names
 * (`@@map`/`@map` applied), `{table}_pkey`, `{table}_{columns}_key` (unique),
 * `{table}_{columns}_idx` (index), `{table}_{columns}_fkey` (foreign key), with the
 * table/column part cut so the whole name fits PostgreSQL's 63-byte identifiers.
 */

const POSTGRES_IDENTIFIER_LIMIT = 63;

function withSuffix(base: string, suffix: string): string {
  const limit = POSTGRES_IDENTIFIER_LIMIT - suffix.length;
  const bytes = Buffer.from(base, 'utf8');
  if (bytes.length < limit) return `${base}${suffix}`;
  // Cut on a character boundary, as Prisma's floor_char_boundary does.
  let cut = bytes.subarray(0, limit).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return `${cut}${suffix}`;
}

/** Prisma's primary key name: `users_pkey`. */
export function defaultPrimaryKeyName(table: string): string {
  return withSuffix(table, '_pkey');
}

/** Prisma's unique index name for `@unique` / `@@unique`: `users_email_key`. */
export function defaultUniqueName(table: string, columns: readonly string[]): string {
  return withSuffix(`${table}_${columns.join('_')}`, '_key');
}

/** Prisma's index name for `@@index`: `posts_author_id_idx`. */
export function defaultIndexName(table: string, columns: readonly string[]): string {
  return withSuffix(`${table}_${columns.join('_')}`, '_idx');
}

/** Prisma's foreign key name for a relation: `posts_author_id_fkey` (referencing table and columns). */
export function defaultForeignKeyName(table: string, columns: readonly string[]): string {
  return withSuffix(`${table}_${columns.join('_')}`, '_fkey');
}

/** True when `name` can be a Prisma model, field, enum or enum value name. */
export function isPrismaIdentifier(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name);
}

const WORDS = /[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]*/g;

function words(input: string): string[] {
  return input.match(WORDS) ?? [];
}

function capitalize(word: string): string {
  return `${word[0]!.toUpperCase()}${word.slice(1)}`;
}

/** `created_at` → `createdAt`. */
export function toCamelCase(input: string): string {
  return words(input)
    .map((word, position) => (position === 0 ? word.toLowerCase() : capitalize(word.toLowerCase())))
    .join('');
}

/** `post_likes` → `PostLikes`. */
export function toPascalCase(input: string): string {
  return words(input)
    .map((word) => capitalize(word.toLowerCase()))
    .join('');
}

/** The model name for a new table: PascalCase and singular, `post_likes` → `PostLike`. */
export function modelNameFor(table: string): string {
  const parts = words(table);
  if (parts.length === 0) return 'Model';
  parts[parts.length - 1] = singularize(parts.at(-1)!);
  const name = toPascalCase(parts.join('_'));
  return /^[A-Za-z]/.test(name) ? name : `M${name}`;
}

/** The enum name for a new enum: PascalCase, `post_status` → `PostStatus`. */
export function enumNameFor(name: string): string {
  const pascal = toPascalCase(name);
  return /^[A-Za-z]/.test(pascal) ? pascal : `E${pascal}`;
}

/** `PostLike` → `postLike`. */
export function lowerFirst(name: string): string {
  return name === '' ? name : `${name[0]!.toLowerCase()}${name.slice(1)}`;
}

/** The first candidate not in `taken`, else the first candidate with the smallest free number suffix. */
export function freeName(candidates: readonly string[], taken: ReadonlySet<string>): string {
  const free = candidates.find((candidate) => !taken.has(candidate));
  if (free !== undefined) return free;
  for (let suffix = 2; ; suffix += 1) {
    const numbered = `${candidates[0]}${suffix}`;
    if (!taken.has(numbered)) return numbered;
  }
}
