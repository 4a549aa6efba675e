import { prismaString } from './prisma-syntax.js';
import type { PrismaFieldType } from './prisma-types.js';
import type { PrismaEnumEntry } from './read-schema.js';

/**
 * A plan's SQL default as a Prisma `@default(...)` attribute: literals become Prisma literals
 * (`'draft'` → `"draft"`, `0`, `true`, enum values by name, `'{}'`/`ARRAY[...]` → `[...]`),
 * `now()`/`CURRENT_TIMESTAMP` → `now()`, serial types → `autoincrement()`, and any other
 * expression → `dbgenerated("<sql>")`, which Prisma writes into the migration verbatim.
 * Returns null when there is no default.
 */
export function prismaDefault(options: { sql: string | null; type: PrismaFieldType; enumEntry?: PrismaEnumEntry | undefined }): string | null {
  const { type } = options;
  if (type.autoincrement) return '@default(autoincrement())';
  if (options.sql === null || /^null$/i.test(options.sql.trim())) return null;
  const sql = options.sql.trim();
  const translate = (literal: string) => scalarLiteral(literal, type, options.enumEntry);
  const value = type.list ? listLiteral(sql, translate) : translate(sql);
  return `@default(${value ?? `dbgenerated(${prismaString(sql)})`})`;
}

const CAST = /::\s*(?:"[^"]+"|[A-Za-z_][\w ]*)(?:\(\s*\d+(?:\s*,\s*\d+)?\s*\))?(?:\[\])*$/;
const STRING = /^[Ee]?'((?:[^']|'')*)'$/;
const NUMBER = /^\(?(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\)?$/;
const NOW = /^(now\(\)|current_timestamp(\(\d+\))?|localtimestamp(\(\d+\))?)$/i;

function withoutCast(sql: string): string {
  return sql.replace(CAST, '').trim();
}

function stringValue(sql: string): string | undefined {
  const match = STRING.exec(withoutCast(sql));
  return match === null ? undefined : match[1]!.replaceAll("''", "'");
}

function scalarLiteral(sql: string, type: PrismaFieldType, enumEntry: PrismaEnumEntry | undefined): string | null {
  const text = stringValue(sql);
  const bare = withoutCast(sql);
  if (enumEntry !== undefined) return enumEntry.values.find((value) => value.value === text)?.name ?? null;
  switch (type.scalar) {
    case 'DateTime':
      if (NOW.test(bare)) return 'now()';
      return text !== undefined && /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)) ? prismaString(text) : null;
    case 'Int':
    case 'BigInt':
    case 'Float':
    case 'Decimal': {
      const number = NUMBER.exec(text ?? bare);
      return number === null ? null : number[1]!;
    }
    case 'Boolean':
      return /^(true|false)$/i.test(text ?? bare) ? (text ?? bare).toLowerCase() : null;
    case 'Json':
      return text !== undefined && isJson(text) ? prismaString(text) : null;
    case 'Bytes':
      return text !== undefined && /^\\x([\da-f]{2})*$/i.test(text) ? prismaString(Buffer.from(text.slice(2), 'hex').toString('base64')) : null;
    default:
      return text === undefined ? null : prismaString(text);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `'{}'`, `'{a,b}'`, `ARRAY[]::text[]`, `ARRAY['a', 'b']` → `[...]`, or null when not a plain list. */
function listLiteral(sql: string, translate: (literal: string) => string | null): string | null {
  const bare = withoutCast(sql);
  const array = /^ARRAY\s*\[([\s\S]*)\]$/i.exec(bare);
  let items: string[];
  if (array !== null) {
    items = splitSqlList(array[1]!);
  } else {
    const text = stringValue(sql);
    if (text === undefined || !/^\{[^"\\{}]*\}$/.test(text)) return null;
    items = text
      .slice(1, -1)
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => `'${item.replaceAll("'", "''")}'`);
  }
  const translated = items.map((item) => translate(item));
  return translated.some((item) => item === null) ? null : `[${translated.join(', ')}]`;
}

/** Splits SQL list items on commas outside quotes and parentheses. */
function splitSqlList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === '(') depth += 1;
    else if (!quoted && char === ')') depth -= 1;
    else if (!quoted && depth === 0 && char === ',') {
      items.push(text.slice(start, index).trim());
      start = index + 1;
    }
  }
  items.push(text.slice(start).trim());
  return items.filter((item) => item !== '');
}
