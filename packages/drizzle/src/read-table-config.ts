import { Node, SyntaxKind, type CallExpression, type ObjectLiteralExpression } from 'ts-morph';
import {
  indexMethodSchema,
  OrmAiError,
  referentialActionSchema,
  type ForeignKeyModel,
  type IndexModel,
  type TableModel,
  type UniqueConstraintModel,
} from '@orm-ai/core';
import { defaultForeignKeyName, defaultIndexName, defaultUniqueName } from './naming.js';
import { resolveColumnReference, type ColumnReadScope } from './read-columns.js';
import { sqlTemplateText } from './read-defaults.js';
import { readError, stringValue, unwindChain, type ChainLink } from './source-utils.js';

/** The entries of a pgTable third argument: `(t) => [ ... ]` or the legacy `(t) => ({ ... })`. */
export interface TableConfigEntries {
  readonly form: 'array' | 'object';
  /** The array or object literal the entries live in (the editor appends to it). */
  readonly list: Node;
  /** Entry expressions, in source order. */
  readonly entries: Node[];
  /** Name of the callback's table parameter (`t`), undefined when it takes none. */
  readonly param: string | undefined;
}

/** Finds the entries of a third argument; throws for shapes other than an arrow returning an array/object. */
export function tableConfigEntries(argument: Node): TableConfigEntries {
  if (!Node.isArrowFunction(argument) && !Node.isFunctionExpression(argument)) {
    throw readError(argument, 'expected the table config callback `(t) => [ ... ]`');
  }
  const param = argument.getParameters()[0]?.getName();
  const body = argument.getBody();
  let result: Node | undefined = Node.isBlock(body)
    ? body.getStatements().find((statement) => Node.isReturnStatement(statement))?.asKind(SyntaxKind.ReturnStatement)?.getExpression()
    : body;
  while (Node.isParenthesizedExpression(result)) result = result.getExpression();
  if (Node.isArrayLiteralExpression(result)) return { form: 'array', list: result, entries: result.getElements(), param };
  if (Node.isObjectLiteralExpression(result)) {
    const entries = result.getProperties().map((property) => {
      const initializer = Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
      if (initializer === undefined) throw readError(property, 'expected `name: index(...)` entries');
      return initializer;
    });
    return { form: 'object', list: result, entries, param };
  }
  throw readError(argument, 'the table config callback must return an array or object literal');
}

type TableConfig = Pick<TableModel, 'indexes' | 'foreignKeys' | 'uniques' | 'primaryKey'>;

interface ConfigScope {
  readonly table: string;
  readonly param: string | undefined;
  readonly columns: ReadonlyMap<string, string>;
  readonly scope: ColumnReadScope;
}

/**
 * Reads a pgTable third argument into the table's indexes and table-level constraints. An
 * entry it cannot read goes to `unreadable` when given (the caller has the facts from
 * elsewhere), else its SCHEMA_READ_FAILED error is thrown.
 */
export function readTableConfig(options: {
  argument: Node;
  table: string;
  columns: ReadonlyMap<string, string>;
  scope: ColumnReadScope;
  unreadable?: (entry: Node, error: OrmAiError) => void;
}): TableConfig {
  const { entries, param } = tableConfigEntries(options.argument);
  const context: ConfigScope = { table: options.table, param, columns: options.columns, scope: options.scope };
  const config: TableConfig = { indexes: [], foreignKeys: [], uniques: [], primaryKey: null };
  for (const entry of entries) {
    try {
      readEntry(entry, context, config);
    } catch (error) {
      if (options.unreadable === undefined || !(error instanceof OrmAiError) || error.code !== 'SCHEMA_READ_FAILED') throw error;
      options.unreadable(entry, error);
    }
  }
  return config;
}

/** The pg-core export an entry is built with (`index`, `foreignKey`, ...), with its chain. */
export function entryKind(entry: Node, pgCore: ReadonlyMap<string, string>): { kind: string; base: CallExpression; links: ChainLink[] } | undefined {
  const chain = unwindChain(entry);
  const callee = chain?.base.getExpression();
  if (chain === undefined || !Node.isIdentifier(callee)) return undefined;
  const kind = pgCore.get(callee.getText());
  return kind === undefined ? undefined : { kind, ...chain };
}

function readEntry(entry: Node, context: ConfigScope, config: TableConfig): void {
  const found = entryKind(entry, context.scope.coreImports);
  switch (found?.kind) {
    case 'index':
    case 'uniqueIndex':
      config.indexes.push(readIndex(found.base, found.links, found.kind === 'uniqueIndex', context));
      return;
    case 'unique':
      config.uniques.push(readUnique(found.base, found.links, context));
      return;
    case 'primaryKey':
      config.primaryKey = readPrimaryKey(found.base, context);
      return;
    case 'foreignKey':
      config.foreignKeys.push(readForeignKey(found.base, found.links, context));
      return;
    default:
      throw readError(entry, 'unsupported table config entry (the model has indexes, primary keys, foreign keys and unique constraints)');
  }
}

function localColumn(node: Node, context: ConfigScope): string {
  let target = node;
  const chain = unwindChain(node);
  // `t.a.asc()` is the default order; any other ordering or operator class is not in the model.
  if (chain !== undefined && chain.links.length === 0 && Node.isPropertyAccessExpression(chain.base.getExpression())) {
    const access = chain.base.getExpression().asKindOrThrow(SyntaxKind.PropertyAccessExpression);
    if (access.getName() !== 'asc') throw readError(node, `.${access.getName()}() on an index column cannot be represented in the schema model`);
    target = access.getExpression();
  }
  if (Node.isPropertyAccessExpression(target) && target.getExpression().getText() === context.param) {
    const name = context.columns.get(target.getName());
    if (name !== undefined) return name;
  } else if (Node.isPropertyAccessExpression(target)) {
    const reference = resolveColumnReference(target, context.scope);
    if (reference.table === context.table) return reference.column;
  }
  throw readError(node, `expected a column of table "${context.table}"`);
}

function columnList(node: Node | undefined, context: ConfigScope, owner: Node): string[] {
  if (!Node.isArrayLiteralExpression(node) || node.getElements().length === 0) throw readError(owner, 'expected a non-empty column array');
  return node.getElements().map((element) => localColumn(element, context));
}

function objectArgument(call: CallExpression): ObjectLiteralExpression {
  const argument = call.getArguments()[0];
  if (!Node.isObjectLiteralExpression(argument)) throw readError(call, 'expected a literal options object');
  return argument;
}

function optionNode(object: ObjectLiteralExpression, key: string): Node | undefined {
  return object.getProperty(key)?.asKind(SyntaxKind.PropertyAssignment)?.getInitializer();
}

function readIndex(base: CallExpression, links: readonly ChainLink[], unique: boolean, context: ConfigScope): IndexModel {
  const explicitName = stringValue(base.getArguments()[0]);
  const index = { columns: [] as string[], method: 'btree' as IndexModel['method'], where: null as string | null };
  for (const link of links) {
    const args = link.call.getArguments();
    if (link.name === 'on') index.columns = args.map((arg) => localColumn(arg, context));
    else if (link.name === 'using') {
      const method = indexMethodSchema.safeParse(stringValue(args[0]));
      if (!method.success) throw readError(link.call, 'unsupported index method');
      index.method = method.data;
      index.columns = args.slice(1).map((arg) => localColumn(arg, context));
    } else if (link.name === 'where') index.where = whereSql(args[0] ?? link.call, context);
    else if (link.name !== 'concurrently') throw readError(link.call, `unsupported index modifier .${link.name}()`);
  }
  if (index.columns.length === 0) throw readError(base, 'index without columns');
  return { name: explicitName ?? defaultIndexName(context.table, index.columns), unique, ...index };
}

function whereSql(node: Node, context: ConfigScope): string {
  const text = sqlTemplateText(node, {
    isSqlTag: context.scope.sql.isSqlTag,
    substitute: (expression) => `"${localColumn(expression, context)}"`,
  });
  if (text === undefined) throw readError(node, 'expected .where(sql`...`)');
  return text;
}

function readUnique(base: CallExpression, links: readonly ChainLink[], context: ConfigScope): UniqueConstraintModel {
  const on = links.find((link) => link.name === 'on');
  const other = links.find((link) => link.name !== 'on');
  if (other !== undefined) throw readError(other.call, `.${other.name}() on a unique constraint cannot be represented in the schema model`);
  if (on === undefined) throw readError(base, 'unique constraint without .on(...)');
  const columns = on.call.getArguments().map((arg) => localColumn(arg, context));
  return { name: stringValue(base.getArguments()[0]) ?? defaultUniqueName(context.table, columns), columns };
}

function readPrimaryKey(call: CallExpression, context: ConfigScope): TableConfig['primaryKey'] {
  const args = call.getArguments();
  if (!Node.isObjectLiteralExpression(args[0])) {
    return { name: null, columns: args.map((arg) => localColumn(arg, context)) };
  }
  const object = objectArgument(call);
  const nameNode = optionNode(object, 'name');
  const name = nameNode === undefined ? null : stringValue(nameNode);
  if (name === undefined) throw readError(call, 'primaryKey name must be a string literal');
  return { name, columns: columnList(optionNode(object, 'columns'), context, call) };
}

function readForeignKey(base: CallExpression, links: readonly ChainLink[], context: ConfigScope): ForeignKeyModel {
  const object = objectArgument(base);
  const columns = columnList(optionNode(object, 'columns'), context, base);
  const targets = optionNode(object, 'foreignColumns');
  if (!Node.isArrayLiteralExpression(targets) || targets.getElements().length === 0) throw readError(base, 'expected foreignColumns: [...]');
  const references = targets.getElements().map((element) =>
    Node.isPropertyAccessExpression(element) && element.getExpression().getText() === context.param
      ? { table: context.table, column: localColumn(element, context) }
      : resolveColumnReference(element, context.scope),
  );
  const actions = { onDelete: 'no action', onUpdate: 'no action' } as Pick<ForeignKeyModel, 'onDelete' | 'onUpdate'>;
  for (const link of links) {
    const action = referentialActionSchema.safeParse(stringValue(link.call.getArguments()[0]));
    if ((link.name !== 'onDelete' && link.name !== 'onUpdate') || !action.success) {
      throw readError(link.call, `unsupported foreign key modifier .${link.name}()`);
    }
    actions[link.name] = action.data;
  }
  const referencedTable = references[0]!.table;
  const referencedColumns = references.map((reference) => reference.column);
  const nameNode = optionNode(object, 'name');
  const name = nameNode === undefined ? undefined : stringValue(nameNode);
  if (nameNode !== undefined && name === undefined) throw readError(nameNode, 'foreign key name must be a string literal');
  return {
    name: name ?? defaultForeignKeyName({ table: context.table, columns, referencedTable, referencedColumns }),
    columns,
    referencedTable,
    referencedColumns,
    ...actions,
  };
}
