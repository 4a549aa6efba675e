import { describeError } from '../../errors.js';
import { quote } from './copy-tables.js';
import { errno } from './server-accounts.js';
import type { MysqlShadow } from './shadow.js';
import type { ShadowSession } from '../../shadow/shadow-database.js';

/**
 * What a schema change does to a live table's sessions through metadata locks (MDL), measured
 * with three sessions on a copy of the shadow: one holds a transaction open that has read the
 * table (as any application does between its first query and its COMMIT); the ALTER then
 * queues for the exclusive metadata lock; and a plain SELECT issued after it queues behind
 * the ALTER, because MDL requests are served in order. So one idle transaction plus one ALTER
 * stops every read and write of the table, even for an ALTER that is INSTANT.
 *
 * gh-ost and pt-online-schema-change answer it the same way: set `lock_wait_timeout` low (a
 * few seconds) in the migration's session, so the ALTER gives up and the queue behind it
 * drains, and retry. This helper measures it with such a timeout.
 *
 * @example
 * const wait = await measureMetadataLockWait(shadow, { table: 'users', statement: 'ALTER TABLE users ADD c int' });
 * // { alterWaited: true, laterReadsBlocked: true, alterTimedOut: true, readsResumed: true, ... }
 */
export interface MetadataLockWait {
  /** The ALTER sat in "Waiting for table metadata lock" behind the open transaction. */
  readonly alterWaited: boolean;
  /** A SELECT issued after the ALTER sat in the same state. */
  readonly laterReadsBlocked: boolean;
  /** The ALTER gave up with ER_LOCK_WAIT_TIMEOUT (1205) after `lock_wait_timeout`. */
  readonly alterTimedOut: boolean;
  /** The queued SELECT completed once the ALTER gave up, the transaction still open. */
  readonly readsResumed: boolean;
  /** How long the ALTER waited before it gave up or ran, in milliseconds. */
  readonly alterWaitMs: number;
  /** The server's answer to the ALTER when it failed; null when it ran. */
  readonly alterError: string | null;
}

export interface MetadataLockWaitOptions {
  readonly table: string;
  /** The schema change to queue; it runs on a copy, never on the shadow itself. */
  readonly statement: string;
  /** The ALTER's session's `lock_wait_timeout`, in seconds: 1 unless said. */
  readonly lockWaitTimeoutSeconds?: number;
}

/** How long a session is given to show up waiting in the process list. */
const APPEAR_WITHIN_MS = 5_000;
const WAITING_STATE = 'Waiting for table metadata lock';
const ER_LOCK_WAIT_TIMEOUT = 1205;

export async function measureMetadataLockWait(shadow: MysqlShadow, options: MetadataLockWaitOptions): Promise<MetadataLockWait> {
  const copy = await shadow.fork();
  const sessions: ShadowSession[] = [];
  const open = async () => {
    const session = await copy.openSession();
    sessions.push(session);
    const [row] = await session.query<{ id: number }>('SELECT CONNECTION_ID() AS id');
    return { session, id: Number(row!.id) };
  };
  try {
    const holder = await open();
    const alter = await open();
    const reader = await open();
    await holder.session.exec('START TRANSACTION');
    await holder.session.query(`SELECT * FROM ${quote(options.table)} LIMIT 1`);
    await alter.session.exec(`SET SESSION lock_wait_timeout = ${Math.max(1, Math.round(options.lockWaitTimeoutSeconds ?? 1))}`);
    const started = Date.now();
    const altered = settles(
      alter.session.exec(options.statement).then(
        () => ({ error: null as unknown, ms: Date.now() - started }),
        (error: unknown) => ({ error, ms: Date.now() - started }),
      ),
    );
    const alterWaited = await appearsWaiting(copy, alter.id, altered);
    const read = settles(
      reader.session.query(`SELECT COUNT(*) AS n FROM ${quote(options.table)}`).then(
        () => true,
        () => false,
      ),
    );
    const laterReadsBlocked = alterWaited && (await appearsWaiting(copy, reader.id, read));
    const outcome = await altered.promise;
    const readsResumed = await Promise.race([read.promise, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), APPEAR_WITHIN_MS))]);
    await holder.session.exec('ROLLBACK');
    return {
      alterWaited,
      laterReadsBlocked,
      alterTimedOut: errno(outcome.error) === ER_LOCK_WAIT_TIMEOUT,
      readsResumed,
      alterWaitMs: outcome.ms,
      alterError: outcome.error === null ? null : describeError(outcome.error),
    };
  } finally {
    for (const session of sessions) await session.close();
    await copy.close();
  }
}

interface Settling<T> {
  readonly promise: Promise<T>;
  readonly settled: () => boolean;
}

function settles<T>(promise: Promise<T>): Settling<T> {
  let done = false;
  void promise.finally(() => (done = true));
  return { promise, settled: () => done };
}

/** Polls the process list (an account sees its own sessions) until the session waits on a metadata lock, or its statement ends. */
async function appearsWaiting(copy: MysqlShadow, id: number, statement: Settling<unknown>): Promise<boolean> {
  const deadline = Date.now() + APPEAR_WITHIN_MS;
  while (Date.now() < deadline && !statement.settled()) {
    const rows = await copy.query<{ state: string | null }>('SELECT STATE AS state FROM information_schema.PROCESSLIST WHERE ID = ?', [id]);
    if (rows[0]?.state === WAITING_STATE) return true;
    if (rows.length === 0) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
