import { Dialect, generate } from '@polyglot-sql/sdk';
import { parseSql } from './parser.js';

/**
 * What SQLite's pragmas do not say about a table, read from its CREATE TABLE text in
 * `sqlite_schema`: its checks, its generated columns' expressions and whether its key is
 * AUTOINCREMENT. Expressions are printed by the parser, so the same check written with other
 * spacing or case reads the same (`length(title) > 0` as `LENGTH(title) > 0`).
 */
export interface CreateTableParts {
  /** Table and column checks, in the order written. */
  readonly checks: readonly string[];
  /** Generated columns' expressions, by column name. */
  readonly generated: ReadonlyMap<string, string>;
  readonly autoincrement: boolean;
  /** The CREATE TABLE text when the parser cannot read it (a STRICT table): compared whole instead. */
  readonly unread: string | null;
}

interface ColumnNode {
  readonly name: { readonly name: string };
  readonly auto_increment?: boolean;
  readonly constraints?: ReadonlyArray<Record<string, unknown>>;
}

/** The parts of a `CREATE TABLE` statement's text. */
export async function createTableParts(sql: string): Promise<CreateTableParts> {
  const parsed = await parseSql(sql);
  const table = parsed.ok && parsed.statements.length === 1 ? (parsed.statements[0]!.ast.create_table as { columns?: ColumnNode[]; constraints?: Array<Record<string, unknown>> } | undefined) : undefined;
  if (!table) return { checks: [], generated: new Map(), autoincrement: false, unread: sql };
  const columns = table.columns ?? [];
  const checks = [
    ...columns.flatMap((column) => (column.constraints ?? []).flatMap((constraint) => ('Check' in constraint ? [printed(constraint.Check)] : []))),
    ...(table.constraints ?? []).flatMap((constraint) => ('Check' in constraint ? [printed((constraint.Check as { expression: unknown }).expression)] : [])),
  ];
  const generated = new Map(
    columns.flatMap((column) =>
      (column.constraints ?? []).flatMap((constraint) => ('ComputedColumn' in constraint ? [[column.name.name, printed((constraint.ComputedColumn as { expression: unknown }).expression)] as const] : [])),
    ),
  );
  return { checks, generated, autoincrement: columns.some((column) => column.auto_increment === true), unread: null };
}

/** A partial index's WHERE condition, printed by the parser; null for a full index or text that does not parse. */
export async function partialIndexCondition(sql: string): Promise<string | null> {
  const parsed = await parseSql(sql);
  const index = parsed.ok && parsed.statements.length === 1 ? (parsed.statements[0]!.ast.create_index as { where_clause?: unknown } | undefined) : undefined;
  return index?.where_clause ? printed(index.where_clause) : null;
}

function printed(expression: unknown): string {
  const result = generate([expression] as never, Dialect.SQLite);
  return result.success && result.sql?.[0] !== undefined ? result.sql[0] : JSON.stringify(expression);
}
