import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
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

/**
 * `typecheckSources` on a worker thread, so that the check (seconds: the ORM's declaration
 * files are large) runs on the other core while the main thread generates and proves the
 * migration. From sources (tests run them untranspiled) there is no worker script, and the
 * check runs in-process. In a daemon (`keepTypecheckerWarm`) the worker outlives the run.
 */
export function typecheckSourcesInWorker(options: TypecheckSourcesOptions): Promise<string[]> {
  const script = new URL('./typecheck-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) return Promise.resolve().then(() => typecheckSources(options));
  if (warm) return warm.check(script, options);
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: options });
    worker.once('message', (message: WorkerAnswer) => {
      if (message.diagnostics) resolve(message.diagnostics);
      else reject(new Error(`the type check failed: ${message.failure}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the type check's worker exited with code ${code} before answering`)));
  });
}

/** What the worker posts back: diagnostics, or why the check itself failed; `warm` when it reused a loaded program. */
export interface WorkerAnswer {
  readonly id?: number;
  readonly diagnostics?: string[];
  readonly failure?: string;
  readonly warm?: boolean;
}

let warm: WarmTypechecker | undefined;

/** From now on this process keeps one type-check worker, and its loaded programs, for every run (a daemon). */
export function keepTypecheckerWarm(): void {
  warm ??= new WarmTypechecker();
}

/** How many checks reused a program a previous run loaded (the daemon's status). */
export function warmTypecheckReuses(): number {
  return warm?.reuses ?? 0;
}

/** Stops the kept worker (the daemon is stopping). */
export async function stopWarmTypechecker(): Promise<void> {
  await warm?.stop();
}

class WarmTypechecker {
  reuses = 0;
  #worker: Worker | undefined;
  #next = 0;
  readonly #waiting = new Map<number, { resolve: (diagnostics: string[]) => void; reject: (error: Error) => void }>();

  check(script: URL, options: TypecheckSourcesOptions): Promise<string[]> {
    const worker = (this.#worker ??= this.#start(script));
    const id = (this.#next += 1);
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ id, options });
    });
  }

  async stop(): Promise<void> {
    await this.#worker?.terminate();
  }

  #start(script: URL): Worker {
    const worker = new Worker(script);
    // An idle worker must not keep the daemon alive past its own idle exit.
    worker.unref();
    worker.on('message', (message: WorkerAnswer) => {
      const waiting = this.#waiting.get(message.id ?? -1);
      if (!waiting) return;
      this.#waiting.delete(message.id!);
      if (message.warm) this.reuses += 1;
      if (message.diagnostics) waiting.resolve(message.diagnostics);
      else waiting.reject(new Error(`the type check failed: ${message.failure}`));
    });
    const fail = (error: Error) => {
      this.#worker = undefined;
      for (const waiting of this.#waiting.values()) waiting.reject(error);
      this.#waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the type check's worker exited with code ${code} before answering`)));
    return worker;
  }
}

/** Programs a warm worker keeps, by project; the latest only, as a daemon serves one project. */
const keptProjects = new Map<string, Project>();

/**
 * `typecheckSources` reusing the program a previous check loaded for the same project, with
 * the same options and the same installed packages: the ORM's declarations are parsed and
 * bound once, and a later check re-reads only the project's own files from disk.
 */
export function typecheckSourcesWarm(options: TypecheckSourcesOptions): { diagnostics: string[]; warm: boolean } {
  const projectRoot = path.resolve(options.projectRoot);
  const key = JSON.stringify([projectRoot, options.requiredOptions ?? {}, installStamp(projectRoot)]);
  let project = keptProjects.get(key);
  const reused = project !== undefined;
  if (project) {
    // The previous check's edits are in memory only, and the user may have changed any file since.
    // Every file the last program read, not only those added to the project: imports resolved on the way count.
    for (const file of project.getProgram().compilerObject.getSourceFiles()) {
      if (file.isDeclarationFile || file.fileName.includes('/node_modules/')) continue;
      project.getSourceFile(file.fileName)?.refreshFromFileSystemSync();
    }
  } else {
    keptProjects.clear();
    project = createProject(projectRoot, options.requiredOptions ?? {});
    keptProjects.set(key, project);
  }
  return { diagnostics: checkEdited(project, projectRoot, options.edits), warm: reused };
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
  if (!existsSync(tsConfigFilePath)) return new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { ...DEFAULT_OPTIONS, ...required } });
  // The project's own options (and module resolution), but only the edited files are checked.
  return new Project({ tsConfigFilePath, skipAddingFilesFromTsConfig: true, compilerOptions: { noEmit: true, ignoreDeprecations: '6.0', ...required } });
}

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
