import { OrmAiError } from '@orm-ai/core';
import type { DrizzleSnapshot } from './drizzle-kit-api.js';

/** The fields of a drizzle-kit snapshot table that renames touch (PostgreSQL v7; SQLite v6 has no schema and lists index columns by name). */
export interface SnapshotTable {
  name: string;
  schema: string;
  columns: Record<string, { name: string }>;
  indexes: Record<string, { columns: Array<string | { expression: string; isExpression: boolean }> }>;
  foreignKeys: Record<string, { tableFrom: string; tableTo: string; columnsFrom: string[]; columnsTo: string[]; schemaTo?: string }>;
  compositePrimaryKeys: Record<string, { columns: string[] }>;
  uniqueConstraints: Record<string, { columns: string[] }>;
}

type Tables = Record<string, SnapshotTable>;

/** The snapshot key of a table: `public.users` (drizzle-kit stores public tables with schema ""). */
export function tableKeyOf(table: Pick<SnapshotTable, 'schema' | 'name'>): string {
  return `${table.schema || 'public'}.${table.name}`;
}

function findTable(snapshot: DrizzleSnapshot, name: string): [string, SnapshotTable] {
  const tables = snapshot.tables as Tables;
  const entry = Object.entries(tables).find(([, table]) => table.name === name);
  if (!entry) {
    throw new OrmAiError('MIGRATION_GENERATE_FAILED', `the latest drizzle-kit snapshot has no table "${name}"`, {
      hint: 'The schema source and the migrations folder disagree: run drizzle-kit generate for pending changes first.',
    });
  }
  return entry;
}

function rename(list: string[], from: string, to: string): string[] {
  return list.map((name) => (name === from ? to : name));
}

/** Renames a table in a snapshot (and every foreign key pointing at it), as if it had always had the new name. */
export function renameTableInSnapshot(snapshot: DrizzleSnapshot, from: string, to: string): SnapshotTable {
  const tables = snapshot.tables as Tables;
  const [key, table] = findTable(snapshot, from);
  delete tables[key];
  table.name = to;
  // SQLite snapshots key tables by their bare name, PostgreSQL's by `schema.name`.
  tables[key === from ? to : tableKeyOf(table)] = table;
  for (const other of Object.values(tables)) {
    for (const foreignKey of Object.values(other.foreignKeys)) {
      if (foreignKey.tableFrom === from && other === table) foreignKey.tableFrom = to;
      if (foreignKey.tableTo === from && (foreignKey.schemaTo || 'public') === (table.schema || 'public')) foreignKey.tableTo = to;
    }
  }
  return table;
}

/** Renames a column in a snapshot, with its indexes, keys and the foreign keys that reference it. */
export function renameColumnInSnapshot(snapshot: DrizzleSnapshot, tableName: string, from: string, to: string): SnapshotTable {
  const [, table] = findTable(snapshot, tableName);
  const column = table.columns[from];
  if (!column) {
    throw new OrmAiError('MIGRATION_GENERATE_FAILED', `the latest drizzle-kit snapshot has no column "${tableName}.${from}"`, {
      hint: 'The schema source and the migrations folder disagree: run drizzle-kit generate for pending changes first.',
    });
  }
  delete table.columns[from];
  column.name = to;
  table.columns[to] = column;
  for (const index of Object.values(table.indexes)) {
    index.columns = index.columns.map((part) => {
      if (typeof part === 'string') return part === from ? to : part;
      if (!part.isExpression && part.expression === from) part.expression = to;
      return part;
    });
  }
  for (const key of Object.values(table.foreignKeys)) key.columnsFrom = rename(key.columnsFrom, from, to);
  for (const key of Object.values(table.compositePrimaryKeys)) key.columns = rename(key.columns, from, to);
  for (const unique of Object.values(table.uniqueConstraints)) unique.columns = rename(unique.columns, from, to);
  for (const other of Object.values(snapshot.tables as Tables)) {
    for (const key of Object.values(other.foreignKeys)) {
      if (key.tableTo === tableName) key.columnsTo = rename(key.columnsTo, from, to);
    }
  }
  return table;
}
