import type { Socket } from 'node:net';

/**
 * What a client and a daemon say to each other: one JSON object per line over the unix
 * socket. Node built-ins only, as the client loads it.
 *
 * A run: the client sends `run`; the daemon answers with `out` lines, perhaps a `confirm`
 * (the client answers `confirmed`), and ends with `exit`. The client may send `interrupt`
 * (Ctrl-C): the daemon cleans up as an interrupted process would, and exits.
 */
export type ClientMessage =
  | {
      readonly type: 'run';
      readonly build: string;
      readonly argv: readonly string[];
      readonly cwd: string;
      readonly env: Readonly<Record<string, string>>;
      readonly interactive: boolean;
    }
  | { readonly type: 'confirmed'; readonly id: number; readonly answer: boolean }
  | { readonly type: 'interrupt' }
  | { readonly type: 'status' }
  | { readonly type: 'stop' };

export type DaemonMessage =
  | { readonly type: 'out'; readonly stream: 'stdout' | 'stderr'; readonly text: string }
  | { readonly type: 'confirm'; readonly id: number; readonly question: string }
  /** A stage starts, or the stages are over (`label` null): the client draws them for its own terminal. */
  | { readonly type: 'stage'; readonly label: string | null }
  | { readonly type: 'exit'; readonly code: number }
  /** The daemon is another build, or stopping: the client runs in-process. */
  | { readonly type: 'refused'; readonly reason: string }
  | { readonly type: 'status'; readonly status: DaemonStatus };

export interface DaemonStatus {
  readonly pid: number;
  readonly build: string;
  readonly cwd: string;
  /** Runs served, and how many of them found the prepared shadow and the type checker already warm. */
  readonly runs: number;
  readonly warmShadowRuns: number;
  readonly warmTypecheckRuns: number;
  readonly rssBytes: number;
}

export function send(socket: Socket, message: ClientMessage | DaemonMessage): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
}

/** Calls `onMessage` with each whole line received, parsed; a line that is not JSON ends the connection. */
export function onMessages<Message>(socket: Socket, onMessage: (message: Message) => void): void {
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      let message: Message;
      try {
        message = JSON.parse(line) as Message;
      } catch {
        socket.destroy();
        return;
      }
      onMessage(message);
    }
  });
}
