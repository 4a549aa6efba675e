import { loadModule, parseSync } from 'libpg-query';
import { describeError } from './errors.js';

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

/** Loads the WebAssembly parser once; every parse function awaits it. */
export function loadSqlParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/** Splits SQL text into statements with their lines, or says where it does not parse. */
export async function parseSql(text: string): Promise<SqlParseResult> {
  await loadSqlParser();
  let result: ReturnType<typeof parseSync>;
  try {
    result = parseSync(text);
  } catch (error) {
    const position = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
    return { ok: false, message: describeError(error), line: position === undefined ? null : lineAtByte(text, position) };
  }
  // The parser reports byte offsets into the UTF-8 text, not string indexes.
  const bytes = Buffer.from(text, 'utf8');
  const statements = (result.stmts ?? []).map((entry) => {
    const start = entry.stmt_location ?? 0;
    const end = entry.stmt_len ? start + entry.stmt_len : bytes.length;
    const raw = bytes.subarray(start, end).toString('utf8');
    const leading = raw.length - raw.trimStart().length;
    return {
      sql: raw.trim(),
      line: lineAtByte(text, start + Buffer.byteLength(raw.slice(0, leading))),
      ast: (entry.stmt ?? {}) as Record<string, unknown>,
    };
  });
  return { ok: true, statements };
}

/** The node type of a parsed statement: `IndexStmt`, `AlterTableStmt`, ... */
export function statementKind(statement: ParsedStatement): string {
  return Object.keys(statement.ast)[0] ?? 'Unknown';
}

function lineAtByte(text: string, byteOffset: number): number {
  const prefix = Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8');
  return prefix.split('\n').length;
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
