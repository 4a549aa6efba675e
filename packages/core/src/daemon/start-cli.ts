import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { commandHelp } from '../cli/command-spec.js';
import { DAEMON_COMMAND } from '../cli/daemon-command.js';
import { stageProgress, type StageProgress } from '../cli/stage-progress.js';
import type { CliDefinition } from '../cli/run-cli.js';
import { daemonAddress, UnsafeDaemonFolder, type DaemonAddress } from './daemon-address.js';
import { onMessages, send, type DaemonMessage, type DaemonStatus } from './daemon-protocol.js';
import type { DaemonSettings } from './serve-daemon.js';

/**
 * A bin's whole body. Node built-ins only until it knows which way the run goes, since a warm
 * run must cost little more than starting Node:
 *
 * - a generate command goes to the project's daemon (started on the first run), which keeps
 *   the engine, the prepared shadow and the type checker loaded between runs;
 * - everything else, and a generate command with `--no-daemon`, `--shadow-url` or
 *   `--stats-url`, in CI, or with `ORM_AI_DAEMON=off`, runs in this process;
 * - so does a run whose daemon cannot start or is another build.
 */
export interface CliEntry {
  readonly bin: string;
  /** The generate command's name (`generate`, `migrate`, `migration:generate`): the one a daemon serves. */
  readonly generateCommand: string;
  /** The bin's own module (`import.meta.url`), which a daemon is started from. */
  readonly binUrl: string;
  /** The CLI's definition: loads the engine and the ORM's plugin. */
  readonly load: () => Promise<CliDefinition>;
}

/** Set in a daemon's environment by the client that starts it: its `DaemonSettings`. */
const SERVE_VARIABLE = 'ORM_AI_DAEMON_SERVE';
/** How long a client waits for a daemon it started to listen: its start loads the engine. */
const START_TIMEOUT_MS = 60_000;
const DEFAULT_IDLE_SECONDS = 15 * 60;
const DEFAULT_MAX_RSS_MEGABYTES = 2048;

export async function startCli(entry: CliEntry): Promise<void> {
  const argv = process.argv.slice(2);
  const serving = process.env[SERVE_VARIABLE];
  if (serving) {
    delete process.env[SERVE_VARIABLE];
    const [{ serveDaemon }, definition] = await Promise.all([import('./serve-daemon.js'), entry.load()]);
    await serveDaemon(definition, JSON.parse(serving) as DaemonSettings);
    return;
  }
  if (argv[0] === '--version') {
    process.stdout.write(`${versionLine(entry)}\n`);
    return;
  }
  if (argv[0] === 'daemon') {
    process.exitCode = await daemonCommand(entry, argv.slice(1));
    return;
  }
  const address = warmRunAddress(entry, argv);
  if (address) {
    const code = await runThroughDaemon(entry, address, argv);
    if (code !== undefined) {
      process.exitCode = code;
      return;
    }
  }
  const [{ exitCleanlyOnSignals, processIo, runCli }, definition] = await Promise.all([import('../index.js'), entry.load()]);
  // Ctrl-C and SIGTERM drop this run's shadow databases and roles and remove its temporary files first.
  exitCleanlyOnSignals();
  process.exitCode = await runCli(definition, argv, processIo());
}

/** Whether the daemon is switched off: `ORM_AI_DAEMON=off`, or in CI (one-off runs gain nothing) unless `ORM_AI_DAEMON=on`. */
export function daemonSwitchedOff(env: Readonly<Record<string, string | undefined>>): boolean {
  const chosen = env.ORM_AI_DAEMON?.trim().toLowerCase();
  if (chosen && ['off', '0', 'false', 'no'].includes(chosen)) return true;
  if (chosen && ['on', '1', 'true', 'yes'].includes(chosen)) return false;
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

/** The daemon a run goes to, or undefined when it runs in this process. */
function warmRunAddress(entry: CliEntry, argv: readonly string[]): DaemonAddress | undefined {
  if (argv[0] !== entry.generateCommand || process.platform === 'win32' || daemonSwitchedOff(process.env)) return undefined;
  // A daemon never holds a connection to a database of the user's, nor answers for help.
  const inProcess = ['--no-daemon', '--help', '-h', '--shadow-url', '--stats-url'];
  if (argv.some((arg) => inProcess.some((flag) => arg === flag || arg.startsWith(`${flag}=`)))) return undefined;
  try {
    return daemonAddress({ cwd: process.cwd(), cacheDir: process.env.ORM_AI_CACHE_DIR?.trim() || undefined, binUrl: entry.binUrl });
  } catch (error) {
    if (!(error instanceof UnsafeDaemonFolder)) throw error;
    process.stderr.write(`warning: not using a daemon, ${error.message}; running in this process.\n`);
    return undefined;
  }
}

/** The run's exit code from the daemon, or undefined when it must run in this process instead. */
async function runThroughDaemon(entry: CliEntry, address: DaemonAddress, argv: readonly string[]): Promise<number | undefined> {
  const running = await connected(address.socket);
  const socket = running ?? (await startDaemon(entry, address));
  if (!socket) return undefined;
  const code = await relayRun(socket, address, argv);
  if (code !== 'refused') return code;
  // A daemon of another build, now exiting: once more on one of ours.
  if (!running) return undefined;
  const ours = await startDaemon(entry, address);
  const retried = ours ? await relayRun(ours, address, argv) : undefined;
  return retried === 'refused' ? undefined : retried;
}

function connected(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
  });
}

/** Starts the daemon in the background, detached from this terminal, and connects once it listens. */
async function startDaemon(entry: CliEntry, address: DaemonAddress): Promise<Socket | undefined> {
  const settings: DaemonSettings = {
    socket: address.socket,
    info: address.info,
    build: address.build,
    idleSeconds: positiveNumber(process.env.ORM_AI_DAEMON_IDLE_SECONDS) ?? DEFAULT_IDLE_SECONDS,
    maxRssMegabytes: positiveNumber(process.env.ORM_AI_DAEMON_MAX_RSS_MB) ?? DEFAULT_MAX_RSS_MEGABYTES,
  };
  const log = openSync(address.log, 'a', 0o600);
  let exited = false;
  try {
    const child = spawn(process.execPath, [fileURLToPath(entry.binUrl)], {
      detached: true,
      stdio: ['ignore', 'ignore', log],
      // Colour on: each client keeps or strips it for its own terminal.
      env: { ...process.env, [SERVE_VARIABLE]: JSON.stringify(settings), FORCE_COLOR: '1' },
    });
    child.once('exit', () => (exited = true));
    child.once('error', () => (exited = true));
    child.unref();
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const socket = await connected(address.socket);
    if (socket) return socket;
    // Another client's daemon won the socket, or ours failed: one more try, then in-process.
    if (exited) return connected(address.socket);
  }
  return undefined;
}

function positiveNumber(value: string | undefined): number | undefined {
  const number = Number(value);
  return value && Number.isFinite(number) && number > 0 ? number : undefined;
}

/** Sends the run, then writes what comes back until its exit code. */
function relayRun(socket: Socket, address: DaemonAddress, argv: readonly string[]): Promise<number | 'refused' | undefined> {
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  send(socket, { type: 'run', build: address.build, argv, cwd: process.cwd(), env, interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) });
  let heard = false;
  let interrupted = false;
  let progress: StageProgress | undefined;
  const onInterrupt = () => {
    interrupted = true;
    send(socket, { type: 'interrupt' });
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (code: number | 'refused' | undefined) => {
      if (settled) return;
      settled = true;
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
      resolve(code);
    };
    onMessages<DaemonMessage>(socket, (message) => {
      if (message.type === 'stage') {
        heard = true;
        progress ??= stageProgress(process.stderr, { colours: coloursFor(process.stderr) });
        if (message.label === null) progress.done();
        else progress.stage(message.label);
      } else if (message.type === 'out') {
        heard = true;
        const stream = message.stream === 'stdout' ? process.stdout : process.stderr;
        stream.write(`${coloursFor(stream) ? message.text : stripColours(message.text)}\n`);
      } else if (message.type === 'confirm') {
        void askOnTerminal(message.question).then((answer) => send(socket, { type: 'confirmed', id: message.id, answer }));
      } else if (message.type === 'exit') {
        settle(message.code);
      } else if (message.type === 'refused') {
        settle('refused');
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (settled) return;
      if (interrupted) return settle(130);
      if (!heard) return settle(undefined);
      process.stderr.write(
        `error [INTERNAL_ERROR] the daemon ended the run before it finished\nhint: This is a bug in orm-ai: its log is ${address.log}. Run again with --no-daemon.\n`,
      );
      settle(1);
    });
  });
}

async function askOnTerminal(question: string): Promise<boolean> {
  const { confirm, isCancel } = await import('@clack/prompts');
  const answer = await confirm({ message: question, initialValue: false });
  return !isCancel(answer) && answer === true;
}

function coloursFor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && process.env.TERM !== 'dumb';
}

function stripColours(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** `drizzle-ai 0.1.0 (@orm-ai/core 0.1.0, Node.js v20.19.0)`: the bin's package, the engine's and Node's. */
function versionLine(entry: CliEntry): string {
  const versionOf = (url: URL) => (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  const engine = versionOf(new URL('../../package.json', import.meta.url));
  return `${entry.bin} ${versionOf(new URL('../package.json', entry.binUrl))} (@orm-ai/core ${engine}, Node.js ${process.version})`;
}

/** `<bin> daemon status|stop`: the daemon of this folder, if one runs. */
async function daemonCommand(entry: CliEntry, args: readonly string[]): Promise<number> {
  const [action] = args;
  if (action === '--help' || action === '-h') {
    process.stdout.write(`${commandHelp(entry.bin, DAEMON_COMMAND)}\n`);
    return 0;
  }
  if (args.length !== 1 || (action !== 'status' && action !== 'stop')) {
    process.stderr.write(`error [USAGE] expected ${entry.bin} daemon status or ${entry.bin} daemon stop\nhint: Run ${entry.bin} daemon --help.\n`);
    return 2;
  }
  let address: DaemonAddress;
  try {
    address = daemonAddress({ cwd: process.cwd(), cacheDir: process.env.ORM_AI_CACHE_DIR?.trim() || undefined, binUrl: entry.binUrl });
  } catch (error) {
    if (!(error instanceof UnsafeDaemonFolder)) throw error;
    process.stderr.write(`error [USAGE] ${error.message}\n`);
    return 1;
  }
  const socket = await connected(address.socket);
  if (!socket) {
    process.stdout.write(`No daemon runs for this folder.\n`);
    return 0;
  }
  send(socket, action === 'status' ? { type: 'status' } : { type: 'stop' });
  const answer = await new Promise<DaemonStatus | 'stopped' | undefined>((resolve) => {
    onMessages<DaemonMessage>(socket, (message) => resolve(message.type === 'status' ? message.status : message.type === 'exit' ? 'stopped' : undefined));
    socket.on('close', () => resolve(undefined));
  });
  if (answer === 'stopped') process.stdout.write('Stopped the daemon of this folder.\n');
  else if (answer) {
    process.stdout.write(
      `pid ${answer.pid}, ${answer.runs} run(s) served (${answer.warmShadowRuns} on a warm shadow, ${answer.warmTypecheckRuns} on a warm type checker), ` +
        `${Math.round(answer.rssBytes / 1024 / 1024)} MiB resident, in ${answer.cwd}\n`,
    );
  }
  socket.end();
  return 0;
}
