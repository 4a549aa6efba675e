import type pg from 'pg';
import { isShadowName, parseShadowLabel, shadowName, STALE_SHADOW_AGE_MS } from '../../../shadow/throwaway-names.js';


export interface StaleShadowsDropped {
  readonly databases: readonly string[];
  readonly roles: readonly string[];
}

interface Candidate {
  readonly name: string;
  readonly comment: string | null;
  readonly connected: boolean;
  /** A database's owner and the owner's comment: a database killed between its CREATE and its COMMENT has only its owner's label. */
  readonly owner?: string;
  readonly owner_comment?: string | null;
  readonly owns_databases?: boolean;
}

/**
 * Drops what killed runs left on a server: databases and roles named `orm_ai_shadow_<12 hex>`
 * whose COMMENT label (see `shadowLabel`) is older than an hour and that no session uses; a
 * database with no comment counts by its owner's label (a run killed between its CREATE
 * DATABASE and its COMMENT; a role gets its label in the transaction that creates it).
 * Anything else is never touched: another name, a comment that is not our label (an older
 * version's leftover, or someone else's object), a younger label, a connected session.
 * Databases go without `FORCE`, so one a session joins meanwhile makes the DROP fail and
 * stays; roles go only once they own no database. Failures are skipped: this is housekeeping.
 */
export async function dropStaleShadows(admin: pg.Client, now: number = Date.now()): Promise<StaleShadowsDropped> {
  const isOld = (name: string, comment: string | null) => {
    const label = isShadowName(name) ? parseShadowLabel(comment) : null;
    return label !== null && now - Date.parse(label.created) > STALE_SHADOW_AGE_MS;
  };
  const isStale = (candidate: Candidate) => !candidate.connected && isOld(candidate.name, candidate.comment);
  const isStaleDatabase = (candidate: Candidate) =>
    isStale(candidate) || (!candidate.connected && candidate.comment === null && isShadowName(candidate.name) && isOld(candidate.owner ?? '', candidate.owner_comment ?? null));
  const databases: string[] = [];
  for (const candidate of (await admin.query<Candidate>(DATABASES_SQL)).rows.filter(isStaleDatabase)) {
    if (await succeeds(admin, `DROP DATABASE ${shadowName(candidate.name)}`)) databases.push(candidate.name);
  }
  const roles: string[] = [];
  for (const candidate of (await admin.query<Candidate>(ROLES_SQL)).rows.filter((role) => isStale(role) && !role.owns_databases)) {
    if (await succeeds(admin, `DROP ROLE ${shadowName(candidate.name)}`)) roles.push(candidate.name);
  }
  return { databases, roles };
}

async function succeeds(admin: pg.Client, sql: string): Promise<boolean> {
  try {
    await admin.query(sql);
    return true;
  } catch {
    return false;
  }
}

// pg_stat_activity shows every session's database and user to every role, whatever it may read of their queries.
const DATABASES_SQL = `
SELECT d.datname::text AS name, pg_catalog.shobj_description(d.oid, 'pg_database') AS comment,
  EXISTS (SELECT FROM pg_catalog.pg_stat_activity a WHERE a.datname = d.datname) AS connected,
  r.rolname::text AS owner, pg_catalog.shobj_description(r.oid, 'pg_authid') AS owner_comment
FROM pg_catalog.pg_database d JOIN pg_catalog.pg_roles r ON r.oid = d.datdba
WHERE d.datname LIKE 'orm\\_ai\\_shadow\\_%'`;

const ROLES_SQL = `
SELECT r.rolname::text AS name, pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment,
  EXISTS (SELECT FROM pg_catalog.pg_stat_activity a WHERE a.usename = r.rolname) AS connected,
  EXISTS (SELECT FROM pg_catalog.pg_database d WHERE d.datdba = r.oid) AS owns_databases
FROM pg_catalog.pg_roles r
WHERE r.rolname LIKE 'orm\\_ai\\_shadow\\_%'`;
