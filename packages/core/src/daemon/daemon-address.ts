import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where a project's daemon listens, and which build it must be. Node built-ins only: the
 * client side of a warm run loads this and nothing of the engine.
 *
 * A daemon is one per user, project folder and cache folder: its socket is named by a
 * digest of them in a folder only that user can enter (`$TMPDIR/orm-ai-<uid>`, 0700, as
 * ssh-agent's is), so another user on the machine can neither connect nor plant a socket
 * for the client to trust. There is no TCP port. A daemon of another build (an upgrade, a
 * rebuild) refuses the run and exits, and the client starts one of its own build.
 */
export interface DaemonAddress {
  /** The unix socket. */
  readonly socket: string;
  /** Beside it: `{ pid, build, cwd }` of the daemon listening, for `daemon status` and the benchmark. */
  readonly info: string;
  /** Beside it: what the daemon wrote to stderr (its crashes), since it has no terminal. */
  readonly log: string;
  /** The build the daemon must be: a daemon of another build refuses the run and exits. */
  readonly build: string;
}

/** Thrown when the socket folder is not this user's alone: the run goes on in-process. */
export class UnsafeDaemonFolder extends Error {}

/** The address of the daemon for `cwd`, or throws `UnsafeDaemonFolder`. */
export function daemonAddress(options: { readonly cwd: string; readonly cacheDir: string | undefined; readonly binUrl: string }): DaemonAddress {
  const folder = privateSocketFolder();
  const build = buildOf(options.binUrl);
  const name = createHash('sha256')
    .update([realpathSync(options.cwd), options.cacheDir ?? ''].join('\0'))
    .digest('hex')
    .slice(0, 24);
  const base = join(folder, name);
  return { socket: `${base}.sock`, info: `${base}.json`, log: `${base}.log`, build };
}

/** `$TMPDIR/orm-ai-<uid>`, made 0700 if missing; refused unless it is a real folder of this user's that no one else may enter. */
export function privateSocketFolder(): string {
  const uid = process.getuid?.() ?? -1;
  const folder = join(tmpdir(), `orm-ai-${uid}`);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stat = lstatSync(folder);
  if (!stat.isDirectory() || stat.isSymbolicLink()) throw new UnsafeDaemonFolder(`${folder} is not a folder`);
  if (stat.uid !== uid) throw new UnsafeDaemonFolder(`${folder} belongs to uid ${stat.uid}, not ${uid}`);
  if ((stat.mode & 0o077) !== 0) throw new UnsafeDaemonFolder(`${folder} is open to other users (mode ${(stat.mode & 0o777).toString(8)})`);
  return folder;
}

/**
 * The build: Node's version, where the bin is, and the newest change under the bin's
 * package and the engine's `dist`, so that a rebuild or an upgrade never talks to a daemon
 * still running the old code.
 */
function buildOf(binUrl: string): string {
  const engineDist = dirname(dirname(fileURLToPath(import.meta.url)));
  const binDist = dirname(fileURLToPath(binUrl));
  let newest = 0;
  let files = 0;
  for (const folder of new Set([engineDist, binDist])) {
    for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
      files += 1;
    }
  }
  return createHash('sha256')
    .update([process.version, realpathSync(fileURLToPath(binUrl)), newest, files].join('\0'))
    .digest('hex')
    .slice(0, 16);
}
