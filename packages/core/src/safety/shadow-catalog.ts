import { userSchemasOnly } from '../shadow/user-schemas.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';
import { parseSql } from '../dialect/postgres/parser.js';
import { quotedTableName, quoteIdentifier, type TableRef } from '../table-ref.js';
import { names, nodeOf } from './statement-ast.js';

/** A column's type as the catalog holds it (information_schema's terms). */
export interface CatalogColumn {
  /** The type's internal name: `varchar`, `numeric`, `timestamptz`, `int4`. */
  readonly udtName: string;
  readonly characterMaximumLength: number | null;
  readonly numericPrecision: number | null;
  readonly numericScale: number | null;
  readonly datetimePrecision: number | null;
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
  readonly table: TableRef & { readonly oid: number };
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

export interface ForeignKey {
  readonly oid: number;
  readonly name: string;
  readonly table: TableRef;
  readonly columns: readonly string[];
  /** Whether some index on the table has exactly these columns as its leading columns. */
  readonly indexed: boolean;
}

/** A sequence's column: where a restart would send it, against what the column holds. */
export interface SequenceColumn {
  readonly table: TableRef;
  readonly column: string;
  /** The sequence's START value: where a RESTART without WITH goes. */
  readonly start: bigint;
  /** The column's largest value on the shadow; null when it holds no rows. */
  readonly max: bigint | null;
}

const USER_SCHEMAS = userSchemasOnly('n.nspname');

/**
 * What the safety analysis asks the shadow's catalog: the state just before a statement
 * runs, so a rule judges `ALTER COLUMN TYPE` against the column's real type, not a guess.
 */
export class ShadowCatalog {
  constructor(private readonly shadow: ShadowDatabase) {}

  async column(table: TableRef, column: string): Promise<CatalogColumn | null> {
    const rows = await this.shadow.query<{
      udt_name: string;
      character_maximum_length: number | null;
      numeric_precision: number | null;
      numeric_scale: number | null;
      datetime_precision: number | null;
    }>(
      `SELECT udt_name, character_maximum_length, numeric_precision, numeric_scale, datetime_precision
         FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3`,
      [table.schema, table.name, column],
    );
    const row = rows[0];
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

  /** Whether a validated `CHECK (column IS NOT NULL)` lets SET NOT NULL skip its scan. */
  async hasValidatedNotNullCheck(table: TableRef, column: string): Promise<boolean> {
    const rows = await this.shadow.query<{ definition: string }>(
      `SELECT pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1 AND t.relname = $2 AND c.contype = 'c' AND c.convalidated`,
      [table.schema, table.name],
    );
    for (const { definition } of rows) {
      const parsed = await parseSql(`ALTER TABLE t ADD ${definition}`);
      if (!parsed.ok) continue;
      const command = nodeOf<{ cmds?: unknown[] }>(parsed.statements[0]!.ast, 'AlterTableStmt')?.cmds?.[0];
      const check = nodeOf<{ raw_expr?: unknown }>(nodeOf<{ def?: unknown }>(command, 'AlterTableCmd')?.def, 'Constraint');
      const test = nodeOf<{ nulltesttype?: string; arg?: unknown }>(check?.raw_expr, 'NullTest');
      const tested = names(nodeOf<{ fields?: unknown }>(test?.arg, 'ColumnRef')?.fields).at(-1);
      if (test?.nulltesttype === 'IS_NOT_NULL' && tested === column) return true;
    }
    return false;
  }

  /** Which of these functions are volatile (a default calling one rewrites the table). */
  async volatileFunctions(functionNames: readonly string[]): Promise<string[]> {
    if (functionNames.length === 0) return [];
    const rows = await this.shadow.query<{ proname: string }>(
      "SELECT DISTINCT proname FROM pg_proc WHERE proname = ANY($1::text[]) AND provolatile = 'v'",
      [functionNames],
    );
    return rows.map((row) => row.proname);
  }

  /**
   * The table columns of a domain (or of a domain over it): what `ALTER DOMAIN ... ADD
   * CONSTRAINT` checks row by row. `schema` null finds the domain on the search path.
   */
  async domainColumns(domain: { readonly schema: string | null; readonly name: string }): Promise<Array<{ readonly table: TableRef; readonly column: string }>> {
    const rows = await this.shadow.query<{ schema: string; table: string; column: string }>(
      `WITH RECURSIVE domains AS (
         SELECT t.oid FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE t.typtype = 'd' AND t.typname = $2 AND (n.nspname = $1 OR ($1 IS NULL AND pg_type_is_visible(t.oid)))
         UNION SELECT t.oid FROM pg_type t JOIN domains d ON t.typbasetype = d.oid WHERE t.typtype = 'd'
       )
       SELECT n.nspname AS schema, c.relname AS table, a.attname AS column
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE a.atttypid IN (SELECT oid FROM domains) AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm')
        ORDER BY n.nspname, c.relname, a.attnum`,
      [domain.schema, domain.name],
    );
    return rows.map((row) => ({ table: { schema: row.schema, name: row.table }, column: row.column }));
  }

  /**
   * The column a sequence feeds (identity, serial or OWNED BY), where its next value would
   * restart, and the column's largest value now. `schema` null finds the sequence on the search path.
   */
  async sequenceColumn(sequence: { readonly schema: string | null; readonly name: string }): Promise<SequenceColumn | null> {
    const [row] = await this.shadow.query<{ schema: string; table: string; column: string; start: string }>(
      `SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, s.seqstart::text AS start
         FROM pg_class q JOIN pg_namespace qn ON qn.oid = q.relnamespace JOIN pg_sequence s ON s.seqrelid = q.oid
         JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = q.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
         JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
        WHERE q.relkind = 'S' AND q.relname = $2 AND (qn.nspname = $1 OR ($1 IS NULL AND pg_table_is_visible(q.oid)))`,
      [sequence.schema, sequence.name],
    );
    if (!row) return null;
    const table = { schema: row.schema, name: row.table };
    const [max] = await this.shadow.query<{ max: string | null }>(`SELECT max(${quoteIdentifier(row.column)})::text AS max FROM ${quotedTableName(table)}`);
    return { table, column: row.column, start: BigInt(row.start), max: max?.max == null ? null : BigInt(max.max) };
  }

  /** The sequence behind an identity or serial column, by its table and column. */
  async columnSequence(table: TableRef, column: string): Promise<{ readonly schema: string; readonly name: string } | null> {
    const [row] = await this.shadow.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, q.relname AS name FROM pg_class q JOIN pg_namespace n ON n.oid = q.relnamespace
        WHERE q.oid = pg_get_serial_sequence($1, $2)::regclass`,
      [quotedTableName(table), column],
    );
    return row ?? null;
  }

  /**
   * Every user relation with its storage file, to tell a rewrite or a rebuild from an
   * in-place change: tables, partitioned tables, materialized views, their indexes, and
   * their TOAST tables and TOAST indexes (which live in pg_toast), each with the table it
   * belongs to, and the tables' columns (in the same query: it runs before and after every statement).
   */
  async relationFiles(): Promise<RelationFile[]> {
    const rows = await this.shadow.query<{
      oid: number;
      schema: string;
      name: string;
      kind: string;
      filenode: number;
      owner_oid: number;
      owner_schema: string;
      owner_name: string;
      toast: boolean;
      column_positions: number[];
      column_names: string[];
    }>(
      `WITH owners AS (
         SELECT c.oid, n.nspname, c.relname, c.reltoastrelid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE ${USER_SCHEMAS} AND c.relkind IN ('r', 'p', 'm')
       ), owned AS (
         SELECT o.oid AS relation, o.oid AS owner, false AS toast FROM owners o
         UNION ALL SELECT i.indexrelid, o.oid, false FROM owners o JOIN pg_index i ON i.indrelid = o.oid
         UNION ALL SELECT o.reltoastrelid, o.oid, true FROM owners o WHERE o.reltoastrelid <> 0
         UNION ALL SELECT i.indexrelid, o.oid, true FROM owners o JOIN pg_index i ON i.indrelid = o.reltoastrelid WHERE o.reltoastrelid <> 0
       )
       SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, c.relfilenode::int8 AS filenode,
              o.oid::int8 AS owner_oid, o.nspname AS owner_schema, o.relname AS owner_name, owned.toast,
              columns.positions AS column_positions, columns.names AS column_names
         FROM owned
         CROSS JOIN LATERAL (
           SELECT coalesce(array_agg(a.attnum::int4 ORDER BY a.attnum), '{}') AS positions, coalesce(array_agg(a.attname::text ORDER BY a.attnum), '{}') AS names
             FROM pg_attribute a WHERE a.attrelid = owned.relation AND owned.relation = owned.owner AND a.attnum > 0 AND NOT a.attisdropped
         ) columns JOIN pg_class c ON c.oid = owned.relation JOIN pg_namespace n ON n.oid = c.relnamespace JOIN owners o ON o.oid = owned.owner`,
    );
    return rows.map(({ owner_oid, owner_schema, owner_name, column_positions, column_names, ...row }) => ({
      ...row,
      oid: Number(row.oid),
      filenode: Number(row.filenode),
      table: { oid: Number(owner_oid), schema: owner_schema, name: owner_name },
      columns: column_positions.map((position, index) => ({ position, name: column_names[index]! })),
    }));
  }

  /** Every user table, partitions left out (their rows are read through their partitioned table). */
  async userTables(): Promise<TableRef[]> {
    return this.shadow.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE ${USER_SCHEMAS} AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1, 2`,
    );
  }

  /** The tables a table inherits from, directly or not (a partition's partitioned tables, an INHERITS child's parents). */
  async ancestors(table: TableRef): Promise<TableRef[]> {
    return this.shadow.query<{ schema: string; name: string }>(
      `WITH RECURSIVE up AS (
         SELECT i.inhparent AS oid FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relname = $2
         UNION SELECT i.inhparent FROM pg_inherits i JOIN up ON i.inhrelid = up.oid
       )
       SELECT n.nspname AS schema, c.relname AS name FROM up JOIN pg_class c ON c.oid = up.oid JOIN pg_namespace n ON n.oid = c.relnamespace`,
      [table.schema, table.name],
    );
  }

  /** The relation's kind (`r`, `p` partitioned, `m`, `v`, ...), or null when there is none by that name. */
  async relationKind(table: TableRef): Promise<string | null> {
    const rows = await this.shadow.query<{ kind: string }>(
      'SELECT c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2',
      [table.schema, table.name],
    );
    return rows[0]?.kind ?? null;
  }

  /**
   * The relation locks this session holds now (inside the statement's transaction). A
   * relation dropped by the statement has no catalog row any more: its name is null here
   * and the caller names it from the state before.
   */
  async heldLocks(): Promise<HeldLock[]> {
    const rows = await this.shadow.query<{ oid: number; schema: string | null; name: string | null; mode: string }>(
      `SELECT l.relation::int8 AS oid, n.nspname AS schema, c.relname AS name, l.mode
         FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE l.locktype = 'relation' AND l.pid = pg_backend_pid() AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND (n.nspname IS NULL OR (${USER_SCHEMAS}))`,
    );
    return rows.map((row) => ({ ...row, oid: Number(row.oid) }));
  }

  async foreignKeys(): Promise<ForeignKey[]> {
    const rows = await this.shadow.query<{ oid: number; name: string; schema: string; table: string; columns: string[]; indexed: boolean }>(
      `SELECT c.oid::int8 AS oid, c.conname AS name, n.nspname AS schema, t.relname AS table,
              ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, position)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) AS columns,
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid
                        AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
                        AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey) AS indexed
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE c.contype = 'f' AND ${USER_SCHEMAS}`,
    );
    return rows.map((row) => ({ oid: Number(row.oid), name: row.name, table: { schema: row.schema, name: row.table }, columns: row.columns, indexed: row.indexed }));
  }

}
