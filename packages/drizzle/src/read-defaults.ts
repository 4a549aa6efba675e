import { Node } from 'ts-morph';
import { readError, staticValue, type StaticValue } from './source-utils.js';

/**
 * SQL text of Drizzle expressions: `sql` templates and column defaults, spelled as
 * drizzle-kit writes them into migrations (and PostgreSQL shows them back).
 */

/** How `sql` templates are recognised and their substitutions spelled. */
export interface SqlTemplateOptions {
  /** True when a tag identifier is `sql` imported from 'drizzle-orm' (under any local name). */
  readonly isSqlTag: (name: string) => boolean;
  /** SQL for a `${...}` substitution; throw (readError) when it cannot be expressed. */
  readonly substitute: (expression: Node) => string;
}

/** The SQL of a `sql\`...\`` template, or undefined when `node` is not one. */
export function sqlTemplateText(node: Node, options: SqlTemplateOptions): string | undefined {
  if (!Node.isTaggedTemplateExpression(node)) return undefined;
  const tag = node.getTag();
  if (!Node.isIdentifier(tag) || !options.isSqlTag(tag.getText())) return undefined;
  const template = node.getTemplate();
  if (Node.isNoSubstitutionTemplateLiteral(template)) return template.getLiteralText();
  let text = template.getHead().getLiteralText();
  for (const span of template.getTemplateSpans()) {
    text += options.substitute(span.getExpression()) + span.getLiteral().getLiteralText();
  }
  return text;
}

/** `'it''s'`: a SQL string literal. */
export function quoteSqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** drizzle-kit's `buildArrayString`: `['a', 'b']` → `{"a","b"}`. */
function arrayLiteral(values: readonly StaticValue[]): string {
  const items = values.map((value): string => {
    if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (Array.isArray(value)) return arrayLiteral(value);
    if (value !== null && typeof value === 'object') return `"${JSON.stringify(value).replaceAll('"', '\\"')}"`;
    return `"${String(value)}"`;
  });
  return `{${items.join(',')}}`;
}

function jsonText(value: StaticValue): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? Number(item) : item));
}

/**
 * The model default for `.default(argument)` on a column of canonical `columnType`: strings
 * single-quoted, numbers and booleans as is, arrays as `'{...}'`, JSON as `'...'::jsonb`,
 * `sql` templates verbatim. Returns null for `.default(null)` (Drizzle emits no default).
 */
export function defaultSql(options: { argument: Node; columnType: string; sql: SqlTemplateOptions }): string | null {
  const template = sqlTemplateText(options.argument, options.sql);
  if (template !== undefined) return template;
  const evaluated = staticValue(options.argument);
  if (evaluated === undefined) {
    throw readError(options.argument, 'column default is not a literal or a sql`...` template');
  }
  const { value } = evaluated;
  const isJson = options.columnType === 'json' || options.columnType === 'jsonb';
  if (value === null) return null;
  if (isJson && typeof value !== 'string') return `${quoteSqlString(jsonText(value))}::${options.columnType}`;
  if (typeof value === 'string') return quoteSqlString(value);
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value) && options.columnType.endsWith('[]')) return quoteSqlString(arrayLiteral(value));
  throw readError(options.argument, `cannot express this default for a ${options.columnType} column in SQL`);
}
