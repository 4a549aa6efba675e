import type { SourceFile } from 'ts-morph';
import { type ColumnType, parseColumnType } from '@orm-ai/core';
import type { ColumnSpec } from '@orm-ai/core';
import { builderForColumnType, renderBuilderCall, sqliteColumnType } from './column-builders.js';
import { drizzleCoreOf, SQLITE_CORE } from './drizzle-core.js';
import { applyError, quoted, quoteOf, type EditState } from './edit-context.js';
import type { ImportNeed } from './edit-imports.js';
import { enumVariable, coreExport, sqlTag } from './edit-references.js';
import { columnNameFromKey, isIdentifierName } from './naming.js';

/** Parses a plan type against the schema's enums (SQLite's own spellings on SQLite), failing with PLAN_APPLY_FAILED. */
export function planColumnType(state: EditState, spelling: string, where: string): ColumnType {
  const parsed =
    state.index.core === SQLITE_CORE ? sqliteColumnType(spelling) : parseColumnType(spelling, new Set(state.model.enums.map((candidate) => candidate.name)));
  if (!parsed.ok) throw applyError(`${where}: ${parsed.reason}`);
  return parsed.type;
}

/** The builder call for a type (`varchar('title', { length: 255 })`), with the imports it needs. */
export function renderTypeCall(options: {
  state: EditState;
  sourceFile: SourceFile;
  type: ColumnType;
  /** Already-quoted name argument, or null to omit it. */
  nameLiteral: string | null;
  where: string;
}): { text: string; needs: ImportNeed[] } {
  const { state, sourceFile, type } = options;
  const enumName = type.isEnum ? enumVariable(state, sourceFile, type.base) : undefined;
  const result = builderForColumnType(type, () => enumName?.name, drizzleCoreOf(sourceFile, state.index.core));
  if (!result.ok) throw applyError(`${options.where}: ${result.reason}`);
  const builder = result.call.isEnum ? undefined : coreExport(state, sourceFile, result.call.builder);
  const call = { ...result.call, builder: builder?.name ?? result.call.builder };
  return { text: renderBuilderCall(call, options.nameLiteral), needs: [...(enumName?.needs ?? []), ...(builder?.needs ?? [])] };
}

const STRING_DEFAULT_TYPES = new Set(['text', 'varchar', 'char', 'uuid', 'inet', 'cidr', 'macaddr', 'date', 'time', 'timetz', 'interval']);
const NUMBER_DEFAULT_TYPES = new Set(['smallint', 'integer', 'bigint', 'real', 'double precision']);

/** `'it''s'` → `it's`, or undefined when `sql` is not exactly one SQL string literal. */
function sqlStringValue(sql: string): string | undefined {
  const match = /^'((?:[^']|'')*)'$/.exec(sql);
  return match === null ? undefined : match[1]!.replaceAll("''", "'");
}

/** A `sql` template body: backslashes, backticks and `${` escaped. */
function templateBody(sql: string): string {
  return sql.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${');
}

/**
 * The Drizzle modifier for a SQL default on a column of `type`: `.default('x')`, `.default(0)`,
 * `.default(true)`, `.defaultNow()`, `.defaultRandom()`, else `.default(sql\`<expr>\`)`.
 * Typed literals are only used where Drizzle's column type accepts them.
 */
export function renderDefault(options: { sql: string; type: ColumnType; sourceFile: SourceFile }): { text: string; needs: ImportNeed[] } {
  const expression = options.sql.trim();
  const { type } = options;
  const scalar = type.arrayDimensions === 0;
  const string = sqlStringValue(expression);
  if (scalar && string !== undefined && (type.isEnum || STRING_DEFAULT_TYPES.has(type.base))) {
    return { text: `.default(${quoted(string, quoteOf(options.sourceFile))})`, needs: [] };
  }
  if (scalar && /^-?\d+(\.\d+)?$/.test(expression) && NUMBER_DEFAULT_TYPES.has(type.base)) return { text: `.default(${expression})`, needs: [] };
  if (scalar && /^(true|false)$/i.test(expression) && type.base === 'boolean') return { text: `.default(${expression.toLowerCase()})`, needs: [] };
  const isTimestamp = type.base === 'timestamp' || type.base === 'timestamptz';
  if (scalar && isTimestamp && /^(now\(\)|current_timestamp)$/i.test(expression)) return { text: '.defaultNow()', needs: [] };
  if (scalar && type.base === 'uuid' && /^gen_random_uuid\(\)$/i.test(expression)) return { text: '.defaultRandom()', needs: [] };
  const tag = sqlTag(options.sourceFile);
  return { text: `.default(${tag.name}\`${templateBody(expression)}\`)`, needs: tag.needs };
}

/** How new columns write their db name: always, or only when it differs from the key's derived name. */
export type NameStyle = 'explicit' | 'derived';

/** A full column property for a plan column: `key: builder(...).primaryKey().notNull().unique().default(...)`. */
export function renderColumnProperty(options: {
  state: EditState;
  sourceFile: SourceFile;
  spec: ColumnSpec;
  key: string;
  nameStyle: NameStyle;
  where: string;
}): { text: string; needs: ImportNeed[] } {
  const { state, sourceFile, spec, key } = options;
  const type = planColumnType(state, spec.type, options.where);
  const derived = options.nameStyle === 'derived' && columnNameFromKey(key, state.casing) === spec.name;
  const call = renderTypeCall({ state, sourceFile, type, nameLiteral: derived ? null : quoted(spec.name, quoteOf(sourceFile)), where: options.where });
  let text = call.text;
  const needs = [...call.needs];
  if (spec.primaryKey) text += '.primaryKey()';
  if (!spec.nullable && !spec.primaryKey) text += '.notNull()';
  if (spec.unique) text += '.unique()';
  if (spec.default !== null) {
    const modifier = renderDefault({ sql: spec.default, type, sourceFile });
    text += modifier.text;
    needs.push(...modifier.needs);
  }
  const keyText = isIdentifierName(key) ? key : quoted(key, quoteOf(sourceFile));
  return { text: `${keyText}: ${text}`, needs };
}
