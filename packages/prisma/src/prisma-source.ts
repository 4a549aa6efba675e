import {
  getSchema,
  PrismaParser,
  VisitorClassFactory,
  type Attribute,
  type BlockAttribute,
  type Block,
  type Enumerator,
  type Field,
  type Value,
} from '@mrleebo/prisma-ast';

/**
 * A Prisma schema file parsed with `@mrleebo/prisma-ast` (with source locations) and split
 * into lines. Prisma's grammar is line-oriented: every field, enum value and attribute sits
 * on one line and a block's closing brace on its own line, so the editor works on lines.
 */

/** The top-level block kinds of a Prisma schema. */
export type BlockKind = 'model' | 'view' | 'type' | 'enum' | 'datasource' | 'generator';

/** A top-level block; line numbers are 0-based indexes into `ParsedSource.lines`. */
export interface SourceBlock {
  readonly kind: BlockKind;
  readonly name: string;
  /** The `model Name {` line. */
  readonly headerLine: number;
  /** First line of the comments directly above the header (the header line when none). */
  readonly docLine: number;
  /** The closing `}` line. */
  readonly closeLine: number;
  readonly node: Exclude<Block, { type: 'comment' | 'break' }>;
}

/** A file's lines, its line ending and its blocks. */
export interface ParsedSource {
  readonly lines: readonly string[];
  readonly eol: '\n' | '\r\n';
  readonly blocks: readonly SourceBlock[];
}

const parser = new PrismaParser({ nodeLocationTracking: 'full' });
const visitor = new (VisitorClassFactory(parser))(parser);

/** Splits text into lines, remembering the line ending to write back. */
export function splitLines(text: string): { lines: string[]; eol: '\n' | '\r\n' } {
  return { lines: text.split(/\r?\n/), eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/** Parses one file; throws the parser's error for text prisma-ast cannot read. */
export function parsePrismaSource(text: string): ParsedSource {
  const { lines, eol } = splitLines(text);
  const schema = getSchema(blankBlockComments(text), { parser, visitor });
  const blocks: SourceBlock[] = [];
  for (const node of schema.list) {
    if (node.type === 'comment' || node.type === 'break' || node.location === undefined) continue;
    const headerLine = node.location.startLine! - 1;
    blocks.push({ kind: node.type, name: node.name, headerLine, docLine: docStart(lines, headerLine), closeLine: closeLineOf(lines, headerLine), node });
  }
  return { lines, eol, blocks };
}

/**
 * The text with every `/* ... *\/` comment (which Prisma accepts and prisma-ast 0.15 does not
 * parse) turned into spaces, keeping its line breaks: every line and column stays where it
 * was, so locations still point into the original text. Strings and `//` comments are kept.
 */
export function blankBlockComments(text: string): string {
  let out = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"') {
      const end = stringEnd(text, index);
      out += text.slice(index, end);
      index = end;
    } else if (text.startsWith('//', index)) {
      const end = text.indexOf('\n', index);
      const stop = end === -1 ? text.length : end;
      out += text.slice(index, stop);
      index = stop;
    } else if (text.startsWith('/*', index)) {
      const close = text.indexOf('*/', index + 2);
      const stop = close === -1 ? text.length : close + 2;
      out += text.slice(index, stop).replace(/[^\r\n]/g, ' ');
      index = stop;
    } else {
      out += char;
      index += 1;
    }
  }
  return out;
}

/** The index after the string literal starting at `start` (its closing quote, or the line's end). */
function stringEnd(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '\\') index += 1;
    else if (char === '"') return index + 1;
    else if (char === '\n') return index;
  }
  return text.length;
}

/** The first of the comment lines directly above `line` (`line` itself when there are none). */
export function docStart(lines: readonly string[], line: number, onlyDocComments = false): number {
  let start = line;
  while (start > 0) {
    const above = lines[start - 1]!.trim();
    if (!(onlyDocComments ? above.startsWith('///') : above.startsWith('//'))) break;
    start -= 1;
  }
  return start;
}

function closeLineOf(lines: readonly string[], headerLine: number): number {
  if (/\{[^"]*\}\s*(\/\/.*)?$/.test(lines[headerLine]!)) return headerLine;
  for (let line = headerLine + 1; line < lines.length; line += 1) {
    if (lines[line]!.trim().startsWith('}')) return line;
  }
  throw new Error(`the block on line ${headerLine + 1} has no closing brace`);
}

/** A model's (or view's) field, block attribute or an enum's value, with its 0-based line. */
export type BlockMember =
  | { readonly kind: 'field'; readonly line: number; readonly node: Field }
  | { readonly kind: 'attribute'; readonly line: number; readonly node: BlockAttribute }
  | { readonly kind: 'enumerator'; readonly line: number; readonly node: Enumerator };

/** The members of a block in source order (comments and blank lines are not members). */
export function blockMembers(block: SourceBlock): BlockMember[] {
  const node = block.node;
  const items = node.type === 'enum' ? node.enumerators : 'properties' in node ? node.properties : [];
  const members: BlockMember[] = [];
  for (const item of items) {
    const line = 'location' in item && item.location ? item.location.startLine! - 1 : undefined;
    if (line === undefined) continue;
    if (item.type === 'field') members.push({ kind: 'field', line, node: item });
    else if (item.type === 'enumerator') members.push({ kind: 'enumerator', line, node: item });
    else if (item.type === 'attribute' && item.kind !== 'field') members.push({ kind: 'attribute', line, node: item });
  }
  return members;
}

/** The value of a `key: value` argument of an attribute, or undefined. */
export function namedArgument(attribute: Attribute | BlockAttribute, key: string): Value | undefined {
  for (const arg of attribute.args ?? []) {
    const value = arg.value;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && value.type === 'keyValue' && value.key === key) return value.value;
  }
  return undefined;
}

/** The first positional (unnamed) argument of an attribute, or undefined. */
export function positionalArgument(attribute: Attribute | BlockAttribute): Value | undefined {
  for (const arg of attribute.args ?? []) {
    const value = arg.value;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && value.type === 'keyValue') continue;
    return value as Value;
  }
  return undefined;
}

/** A Prisma string literal's value (`"a\"b"` → `a"b`); other values are returned as written. */
export function unquote(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}
