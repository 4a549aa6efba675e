import { defineSafetyRule } from '../../safety-rule.js';

type NameNode = { readonly name?: string } | null | undefined;
interface SelectNode {
  readonly expressions?: ReadonlyArray<Record<string, { name?: NameNode } | undefined>>;
  readonly from?: { readonly expressions?: ReadonlyArray<{ table?: { name?: NameNode } }> } | null;
  readonly joins?: readonly unknown[];
}

/**
 * A table recreation's copy (`INSERT INTO new (...) SELECT ... FROM old`) read from the
 * parse tree against the catalog just before it: a column both tables have that the copy
 * leaves out loses its values (the new table's default takes them), and a column the copy
 * reads that the old table lacks is no column at all. drizzle-kit 0.31 writes the second
 * when one change recreates a table and adds a column to it: better-sqlite3 then fails on
 * it, and a SQLite that accepts double-quoted strings copies the column's name as text.
 */
export const sqliteRecreationCopyMismatch = defineSafetyRule({
  id: 'sqlite-recreation-copy-mismatch',
  severity: 'error',
  phase: 'sqlite-statement',
  squawk: [],
  fix: 'Make the copy name every column the old table and the new one share, and only those: edit the INSERT INTO ... SELECT of the recreation so that a column the old table lacks is left out (it takes its default) and no kept column is forgotten.',
  *check({ statement, columnsBefore }) {
    if (statement.kind !== 'insert') return;
    const insert = statement.ast.insert as { columns?: NameNode[]; query?: { select?: SelectNode } } | undefined;
    const select = insert?.query?.select;
    const sources = select?.from?.expressions ?? [];
    if (!select || sources.length !== 1 || (select.joins ?? []).length > 0) return;
    const [target] = statement.tables;
    const source = sources[0]?.table?.name?.name;
    if (target === undefined || source === undefined) return;
    const oldColumns = columnsBefore(source);
    const newColumns = columnsBefore(target);
    if (oldColumns === null || newColumns === null) return;
    // Only a copy of plain columns is judged: `SELECT *` or expressions say what they mean.
    const read = (select.expressions ?? []).map((expression) => (expression.column ? (expression.column.name?.name ?? null) : null));
    if (read.length === 0 || read.some((name) => name === null)) return;
    const has = (columns: readonly string[], name: string) => columns.some((column) => column.toLowerCase() === name.toLowerCase());
    const missing = (read as string[]).filter((name) => !has(oldColumns, name));
    if (missing.length > 0) {
      yield `The copy into ${target} reads ${missing.map((name) => `"${name}"`).join(', ')}, which ${source} does not have: SQLite builds without double-quoted strings (better-sqlite3) refuse it, others copy the name itself as text into every row.`;
    }
    const written = (insert?.columns ?? []).map((column) => column?.name ?? '');
    const copied = written.length > 0 ? written : newColumns;
    const forgotten = oldColumns.filter((column) => has(newColumns, column) && !has(copied, column));
    if (forgotten.length > 0) {
      yield `The copy into ${target} leaves out ${forgotten.map((name) => `${source}.${name}`).join(', ')}, which ${target} keeps: their values are lost, replaced by the column's default.`;
    }
  },
});
