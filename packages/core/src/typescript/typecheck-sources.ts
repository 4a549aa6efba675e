import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Project, ts, type Diagnostic, type SourceFile } from 'ts-morph';
import { formatDiagnostic } from './syntax-errors.js';

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
 * files as `file:line:column - error TSnnnn: message`, as tsc prints them (file relative to `projectRoot` when inside it); empty means ok.
 */
export function typecheckSources(options: TypecheckSourcesOptions): string[] {
  const projectRoot = path.resolve(options.projectRoot);
  return checkEdited(createProject(projectRoot, options.requiredOptions ?? {}), projectRoot, options.edits);
}

/**
 * Checks each edited file whole. Checking only the edited declarations and those referring to
 * them, the rest imported from the edited file so TypeScript infers them lazily, was measured
 * on a 1,000-table Drizzle chain (each table's `.references(() => previous.id)`) and kept out:
 * inferring a referenced table's type infers the table it references in turn (the
 * `pgTable` call's overloads are resolved with the callback's return type), 500 levels deep
 * for the middle table, which overflows the default stack, and with a larger stack it costs 4.6 CPU s against 6.6
 * for the whole file. Stubs declared as `declare const x: typeof import('./schema').x`
 * are worse: checking the stub resolves every one of them.
 */
function checkEdited(project: Project, projectRoot: string, edits: TypecheckSourcesOptions['edits']): string[] {
  const sourceFiles = edits.map((edit) => project.createSourceFile(path.resolve(projectRoot, edit.path), edit.after, { overwrite: true }));
  return sourceFiles.flatMap((sourceFile) => editedFileDiagnostics(sourceFile).map((diagnostic) => describe(diagnostic, projectRoot)));
}

/** What the worker posts back: diagnostics, or why the check itself failed; `warm` when it reused a loaded program. */
export interface WorkerAnswer {
  readonly id: number;
  readonly diagnostics?: string[];
  readonly failure?: string;
  readonly warm?: boolean;
}

/** Programs kept between checks, by project, options and install; the latest only, as a run or a daemon serves one project. */
export type KeptPrograms = Map<string, Project>;

/**
 * `typecheckSources` reusing the program a previous check loaded into `keptProjects` for the
 * same project, with the same options and the same installed packages: the ORM's declarations
 * are parsed and bound once, and a later check re-reads only the project's own files from disk.
 */
export function typecheckSourcesWarm(options: TypecheckSourcesOptions, keptProjects: KeptPrograms): { diagnostics: string[]; warm: boolean } {
  const projectRoot = path.resolve(options.projectRoot);
  const key = JSON.stringify([projectRoot, options.requiredOptions ?? {}, installStamp(projectRoot)]);
  let project = keptProjects.get(key);
  const reused = project !== undefined;
  if (project) {
    // The previous check's edits are in memory only, and the user may have changed any file since.
    // Every file the last program read, not only those added to the project: imports resolved on the way count.
    for (const file of ownFiles(project)) project.getSourceFile(file.fileName)?.refreshFromFileSystemSync();
    // The same texts checked clean before (a run's unedited sources are the last run's written edits): clean again.
    if (cleanChecks.get(project)?.includes(fingerprintOf(project, projectRoot, options.edits))) return { diagnostics: [], warm: true };
  } else {
    keptProjects.clear();
    project = createProject(projectRoot, options.requiredOptions ?? {});
    keptProjects.set(key, project);
  }
  const diagnostics = checkEdited(project, projectRoot, options.edits);
  if (diagnostics.length === 0) rememberClean(project, fingerprintOf(project, projectRoot, options.edits));
  return { diagnostics, warm: reused };
}

/**
 * What a kept program found clean, by `fingerprintOf`: the latest few, as a run checks its
 * unedited sources and then its edits. Only clean results are kept: an error may be a file
 * that is missing now and there later, which no fingerprint of the program's files would see.
 */
const cleanChecks = new WeakMap<Project, string[]>();
const CLEAN_CHECKS_KEPT = 4;

function rememberClean(project: Project, fingerprint: string): void {
  const kept = cleanChecks.get(project) ?? [];
  cleanChecks.set(project, [fingerprint, ...kept.filter((known) => known !== fingerprint)].slice(0, CLEAN_CHECKS_KEPT));
}

/**
 * The checked texts and every project file the program read, as they are now, with the
 * checked ones in place of the disk's: the same fingerprint, the same diagnostics (the
 * packages, the options and the tsconfig are the kept program's key).
 */
function fingerprintOf(project: Project, projectRoot: string, edits: TypecheckSourcesOptions['edits']): string {
  const texts = new Map<string, string>();
  for (const file of ownFiles(project)) texts.set(file.fileName, project.getSourceFile(file.fileName)?.getFullText() ?? '');
  for (const edit of edits) texts.set(path.resolve(projectRoot, edit.path).split(path.sep).join('/'), edit.after);
  const hash = createHash('sha256');
  for (const [fileName, text] of [...texts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${fileName}\0${text.length}\0${text}`);
  return hash.digest('hex');
}

/** The program's own source files: not declaration files, nothing in node_modules. */
function ownFiles(project: Project): ts.SourceFile[] {
  return project.getProgram().compilerObject.getSourceFiles().filter((file) => !file.isDeclarationFile && !file.fileName.includes('/node_modules/'));
}

/**
 * When what the program was built from last changed: the project's tsconfig and package
 * files, and the install markers npm, pnpm and yarn rewrite on every install, here and in
 * the folders above (a workspace installs at its root).
 */
function installStamp(projectRoot: string): number[] {
  const stamps: number[] = [];
  const mtime = (file: string) => {
    try {
      return statSync(file).mtimeMs;
    } catch {
      return 0;
    }
  };
  stamps.push(mtime(path.join(projectRoot, 'tsconfig.json')), mtime(path.join(projectRoot, 'package.json')));
  for (let folder = projectRoot; ; folder = path.dirname(folder)) {
    for (const marker of ['.package-lock.json', '.modules.yaml', '.yarn-state.yml']) stamps.push(mtime(path.join(folder, 'node_modules', marker)));
    if (path.dirname(folder) === folder) return stamps;
  }
}

function createProject(projectRoot: string, required: ts.CompilerOptions): Project {
  const tsConfigFilePath = path.join(projectRoot, 'tsconfig.json');
  if (!existsSync(tsConfigFilePath)) return new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { ...DEFAULT_OPTIONS, ...EVERY_TYPES_PACKAGE, ...required } });
  // The project's own options (and module resolution), but only the edited files are checked.
  const project = new Project({ tsConfigFilePath, skipAddingFilesFromTsConfig: true, compilerOptions: { noEmit: true, ignoreDeprecations: '6.0', ...required } });
  if (project.getCompilerOptions().types === undefined) project.compilerOptions.set(EVERY_TYPES_PACKAGE);
  return project;
}

/**
 * What a tsconfig without `types` means to the TypeScript 5 a project runs: every package in
 * `node_modules/@types`. The bundled TypeScript 6 reads no `types` as none, and would report
 * `process` in a schema file as unknown (`Cannot find name 'process'`): not the user's error.
 */
const EVERY_TYPES_PACKAGE: ts.CompilerOptions = { types: ['*'] };

function describe(diagnostic: Diagnostic, projectRoot: string): string {
  return formatDiagnostic(diagnostic.compilerObject, projectRoot);
}

/**
 * Only what is wrong inside the edited file counts: option-level diagnostics belong to the
 * project's setup, not to the edit (the bundled TypeScript 6 deprecates options, such as
 * `moduleResolution: node`, that the project's own TypeScript accepts).
 */
function editedFileDiagnostics(sourceFile: SourceFile): Diagnostic[] {
  return sourceFile.getPreEmitDiagnostics().filter((diagnostic) => diagnostic.getSourceFile()?.getFilePath() === sourceFile.getFilePath());
}
