import { type ColumnSpec, parseColumnType } from '@orm-ai/core';
import { applyError, enumNames, type EditState } from './edit-context.js';
import { prismaDefault } from './edit-defaults.js';
import { isPrismaIdentifier, toCamelCase } from './naming.js';
import { prismaString, renderMemberLine } from './prisma-syntax.js';
import { prismaFieldType, type PrismaFieldType } from './prisma-types.js';
import type { PrismaColumnEntry, PrismaEnumEntry } from './read-schema.js';

/** The Prisma type of a plan type, failing with PLAN_APPLY_FAILED naming `where`. */
export function fieldTypeFor(state: EditState, spelling: string, where: string): { type: PrismaFieldType; enumEntry: PrismaEnumEntry | undefined } {
  const enums = enumNames(state);
  const parsed = parseColumnType(spelling, new Set(enums.keys()));
  if (!parsed.ok) throw applyError(`${where}: ${parsed.reason}`);
  const mapped = prismaFieldType(parsed.type, enums);
  if (!mapped.ok) throw applyError(`${where}: ${mapped.reason}`, 'Prisma cannot declare this column; choose a type Prisma supports.');
  const enumEntry = mapped.type.scalar === null ? state.schema.index.enums.find((entry) => entry.enumName === mapped.type.type) : undefined;
  return { type: mapped.type, enumEntry };
}

/** `@map("name")` when the field name differs from the column name. */
export function mapAttribute(field: string, column: string): string[] {
  return field === column ? [] : [`@map(${prismaString(column)})`];
}

/**
 * The field line for a plan column: `  viewCount BigInt @default(0) @map("view_count")`.
 * Attributes follow Prisma's formatter order (native type last). A NOT NULL list cannot be
 * declared: Prisma creates every list column nullable.
 */
export function renderColumnField(options: { state: EditState; spec: ColumnSpec; field: string; indent: string; where: string }): string {
  const { spec } = options;
  const { type, enumEntry } = fieldTypeFor(options.state, spec.type, options.where);
  const attributes = [
    ...(spec.primaryKey ? ['@id'] : []),
    ...(spec.unique ? ['@unique'] : []),
    ...[prismaDefault({ sql: spec.default, type, enumEntry })].filter((value): value is string => value !== null),
    ...mapAttribute(options.field, spec.name),
    ...(type.native === null ? [] : [type.native]),
  ];
  return renderMemberLine({
    indent: options.indent,
    name: options.field,
    type: type.type,
    list: type.list,
    optional: spec.nullable && !spec.primaryKey && !type.list,
    attributes,
    comment: null,
  });
}

/**
 * True when the columns follow the camelCase-field + `@map("snake_case")` convention, false
 * when fields carry the database names, null when the columns do not tell.
 */
export function camelMapping(columns: readonly PrismaColumnEntry[]): boolean | null {
  let camel = 0;
  let plain = 0;
  for (const column of columns) {
    if (!column.name.includes('_')) continue;
    if (column.field === column.name) plain += 1;
    else if (column.field === toCamelCase(column.name)) camel += 1;
  }
  if (camel === plain) return null;
  return camel > plain;
}

/** The schema's convention: the model's own columns first, then every table's. */
export function usesCamelMapping(state: EditState, columns: readonly PrismaColumnEntry[]): boolean {
  return camelMapping(columns) ?? camelMapping(state.schema.index.tables.flatMap((table) => table.columns)) ?? false;
}

/** A field name for a new column: camelCase under the convention, else the column name; never a taken name. */
export function fieldNameFor(options: { column: string; camel: boolean; taken: ReadonlySet<string>; where: string }): string {
  const camel = toCamelCase(options.column);
  const preferred = options.camel ? [camel, options.column] : [options.column, camel];
  // A relation field often holds the natural name (`tags PostToTag[]`): fall back to a column-ish one.
  const candidates = [...preferred, `${preferred[0]}Column`, ...[2, 3, 4].map((n) => `${preferred[0]}${n}`)].filter(isPrismaIdentifier);
  const free = candidates.find((candidate) => !options.taken.has(candidate));
  if (free === undefined) {
    throw applyError(`${options.where}: no free field name for column "${options.column}" (${candidates.join(', ') || 'not an identifier'} taken)`);
  }
  return free;
}
