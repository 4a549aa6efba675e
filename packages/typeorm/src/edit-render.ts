import { parseColumnType, type ColumnSpec } from '@orm-ai/core';
import { applyError, quoted } from './edit-text.js';
import { camelCase, columnName, type EntityNamingStrategy } from './naming.js';

/** TypeScript types of TypeORM's PostgreSQL driver values (bigint and numeric come back as strings). */
const TS_TYPES: Readonly<Record<string, string>> = {
  smallint: 'number',
  integer: 'number',
  serial: 'number',
  smallserial: 'number',
  real: 'number',
  'double precision': 'number',
  bigint: 'string',
  bigserial: 'string',
  numeric: 'string',
  boolean: 'boolean',
  timestamp: 'Date',
  timestamptz: 'Date',
  json: 'unknown',
  jsonb: 'unknown',
  bytea: 'Buffer',
};

/** An enum the rendered column uses: its db name and the TypeScript enum declaring it. */
export interface EnumBinding {
  readonly name: string;
  readonly tsEnum: string;
  /** Member name per value, to write defaults as `Enum.Member`. */
  readonly members: ReadonlyMap<string, string>;
}

/** The property name for a db column: camelCase, unless that would not map back to the name. */
export function propertyNameFor(name: string): string {
  const camel = camelCase(name);
  return /^[A-Za-z_$][\w$]*$/.test(camel) ? camel : name;
}

/** `@Column({ ... })` option entries (as `key: value` texts) for a column spec, always with an explicit type. */
export function columnOptions(options: { spec: Pick<ColumnSpec, 'name' | 'type' | 'nullable' | 'default' | 'unique'>; property: string; naming: EntityNamingStrategy; enumBinding: EnumBinding | null }): string[] {
  const { spec, enumBinding } = options;
  const entries: string[] = [];
  if (columnName(options.naming, options.property, null) !== spec.name) entries.push(`name: ${quoted(spec.name)}`);
  entries.push(...typeOptions(spec.type, enumBinding));
  entries.push(`nullable: ${spec.nullable}`);
  if (spec.default !== null) entries.push(`default: ${defaultText(spec.default, enumBinding)}`);
  if (spec.unique) entries.push('unique: true');
  return entries;
}

/** `type` plus length/precision/scale/array/enum options for a canonical type. */
export function typeOptions(type: string, enumBinding: EnumBinding | null): string[] {
  if (enumBinding !== null) {
    const array = type.endsWith('[]') ? ['array: true'] : [];
    return [`type: 'enum'`, `enum: ${enumBinding.tsEnum}`, `enumName: ${quoted(enumBinding.name)}`, ...array];
  }
  const parsed = parseColumnType(type);
  if (!parsed.ok) throw applyError(parsed.reason);
  const { base, args, arrayDimensions } = parsed.type;
  if (arrayDimensions > 1) throw applyError(`multi-dimensional array type "${type}" cannot be declared with TypeORM's array option`);
  if (['serial', 'bigserial', 'smallserial'].includes(base)) throw applyError(`"${type}" columns are declared with @PrimaryGeneratedColumn; add them with create_table`);
  const entries = [`type: ${quoted(base)}`];
  if (args.length > 0 && ['varchar', 'char'].includes(base)) entries.push(`length: ${args[0]}`);
  else if (args.length > 0) entries.push(`precision: ${args[0]}`, ...(args[1] === undefined ? [] : [`scale: ${args[1]}`]));
  if (arrayDimensions === 1) entries.push('array: true');
  return entries;
}

/** The TypeScript property type for a column type. */
export function tsTypeFor(type: string, enumBinding: EnumBinding | null): string {
  const array = type.endsWith('[]');
  let element = enumBinding?.tsEnum;
  if (element === undefined) {
    const parsed = parseColumnType(type);
    element = parsed.ok ? (TS_TYPES[parsed.type.base] ?? 'string') : 'string';
  }
  return array ? `${element}[]` : element;
}

/** `name!: T;` for a required column, `name?: T | null;` for a nullable one. */
export function propertyLine(property: string, type: string, nullable: boolean): string {
  return nullable ? `${property}?: ${type} | null;` : `${property}!: ${type};`;
}

/** A SQL default as a TypeORM `default`: literals as TS values, anything else as `() => 'sql'`. */
export function defaultText(sql: string, enumBinding: EnumBinding | null): string {
  const literal = /^'((?:[^']|'')*)'$/.exec(sql);
  if (literal !== null) {
    const value = literal[1]!.replaceAll("''", "'");
    const member = enumBinding?.members.get(value);
    if (member !== undefined) return `${enumBinding!.tsEnum}.${member}`;
    if (!value.startsWith('{')) return quoted(value);
  }
  if (/^-?\d+(\.\d+)?$/.test(sql) || sql === 'true' || sql === 'false') return sql;
  return `() => ${quoted(sql)}`;
}

/** A TypeScript class or enum-member name for a db name: `post_likes` → `PostLikes`. */
export function pascalName(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  const joined = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
  return /^[A-Za-z_]/.test(joined) ? joined : `_${joined}`;
}
