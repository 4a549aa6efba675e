import { existsSync } from 'node:fs';
import path from 'node:path';
import { Project, ts, type Diagnostic, type SourceFile } from 'ts-morph';
import type { SourceEdit } from './apply-plan.js';

/** Strict settings for projects without a tsconfig.json; Bundler resolution accepts both `./x` and `./x.js`. */
const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  esModuleInterop: true,
  noEmit: true,
};

function createProject(projectRoot: string): Project {
  const tsConfigFilePath = path.join(projectRoot, 'tsconfig.json');
  if (!existsSync(tsConfigFilePath)) return new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: DEFAULT_OPTIONS });
  // The project's own options (and module resolution), but only the edited files are checked.
  return new Project({ tsConfigFilePath, skipAddingFilesFromTsConfig: true, compilerOptions: { noEmit: true, ignoreDeprecations: '6.0' } });
}

function describe(diagnostic: Diagnostic, projectRoot: string): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, '\n');
  const filePath = diagnostic.getSourceFile()?.getFilePath();
  if (filePath === undefined) return message;
  const relative = path.relative(projectRoot, filePath);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? filePath : relative;
  return `${shown}:${diagnostic.getLineNumber() ?? 0}: ${message}`;
}

/**
 * Type-checks edited schema sources in memory: the `after` contents replace the files on disk,
 * everything they import (drizzle-orm, unedited schema files) resolves from `projectRoot` with
 * its tsconfig.json (strict defaults when there is none). Returns the diagnostics of the edited
 * files as `file:line: message` (file relative to `projectRoot` when inside it); empty means ok.
 */
export function typecheckSources(options: { projectRoot: string; edits: readonly SourceEdit[] }): string[] {
  const projectRoot = path.resolve(options.projectRoot);
  const project = createProject(projectRoot);
  const sourceFiles = options.edits.map((edit) => project.createSourceFile(path.resolve(projectRoot, edit.path), edit.after, { overwrite: true }));
  return sourceFiles.flatMap((sourceFile) => editedFileDiagnostics(sourceFile).map((diagnostic) => describe(diagnostic, projectRoot)));
}

/**
 * Only what is wrong inside the edited file counts: option-level diagnostics belong to the
 * project's setup, not to the edit (the bundled TypeScript 6 deprecates options, such as
 * `moduleResolution: node`, that the project's own TypeScript accepts).
 */
function editedFileDiagnostics(sourceFile: SourceFile): Diagnostic[] {
  return sourceFile.getPreEmitDiagnostics().filter((diagnostic) => diagnostic.getSourceFile()?.getFilePath() === sourceFile.getFilePath());
}
