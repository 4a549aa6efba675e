import { existsSync } from 'node:fs';
import path from 'node:path';
import { Project, ts, type Diagnostic, type SourceFile } from 'ts-morph';
import type { EntityEdit } from './apply-plan.js';

const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  esModuleInterop: true,
  noEmit: true,
};

/**
 * Type-checks edited entity files in memory: `after` replaces each file, everything else
 * (typeorm, unedited entities) resolves from `projectRoot` with its tsconfig.json (strict
 * defaults without one), always with `experimentalDecorators` since TypeORM's decorators are
 * legacy decorators. Returns `file:line: message` diagnostics of the edited files; empty = ok.
 */
export function typecheckEntities(options: { projectRoot: string; edits: readonly EntityEdit[] }): string[] {
  const projectRoot = path.resolve(options.projectRoot);
  const tsConfigFilePath = path.join(projectRoot, 'tsconfig.json');
  const project = existsSync(tsConfigFilePath)
    ? new Project({ tsConfigFilePath, skipAddingFilesFromTsConfig: true, compilerOptions: { noEmit: true, experimentalDecorators: true, ignoreDeprecations: '6.0' } })
    : new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { ...DEFAULT_OPTIONS, experimentalDecorators: true } });
  const sourceFiles = options.edits.map((edit) => project.createSourceFile(path.resolve(projectRoot, edit.path), edit.after, { overwrite: true }));
  return sourceFiles.flatMap((sourceFile) => editedFileDiagnostics(sourceFile).map((diagnostic) => describe(diagnostic, projectRoot)));
}

function describe(diagnostic: Diagnostic, projectRoot: string): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, '\n');
  const filePath = diagnostic.getSourceFile()?.getFilePath();
  if (filePath === undefined) return message;
  const relative = path.relative(projectRoot, filePath);
  return `${relative.startsWith('..') ? filePath : relative}:${diagnostic.getLineNumber() ?? 0}: ${message}`;
}

/**
 * Only what is wrong inside the edited file counts: option-level diagnostics belong to the
 * project's setup, not to the edit (the bundled TypeScript 6 deprecates options, such as
 * `moduleResolution: node`, that the project's own TypeScript accepts).
 */
function editedFileDiagnostics(sourceFile: SourceFile): Diagnostic[] {
  return sourceFile.getPreEmitDiagnostics().filter((diagnostic) => diagnostic.getSourceFile()?.getFilePath() === sourceFile.getFilePath());
}
