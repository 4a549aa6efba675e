import type { DrizzleSnapshot } from './drizzle-kit-api.js';
import { OrmAiError } from '@orm-ai/core';

/**
 * The parts of a drizzle-kit PostgreSQL snapshot (versions 5-7, drizzle-kit 0.2x-0.31) the
 * model mapping reads. Kept as drizzle-kit writes them; optional where older versions omit them.
 */

export interface SnapshotColumn {
  readonly name: string;
  /** drizzle-kit's SQL spelling: `varchar(100)`, `timestamp with time zone`, `vector(3)`, an enum's name. */
  readonly type: string;
  /** Set for enum columns: the enum's schema. */
  readonly typeSchema?: string;
  readonly primaryKey: boolean;
  readonly notNull: boolean;
  /** SQL text, or a JSON number/boolean for literal defaults. */
  readonly default?: string | number | boolean;
  readonly identity?: { readonly type: 'always' | 'byDefault' };
}

/** Version 7 index column; versions 5 and 6 list plain column names. */
export interface SnapshotIndexColumn {
  /** The column's name, or the SQL text of an expression key (`lower("email")`). */
  readonly expression: string;
  readonly isExpression: boolean;
  readonly asc: boolean;
  /** drizzle-kit writes the order's default (`last` for ASC, `first` for DESC) when none is declared. */
  readonly nulls?: 'first' | 'last';
  readonly opclass?: string;
}

export interface SnapshotIndex {
  readonly name: string;
  readonly columns: ReadonlyArray<SnapshotIndexColumn | string>;
  readonly isUnique: boolean;
  readonly method?: string;
  readonly where?: string;
  /** Storage parameters (`WITH (m = 16)`). */
  readonly with?: Record<string, unknown>;
}

/** A `pgPolicy` (drizzle-kit 0.26 and later); absent fields are PostgreSQL's defaults. */
export interface SnapshotPolicy {
  readonly name: string;
  readonly as?: 'PERMISSIVE' | 'RESTRICTIVE';
  readonly for?: 'ALL' | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  readonly to?: readonly string[];
  readonly using?: string;
  readonly withCheck?: string;
  /** Set on the snapshot's top-level policies: the table they were linked to (`"auth"."users"`), outside the schema. */
  readonly on?: string;
}

export interface SnapshotTable {
  readonly name: string;
  readonly schema?: string;
  readonly columns: Record<string, SnapshotColumn>;
  readonly indexes?: Record<string, SnapshotIndex>;
  readonly foreignKeys?: Record<string, {
    readonly name: string;
    readonly tableTo: string;
    readonly schemaTo?: string;
    readonly columnsFrom: readonly string[];
    readonly columnsTo: readonly string[];
    readonly onDelete?: string;
    readonly onUpdate?: string;
  }>;
  readonly compositePrimaryKeys?: Record<string, { readonly name: string; readonly columns: readonly string[] }>;
  readonly uniqueConstraints?: Record<string, { readonly name: string; readonly columns: readonly string[]; readonly nullsNotDistinct?: boolean }>;
  readonly policies?: Record<string, SnapshotPolicy>;
  readonly checkConstraints?: Record<string, { readonly name: string; readonly value: string }>;
  readonly isRLSEnabled?: boolean;
}

/** An enum: version 7 lists its values, version 5 (drizzle-kit 0.20) keeps them as a `{ value: value }` record. */
export interface SnapshotEnum {
  readonly name: string;
  readonly schema?: string;
  readonly values: readonly string[] | Record<string, string>;
}

/** The snapshot's enums with their values in declaration order, whatever the version. */
export function snapshotEnums(snapshot: DrizzleSnapshot): Array<{ name: string; schema: string | undefined; values: string[] }> {
  const enums = snapshot.enums ?? {};
  if (typeof enums !== 'object' || enums === null || Array.isArray(enums)) throw shapeError('"enums" is not an object');
  return Object.entries(enums as Record<string, Partial<SnapshotEnum> | null>).map(([key, entry]) => {
    const values = entry?.values;
    if (entry === null || typeof entry.name !== 'string' || typeof values !== 'object' || values === null) throw shapeError(`enum "${key}" has no name or values`);
    return { name: entry.name, schema: entry.schema, values: Array.isArray(values) ? [...(values as string[])] : Object.values(values) };
  });
}

/** The snapshot's tables, checked for the fields every version has. */
export function snapshotTables(snapshot: DrizzleSnapshot): SnapshotTable[] {
  const tables = snapshot.tables;
  if (typeof tables !== 'object' || tables === null) throw shapeError('"tables" is missing');
  return Object.entries(tables as Record<string, unknown>).map(([key, value]) => {
    const table = value as Partial<SnapshotTable> | null;
    if (table === null || typeof table.name !== 'string' || typeof table.columns !== 'object' || table.columns === null) {
      throw shapeError(`table "${key}" has no name or columns`);
    }
    for (const column of Object.values(table.columns)) {
      if (typeof column.name !== 'string' || typeof column.type !== 'string') throw shapeError(`a column of table "${key}" has no name or type`);
    }
    return table as SnapshotTable;
  });
}

/** A SCHEMA_READ_FAILED error for a snapshot this mapping does not understand. */
export function shapeError(message: string): OrmAiError {
  return new OrmAiError('SCHEMA_READ_FAILED', `drizzle-kit's snapshot of the schema has an unexpected shape: ${message}`, {
    hint: 'drizzle-ai reads snapshots of drizzle-kit 0.2x-0.31 (version 5-7); check the installed drizzle-kit version.',
  });
}
