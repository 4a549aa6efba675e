import { PostgresCatalogReader, type CatalogRelation, type DefinedColumn } from '../dialect/postgres/catalog-reader.js';
import { describeError, OrmAiError } from '../errors.js';
import { withoutSingleSourceQualifiers } from '../dialect/postgres/parser.js';
import { tableLabel, type TableRef } from '../table-ref.js';
import type { ShadowDatabase } from './shadow-database.js';

/**
 * Everything about the user schemas' structure that a down migration must restore: every
 * schema but pg_catalog, information_schema, pg_toast* and pg_temp* (ORM bookkeeping tables
 * included: callers filter). Plain JSON-able data, every list sorted by schema then name, so
 * two snapshots of the same structure are deep-equal on PGlite (PostgreSQL 18) and on a
 * PostgreSQL 15 server alike. Nothing that legitimately changes across an up and a down is
 * kept: no OIDs, relfilenodes, sequence values or statistics.
 *
 * Not covered: functions, triggers, policies, grants, comments, extensions, range and base types.
 */
export interface CatalogSnapshot {
  readonly schemas: readonly string[];
  readonly relations: readonly RelationSnapshot[];
  readonly sequences: readonly SequenceSnapshot[];
  /** Indexes of their own; those backing a primary key, unique or exclusion constraint are in `constraints`. */
  readonly indexes: readonly IndexSnapshot[];
  /** Table constraints but NOT NULL, which is on the column (PostgreSQL 18 also lists it here, 15 does not). */
  readonly constraints: readonly ConstraintSnapshot[];
  readonly enums: readonly EnumSnapshot[];
  readonly domains: readonly DomainSnapshot[];
  readonly compositeTypes: readonly CompositeTypeSnapshot[];
}

export type RelationKind = 'table' | 'partitioned table' | 'view' | 'materialized view' | 'foreign table';

export interface RelationSnapshot extends TableRef {
  readonly kind: RelationKind;
  /** In attnum order without dropped columns: the order `SELECT *` and COPY see. */
  readonly columns: readonly ColumnSnapshot[];
  /** A view's query (`pg_get_viewdef`, its outer query's qualifiers dropped when it reads one source); null for tables. */
  readonly definition: string | null;
  /** `RANGE (created_at)` for a partitioned table; else null. */
  readonly partitionKey: string | null;
  /** `events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')` for a partition; else null. */
  readonly partitionOf: string | null;
}

export interface ColumnSnapshot {
  readonly name: string;
  /** `format_type`: `character varying(100)`, `mood`, `text[]`. */
  readonly type: string;
  readonly notNull: boolean;
  /** The default expression; null for none and for generated columns. */
  readonly default: string | null;
  readonly identity: 'ALWAYS' | 'BY DEFAULT' | null;
  /** `ALWAYS AS (lower(title)) STORED`; null when not generated. */
  readonly generated: string | null;
  /** `"C"`, only when it is not the type's own collation. */
  readonly collation: string | null;
}

export interface SequenceSnapshot {
  readonly schema: string;
  readonly name: string;
  /** The column whose drop drops the sequence (serial or identity). */
  readonly ownedBy: { readonly schema: string; readonly table: string; readonly column: string } | null;
  readonly dataType: string;
  // 64-bit values, kept as decimal text so they survive JSON.
  readonly increment: string;
  readonly start: string;
  readonly minimum: string;
  readonly maximum: string;
  readonly cache: string;
  readonly cycle: boolean;
}

export interface IndexSnapshot {
  /** The schema of the index and of its table. */
  readonly schema: string;
  readonly name: string;
  readonly table: string;
  /** `pg_get_indexdef`: `CREATE INDEX posts_tags_idx ON public.posts USING gin (tags)`. */
  readonly definition: string;
}

export interface ConstraintSnapshot {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly type: 'check' | 'foreign key' | 'primary key' | 'unique' | 'trigger' | 'exclusion';
  /** `pg_get_constraintdef`: `FOREIGN KEY (author_id) REFERENCES users(id) ON DELETE CASCADE`. */
  readonly definition: string;
}

export interface EnumSnapshot {
  readonly schema: string;
  readonly name: string;
  /** In sort order, which is what comparisons and `ORDER BY` use. */
  readonly values: readonly string[];
}

export interface DomainSnapshot {
  readonly schema: string;
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
  readonly default: string | null;
  /** `CONSTRAINT email_check CHECK (...)`, by name; NOT NULL is in `notNull`. */
  readonly constraints: readonly string[];
}

export interface CompositeTypeSnapshot {
  readonly schema: string;
  readonly name: string;
  /** `name type`, in attribute order. */
  readonly attributes: readonly string[];
}

/**
 * Reads the catalog of a shadow. Expressions are printed with `search_path` set to `public`
 * for the duration (and restored), so a migration's own `SET search_path` cannot change how
 * names print: objects in `public` print bare, all others schema-qualified.
 *
 * @example
 * const before = await takeCatalogSnapshot(shadow);
 * await shadow.exec(up); await shadow.exec(down);
 * const problems = diffCatalogSnapshots(before, await takeCatalogSnapshot(shadow));
 */
export async function takeCatalogSnapshot(shadow: ShadowDatabase): Promise<CatalogSnapshot> {
  const reader = new PostgresCatalogReader(shadow);
  const read = <T>(step: string, work: () => Promise<T>) => readStep(shadow, step, work);
  // One query at a time: a server shadow is one connection, which runs queries in turn anyway.
  const catalog = await read('search_path', () =>
    reader.withSearchPath('public', async () => ({
      schemas: await read('schemas', () => reader.schemas()),
      relations: await read('relations', () => reader.relations()),
      columns: await read('columns', () => reader.definedColumns()),
      sequences: await read('sequences', () => reader.sequences()),
      indexes: await read('indexes', () => reader.indexes()),
      constraints: await read('constraints', () => reader.constraints()),
      types: await read('types', () => reader.types()),
    })),
  );
  // Grouped once: a thousand tables times their columns made this the snapshot's cost.
  const columnsOf = new Map<number, DefinedColumn[]>();
  for (const column of catalog.columns) {
    const own = columnsOf.get(column.tableOid);
    if (own) own.push(column);
    else columnsOf.set(column.tableOid, [column]);
  }
  const relations: RelationSnapshot[] = [];
  for (const relation of catalog.relations) relations.push(await toRelation(relation, columnsOf.get(relation.oid) ?? []));
  return { schemas: catalog.schemas, relations, sequences: catalog.sequences, indexes: catalog.indexes, constraints: catalog.constraints, ...catalog.types };
}

/**
 * The differences between two snapshots, one line each, grouped by object (schemas, types,
 * then each relation with its columns, constraints, indexes and owned sequences) and sorted:
 * `+ index posts_tags_idx on posts: CREATE INDEX ...` only in `after`, `- column users.bio text`
 * only in `before`, `~ column posts.title: type character varying(100) → character varying(200)`
 * changed. Objects are matched by name, so a rename reads as one `-` and one `+`. The columns
 * of a relation added or removed whole are in its own line. Empty when identical.
 */
export function diffCatalogSnapshots(before: CatalogSnapshot, after: CatalogSnapshot): string[] {
  const lines = [...diffObjects(describeObjects(before), describeObjects(after)), ...diffColumnOrders(before, after)];
  return lines.sort(compareLines).map((line) => oneLine(line.text));
}

/** pg_get_viewdef prints a query on several indented lines: joined for display only, compared exactly. */
function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .join(' ');
}

/** A line of the diff, and the position of its object in the report. */
interface DiffLine {
  readonly order: readonly string[];
  readonly text: string;
}

/** A snapshot entry as the diff sees it. */
interface ComparedObject {
  readonly order: readonly string[];
  /** `column users.bio`: how `~` lines name it. */
  readonly label: string;
  /** `column users.bio text`: the whole of it, for `+` and `-` lines. */
  readonly entry: string;
  /** Compared one by one: each difference is one `~` line. */
  readonly facets: Readonly<Record<string, string>>;
  /** A column's relation: when that is added or removed whole, its line already shows the column. */
  readonly parentKey?: string;
}

function diffObjects(before: ReadonlyMap<string, ComparedObject>, after: ReadonlyMap<string, ComparedObject>): DiffLine[] {
  const lines: DiffLine[] = [];
  const onlyIn = (side: ReadonlyMap<string, ComparedObject>, other: ReadonlyMap<string, ComparedObject>, sign: string) => {
    for (const [key, object] of side) {
      if (other.has(key) || (object.parentKey !== undefined && !other.has(object.parentKey))) continue;
      lines.push({ order: object.order, text: `${sign} ${object.entry}` });
    }
  };
  onlyIn(before, after, '-');
  onlyIn(after, before, '+');
  for (const [key, old] of before) {
    const current = after.get(key);
    if (!current) continue;
    for (const [facet, value] of Object.entries(old.facets)) {
      const next = current.facets[facet] ?? 'none';
      if (next !== value) lines.push({ order: current.order, text: `~ ${old.label}: ${facet} ${value} → ${next}` });
    }
  }
  return lines;
}

/** Only the relative order of the columns both sides have: an added or dropped column is its own line. */
function diffColumnOrders(before: CatalogSnapshot, after: CatalogSnapshot): DiffLine[] {
  const afterRelations = new Map(after.relations.map((relation) => [objectKey('relation', relation.schema, relation.name), relation]));
  return before.relations.flatMap((old) => {
    const current = afterRelations.get(objectKey('relation', old.schema, old.name));
    if (!current) return [];
    const oldNames = old.columns.map((column) => column.name);
    const newNames = current.columns.map((column) => column.name);
    const sharedBefore = oldNames.filter((name) => newNames.includes(name));
    const sharedAfter = newNames.filter((name) => oldNames.includes(name));
    if (sharedBefore.every((name, index) => sharedAfter[index] === name)) return [];
    const text = `~ ${old.kind} ${tableLabel(old)}: column order ${oldNames.join(', ')} → ${newNames.join(', ')}`;
    return [{ order: relationOrder(old.schema, old.name, RANK.relation, ''), text }];
  });
}

const RANK = { relation: '0', column: '1', constraint: '2', index: '3', sequence: '4' } as const;

function relationOrder(schema: string, table: string, rank: string, name: string): string[] {
  return ['2', schema, table, rank, name];
}

function objectKey(...parts: string[]): string {
  return JSON.stringify(parts);
}

function describeObjects(snapshot: CatalogSnapshot): Map<string, ComparedObject> {
  const objects = new Map<string, ComparedObject>();
  const add = (key: string[], object: ComparedObject) => objects.set(objectKey(...key), object);
  for (const schema of snapshot.schemas) add(['schema', schema], { order: ['0', schema], label: `schema ${schema}`, entry: `schema ${schema}`, facets: {} });
  for (const type of snapshot.enums) {
    const values = type.values.map(quoteLiteral).join(', ');
    add(['enum', type.schema, type.name], { order: ['1', type.schema, type.name], label: `enum ${tableLabel(type)}`, entry: `enum ${tableLabel(type)}: ${values}`, facets: { values } });
  }
  for (const domain of snapshot.domains) {
    const facets = { type: domain.type, nullability: nullability(domain.notNull), default: orNone(domain.default), constraints: orNone(domain.constraints.join(' ') || null) };
    const definition = [domain.type, domain.notNull ? 'NOT NULL' : '', domain.default === null ? '' : `DEFAULT ${domain.default}`, ...domain.constraints].filter(Boolean).join(' ');
    add(['domain', domain.schema, domain.name], { order: ['1', domain.schema, domain.name], label: `domain ${tableLabel(domain)}`, entry: `domain ${tableLabel(domain)}: ${definition}`, facets });
  }
  for (const type of snapshot.compositeTypes) {
    const attributes = `(${type.attributes.join(', ')})`;
    add(['composite type', type.schema, type.name], { order: ['1', type.schema, type.name], label: `type ${tableLabel(type)}`, entry: `type ${tableLabel(type)}: ${attributes}`, facets: { attributes } });
  }
  for (const relation of snapshot.relations) describeRelation(relation, add);
  for (const index of snapshot.indexes) {
    const label = `index ${tableLabel(index)} on ${tableLabel({ schema: index.schema, name: index.table })}`;
    const order = relationOrder(index.schema, index.table, RANK.index, index.name);
    add(['index', index.schema, index.name], { order, label, entry: `${label}: ${index.definition}`, facets: { definition: index.definition } });
  }
  for (const constraint of snapshot.constraints) {
    const label = `constraint ${constraint.name} on ${tableLabel({ schema: constraint.schema, name: constraint.table })}`;
    const order = relationOrder(constraint.schema, constraint.table, RANK.constraint, constraint.name);
    add(['constraint', constraint.schema, constraint.table, constraint.name], { order, label, entry: `${label}: ${constraint.definition}`, facets: { definition: constraint.definition } });
  }
  for (const sequence of snapshot.sequences) describeSequence(sequence, add);
  return objects;
}

function describeRelation(relation: RelationSnapshot, add: (key: string[], object: ComparedObject) => void): void {
  const label = `${relation.kind} ${tableLabel(relation)}`;
  const parentKey = objectKey('relation', relation.schema, relation.name);
  const parts = [
    relation.definition === null ? `(${relation.columns.map((column) => `${column.name} ${columnDefinition(column)}`).join(', ')})` : relation.definition,
    relation.partitionKey === null ? '' : `PARTITION BY ${relation.partitionKey}`,
    relation.partitionOf === null ? '' : `PARTITION OF ${relation.partitionOf}`,
  ];
  add(['relation', relation.schema, relation.name], {
    order: relationOrder(relation.schema, relation.name, RANK.relation, ''),
    label,
    entry: `${label}: ${parts.filter(Boolean).join(' ')}`,
    facets: { kind: relation.kind, definition: orNone(relation.definition), 'partition key': orNone(relation.partitionKey), 'partition of': orNone(relation.partitionOf) },
  });
  for (const column of relation.columns) {
    const columnLabel = `column ${tableLabel(relation)}.${column.name}`;
    add(['column', relation.schema, relation.name, column.name], {
      order: relationOrder(relation.schema, relation.name, RANK.column, column.name),
      label: columnLabel,
      entry: `${columnLabel} ${columnDefinition(column)}`,
      facets: {
        type: column.type,
        collation: orNone(column.collation),
        nullability: nullability(column.notNull),
        default: orNone(column.default),
        identity: orNone(column.identity),
        generated: orNone(column.generated),
      },
      parentKey,
    });
  }
}

function describeSequence(sequence: SequenceSnapshot, add: (key: string[], object: ComparedObject) => void): void {
  const owner = sequence.ownedBy;
  const ownedBy = owner === null ? null : `${tableLabel({ schema: owner.schema, name: owner.table })}.${owner.column}`;
  const facets = {
    type: sequence.dataType,
    start: sequence.start,
    increment: sequence.increment,
    minimum: sequence.minimum,
    maximum: sequence.maximum,
    cache: sequence.cache,
    cycle: sequence.cycle ? 'CYCLE' : 'NO CYCLE',
    'owned by': orNone(ownedBy),
  };
  const definition = `${sequence.dataType} START ${sequence.start} INCREMENT ${sequence.increment} MINVALUE ${sequence.minimum} MAXVALUE ${sequence.maximum} CACHE ${sequence.cache} ${facets.cycle}${ownedBy === null ? '' : ` OWNED BY ${ownedBy}`}`;
  // Listed with the table whose column owns it, where a reader looks for the serial or identity.
  const order = owner === null ? ['3', sequence.schema, sequence.name] : relationOrder(owner.schema, owner.table, RANK.sequence, sequence.name);
  const label = `sequence ${tableLabel(sequence)}`;
  add(['sequence', sequence.schema, sequence.name], { order, label, entry: `${label}: ${definition}`, facets });
}

function columnDefinition(column: ColumnSnapshot): string {
  return [
    column.type,
    column.collation === null ? '' : `COLLATE ${column.collation}`,
    column.notNull ? 'NOT NULL' : '',
    column.default === null ? '' : `DEFAULT ${column.default}`,
    column.identity === null ? '' : `GENERATED ${column.identity} AS IDENTITY`,
    column.generated === null ? '' : `GENERATED ${column.generated}`,
  ]
    .filter(Boolean)
    .join(' ');
}

function nullability(notNull: boolean): string {
  return notNull ? 'NOT NULL' : 'nullable';
}

function orNone(value: string | null): string {
  return value ?? 'none';
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function compareLines(left: DiffLine, right: DiffLine): number {
  const length = Math.max(left.order.length, right.order.length);
  for (let index = 0; index < length; index += 1) {
    const a = left.order[index] ?? '';
    const b = right.order[index] ?? '';
    if (a !== b) return a < b ? -1 : 1;
  }
  return left.text < right.text ? -1 : left.text > right.text ? 1 : 0;
}

/**
 * One catalog query of a dialect's reader (SQLite's pragmas, MySQL's information_schema),
 * its failure `SHADOW_UNAVAILABLE` named after the step and the shadow, as the snapshot's own.
 */
export function readCatalog<T extends Record<string, unknown>>(shadow: ShadowDatabase, step: string, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  return readStep(shadow, step, () => shadow.query<T>(sql, params));
}

/** Runs one read of the snapshot, its failure named after the step and the shadow. */
async function readStep<T>(shadow: ShadowDatabase, step: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OrmAiError) throw error;
    throw new OrmAiError('SHADOW_UNAVAILABLE', `catalog snapshot of ${shadow.description}: reading the ${step} failed: ${describeError(error)}`, {
      hint: 'The shadow may be closed or inside a failed transaction: roll it back or open a new shadow.',
      cause: error,
    });
  }
}

/** `own`: the relation's columns, in the catalog's order. */
async function toRelation(relation: CatalogRelation, own: readonly DefinedColumn[]): Promise<RelationSnapshot> {
  return {
    schema: relation.schema,
    name: relation.name,
    kind: relation.kind,
    columns: own.map((column) => ({ name: column.name, type: column.type, notNull: column.notNull, default: column.definition.default, identity: column.identity, generated: column.definition.generated, collation: column.definition.collation })),
    definition: relation.definition === null ? null : await withoutSingleSourceQualifiers(relation.definition.trim()),
    partitionKey: relation.partitionKey,
    partitionOf: relation.partitionOf,
  };
}
