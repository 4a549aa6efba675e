import type { ShadowDatabase } from './shadow-database.js';

/**
 * Where each sequence of a shadow stands. `nextval` and `setval` are not transactional, so a
 * rolled-back run (seeding rows into a serial column, a migration's setval) still moves them:
 * `runIsolated` reads them before its work and puts back the ones that moved after its rollback.
 */
export interface SequenceStates {
  readonly byOid: ReadonlyMap<number, SequenceState>;
}

interface SequenceState {
  /** As text: a bigint need not fit a JavaScript number. */
  readonly lastValue: string;
  readonly isCalled: boolean;
  /**
   * CACHE above 1: `nextval` hands out values the session cached without touching the stored
   * state, so an unchanged read does not prove an unmoved sequence; these are always set back
   * (setval also empties the session's cache, so the next run starts from the stored state).
   */
  readonly cached: boolean;
}

/**
 * Sequences the shadow's role may read and set (SELECT and UPDATE): checked on pg_sequence
 * alone, as a join to pg_class lets the planner call has_sequence_privilege on non-sequences.
 */
const READABLE = `pg_catalog.has_sequence_privilege(q.seqrelid, 'SELECT') AND pg_catalog.has_sequence_privilege(q.seqrelid, 'UPDATE')`;

/**
 * PostgreSQL 18's pg_get_sequence_data reads every sequence in one query (1.3 ms for 50 on
 * PGlite). Before 18, pg_sequences' last_value is null for a sequence not yet called, which
 * loses a RESTART WITH's value: query_to_xml runs `SELECT last_value, is_called` on each
 * instead, still one query (2.6 ms for 50 on PGlite; a query per sequence joined by UNION
 * ALL, after a query to list them, costs 2.6 ms and 20 ms for 300).
 */
const READ_SINCE_18 = `SELECT q.seqrelid::int8 AS oid, d.last_value::text AS last_value, d.is_called, q.seqcache > 1 AS cached
  FROM pg_catalog.pg_sequence q CROSS JOIN LATERAL pg_catalog.pg_get_sequence_data(q.seqrelid) d
  WHERE ${READABLE}`;
const READ_BEFORE_18 = `SELECT q.seqrelid::int8 AS oid, pg_catalog.substring(x.state, '<last_value>(-?[0-9]+)</last_value>') AS last_value,
    pg_catalog.substring(x.state, '<is_called>([a-z]+)</is_called>')::bool AS is_called, q.seqcache > 1 AS cached
  FROM pg_catalog.pg_sequence q CROSS JOIN LATERAL (
    SELECT pg_catalog.query_to_xml(pg_catalog.format('SELECT last_value, is_called FROM %s', q.seqrelid::regclass), false, true, '')::text AS state
  ) x
  WHERE ${READABLE}`;

/** Which read each shadow takes, asked once per shadow. */
const readQueries = new WeakMap<ShadowDatabase, string>();

export async function readSequenceStates(shadow: ShadowDatabase): Promise<SequenceStates> {
  let sql = readQueries.get(shadow);
  if (sql === undefined) {
    const [version] = await shadow.query<{ num: number }>(`SELECT pg_catalog.current_setting('server_version_num')::int AS num`);
    sql = (version?.num ?? 0) >= 180000 ? READ_SINCE_18 : READ_BEFORE_18;
    readQueries.set(shadow, sql);
  }
  const rows = await shadow.query<{ oid: number | string; last_value: string; is_called: boolean; cached: boolean }>(sql);
  return { byOid: new Map(rows.map((row) => [Number(row.oid), { lastValue: row.last_value, isCalled: row.is_called, cached: row.cached }])) };
}

/**
 * Sets back the sequences that stand elsewhere than in `before` (and every cached one), in
 * one query; returns how many. A sequence the work created is gone with its rollback.
 */
export async function restoreSequenceStates(shadow: ShadowDatabase, before: SequenceStates): Promise<number> {
  if (before.byOid.size === 0) return 0;
  const now = await readSequenceStates(shadow);
  const moved = [...before.byOid].filter(([oid, state]) => {
    const current = now.byOid.get(oid);
    return current !== undefined && (state.cached || current.lastValue !== state.lastValue || current.isCalled !== state.isCalled);
  });
  if (moved.length === 0) return 0;
  await shadow.query(
    `SELECT pg_catalog.setval(s.oid, s.last_value, s.is_called) FROM unnest($1::oid[], $2::int8[], $3::bool[]) AS s(oid, last_value, is_called)`,
    [moved.map(([oid]) => oid), moved.map(([, state]) => state.lastValue), moved.map(([, state]) => state.isCalled)],
  );
  return moved.length;
}
