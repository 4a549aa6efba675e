import type { DmmfField } from './prisma-wasm.js';

/**
 * `@default(...)` as the SQL default expression Prisma's migration writes for it, with type
 * names in canonical lower case:
 *
 * - `now()` → `CURRENT_TIMESTAMP` (Prisma writes `DEFAULT CURRENT_TIMESTAMP`; one spelling, always)
 * - `dbgenerated("expr")` → `expr`
 * - `uuid()`, `cuid()`, `ulid()`, `nanoid()` → none (Prisma Client fills them, the database has no default)
 * - `autoincrement()` → none (the column type becomes serial / bigserial / smallserial)
 * - strings, enum values, dates, JSON → `'text'` (quotes doubled); numbers and booleans as written
 * - lists → `ARRAY['a', 'b']::text[]`, `ARRAY[]::integer[]`
 */
export function readDefault(field: DmmfField, options: { columnType: string; enumValue: (value: string) => string }): string | null {
  if (!field.hasDefaultValue || field.default === undefined) return null;
  const value: unknown = field.default;
  if (isFunctionDefault(value)) return functionDefault(value);
  if (Array.isArray(value)) {
    const items = value.map((item) => literal(field, item, options.enumValue));
    return `ARRAY[${items.join(', ')}]::${options.columnType}`;
  }
  return literal(field, value, options.enumValue);
}

interface FunctionDefault {
  readonly name: string;
  readonly args: readonly unknown[];
}

function isFunctionDefault(value: unknown): value is FunctionDefault {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'name' in value && 'args' in value;
}

/** True for `@default(autoincrement())`. */
export function isAutoincrement(field: DmmfField): boolean {
  const value: unknown = field.default;
  return isFunctionDefault(value) && value.name === 'autoincrement';
}

function functionDefault(value: FunctionDefault): string | null {
  switch (value.name) {
    case 'now':
      return 'CURRENT_TIMESTAMP';
    case 'dbgenerated':
      return typeof value.args[0] === 'string' ? value.args[0] : null;
    default:
      // uuid(), cuid(), ulid(), nanoid(), autoincrement(), sequence(): no database default.
      return null;
  }
}

/** Quotes a SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function literal(field: DmmfField, value: unknown, enumValue: (value: string) => string): string {
  if (field.kind === 'enum') return sqlString(enumValue(String(value)));
  switch (field.type) {
    case 'Boolean':
    case 'Int':
    case 'BigInt':
    case 'Float':
    case 'Decimal':
      return String(value);
    case 'Bytes':
      return sqlString(`\\x${Buffer.from(String(value), 'base64').toString('hex')}`);
    default:
      return sqlString(String(value));
  }
}
