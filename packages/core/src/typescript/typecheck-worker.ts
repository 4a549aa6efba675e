import { parentPort } from 'node:worker_threads';
import { typecheckSourcesWarm, type KeptPrograms, type TypecheckSourcesOptions, type WorkerAnswer } from './typecheck-sources.js';

const failure = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/** The latest project's program, kept for the next check: a run's, or a daemon's runs'. */
const kept: KeptPrograms = new Map();

/**
 * The worker side of `openSourceTypecheck`: a check per message, each answered with its id
 * (its diagnostics, or why the check itself failed), the program kept between them.
 */
parentPort!.on('message', ({ id, options }: { id: number; options: TypecheckSourcesOptions }) => {
  let answer: WorkerAnswer;
  try {
    answer = { id, ...typecheckSourcesWarm(options, kept) };
  } catch (error) {
    answer = { id, failure: failure(error) };
  }
  parentPort!.postMessage(answer);
});
