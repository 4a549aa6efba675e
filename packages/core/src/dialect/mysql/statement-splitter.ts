/**
 * Splits MySQL/MariaDB script text into statements at the `;` that end them, reading quotes
 * and comments as the server's lexer does: `'...'` and `"..."` strings with backslash and
 * doubled-quote escapes, `` `...` `` identifiers, `-- ` and `#` line comments and `/* *\/`
 * block comments. MySQL's version comments (`/*!50001 ... *\/`), which the server runs, are
 * read as comments here: no ORM writes them. node-sql-parser refuses a whole script for one
 * statement it cannot read, so statements are cut here and parsed one by one, each failure
 * named by its own line.
 *
 * Not read: `DELIMITER` (a mysql-client command, not SQL; no ORM writes it) and stored
 * program bodies with inner `;`, which come out as several pieces and fail to parse.
 */
export interface SqlPiece {
  /** From the statement's first token through its `;` (when it has one); comments before it left out. */
  readonly text: string;
  /** UTF-16 offset of the first token in the script. */
  readonly start: number;
  /** The statement's text with every word `serial` outside quotes and comments replaced (see `parserText`). */
  readonly parserText: string;
}

/** Pieces in order; comments and whitespace between statements belong to none. */
export function splitMysqlStatements(script: string): SqlPiece[] {
  const pieces: SqlPiece[] = [];
  let start = -1;
  let parserText = '';
  let at = 0;
  const flush = (end: number) => {
    if (start !== -1) pieces.push({ text: script.slice(start, end), start, parserText });
    start = -1;
    parserText = '';
  };
  while (at < script.length) {
    const char = script[at]!;
    const comment = commentEnd(script, at);
    if (comment !== -1) {
      if (start !== -1) parserText += script.slice(at, comment);
      at = comment;
      continue;
    }
    if (/\s/.test(char)) {
      if (start !== -1) parserText += char;
      at += 1;
      continue;
    }
    if (start === -1) start = at;
    if (char === ';') {
      parserText += char;
      flush(at + 1);
      at += 1;
      continue;
    }
    const end = char === "'" || char === '"' || char === '`' ? quotedEnd(script, at) : wordEnd(script, at);
    parserText += parserWord(script.slice(at, end));
    at = end;
  }
  flush(script.length);
  return pieces;
}

/**
 * node-sql-parser 5.4 has no `serial` type, which drizzle-kit writes for `serial()`: the
 * parser reads MySQL's own expansion of it, `BIGINT UNSIGNED` (its `NOT NULL AUTO_INCREMENT
 * UNIQUE` is written beside it by drizzle-kit or not needed for what is read from the AST).
 */
function parserWord(word: string): string {
  return word.toLowerCase() === 'serial' ? 'BIGINT UNSIGNED' : word;
}

/**
 * Where a comment starting at `at` ends, or -1 when none starts there. `--` needs a space or
 * line end after it, as in MySQL, or `>`: drizzle-kit's `--> statement-breakpoint` marker,
 * which its migrator cuts out before the server sees it.
 */
function commentEnd(script: string, at: number): number {
  const two = script.slice(at, at + 2);
  if (script[at] === '#' || (two === '--' && (at + 2 >= script.length || /[\s>]/.test(script[at + 2]!)))) {
    const newline = script.indexOf('\n', at);
    return newline === -1 ? script.length : newline + 1;
  }
  if (two === '/*') {
    const close = script.indexOf('*/', at + 2);
    return close === -1 ? script.length : close + 2;
  }
  return -1;
}

/** A quoted string or identifier: a doubled quote stays inside, and a backslash escapes in strings. */
function quotedEnd(script: string, at: number): number {
  const quote = script[at]!;
  let index = at + 1;
  while (index < script.length) {
    const char = script[index]!;
    if (char === '\\' && quote !== '`') index += 2;
    else if (char === quote && script[index + 1] === quote) index += 2;
    else if (char === quote) return index + 1;
    else index += 1;
  }
  return script.length;
}

/** A run of characters up to whitespace, a quote, a `;` or a comment's start; a lone symbol otherwise. */
function wordEnd(script: string, at: number): number {
  let index = at;
  while (index < script.length && /[A-Za-z0-9_$]/.test(script[index]!)) index += 1;
  return index === at ? at + 1 : index;
}
