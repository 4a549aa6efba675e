import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ts } from 'ts-morph';
import type { SourceText, SourceTypecheck } from '../orm-plugin.js';
import { typecheckSourcesWarm, type KeptPrograms, type TypecheckSourcesOptions, type WorkerAnswer } from './typecheck-sources.js';

export interface OpenSourceTypecheckOptions {
  /** Where the project's tsconfig.json (if any) and node_modules are. */
  readonly projectRoot: string;
  /** The schema source files as the ORM reads them, relative to `projectRoot` or absolute. */
  readonly sourceFiles: readonly string[];
  /** Options the ORM's sources always need on top of the project's (TypeORM: `experimentalDecorators`). */
  readonly requiredOptions?: ts.CompilerOptions;
}

/**
 * One run's type checker (`OrmProject.openTypecheck`). The checks run on a worker thread, so
 * that they take the other core while the main thread reads the schema and proves the
 * migration, and all of a run's checks share the worker's program: the check of the
 * unedited sources at the start loads it, the check of the edits reuses it. In a daemon
 * (`keepTypecheckerWarm`) they go to its kept worker, whose program outlives the run. From
 * sources (tests run them untranspiled) there is no worker script, and they run in-process.
 *
 * @example
 * const typecheck = openSourceTypecheck({ projectRoot, sourceFiles: ['src/db/schema.ts'] });
 * try { await typecheck.check([{ path: 'src/db/schema.ts', after: edited }]); } finally { await typecheck.close(); }
 */
export function openSourceTypecheck(options: OpenSourceTypecheckOptions): SourceTypecheck {
  const projectRoot = path.resolve(options.projectRoot);
  const checker = warm ?? newChecker();
  let checks = 0;
  return {
    sourceFiles: options.sourceFiles.map((file) => path.resolve(projectRoot, file)),
    check(files: readonly SourceText[]) {
      // A run counts as warm when its first check found a program another run loaded.
      checks += 1;
      return checker.check({ projectRoot, edits: files, requiredOptions: options.requiredOptions ?? {} }, { countReuse: checks === 1 });
    },
    async close() {
      if (checker !== warm) await checker.stop();
    },
  };
}

const WORKER_SCRIPT = new URL('./typecheck-worker.js', import.meta.url);

interface Checker {
  check(options: TypecheckSourcesOptions, counting: { countReuse: boolean }): Promise<string[]>;
  stop(): Promise<void>;
  /** How many runs' first check reused a program an earlier run loaded. */
  readonly reuses: number;
}

function newChecker(): Checker {
  return existsSync(fileURLToPath(WORKER_SCRIPT)) ? new KeptWorker() : new InProcessChecker();
}

let warm: Checker | undefined;

/** From now on this process keeps one type checker, and its loaded program, for every run (a daemon, the MCP server). */
export function keepTypecheckerWarm(): void {
  warm ??= newChecker();
}

/** How many runs' first check reused a program a previous run loaded (the daemon's status). */
export function warmTypecheckReuses(): number {
  return warm?.reuses ?? 0;
}

/** Stops the kept checker (the daemon or the MCP server is stopping). */
export async function stopWarmTypechecker(): Promise<void> {
  await warm?.stop();
  warm = undefined;
}

/** A worker thread that answers checks in turn and keeps the latest project's program between them. */
class KeptWorker implements Checker {
  reuses = 0;
  #worker: Worker | undefined;
  #next = 0;
  readonly #waiting = new Map<number, { resolve: (diagnostics: string[]) => void; reject: (error: Error) => void; countReuse: boolean }>();

  check(options: TypecheckSourcesOptions, { countReuse }: { countReuse: boolean }): Promise<string[]> {
    const worker = (this.#worker ??= this.#start());
    const id = (this.#next += 1);
    // Held while a check is under way, so that a process waiting for nothing else waits for it.
    worker.ref();
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject, countReuse });
      worker.postMessage({ id, options });
    });
  }

  async stop(): Promise<void> {
    await this.#worker?.terminate();
  }

  #start(): Worker {
    const worker = new Worker(WORKER_SCRIPT);
    worker.on('message', (message: WorkerAnswer) => {
      const waiting = this.#waiting.get(message.id);
      if (!waiting) return;
      this.#waiting.delete(message.id);
      // An idle worker must not keep a process (or a daemon past its idle exit) alive.
      if (this.#waiting.size === 0) worker.unref();
      if (message.warm && waiting.countReuse) this.reuses += 1;
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

/** The same checks on the main thread, for code run from its sources. */
class InProcessChecker implements Checker {
  reuses = 0;
  readonly #kept: KeptPrograms = new Map();

  check(options: TypecheckSourcesOptions, { countReuse }: { countReuse: boolean }): Promise<string[]> {
    return Promise.resolve().then(() => {
      const { diagnostics, warm: reused } = typecheckSourcesWarm(options, this.#kept);
      if (reused && countReuse) this.reuses += 1;
      return diagnostics;
    });
  }

  async stop(): Promise<void> {
    this.#kept.clear();
  }
}
