import { parsePrismaSource, splitLines, type ParsedSource, type SourceBlock } from './prisma-source.js';
import { prismaFormat } from './prisma-wasm.js';
import type { PrismaSourceFile } from './read-schema.js';

/** Formats whole files with Prisma's formatter (what `prisma format` writes), in order. */
export async function formatPrismaFiles(files: readonly PrismaSourceFile[]): Promise<PrismaSourceFile[]> {
  const formatted = await prismaFormat(files.map((file) => [file.path, file.content]));
  return files.map((file, index) => ({ path: file.path, content: formatted[index]?.[1] ?? file.content }));
}

/** One file before and after an edit. */
export interface EditedFile {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/**
 * Formats only the blocks an edit changed. Prisma's formatter realigns (and reorders the
 * attributes of) every block it touches, so it runs over all files together, and only the
 * blocks of `after` whose text does not appear in `before` take the formatted text: the
 * user's other blocks, comments and blank lines stay byte-identical. Returns path → text.
 */
export async function formatEditedBlocks(files: readonly EditedFile[]): Promise<Map<string, string>> {
  const formatted = await formatPrismaFiles(files.map((file) => ({ path: file.path, content: file.after })));
  const result = new Map<string, string>();
  files.forEach((file, index) => {
    result.set(file.path, file.before === file.after ? file.after : spliceFormattedBlocks(file, formatted[index]!.content));
  });
  return result;
}

function blockText(source: ParsedSource, block: SourceBlock): string {
  return source.lines.slice(block.headerLine, block.closeLine + 1).join('\n');
}

function spliceFormattedBlocks(file: EditedFile, formattedText: string): string {
  const before = parsePrismaSource(file.before);
  const after = parsePrismaSource(file.after);
  const formatted = parsePrismaSource(formattedText);
  // The formatter neither adds nor drops blocks; if it ever did, keep the edit unformatted.
  if (formatted.blocks.length !== after.blocks.length) return file.after;
  const unchanged = new Set(before.blocks.map((block) => blockText(before, block)));
  const indent = memberIndent(before);
  const lines = [...after.lines];
  for (let index = after.blocks.length - 1; index >= 0; index -= 1) {
    const block = after.blocks[index]!;
    if (unchanged.has(blockText(after, block))) continue;
    const replacement = formatted.blocks[index]!;
    const reindented = formatted.lines.slice(replacement.headerLine, replacement.closeLine + 1).map((line) => line.replace(/^ {2}(?=\S)/, indent));
    lines.splice(block.headerLine, block.closeLine - block.headerLine + 1, ...reindented);
  }
  return lines.join(splitLines(file.after).eol);
}

/**
 * The indentation most of the file's block members use. Prisma's formatter always writes two
 * spaces; a file indented with tabs or four spaces gets its edited blocks back in its own
 * indentation (the alignment after it is the same, every member having the same indent).
 */
function memberIndent(source: ParsedSource): string {
  const counts = new Map<string, number>();
  for (const block of source.blocks) {
    for (const line of source.lines.slice(block.headerLine + 1, block.closeLine)) {
      const indent = /^[ \t]+(?=\S)/.exec(line)?.[0];
      if (indent !== undefined) counts.set(indent, (counts.get(indent) ?? 0) + 1);
    }
  }
  let best = '  ';
  for (const [indent, count] of counts) if (count > (counts.get(best) ?? 0)) best = indent;
  return best;
}
