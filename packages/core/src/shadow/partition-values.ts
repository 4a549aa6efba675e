import { parseSql } from '../sql-parser.js';
import type { ShadowDatabase } from './shadow-database.js';

/** Values of a partition key that land in existing partitions: one tuple per partition, in key order. */
export interface PartitionKeyValues {
  readonly columns: readonly string[];
  readonly tuples: ReadonlyArray<ReadonlyArray<string | null>>;
}

/**
 * What a seeded row's partition key must hold so the row has a partition to go to, for a
 * partitioned table (a tuple per partition, from each one's bound) or for a partition seeded
 * directly (its own bound, on its parent's key). Null when any value will do (no partitioning, a
 * DEFAULT partition, HASH partitioning, which spreads any value over its remainders) or when
 * the bounds cannot be read (an expression key, MINVALUE lower bounds only): then the insert
 * is left to the database, which names the problem.
 *
 * Bounds are read with `pg_get_expr(relpartbound)` and parsed with PostgreSQL's own parser.
 * A range partition gets its lower bound, which is inclusive.
 */
export async function partitionKeyValues(shadow: ShadowDatabase, tableOid: string): Promise<PartitionKeyValues | null> {
  const bounds = await shadow.query<{ keyed: string; bound: string }>(
    `SELECT i.inhparent::text AS keyed, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
      WHERE c.relispartition AND (i.inhparent = $1::oid
         OR (c.oid = $1::oid AND NOT EXISTS (SELECT 1 FROM pg_partitioned_table p WHERE p.partrelid = $1::oid)))
      ORDER BY c.oid`,
    [tableOid],
  );
  const keyed = bounds[0]?.keyed;
  if (keyed === undefined) return null;
  const [key] = await shadow.query<{ strategy: string; columns: Array<string | null> }>(
    `SELECT p.partstrat::text AS strategy,
            ARRAY(SELECT a.attname::text FROM unnest(p.partattrs::int2[]) WITH ORDINALITY AS k(attnum, position)
                  LEFT JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k.attnum ORDER BY k.position) AS columns
       FROM pg_partitioned_table p WHERE p.partrelid = $1::oid`,
    [keyed],
  );
  // An expression in the key (attnum 0) has no column to set.
  if (!key || key.strategy === 'h' || key.columns.some((column) => column === null)) return null;
  const tuples: Array<Array<string | null>> = [];
  for (const { bound } of bounds) {
    const spec = await parsedBound(bound);
    if (!spec || spec.is_default) return null;
    const datums = key.strategy === 'l' ? (spec.listdatums ?? []).map((datum) => [datum]) : [spec.lowerdatums ?? []];
    for (const datum of datums) {
      const values = datum.map(constantText);
      if (values.length === key.columns.length && values.every((value) => value !== undefined)) tuples.push(values as Array<string | null>);
    }
  }
  return tuples.length > 0 ? { columns: key.columns as string[], tuples } : null;
}

interface BoundSpec {
  readonly is_default?: boolean;
  readonly listdatums?: unknown[];
  readonly lowerdatums?: unknown[];
}

async function parsedBound(bound: string): Promise<BoundSpec | null> {
  const parsed = await parseSql(`CREATE TABLE seeded PARTITION OF parent ${bound}`);
  if (!parsed.ok) return null;
  const create = parsed.statements[0]?.ast.CreateStmt as { partbound?: BoundSpec } | undefined;
  return create?.partbound ?? null;
}

/** A bound's constant as text; undefined for MINVALUE/MAXVALUE or anything not a constant. */
function constantText(datum: unknown): string | null | undefined {
  const node = datum as { A_Const?: Record<string, unknown>; TypeCast?: { arg?: unknown } } | undefined;
  if (node?.TypeCast) return constantText(node.TypeCast.arg);
  const constant = node?.A_Const;
  if (!constant) return undefined;
  if (constant.isnull) return null;
  // protobuf leaves zeros and false out: `{ ival: {} }` is 0.
  const value = constant as { sval?: { sval?: string }; ival?: { ival?: number }; fval?: { fval?: string }; boolval?: { boolval?: boolean }; bsval?: { bsval?: string } };
  if (value.sval) return value.sval.sval ?? '';
  if (value.ival) return String(value.ival.ival ?? 0);
  if (value.fval) return value.fval.fval ?? '0';
  if (value.boolval) return String(value.boolval.boolval ?? false);
  return value.bsval?.bsval;
}
