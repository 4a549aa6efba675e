import { parentPort, workerData } from 'node:worker_threads';
import { typecheckSources, typecheckSourcesWarm, type TypecheckSourcesOptions, type WorkerAnswer } from './typecheck-sources.js';

const failure = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/**
 * The worker side of `typecheckSourcesInWorker`. Started with `workerData`: one check, its
 * diagnostics (or why it failed) posted back. Started without (a daemon's kept worker): a
 * check per message, each answered with its id, programs kept between them.
 */
if (workerData) {
  let answer: WorkerAnswer;
  try {
    answer = { diagnostics: typecheckSources(workerData as TypecheckSourcesOptions) };
  } catch (error) {
    answer = { failure: failure(error) };
  }
  parentPort!.postMessage(answer);
} else {
  parentPort!.on('message', ({ id, options }: { id: number; options: TypecheckSourcesOptions }) => {
    let answer: WorkerAnswer;
    try {
      answer = { id, ...typecheckSourcesWarm(options) };
    } catch (error) {
      answer = { id, failure: failure(error) };
    }
    parentPort!.postMessage(answer);
  });
}
