// Only the MySQL grammar (276 KB, loads in about 0.3 s), not the package's every-dialect index (2.5 MB, 0.8 s).
import mysqlGrammar from 'node-sql-parser/build/mysql.js';
import { splitMysqlStatements, type SqlPiece } from './statement-splitter.js';

/**
 * SQL parsing for MySQL and MariaDB: node-sql-parser (pure JavaScript, Apache-2.0) in its
 * MySQL mode for both servers. Its MariaDB mode (5.4) refuses forms the ORMs write for
 * MariaDB (`ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY`, TypeORM's `ADD UNIQUE INDEX`),
 * and MariaDB's migration SQL is MySQL's for everything the three ORMs write.
 *
 * Statements are cut by `splitMysqlStatements` and parsed one at a time, so a statement the
 * parser refuses comes back as `ok: false` with the code `UNPARSED_STATEMENT`, its line and
 * text: never skipped. `OPTIMIZE TABLE`, `ANALYZE TABLE` and other server commands are not
 * read by node-sql-parser 5.4 and come back that way too.
 *
 * @example
 * const parsed = parseMysql('ALTER TABLE `posts` ADD `tags` json;\n--> statement-breakpoint\nCREATE INDEX `t` ON `posts` (`title`);');
 * // { ok: true, statements: [{ kind: 'alter table', tables: ['posts'], line: 1, ... }, { kind: 'create index', tables: ['posts'], line: 3, ... }] }
 */

/** What a statement does, in the same neutral terms as SQLite's parser; `other` for the rest. */
export type MysqlStatementKind =
  | 'create table'
  | 'create index'
  | 'create view'
  | 'alter table'
  | 'rename table'
  | 'drop table'
  | 'drop index'
  | 'drop view'
  | 'insert'
  | 'update'
  | 'delete'
  | 'select'
  | 'set'
  | 'transaction'
  | 'other';

export interface MysqlStatement {
  /** The statement's own text, from its first token to its `;`: comments before it left out. */
  readonly sql: string;
  /** 1-based line of its first token. */
  readonly line: number;
  readonly kind: MysqlStatementKind;
  /** The tables it creates, alters, renames, drops or writes to (unquoted, without a database qualifier); a CREATE/DROP INDEX's table. */
  readonly tables: readonly string[];
  /** node-sql-parser's AST of the statement (`{ type: 'alter', table: [...], expr: [...] }`). */
  readonly ast: Record<string, unknown>;
}

export type MysqlParseResult =
  | { readonly ok: true; readonly statements: MysqlStatement[] }
  | {
      readonly ok: false;
      /** The one failure code: a statement node-sql-parser does not read. */
      readonly code: 'UNPARSED_STATEMENT';
      readonly message: string;
      readonly line: number;
      /** The refused statement's text. */
      readonly sql: string;
    };

const parser = new mysqlGrammar.Parser();
const OPTIONS = { database: 'MySQL' } as const;

/** Splits MySQL/MariaDB SQL into statements with their lines, kinds and tables, or names the first it cannot read. */
export function parseMysql(text: string): MysqlParseResult {
  const lines = new LineIndex(text);
  const statements: MysqlStatement[] = [];
  for (const piece of splitMysqlStatements(text)) {
    const line = lines.lineAt(piece.start);
    const parsed = parsePiece(piece);
    if (!parsed.ok) return { ok: false, code: 'UNPARSED_STATEMENT', message: `line ${line}: the MySQL parser does not read this statement: ${parsed.message}`, line, sql: piece.text };
    statements.push({ sql: piece.text, line, kind: kindOf(parsed.ast), tables: tablesOf(piece, parsed.ast), ast: parsed.ast });
  }
  return { ok: true, statements };
}

type PieceAst = { ok: true; ast: Record<string, unknown> } | { ok: false; message: string };

function parsePiece(piece: SqlPiece): PieceAst {
  try {
    const ast = parser.astify(piece.parserText, OPTIONS) as unknown;
    const list = (Array.isArray(ast) ? ast : [ast]) as Array<Record<string, unknown> | null>;
    if (list.length !== 1 || list[0] === null) return { ok: false, message: 'not exactly one statement' };
    return { ok: true, ast: list[0]! };
  } catch (error) {
    // Its messages list every token it expected: the first line up to "but" is what helps.
    const message = error instanceof Error ? error.message : String(error);
    const found = / but (.*) found\./.exec(message);
    return { ok: false, message: found === null ? message.slice(0, 200) : `unexpected ${found[1]}` };
  }
}

function kindOf(ast: Record<string, unknown>): MysqlStatementKind {
  const type = String(ast.type);
  const keyword = String(ast.keyword ?? '');
  if (type === 'create' || type === 'drop') return (['table', 'index', 'view'].includes(keyword) ? `${type} ${keyword}` : 'other') as MysqlStatementKind;
  const kinds: Record<string, MysqlStatementKind> = {
    alter: 'alter table',
    rename: 'rename table',
    insert: 'insert',
    replace: 'insert',
    update: 'update',
    delete: 'delete',
    select: 'select',
    set: 'set',
    transaction: 'transaction',
  };
  return kinds[type] ?? 'other';
}

function tablesOf(piece: SqlPiece, ast: Record<string, unknown>): string[] {
  if (ast.keyword === 'index') {
    const table = (ast.table as { table?: string } | undefined)?.table;
    return table === undefined ? [] : [table];
  }
  // `op::db::table` for each table the statement names; a SELECT's sources are read, not written.
  const named = parser.tableList(piece.parserText, OPTIONS).map((entry) => entry.split('::'));
  const written = named.filter(([op]) => op !== 'select').map((parts) => parts[2]!);
  return [...new Set(written)];
}

/** 1-based line of a UTF-16 offset. */
class LineIndex {
  readonly #newlines: number[] = [];

  constructor(text: string) {
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) this.#newlines.push(at);
  }

  lineAt(offset: number): number {
    let low = 0;
    let high = this.#newlines.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#newlines[middle]! < offset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  }
}
