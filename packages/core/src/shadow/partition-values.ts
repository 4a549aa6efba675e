import { PostgresCatalogReader } from '../dialect/postgres/catalog-reader.js';
import { parseSql } from '../dialect/postgres/parser.js';
import type { ShadowDatabase } from './shadow-database.js';

/**
 * Key values that send a row to one existing leaf partition: column → its value as text (or
 * NULL) for the leaf's `k`th row. A range of integers, dates or timestamps gives each row its
 * own value inside the range while it lasts, so a unique key on the partition column holds.
 */
export type LeafKeyValues = ReadonlyMap<string, (k: number) => string | null>;

/**
 * What a seeded row's partition keys must hold so that it has a partition to go to: one map
 * per leaf partition of a partitioned table, each level's bound merged down the tree (a table
 * partitioned by range whose partitions are partitioned by list), and for a partition seeded
 * directly, its own bound and its ancestors'. Null when any value will do (no partitioning,
 * only DEFAULT or HASH levels, which take every value) or when no leaf's bounds can be read
 * (an expression key, a MINVALUE lower bound): then the insert is left to the database, which
 * names the problem.
 *
 * Bounds are read with `pg_get_expr(relpartbound)` and parsed with PostgreSQL's own parser.
 * A range partition gets its lower bound, which is inclusive.
 */
export async function partitionKeyValues(tree: PartitionTree, tableOid: number): Promise<LeafKeyValues[] | null> {
  if (!tree.byOid.has(tableOid) && !tree.keys.has(tableOid)) return null;
  const above = await ancestorValues(tree, tableOid);
  if (above === null) return null;
  const leaves = tree.keys.has(tableOid) ? await leafValues(tree, tableOid) : [new Map<string, (k: number) => string | null>()];
  const merged = leaves.map((leaf) => new Map([...above, ...leaf]));
  return merged.some((leaf) => leaf.size > 0) ? merged : null;
}

export interface Partition {
  readonly oid: number;
  readonly parent: number;
  readonly bound: string;
}

/** The database's partitions and partitioned tables, by oid: read once, asked for each table seeded. */
export interface PartitionTree {
  readonly byOid: ReadonlyMap<number, Partition>;
  readonly children: ReadonlyMap<number, readonly Partition[]>;
  /** Partitioned tables: strategy (`r`, `l`, `h`) and key columns (null for an expression). */
  readonly keys: ReadonlyMap<number, { readonly strategy: string; readonly columns: ReadonlyArray<string | null> }>;
}

export async function readPartitionTree(shadow: ShadowDatabase): Promise<PartitionTree> {
  const rows = await new PostgresCatalogReader(shadow).partitionTree();
  const partitions = rows.flatMap(({ oid, parent, bound }) => (parent === null || bound === null ? [] : [{ oid, parent, bound }]));
  const children = new Map<number, Partition[]>();
  for (const partition of partitions) children.set(partition.parent, [...(children.get(partition.parent) ?? []), partition]);
  const keys = rows.flatMap(({ oid, key }) => (key === null ? [] : [[oid, key] as const]));
  return { byOid: new Map(partitions.map((partition) => [partition.oid, partition])), children, keys: new Map(keys) };
}

/** Each leaf below a partitioned table, with the values every level's bound asks of it. */
async function leafValues(tree: PartitionTree, oid: number): Promise<Array<Map<string, (k: number) => string | null>>> {
  const leaves: Array<Map<string, (k: number) => string | null>> = [];
  for (const child of tree.children.get(oid) ?? []) {
    const own = await boundValues(tree, child);
    if (own === null) continue;
    const below = tree.keys.has(child.oid) ? await leafValues(tree, child.oid) : [new Map<string, (k: number) => string | null>()];
    leaves.push(...below.map((leaf) => new Map([...own, ...leaf])));
  }
  return leaves;
}

/** What the table's own bound and its ancestors' ask of every row; null when one cannot be read. */
async function ancestorValues(tree: PartitionTree, oid: number): Promise<Map<string, (k: number) => string | null> | null> {
  const values = new Map<string, (k: number) => string | null>();
  for (let partition = tree.byOid.get(oid); partition; partition = tree.byOid.get(partition.parent)) {
    const own = await boundValues(tree, partition);
    if (own === null) return null;
    for (const [column, value] of own) if (!values.has(column)) values.set(column, value);
  }
  return values;
}

/** The key values a partition's bound admits (its parent's key); empty for DEFAULT and HASH; null when unreadable. */
async function boundValues(tree: PartitionTree, partition: Partition): Promise<Map<string, (k: number) => string | null> | null> {
  const key = tree.keys.get(partition.parent);
  const spec = await parsedBound(partition.bound);
  if (!key || !spec) return null;
  if (spec.is_default || key.strategy === 'h') return new Map();
  // An expression in the key (attnum 0) has no column to set.
  if (key.columns.some((column) => column === null)) return null;
  const datums = key.strategy === 'l' ? (spec.listdatums ?? []).slice(0, 1) : (spec.lowerdatums ?? []);
  const values = datums.map(constantText);
  if (key.strategy === 'r' && key.columns.length === 1) {
    const [lower, upper] = [values[0], constantText(spec.upperdatums?.[0])];
    if (lower) return new Map([[key.columns[0]!, spread(lower, upper ?? null, 1)]]);
    // FROM (MINVALUE): count down from the upper bound, which is exclusive.
    if (lower === undefined && upper) return new Map([[key.columns[0]!, (k: number) => spread(upper, null, -1)(k + 1)]]);
  }
  if (values.length !== key.columns.length || values.some((value) => value === undefined)) return null;
  return new Map(key.columns.map((column, index) => [column!, () => values[index] as string | null]));
}

const DAY_MS = 86_400_000;

/**
 * The `k`th value from `lower` on, in `direction`, staying below `upper` (null: no bound): a
 * step of 1 for integers, a day for dates, a second for timestamps; `lower` itself past the
 * end or for other types. Timestamps keep their zone, or the lack of one.
 */
function spread(lower: string, upper: string | null, direction: 1 | -1): (k: number) => string {
  if (/^-?\d+$/.test(lower) && (upper === null || /^-?\d+$/.test(upper))) {
    return (k) => {
      const value = BigInt(lower) + BigInt(direction * k);
      return upper === null || value < BigInt(upper) ? String(value) : lower;
    };
  }
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (date.test(lower) && (upper === null || date.test(upper))) {
    const end = upper === null ? Infinity : Date.parse(`${upper}T00:00:00Z`);
    return (k) => {
      const value = Date.parse(`${lower}T00:00:00Z`) + direction * k * DAY_MS;
      return value < end ? new Date(value).toISOString().slice(0, 10) : lower;
    };
  }
  const start = timestampMs(lower);
  const end = upper === null ? Infinity : timestampMs(upper);
  if (start === null || end === null) return () => lower;
  const zoned = /[+-]\d{2}(:?\d{2})?$|Z$/.test(lower);
  return (k) => {
    const value = start + direction * k * 1000;
    if (value >= end) return lower;
    const text = new Date(value).toISOString();
    return zoned ? text : text.replace('Z', '');
  };
}

/** `2024-01-01 00:00:00[.ffffff][+00[:00]]` as milliseconds (no zone: read as UTC, and written back without one). */
function timestampMs(text: string): number | null {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})?(?::?(\d{2}))?$/.exec(text);
  if (!match) return null;
  const zone = match[3] ? `${match[3]}:${match[4] ?? '00'}` : 'Z';
  const ms = Date.parse(`${match[1]}T${match[2]}${zone}`);
  return Number.isNaN(ms) ? null : ms;
}

interface BoundSpec {
  readonly is_default?: boolean;
  readonly listdatums?: unknown[];
  readonly lowerdatums?: unknown[];
  readonly upperdatums?: unknown[];
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
