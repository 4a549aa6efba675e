import { Node, SyntaxKind, type CallExpression, type PropertyAssignment, type SourceFile } from 'ts-morph';
import { columnModel, referentialActionSchema, type ColumnModel, type ReferentialAction } from '@orm-ai/core';
import { columnTypeFromBuilder, type BuilderConfig } from './column-builders.js';
import type { DrizzleCore } from './drizzle-core.js';
import { resolveName } from './module-links.js';
import { columnNameFromKey, type DrizzleCasing } from './naming.js';
import { defaultSql, type SqlTemplateOptions } from './read-defaults.js';
import { attachedComment, propertyKey, readError, staticValue, stringValue, unwindChain, type ChainLink } from './source-utils.js';

/** What the column reader needs to know about the file it reads and the rest of the schema. */
export interface ColumnReadScope {
  readonly sourceFile: SourceFile;
  /** The core module the file declares with (pg-core or sqlite-core). */
  readonly core: DrizzleCore;
  /** Local name → export name for this file's imports from that module. */
  readonly coreImports: ReadonlyMap<string, string>;
  readonly sql: SqlTemplateOptions;
  readonly casing: DrizzleCasing | null;
  readonly files: ReadonlySet<string>;
  /** Declaration key → enum db name. */
  readonly enums: ReadonlyMap<string, string>;
  /** Declaration key → table db name and its column keys → db names. */
  readonly tables: ReadonlyMap<string, { name: string; columns: ReadonlyMap<string, string> }>;
}

/** A column reference through a table variable: `users.id` → `{ table: 'users', column: 'id' }`. */
export function resolveColumnReference(node: Node, scope: ColumnReadScope): { table: string; column: string } {
  if (!Node.isPropertyAccessExpression(node) || !Node.isIdentifier(node.getExpression())) {
    throw readError(node, 'expected a column reference like `users.id`');
  }
  const key = resolveName({ sourceFile: scope.sourceFile, name: node.getExpression().getText(), files: scope.files });
  const table = key === undefined ? undefined : scope.tables.get(key);
  const column = table?.columns.get(node.getName());
  if (table === undefined || column === undefined) {
    throw readError(node, 'cannot resolve this column reference to a pgTable column in the schema files');
  }
  return { table: table.name, column };
}

/** A column's key and db name, without reading the rest of its declaration. */
export function columnIdentity(property: Node, casing: DrizzleCasing | null): { key: string; name: string; explicitName: boolean } {
  const key = propertyKey(property);
  const initializer = Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
  const chain = initializer === undefined ? undefined : unwindChain(initializer);
  if (key === undefined || chain === undefined) throw readError(property, 'expected a column declared as `key: builder(...)`');
  const explicit = stringValue(chain.base.getArguments()[0]);
  return { key, name: explicit ?? columnNameFromKey(key, casing), explicitName: explicit !== undefined };
}

/** One column read from source: its model plus what only the source says (key, name style, references). */
export interface ReadColumn {
  readonly column: ColumnModel;
  readonly key: string;
  readonly explicitName: boolean;
  /** From `.references(() => table.column, actions)` links, in chain order. */
  readonly references: ReadonlyArray<{ table: string; column: string; onDelete: ReferentialAction; onUpdate: ReferentialAction }>;
}

const SERIAL_TYPES = new Set(['serial', 'smallserial', 'bigserial']);
const DRIZZLE_ONLY = new Set(['$type', '$defaultFn', '$default', '$onUpdate', '$onUpdateFn']);

/** Reads one `key: builder(...).modifier()...` property into a column model. */
export function readColumn(property: PropertyAssignment, scope: ColumnReadScope): ReadColumn {
  const identity = columnIdentity(property, scope.casing);
  const chain = unwindChain(property.getInitializerOrThrow())!;
  const arrayDimensions = countArrays(chain.links);
  const type = baseType(chain.base, scope, arrayDimensions);
  const state: ColumnState = {
    // Serial columns are NOT NULL in Drizzle (and PostgreSQL) without saying so.
    column: columnModel({ name: identity.name, type, nullable: !SERIAL_TYPES.has(type), comment: attachedComment(property) }),
    references: [],
  };
  for (const link of chain.links) applyModifier(link, state, scope);
  return { column: state.column, key: identity.key, explicitName: identity.explicitName, references: state.references };
}

function countArrays(links: readonly ChainLink[]): number {
  const arrays = links.filter((link) => link.name === 'array');
  const lastArray = links.findLastIndex((link) => link.name === 'array');
  const misplaced = links.slice(0, Math.max(lastArray, 0)).find((link) => link.name !== 'array' && !DRIZZLE_ONLY.has(link.name));
  if (misplaced !== undefined) {
    throw readError(misplaced.call, `.${misplaced.name}() before .array() applies to the element type, which the model cannot represent`);
  }
  return arrays.length;
}

function baseType(base: CallExpression, scope: ColumnReadScope, arrayDimensions: number): string {
  const callee = base.getExpression();
  if (!Node.isIdentifier(callee)) throw readError(base, `expected a ${scope.core.label} column builder call like \`text(...)\``);
  const builder = scope.coreImports.get(callee.getText());
  if (builder !== undefined) {
    const result = columnTypeFromBuilder({ core: scope.core, builder, config: builderConfig(base), arrayDimensions });
    if (!result.ok) throw readError(base, result.reason);
    return result.type;
  }
  const enumKey = resolveName({ sourceFile: scope.sourceFile, name: callee.getText(), files: scope.files });
  const enumName = enumKey === undefined ? undefined : scope.enums.get(enumKey);
  if (enumName === undefined) throw readError(base, `"${callee.getText()}" is neither a ${scope.core.label} column builder nor a pgEnum of the schema`);
  return enumName + '[]'.repeat(arrayDimensions);
}

function builderConfig(base: CallExpression): BuilderConfig {
  const args = base.getArguments();
  const configNode = stringValue(args[0]) === undefined ? args[0] : args[1];
  if (configNode === undefined) return {};
  const config = staticValue(configNode);
  if (config === undefined || config.value === null || typeof config.value !== 'object' || Array.isArray(config.value)) {
    throw readError(configNode, 'column builder options must be a literal object');
  }
  return config.value;
}

type ColumnState = { column: ColumnModel; references: Array<ReadColumn['references'][number]> };

function applyModifier(link: ChainLink, state: ColumnState, scope: ColumnReadScope): void {
  const args = link.call.getArguments();
  const set = (fields: Partial<ColumnModel>): void => {
    Object.assign(state.column, fields);
  };
  switch (link.name) {
    case 'array':
      return;
    case 'notNull':
      return set({ nullable: false });
    case 'primaryKey':
      return set({ primaryKey: true, nullable: false });
    case 'unique':
      if (args.length > 1 || (args[0] !== undefined && stringValue(args[0]) === undefined)) {
        throw readError(link.call, 'unique() options (nulls not distinct) cannot be represented in the schema model');
      }
      // The default name needs the table's: `readTable` fills it in.
      return set({ unique: true, uniqueName: args[0] === undefined ? null : stringValue(args[0])! });
    case 'default':
      return set({ default: defaultSql({ argument: args[0] ?? link.call, columnType: state.column.type, sql: scope.sql }) });
    case 'defaultNow':
      return set({ default: 'now()' });
    case 'defaultRandom':
      return set({ default: 'gen_random_uuid()' });
    case 'generatedAlwaysAsIdentity':
    case 'generatedByDefaultAsIdentity':
      if (args.length > 0) throw readError(link.call, 'identity sequence options cannot be represented in the schema model');
      return set({ identity: link.name === 'generatedAlwaysAsIdentity' ? 'always' : 'by default', nullable: false });
    case 'references':
      state.references.push(readReferences(link.call, scope));
      return;
    default:
      if (DRIZZLE_ONLY.has(link.name)) return;
      throw readError(link.call, `unsupported column modifier .${link.name}()`);
  }
}

function readReferences(call: CallExpression, scope: ColumnReadScope): ReadColumn['references'][number] {
  const [target, actions] = call.getArguments();
  if (!Node.isArrowFunction(target)) throw readError(call, 'expected .references(() => table.column)');
  const body = target.getBody();
  const expression = Node.isBlock(body) ? body.getStatements()[0]?.asKind(SyntaxKind.ReturnStatement)?.getExpression() : body;
  if (expression === undefined) throw readError(target, 'expected .references(() => table.column)');
  const reference = resolveColumnReference(expression, scope);
  return { ...reference, ...referentialActions(actions) };
}

/** `{ onDelete: 'cascade' }` → actions, 'no action' where absent. */
export function referentialActions(node: Node | undefined): { onDelete: ReferentialAction; onUpdate: ReferentialAction } {
  if (node === undefined) return { onDelete: 'no action', onUpdate: 'no action' };
  const value = staticValue(node)?.value;
  const parsed = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  const onDelete = referentialActionSchema.safeParse(parsed?.onDelete ?? 'no action');
  const onUpdate = referentialActionSchema.safeParse(parsed?.onUpdate ?? 'no action');
  const known = parsed !== undefined && Object.keys(parsed).every((key) => key === 'onDelete' || key === 'onUpdate');
  if (!known || !onDelete.success || !onUpdate.success) throw readError(node, 'expected { onDelete?, onUpdate? } with referential actions');
  return { onDelete: onDelete.data, onUpdate: onUpdate.data };
}
