/**
 * Canonical column types. The schema model and the change plan carry a column's type as
 * one short PostgreSQL spelling (`varchar(255)`, `timestamptz(3)`, `numeric(10,2)`,
 * `text[]`, or an enum's name); this module parses, normalises and prints that spelling
 * so plugins never compare raw strings.
 */

/** Base types the plan may name, with the PostgreSQL aliases that normalise to them. */
const BASE_TYPE_ALIASES: Readonly<Record<string, string>> = {
  smallint: 'smallint',
  int2: 'smallint',
  integer: 'integer',
  int: 'integer',
  int4: 'integer',
  bigint: 'bigint',
  int8: 'bigint',
  smallserial: 'smallserial',
  serial2: 'smallserial',
  serial: 'serial',
  serial4: 'serial',
  bigserial: 'bigserial',
  serial8: 'bigserial',
  real: 'real',
  float4: 'real',
  'double precision': 'double precision',
  float8: 'double precision',
  numeric: 'numeric',
  decimal: 'numeric',
  boolean: 'boolean',
  bool: 'boolean',
  text: 'text',
  varchar: 'varchar',
  'character varying': 'varchar',
  char: 'char',
  character: 'char',
  uuid: 'uuid',
  json: 'json',
  jsonb: 'jsonb',
  date: 'date',
  time: 'time',
  'time without time zone': 'time',
  timetz: 'timetz',
  'time with time zone': 'timetz',
  timestamp: 'timestamp',
  'timestamp without time zone': 'timestamp',
  timestamptz: 'timestamptz',
  'timestamp with time zone': 'timestamptz',
  interval: 'interval',
  bytea: 'bytea',
  inet: 'inet',
  cidr: 'cidr',
  macaddr: 'macaddr',
  macaddr8: 'macaddr8',
  money: 'money',
  xml: 'xml',
  bit: 'bit',
  varbit: 'varbit',
  'bit varying': 'varbit',
  point: 'point',
  line: 'line',
  lseg: 'lseg',
  box: 'box',
  path: 'path',
  polygon: 'polygon',
  circle: 'circle',
  tsvector: 'tsvector',
  tsquery: 'tsquery',
  int4range: 'int4range',
  int8range: 'int8range',
  numrange: 'numrange',
  tsrange: 'tsrange',
  tstzrange: 'tstzrange',
  daterange: 'daterange',
};

/** How many numeric arguments each base type accepts (`[min, max]`). */
const TYPE_ARGUMENT_COUNTS: Readonly<Record<string, readonly [number, number]>> = {
  varchar: [0, 1],
  char: [0, 1],
  numeric: [0, 2],
  time: [0, 1],
  timetz: [0, 1],
  timestamp: [0, 1],
  timestamptz: [0, 1],
  interval: [0, 1],
  bit: [0, 1],
  varbit: [0, 1],
};

export interface ColumnType {
  /** Canonical base name (`varchar`, `timestamptz`) or an enum's name. */
  readonly base: string;
  /** Length, precision and scale, in declaration order. */
  readonly args: readonly number[];
  /** 0 for a scalar, 1 for `text[]`, 2 for `text[][]`. */
  readonly arrayDimensions: number;
  /** True when `base` names one of the schema's enums rather than a built-in type. */
  readonly isEnum: boolean;
}

export type ColumnTypeResult = { ok: true; type: ColumnType } | { ok: false; reason: string };

/**
 * Parses a type spelling. `enumNames` are the enums that exist (or that the plan creates):
 * a name that is neither built-in nor an enum is rejected with a reason a person can act on.
 */
export function parseColumnType(spelling: string, enumNames: ReadonlySet<string> = new Set()): ColumnTypeResult {
  // PostgreSQL prints a time type's precision before its zone (`timestamp(3) without time zone`).
  let rest = spelling
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^(time|timestamp) ?(\([^)]*\)) (with(?:out)? time zone)((?:\[\])*)$/, '$1 $3$2$4');
  let arrayDimensions = 0;
  while (rest.endsWith('[]')) {
    arrayDimensions += 1;
    rest = rest.slice(0, -2).trimEnd();
  }
  let args: number[] = [];
  const open = rest.indexOf('(');
  if (open !== -1) {
    if (!rest.endsWith(')')) return { ok: false, reason: `unbalanced parentheses in type "${spelling}"` };
    const inner = rest.slice(open + 1, -1).split(',').map((part) => part.trim());
    if (inner.some((part) => !/^\d+$/.test(part))) {
      return { ok: false, reason: `type arguments must be whole numbers in "${spelling}"` };
    }
    args = inner.map(Number);
    rest = rest.slice(0, open).trimEnd();
  }
  const base = BASE_TYPE_ALIASES[rest];
  if (base !== undefined) {
    const [min, max] = TYPE_ARGUMENT_COUNTS[base] ?? [0, 0];
    if (args.length < min || args.length > max) {
      return { ok: false, reason: `type "${base}" takes ${max === 0 ? 'no arguments' : `at most ${max} argument(s)`}, got "${spelling}"` };
    }
    return { ok: true, type: { base, args, arrayDimensions, isEnum: false } };
  }
  // Enum names keep their case: PostgreSQL compares quoted identifiers exactly.
  const enumName = spelling.trim().replace(/(\[\])+$/, '').trim();
  if (enumNames.has(enumName) && args.length === 0) {
    return { ok: true, type: { base: enumName, args: [], arrayDimensions, isEnum: true } };
  }
  const known = Object.keys(BASE_TYPE_ALIASES).filter((name) => !name.includes(' ')).slice(0, 12).join(', ');
  return {
    ok: false,
    reason: `unknown type "${spelling}": use a PostgreSQL type (${known}, ...) or the name of an enum in the schema`,
  };
}

/** Prints a parsed type in canonical form: `varchar(255)`, `numeric(10,2)[]`. */
export function formatColumnType(type: ColumnType): string {
  const args = type.args.length > 0 ? `(${type.args.join(',')})` : '';
  return `${type.base}${args}${'[]'.repeat(type.arrayDimensions)}`;
}

/** Normalises a spelling to canonical form, or returns it unchanged when it does not parse. */
export function normalizeColumnType(spelling: string, enumNames: ReadonlySet<string> = new Set()): string {
  const parsed = parseColumnType(spelling, enumNames);
  return parsed.ok ? formatColumnType(parsed.type) : spelling;
}

/** Serial types are integers with an owned sequence: the plan may add them, but never alter to them. */
export function isSerialType(type: ColumnType): boolean {
  return type.arrayDimensions === 0 && ['smallserial', 'serial', 'bigserial'].includes(type.base);
}

/** Integer types by width, with the decimal digits each can hold. */
const INTEGER_DIGITS: Readonly<Record<string, number>> = { smallint: 5, smallserial: 5, integer: 10, serial: 10, bigint: 19, bigserial: 19 };
/** Binary precision of the floating types, in decimal digits integers fit into exactly. */
const FLOAT_EXACT_DIGITS: Readonly<Record<string, number>> = { real: 7, 'double precision': 15 };
const TIME_FAMILIES: ReadonlyArray<readonly string[]> = [['date', 'timestamp', 'timestamptz'], ['time', 'timetz'], ['interval']];

/**
 * Whether every value of type `from` survives a change to type `to` as the same value:
 * widening (`integer` to `bigint`, `varchar(50)` to `varchar(200)` or `text`, `numeric(10,2)`
 * to `numeric(12,2)`, `timestamp(0)` to `timestamp(3)`), anything to `text`, `json` to
 * `jsonb`. Narrowing and cross-family changes (`bigint` to `integer`, `text` to
 * `varchar(20)`, `numeric(10,2)` to `numeric(10,0)`, `timestamptz` to `date`) are not:
 * the plan must ask for them as data loss.
 */
export function isLosslessTypeChange(from: ColumnType, to: ColumnType): boolean {
  if (from.arrayDimensions !== to.arrayDimensions) return false;
  if (from.base === to.base && from.args.join() === to.args.join()) return true;
  if (to.base === 'text') return true;
  if (from.isEnum || to.isEnum) return false;
  if (to.base === 'varchar') return to.args.length === 0 || (['varchar', 'char'].includes(from.base) && from.args.length > 0 && from.args[0]! <= to.args[0]!);
  if (from.base === 'json' && to.base === 'jsonb') return true;
  const fromDigits = INTEGER_DIGITS[from.base];
  if (fromDigits !== undefined) {
    if (INTEGER_DIGITS[to.base] !== undefined) return INTEGER_DIGITS[to.base]! >= fromDigits;
    if (FLOAT_EXACT_DIGITS[to.base] !== undefined) return FLOAT_EXACT_DIGITS[to.base]! >= fromDigits;
    if (to.base === 'numeric') return to.args.length === 0 || to.args[0]! - (to.args[1] ?? 0) >= fromDigits;
    return false;
  }
  if (from.base === 'real' && to.base === 'double precision') return true;
  if (from.base === 'numeric' && to.base === 'numeric') {
    if (to.args.length === 0) return true;
    if (from.args.length === 0) return false;
    const [fromPrecision, fromScale = 0] = from.args;
    const [toPrecision, toScale = 0] = to.args;
    return toScale >= fromScale && toPrecision! - toScale >= fromPrecision! - fromScale;
  }
  const family = TIME_FAMILIES.find((members) => members.includes(from.base));
  if (family?.includes(to.base)) {
    // Within a family: no narrower unit (timestamp to date), no dropped zone (timestamptz to timestamp), no lower precision.
    const rank = (base: string) => family.indexOf(base);
    if (rank(to.base) < rank(from.base)) return false;
    const precision = (type: ColumnType) => (type.base === 'date' ? 6 : (type.args[0] ?? 6));
    return precision(to) >= precision(from);
  }
  return false;
}
