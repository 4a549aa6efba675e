import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { getLibFiles, libFolderInMemoryPath } from '@ts-morph/common';
import { ts } from 'ts-morph';
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
  return new CheckedProject(projectRoot, options.requiredOptions ?? {}).check(options.edits);
}

/** What the worker posts back: diagnostics, or why the check itself failed; `warm` when it reused a loaded program. */
export interface WorkerAnswer {
  readonly id: number;
  readonly diagnostics?: string[];
  readonly failure?: string;
  readonly warm?: boolean;
}

/** Programs kept between checks, by project, options and install; the latest only, as a run or a daemon serves one project. */
export type KeptPrograms = Map<string, CheckedProject>;

/**
 * `typecheckSources` reusing the program a previous check loaded into `keptProjects` for the
 * same project, with the same options and the same installed packages: a later check re-reads
 * only the project's own files from disk, and the checker starts from the last program.
 */
export function typecheckSourcesWarm(options: TypecheckSourcesOptions, keptProjects: KeptPrograms): { diagnostics: string[]; warm: boolean } {
  const projectRoot = path.resolve(options.projectRoot);
  const key = JSON.stringify([projectRoot, options.requiredOptions ?? {}, installStamp(projectRoot)]);
  let project = keptProjects.get(key);
  const reused = project !== undefined;
  if (project) {
    // The same texts checked clean before (a run's unedited sources are the last run's written edits): clean again.
    if (project.checkedClean(options.edits)) return { diagnostics: [], warm: true };
  } else {
    keptProjects.clear();
    project = new CheckedProject(projectRoot, options.requiredOptions ?? {});
    keptProjects.set(key, project);
  }
  return { diagnostics: project.check(options.edits), warm: reused };
}

/**
 * Declaration files (the ORM's, `@types`, TypeScript's own libraries) parsed once per process
 * and shared by every program whose options parse them alike: TypeScript's document registry,
 * as tsserver shares them between projects. Drizzle's declarations alone are about 75,000
 * lines; parsing and binding them was most of a cold check, paid again by every run of a
 * process that checks several projects (the MCP server, the test suites). A file is parsed
 * again when its size or modification time changes.
 */
const declarationFiles = ts.createDocumentRegistry();

/** TypeScript's bundled libraries (`lib.es2023.d.ts`), served from memory at ts-morph's folder. */
let libraryTexts: Map<string, string> | undefined;
function libraryText(fileName: string): string | undefined {
  libraryTexts ??= new Map(getLibFiles().map((file) => [path.posix.join(libFolderInMemoryPath, file.fileName), file.text]));
  return libraryTexts.get(fileName);
}

/**
 * One project's type checker: its compiler options, and the last program, which the next
 * check starts from (the project's own files re-read from disk, unchanged ones reused).
 */
export class CheckedProject {
  readonly #projectRoot: string;
  readonly #options: ts.CompilerOptions;
  readonly #registryKey: ts.DocumentRegistryBucketKey;
  #program: ts.Program | undefined;
  /** The project's own files as the last program parsed them, by file name: reused while their text is the same. */
  #ownFiles = new Map<string, ts.SourceFile>();
  /** What this program found clean, by `fingerprintOf`: the latest few, as a run checks its unedited sources and then its edits. */
  #cleanChecks: string[] = [];

  constructor(projectRoot: string, required: ts.CompilerOptions) {
    this.#projectRoot = projectRoot;
    this.#options = compilerOptionsOf(projectRoot, required);
    this.#registryKey = declarationFiles.getKeyForCompilationSettings(this.#options);
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
  check(edits: TypecheckSourcesOptions['edits']): string[] {
    const edited = new Map(edits.map((edit) => [toFileName(path.resolve(this.#projectRoot, edit.path)), edit.after]));
    const program = ts.createProgram({ rootNames: [...edited.keys()], options: this.#options, host: this.#host(edited), oldProgram: this.#program });
    this.#program = program;
    const diagnostics = [...edited.keys()].flatMap((fileName) => {
      const sourceFile = program.getSourceFile(fileName);
      // Only what is wrong inside the edited file counts: option-level diagnostics belong to the
      // project's setup, not to the edit (the bundled TypeScript 6 deprecates options, such as
      // `moduleResolution: node`, that the project's own TypeScript accepts).
      return sourceFile ? ts.getPreEmitDiagnostics(program, sourceFile).filter((diagnostic) => diagnostic.file?.fileName === fileName) : [];
    });
    const described = diagnostics.map((diagnostic) => formatDiagnostic(diagnostic, this.#projectRoot));
    // Only clean results are kept: an error may be a file that is missing now and there later, which no fingerprint would see.
    if (described.length === 0) this.#rememberClean(this.#fingerprintOf(edits));
    return described;
  }

  /** Whether these texts, with the project's files as they are on disk now, were found clean before. */
  checkedClean(edits: TypecheckSourcesOptions['edits']): boolean {
    return this.#cleanChecks.includes(this.#fingerprintOf(edits));
  }

  #rememberClean(fingerprint: string): void {
    this.#cleanChecks = [fingerprint, ...this.#cleanChecks.filter((known) => known !== fingerprint)].slice(0, CLEAN_CHECKS_KEPT);
  }

  /**
   * The checked texts and every project file the last program read, as they are on disk now,
   * with the checked ones in place of the disk's: the same fingerprint, the same diagnostics
   * (the packages, the options and the tsconfig are the kept program's key).
   */
  #fingerprintOf(edits: TypecheckSourcesOptions['edits']): string {
    const texts = new Map<string, string>();
    for (const fileName of this.#ownFiles.keys()) texts.set(fileName, ts.sys.readFile(fileName) ?? '');
    for (const edit of edits) texts.set(toFileName(path.resolve(this.#projectRoot, edit.path)), edit.after);
    const hash = createHash('sha256');
    for (const [fileName, text] of [...texts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${fileName}\0${text.length}\0${text}`);
    return hash.digest('hex');
  }

  /** The compiler's view of the disk: the edited texts in place of the files, libraries from memory, declarations shared. */
  #host(edited: ReadonlyMap<string, string>): ts.CompilerHost {
    const host = ts.createCompilerHost(this.#options, true);
    const previousOwn = this.#ownFiles;
    const ownFiles = new Map<string, ts.SourceFile>();
    this.#ownFiles = ownFiles;
    const textOf = (fileName: string) => edited.get(fileName) ?? libraryText(fileName) ?? ts.sys.readFile(fileName);
    host.getDefaultLibLocation = () => libFolderInMemoryPath;
    host.getDefaultLibFileName = (options) => path.posix.join(libFolderInMemoryPath, ts.getDefaultLibFileName(options));
    host.fileExists = (fileName) => edited.has(fileName) || libraryText(fileName) !== undefined || ts.sys.fileExists(fileName);
    host.readFile = textOf;
    host.getSourceFile = (fileName, languageVersionOrOptions, onError) => {
      const options = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
      if (!edited.has(fileName) && isDeclarationFile(fileName)) return this.#declaration(fileName, options, onError);
      const text = textOf(fileName);
      if (text === undefined) {
        onError?.(`File '${fileName}' not found.`);
        return undefined;
      }
      const previous = previousOwn.get(fileName);
      // An unchanged file is the same object, so the next program reuses what it knew of it.
      const unchanged = previous && previous.text === text && previous.impliedNodeFormat === options.impliedNodeFormat;
      const sourceFile = unchanged ? previous : ts.createSourceFile(fileName, text, options, true);
      ownFiles.set(fileName, sourceFile);
      return sourceFile;
    };
    return host;
  }

  /** A declaration file from the process's registry: read and parsed only when its size or modification time is new. */
  #declaration(fileName: string, options: ts.CreateSourceFileOptions, onError: ((message: string) => void) | undefined): ts.SourceFile | undefined {
    const library = libraryText(fileName);
    const version = library !== undefined ? 'library' : versionOnDisk(fileName);
    if (version === null) {
      onError?.(`File '${fileName}' not found.`);
      return undefined;
    }
    let text = library;
    const snapshot: ts.IScriptSnapshot = {
      getText: (start, end) => (text ??= ts.sys.readFile(fileName) ?? '').slice(start, end),
      getLength: () => (text ??= ts.sys.readFile(fileName) ?? '').length,
      getChangeRange: () => undefined,
    };
    return declarationFiles.acquireDocumentWithKey(fileName, toPath(fileName), this.#options, this.#registryKey, snapshot, version, ts.ScriptKind.TS, options);
  }
}

const CLEAN_CHECKS_KEPT = 4;

function isDeclarationFile(fileName: string): boolean {
  return /\.d\.[cm]?ts$/.test(fileName) || /\.d\.[^/]*\.ts$/.test(fileName);
}

/** A file's size and modification time, which change when it is rewritten; null when it is not there. */
function versionOnDisk(fileName: string): string | null {
  try {
    const stat = statSync(fileName);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return null;
  }
}

/** TypeScript's names for files: forward slashes. */
function toFileName(absolute: string): string {
  return absolute.split(path.sep).join('/');
}

function toPath(fileName: string): ts.Path {
  return (ts.sys.useCaseSensitiveFileNames ? fileName : fileName.toLowerCase()) as ts.Path;
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

/** The project's tsconfig.json options (its `extends` followed) with only what a check needs changed; strict defaults without one. */
function compilerOptionsOf(projectRoot: string, required: ts.CompilerOptions): ts.CompilerOptions {
  const tsConfigFilePath = path.join(projectRoot, 'tsconfig.json');
  if (!existsSync(tsConfigFilePath)) return { ...DEFAULT_OPTIONS, ...EVERY_TYPES_PACKAGE, ...required };
  // The project's own options (and module resolution), but only the edited files are checked.
  const parsed = ts.getParsedCommandLineOfConfigFile(tsConfigFilePath, { noEmit: true, ignoreDeprecations: '6.0', ...required }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  const options = parsed?.options ?? { ...DEFAULT_OPTIONS, ...required };
  return options.types === undefined ? { ...options, ...EVERY_TYPES_PACKAGE } : options;
}

/**
 * What a tsconfig without `types` means to the TypeScript 5 a project runs: every package in
 * `node_modules/@types`. The bundled TypeScript 6 reads no `types` as none, and would report
 * `process` in a schema file as unknown (`Cannot find name 'process'`): not the user's error.
 */
const EVERY_TYPES_PACKAGE: ts.CompilerOptions = { types: ['*'] };
