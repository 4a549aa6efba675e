import { lineEnd, lineStart, indentationAt, type TextChange } from '@orm-ai/core/typescript';
import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import { attachedCommentRanges, type ChainLink } from './source-utils.js';

/**
 * Drizzle's source edits: lists, chains and statements, as `TextChange`s (core's
 * `@orm-ai/core/typescript` applies them).
 */

/** True when only whitespace precedes `node` on its line. */
function startsLine(node: Node): boolean {
  const text = node.getSourceFile().getFullText();
  return text.slice(lineStart(text, node.getStart()), node.getStart()).trim() === '';
}

function commaAfter(node: Node): Node | undefined {
  return node.getNextSiblingIfKind(SyntaxKind.CommaToken);
}

/** True when the list's items sit one per line (an empty list counts as inline). */
export function isMultiline(items: readonly Node[]): boolean {
  const first = items[0];
  return first !== undefined && startsLine(first);
}

/**
 * Inserts `texts` as new items of a comma-separated list (object literal, array literal,
 * named imports) before the item at `position` (default: at the end), copying the
 * neighbours' layout (one per line or inline), indentation and trailing-comma style.
 * `emptyList` is the list node, used only when it has no items yet.
 */
export function insertListItems(options: { items: readonly Node[]; texts: readonly string[]; position?: number; emptyList?: Node }): TextChange {
  const { items, texts } = options;
  const position = options.position ?? items.length;
  if (items.length === 0) return insertIntoEmptyList(options.emptyList, texts.join(', '));
  const source = items[0]!.getSourceFile().getFullText();
  if (!isMultiline(items)) {
    const target = items[position];
    if (target !== undefined) return { start: target.getStart(), end: target.getStart(), text: `${texts.join(', ')}, ` };
    const last = items.at(-1)!;
    return { start: last.getEnd(), end: last.getEnd(), text: `, ${texts.join(', ')}` };
  }
  const target = items[position];
  if (target !== undefined) {
    const start = lineStart(source, commentStart(target));
    const indent = indentationAt(source, target.getStart());
    return { start, end: start, text: texts.map((text) => `${indent}${text},\n`).join('') };
  }
  const last = items.at(-1)!;
  const comma = commaAfter(last);
  const indent = indentationAt(source, last.getStart());
  const end = lineEnd(source, (comma ?? last).getEnd());
  const lines = texts.map((text) => `\n${indent}${text}`).join(',');
  if (comma !== undefined) return { start: end, end, text: `${lines},` };
  return { start: last.getEnd(), end, text: `,${source.slice(last.getEnd(), end)}${lines}` };
}

/** `insertListItems` for one item. */
export function insertListItem(options: { items: readonly Node[]; text: string; position?: number; emptyList?: Node }): TextChange {
  return insertListItems({ ...options, texts: [options.text] });
}

function insertIntoEmptyList(list: Node | undefined, text: string): TextChange {
  if (list === undefined) throw new Error('cannot insert into an empty list without its node');
  const inner = { start: list.getStart() + 1, end: list.getEnd() - 1 };
  const padding = Node.isObjectLiteralExpression(list) || Node.isNamedImports(list) ? ' ' : '';
  return { ...inner, text: `${padding}${text}${padding}` };
}

/** Start of a node including the comments attached directly above it. */
export function commentStart(node: Node): number {
  return attachedCommentRanges(node)[0]?.pos ?? node.getStart();
}

/**
 * Removes an item of a comma-separated list with its comma, its attached comments and, for
 * one-item-per-line lists, its whole line(s). When the last item goes and the list had no
 * trailing comma, the new last item's comma is removed too.
 */
export function removeListItem(options: { item: Node; items: readonly Node[] }): TextChange[] {
  const { item, items } = options;
  const source = item.getSourceFile().getFullText();
  const position = items.indexOf(item);
  const previous = items[position - 1];
  const comma = commaAfter(item);
  if (!isMultiline(items)) {
    const next = items[position + 1];
    if (next !== undefined) return [{ start: item.getStart(), end: next.getStart(), text: '' }];
    if (previous !== undefined) return [{ start: previous.getEnd(), end: (comma ?? item).getEnd(), text: '' }];
    return [{ start: item.getStart(), end: (comma ?? item).getEnd(), text: '' }];
  }
  const start = lineStart(source, commentStart(item));
  const end = Math.min(lineEnd(source, (comma ?? item).getEnd()) + 1, source.length);
  const changes: TextChange[] = [{ start, end, text: '' }];
  const previousComma = previous === undefined ? undefined : commaAfter(previous);
  if (comma === undefined && previousComma !== undefined) changes.push({ start: previousComma.getStart(), end: previousComma.getEnd(), text: '' });
  return changes;
}

/** Appends `.name(...)` to a method chain, on a new line when the chain is written one call per line. */
export function appendChainLink(options: { chain: Node; text: string }): TextChange {
  const { chain, text } = options;
  const source = chain.getSourceFile().getFullText();
  const callee = Node.isCallExpression(chain) ? chain.getExpression() : undefined;
  if (Node.isPropertyAccessExpression(callee)) {
    const dot = callee.getExpression().getEnd();
    const gap = source.slice(dot, callee.getNameNode().getStart());
    if (gap.includes('\n')) {
      const indent = indentationAt(source, callee.getNameNode().getStart());
      return { start: chain.getEnd(), end: chain.getEnd(), text: `\n${indent}${text}` };
    }
  }
  return { start: chain.getEnd(), end: chain.getEnd(), text };
}

/**
 * Inserts `text` (`.notNull()`) right after `anchor` (the builder call, or its last `.array()`),
 * before the links that follow; on its own line when the next link starts a line.
 */
export function insertChainLinkAfter(options: { anchor: Node; next: ChainLink | undefined; text: string }): TextChange {
  const end = options.anchor.getEnd();
  const nextName = options.next?.call.getExpression().asKind(SyntaxKind.PropertyAccessExpression)?.getNameNode();
  if (nextName === undefined) return { start: end, end, text: options.text };
  const source = options.anchor.getSourceFile().getFullText();
  if (!source.slice(end, nextName.getStart()).includes('\n')) return { start: end, end, text: options.text };
  return { start: end, end, text: `\n${indentationAt(source, nextName.getStart())}${options.text}` };
}

/** Removes one `.name(...)` link of a chain, including the line break before it. */
export function removeChainLink(link: ChainLink): TextChange {
  const callee = link.call.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) throw new Error('not a chained call');
  return { start: callee.getExpression().getEnd(), end: link.call.getEnd(), text: '' };
}

/** Replaces one `.name(...)` link with other link text (`.defaultNow()`), keeping the line break before it. */
export function replaceChainLink(link: ChainLink, text: string): TextChange {
  const callee = link.call.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) throw new Error('not a chained call');
  const dot = source(link).lastIndexOf('.', callee.getNameNode().getStart());
  return { start: dot, end: link.call.getEnd(), text };
}

function source(link: ChainLink): string {
  return link.call.getSourceFile().getFullText();
}

/** Removes a top-level statement with its attached comments and the blank line it leaves behind. */
export function removeStatement(statement: Node): TextChange {
  const text = statement.getSourceFile().getFullText();
  let start = lineStart(text, commentStart(statement));
  const end = Math.min(lineEnd(text, statement.getEnd()) + 1, text.length);
  const blankBefore = start >= 2 && text.slice(lineStart(text, start - 1), start).trim() === '';
  const blankAfter = end >= text.length || text.slice(end, lineEnd(text, end)).trim() === '';
  if (blankBefore && blankAfter) start = lineStart(text, start - 1);
  return { start, end, text: '' };
}

/** Inserts a statement after `statement` (after its trailing same-line comment), separated by a blank line. */
export function insertStatementAfter(statement: Node, text: string): TextChange {
  const source = statement.getSourceFile().getFullText();
  const end = lineEnd(source, statement.getEnd());
  return { start: end, end, text: `\n\n${text}` };
}

/** Inserts a statement before `statement` and its attached comments, separated by a blank line. */
export function insertStatementBefore(statement: Node, text: string): TextChange {
  const source = statement.getSourceFile().getFullText();
  const start = lineStart(source, commentStart(statement));
  return { start, end: start, text: `${text}\n\n` };
}
