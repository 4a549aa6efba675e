import { rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { runInterruptCleanups } from '../interrupts.js';
import { codedError } from '../cli/run-generate-command.js';
import { runCli, type CliDefinition, type CliIo } from '../cli/run-cli.js';
import { renderError } from '../report/text-report.js';
import { closeWarmShadows, keepShadowsWarm, warmShadowReuses } from '../dialect/postgres/shadow/warm-shadows.js';
import { keepTypecheckerWarm, stopWarmTypechecker, warmTypecheckReuses } from '../typescript/source-typecheck.js';
import { onMessages, send, type ClientMessage, type DaemonStatus } from './daemon-protocol.js';

/** What the client that starts a daemon tells it (`ORM_AI_DAEMON_SERVE`). */
export interface DaemonSettings {
  readonly socket: string;
  readonly info: string;
  readonly build: string;
  /** It exits after this long without a run. */
  readonly idleSeconds: number;
  /** It exits after a run that leaves it larger than this: what one run loads stays loaded (modules cannot be unloaded). */
  readonly maxRssMegabytes: number;
}

/**
 * The daemon: one process per project that keeps what every run would otherwise load again
 * (the engine's modules, the ORM's tool, the prepared shadow, the type checker's program)
 * and runs each client's command in it, one at a time, as that client's own process would:
 * its arguments, folder and environment, its output sent back line by line, its questions
 * asked on its terminal. It never holds a connection to any database of the user's: a run
 * with `--shadow-url` or `--stats-url` never comes here.
 */
export async function serveDaemon(definition: CliDefinition, settings: DaemonSettings): Promise<void> {
  keepShadowsWarm();
  keepTypecheckerWarm();
  let runs = 0;
  // Runs, not checks: a run checks its unedited sources, then its edits, on the same worker.
  let warmTypecheckRuns = 0;
  let queue: Promise<void> = Promise.resolve();
  let idle: NodeJS.Timeout | undefined;
  const restartIdleTimer = () => {
    clearTimeout(idle);
    idle = setTimeout(() => void stop(0), settings.idleSeconds * 1000);
  };

  const status = (): DaemonStatus => ({
    pid: process.pid,
    build: settings.build,
    cwd: process.cwd(),
    runs,
    warmShadowRuns: warmShadowReuses(),
    warmTypecheckRuns,
    rssBytes: process.memoryUsage().rss,
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    server.close();
    rmSync(settings.socket, { force: true });
    rmSync(settings.info, { force: true });
    await Promise.allSettled([closeWarmShadows(), stopWarmTypechecker()]);
    process.exit(code);
  };

  const server = createServer((socket) => {
    // The first message says what the connection is for; a run's later ones go to the run.
    let later: ((message: ClientMessage) => void) | undefined;
    onMessages<ClientMessage>(socket, (message) => {
      if (later) return later(message);
      later = () => undefined;
      if (message.type === 'status') {
        send(socket, { type: 'status', status: status() });
        socket.end();
      } else if (message.type === 'stop') {
        send(socket, { type: 'exit', code: 0 });
        socket.end(() => void stop(0));
      } else if (message.type === 'run') {
        if (message.build !== settings.build || stopping) {
          send(socket, { type: 'refused', reason: stopping ? 'the daemon is stopping' : 'the daemon is another build' });
          socket.end();
          if (!stopping) void stop(0);
          return;
        }
        clearTimeout(idle);
        queue = queue.then(async () => {
          // A client that hung up while it waited is gone: nothing to run for it.
          if (socket.destroyed) return;
          const reusesBefore = warmTypecheckReuses();
          await serveRun({ definition, socket, request: message, onLater: (handler) => (later = handler), interrupted: () => stop(130) });
          runs += 1;
          if (warmTypecheckReuses() > reusesBefore) warmTypecheckRuns += 1;
          if (process.memoryUsage().rss > settings.maxRssMegabytes * 1024 * 1024) await stop(0);
          restartIdleTimer();
        });
      } else {
        socket.destroy();
      }
    });
  });
  await listenAlone(server, settings.socket);
  writeFileSync(settings.info, JSON.stringify({ pid: process.pid, build: settings.build, cwd: process.cwd() }), { mode: 0o600 });
  process.on('SIGTERM', () => void stop(0));
  restartIdleTimer();
}

interface ServeRunOptions {
  readonly definition: CliDefinition;
  readonly socket: Socket;
  readonly request: Extract<ClientMessage, { type: 'run' }>;
  /** Where the connection's later messages (answers, Ctrl-C) go. */
  readonly onLater: (handler: (message: ClientMessage) => void) => void;
  /** Ends the daemon once an interrupted run is cleaned up. */
  readonly interrupted: () => Promise<void>;
}

/** One client's command, with its folder and environment, its output and questions relayed. */
async function serveRun({ definition, socket, request, onLater, interrupted }: ServeRunOptions): Promise<void> {
  let finished = false;
  let asked = 0;
  const answers = new Map<number, (answer: boolean) => void>();
  // Ctrl-C on the client, or the client gone: clean up as an interrupted process does, then go,
  // since a run stopped half-way leaves nothing fit to serve the next one.
  const interrupt = async () => {
    if (finished) return;
    finished = true;
    await runInterruptCleanups();
    await interrupted();
  };
  onLater((message) => {
    if (message.type === 'confirmed') answers.get(message.id)?.(message.answer === true);
    else if (message.type === 'interrupt') void interrupt();
  });
  socket.on('close', () => void interrupt());
  socket.on('error', () => undefined);

  const io: CliIo = {
    cwd: request.cwd,
    env: request.env,
    isInteractive: request.interactive,
    stdout: (text) => send(socket, { type: 'out', stream: 'stdout', text }),
    stderr: (text) => send(socket, { type: 'out', stream: 'stderr', text }),
    progress: {
      stage: (label) => send(socket, { type: 'stage', label }),
      done: () => send(socket, { type: 'stage', label: null }),
    },
    confirm: (question) =>
      new Promise((resolve) => {
        asked += 1;
        answers.set(asked, resolve);
        send(socket, { type: 'confirm', id: asked, question });
      }),
  };
  const leave = enterRun(request.cwd, request.env);
  let code: number;
  try {
    code = await runCli(definition, request.argv, io);
  } catch (error) {
    io.stderr(renderError(codedError(error)));
    code = 1;
  } finally {
    leave();
  }
  finished = true;
  send(socket, { type: 'exit', code });
  socket.end();
}

/**
 * The run's folder and environment become the process's for its length: the user's config
 * files (drizzle.config.ts, data-source.ts) read `process.env` and resolve paths from the
 * current folder, as they would in a process of their own. Runs are one at a time.
 */
function enterRun(cwd: string, env: Readonly<Record<string, string>>): () => void {
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const replaceEnv = (next: Readonly<Record<string, string | undefined>>) => {
    for (const key of Object.keys(process.env)) if (!(key in next)) delete process.env[key];
    for (const [key, value] of Object.entries(next)) if (value !== undefined) process.env[key] = value;
  };
  replaceEnv(env);
  process.chdir(cwd);
  return () => {
    replaceEnv(savedEnv);
    process.chdir(savedCwd);
  };
}

/** Listens on `socket` (0600), unless a live daemon already does: two clients may start one each, and the second leaves. */
async function listenAlone(server: Server, socket: string): Promise<void> {
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // The socket file is made by the bind, inside listen(): 0600 from the start, never briefly open.
      const umask = process.umask(0o177);
      try {
        server.listen(socket, () => {
          server.off('error', reject);
          resolve();
        });
      } finally {
        process.umask(umask);
      }
    });
  try {
    await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (await answers(socket)) process.exit(0);
    // A daemon that died leaves its socket file behind.
    rmSync(socket, { force: true });
    await listen();
  }
}

function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
