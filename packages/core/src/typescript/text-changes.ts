import type { SourceFile } from 'ts-morph';

/**
 * Formatting-preserving text edits for TypeScript sources. Every editor step computes
 * `TextChange`s against the current source (positions from the AST), then applies them in
 * one pass, so only the touched ranges change and everything else stays byte-identical.
 */

/** Replace `[start, end)` of a file's text with `text` (an insertion when start === end). */
export interface TextChange {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Applies non-overlapping changes to `sourceFile`: spliced into its text back to front, then
 * set with `replaceWithText` (ts-morph's node-mapping `replaceText` fails on some removals,
 * e.g. a file's last statement). Nodes obtained before the call must be looked up again.
 * Throws on overlapping changes: two steps disagreeing about one range is a bug, not an edit.
 */
export function applyChanges(sourceFile: SourceFile, changes: readonly TextChange[]): void {
  if (changes.length === 0) return;
  // Insertions at the same offset keep their listed order in the result.
  const sorted = changes.map((change, order) => ({ ...change, order })).sort((a, b) => b.start - a.start || b.end - a.end || b.order - a.order);
  let text = sourceFile.getFullText();
  let limit = Number.POSITIVE_INFINITY;
  for (const change of sorted) {
    if (change.end > limit) throw new Error(`overlapping source edits at offset ${change.start}`);
    text = text.slice(0, change.start) + change.text + text.slice(change.end);
    limit = change.start;
  }
  sourceFile.replaceWithText(text);
}

/** Offset of the first character of the line containing `position`. */
export function lineStart(text: string, position: number): number {
  return text.lastIndexOf('\n', position - 1) + 1;
}

/** Offset of the newline ending the line that contains `position` (or the text length). */
export function lineEnd(text: string, position: number): number {
  const end = text.indexOf('\n', position);
  return end === -1 ? text.length : end;
}

/** The whitespace that starts the line containing `position`. */
export function indentationAt(text: string, position: number): string {
  const start = lineStart(text, position);
  return /^[ \t]*/.exec(text.slice(start))![0];
}
