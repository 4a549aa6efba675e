import { Node } from 'ts-morph';
import { OrmAiError, tableModel, type TableModel } from '@orm-ai/core';
import { defaultForeignKeyName, defaultUniqueName, postgresIdentifier } from './naming.js';
import { readColumn, type ColumnReadScope, type ReadColumn } from './read-columns.js';
import { readTableConfig } from './read-table-config.js';
import type { TableDeclaration } from './schema-declarations.js';
import { attachedComment, excerpt, locationOf, readError } from './source-utils.js';

/**
 * A construct of a table declaration the static reader cannot interpret (`vector(...)`, a
 * customType, `pgPolicy(...)`, `.op('bool_ops')`). The model has its facts from drizzle-kit;
 * the editor refuses only the changes that would have to edit or understand it.
 */
export interface UnreadableConstruct {
  /** The db name of the column it declares, null for the table config or an unnamed property. */
  readonly column: string | null;
  /** The source text, on one line and shortened. */
  readonly construct: string;
  /** `path:line`. */
  readonly location: string;
  /** Why the static reader stopped at it. */
  readonly reason: string;
}

/** One table as read from source: the model of what could be read, and what could not. */
export interface StaticTable {
  readonly model: TableModel;
  readonly unreadable: readonly UnreadableConstruct[];
}

/** Reads a pgTable declaration, collecting what it cannot interpret instead of stopping there. */
export function readTable(decl: TableDeclaration, scope: ColumnReadScope, columnName: (property: Node) => string | null): StaticTable {
  const unreadable: UnreadableConstruct[] = [];
  const skip = (node: Node, column: string | null, error: unknown): void => {
    if (!(error instanceof OrmAiError) || error.code !== 'SCHEMA_READ_FAILED') throw error;
    unreadable.push({ column, construct: excerpt(node), location: locationOf(node), reason: error.message });
  };
  const read: ReadColumn[] = [];
  for (const property of decl.columnsObject.getProperties()) {
    try {
      if (!Node.isPropertyAssignment(property)) throw readError(property, 'expected a column declared as `key: builder(...)`');
      read.push(readColumn(property, scope));
    } catch (error) {
      skip(property, columnName(property), error);
    }
  }
  const columnsByKey = new Map(read.map((column) => [column.key, column.column.name]));
  let config = { indexes: [], foreignKeys: [], uniques: [], primaryKey: null } as Pick<TableModel, 'indexes' | 'foreignKeys' | 'uniques' | 'primaryKey'>;
  if (decl.configArgument !== undefined) {
    try {
      config = readTableConfig({ argument: decl.configArgument, table: decl.name, columns: columnsByKey, scope, unreadable: (entry, error) => skip(entry, null, error) });
    } catch (error) {
      skip(decl.configArgument, null, error);
    }
  }
  const columnForeignKeys = read.flatMap(({ column, references }) =>
    references.map((reference) => {
      const fk = { columns: [column.name], referencedTable: reference.table, referencedColumns: [reference.column] };
      return { name: defaultForeignKeyName({ table: decl.name, ...fk }), ...fk, onDelete: reference.onDelete, onUpdate: reference.onUpdate };
    }),
  );
  const model = tableModel({
    name: decl.name,
    columns: read.map(({ column }) =>
      column.unique ? { ...column, uniqueName: column.uniqueName === null ? defaultUniqueName(decl.name, [column.name]) : postgresIdentifier(column.uniqueName) } : column,
    ),
    primaryKey: config.primaryKey === null || config.primaryKey.name === null ? config.primaryKey : { ...config.primaryKey, name: postgresIdentifier(config.primaryKey.name) },
    // Explicit names are cut like the database cuts them; default names already are.
    indexes: config.indexes.map((index) => ({ ...index, name: postgresIdentifier(index.name) })),
    foreignKeys: [...columnForeignKeys, ...config.foreignKeys].map((fk) => ({ ...fk, name: postgresIdentifier(fk.name) })),
    uniques: config.uniques.map((unique) => ({ ...unique, name: postgresIdentifier(unique.name) })),
    comment: attachedComment(decl.statement),
  });
  return { model, unreadable };
}
