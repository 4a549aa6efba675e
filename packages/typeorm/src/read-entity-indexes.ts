import { Node, type Decorator } from 'ts-morph';
import { indexMethodSchema, type IndexMethod } from '@orm-ai/core';
import { booleanOption, optionsObject, readError, staticValue, stringArray, stringOption } from './entity-source.js';

// `fulltext` is MySQL's: on PostgreSQL TypeORM creates a plain index.
const INDEX_OPTIONS = new Set(['unique', 'where', 'spatial', 'fulltext', 'type', 'concurrent', 'synchronize', 'nullFiltered']);

/** An `@Index` as written: property names (resolved to db columns later). */
export interface RawIndex {
  readonly node: Decorator;
  readonly name: string | null;
  readonly properties: readonly string[];
  readonly unique: boolean;
  readonly where: string | null;
  readonly method: IndexMethod;
}

/** A `@Unique` as written. */
export interface RawUnique {
  readonly node: Decorator;
  readonly name: string | null;
  readonly properties: readonly string[];
}

/**
 * Reads `@Index(...)` on a class (`['a', 'b']`, `'name', ['a']`, options last) or on a
 * property (`property` given: no column list, optional name and options). Null for
 * `@Index(name, { synchronize: false })` with no columns: an index TypeORM leaves to the
 * migrations (a GIN index, say), which the entity only names so TypeORM keeps it.
 */
export function readIndexDecorator(decorator: Decorator, property: string | null): RawIndex | null {
  let name: string | null = null;
  let properties: string[] | null = property === null ? null : [property];
  let opts = new Map<string, Node>();
  for (const arg of decorator.getArguments()) {
    if (Node.isObjectLiteralExpression(arg)) opts = optionsObject(arg);
    else if (Node.isArrayLiteralExpression(arg) && property === null) properties = stringArray(arg);
    else if (typeof staticValue(arg) === 'string' && name === null) name = staticValue(arg) as string;
    else throw readError(arg, 'expected `@Index(name?, columns?, options?)` with literal arguments');
  }
  if (properties === null && booleanOption(opts, 'synchronize') === false) return null;
  if (properties === null) throw readError(decorator, 'a class-level @Index needs a column list (expression indexes are not supported)');
  for (const [key, node] of opts) {
    if (!INDEX_OPTIONS.has(key)) throw readError(node.getParentOrThrow(), `option \`${key}\` of @Index is not supported`);
  }
  if (booleanOption(opts, 'synchronize') === false) throw readError(decorator, '@Index with synchronize: false is not managed by TypeORM migrations');
  return {
    node: decorator,
    name,
    properties,
    unique: booleanOption(opts, 'unique') ?? false,
    where: stringOption(opts, 'where'),
    method: indexMethod(opts),
  };
}

/** As PostgresQueryRunner writes `USING`: gist when spatial, else `type:` (TypeORM 1.x's option), else btree. */
function indexMethod(opts: ReadonlyMap<string, Node>): IndexMethod {
  if (booleanOption(opts, 'spatial') === true) return 'gist';
  const type = stringOption(opts, 'type');
  if (type === null) return 'btree';
  const method = indexMethodSchema.safeParse(type);
  if (!method.success) throw readError(opts.get('type')!.getParentOrThrow(), `index type "${type}" is not one TypeORM creates on PostgreSQL (${indexMethodSchema.options.join(', ')})`);
  return method.data;
}

/** Reads `@Unique(['a'])` / `@Unique('name', ['a'])` on a class, or `@Unique()` on a property. */
export function readUniqueDecorator(decorator: Decorator, property: string | null): RawUnique {
  let name: string | null = null;
  let properties: string[] | null = property === null ? null : [property];
  for (const arg of decorator.getArguments()) {
    if (Node.isArrayLiteralExpression(arg)) properties = stringArray(arg);
    else if (typeof staticValue(arg) === 'string' && name === null) name = staticValue(arg) as string;
    else throw readError(arg, 'expected `@Unique(name?, columns)` with literal arguments');
  }
  if (properties === null) throw readError(decorator, '@Unique on a class needs a column list');
  return { node: decorator, name, properties };
}
