import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { copyExample, REPO_ROOT, snapshotTree } from './example-project.js';
import { queryServer } from './postgres-server.js';

/**
 * Ctrl-C at random moments of a real CLI run: the built bin in its own process group, sent
 * SIGINT as a terminal sends it to the foreground group, and what it left behind afterwards.
 */

export interface CliRun {
  /** The bin under the repository root: `packages/drizzle/dist/bin.js`. */
  readonly bin: string;
  readonly example: string;
  readonly args: readonly string[];
}

export interface RunResult {
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  /** The `--json` report, or what else it printed. */
  readonly stdout: string;
  readonly elapsedMs: number;
  /** From the last signal sent to the exit. */
  readonly exitAfterLastSignalMs: number | null;
  /** Project files added, changed or removed, by path (timestamps in names made comparable). */
  readonly changed: readonly string[];
  /** Files anywhere in the project (node_modules aside) named like a temporary file. */
  readonly temporaryFiles: readonly string[];
}

/** What a test may do to a running CLI: send SIGINT to its process group, watch its stderr and exit. */
export interface RunningCli {
  readonly pid: number;
  interrupt(): void;
  stderr(): string;
  readonly exited: Promise<void>;
}

/**
 * Runs the CLI in a fresh copy of the example, in its own process group; `drive` acts on it
 * while it runs (by default nothing: it runs to its end). `prepare` may add files to the copy
 * first, as an earlier run would have left them.
 */
export async function runInterrupted(run: CliRun, options: { drive?: (cli: RunningCli) => Promise<void>; prepare?: (root: string) => void } = {}): Promise<RunResult> {
  const copy = copyExample(run.example);
  try {
    options.prepare?.(copy.root);
    const before = snapshotTree(copy.root);
    const started = Date.now();
    const child = spawn(process.execPath, [join(REPO_ROOT, run.bin), ...run.args], {
      cwd: copy.root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])));
    let lastSignalAt: number | null = null;
    let running = true;
    const cli: RunningCli = {
      pid: child.pid!,
      interrupt: () => {
        if (!running) return;
        lastSignalAt = Date.now();
        process.kill(-child.pid!, 'SIGINT');
      },
      stderr: () => stderr,
      exited: exit.then(() => undefined),
    };
    const driving = options.drive?.(cli);
    const [code, signal] = await exit;
    running = false;
    const exitAfterLastSignalMs = lastSignalAt === null ? null : Date.now() - lastSignalAt;
    await driving;
    const after = snapshotTree(copy.root);
    const paths = new Set([...Object.keys(before), ...Object.keys(after)]);
    const changed = [...paths].filter((path) => before[path] !== after[path] && !isTemporary(path)).map(comparablePath).sort();
    return { pid: child.pid!, code, signal, stderr, stdout, elapsedMs: Date.now() - started, exitAfterLastSignalMs, changed, temporaryFiles: Object.keys(after).filter(isTemporary) };
  } finally {
    copy.dispose();
  }
}

/** Settles after `ms`, or as soon as the CLI exits. */
export function sleepWhileRunning(cli: RunningCli, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), cli.exited]).finally(() => clearTimeout(timer));
}

function isTemporary(path: string): boolean {
  return /\.orm-ai-\d+-\d+\.tmp$/.test(path);
}

/** Prisma names a migration's folder after the time: `20261204181500_add_post_tags` → `<time>_add_post_tags`. */
function comparablePath(path: string): string {
  return path.replace(/\d{14}_/g, '<time>_');
}

/** Throwaway databases and roles on the server, with the process their label names. */
export async function listShadowObjects(url: string): Promise<Array<{ kind: 'database' | 'role'; name: string; pid: number | null }>> {
  const rows = await queryServer<{ kind: 'database' | 'role'; name: string; comment: string | null }>(
    url,
    `SELECT 'database' AS kind, datname AS name, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE 'orm\\_ai\\_shadow\\_%'
     UNION ALL
     SELECT 'role', rolname, shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname LIKE 'orm\\_ai\\_shadow\\_%'`,
  );
  return rows.map(({ kind, name, comment }) => ({ kind, name, pid: pidOf(comment) }));
}

function pidOf(comment: string | null): number | null {
  try {
    const pid = (JSON.parse(comment ?? 'null') as { pid?: unknown } | null)?.pid;
    return typeof pid === 'number' ? pid : null;
  } catch {
    return null;
  }
}

/** A small seeded generator, so a failing moment can be replayed from the seed the test prints. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
