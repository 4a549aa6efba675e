import { parentPort, workerData } from 'node:worker_threads';
import { typecheckSources, type TypecheckSourcesOptions } from './typecheck-sources.js';

/** The worker side of `typecheckSourcesInWorker`: one check, its diagnostics (or why it failed) posted back. */
try {
  parentPort!.postMessage({ diagnostics: typecheckSources(workerData as TypecheckSourcesOptions) });
} catch (error) {
  parentPort!.postMessage({ failure: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
