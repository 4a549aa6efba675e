import type { ColumnSnapshot, RelationSnapshot } from '../../shadow/catalog-snapshot.js';
import type { TableRef } from '../../table-ref.js';

/** Where the reader runs its queries: a shadow, a second session on one, or a plain client. */
export interface CatalogSession {
  query<Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** A table or other relation with its oid, which follows it through a rename. */
export type RelationRef = TableRef & { readonly oid: number };

/**
 * A column of a user relation (attnum > 0, not dropped), as the catalog snapshot, the seeder
 * and the table contents read it: one read serves all three, each adding the facts it needs.
 */
export interface CatalogColumn {
  readonly tableOid: number;
  readonly name: string;
  /** `format_type`: `character varying(100)`, `mood`, `text[]`. */
  readonly type: string;
}

/** Where a column is: its table's name and its `attnum`, which a rename keeps and a drop and re-add does not. */
export interface ColumnPlace {
  readonly schema: string;
  readonly table: string;
  readonly position: number;
}

/** A column with its place and whether it is part of the table's primary key: what the table contents read. */
export type PlacedColumn = CatalogColumn & ColumnPlace & { readonly inPrimaryKey: boolean };

/** What an insert must respect of a column, and what fills it when the insert leaves it out. */
export interface ColumnFacts {
  readonly notNull: boolean;
  /** A DEFAULT of its own (a generated column's expression is not one). */
  readonly hasDefault: boolean;
  readonly identity: 'ALWAYS' | 'BY DEFAULT' | null;
  /** Generated (STORED or VIRTUAL): the database computes it. */
  readonly generated: boolean;
}

/** A column with its facts and its expressions deparsed: what the snapshot prints of it. */
export interface DefinedColumn extends CatalogColumn, ColumnFacts {
  readonly definition: Pick<ColumnSnapshot, 'default' | 'generated' | 'collation'>;
}

/** A column's type under all its domains, for generating values it accepts. */
export interface BaseType {
  /** The type's internal name: `varchar`, `int4`, `mood`. */
  readonly name: string;
  /** pg_type.typcategory: `S` string, `N` numeric, `A` array, ... */
  readonly category: string;
  /** The typmod that applies to the base type (a domain's own, for a domain column). */
  readonly typmod: number;
  /** An enum's labels in sort order; empty for other types. */
  readonly enumLabels: readonly string[];
  /** The CHECKs of the domains the column's type goes through (`CHECK ((VALUE > 0))`). */
  readonly domainChecks: readonly string[];
}

/** A relation of the user schemas; `definition` is `pg_get_viewdef`'s text as printed. */
export type CatalogRelation = Omit<RelationSnapshot, 'columns'> & { readonly oid: number };

/** A column's type as the catalog holds it (information_schema's terms). */
export interface CatalogColumnType {
  /** The type's internal name: `varchar`, `numeric`, `timestamptz`, `int4`. */
  readonly udtName: string;
  readonly characterMaximumLength: number | null;
  readonly numericPrecision: number | null;
  readonly numericScale: number | null;
  readonly datetimePrecision: number | null;
}

export interface ForeignKey {
  readonly oid: number;
  readonly name: string;
  /** The referencing table. */
  readonly table: TableRef;
  /** The referencing columns, in key order. */
  readonly columns: readonly string[];
}

/** A foreign key with what the safety analysis asks of it. */
export interface IndexedForeignKey extends ForeignKey {
  /** Whether some index on the table has exactly these columns as its leading columns. */
  readonly indexed: boolean;
}

/** A foreign key with what the seeder asks of it. */
export interface ReferencingForeignKey extends ForeignKey {
  readonly table: RelationRef;
  /** The referenced table. */
  readonly parent: RelationRef;
  /** The referenced columns, in key order. */
  readonly referencedColumns: readonly string[];
  /** All its columns are nullable, so a row may leave it NULL. */
  readonly nullable: boolean;
}

/** A partition (with its parent and bound), a partitioned table (with its key), or both. */
export interface CatalogPartition {
  readonly oid: number;
  /** The parent's oid and `pg_get_expr(relpartbound)`, for a partition; else null. */
  readonly parent: number | null;
  readonly bound: string | null;
  /** For a partitioned table, its strategy (`r`, `l`, `h`) and key columns (null for an expression); else null. */
  readonly key: { readonly strategy: string; readonly columns: ReadonlyArray<string | null> } | null;
}

/** One relation and its storage file: a changed `relfilenode` is a rewrite (of a table) or a rebuild (of an index). */
export interface RelationFile {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  /** `r` table, `p` partitioned table, `m` materialized view, `i` index, `t` a table's TOAST table. */
  readonly kind: string;
  readonly filenode: number;
  /**
   * The user table or materialized view the relation's storage belongs to: itself, an
   * index's table, a TOAST table's owner, a TOAST index's owner.
   */
  readonly table: RelationRef;
  /** A TOAST table or a TOAST index (in pg_toast, named after an oid): reported by its owner's name. */
  readonly toast: boolean;
  /**
   * A table's or materialized view's columns (`attnum` > 0, not dropped) by position, which a
   * rename keeps; empty for an index or a TOAST relation.
   */
  readonly columns: readonly RelationColumn[];
}

/** A column by its position (`attnum`) and its name. */
export interface RelationColumn {
  readonly position: number;
  readonly name: string;
}

export interface HeldLock {
  readonly oid: number;
  readonly schema: string | null;
  readonly name: string | null;
  readonly mode: string;
}

/**
 * Where each sequence of a shadow stood, to set back after a rolled-back run: `nextval` and
 * `setval` are not transactional, so a rollback leaves the sequences a run moved (seeding rows
 * into a serial column, a migration's setval) where the run left them.
 */
export interface SequenceStates {
  readonly oids: readonly number[];
  /** As text: a bigint need not fit a JavaScript number. */
  readonly lastValues: readonly string[];
  readonly isCalled: readonly boolean[];
  /**
   * CACHE above 1: `nextval` hands out values the session cached without touching the stored
   * state, so an unchanged state does not prove an unmoved sequence. These are always set
   * back; setval also empties the session's cache, so the next run starts from the stored state.
   */
  readonly cached: readonly boolean[];
}
