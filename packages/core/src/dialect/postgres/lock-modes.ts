/**
 * PostgreSQL's table lock modes, from pg_locks' names to the documentation's, with what
 * each one makes other sessions wait for (the conflict table of "Explicit Locking").
 */
const LOCK_MODES: Record<string, { name: string; blocks: string; rank: number }> = {
  AccessShareLock: { name: 'ACCESS SHARE', blocks: 'only ACCESS EXCLUSIVE (ALTER TABLE, DROP)', rank: 1 },
  RowShareLock: { name: 'ROW SHARE', blocks: 'EXCLUSIVE and ACCESS EXCLUSIVE', rank: 2 },
  RowExclusiveLock: { name: 'ROW EXCLUSIVE', blocks: 'index builds and schema changes; not reads or writes', rank: 3 },
  ShareUpdateExclusiveLock: { name: 'SHARE UPDATE EXCLUSIVE', blocks: 'VACUUM, ANALYZE, concurrent index builds and schema changes; not reads or writes', rank: 4 },
  ShareLock: { name: 'SHARE', blocks: 'writes (INSERT, UPDATE, DELETE); reads go on', rank: 5 },
  ShareRowExclusiveLock: { name: 'SHARE ROW EXCLUSIVE', blocks: 'writes (INSERT, UPDATE, DELETE); reads go on', rank: 6 },
  ExclusiveLock: { name: 'EXCLUSIVE', blocks: 'writes and SELECT FOR UPDATE; plain reads go on', rank: 7 },
  AccessExclusiveLock: { name: 'ACCESS EXCLUSIVE', blocks: 'reads and writes: every query on the table waits', rank: 8 },
};

/**
 * Whether a lock (by its documented name) conflicts with the ROW EXCLUSIVE lock every
 * INSERT, UPDATE and DELETE takes: while such a lock waits in the queue, writes queue behind it.
 */
export function blocksWrites(documentedMode: string): boolean {
  const rank = Object.values(LOCK_MODES).find((mode) => mode.name === documentedMode)?.rank ?? 0;
  return rank >= LOCK_MODES.ShareLock!.rank;
}

export interface LockMode {
  /** The documentation's name: `ACCESS EXCLUSIVE`. */
  readonly mode: string;
  /** What other sessions must wait for while it is held. */
  readonly blocks: string;
  readonly rank: number;
}

/** A pg_locks mode (`AccessExclusiveLock`) in the documentation's terms. */
export function lockMode(pgLocksMode: string): LockMode {
  const known = LOCK_MODES[pgLocksMode];
  return known ? { mode: known.name, blocks: known.blocks, rank: known.rank } : { mode: pgLocksMode, blocks: 'see PostgreSQL\'s lock conflict table', rank: 0 };
}
