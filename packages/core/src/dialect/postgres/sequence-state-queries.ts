/**
 * A lateral join giving `cur.last_value` (text) and `cur.is_called` of the sequence `oid`.
 * PostgreSQL 18's pg_get_sequence_data reads one without a query of its own. Before 18,
 * pg_sequences' last_value is null for a sequence not yet called, which loses a RESTART
 * WITH's value: query_to_xml runs `SELECT last_value, is_called` on it instead, still within
 * one query. Measured on PGlite for 50 sequences: 1.3 ms and 2.6 ms a read; a query per
 * sequence joined by UNION ALL, after a query listing them, 2.6 ms (20 ms for 300).
 */
const CURRENT_STATE = {
  since18: (oid: string) => `CROSS JOIN LATERAL (SELECT d.last_value::text AS last_value, d.is_called FROM pg_catalog.pg_get_sequence_data(${oid}) d) cur`,
  before18: (oid: string) => `CROSS JOIN LATERAL (
    SELECT pg_catalog.substring(x.state, '<last_value>(-?[0-9]+)</last_value>') AS last_value, pg_catalog.substring(x.state, '<is_called>([a-z]+)</is_called>')::bool AS is_called
    FROM (SELECT pg_catalog.query_to_xml(pg_catalog.format('SELECT last_value, is_called FROM %s', ${oid}::regclass), false, true, '')::text AS state) x
  ) cur`,
};

/**
 * Sequences the shadow's role may read and set: checked on pg_sequence alone, as a join to
 * pg_class lets the planner call has_sequence_privilege on relations that are not sequences.
 */
const READ = (state: string) => `SELECT q.seqrelid::int8 AS oid, cur.last_value, cur.is_called, q.seqcache > 1 AS cached
  FROM pg_catalog.pg_sequence q ${state}
  WHERE pg_catalog.has_sequence_privilege(q.seqrelid, 'SELECT') AND pg_catalog.has_sequence_privilege(q.seqrelid, 'UPDATE')`;

/** Compares and sets back in one query: setval runs only on the sequences that moved (and the cached ones). */
const RESTORE = (state: string) => `SELECT count(pg_catalog.setval(s.oid, s.last_value::int8, s.is_called))::int AS moved
  FROM unnest($1::oid[], $2::text[], $3::bool[], $4::bool[]) AS s(oid, last_value, is_called, cached) ${state}
  WHERE s.cached OR cur.last_value IS DISTINCT FROM s.last_value OR cur.is_called IS DISTINCT FROM s.is_called`;

/** The read and the restore of sequence states for a server of this `server_version_num`. */
export function sequenceStateSql(versionNum: number): { readonly read: string; readonly restore: string } {
  const state = versionNum >= 180000 ? CURRENT_STATE.since18 : CURRENT_STATE.before18;
  return { read: READ(state('q.seqrelid')), restore: RESTORE(state('s.oid')) };
}
