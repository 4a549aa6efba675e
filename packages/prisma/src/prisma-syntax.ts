/**
 * Line-level Prisma syntax: one field, enum value or block attribute per line. Parsing keeps
 * every attribute's text as written, so re-rendering a line changes only what the editor
 * touched (Prisma's formatter realigns the columns afterwards).
 */

/** One member line: `  name Type? @attr(...) @other // comment`. */
export interface MemberLine {
  readonly indent: string;
  /** Field or enum value name; empty for a block attribute line. */
  readonly name: string;
  /** The type as written without `[]`/`?` (`String`, `Unsupported("x")`); empty when the line has none. */
  readonly type: string;
  readonly list: boolean;
  readonly optional: boolean;
  /** Attributes as written: `@id`, `@default(now())`, `@@index([a])`. */
  readonly attributes: readonly string[];
  /** Trailing `// ...` comment, or null. */
  readonly comment: string | null;
}

/** A parsed attribute: `@@index([a], map: "x")` → prefix `@@`, name `index`, two args. */
export interface AttributeSyntax {
  readonly prefix: '@' | '@@';
  readonly name: string;
  /** Null when written without parentheses (`@id`). */
  readonly args: readonly AttributeArg[] | null;
}

/** One attribute argument as written: `map: "x"` or a positional `[a, b]`. */
export interface AttributeArg {
  /** Null for a positional argument. */
  readonly key: string | null;
  readonly value: string;
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Index just past the string literal starting at `start` (a `"`). */
function skipString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
  return index + 1;
}

/** Index just past the bracket group opening at `start`, skipping strings. */
export function skipGroup(text: string, start: number): number {
  const stack: string[] = [];
  let index = start;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"') {
      index = skipString(text, index);
      continue;
    }
    if (OPENERS[char] !== undefined) stack.push(OPENERS[char]!);
    else if (char === stack.at(-1)) stack.pop();
    index += 1;
    if (stack.length === 0) return index;
  }
  return text.length;
}

/** Splits on `separator` outside strings and brackets; parts are trimmed, empty parts dropped. */
export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let start = 0;
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"') index = skipString(text, index);
    else if (OPENERS[char] !== undefined) index = skipGroup(text, index);
    else if (char === separator) {
      parts.push(text.slice(start, index));
      start = index + 1;
      index += 1;
    } else index += 1;
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

/** Reads a token that ends at whitespace outside strings and brackets. */
function readToken(text: string, start: number): number {
  let index = start;
  while (index < text.length && !/\s/.test(text[index]!)) {
    if (text[index] === '"') index = skipString(text, index);
    else if (OPENERS[text[index]!] !== undefined) index = skipGroup(text, index);
    else index += 1;
  }
  return index;
}

/** Parses one member line (a field, an enum value or a block attribute). */
export function parseMemberLine(line: string): MemberLine {
  const text = line.replace(/\r$/, '');
  const indent = /^\s*/.exec(text)![0];
  let index = indent.length;
  const words: string[] = [];
  const attributes: string[] = [];
  let comment: string | null = null;
  while (index < text.length) {
    if (/\s/.test(text[index]!)) {
      index += 1;
      continue;
    }
    if (text.startsWith('//', index)) {
      comment = text.slice(index).trimEnd();
      break;
    }
    const end = readAttributeOrToken(text, index);
    const token = text.slice(index, end);
    if (token.startsWith('@')) attributes.push(token);
    else words.push(token);
    index = end;
  }
  const [name = '', typeToken = ''] = words;
  const optional = typeToken.endsWith('?');
  const withoutOptional = optional ? typeToken.slice(0, -1) : typeToken;
  const list = withoutOptional.endsWith('[]');
  return { indent, name, type: list ? withoutOptional.slice(0, -2) : withoutOptional, list, optional, attributes, comment };
}

function readAttributeOrToken(text: string, start: number): number {
  if (text[start] !== '@') return readToken(text, start);
  let index = start + (text[start + 1] === '@' ? 2 : 1);
  while (index < text.length && /[\w.]/.test(text[index]!)) index += 1;
  return text[index] === '(' ? skipGroup(text, index) : index;
}

/** Renders a member line with single spaces (the formatter aligns the block afterwards). */
export function renderMemberLine(member: MemberLine): string {
  const type = member.type === '' ? '' : `${member.type}${member.list ? '[]' : ''}${member.optional ? '?' : ''}`;
  const parts = [member.name, type, ...member.attributes, member.comment ?? ''].filter((part) => part !== '');
  return `${member.indent}${parts.join(' ')}`;
}

/** Parses an attribute's text: `@db.VarChar(20)` → `{ prefix: '@', name: 'db.VarChar', args: [20] }`. */
export function parseAttribute(raw: string): AttributeSyntax {
  const prefix = raw.startsWith('@@') ? '@@' : '@';
  const open = raw.indexOf('(');
  const name = raw.slice(prefix.length, open === -1 ? undefined : open).trim();
  if (open === -1) return { prefix, name, args: null };
  const inner = raw.slice(open + 1, raw.lastIndexOf(')'));
  const args = splitTopLevel(inner).map((part): AttributeArg => {
    const keyed = /^([A-Za-z_]\w*)\s*:\s*([\s\S]*)$/.exec(part);
    return keyed ? { key: keyed[1]!, value: keyed[2]! } : { key: null, value: part };
  });
  return { prefix, name, args };
}

/** Renders an attribute with `, ` between arguments (the formatter's spacing). */
export function renderAttribute(attribute: AttributeSyntax): string {
  const head = `${attribute.prefix}${attribute.name}`;
  if (attribute.args === null) return head;
  return `${head}(${attribute.args.map((arg) => (arg.key === null ? arg.value : `${arg.key}: ${arg.value}`)).join(', ')})`;
}

/** The attribute's name without its prefix: `db.VarChar`, `index`. */
export function attributeName(raw: string): string {
  return parseAttribute(raw).name;
}

/** The items of a list value: `[a, b(sort: Desc)]` → `['a', 'b(sort: Desc)']`. */
export function parseList(value: string): string[] {
  const trimmed = value.trim();
  if (!trimmed.startsWith('[')) return [trimmed];
  return splitTopLevel(trimmed.slice(1, -1));
}

/** `[a, b]`. */
export function renderList(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

/** The field a list item names: `b(sort: Desc)` → `b`. */
export function listItemName(item: string): string {
  return item.split('(')[0]!.trim();
}

/** A Prisma string literal. */
export function prismaString(value: string): string {
  return JSON.stringify(value);
}

/** The first positional argument and the argument named `key` of a parsed attribute. */
export function argValue(attribute: AttributeSyntax, key: string | null): string | undefined {
  if (attribute.args === null) return undefined;
  const found = key === null ? attribute.args.find((arg) => arg.key === null) : attribute.args.find((arg) => arg.key === key);
  return found?.value;
}

/** Sets (or, with `value` undefined, removes) an argument, keeping the order of the others. */
export function withArg(attribute: AttributeSyntax, key: string | null, value: string | undefined): AttributeSyntax {
  const args = [...(attribute.args ?? [])];
  const position = args.findIndex((arg) => arg.key === key);
  if (value === undefined) {
    if (position !== -1) args.splice(position, 1);
  } else if (position === -1) {
    // A positional argument comes first: `@relation("name", fields: [...])`.
    if (key === null) args.unshift({ key, value });
    else args.push({ key, value });
  } else {
    args[position] = { key, value };
  }
  return { ...attribute, args };
}
