import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ts } from 'ts-morph';
import { OrmAiError } from '../errors.js';
import { relativeImports } from '../stage-sources.js';

export interface SyntaxCheckOptions {
  /** Paths in messages are relative to it when inside it. */
  readonly projectRoot: string;
  /** The files the ORM's reader loads; the project files they import by relative path are checked too. */
  readonly files: readonly string[];
}

/**
 * The syntax errors of the user's schema files and the project files they import, as tsc
 * prints them: `src/db/schema.ts:11:31 - error TS1136: Property assignment expected.` Only
 * the parser runs (no types, no node_modules), so this costs milliseconds.
 */
export function syntaxErrorsIn(options: SyntaxCheckOptions): string[] {
  const projectRoot = path.resolve(options.projectRoot);
  const files = withImportedFiles(options.files.map((file) => path.resolve(projectRoot, file)));
  const program = ts.createProgram({
    rootNames: files,
    // The parser only: nothing is resolved, no library is loaded, nothing is emitted.
    options: { noResolve: true, noLib: true, types: [], allowJs: true, noEmit: true, target: ts.ScriptTarget.ESNext },
  });
  return program.getSyntacticDiagnostics().map((diagnostic) => formatDiagnostic(diagnostic, projectRoot));
}

/**
 * Throws `SCHEMA_READ_FAILED` listing `syntaxErrorsIn`, when there are any: the user's file
 * does not parse before anything of a plan touches it, so it is theirs to fix, and no model
 * is asked (it could not fix it, and it must not be blamed on a plan).
 */
export function refuseUnparsableSources(options: SyntaxCheckOptions): void {
  const errors = syntaxErrorsIn(options);
  if (errors.length === 0) return;
  throw new OrmAiError('SCHEMA_READ_FAILED', `the schema source does not parse:\n${errors.map((line) => `  ${line}`).join('\n')}`, {
    hint: 'Fix the syntax error in your file (your editor or tsc shows the same position), then run again. Nothing was written and no model was asked.',
  });
}

/**
 * One diagnostic as tsc's pretty output starts it, `file:line:column - error TSnnnn: message`,
 * a position editors and terminals link to; the file relative to `projectRoot` when inside it.
 */
export function formatDiagnostic(diagnostic: ts.Diagnostic, projectRoot: string): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const category = ts.DiagnosticCategory[diagnostic.category].toLowerCase();
  const text = `${category} TS${diagnostic.code}: ${message}`;
  if (!diagnostic.file || diagnostic.start === undefined) return text;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${shownPath(diagnostic.file.fileName, projectRoot)}:${line + 1}:${character + 1} - ${text}`;
}

function shownPath(filePath: string, projectRoot: string): string {
  const relative = path.relative(projectRoot, filePath);
  return relative.startsWith('..') || path.isAbsolute(relative) ? filePath : relative;
}

/** `files` and every project file they reach by relative imports, outside node_modules. */
function withImportedFiles(files: readonly string[]): string[] {
  const seen = new Set<string>();
  const pending = [...files];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      // A file that cannot be read is the reader's to report, with its own words.
      continue;
    }
    const specifiers = ts.preProcessFile(content, true, true).importedFiles.map((reference) => reference.fileName);
    pending.push(...relativeImports(file, specifiers).filter((imported) => !imported.split(/[\\/]/).includes('node_modules') && /\.(c|m)?(t|j)sx?$/.test(imported)));
  }
  return [...seen];
}
