import type { ChangePlan } from '../change-plan.js';
import { OrmAiError, type OrmAiErrorCode } from '../errors.js';
import type { SchemaModel } from '../schema-model.js';

/**
 * What may go back to a model (the repair prompt, the MCP tools' answers) of what was
 * measured on the shadow: rule ids, statement lines, the database's messages with every
 * value it quotes redacted, and counts of rows and values. Never a row value, a setting or
 * a catalog value: a plan's SQL can read any of those into an error message or a column,
 * and a model (or whoever wrote its prompt) must not get them back that way.
 */

/** Stands in for whatever was redacted. */
export const REDACTED = '…';

/**
 * Strings a model already knows: names and literals from the schema model, the plan (its
 * own answer) and the migration's SQL (derived from the plan). A quoted string in a
 * database message is kept only when it is one of them, whole.
 */
export type KnownNames = ReadonlySet<string>;

export interface KnownSources {
  readonly model?: SchemaModel | undefined;
  /** A plan, or the document a model (an MCP client) sent as one. */
  readonly plan?: ChangePlan | Readonly<Record<string, unknown>> | undefined;
  /** The migration's statements, up and down. */
  readonly sql?: readonly string[] | undefined;
}

/**
 * Every string of the model and the plan, whole and as SQL tokens, and the tokens of the SQL.
 *
 * @example
 * const known = knownNames({ model, plan, sql: [...upStatements, ...downStatements] });
 */
export function knownNames(sources: KnownSources): KnownNames {
  const known = new Set<string>(['', REDACTED]);
  for (const text of [...stringsIn(sources.model), ...stringsIn(sources.plan), ...(sources.sql ?? [])]) {
    known.add(text.trim());
    for (const token of sqlTokens(text)) known.add(token);
  }
  return known;
}

/**
 * Codes whose messages are built from the plan, the schema source and the request only:
 * they never carry what the shadow held. Every other code goes through the redactor, so a
 * new code, or a plugin's error, is redacted unless added here.
 */
const NEVER_FROM_THE_SHADOW: ReadonlySet<OrmAiErrorCode> = new Set<OrmAiErrorCode>([
  'CONFIG_NOT_FOUND',
  'CONFIG_INVALID',
  'DIALECT_UNSUPPORTED',
  'SCHEMA_READ_FAILED',
  'PLAN_FILE_INVALID',
  'PLAN_REJECTED',
  'PLAN_APPLY_FAILED',
  'SOURCE_TYPECHECK_FAILED',
  'LLM_NOT_CONFIGURED',
  'LLM_REQUEST_FAILED',
  'LLM_REFUSED',
  'LLM_OUTPUT_INVALID',
  'MIGRATION_AMBIGUOUS',
  'DATA_LOSS_NOT_ALLOWED',
  'USAGE',
]);

/**
 * The text of an error a model may read: its `forModel` when set (already safe), else its
 * message, redacted unless its code never touches the shadow.
 */
export function textForModel(error: OrmAiError, known: KnownNames): string {
  return error.forModel ?? messageForModel(error.code, error.message, known);
}

/** An error's message (as a report holds it: code and text) redacted unless its code never touches the shadow. */
export function messageForModel(code: OrmAiErrorCode, message: string, known: KnownNames): string {
  return NEVER_FROM_THE_SHADOW.has(code) ? message : redactDatabaseText(message, known);
}

/**
 * The same error with `forModel` set from what is known where it was caught (the migration's
 * SQL included), so whoever passes it on to a model later needs to know no more. Message,
 * hint and cause stay as they were: a person still sees everything.
 */
export function withTextForModel(error: OrmAiError, known: KnownNames): OrmAiError {
  if (error.forModel !== undefined || NEVER_FROM_THE_SHADOW.has(error.code)) return error;
  const copy = new OrmAiError(error.code, error.message, {
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    cause: error.cause,
    forModel: redactDatabaseText(error.message, known),
  });
  copy.stack = error.stack ?? copy.stack;
  return copy;
}

/**
 * A database's error text (or a message quoting it) with the values taken out:
 * - the values of `Key (email)=(…)` and `Failing row contains (…)` (PostgreSQL's DETAIL lines);
 * - bytes it quotes in hex (`invalid byte sequence for encoding "UTF8": 0x…`);
 * - every quoted string, "…" or '…', unless its content is a known name, whole. A quoted
 *   value right after `: ` (`invalid input syntax for type integer: "…"`) runs to the last
 *   quote of its line, as does any unknown one: a value may itself hold quotes, and known
 *   names around them must not expose what lies between. A value with no closing quote on
 *   its line runs on to the next line that has one.
 * Over-redacting is the safe direction.
 *
 * @example
 * redactDatabaseText('invalid input syntax for type integer: "hunter2"', known) // 'invalid input syntax for type integer: "…"'
 * redactDatabaseText('relation "users" does not exist', known) // kept: "users" is in the schema
 */
export function redactDatabaseText(text: string, known: KnownNames): string {
  return redactQuoted(redactHexBytes(redactRowValues(text)), known);
}

/** `Key (email)=(…)`, `Failing row contains (…)`, `Partition key of the failing row contains (…)`. */
const ROW_VALUES = /(?:\brow contains |\bkey \([^\n]*?\)=)\(/gi;

function redactRowValues(text: string): string {
  let out = '';
  let from = 0;
  ROW_VALUES.lastIndex = 0;
  for (let match = ROW_VALUES.exec(text); match; match = ROW_VALUES.exec(text)) {
    const open = match.index + match[0].length;
    const close = valuesEnd(text, open);
    out += text.slice(from, open) + REDACTED;
    from = close;
    ROW_VALUES.lastIndex = Math.max(close, open);
  }
  return out + text.slice(from);
}

/**
 * Where a list of values that starts at `open` ends: the last `)` of its line, or of the
 * first later line that has one (a value may hold newlines and parentheses); else the end.
 */
function valuesEnd(text: string, open: number): number {
  for (let lineStart = open; lineStart < text.length; ) {
    const lineEnd = endOfLine(text, lineStart);
    const close = text.lastIndexOf(')', lineEnd - 1);
    if (close >= lineStart) return close;
    lineStart = lineEnd + 1;
  }
  return text.length;
}

function redactHexBytes(text: string): string {
  return text.replace(/\b0x[0-9a-f]{2}(?: 0x[0-9a-f]{2})*/gi, REDACTED);
}

function redactQuoted(text: string, known: KnownNames): string {
  let out = '';
  let at = 0;
  for (let open = nextOpeningQuote(text, at); open >= 0; open = nextOpeningQuote(text, at)) {
    out += text.slice(at, open);
    const quote = text[open]!;
    const lineEnd = endOfLine(text, open);
    const lastOnLine = text.lastIndexOf(quote, lineEnd - 1);
    const isValue = text.slice(Math.max(0, open - 2), open) === ': ';
    // A known literal may span lines (a statement quoted in the message): kept whole.
    const close = isValue ? lastOnLine : closingQuote(text, open, text.length);
    if (close > open && isKnown(text.slice(open + 1, close), quote, known)) {
      out += text.slice(open, close + 1);
      at = close + 1;
      continue;
    }
    out += `${quote}${REDACTED}${quote}`;
    at = (lastOnLine > open ? lastOnLine : closingOnLaterLine(text, quote, lineEnd)) + 1;
  }
  return out + text.slice(at);
}

/** A `"` anywhere; a `'` only where a literal can start (not the apostrophe in `model's`). */
function nextOpeningQuote(text: string, from: number): number {
  for (let index = from; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') return index;
    if (char === "'" && (index === 0 || !/[\p{L}\p{N}_]/u.test(text[index - 1]!))) return index;
  }
  return -1;
}

/** The quote that closes the one at `open`, a doubled quote being an escape; -1 before `limit`. */
function closingQuote(text: string, open: number, limit: number): number {
  const quote = text[open]!;
  for (let index = open + 1; index < limit; index += 1) {
    if (text[index] !== quote) continue;
    if (text[index + 1] === quote) index += 1;
    else return index;
  }
  return -1;
}

/** The last `quote` of the first line after `lineEnd` that has one; else the last index of the text. */
function closingOnLaterLine(text: string, quote: string, lineEnd: number): number {
  for (let lineStart = lineEnd + 1; lineStart < text.length; ) {
    const end = endOfLine(text, lineStart);
    const last = text.lastIndexOf(quote, end - 1);
    if (last >= lineStart) return last;
    lineStart = end + 1;
  }
  return text.length - 1;
}

function isKnown(content: string, quote: string, known: KnownNames): boolean {
  return known.has(content) || known.has(content.replaceAll(quote + quote, quote));
}

function endOfLine(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}

/**
 * Literals, quoted identifiers, words (also folded to lower case, as PostgreSQL folds
 * unquoted names), qualified names and numbers of SQL or prose.
 */
const TOKEN = /'((?:[^']|'')*)'|"((?:[^"]|"")*)"|([\p{L}_][\p{L}\p{N}_$]*(?:\.[\p{L}_][\p{L}\p{N}_$]*)*)|(\d+(?:\.\d+)?)/gu;

function sqlTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const [, literal, identifier, word, number] of text.matchAll(TOKEN)) {
    if (literal !== undefined) tokens.push(literal.replaceAll("''", "'"));
    if (identifier !== undefined) tokens.push(identifier.replaceAll('""', '"'));
    if (word !== undefined) {
      for (const part of [word, ...word.split('.')]) tokens.push(part, part.toLowerCase());
    }
    if (number !== undefined) tokens.push(number);
  }
  return tokens;
}

/** Every string in a JSON-like value (the schema model, a plan). */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}
