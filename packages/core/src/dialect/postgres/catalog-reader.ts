import type {
  CompositeTypeSnapshot,
  ConstraintSnapshot,
  DomainSnapshot,
  EnumSnapshot,
  IndexSnapshot,
  RelationKind,
  SequenceSnapshot,
} from '../../shadow/catalog-snapshot.js';
import { quotedTableName, type TableRef } from '../../table-ref.js';
import * as sql from './catalog-queries.js';
import type {
  BaseType,
  CatalogColumn,
  CatalogColumnType,
  ColumnFacts,
  PlacedColumn,
  CatalogPartition,
  CatalogRelation,
  CatalogSession,
  DefinedColumn,
  HeldLock,
  IndexedForeignKey,
  ReferencingForeignKey,
  RelationFile,
  RelationRef,
  SequenceStates,
} from './catalog-types.js';
import { sequenceStateSql } from './sequence-state-queries.js';

export type * from './catalog-types.js';

/** Which relations' columns to read: every user relation (views included), or tables by oid or by name. */
export type ColumnSelection = { readonly userRelations: true } | { readonly oids: readonly number[] } | { readonly tables: readonly TableRef[] };

/**
 * Every catalog read core makes of a PostgreSQL database, each one query, returning typed rows.
 * The reader holds no state but the session: construct one where a session is at hand.
 * Methods throw the driver's error; callers wrap it with what they were doing.
 *
 * @example
 * const reader = new PostgresCatalogReader(shadow);
 * const keys = (await reader.indexedForeignKeys()).filter((key) => !key.indexed);
 */
export class PostgresCatalogReader {
  constructor(private readonly session: CatalogSession) {}

  /**
   * Runs `work` with `search_path` set to `path`, then restores it: expressions print
   * names relative to the path, so a migration's own `SET search_path` cannot change them.
   */
  async withSearchPath<T>(path: string, work: () => Promise<T>): Promise<T> {
    const [saved] = await this.session.query<{ path: string }>(sql.SWAP_SEARCH_PATH_SQL, [path]);
    let failed = false;
    try {
      return await work();
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // After a failure inside a transaction the restore fails too; the first error is the one to report.
      const restore = this.session.query(sql.SET_SEARCH_PATH_SQL, [saved!.path]);
      if (failed) await restore.catch(() => undefined);
      else await restore;
    }
  }

  async schemas(): Promise<string[]> {
    return (await this.session.query<{ name: string }>(sql.SCHEMAS_SQL)).map((row) => row.name);
  }

  async relations(): Promise<CatalogRelation[]> {
    const rows = await this.session.query<Row & TableRef & { oid: Int8; relkind: string; definition: string | null; partitionKey: string | null; partitionOf: string | null }>(sql.RELATIONS_SQL);
    return rows.map(({ oid, schema, name, relkind, definition, partitionKey, partitionOf }) => ({ oid: Number(oid), schema, name, kind: RELATION_KINDS[relkind]!, definition, partitionKey, partitionOf }));
  }

  /** Tables' columns with their place and primary key, grouped by table oid, each table's in attnum order. */
  async columns(selection: ColumnSelection): Promise<PlacedColumn[]> {
    const [kind, params] = columnsQuery(selection);
    if (params[0]?.length === 0) return [];
    type Row = ColumnRow & { schema: string; table: string; position: number; inPrimaryKey: boolean };
    const wanted = { place: true, primaryKey: true, facts: false, expressions: false, baseTypes: false };
    // Object literals, not spreads: this maps every column of the schema, and spreads cost a third of the read.
    return (await this.session.query<Row>(sql.columnsSql(kind, wanted), params)).map((row) => ({
      tableOid: Number(row.tableOid),
      name: row.name,
      type: row.type,
      schema: row.schema,
      table: row.table,
      position: row.position,
      inPrimaryKey: row.inPrimaryKey,
    }));
  }

  /** Every user relation's columns (views included) with their facts, defaults, generation expressions and collations. */
  async definedColumns(): Promise<DefinedColumn[]> {
    type Row = Omit<FactsRow, 'hasDefault'> & { expression: string | null; collation: string | null };
    const wanted = { place: false, primaryKey: false, facts: true, expressions: true, baseTypes: false };
    return (await this.session.query<Row>(sql.columnsSql('user relations', wanted))).map((row) => ({
      tableOid: Number(row.tableOid),
      name: row.name,
      type: row.type,
      notNull: row.notNull,
      hasDefault: row.generated === '' && row.expression !== null,
      identity: identityOf(row.identity),
      generated: row.generated !== '',
      definition: {
        default: row.generated === '' ? row.expression : null,
        generated: row.generated === '' ? null : `ALWAYS AS (${row.expression}) ${GENERATED_KINDS[row.generated]}`,
        collation: row.collation,
      },
    }));
  }

  /** Tables' columns by table oid with their facts and primary key, each with its type under any domains. */
  async columnsWithBaseTypes(oids: readonly number[]): Promise<Array<CatalogColumn & ColumnFacts & { readonly inPrimaryKey: boolean; readonly base: BaseType }>> {
    if (oids.length === 0) return [];
    type Row = FactsRow & { inPrimaryKey: boolean; baseType: string; category: string; typmod: number; enumLabels: string[]; domainChecks: string[] };
    const wanted = { place: false, primaryKey: true, facts: true, expressions: false, baseTypes: true };
    return (await this.session.query<Row>(sql.columnsSql('tables by oid', wanted), [oids])).map((row) => ({
      tableOid: Number(row.tableOid),
      name: row.name,
      type: row.type,
      notNull: row.notNull,
      hasDefault: row.hasDefault && row.generated === '',
      identity: identityOf(row.identity),
      generated: row.generated !== '',
      inPrimaryKey: row.inPrimaryKey,
      base: { name: row.baseType, category: row.category, typmod: row.typmod, enumLabels: row.enumLabels, domainChecks: row.domainChecks },
    }));
  }

  async sequences(): Promise<SequenceSnapshot[]> {
    type Row = Omit<SequenceSnapshot, 'ownedBy'> & { ownerSchema: string | null; ownerTable: string | null; ownerColumn: string | null };
    return (await this.session.query<Row>(sql.SEQUENCES_SQL)).map(({ ownerSchema, ownerTable, ownerColumn, schema, name, dataType, increment, start, minimum, maximum, cache, cycle }) => {
      const ownedBy = ownerSchema !== null && ownerTable !== null && ownerColumn !== null ? { schema: ownerSchema, table: ownerTable, column: ownerColumn } : null;
      return { schema, name, ownedBy, dataType, increment, start, minimum, maximum, cache, cycle };
    });
  }

  /** Indexes of their own; those backing a primary key, unique or exclusion constraint are the constraint's. */
  async indexes(): Promise<IndexSnapshot[]> {
    return (await this.session.query<IndexSnapshot & Row>(sql.INDEXES_SQL)).map(({ schema, name, table, definition }) => ({ schema, name, table, definition }));
  }

  /** Table constraints but NOT NULL, which is the column's. */
  async constraints(): Promise<ConstraintSnapshot[]> {
    const rows = await this.session.query<Omit<ConstraintSnapshot, 'type'> & { type: string }>(sql.CONSTRAINTS_SQL);
    return rows.map(({ schema, table, name, type, definition }) => ({ schema, table, name, type: CONSTRAINT_TYPES[type]!, definition }));
  }

  /** Enums, domains and free-standing composite types, each list sorted by schema and name. */
  async types(): Promise<{ enums: EnumSnapshot[]; domains: DomainSnapshot[]; compositeTypes: CompositeTypeSnapshot[] }> {
    const rows = await this.session.query<{ schema: string; name: string; kind: string; items: string[]; baseType: string | null; notNull: boolean; default: string | null }>(sql.TYPES_SQL);
    const types = { enums: [] as EnumSnapshot[], domains: [] as DomainSnapshot[], compositeTypes: [] as CompositeTypeSnapshot[] };
    for (const { schema, name, kind, items, baseType, notNull, default: expression } of rows) {
      if (kind === 'e') types.enums.push({ schema, name, values: items });
      else if (kind === 'd') types.domains.push({ schema, name, type: baseType!, notNull, default: expression, constraints: items });
      else types.compositeTypes.push({ schema, name, attributes: items });
    }
    return types;
  }

  /** Every foreign key of the user schemas (those cloned onto partitions included), by name, with whether an index serves it. */
  async indexedForeignKeys(): Promise<IndexedForeignKey[]> {
    const rows = await this.session.query<KeyRow & { indexed: boolean }>(sql.foreignKeysSql({ references: false, indexed: true }));
    return rows.map((row) => ({ oid: Number(row.oid), name: row.name, table: { schema: row.schema, name: row.table }, columns: row.columns, indexed: row.indexed }));
  }

  /** Every foreign key of the user schemas but those cloned onto partitions, by name, with the referenced table and columns. */
  async referencingForeignKeys(): Promise<ReferencingForeignKey[]> {
    type Row = KeyRow & { tableOid: Int8; parentOid: Int8; parentSchema: string; parentName: string; referencedColumns: string[]; nullable: boolean };
    const rows = await this.session.query<Row>(sql.foreignKeysSql({ references: true, indexed: false }));
    return rows.map((row) => ({
      oid: Number(row.oid),
      name: row.name,
      table: { oid: Number(row.tableOid), schema: row.schema, name: row.table },
      columns: row.columns,
      parent: { oid: Number(row.parentOid), schema: row.parentSchema, name: row.parentName },
      referencedColumns: row.referencedColumns,
      nullable: row.nullable,
    }));
  }

  /** Ordinary and partitioned tables by name; a sequence named stands for the table it feeds. Unknown names are left out. */
  async tablesNamed(tables: readonly TableRef[]): Promise<RelationRef[]> {
    const rows = await this.session.query<{ oid: Int8; schema: string; name: string }>(sql.TABLES_NAMED_SQL, [tables.map((table) => table.schema), tables.map((table) => table.name)]);
    return rows.map((row) => ({ oid: Number(row.oid), schema: row.schema, name: row.name }));
  }

  /** Every partition and partitioned table of the database, by oid. */
  async partitionTree(): Promise<CatalogPartition[]> {
    const rows = await this.session.query<{ oid: Int8; parent: Int8 | null; bound: string | null; strategy: string | null; keyColumns: Array<string | null> | null }>(sql.PARTITION_TREE_SQL);
    return rows.map((row) => ({
      oid: Number(row.oid),
      parent: row.parent === null ? null : Number(row.parent),
      bound: row.bound,
      key: row.strategy === null ? null : { strategy: row.strategy, columns: row.keyColumns ?? [] },
    }));
  }

  async columnType(table: TableRef, column: string): Promise<CatalogColumnType | null> {
    type Row = { udt_name: string; character_maximum_length: number | null; numeric_precision: number | null; numeric_scale: number | null; datetime_precision: number | null };
    const [row] = await this.session.query<Row>(sql.COLUMN_TYPE_SQL, [table.schema, table.name, column]);
    if (!row) return null;
    // numeric without a precision reports the implementation's limits here: treat as unconstrained.
    const unconstrainedNumeric = row.udt_name === 'numeric' && row.numeric_precision === null;
    return {
      udtName: row.udt_name,
      characterMaximumLength: row.character_maximum_length,
      numericPrecision: unconstrainedNumeric ? null : row.numeric_precision,
      numericScale: unconstrainedNumeric ? null : row.numeric_scale,
      datetimePrecision: row.datetime_precision,
    };
  }

  /** The definitions (`CHECK (...)`) of the table's validated CHECK constraints. */
  async validatedChecks(table: TableRef): Promise<string[]> {
    return (await this.session.query<{ definition: string }>(sql.VALIDATED_CHECKS_SQL, [table.schema, table.name])).map((row) => row.definition);
  }

  async volatileFunctions(functionNames: readonly string[]): Promise<string[]> {
    if (functionNames.length === 0) return [];
    return (await this.session.query<{ proname: string }>(sql.VOLATILE_FUNCTIONS_SQL, [functionNames])).map((row) => row.proname);
  }

  /** The table columns of a domain or of a domain over it; `schema` null finds it on the search path. */
  async domainColumns(domain: { readonly schema: string | null; readonly name: string }): Promise<Array<{ readonly table: TableRef; readonly column: string }>> {
    const rows = await this.session.query<{ schema: string; table: string; column: string }>(sql.DOMAIN_COLUMNS_SQL, [domain.schema, domain.name]);
    return rows.map((row) => ({ table: { schema: row.schema, name: row.table }, column: row.column }));
  }

  /** The column a sequence feeds (identity, serial or OWNED BY) and its START; `schema` null finds it on the search path. */
  async sequenceColumn(sequence: { readonly schema: string | null; readonly name: string }): Promise<{ readonly table: TableRef; readonly column: string; readonly start: bigint } | null> {
    const [row] = await this.session.query<{ schema: string; table: string; column: string; start: string }>(sql.SEQUENCE_COLUMN_SQL, [sequence.schema, sequence.name]);
    return row ? { table: { schema: row.schema, name: row.table }, column: row.column, start: BigInt(row.start) } : null;
  }

  /** The sequence behind an identity or serial column. */
  async columnSequence(table: TableRef, column: string): Promise<{ readonly schema: string; readonly name: string } | null> {
    const [row] = await this.session.query<{ schema: string; name: string }>(sql.COLUMN_SEQUENCE_SQL, [quotedTableName(table), column]);
    return row ?? null;
  }

  async relationFiles(): Promise<RelationFile[]> {
    type FileRow = { oid: Int8; schema: string; name: string; kind: string; filenode: Int8; owner_oid: Int8; owner_schema: string; owner_name: string; toast: boolean; column_positions: number[]; column_names: string[] };
    return (await this.session.query<FileRow>(sql.RELATION_FILES_SQL)).map((row) => ({
      oid: Number(row.oid),
      schema: row.schema,
      name: row.name,
      kind: row.kind,
      filenode: Number(row.filenode),
      table: { oid: Number(row.owner_oid), schema: row.owner_schema, name: row.owner_name },
      toast: row.toast,
      columns: row.column_positions.map((position, index) => ({ position, name: row.column_names[index]! })),
    }));
  }

  async userTables(): Promise<TableRef[]> {
    return this.session.query<{ schema: string; name: string }>(sql.USER_TABLES_SQL);
  }

  async ancestors(table: TableRef): Promise<TableRef[]> {
    return this.session.query<{ schema: string; name: string }>(sql.ANCESTORS_SQL, [table.schema, table.name]);
  }

  async relationKind(table: TableRef): Promise<string | null> {
    const [row] = await this.session.query<{ kind: string }>(sql.RELATION_KIND_SQL, [table.schema, table.name]);
    return row?.kind ?? null;
  }

  async heldLocks(): Promise<HeldLock[]> {
    const rows = await this.session.query<{ oid: Int8; schema: string | null; name: string | null; mode: string }>(sql.HELD_LOCKS_SQL);
    return rows.map((row) => ({ ...row, oid: Number(row.oid) }));
  }

  /** Whether a type by this name (`numeric(10,2)`, `mood`) exists now. */
  async typeExists(type: string): Promise<boolean> {
    const [row] = await this.session.query<{ type: string | null }>(sql.TYPE_EXISTS_SQL, [type]);
    return Boolean(row?.type);
  }

  /** Where every sequence the session's role may set stands now. */
  async sequenceStates(): Promise<SequenceStates> {
    const rows = await this.session.query<{ oid: Int8; last_value: string; is_called: boolean; cached: boolean }>((await this.#sequenceSql()).read);
    return { oids: rows.map((row) => Number(row.oid)), lastValues: rows.map((row) => row.last_value), isCalled: rows.map((row) => row.is_called), cached: rows.map((row) => row.cached) };
  }

  /** Sets back the sequences that moved since `before` (and the cached ones); returns how many. */
  async restoreSequenceStates(before: SequenceStates): Promise<number> {
    if (before.oids.length === 0) return 0;
    const [row] = await this.session.query<{ moved: number }>((await this.#sequenceSql()).restore, [before.oids, before.lastValues, before.isCalled, before.cached]);
    return row?.moved ?? 0;
  }

  /** Planner row estimates by `schema.table`; a table never analyzed (reltuples -1) is left out. */
  async tableStatistics(): Promise<Map<string, number>> {
    const rows = await this.session.query<{ schema: string; name: string; rows: number }>(sql.TABLE_STATISTICS_SQL);
    return new Map(rows.filter((row) => Number(row.rows) >= 0).map((row) => [`${row.schema}.${row.name}`, Math.round(Number(row.rows))]));
  }

  async #sequenceSql(): Promise<{ read: string; restore: string }> {
    const known = sequenceSqlBySession.get(this.session);
    if (known) return known;
    const [version] = await this.session.query<{ num: number }>(sql.SERVER_VERSION_NUM_SQL);
    const chosen = sequenceStateSql(version?.num ?? 0);
    sequenceSqlBySession.set(this.session, chosen);
    return chosen;
  }
}

/** node-postgres returns int8 as text, PGlite as a number. */
type Int8 = number | string;
type Row = Record<string, unknown>;
type ColumnRow = { tableOid: Int8; name: string; type: string };
type KeyRow = { oid: Int8; name: string; schema: string; table: string; columns: string[] };
type FactsRow = ColumnRow & { notNull: boolean; hasDefault: boolean; identity: string; generated: string };

/** The version-chosen sequence queries, once per session. */
const sequenceSqlBySession = new WeakMap<CatalogSession, { read: string; restore: string }>();

const RELATION_KINDS: Readonly<Record<string, RelationKind>> = { r: 'table', p: 'partitioned table', v: 'view', m: 'materialized view', f: 'foreign table' };
const CONSTRAINT_TYPES: Readonly<Record<string, ConstraintSnapshot['type']>> = { c: 'check', f: 'foreign key', p: 'primary key', u: 'unique', t: 'trigger', x: 'exclusion' };
const GENERATED_KINDS: Readonly<Record<string, string>> = { s: 'STORED', v: 'VIRTUAL' };

function columnsQuery(selection: ColumnSelection): [sql.ColumnsSelection, unknown[][]] {
  if ('userRelations' in selection) return ['user relations', []];
  if ('oids' in selection) return ['tables by oid', [[...selection.oids]]];
  return ['tables by name', [selection.tables.map((table) => table.schema), selection.tables.map((table) => table.name)]];
}

function identityOf(attidentity: string): ColumnFacts['identity'] {
  return attidentity === 'a' ? 'ALWAYS' : attidentity === 'd' ? 'BY DEFAULT' : null;
}

