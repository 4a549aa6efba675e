import { type ColumnType, formatColumnType } from '@orm-ai/core';

/**
 * Prisma scalar types and PostgreSQL native types (`@db.*`) ↔ canonical column types.
 * Without a native type Prisma uses PostgreSQL's default mapping below (what `prisma migrate`
 * creates): String → text, Int → integer, BigInt → bigint, Float → double precision,
 * Decimal → numeric(65,30), Boolean → boolean, DateTime → timestamp(3), Json → jsonb,
 * Bytes → bytea.
 */

/** Prisma's scalar field types. */
export type PrismaScalar = 'String' | 'Int' | 'BigInt' | 'Float' | 'Decimal' | 'Boolean' | 'DateTime' | 'Json' | 'Bytes';

const DEFAULT_TYPES: Readonly<Record<PrismaScalar, string>> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3)',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** Native type names whose PostgreSQL spelling is not just the lower-cased name. */
const NATIVE_SPELLINGS: Readonly<Record<string, string>> = {
  DoublePrecision: 'double precision',
  Decimal: 'numeric',
  VarBit: 'varbit',
};

const SERIAL_OF: Readonly<Record<string, string>> = { smallint: 'smallserial', integer: 'serial', bigint: 'bigserial' };

/**
 * The canonical type of a scalar field: `String @db.VarChar(100)` → `varchar(100)`, lists get
 * `[]`, `autoincrement()` turns integers into their serial type.
 */
export function canonicalScalarType(options: {
  type: string;
  nativeType: readonly [string, readonly string[]] | null;
  isList: boolean;
  autoincrement: boolean;
}): string {
  let base = options.nativeType === null ? (DEFAULT_TYPES[options.type as PrismaScalar] ?? options.type.toLowerCase()) : nativeSpelling(options.nativeType);
  if (options.autoincrement) base = SERIAL_OF[base] ?? base;
  return options.isList ? `${base}[]` : base;
}

function nativeSpelling([name, args]: readonly [string, readonly string[]]): string {
  const base = NATIVE_SPELLINGS[name] ?? name.toLowerCase();
  return args.length === 0 ? base : `${base}(${args.map((arg) => arg.trim()).join(',')})`;
}

/** How a canonical type is written on a Prisma field. */
export interface PrismaFieldType {
  readonly scalar: PrismaScalar | null;
  /** The type as written: a scalar, or an enum's Prisma name. */
  readonly type: string;
  readonly list: boolean;
  /** `@db.VarChar(20)`, or null when Prisma's default mapping gives the type. */
  readonly native: string | null;
  /** True for serial types, written as `@default(autoincrement())`. */
  readonly autoincrement: boolean;
}

type Rule = (args: readonly number[]) => { scalar: PrismaScalar; native: string | null; autoincrement?: boolean };

const withArgs = (name: string, args: readonly number[]) => `@db.${name}${args.length === 0 ? '' : `(${args.join(', ')})`}`;

const WRITE_RULES: Readonly<Record<string, Rule>> = {
  smallint: () => ({ scalar: 'Int', native: '@db.SmallInt' }),
  integer: () => ({ scalar: 'Int', native: null }),
  bigint: () => ({ scalar: 'BigInt', native: null }),
  smallserial: () => ({ scalar: 'Int', native: '@db.SmallInt', autoincrement: true }),
  serial: () => ({ scalar: 'Int', native: null, autoincrement: true }),
  bigserial: () => ({ scalar: 'BigInt', native: null, autoincrement: true }),
  real: () => ({ scalar: 'Float', native: '@db.Real' }),
  'double precision': () => ({ scalar: 'Float', native: null }),
  // Prisma's Decimal takes precision and scale together; numeric(p) is numeric(p,0).
  numeric: (args) => ({
    scalar: 'Decimal',
    native: args.length === 2 && args[0] === 65 && args[1] === 30 ? null : withArgs('Decimal', args.length === 1 ? [args[0]!, 0] : args),
  }),
  boolean: () => ({ scalar: 'Boolean', native: null }),
  text: () => ({ scalar: 'String', native: null }),
  varchar: (args) => ({ scalar: 'String', native: withArgs('VarChar', args) }),
  char: (args) => ({ scalar: 'String', native: withArgs('Char', args) }),
  uuid: () => ({ scalar: 'String', native: '@db.Uuid' }),
  inet: () => ({ scalar: 'String', native: '@db.Inet' }),
  json: () => ({ scalar: 'Json', native: '@db.Json' }),
  jsonb: () => ({ scalar: 'Json', native: null }),
  date: () => ({ scalar: 'DateTime', native: '@db.Date' }),
  time: (args) => ({ scalar: 'DateTime', native: withArgs('Time', args) }),
  timetz: (args) => ({ scalar: 'DateTime', native: withArgs('Timetz', args) }),
  timestamp: (args) => ({ scalar: 'DateTime', native: args.length === 1 && args[0] === 3 ? null : withArgs('Timestamp', args) }),
  timestamptz: (args) => ({ scalar: 'DateTime', native: withArgs('Timestamptz', args) }),
  bytea: () => ({ scalar: 'Bytes', native: null }),
};

/** A Prisma field type, or why the type cannot be declared in Prisma. */
export type PrismaFieldTypeResult = { ok: true; type: PrismaFieldType } | { ok: false; reason: string };

/**
 * The Prisma type for a parsed canonical type. `enumNames` maps enum database names to
 * their Prisma names. Types Prisma cannot declare (interval, cidr, macaddr, nested arrays)
 * are refused with a reason.
 */
export function prismaFieldType(type: ColumnType, enumNames: ReadonlyMap<string, string>): PrismaFieldTypeResult {
  if (type.arrayDimensions > 1) return { ok: false, reason: `Prisma has no multi-dimensional lists ("${formatColumnType(type)}")` };
  const list = type.arrayDimensions === 1;
  if (type.isEnum) {
    const enumName = enumNames.get(type.base);
    if (enumName === undefined) return { ok: false, reason: `enum "${type.base}" is not declared in the Prisma schema` };
    return { ok: true, type: { scalar: null, type: enumName, list, native: null, autoincrement: false } };
  }
  const rule = WRITE_RULES[type.base];
  if (rule === undefined) {
    return { ok: false, reason: `Prisma has no field type for PostgreSQL "${type.base}" (only Unsupported("${type.base}"), which Prisma Client cannot read or write)` };
  }
  const { scalar, native, autoincrement = false } = rule(type.args);
  if (autoincrement && list) return { ok: false, reason: `"${formatColumnType(type)}" is not a type` };
  return { ok: true, type: { scalar, type: scalar, list, native, autoincrement } };
}
