import { Node, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
import { OrmAiError } from '@orm-ai/core';
import { applyChanges, codeStyleOf, indentationAt, lineEnd, lineStart, restyle, type TextChange } from '@orm-ai/core/typescript';

/** PLAN_APPLY_FAILED with the reason; apply-plan prefixes the change it was applying. */
export function applyError(message: string): OrmAiError {
  return new OrmAiError('PLAN_APPLY_FAILED', message, { hint: 'Edit the entity by hand, or adjust the plan.' });
}

/**
 * Applies `changes` to `sourceFile` with the code they insert in the file's own style: the
 * editors write single quotes and semicolons, and a file in double quotes without
 * semicolons gets them rewritten to match.
 */
export function applyStyled(sourceFile: SourceFile, changes: readonly TextChange[]): void {
  const style = codeStyleOf(sourceFile);
  applyChanges(sourceFile, changes.map((change) => (change.text === '' ? change : { ...change, text: restyle(change.text, style) })));
}

/** Start of a declaration including its decorators and the comments attached above it. */
export function declarationStart(node: Node): number {
  const text = node.getSourceFile().getFullText();
  let start = node.getStart(true);
  for (const range of [...node.getLeadingCommentRanges()].reverse()) {
    if ((text.slice(range.getEnd(), start).match(/\n/g) ?? []).length > 1) break;
    start = range.getPos();
  }
  return start;
}

/** Removes a class member or statement with its decorators, comments and the blank line before it. */
export function removeDeclaration(node: Node): TextChange {
  const text = node.getSourceFile().getFullText();
  let start = lineStart(text, declarationStart(node));
  const end = Math.min(lineEnd(text, node.getEnd()) + 1, text.length);
  const before = lineStart(text, Math.max(start - 1, 0));
  if (start > 0 && text.slice(before, start).trim() === '') start = before;
  return { start, end, text: '' };
}

/** Inserts a member after `node` (a class member), separated by a blank line, at its indentation. */
export function insertMemberAfter(node: Node, lines: readonly string[]): TextChange {
  const text = node.getSourceFile().getFullText();
  const end = lineEnd(text, node.getEnd());
  const indent = indentationAt(text, node.getStart(true));
  return { start: end, end, text: `\n\n${lines.map((line) => (line === '' ? '' : indent + line)).join('\n')}` };
}

/** Sets `key: value` in an options object: replaces the value or appends the property inline. */
export function setObjectProperty(object: ObjectLiteralExpression, key: string, value: string): TextChange {
  const existing = object.getProperty(key);
  if (Node.isPropertyAssignment(existing)) {
    const initializer = existing.getInitializerOrThrow();
    return { start: initializer.getStart(), end: initializer.getEnd(), text: value };
  }
  const properties = object.getProperties();
  const last = properties.at(-1);
  if (last === undefined) return { start: object.getStart() + 1, end: object.getEnd() - 1, text: ` ${key}: ${value} ` };
  const text = object.getSourceFile().getFullText();
  if (text.slice(object.getStart(), last.getStart()).includes('\n')) {
    const comma = last.getNextSibling((sibling) => sibling.getText() === ',');
    const indent = indentationAt(text, last.getStart());
    return { start: (comma ?? last).getEnd(), end: (comma ?? last).getEnd(), text: `${comma === undefined ? ',' : ''}\n${indent}${key}: ${value}${comma === undefined ? '' : ','}` };
  }
  return { start: last.getEnd(), end: last.getEnd(), text: `, ${key}: ${value}` };
}

/** Removes `key` from an options object (with its comma); no change when absent. */
export function removeObjectProperty(object: ObjectLiteralExpression, key: string): TextChange[] {
  const property = object.getProperty(key);
  if (property === undefined) return [];
  const properties = object.getProperties();
  const position = properties.indexOf(property);
  const next = properties[position + 1];
  if (next !== undefined) return [{ start: property.getStart(), end: next.getStart(), text: '' }];
  const previous = properties[position - 1];
  if (previous !== undefined) return [{ start: previous.getEnd(), end: property.getEnd(), text: '' }];
  return [{ start: object.getStart() + 1, end: object.getEnd() - 1, text: '' }];
}

/** A TypeScript string literal in single quotes (`applyStyled` turns it to the file's quote). */
export function quoted(value: string): string {
  if (value.includes("'") && !value.includes('"') && !value.includes('\\')) return `"${value.replaceAll('\n', '\\n')}"`;
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
}
