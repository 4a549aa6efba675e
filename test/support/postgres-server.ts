import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import pg from 'pg';

/**
 * The real PostgreSQL server tests run against, from `SHADOW_TEST_URL` (`.ci/run` sets it).
 * Null when unset: the suite then runs on embedded PGlite only.
 */
export function serverTestUrl(): string | null {
  return process.env.SHADOW_TEST_URL?.trim() || null;
}

/** Shadow backends to run a suite against: always PGlite, plus the server when configured. */
export function shadowBackends(): Array<{ name: string; url: string | undefined }> {
  const url = serverTestUrl();
  return [{ name: 'PGlite', url: undefined }, ...(url ? [{ name: 'PostgreSQL server', url }] : [])];
}

/** Connects to the server, starting the local cluster once if it is down (as on a fresh CI machine). */
export async function ensurePostgresServer(url: string): Promise<void> {
  if (await canConnect(url)) return;
  const version = readdirSync('/etc/postgresql')[0];
  execSync(`pg_ctlcluster --skip-systemctl-redirect ${version} main start`, { stdio: 'ignore' });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await canConnect(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`PostgreSQL at ${url} is down and did not start`);
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Names of the databases on the server, to prove a run left nothing behind. */
export async function listDatabases(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY datname');
    return result.rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

/**
 * A login role of one test's own. Test files run side by side and make shadow databases on
 * the same server, so the databases (and tables) a test's code made are told apart by their
 * owner: connect as `url`, then ask `ownedDatabases()`. `drop()` removes what it still owns.
 */
export interface OwnRole {
  name: string;
  url: string;
  ownedDatabases(): Promise<string[]>;
  ownedTables(): Promise<string[]>;
  drop(): Promise<void>;
}

export async function createOwnRole(serverUrl: string): Promise<OwnRole> {
  const name = `orm_ai_owner_${randomBytes(4).toString('hex')}`;
  const run = async (sql: string): Promise<string[]> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return (await client.query<{ name: string }>(sql)).rows.map((row) => row.name);
    } finally {
      await client.end();
    }
  };
  // SUPERUSER because the shadow server makes roles and extensions as the code under test would.
  await run(`CREATE ROLE ${name} LOGIN SUPERUSER`);
  // The shadow's databases belong to a confined role it grants to the user it logs in as.
  const ownedDatabasesSql = `SELECT datname AS name FROM pg_database WHERE datdba = '${name}'::regrole
    OR datdba IN (SELECT roleid FROM pg_auth_members WHERE member = '${name}'::regrole) ORDER BY 1`;
  const url = new URL(serverUrl);
  url.username = name;
  url.password = '';
  return {
    name,
    url: url.toString(),
    ownedDatabases: () => run(ownedDatabasesSql),
    ownedTables: () => run(`SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE tableowner = '${name}' ORDER BY 1`),
    drop: async () => {
      for (const database of await run(ownedDatabasesSql)) {
        await run(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      }
      await run(`DROP OWNED BY ${name}`);
      await run(`DROP ROLE IF EXISTS ${name}`);
    },
  };
}

/**
 * The databases this project's tools never create: the ones that must never change. The
 * victims shadow-confinement.test.ts plants (and drops) are left out too, since test files
 * run side by side and those come and go while another file compares.
 */
export async function listUserDatabases(url: string): Promise<string[]> {
  return (await listDatabases(url)).filter((name) => !name.startsWith('orm_ai_') && !/^victim_db_[0-9a-f]+$/.test(name));
}

/** The shadow database named in a report's `shadow` URL. */
export function shadowDatabaseName(description: string): string {
  const name = new URL(description).pathname.slice(1);
  if (!name.startsWith('orm_ai_shadow_')) throw new Error(`not a shadow database: ${description}`);
  return name;
}

/** A fresh database on the test server standing for the user's own; `drop()` removes it. */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates `orm_ai_e2e_<hex>` on the server at `url` (starting the server if it is down). */
export async function createTestDatabase(url: string): Promise<TestDatabase> {
  await ensurePostgresServer(url);
  const name = `orm_ai_e2e_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { url: target.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Runs one query on the server at `url` over a connection of its own, and returns the rows. */
export async function queryServer<Row extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string, params: readonly unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql, [...params])).rows;
  } finally {
    await client.end();
  }
}
