import type pg from 'pg';
import { isShadowName, parseShadowLabel, shadowName } from './throwaway-names.js';

/** A throwaway database or role older than this, with no session on it, was left by a run that died. */
export const STALE_SHADOW_AGE_MS = 60 * 60 * 1000;

export interface StaleShadowsDropped {
  readonly databases: readonly string[];
  readonly roles: readonly string[];
}

interface Candidate {
  readonly name: string;
  readonly comment: string | null;
  readonly connected: boolean;
  readonly owns_databases?: boolean;
}

/**
 * Drops what killed runs left on a server: databases and roles named `orm_ai_shadow_<12 hex>`
 * whose COMMENT label (see `shadowLabel`) is older than an hour and that no session uses.
 * Anything else is never touched: another name, a comment that is not our label (an older
 * version's leftover, or someone else's object), a younger label, a connected session.
 * Databases go without `FORCE`, so one a session joins meanwhile makes the DROP fail and
 * stays; roles go only once they own no database. Failures are skipped: this is housekeeping.
 */
export async function dropStaleShadows(admin: pg.Client, now: number = Date.now()): Promise<StaleShadowsDropped> {
  const isStale = (candidate: Candidate) => {
    const label = isShadowName(candidate.name) ? parseShadowLabel(candidate.comment) : null;
    return label !== null && now - Date.parse(label.created) > STALE_SHADOW_AGE_MS && !candidate.connected;
  };
  const databases: string[] = [];
  for (const candidate of (await admin.query<Candidate>(DATABASES_SQL)).rows.filter(isStale)) {
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
  EXISTS (SELECT FROM pg_catalog.pg_stat_activity a WHERE a.datname = d.datname) AS connected
FROM pg_catalog.pg_database d
WHERE d.datname LIKE 'orm\\_ai\\_shadow\\_%'`;

const ROLES_SQL = `
SELECT r.rolname::text AS name, pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment,
  EXISTS (SELECT FROM pg_catalog.pg_stat_activity a WHERE a.usename = r.rolname) AS connected,
  EXISTS (SELECT FROM pg_catalog.pg_database d WHERE d.datdba = r.oid) AS owns_databases
FROM pg_catalog.pg_roles r
WHERE r.rolname LIKE 'orm\\_ai\\_shadow\\_%'`;
