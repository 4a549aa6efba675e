import { setTimeout as sleep } from 'node:timers/promises';
import type { SecondSessions, ShadowDatabase } from '../../shadow/shadow-database.js';
import { quotedTableName, type TableRef } from '../../table-ref.js';

/** How long the probe waits to see the statement queue before it lets it go unobserved. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Runs a statement that cannot run in a transaction while a second session watches the lock
 * it asks for on `table`: the probe holds EXCLUSIVE on the table, which conflicts with every
 * mode but ACCESS SHARE (the brief lock a name lookup takes: `VACUUM FULL t` takes one
 * before its ACCESS EXCLUSIVE), the statement queues behind it, the probe reads the
 * statement's ungranted lock in pg_locks, then rolls back and lets it run. Returns that lock's pg_locks
 * mode (`ShareUpdateExclusiveLock`), or null when the statement never queued on the table;
 * the statement's own failure is thrown.
 */
export async function runWithLockProbe(shadow: ShadowDatabase & SecondSessions, sql: string, table: TableRef): Promise<string | null> {
  const [session] = await shadow.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const probe = await shadow.openSession();
  try {
    await probe.exec('BEGIN');
    await probe.exec(`LOCK TABLE ${quotedTableName(table)} IN EXCLUSIVE MODE`);
    let settled = false;
    const running = shadow.exec(sql).finally(() => {
      settled = true;
    });
    // Awaited below, after the probe lets it go; this only keeps an early failure from going unhandled.
    running.catch(() => undefined);
    let mode: string | null = null;
    const deadline = Date.now() + PROBE_TIMEOUT_MS;
    while (!settled && mode === null && Date.now() < deadline) {
      const waiting = await probe.query<{ mode: string }>(
        "SELECT mode FROM pg_locks WHERE pid = $1 AND NOT granted AND locktype = 'relation' AND relation = $2::regclass",
        [session!.pid, quotedTableName(table)],
      );
      mode = waiting[0]?.mode ?? null;
      if (mode === null) await sleep(10);
    }
    await probe.exec('ROLLBACK');
    await running;
    return mode;
  } finally {
    await probe.close();
  }
}
