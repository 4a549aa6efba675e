import { formatColumnType, type ColumnType } from '@orm-ai/core';
import { PG_CORE, SQLITE_CORE, type DrizzleCore } from './drizzle-core.js';

/**
 * The one table between Drizzle's column builders (pg-core's and sqlite-core's) and
 * canonical column types (`formatColumnType` spellings), read in one direction by the schema
 * reader and in the other by the source editor. Enum columns are not builders here: the
 * reader and editor resolve them through the schema's `pgEnum` declarations.
 */

/** A builder's config object, statically evaluated (`{ length: 255 }`). */
export type BuilderConfig = Readonly<Record<string, unknown>>;

/** A canonical type, or why the builder call has none. */
export type BuilderTypeResult = { ok: true; type: string } | { ok: false; reason: string };

interface BuilderEntry {
  /** Config keys the reader accepts; anything else is reported, not dropped. */
  readonly configKeys: readonly string[];
  /** Canonical base type and arguments for a config (array suffixes are added by the caller). */
  readonly toType: (config: BuilderConfig) => { base: string; args: number[] };
}

const plain = (base: string, configKeys: readonly string[] = []): BuilderEntry => ({
  configKeys,
  toType: () => ({ base, args: [] }),
});

const withLength = (base: string, extraKeys: readonly string[] = []): BuilderEntry => ({
  configKeys: ['length', 'enum', ...extraKeys],
  toType: (config) => ({ base, args: numbers(config.length) }),
});

const withPrecision = (base: string, zoned: string | null, extraKeys: readonly string[]): BuilderEntry => ({
  configKeys: ['precision', ...(zoned === null ? [] : ['withTimezone']), ...extraKeys],
  toType: (config) => ({ base: config.withTimezone === true && zoned !== null ? zoned : base, args: numbers(config.precision) }),
});

const numericEntry: BuilderEntry = {
  configKeys: ['precision', 'scale', 'mode'],
  toType: (config) => ({ base: 'numeric', args: numbers(config.precision, config.precision === undefined ? undefined : config.scale) }),
};

function numbers(...values: unknown[]): number[] {
  return values.filter((value): value is number => typeof value === 'number');
}

const PG_BUILDERS: Readonly<Record<string, BuilderEntry>> = {
  serial: plain('serial'),
  smallserial: plain('smallserial'),
  bigserial: plain('bigserial', ['mode']),
  integer: plain('integer'),
  smallint: plain('smallint'),
  bigint: plain('bigint', ['mode']),
  real: plain('real'),
  doublePrecision: plain('double precision'),
  numeric: numericEntry,
  decimal: numericEntry,
  boolean: plain('boolean'),
  text: plain('text', ['enum']),
  varchar: withLength('varchar'),
  char: withLength('char'),
  uuid: plain('uuid'),
  json: plain('json'),
  jsonb: plain('jsonb'),
  date: plain('date', ['mode']),
  time: withPrecision('time', 'timetz', []),
  timestamp: withPrecision('timestamp', 'timestamptz', ['mode']),
  interval: withPrecision('interval', null, []),
  inet: plain('inet'),
  cidr: plain('cidr'),
  macaddr: plain('macaddr'),
};

/**
 * sqlite-core's builders, as drizzle-kit spells their types: `text(320)` for a length (SQLite
 * keeps it in the declared type and enforces nothing). Modes (`integer({ mode: 'timestamp' })`,
 * `text({ mode: 'json' })`, `blob({ mode: 'bigint' })`) and `enum` change only the TypeScript
 * type, never the column, so they are accepted and not modelled.
 */
const SQLITE_BUILDERS: Readonly<Record<string, BuilderEntry>> = {
  integer: plain('integer', ['mode']),
  int: plain('integer', ['mode']),
  text: withLength('text', ['mode']),
  real: plain('real'),
  blob: plain('blob', ['mode']),
  numeric: plain('numeric', ['mode']),
};

const BUILDERS = new Map<DrizzleCore, Readonly<Record<string, BuilderEntry>>>([
  [PG_CORE, PG_BUILDERS],
  [SQLITE_CORE, SQLITE_BUILDERS],
]);

/**
 * Builder call → canonical type. `builder` is the pg-core export name (not a local alias),
 * `config` the statically evaluated config object, `arrayDimensions` the number of `.array()`
 * calls. Fails with a reason for unknown builders and config keys the model cannot carry.
 */
export function columnTypeFromBuilder(options: {
  /** pg-core unless given. */
  core?: DrizzleCore;
  builder: string;
  config: BuilderConfig;
  arrayDimensions: number;
}): BuilderTypeResult {
  const core = options.core ?? PG_CORE;
  const entry = BUILDERS.get(core)?.[options.builder];
  if (entry === undefined) return { ok: false, reason: `"${options.builder}" is not a supported ${core.label} column builder` };
  const unknown = Object.keys(options.config).filter((key) => !entry.configKeys.includes(key));
  if (unknown.length > 0) {
    return { ok: false, reason: `${options.builder}() option(s) ${unknown.join(', ')} cannot be represented in the schema model` };
  }
  const { base, args } = entry.toType(options.config);
  return { ok: true, type: formatColumnType({ base, args, arrayDimensions: options.arrayDimensions, isEnum: false }) };
}

/** What the editor writes for a type: `builder(name?, config?)` followed by `.array()` per dimension. */
export interface BuilderCall {
  /** pg-core export name, or the enum's variable name when `isEnum`. */
  readonly builder: string;
  readonly isEnum: boolean;
  /** Config entries in writing order, values already as TypeScript source (`255`, `true`, `'number'`). */
  readonly config: ReadonlyArray<readonly [string, string]>;
  readonly arrayDimensions: number;
}

/** A builder call, or why the type has none. */
export type BuilderCallResult = { ok: true; call: BuilderCall } | { ok: false; reason: string };

type ConfigFor = (args: readonly number[]) => Array<[string, string]>;

const noConfig: ConfigFor = () => [];
const lengthConfig: ConfigFor = (args) => (args[0] === undefined ? [] : [['length', String(args[0])]]);
const precisionConfig: ConfigFor = (args) => (args[0] === undefined ? [] : [['precision', String(args[0])]]);
const zonedConfig: ConfigFor = (args) => [['withTimezone', 'true'], ...precisionConfig(args)];
const numericConfig: ConfigFor = (args) => [
  ...precisionConfig(args),
  ...(args[1] === undefined ? [] : ([['scale', String(args[1])]] as Array<[string, string]>)),
];
const numberMode: ConfigFor = () => [['mode', "'number'"]];

/** Canonical base → builder; bigint/bigserial use `mode: 'number'` (JavaScript numbers). */
const PG_TYPES: Readonly<Record<string, readonly [string, ConfigFor]>> = {
  smallint: ['smallint', noConfig],
  integer: ['integer', noConfig],
  bigint: ['bigint', numberMode],
  smallserial: ['smallserial', noConfig],
  serial: ['serial', noConfig],
  bigserial: ['bigserial', numberMode],
  real: ['real', noConfig],
  'double precision': ['doublePrecision', noConfig],
  numeric: ['numeric', numericConfig],
  boolean: ['boolean', noConfig],
  text: ['text', noConfig],
  varchar: ['varchar', lengthConfig],
  char: ['char', lengthConfig],
  uuid: ['uuid', noConfig],
  json: ['json', noConfig],
  jsonb: ['jsonb', noConfig],
  date: ['date', noConfig],
  time: ['time', precisionConfig],
  timetz: ['time', zonedConfig],
  timestamp: ['timestamp', precisionConfig],
  timestamptz: ['timestamp', zonedConfig],
  interval: ['interval', precisionConfig],
  inet: ['inet', noConfig],
  cidr: ['cidr', noConfig],
  macaddr: ['macaddr', noConfig],
};

/** SQLite's five storage classes as drizzle-kit declares them; `text(n)` keeps its length. */
const SQLITE_TYPES: Readonly<Record<string, readonly [string, ConfigFor]>> = {
  integer: ['integer', noConfig],
  text: ['text', lengthConfig],
  real: ['real', noConfig],
  blob: ['blob', noConfig],
  numeric: ['numeric', noConfig],
};

const TYPES = new Map<DrizzleCore, Readonly<Record<string, readonly [string, ConfigFor]>>>([
  [PG_CORE, PG_TYPES],
  [SQLITE_CORE, SQLITE_TYPES],
]);

/**
 * A plan's type spelling on SQLite (`integer`, `text(320)`, `blob`), parsed into a
 * `ColumnType`: core's parser knows PostgreSQL's spellings, where `blob` does not exist and
 * `text` takes no length. Fails for anything sqlite-core cannot declare (`uuid`, `text[]`).
 */
export function sqliteColumnType(spelling: string): { ok: true; type: ColumnType } | { ok: false; reason: string } {
  const match = /^\s*(\w+)\s*(?:\(\s*(\d+)\s*\))?\s*$/.exec(spelling.toLowerCase());
  const base = match?.[1];
  if (base === undefined || !Object.hasOwn(SQLITE_TYPES, base) || (match![2] !== undefined && base !== 'text')) {
    return { ok: false, reason: `SQLite has no column type "${spelling}" that drizzle-orm/sqlite-core declares: use integer, text, text(n), real, blob or numeric` };
  }
  return { ok: true, type: { base, args: match![2] === undefined ? [] : [Number(match![2])], arrayDimensions: 0, isEnum: false } };
}

/**
 * Canonical type → builder call. `enumVariable` maps an enum's db name to the variable that
 * declares it (the caller knows the schema). Fails for types Drizzle pg-core cannot declare
 * (e.g. `bytea`, which drizzle-orm 0.45 has no builder for).
 */
export function builderForColumnType(type: ColumnType, enumVariable: (name: string) => string | undefined, core: DrizzleCore = PG_CORE): BuilderCallResult {
  if (type.isEnum) {
    const variable = enumVariable(type.base);
    if (variable === undefined) return { ok: false, reason: `enum "${type.base}" is not declared with pgEnum in the schema` };
    return { ok: true, call: { builder: variable, isEnum: true, config: [], arrayDimensions: type.arrayDimensions } };
  }
  if (type.arrayDimensions > 0 && core !== PG_CORE) return { ok: false, reason: `${core.module} has no array columns` };
  const entry = TYPES.get(core)?.[type.base];
  if (entry === undefined) return { ok: false, reason: `${core.module} has no column builder for type "${type.base}"` };
  const [builder, configFor] = entry;
  return { ok: true, call: { builder, isEnum: false, config: configFor(type.args), arrayDimensions: type.arrayDimensions } };
}

/** Prints a builder call: `varchar('title', { length: 255 }).array()`; `nameLiteral` is already quoted source or null. */
export function renderBuilderCall(call: BuilderCall, nameLiteral: string | null): string {
  const args: string[] = [];
  if (nameLiteral !== null) args.push(nameLiteral);
  if (call.config.length > 0) args.push(`{ ${call.config.map(([key, value]) => `${key}: ${value}`).join(', ')} }`);
  return `${call.builder}(${args.join(', ')})${'.array()'.repeat(call.arrayDimensions)}`;
}
