import { loadModule, parsePlPgSQLSync, parseSync } from 'libpg-query';
import { describeError } from '../../errors.js';

/**
 * The one home of SQL parsing: PostgreSQL's own parser (libpg_query, compiled to WebAssembly).
 * Everything that needs to know what a statement is asks this module; nothing in the project
 * looks at SQL text with regular expressions.
 */

/** A statement as the parser sees it, with where it starts in its file (1-based line). */
export interface ParsedStatement {
  readonly sql: string;
  readonly line: number;
  /** The parse tree node of the statement, keyed by node type (`{ IndexStmt: {...} }`). */
  readonly ast: Record<string, unknown>;
}

export type SqlParseResult =
  | { ok: true; statements: ParsedStatement[] }
  | { ok: false; message: string; line: number | null };

let loaded: Promise<void> | undefined;
let ready = false;

/** Loads the WebAssembly parser once; every parse function awaits it. */
export function loadSqlParser(): Promise<void> {
  loaded ??= loadModule().then(() => {
    ready = true;
  });
  return loaded;
}

/** Splits SQL text into statements with their lines, or says where it does not parse. */
export async function parseSql(text: string): Promise<SqlParseResult> {
  await loadSqlParser();
  return parseSqlNow(text);
}

/**
 * `parseSql` for code that cannot await (a plugin's `filesFor`): `await loadSqlParser()`
 * must have settled before; throws when it has not, rather than call the text unparsable.
 */
export function parseSqlNow(text: string): SqlParseResult {
  if (!ready) throw new Error('the SQL parser is not loaded yet: await loadSqlParser() first');
  let result: ReturnType<typeof parseSync>;
  try {
    result = parseSync(text);
  } catch (error) {
    const position = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
    return { ok: false, message: describeError(error), line: position === undefined ? null : lineAt(newlineOffsets(Buffer.from(text, 'utf8')), position) };
  }
  // The parser reports byte offsets into the UTF-8 text, not string indexes.
  const bytes = Buffer.from(text, 'utf8');
  const newlines = newlineOffsets(bytes);
  const statements = (result.stmts ?? []).map((entry) => {
    const start = entry.stmt_location ?? 0;
    const end = entry.stmt_len ? start + entry.stmt_len : bytes.length;
    const raw = bytes.subarray(start, end).toString('utf8');
    const leading = raw.length - raw.trimStart().length;
    return {
      sql: raw.trim(),
      line: lineAt(newlines, start + Buffer.byteLength(raw.slice(0, leading))),
      ast: (entry.stmt ?? {}) as Record<string, unknown>,
    };
  });
  return { ok: true, statements };
}

/** The node type of a parsed statement: `IndexStmt`, `AlterTableStmt`, ... */
export function statementKind(statement: ParsedStatement): string {
  return Object.keys(statement.ast)[0] ?? 'Unknown';
}

/**
 * A `DO` block's PL/pgSQL, as PostgreSQL's own PL/pgSQL parser sees it: whether it commits or
 * rolls back inside (then it cannot run inside a transaction block, as a batched backfill that
 * commits each batch), and the SQL it runs. Null for anything but a DO block in PL/pgSQL.
 * Needs `loadSqlParser()` to have finished, as every `parseSql` has.
 */
export function doBlockBody(statement: ParsedStatement): { readonly commits: boolean; readonly queries: readonly string[] } | null {
  if (statementKind(statement) !== 'DoStmt') return null;
  const args = ((statement.ast.DoStmt as { args?: unknown[] }).args ?? []).map((arg) => (arg as { DefElem?: { defname?: string; arg?: { String?: { sval?: string } } } }).DefElem);
  const language = args.find((arg) => arg?.defname === 'language')?.arg?.String?.sval ?? 'plpgsql';
  if (language !== 'plpgsql') return null;
  let tree: unknown;
  try {
    tree = parsePlPgSQLSync(statement.sql);
  } catch {
    return null;
  }
  let commits = false;
  const queries: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'PLpgSQL_stmt_commit' || key === 'PLpgSQL_stmt_rollback') commits = true;
      if (key === 'PLpgSQL_expr' && typeof (inner as { query?: unknown }).query === 'string') queries.push((inner as { query: string }).query);
      visit(inner);
    }
  };
  visit(tree);
  return { commits, queries };
}

/** The byte offset of every newline, in order: a migration of thousands of statements finds each line in O(log n). */
function newlineOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) offsets.push(at);
  return offsets;
}

/** The 1-based line of a byte offset: one more than the newlines before it. */
function lineAt(newlines: readonly number[], byteOffset: number): number {
  let low = 0;
  let high = newlines.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (newlines[middle]! < byteOffset) low = middle + 1;
    else high = middle;
  }
  return low + 1;
}

/**
 * A constant with a cast, such as the default `'{}'::text[]`, without the cast (`'{}'`);
 * anything else comes back unchanged. Some ORMs (TypeORM) read defaults back with casts
 * stripped, so their entities must declare them that way to compare equal.
 */
export async function withoutOuterTypeCast(expression: string): Promise<string> {
  const prefix = 'SELECT ';
  const parsed = await parseSql(`${prefix}${expression}`);
  if (!parsed.ok || parsed.statements.length !== 1) return expression;
  const select = parsed.statements[0]!.ast.SelectStmt as { targetList?: Array<{ ResTarget?: { val?: Record<string, unknown> } }> } | undefined;
  const cast = select?.targetList?.[0]?.ResTarget?.val?.TypeCast as { arg?: { A_Const?: { location?: number } }; location?: number } | undefined;
  const start = cast?.arg?.A_Const?.location;
  if (start === undefined || cast?.location === undefined) return expression;
  // Locations are byte offsets into the parsed text; the cast's is that of `::`.
  const bytes = Buffer.from(`${prefix}${expression}`, 'utf8');
  return bytes.subarray(start, cast.location).toString('utf8').trim();
}

/**
 * PostgreSQL 15 qualifies every column in a view over a single table, function or subquery
 * (`SELECT t.id FROM t`); 16 and later print them bare (`SELECT id FROM t`), since views no longer
 * carry OLD and NEW range entries. Both qualify alike everywhere else (joins, subqueries, CTE
 * bodies, UNION arms), so dropping the qualifier in the outer query of a one-source view gives
 * the same text on both, and cannot make two different views alike: there it names the only source.
 * Edited at the positions the parser reports, so string literals are never touched.
 */
export async function withoutSingleSourceQualifiers(definition: string): Promise<string> {
  const parsed = await parseSql(definition);
  const select = parsed.ok && parsed.statements.length === 1 ? (parsed.statements[0]!.ast.SelectStmt as SelectNode | undefined) : undefined;
  if (!select || (select.op !== undefined && select.op !== 'SETOP_NONE') || select.fromClause?.length !== 1) return definition;
  const source = select.fromClause[0]!;
  const sourceName = source.RangeVar ? (source.RangeVar.alias?.aliasname ?? source.RangeVar.relname) : (source.RangeSubselect ?? source.RangeFunction)?.alias?.aliasname;
  if (sourceName === undefined) return definition;
  const { fromClause, withClause, ...outerQuery } = select;
  const bytes = Buffer.from(definition, 'utf8');
  const cuts = qualifiedColumnLocations(outerQuery, sourceName)
    .map((location) => ({ location, length: qualifierLength(bytes, location, sourceName) }))
    .filter((cut) => cut.length > 0)
    .sort((left, right) => right.location - left.location);
  let edited = bytes;
  for (const cut of cuts) edited = Buffer.concat([edited.subarray(0, cut.location), edited.subarray(cut.location + cut.length)]);
  return edited.toString('utf8');
}

interface SelectNode {
  readonly op?: string;
  readonly fromClause?: ReadonlyArray<{
    readonly RangeVar?: { readonly relname: string; readonly alias?: { readonly aliasname: string } };
    readonly RangeSubselect?: { readonly alias?: { readonly aliasname: string } };
    readonly RangeFunction?: { readonly alias?: { readonly aliasname: string } };
  }>;
  readonly withClause?: unknown;
}

/** Where `source.column` references start, not looking into subqueries (they qualify on every version). */
function qualifiedColumnLocations(node: unknown, source: string): number[] {
  return columnRefsOutsideSubqueries(node)
    .filter(({ names }) => names.length === 2 && names[0] === source && names[1] !== undefined)
    .flatMap(({ location }) => (location === undefined ? [] : [location]));
}

/** A column reference: its dotted names (undefined for `*`) and where it starts. */
interface ColumnRefFound {
  readonly names: ReadonlyArray<string | undefined>;
  readonly location: number | undefined;
}

/** The column references in a parse tree, not looking into subqueries, whose columns belong to their own FROM lists. */
function columnRefsOutsideSubqueries(node: unknown): ColumnRefFound[] {
  if (Array.isArray(node)) return node.flatMap((item) => columnRefsOutsideSubqueries(item));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => {
    if (key === 'SelectStmt') return [];
    if (key !== 'ColumnRef') return columnRefsOutsideSubqueries(value);
    const { fields, location } = value as { fields?: Array<{ String?: { sval?: string } }>; location?: number };
    return [{ names: (fields ?? []).map((field) => field.String?.sval), location }];
  });
}

/** Bytes of `source.` (or `"Source".`) at `location`, as PostgreSQL printed it; 0 when it is not there. */
function qualifierLength(bytes: Buffer, location: number, source: string): number {
  for (const printed of [source, `"${source.replaceAll('"', '""')}"`]) {
    const qualifier = Buffer.from(`${printed}.`, 'utf8');
    if (bytes.subarray(location, location + qualifier.length).equals(qualifier)) return qualifier.length;
  }
  return 0;
}

/**
 * The columns of `table` that a boolean SQL expression (a check constraint, a policy's USING or
 * WITH CHECK) names: bare or qualified by the table's name, outside subqueries. Null when the
 * text is not one expression.
 */
export async function columnsNamedBy(expression: string, table: string): Promise<Set<string> | null> {
  const parsed = await parseSql(`SELECT 1 WHERE (${expression})`);
  if (!parsed.ok || parsed.statements.length !== 1) return null;
  const select = parsed.statements[0]!.ast.SelectStmt as { whereClause?: unknown } | undefined;
  const named = columnRefsOutsideSubqueries(select?.whereClause).filter(({ names }) => names.length === 1 || (names.length === 2 && names[0] === table));
  return new Set(named.flatMap(({ names }) => (names.at(-1) === undefined ? [] : [names.at(-1)!])));
}
