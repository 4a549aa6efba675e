import { ts, type SourceFile } from 'ts-morph';

/** How a TypeScript file writes strings, ends statements and indents: what inserted code copies. */
export interface CodeStyle {
  readonly quote: "'" | '"';
  /** `';'`, or `''` in a file that leaves statements to automatic semicolon insertion. */
  readonly semicolon: ';' | '';
  /** One indentation level: `'  '`, `'    '` or `'\t'`. */
  readonly indent: string;
}

/** What a file with nothing to read a style from gets: TypeScript's and TypeORM's own examples. */
export const DEFAULT_CODE_STYLE: CodeStyle = { quote: "'", semicolon: ';', indent: '  ' };

/** Statements and members that end with a semicolon or do not, by the file's habit. */
const TERMINATED_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.ImportDeclaration,
  ts.SyntaxKind.ExportDeclaration,
  ts.SyntaxKind.ExportAssignment,
  ts.SyntaxKind.VariableStatement,
  ts.SyntaxKind.ExpressionStatement,
  ts.SyntaxKind.ReturnStatement,
  ts.SyntaxKind.ThrowStatement,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.PropertyDeclaration,
]);

/**
 * The style most of the file follows, each habit read on its own: the quote most string
 * literals use, whether most statements end with `;`, and the indentation step found most
 * often after a line that opens a block. A habit the file shows no sign of comes from
 * `fallback` (another file of the project, for a new or empty file).
 *
 * @example
 * codeStyleOf(project.createSourceFile('a.ts', 'import { a } from "a"\nif (a) {\n    a()\n}\n'))
 * // { quote: '"', semicolon: '', indent: '    ' }
 */
export function codeStyleOf(sourceFile: SourceFile, fallback: CodeStyle = DEFAULT_CODE_STYLE): CodeStyle {
  const text = sourceFile.getFullText();
  let single = 0;
  let double = 0;
  let terminated = 0;
  let open = 0;
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.StringLiteral) {
      if (text[node.getStart(sourceFile.compilerNode)] === "'") single += 1;
      else double += 1;
    }
    if (TERMINATED_KINDS.has(node.kind)) {
      if (text[node.end - 1] === ';') terminated += 1;
      else open += 1;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile.compilerNode);
  return {
    quote: single === double ? fallback.quote : single > double ? "'" : '"',
    semicolon: terminated === open ? fallback.semicolon : terminated > open ? ';' : '',
    indent: indentStep(text) ?? fallback.indent,
  };
}

/** The most frequent indentation added by a line ending in `{`, `[` or `(`; null when no line does. */
function indentStep(text: string): string | null {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const counts = new Map<string, number>();
  for (let index = 0; index + 1 < lines.length; index += 1) {
    if (!/[{[(]\s*$/.test(lines[index]!)) continue;
    const outer = /^[ \t]*/.exec(lines[index]!)![0];
    const inner = /^[ \t]*/.exec(lines[index + 1]!)![0];
    if (inner.length <= outer.length || !inner.startsWith(outer)) continue;
    const step = inner.slice(outer.length);
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [step, count] of counts) if (best === null || count > counts.get(best)!) best = step;
  return best;
}

/**
 * A TypeScript string literal for `value` in `quote`, switching to the other quote when that
 * spares an escape (`"it's"`), as formatters do.
 */
export function quoted(value: string, quote: "'" | '"'): string {
  const other = quote === "'" ? '"' : "'";
  const chosen = value.includes(quote) && !value.includes(other) ? other : quote;
  const escaped = value.replaceAll('\\', '\\\\').replaceAll(chosen, `\\${chosen}`).replaceAll('\n', '\\n').replaceAll('\r', '\\r');
  return `${chosen}${escaped}${chosen}`;
}

/** A line starting with one of these would join the previous statement without its `;`. */
const ASI_HAZARD = /^\s*[([`+-]/;

/**
 * Code written by an editor (single quotes, semicolons, two-space indentation) in the style
 * of the file it goes into: string literals re-quoted, line-ending semicolons dropped for a
 * file without them (kept where the next line would otherwise continue the statement), and
 * with `reindent`, each leading two-space step replaced by `style.indent` (for a whole new
 * file; an insertion already indented from its neighbours leaves it off).
 */
export function restyle(code: string, style: CodeStyle, options: { reindent?: boolean } = {}): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, code);
  const replacements: Array<{ start: number; end: number; text: string }> = [];
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    const start = scanner.getTokenStart();
    const end = scanner.getTokenEnd();
    if (token === ts.SyntaxKind.StringLiteral && code[start] !== style.quote) {
      replacements.push({ start, end, text: quoted(scanner.getTokenValue(), style.quote) });
    }
    if (token === ts.SyntaxKind.SemicolonToken && style.semicolon === '') {
      const rest = code.slice(end);
      const lineEnds = /^[ \t]*(\r?\n|$)/.exec(rest);
      if (lineEnds !== null && !ASI_HAZARD.test(rest.slice(lineEnds[0].length))) replacements.push({ start, end, text: '' });
    }
  }
  let result = code;
  for (const { start, end, text } of replacements.reverse()) result = result.slice(0, start) + text + result.slice(end);
  if (!options.reindent || style.indent === '  ') return result;
  return result.replace(/^((?: {2})+)/gm, (steps: string) => style.indent.repeat(steps.length / 2));
}
