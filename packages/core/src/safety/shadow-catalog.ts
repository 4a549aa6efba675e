import { PostgresCatalogReader, type CatalogColumnType, type HeldLock, type IndexedForeignKey, type RelationFile } from '../dialect/postgres/catalog-reader.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';
import { parseSql } from '../dialect/postgres/parser.js';
import { quotedTableName, quoteIdentifier, type TableRef } from '../table-ref.js';
import { names, nodeOf } from './statement-ast.js';

export type { CatalogColumnType, ForeignKey, HeldLock, IndexedForeignKey, RelationColumn, RelationFile } from '../dialect/postgres/catalog-reader.js';

/** A sequence's column: where a restart would send it, against what the column holds. */
export interface SequenceColumn {
  readonly table: TableRef;
  readonly column: string;
  /** The sequence's START value: where a RESTART without WITH goes. */
  readonly start: bigint;
  /** The column's largest value on the shadow; null when it holds no rows. */
  readonly max: bigint | null;
}

/**
 * What the safety analysis asks the shadow's catalog: the state just before a statement
 * runs, so a rule judges `ALTER COLUMN TYPE` against the column's real type, not a guess.
 */
export class ShadowCatalog {
  readonly #reader: PostgresCatalogReader;

  constructor(private readonly shadow: ShadowDatabase) {
    this.#reader = new PostgresCatalogReader(shadow);
  }

  async column(table: TableRef, column: string): Promise<CatalogColumnType | null> {
    return this.#reader.columnType(table, column);
  }

  /** Whether a validated `CHECK (column IS NOT NULL)` lets SET NOT NULL skip its scan. */
  async hasValidatedNotNullCheck(table: TableRef, column: string): Promise<boolean> {
    for (const definition of await this.#reader.validatedChecks(table)) {
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

  /**
   * Whether the table has any validated CHECK constraint. Whether one implies a partition bound is
   * PostgreSQL's proof to make (ATTACH PARTITION then skips its scan); without any, it cannot.
   */
  async hasValidatedCheck(table: TableRef): Promise<boolean> {
    return (await this.#reader.validatedChecks(table)).length > 0;
  }

  /** Which of these functions are volatile (a default calling one rewrites the table). */
  async volatileFunctions(functionNames: readonly string[]): Promise<string[]> {
    return this.#reader.volatileFunctions(functionNames);
  }

  /**
   * The table columns of a domain (or of a domain over it): what `ALTER DOMAIN ... ADD
   * CONSTRAINT` checks row by row. `schema` null finds the domain on the search path.
   */
  async domainColumns(domain: { readonly schema: string | null; readonly name: string }): Promise<Array<{ readonly table: TableRef; readonly column: string }>> {
    return this.#reader.domainColumns(domain);
  }

  /**
   * The column a sequence feeds (identity, serial or OWNED BY), where its next value would
   * restart, and the column's largest value now. `schema` null finds the sequence on the search path.
   */
  async sequenceColumn(sequence: { readonly schema: string | null; readonly name: string }): Promise<SequenceColumn | null> {
    const fed = await this.#reader.sequenceColumn(sequence);
    if (!fed) return null;
    const [max] = await this.shadow.query<{ max: string | null }>(`SELECT max(${quoteIdentifier(fed.column)})::text AS max FROM ${quotedTableName(fed.table)}`);
    return { ...fed, max: max?.max == null ? null : BigInt(max.max) };
  }

  /** The sequence behind an identity or serial column, by its table and column. */
  async columnSequence(table: TableRef, column: string): Promise<{ readonly schema: string; readonly name: string } | null> {
    return this.#reader.columnSequence(table, column);
  }

  /**
   * Every user relation with its storage file, to tell a rewrite or a rebuild from an
   * in-place change: tables, partitioned tables, materialized views, their indexes, and
   * their TOAST tables and TOAST indexes (which live in pg_toast), each with the table it
   * belongs to, and the tables' columns (in the same query: it runs before and after every statement).
   */
  async relationFiles(): Promise<RelationFile[]> {
    return this.#reader.relationFiles();
  }

  /** Every user table, partitions left out (their rows are read through their partitioned table). */
  async userTables(): Promise<TableRef[]> {
    return this.#reader.userTables();
  }

  /** The tables a table inherits from, directly or not (a partition's partitioned tables, an INHERITS child's parents). */
  async ancestors(table: TableRef): Promise<TableRef[]> {
    return this.#reader.ancestors(table);
  }

  /** The relation's kind (`r`, `p` partitioned, `m`, `v`, ...), or null when there is none by that name. */
  async relationKind(table: TableRef): Promise<string | null> {
    return this.#reader.relationKind(table);
  }

  /**
   * The relation locks this session holds now (inside the statement's transaction). A
   * relation dropped by the statement has no catalog row any more: its name is null here
   * and the caller names it from the state before.
   */
  async heldLocks(): Promise<HeldLock[]> {
    return this.#reader.heldLocks();
  }

  /** Every foreign key of the user schemas (those cloned onto partitions included), by name. */
  async foreignKeys(): Promise<IndexedForeignKey[]> {
    return this.#reader.indexedForeignKeys();
  }
}
