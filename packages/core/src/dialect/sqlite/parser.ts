import { Dialect, init, parse, tokenize } from '@polyglot-sql/sdk';

/**
 * SQL parsing for SQLite (and MySQL/MariaDB, through the same parser): polyglot-sql, a Rust
 * SQL parser compiled to WebAssembly. Everything that needs to know what a SQLite statement
 * is asks this module, as `dialect/postgres/parser.ts` is asked for PostgreSQL; nothing looks
 * at SQL text with regular expressions.
 *
 * What polyglot-sql 0.12 does not read, and how this module meets it: `SAVEPOINT x` and
 * `RELEASE [SAVEPOINT] x` (it reads the first as an expression and fails on the second) are
 * told by their first token, as `transaction`; a bare expression (`FOO BAR;`, which it
 * accepts as `FOO AS BAR`) is refused as no statement; `STRICT` and `WITHOUT ROWID` tables
 * do not parse (`ok: false`).
 *
 * @example
 * const parsed = await parseSql('PRAGMA foreign_keys=OFF;--> statement-breakpoint\nDROP TABLE `posts`;');
 * // { ok: true, statements: [{ kind: 'pragma', line: 1, ... }, { kind: 'drop table', tables: ['posts'], line: 2, ... }] }
 */

/** The dialects this parser reads; MariaDB's migrations parse as MySQL. */
export type SqlDialectName = 'sqlite' | 'mysql';

/** What a statement does, in the parser's neutral terms; `other` for the rest. */
export type StatementKind =
  | 'create table'
  | 'create index'
  | 'create view'
  | 'create trigger'
  | 'alter table'
  | 'drop table'
  | 'drop index'
  | 'drop view'
  | 'drop trigger'
  | 'insert'
  | 'update'
  | 'delete'
  | 'select'
  | 'pragma'
  | 'transaction'
  | 'other';

/** A statement as the parser sees it, with where it starts in its text (1-based line). */
export interface ParsedStatement {
  /** The statement's own text, from its first token to its `;`: comments before it left out. */
  readonly sql: string;
  readonly line: number;
  readonly kind: StatementKind;
  /** The tables it creates, alters, drops or writes to (unquoted); a CREATE INDEX's table. */
  readonly tables: readonly string[];
  /** polyglot-sql's node of the statement, keyed by its type (`{ create_table: {...} }`); `{}` for a savepoint. */
  readonly ast: Record<string, unknown>;
  /** The statement's tokens, as the parser's lexer reads them. */
  readonly tokens: readonly SqlToken[];
}

export interface SqlToken {
  /** `PRAGMA`, `VAR`, `EQ`, `STRING`, `QUOTED_IDENTIFIER`, `SEMICOLON`, ... */
  readonly type: string;
  /** Its text, quotes of strings and identifiers removed. */
  readonly text: string;
}

export type SqlParseResult = { ok: true; statements: ParsedStatement[] } | { ok: false; message: string; line: number | null };

export interface ParseOptions {
  /** `sqlite` unless said. */
  readonly dialect?: SqlDialectName;
}

let loaded: Promise<void> | undefined;
let ready = false;

/** Loads the WebAssembly parser once; `parseSql` awaits it. */
export function loadSqlParser(): Promise<void> {
  loaded ??= init().then(() => {
    ready = true;
  });
  return loaded;
}

/** Splits SQL text into statements with their lines, kinds and tables, or says where it does not parse. */
export async function parseSql(text: string, options: ParseOptions = {}): Promise<SqlParseResult> {
  await loadSqlParser();
  return parseSqlNow(text, options);
}

/** `parseSql` for code that cannot await: `await loadSqlParser()` must have settled before. */
export function parseSqlNow(text: string, options: ParseOptions = {}): SqlParseResult {
  if (!ready) throw new Error('the SQL parser is not loaded yet: await loadSqlParser() first');
  const dialect = options.dialect === 'mysql' ? Dialect.MySQL : Dialect.SQLite;
  const lexed = tokenize(text, dialect);
  if (!lexed.success) return { ok: false, message: lexed.error ?? 'the SQL does not parse', line: lexed.errorLine ?? null };
  const source = new SourceText(text);
  const groups = splitAtSemicolons((lexed.tokens ?? []) as unknown as RawToken[]);
  const statements: ParsedStatement[] = [];
  for (let first = 0; first < groups.length; ) {
    const found = statementFrom(source, groups, first, dialect);
    if (!found.ok) return found;
    statements.push(found.statement);
    first = found.next;
  }
  return { ok: true, statements };
}

export { pragmaOf } from './pragma.js';

/** A token as polyglot-sql returns it: spans count Unicode code points. */
interface RawToken {
  readonly token_type: string;
  readonly text: string;
  readonly span: { readonly start: number; readonly end: number };
}

/** Tokens up to and with each `;`; a last group without one; no empty groups. */
function splitAtSemicolons(tokens: readonly RawToken[]): RawToken[][] {
  const groups: RawToken[][] = [[]];
  for (const token of tokens) {
    if (token.token_type === 'SEMICOLON' && groups.at(-1)!.length === 0) continue;
    groups.at(-1)!.push(token);
    if (token.token_type === 'SEMICOLON') groups.push([]);
  }
  return groups.filter((group) => group.length > 0);
}

/** A trigger's body holds `;`: groups are joined until they parse as one statement (at most this many). */
const MOST_GROUPS_IN_ONE_STATEMENT = 64;

type Found = { ok: true; statement: ParsedStatement; next: number } | { ok: false; message: string; line: number | null };

function statementFrom(source: SourceText, groups: readonly RawToken[][], first: number, dialect: Dialect): Found {
  const start = groups[first]![0]!.span.start;
  const line = source.lineAt(start);
  const leading = groups[first]![0]!.text.toUpperCase();
  if (leading === 'SAVEPOINT' || leading === 'RELEASE') return { ok: true, statement: statementOf(source, groups[first]!, {}, 'transaction'), next: first + 1 };
  let firstError: { message: string; line: number | null } | undefined;
  const last = Math.min(groups.length, first + MOST_GROUPS_IN_ONE_STATEMENT);
  for (let end = first; end < last; end += 1) {
    const tokens = groups.slice(first, end + 1).flat();
    const parsed = parse(source.slice(start, tokens.at(-1)!.span.end), dialect);
    if (parsed.success && parsed.ast.length === 1) {
      const ast = parsed.ast[0] as unknown as Record<string, unknown>;
      if (EXPRESSIONS.has(variantOf(ast))) return { ok: false, message: `${source.slice(start, tokens.at(-1)!.span.end)} is not a SQL statement`, line };
      if (variantOf(ast) === 'create_trigger') return wholeTrigger(source, groups, first, end, dialect);
      return { ok: true, statement: statementOf(source, tokens, ast, kindOf(ast)), next: end + 1 };
    }
    // Lines of the error count from the statement's first line.
    firstError ??= parsed.success ? { message: 'more than one statement where one was expected', line } : { message: parsed.error, line: parsed.errorLine === undefined ? line : line + parsed.errorLine - 1 };
  }
  return { ok: false, ...firstError! };
}

/**
 * polyglot-sql reads `CREATE TRIGGER ... BEGIN stmt;` as a whole trigger even without its
 * `END;`, so a trigger takes the longest run of groups that still parses as one trigger.
 */
function wholeTrigger(source: SourceText, groups: readonly RawToken[][], first: number, shortest: number, dialect: Dialect): Found {
  const start = groups[first]![0]!.span.start;
  let end = shortest;
  let ast: Record<string, unknown> | undefined;
  for (let next = shortest; next < Math.min(groups.length, first + MOST_GROUPS_IN_ONE_STATEMENT); next += 1) {
    const parsed = parse(source.slice(start, groups[next]!.at(-1)!.span.end), dialect);
    if (!parsed.success || parsed.ast.length !== 1 || variantOf(parsed.ast[0] as unknown as Record<string, unknown>) !== 'create_trigger') continue;
    [end, ast] = [next, parsed.ast[0] as unknown as Record<string, unknown>];
  }
  return { ok: true, statement: statementOf(source, groups.slice(first, end + 1).flat(), ast!, 'create trigger'), next: end + 1 };
}

function statementOf(source: SourceText, tokens: readonly RawToken[], ast: Record<string, unknown>, kind: StatementKind): ParsedStatement {
  const start = tokens[0]!.span.start;
  return {
    sql: source.slice(start, tokens.at(-1)!.span.end),
    line: source.lineAt(start),
    kind,
    tables: tablesOf(ast),
    ast,
    tokens: tokens.map((token) => ({ type: token.token_type, text: token.text })),
  };
}

/** What polyglot-sql returns for a lone expression it took as a statement. */
const EXPRESSIONS: ReadonlySet<string> = new Set(['alias', 'column', 'identifier', 'literal', 'var', 'star']);

const KINDS: Readonly<Record<string, StatementKind>> = {
  create_table: 'create table',
  create_index: 'create index',
  create_view: 'create view',
  create_trigger: 'create trigger',
  alter_table: 'alter table',
  drop_table: 'drop table',
  drop_index: 'drop index',
  drop_view: 'drop view',
  drop_trigger: 'drop trigger',
  insert: 'insert',
  update: 'update',
  delete: 'delete',
  select: 'select',
  union: 'select',
  intersect: 'select',
  except: 'select',
  pragma: 'pragma',
  transaction: 'transaction',
  commit: 'transaction',
  rollback: 'transaction',
};

function variantOf(ast: Record<string, unknown>): string {
  return Object.keys(ast)[0] ?? 'unknown';
}

function kindOf(ast: Record<string, unknown>): StatementKind {
  const variant = variantOf(ast);
  // SQLite's `END [TRANSACTION]` is COMMIT; polyglot-sql keeps it as a raw command.
  if (variant === 'command' && String((ast.command as { this?: unknown }).this).toUpperCase().startsWith('END')) return 'transaction';
  return KINDS[variant] ?? 'other';
}

type TableNode = { name?: { name?: string } } | null | undefined;

function tablesOf(ast: Record<string, unknown>): string[] {
  const node = Object.values(ast)[0] as { name?: TableNode; names?: TableNode[]; table?: TableNode } | undefined;
  const named = (table: TableNode) => (table?.name?.name === undefined ? [] : [table.name.name]);
  switch (variantOf(ast)) {
    case 'create_table':
    case 'alter_table':
      return named(node?.name);
    case 'drop_table':
      return (node?.names ?? []).flatMap(named);
    case 'create_index':
    case 'insert':
    case 'update':
    case 'delete':
      return named(node?.table);
    default:
      return [];
  }
}

/** The text with positions in code points, as the parser counts them, and the line of each. */
class SourceText {
  readonly #codePoints: string[] | null;
  readonly #newlines: number[] = [];

  constructor(private readonly text: string) {
    const points = Array.from(text);
    // Only text with characters outside the BMP counts differently in code points and in UTF-16 units.
    this.#codePoints = points.length === text.length ? null : points;
    const units = this.#codePoints ?? text;
    for (let at = 0; at < units.length; at += 1) if (units[at] === '\n') this.#newlines.push(at);
  }

  slice(start: number, end: number): string {
    return this.#codePoints === null ? this.text.slice(start, end) : this.#codePoints.slice(start, end).join('');
  }

  /** The 1-based line of a position: one more than the newlines before it. */
  lineAt(position: number): number {
    let low = 0;
    let high = this.#newlines.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#newlines[middle]! < position) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  }
}
