import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Project, ts, type Diagnostic, type SourceFile } from 'ts-morph';

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

export interface TypecheckSourcesOptions {
  /** Where the project's tsconfig.json (if any) and node_modules are. */
  readonly projectRoot: string;
  /** The edited files, `path` relative to `projectRoot` or absolute, `after` their new text. */
  readonly edits: ReadonlyArray<{ readonly path: string; readonly after: string }>;
  /** Options the ORM's sources always need on top of the project's (TypeORM: `experimentalDecorators`). */
  readonly requiredOptions?: ts.CompilerOptions;
}

/**
 * Type-checks edited sources in memory: the `after` contents replace the files on disk,
 * everything they import (the ORM, unedited files) resolves from `projectRoot` with its
 * tsconfig.json (strict defaults when there is none). Returns the diagnostics of the edited
 * files as `file:line: message` (file relative to `projectRoot` when inside it); empty means ok.
 */
export function typecheckSources(options: TypecheckSourcesOptions): string[] {
  const projectRoot = path.resolve(options.projectRoot);
  const project = createProject(projectRoot, options.requiredOptions ?? {});
  const sourceFiles = options.edits.map((edit) => project.createSourceFile(path.resolve(projectRoot, edit.path), edit.after, { overwrite: true }));
  return sourceFiles.flatMap((sourceFile) => editedFileDiagnostics(sourceFile).map((diagnostic) => describe(diagnostic, projectRoot)));
}

/**
 * `typecheckSources` on a worker thread, so that the check (seconds: the ORM's declaration
 * files are large) runs on the other core while the main thread generates and proves the
 * migration. From sources (tests run them untranspiled) there is no worker script, and the
 * check runs in-process.
 */
export function typecheckSourcesInWorker(options: TypecheckSourcesOptions): Promise<string[]> {
  const script = new URL('./typecheck-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) return Promise.resolve().then(() => typecheckSources(options));
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: options });
    worker.once('message', (message: { diagnostics?: string[]; failure?: string }) => {
      if (message.diagnostics) resolve(message.diagnostics);
      else reject(new Error(`the type check failed: ${message.failure}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the type check's worker exited with code ${code} before answering`)));
  });
}

function createProject(projectRoot: string, required: ts.CompilerOptions): Project {
  const tsConfigFilePath = path.join(projectRoot, 'tsconfig.json');
  if (!existsSync(tsConfigFilePath)) return new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { ...DEFAULT_OPTIONS, ...required } });
  // The project's own options (and module resolution), but only the edited files are checked.
  return new Project({ tsConfigFilePath, skipAddingFilesFromTsConfig: true, compilerOptions: { noEmit: true, ignoreDeprecations: '6.0', ...required } });
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
 * Only what is wrong inside the edited file counts: option-level diagnostics belong to the
 * project's setup, not to the edit (the bundled TypeScript 6 deprecates options, such as
 * `moduleResolution: node`, that the project's own TypeScript accepts).
 */
function editedFileDiagnostics(sourceFile: SourceFile): Diagnostic[] {
  return sourceFile.getPreEmitDiagnostics().filter((diagnostic) => diagnostic.getSourceFile()?.getFilePath() === sourceFile.getFilePath());
}
