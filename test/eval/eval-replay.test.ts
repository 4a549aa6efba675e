import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyOf, loadCases, runCase, type CaseResult } from './eval-core.js';
import { readRecording, SEED_SOURCE, startReplayServer, type ReplayServer } from './replay-server.js';

/**
 * Every eval case, replayed from test/eval/recordings/: the pipeline around the model
 * (validation, repair, the ORM's tools, the shadow proof, the refusals) on realistic
 * answers, each checked by the facts its case states on a fresh PGlite database.
 * Cases marked `"ci": false` in cases.json carry a note saying why (a product bug).
 */
const cases = loadCases().filter((c) => c.ci !== false);

/** Two cases at a time: generate is CPU-bound and other test files run alongside. */
const CONCURRENCY = 2;
let running = 0;
const waiting: Array<() => void> = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

let server: ReplayServer;
const results: CaseResult[] = [];
beforeAll(async () => {
  server = await startReplayServer();
});
afterAll(async () => {
  await server?.close();
  const passed = results.filter((r) => r.passed).length;
  console.log(`eval replay: ${passed}/${results.length} passed, ${results.reduce((s, r) => s + r.calls, 0)} calls`);
});

describe('every eval case has a recording', () => {
  it.each(loadCases().map((c) => [c.id, c] as const))('%s', (_id, evalCase) => {
    const recording = readRecording(keyOf(evalCase));
    expect(recording, `recordings/${keyOf(evalCase)}.json`).not.toBeNull();
    expect(recording!.request).toBe(evalCase.request);
    expect(recording!.orm).toBe(evalCase.orm);
    if (recording!.source === SEED_SOURCE) expect(recording!.answers.length).toBeGreaterThan(0);
  });
});

describe.concurrent('eval cases, replayed', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', { timeout: 30 * 60_000 }, async (_id, evalCase) => {
    const result = await slot(() => runCase(evalCase, server));
    results.push(result);
    expect(result.failures).toEqual([]);
    // Every recorded answer was used: a repair case that succeeds on the first answer is a broken case.
    expect(result.calls).toBe(readRecording(keyOf(evalCase))!.answers.length);
  });
});
