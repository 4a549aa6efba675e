import { parseSql, userSchemasOnly, type ChangePlan } from '@orm-ai/core';
import type { DataSource } from 'typeorm';
import type { BuilderQuery, ShadowOperationOptions } from './builder-migration.js';

export interface BuilderDownRepairsOptions extends ShadowOperationOptions {
  readonly plan: ChangePlan;
}

/** Mends the builder's down (builder order in, builder order out). */
export type RepairBuilderDown = (down: readonly BuilderQuery[]) => Promise<BuilderQuery[]>;

/**
 * Reads from the shadow, before the schema builder runs, what it takes to mend two places
 * where TypeORM 1.1's down does not restore the schema (the round trip proves both):
 *
 * - An index the up drops and re-creates (an enum or type change on one of its columns) is
 *   re-created by the down from the index TypeORM loaded, whose columns TypeORM reads in
 *   table order (`attnum = ANY(indkey)`, unsorted): `(status, published_at)` comes back as
 *   `(published_at, status)`. The down re-creates it as the catalog defines it now.
 * - A new enum value is added with `ALTER TYPE ... ADD VALUE`, and the down re-creates the
 *   old type and retypes every column with `USING col::text::<old>` without dropping the
 *   column's default first (TypeORM does drop it on its other enum path): PostgreSQL
 *   refuses, "default for column cannot be cast automatically". The defaults of those
 *   enums' columns are dropped before that down and set again after it.
 */
export async function prepareBuilderDownRepairs(options: BuilderDownRepairsOptions): Promise<RepairBuilderDown> {
  const indexDefinitions = await readIndexDefinitions(options.dataSource);
  const defaults = await readEnumColumnDefaults(options.dataSource, options.plan);
  const alter = (row: EnumColumnDefault, action: string): BuilderQuery => ({ query: `ALTER TABLE "${row.schema}"."${row.table}" ALTER COLUMN "${row.column}" ${action}` });
  return async (down) => {
    const repaired = await Promise.all(down.map((query) => asCatalogDefines(query, indexDefinitions)));
    if (repaired.length === 0) return repaired;
    // Builder order runs reversed: the SET DEFAULTs go first to run last, the DROP DEFAULTs last to run first.
    return [...defaults.map((row) => alter(row, `SET DEFAULT ${row.expression}`)).reverse(), ...repaired, ...defaults.map((row) => alter(row, 'DROP DEFAULT')).reverse()];
  };
}

/** Index name → its `pg_get_indexdef`, for names that are unique across the shadow's schemas. */
async function readIndexDefinitions(dataSource: DataSource): Promise<Map<string, string>> {
  const rows: Array<{ name: string; definition: string }> = await dataSource.query(
    `SELECT c.relname AS name, pg_get_indexdef(c.oid) AS definition
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'i' AND ${userSchemasOnly('n.nspname')}`,
  );
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.name, (counts.get(row.name) ?? 0) + 1);
  return new Map(rows.filter((row) => counts.get(row.name) === 1).map((row) => [row.name, row.definition]));
}

/** A `CREATE INDEX` of an index that exists now becomes the catalog's own definition of it. */
async function asCatalogDefines(query: BuilderQuery, indexDefinitions: ReadonlyMap<string, string>): Promise<BuilderQuery> {
  if (query.parameters) return query;
  const parsed = await parseSql(query.query);
  if (!parsed.ok || parsed.statements.length !== 1) return query;
  const index = parsed.statements[0]!.ast.IndexStmt as { idxname?: string } | undefined;
  const definition = index?.idxname === undefined ? undefined : indexDefinitions.get(index.idxname);
  return definition === undefined ? query : { query: definition };
}

interface EnumColumnDefault {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  readonly expression: string;
}

/** Columns of the enums the plan adds values to (arrays of them too) that have a default. */
async function readEnumColumnDefaults(dataSource: DataSource, plan: ChangePlan): Promise<EnumColumnDefault[]> {
  const enums = plan.changes.flatMap((change) => (change.kind === 'add_enum_value' ? [change.enum] : []));
  if (enums.length === 0) return [];
  return dataSource.query(
    `SELECT n.nspname AS schema, c.relname AS "table", a.attname AS "column", pg_get_expr(d.adbin, d.adrelid) AS expression
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       JOIN pg_type t ON t.oid = a.atttypid
      WHERE NOT a.attisdropped
        AND (t.typname = ANY($1) OR t.typelem IN (SELECT oid FROM pg_type WHERE typname = ANY($1)))
      ORDER BY 1, 2, a.attnum`,
    [enums],
  );
}
