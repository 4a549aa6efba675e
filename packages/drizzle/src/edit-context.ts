import {
  Node,
  SyntaxKind,
  type CallExpression,
  type ObjectLiteralExpression,
  type Project,
  type PropertyAssignment,
  type SourceFile,
  type VariableStatement,
} from 'ts-morph';
import {
  applyChangeToModel,
  type ColumnModel,
  describeError,
  findColumn,
  findTable,
  OrmAiError,
  type SchemaChange,
  type SchemaModel,
  type TableModel,
} from '@orm-ai/core';
import type { ChangePlan } from '@orm-ai/core';
import { importChanges, type ImportNeed } from './edit-imports.js';
import type { DrizzleCasing } from './naming.js';
import {
  readSchemaFromProject,
  type DrizzleColumnEntry,
  type DrizzleEnumEntry,
  type DrizzleSchemaIndex,
  type DrizzleTableEntry,
} from './read-schema.js';
import { tableConfigEntries, type TableConfigEntries } from './read-table-config.js';
import type { UnreadableConstruct } from './read-table.js';
import { unwindChain, type ChainLink } from './source-utils.js';
import { applyChanges, codeStyleOf, type CodeStyle, type TextChange } from '@orm-ai/core/typescript';

/** The editor's working state: the project being edited and a model/index re-read after every change. */
export interface EditState {
  readonly project: Project;
  readonly files: readonly string[];
  readonly casing: DrizzleCasing | null;
  readonly plan: ChangePlan;
  model: SchemaModel;
  index: DrizzleSchemaIndex;
  /** drizzle-kit's view with the plan's changes so far: the model of tables the static reader cannot fully read. */
  fallback: SchemaModel | undefined;
}

/** A PLAN_APPLY_FAILED error. */
export function applyError(message: string, hint?: string): OrmAiError {
  return new OrmAiError('PLAN_APPLY_FAILED', message, {
    hint: hint ?? 'Check the plan against the schema model (table, column and constraint names must exist).',
  });
}

/**
 * Re-reads model and index from the edited in-memory sources. `change` is the plan change
 * just applied in full: drizzle-kit's view advances by it, as the edited source would read.
 */
export function refresh(state: EditState, after: string, change?: SchemaChange): void {
  if (change !== undefined && state.fallback !== undefined) state.fallback = applyChangeToModel(structuredClone(state.fallback), change);
  try {
    const read = readSchemaFromProject({
      project: state.project,
      files: state.files,
      casing: state.casing,
      fallback: state.fallback,
      configForm: state.index.newConfigForm,
      core: state.index.core,
    });
    state.model = read.model;
    state.index = read.index;
  } catch (error) {
    throw new OrmAiError('PLAN_APPLY_FAILED', `after ${after}, the edited schema no longer reads: ${describeError(error)}`, {
      hint: 'The plan may leave references to a removed table or column (drop dependent foreign keys and indexes first).',
      cause: error,
    });
  }
}

/** Applies body changes plus the imports they need to one file. */
export function commit(sourceFile: SourceFile, changes: readonly TextChange[], needs: readonly ImportNeed[]): void {
  applyChanges(sourceFile, [...changes, ...importChanges(sourceFile, needs)]);
}

/** A table's model, index entry and current declaration nodes. */
export interface LocatedTable {
  readonly entry: DrizzleTableEntry;
  readonly model: TableModel;
  readonly sourceFile: SourceFile;
  readonly statement: VariableStatement;
  readonly call: CallExpression;
  readonly columnsObject: ObjectLiteralExpression;
  /** The third argument's entries, undefined when the table has none. */
  readonly config: TableConfigEntries | undefined;
}

/** Finds a table's declaration nodes in the current source. */
export function locateTable(state: EditState, name: string): LocatedTable {
  const entry = state.index.tables.find((table) => table.name === name);
  const model = findTable(state.model, name);
  if (entry === undefined || model === undefined) throw applyError(`table "${name}" is not declared in the schema files`);
  const sourceFile = state.project.getSourceFileOrThrow(entry.filePath);
  const declaration = sourceFile.getVariableDeclarationOrThrow(entry.variableName);
  const call = declaration.getInitializerIfKindOrThrow(SyntaxKind.CallExpression);
  const [, columns, config] = call.getArguments();
  return {
    entry,
    model,
    sourceFile,
    statement: declaration.getVariableStatementOrThrow(),
    call,
    columnsObject: columns!.asKindOrThrow(SyntaxKind.ObjectLiteralExpression),
    config: config === undefined ? undefined : tableConfigEntries(config),
  };
}

/**
 * Refuses a change that must edit or understand a construct the static reader could not
 * interpret, naming it and its line: the model knows it from drizzle-kit, the editor cannot
 * safely rewrite it.
 */
export function unreadableError(table: string, construct: UnreadableConstruct): OrmAiError {
  return new OrmAiError(
    'PLAN_APPLY_FAILED',
    `table "${table}" uses \`${construct.construct}\` at ${construct.location}, which drizzle-ai can read through drizzle-kit but cannot edit: ${construct.reason}`,
    { hint: 'Make this change by hand (then run drizzle-kit generate), or leave that declaration out of the plan.' },
  );
}

/** For edits that map the model to source entries by position: the whole table must have been read. */
export function assertFullyRead(table: LocatedTable): void {
  const first = table.entry.unreadable[0];
  if (first !== undefined) throw unreadableError(table.entry.name, first);
}

/** A column's model, index entry and current property nodes. */
export interface LocatedColumn {
  readonly entry: DrizzleColumnEntry;
  readonly model: ColumnModel;
  readonly property: PropertyAssignment;
  /** The builder call (`text('x')`) and the chained modifiers. */
  readonly base: CallExpression;
  readonly links: ChainLink[];
  /** The whole initializer expression (the end of the chain). */
  readonly expression: Node;
}

/** Finds a column's property in a located table. */
export function locateColumn(table: LocatedTable, name: string): LocatedColumn {
  const entry = table.entry.columns.find((column) => column.name === name);
  const model = findColumn(table.model, name);
  // A column only drizzle-kit could read (or one hidden in a spread) cannot be edited here.
  const unreadable = table.entry.unreadable.find((construct) => construct.column === name) ??
    (entry === undefined && model !== undefined ? table.entry.unreadable.find((construct) => construct.column === null) : undefined);
  if (unreadable !== undefined) throw unreadableError(table.entry.name, unreadable);
  if (entry === undefined || model === undefined) throw applyError(`column "${table.entry.name}.${name}" is not declared in ${table.entry.filePath}`);
  const property = table.columnsObject
    .getProperties()
    .find((candidate) => Node.isPropertyAssignment(candidate) && propertyName(candidate) === entry.key)
    ?.asKindOrThrow(SyntaxKind.PropertyAssignment);
  if (property === undefined) throw applyError(`column "${table.entry.name}.${name}" was not found in ${table.entry.filePath}`);
  const expression = property.getInitializerOrThrow();
  const chain = unwindChain(expression)!;
  return { entry, model, property, base: chain.base, links: chain.links, expression };
}

function propertyName(property: PropertyAssignment): string {
  const name = property.getNameNode();
  return Node.isStringLiteral(name) ? name.getLiteralValue() : name.getText();
}

/** A pgEnum's index entry, failing with PLAN_APPLY_FAILED when the enum is not declared. */
export function locateEnum(state: EditState, name: string): DrizzleEnumEntry {
  const entry = state.index.enums.find((candidate) => candidate.name === name);
  if (entry === undefined) throw applyError(`enum "${name}" is not declared in the schema files`);
  return entry;
}

/** The file's string quote: the one most of its string literals use. */
export function quoteOf(sourceFile: SourceFile): Quote {
  return codeStyleOf(sourceFile).quote;
}

export type Quote = CodeStyle['quote'];
export { quoted } from '@orm-ai/core/typescript';
