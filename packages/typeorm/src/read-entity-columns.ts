import { Node, SyntaxKind, type Decorator, type PropertyDeclaration, type SourceFile } from 'ts-morph';
import { columnModel, formatColumnType, normalizeColumnType, parseColumnType, type ColumnModel } from '@orm-ai/core';
import { booleanOption, declarationNamed, enumMemberValue, numberOption, optionsObject, readError, staticValue, type StaticValue, stringArray, stringOption } from './entity-source.js';
import { columnName, defaultEnumName, type EntityNamingStrategy } from './naming.js';

/** Decorators that declare a column on a property. */
export const COLUMN_DECORATORS = new Set(['Column', 'PrimaryColumn', 'PrimaryGeneratedColumn', 'CreateDateColumn', 'UpdateDateColumn', 'DeleteDateColumn', 'VersionColumn']);

/** Options with no effect on the PostgreSQL schema (or none the neutral model records). */
const IGNORED_OPTIONS = new Set(['select', 'insert', 'update', 'readonly', 'transformer', 'comment', 'primaryKeyConstraintName', 'foreignKeyConstraintName', 'charset', 'collation', 'utc', 'generatedIdentity', 'unsigned', 'zerofill', 'width']);
const READ_OPTIONS = new Set(['type', 'name', 'length', 'precision', 'scale', 'nullable', 'default', 'unique', 'enum', 'enumName', 'array', 'primary', 'generated']);

/** TypeORM type names that differ from the canonical PostgreSQL spelling. */
const TYPEORM_TYPES: Readonly<Record<string, string>> = {
  float: 'double precision',
  double: 'double precision',
  dec: 'numeric',
  'simple-array': 'text',
  'simple-json': 'text',
};

/** An enum column's type: its name, values and the TypeScript enum given as `enum:` (null for an array). */
export interface ReadEnumType {
  readonly name: string;
  readonly values: readonly string[];
  readonly tsEnum: { readonly name: string; readonly filePath: string } | null;
}

/** A column read from one property decorator. */
export interface ReadColumn {
  readonly property: string;
  readonly explicitName: boolean;
  readonly primary: boolean;
  readonly column: ColumnModel;
  /** The enum the column uses, when its type is `enum`. */
  readonly enumType: ReadEnumType | null;
}

/** Reads a `@Column`-family decorator of `property` into a column of `table`. */
export function readColumnDecorator(options: {
  kind: string;
  decorator: Decorator;
  property: PropertyDeclaration;
  table: string;
  naming: EntityNamingStrategy;
  comment: string | null;
}): ReadColumn {
  const { kind, decorator, property } = options;
  const args = decorator.getArguments();
  let positional: string | null = null;
  let opts = new Map<string, Node>();
  for (const arg of args) {
    if (Node.isObjectLiteralExpression(arg)) opts = optionsObject(arg);
    else {
      const value = staticValue(arg);
      if (typeof value !== 'string' || positional !== null) throw readError(arg, `unexpected argument of @${kind}`);
      positional = value;
    }
  }
  for (const [key, node] of opts) {
    if (!READ_OPTIONS.has(key) && !IGNORED_OPTIONS.has(key)) throw readError(node.getParentOrThrow(), `option \`${key}\` of @${kind} is not supported`);
  }
  const given = stringOption(opts, 'name');
  const name = columnName(options.naming, property.getName(), given);
  const facts = columnFacts({ kind, positional, opts, property, decorator });
  const enumType = facts.type === 'enum' ? readEnum(opts, decorator, defaultEnumName(options.table, name)) : null;
  const array = booleanOption(opts, 'array') === true;
  const type = enumType !== null ? `${enumType.name}${array ? '[]' : ''}` : canonicalType({ type: facts.type, opts, array, node: decorator });
  const defaultNode = opts.get('default');
  const primary = facts.primary || booleanOption(opts, 'primary') === true;
  const column = columnModel({
    name,
    type,
    nullable: primary ? false : (booleanOption(opts, 'nullable') ?? facts.nullable),
    default: defaultNode === undefined ? facts.default : sqlDefault(staticValue(defaultNode), defaultNode),
    unique: booleanOption(opts, 'unique') ?? false,
    identity: facts.identity,
    comment: options.comment,
  });
  return { property: property.getName(), explicitName: given !== null, primary, column, enumType };
}

interface ColumnFacts {
  type: string;
  primary: boolean;
  nullable: boolean;
  default: string | null;
  identity: ColumnModel['identity'];
}

function columnFacts(options: { kind: string; positional: string | null; opts: Map<string, Node>; property: PropertyDeclaration; decorator: Decorator }): ColumnFacts {
  const { kind, positional, opts, property } = options;
  const explicit = typeOption(opts) ?? (kind === 'PrimaryGeneratedColumn' ? null : positional);
  const base = { primary: false, nullable: false, default: null, identity: null };
  switch (kind) {
    case 'PrimaryGeneratedColumn':
      return generatedFacts(positional ?? 'increment', explicit, options.decorator, opts);
    case 'CreateDateColumn':
    case 'UpdateDateColumn':
      return { ...base, type: explicit ?? 'timestamp', default: 'now()' };
    case 'DeleteDateColumn':
      return { ...base, type: explicit ?? 'timestamp', nullable: true };
    case 'VersionColumn':
      return { ...base, type: explicit ?? 'integer' };
  }
  const generated = stringOption(opts, 'generated');
  if (generated !== null) return { ...generatedFacts(generated, explicit, options.decorator, opts), primary: kind === 'PrimaryColumn' };
  const type = explicit ?? (opts.has('enum') ? 'enum' : inferredType(property));
  return { ...base, type, primary: kind === 'PrimaryColumn' };
}

/**
 * TypeORM's documented `type: String` idiom (for `string | null`, whose reflected type is
 * Object) names a JavaScript constructor; PostgresDriver.normalizeType maps those as here.
 */
const CONSTRUCTOR_TYPES: Readonly<Record<string, string>> = { String: 'varchar', Number: 'integer', Boolean: 'boolean', Date: 'timestamp' };

function typeOption(opts: Map<string, Node>): string | null {
  const node = opts.get('type');
  if (node !== undefined && Node.isIdentifier(node)) {
    const type = CONSTRUCTOR_TYPES[node.getText()];
    if (type === undefined) throw readError(node, `\`type: ${node.getText()}\` is not a type TypeORM maps for PostgreSQL`);
    return type;
  }
  return stringOption(opts, 'type');
}

function generatedFacts(strategy: string, type: string | null, node: Node, opts: Map<string, Node>): ColumnFacts {
  const base = { primary: true, nullable: false, default: null, identity: null };
  if (strategy === 'uuid') return { ...base, type: 'uuid', default: 'uuid_generate_v4()' };
  if (strategy === 'increment') {
    const serial = { bigint: 'bigserial', int8: 'bigserial', smallint: 'smallserial', int2: 'smallserial' }[type ?? ''] ?? 'serial';
    return { ...base, type: serial };
  }
  if (strategy === 'identity') {
    const always = stringOption(opts, 'generatedIdentity') === 'ALWAYS';
    return { ...base, type: type ?? 'integer', identity: always ? 'always' : 'by default' };
  }
  throw readError(node, `generation strategy "${strategy}" is not supported`);
}

/** The type TypeORM reflects from the property's TypeScript type (design:type). */
function inferredType(property: PropertyDeclaration): string {
  const annotated = annotatedType(property);
  if (annotated) return annotated;
  const type = property.getType().getNonNullableType();
  if (type.isString()) return 'varchar';
  if (type.isNumber()) return 'integer';
  if (type.isBoolean()) return 'boolean';
  if (type.getSymbol()?.getName() === 'Date') return 'timestamp';
  throw readError(property, `cannot infer a column type from \`${type.getText(property)}\`; give the type explicitly`);
}

/** The canonical spelling of a TypeORM column type with its length/precision/scale options. */
function canonicalType(options: { type: string; opts: Map<string, Node>; array: boolean; node: Node }): string {
  const { opts } = options;
  const base = normalizeColumnType(TYPEORM_TYPES[options.type] ?? options.type);
  const length = opts.has('length') ? lengthOption(opts.get('length')!) : null;
  const precision = numberOption(opts, 'precision');
  const scale = numberOption(opts, 'scale');
  let args: number[] = [];
  if (length !== null && ['varchar', 'char'].includes(base)) args = [length];
  else if (precision !== null && base === 'numeric') args = scale === null ? [precision] : [precision, scale];
  else if (precision !== null && ['timestamp', 'timestamptz', 'time', 'timetz'].includes(base)) args = [precision];
  const parsed = parseColumnType(`${base}${args.length > 0 ? `(${args.join(',')})` : ''}${options.array ? '[]' : ''}`);
  if (!parsed.ok) throw readError(options.node, parsed.reason);
  return formatColumnType(parsed.type);
}

function lengthOption(node: Node): number {
  const value = staticValue(node);
  const length = typeof value === 'string' ? Number(value) : value;
  if (typeof length !== 'number' || !Number.isInteger(length)) throw readError(node, 'expected a whole number for `length`');
  return length;
}

function readEnum(opts: Map<string, Node>, decorator: Decorator, fallbackName: string): ReadColumn['enumType'] {
  const node = opts.get('enum');
  if (node === undefined) throw readError(decorator, 'an enum column needs the `enum` option');
  return { name: stringOption(opts, 'enumName') ?? fallbackName, ...enumValues(node) };
}

function enumValues(node: Node): Pick<ReadEnumType, 'values' | 'tsEnum'> {
  if (Node.isArrayLiteralExpression(node)) return { values: stringArray(node), tsEnum: null };
  const named = Node.isIdentifier(node) ? declarationNamed(node, (file, name) => file.getEnum(name)) : undefined;
  const symbol = named === undefined ? node.getSymbol() : undefined;
  const declaration = named ?? (symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol)?.getDeclarations().find(Node.isEnumDeclaration);
  if (declaration === undefined) throw readError(node, 'expected a TypeScript enum or an array of strings for `enum`');
  // TypeORM stores numeric enum members as their string form.
  const values = declaration.getMembers().map((member) => String(enumMemberValue(member)));
  return { values, tsEnum: { name: declaration.getName(), filePath: declaration.getSourceFile().getFilePath() } };
}

/** A default as the SQL expression PostgreSQL stores; `() => 'sql'` is raw SQL. */
export function sqlDefault(value: StaticValue, node: Node): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `'{${value.map(String).join(',')}}'`;
  if ('sql' in value) return value.sql;
  throw readError(node, 'unsupported default');
}

/**
 * `inferredType` read from a plain annotation (`title!: string`, `bio: string | null`) without
 * the type checker, whose first question costs seconds (it loads typeorm's declarations and
 * the default libraries). Anything else (an alias, an import, no annotation) is left to the checker.
 */
function annotatedType(property: PropertyDeclaration): string | undefined {
  const node = property.getTypeNode();
  if (node === undefined) return undefined;
  const parts = (Node.isUnionTypeNode(node) ? node.getTypeNodes() : [node]).filter(
    (part) => part.getKind() !== SyntaxKind.UndefinedKeyword && !(Node.isLiteralTypeNode(part) && part.getLiteral().getKind() === SyntaxKind.NullKeyword),
  );
  if (parts.length !== 1) return undefined;
  const [part] = parts;
  if (part!.getKind() === SyntaxKind.StringKeyword) return 'varchar';
  if (part!.getKind() === SyntaxKind.NumberKeyword) return 'integer';
  if (part!.getKind() === SyntaxKind.BooleanKeyword) return 'boolean';
  if (Node.isTypeReference(part) && part.getTypeName().getText() === 'Date' && part.getTypeArguments().length === 0 && !declaresName(property.getSourceFile(), 'Date')) return 'timestamp';
  return undefined;
}

/** Whether the file imports or declares `name` itself, shadowing the global of that name. */
function declaresName(file: SourceFile, name: string): boolean {
  const imported = file.getImportDeclarations().some((declaration) => declaration.getDefaultImport()?.getText() === name || declaration.getNamespaceImport()?.getText() === name || declaration.getNamedImports().some((specifier) => (specifier.getAliasNode() ?? specifier.getNameNode()).getText() === name));
  return imported || [file.getClass(name), file.getInterface(name), file.getTypeAlias(name), file.getEnum(name), file.getVariableDeclaration(name)].some((found) => found !== undefined);
}
