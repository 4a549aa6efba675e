import type { ParsedStatement } from './parser.js';

/** `PRAGMA foreign_keys=OFF` as `{ name: 'foreign_keys', value: 'OFF' }`, as written; a PRAGMA that only reads has value null. Null for other statements. */
export function pragmaOf(statement: ParsedStatement): { readonly name: string; readonly value: string | null } | null {
  const pragma = statement.ast.pragma as { name?: { name?: string } } | undefined;
  if (!pragma) return null;
  const assignment = statement.tokens.findIndex((token) => token.type === 'EQ');
  const value = assignment === -1 ? [] : statement.tokens.slice(assignment + 1).filter((token) => token.type !== 'SEMICOLON');
  return { name: pragma.name?.name ?? '', value: value.length === 0 ? null : value.map((token) => token.text).join(' ') };
}
