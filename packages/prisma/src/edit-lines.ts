import { memberIndent, type EditState, type LocatedModel } from './edit-context.js';
import { docStart, splitLines, type ParsedSource, type SourceBlock } from './prisma-source.js';

/**
 * Line edits collected for one change and applied together, so every line number refers to
 * the text as it was before the change. Lines not named stay byte-identical.
 */
export class LineEdits {
  readonly #removed = new Map<string, Set<number>>();
  readonly #replaced = new Map<string, Map<number, string>>();
  readonly #inserted = new Map<string, Map<number, string[]>>();

  /** Removes line `line` of `path`. */
  remove(path: string, line: number): this {
    setOf(this.#removed, path).add(line);
    return this;
  }

  /** Removes lines `from`..`to` (inclusive). */
  removeRange(path: string, from: number, to: number): this {
    for (let line = from; line <= to; line += 1) this.remove(path, line);
    return this;
  }

  replace(path: string, line: number, text: string): this {
    mapOf(this.#replaced, path).set(line, text);
    return this;
  }

  /** The replacement already recorded for a line, so two edits of one line compose. */
  current(path: string, line: number, original: string): string {
    return this.#replaced.get(path)?.get(line) ?? original;
  }

  /** Inserts lines before line `before` (use the line count to append). */
  insert(path: string, before: number, lines: readonly string[]): this {
    const at = mapOf(this.#inserted, path);
    at.set(before, [...(at.get(before) ?? []), ...lines]);
    return this;
  }

  /** Applies the edits to the state's texts. */
  commit(state: EditState): void {
    const paths = new Set([...this.#removed.keys(), ...this.#replaced.keys(), ...this.#inserted.keys()]);
    for (const path of paths) state.texts.set(path, this.#apply(path, state.texts.get(path)!));
  }

  #apply(path: string, text: string): string {
    const { lines, eol } = splitLines(text);
    const removed = this.#removed.get(path) ?? new Set<number>();
    const replaced = this.#replaced.get(path) ?? new Map<number, string>();
    const inserted = this.#inserted.get(path) ?? new Map<number, string[]>();
    const out: string[] = [];
    lines.forEach((line, index) => {
      out.push(...(inserted.get(index) ?? []));
      if (!removed.has(index)) out.push(replaced.get(index) ?? line);
    });
    out.push(...(inserted.get(lines.length) ?? []));
    return out.join(eol);
  }
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  if (!map.has(key)) map.set(key, new Set());
  return map.get(key)!;
}

function mapOf<K, K2, V>(map: Map<K, Map<K2, V>>, key: K): Map<K2, V> {
  if (!map.has(key)) map.set(key, new Map());
  return map.get(key)!;
}

/** Removes a member line with its `///` documentation lines. */
export function removeMember(edits: LineEdits, path: string, source: ParsedSource, line: number): void {
  edits.removeRange(path, docStart(source.lines, line, true), line);
}

/** Removes a block with the comments directly above it and one blank line around it. */
export function removeBlock(edits: LineEdits, path: string, source: ParsedSource, block: SourceBlock): void {
  const isBlank = (line: number) => line >= 0 && line < source.lines.length && source.lines[line]!.trim() === '';
  let from = block.docLine;
  let to = block.closeLine;
  if (isBlank(to + 1)) to += 1;
  else if (isBlank(from - 1)) from -= 1;
  edits.removeRange(path, from, to);
}

/** Appends a block at the end of a file, separated by one blank line. */
export function appendBlock(edits: LineEdits, source: ParsedSource, path: string, block: readonly string[]): void {
  insertBlockAfter(edits, source, path, lastContentLine(source), block);
}

/** Inserts a block after line `after` (-1: at the top), separated by one blank line. */
export function insertBlockAfter(edits: LineEdits, source: ParsedSource, path: string, after: number, block: readonly string[]): void {
  const atEnd = after + 1 >= source.lines.length;
  // The file keeps ending with a newline.
  const lines = after < 0 ? [...block] : ['', ...block, ...(atEnd ? [''] : [])];
  edits.insert(path, after + 1, lines);
}

function lastContentLine(source: ParsedSource): number {
  for (let line = source.lines.length - 1; line >= 0; line -= 1) if (source.lines[line]!.trim() !== '') return line;
  return -1;
}

/**
 * Inserts a block attribute line (`  @@index([a])`) into a model: after its last index-like
 * block attribute, before `@@map`/`@@schema`, or after the fields with a blank line.
 */
export function insertBlockAttribute(edits: LineEdits, located: LocatedModel, text: string): void {
  const attributes = located.members.filter((member) => member.kind === 'attribute');
  const trailing = new Set(['map', 'schema']);
  const lastIndexLike = attributes.filter((member) => !trailing.has(member.node.name)).at(-1);
  const indent = memberIndent(located);
  if (lastIndexLike !== undefined) edits.insert(located.path, lastIndexLike.line + 1, [`${indent}${text}`]);
  else if (attributes[0] !== undefined) edits.insert(located.path, attributes[0].line, [`${indent}${text}`]);
  else edits.insert(located.path, located.block.closeLine, ['', `${indent}${text}`]);
}
