/**
 * What an interrupted run must undo before the process goes: throwaway databases and roles on
 * a server, temporary files beside the user's files, staging folders. Each resource registers
 * its own cleanup while it exists; a bin installs `exitCleanlyOnSignals()` once, and the MCP
 * server calls `runInterruptCleanups()` when it shuts down. Library code never exits.
 */

import { OrmAiError } from './errors.js';

type Cleanup = () => Promise<void>;

const cleanups = new Set<Cleanup>();
const uninterruptibleWork = new Set<Promise<unknown>>();
let interrupted = false;

/** How long one cleanup may take when the process is stopping: a dead server must not hang Ctrl-C. */
const CLEANUP_TIMEOUT_MS = 10_000;

/**
 * Registers `cleanup` to run if the process is interrupted; the returned function removes it
 * (call it once the resource is released the normal way).
 */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

/** True once an interrupt started the cleanups: no new throwaway resource may be made. */
export function isInterrupted(): boolean {
  return interrupted;
}

/**
 * Runs `work` to its end even when an interrupt arrives meanwhile: the cleanups wait for it.
 * For short steps that must not stop half-way, such as renaming files into place.
 */
export async function uninterruptible<T>(work: () => Promise<T>): Promise<T> {
  // Once the cleanups run, the process exits as soon as they end: nothing may start now.
  if (interrupted) throw new OrmAiError('INTERRUPTED', 'the run was interrupted; nothing more is written', { hint: 'Run the command again.' });
  const running = work();
  const settled = running.then(
    () => undefined,
    () => undefined,
  );
  uninterruptibleWork.add(settled);
  try {
    return await running;
  } finally {
    uninterruptibleWork.delete(settled);
  }
}

/**
 * Marks the process interrupted, waits for uninterruptible work, then runs every registered
 * cleanup at once, each bounded by a timeout. Safe to call more than once.
 */
export async function runInterruptCleanups(): Promise<void> {
  interrupted = true;
  await Promise.all(uninterruptibleWork);
  // Work under way when the interrupt came may still register a resource while these run.
  while (cleanups.size > 0) {
    const pending = [...cleanups];
    cleanups.clear();
    await Promise.all(pending.map((cleanup) => withTimeout(cleanup().catch(() => undefined), CLEANUP_TIMEOUT_MS)));
  }
}

/**
 * For a bin's entry only: on SIGINT or SIGTERM, clean up (see `runInterruptCleanups`) and exit
 * with 128 + the signal's number; a second signal exits at once, without cleaning up.
 */
export function exitCleanlyOnSignals(): void {
  const codes = { SIGINT: 130, SIGTERM: 143 } as const;
  let stopping = false;
  for (const signal of Object.keys(codes) as Array<keyof typeof codes>) {
    process.on(signal, () => {
      if (stopping) process.exit(codes[signal]);
      stopping = true;
      process.stderr.write(`\n${signal === 'SIGINT' ? 'Interrupted' : 'Terminated'}: removing this run's shadow databases and temporary files (press Ctrl-C again to quit at once)\n`);
      void runInterruptCleanups().finally(() => process.exit(codes[signal]));
    });
  }
}

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
