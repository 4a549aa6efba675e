/**
 * `npm run eval`: runs every case in cases.json and prints a table and the pass rate.
 *
 * - With OPENAI_API_KEY or OPENAI_BASE_URL set (and no EVAL_REPLAY=1): against the real
 *   model, through a recording proxy; EVAL_RECORD=1 also writes the answers to recordings/.
 * - Otherwise: replays recordings/<key>.json.
 *
 * Options: EVAL_CASES=id,id (a subset), EVAL_CONCURRENCY (default 2), OPENAI_MODEL.
 * Run with tsx against the built packages (`npm run build` first): tsx breaks the Prisma
 * plugin's TypeScript source, so `@orm-ai/*` must resolve to dist.
 */
import { formatTable, keyOf, loadCases, runCases } from './eval-core.js';
import { startReplayServer, type ReplayMode } from './replay-server.js';

const env = process.env;
const live = Boolean(env.OPENAI_API_KEY || env.OPENAI_BASE_URL) && env.EVAL_REPLAY !== '1';
const only = env.EVAL_CASES?.split(',').map((id) => id.trim()).filter(Boolean);
const cases = loadCases().filter((c) => !only || only.includes(c.id));
const byKey = new Map(cases.map((c) => [keyOf(c), c]));

let mode: ReplayMode = { kind: 'replay' };
if (live) {
  if (env.EVAL_RECORD !== '1') console.log('live run (set EVAL_RECORD=1 to save the answers to test/eval/recordings/)');
  const upstream = env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  mode = {
    kind: 'record',
    upstreamBaseUrl: upstream,
    apiKey: env.OPENAI_API_KEY,
    describe: (key) => ({ orm: byKey.get(key)?.orm ?? 'unknown', request: byKey.get(key)?.request ?? '' }),
  };
}

const server = await startReplayServer(mode.kind === 'record' && env.EVAL_RECORD !== '1' ? { ...mode, save: false } : mode);
try {
  console.log(`${live ? 'live' : 'replay'}: ${cases.length} cases`);
  const results = await runCases(cases, server, {
    concurrency: Number(env.EVAL_CONCURRENCY ?? 2),
    ...(live && env.OPENAI_MODEL ? { model: env.OPENAI_MODEL } : {}),
    onResult: (r) => console.log(`${r.passed ? 'pass' : 'FAIL'} ${r.id}${r.passed ? '' : `: ${r.failures[0]}`}`),
  });
  console.log(`\n${formatTable(results)}`);
  process.exitCode = results.every((r) => r.passed) ? 0 : 1;
} finally {
  await server.close();
}
