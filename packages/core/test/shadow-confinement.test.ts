import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgresServer, queryServer, serverTestUrl, shadowBackends } from '../../../test/support/postgres-server.js';
import { openShadowDatabase } from '../src/dialect/postgres/shadow/open-shadow.js';
import { shadowServerFrom, ThrowawayDatabases } from '../src/dialect/postgres/shadow/server-databases.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';
import { RUN_ID, parseShadowLabel } from '../src/shadow/throwaway-names.js';

/**
 * The wall on its own: SQL that validation would refuse is run on the shadow directly, as if
 * validation had been bypassed, and the database's privilege system stops it.
 */

const backfillReadingSecrets =
  "UPDATE notes SET body = (SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres') || " +
  "(SELECT string_agg(word, ' ') FROM ts_stat($q$SELECT to_tsvector('simple', pg_read_file('/etc/passwd'))$q$))";

/**
 * What the shadow's SQL must not do, aimed at a database and a role the test makes for the
 * purpose: should the wall ever fall, the test fails without harming the server's own objects.
 */
function refusedStatements(target: { database: string; role: string }): Array<[string, string]> {
  return [
    ['reads the role passwords', 'SELECT rolpassword FROM pg_authid'],
    ['reads a server file through SQL run from a string', "SELECT * FROM ts_stat($q$SELECT to_tsvector('simple', pg_read_file('/etc/passwd'))$q$)"],
    ['reads the data directory setting', "SELECT current_setting('data_directory')"],
    ['renames another database', `ALTER DATABASE ${target.database} RENAME TO ${target.database}_renamed`],
    ['comments on another database', `COMMENT ON DATABASE ${target.database} IS 'owned'`],
    ['renames a role', `ALTER ROLE ${target.role} RENAME TO ${target.role}_renamed`],
    ['comments on a role', `COMMENT ON ROLE ${target.role} IS 'owned'`],
    ['creates a role', `CREATE ROLE ${target.role}_intruder LOGIN SUPERUSER`],
    ['copies the role passwords into a table', 'CREATE TABLE stolen AS SELECT * FROM pg_authid'],
    ['makes itself superuser', 'ALTER ROLE CURRENT_USER SUPERUSER'],
  ];
}

const targetName = `orm_ai_e2e_target_${randomBytes(4).toString('hex')}`;

describe.each(shadowBackends())('the confined shadow on $name', ({ url }) => {
  let shadow: ShadowDatabase;
  // Made beside the shadow (in PGlite, inside it): the targets of what must be refused.
  const targets = async (sql: string) => {
    if (url) return queryServer(url, sql);
    await shadow.exec('RESET ROLE');
    return shadow.exec(sql);
  };
  beforeAll(async () => {
    if (url) await ensurePostgresServer(url);
    shadow = await openShadowDatabase({ server: shadowServerFrom({ shadowUrl: url }) });
    const [{ role }] = (await shadow.query<{ role: string }>('SELECT current_user AS role')) as [{ role: string }];
    await targets(`CREATE ROLE ${targetName}`);
    await targets(`CREATE DATABASE ${targetName}`);
    if (!url) await shadow.exec(`SET ROLE ${role}`);
    await shadow.exec("CREATE TABLE notes (id serial PRIMARY KEY, body text); INSERT INTO notes (body) VALUES ('kept')");
  });
  afterAll(async () => {
    await shadow?.close();
    if (url) {
      for (const sql of [`DROP DATABASE IF EXISTS ${targetName}`, `DROP DATABASE IF EXISTS ${targetName}_renamed`, `DROP ROLE IF EXISTS ${targetName}`, `DROP ROLE IF EXISTS ${targetName}_renamed`, `DROP ROLE IF EXISTS ${targetName}_intruder`]) {
        await queryServer(url, sql);
      }
    }
  });

  it('still runs what migrations need: tables, schemas, trusted extensions, its own database', async () => {
    await shadow.exec('CREATE SCHEMA drizzle; CREATE TABLE drizzle.migrations (id serial PRIMARY KEY)');
    await shadow.exec('CREATE INDEX notes_body_idx ON notes (body); ALTER TABLE notes ADD COLUMN tags text[]');
    const [{ database }] = (await shadow.query<{ database: string }>('SELECT current_database() AS database')) as [{ database: string }];
    await shadow.exec(`COMMENT ON DATABASE "${database}" IS 'the shadow may describe itself'`);
  });

  it.each(refusedStatements({ database: targetName, role: targetName }))('refuses SQL that %s: permission denied', async (_what, sql) => {
    await expect(shadow.exec(sql)).rejects.toThrow(/permission denied|must be (owner|superuser)|must have|insufficient privilege/);
  });

  it('refuses the backfill that read server secrets, and the rows stay as they were', async () => {
    await expect(shadow.exec(backfillReadingSecrets)).rejects.toThrow(/permission denied/);
    expect(await shadow.query('SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
  });

  it('runs as a role with no rights beyond its database, in forks too', async () => {
    const fork = await shadow.fork();
    try {
      for (const database of [shadow, fork]) {
        const [role] = await database.query<Record<string, unknown>>(
          `SELECT current_user AS name, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls,
             ARRAY(SELECT m.roleid::regrole::text FROM pg_auth_members m WHERE m.member = r.oid) AS member_of
           FROM pg_roles r WHERE r.rolname = current_user`,
        );
        expect(role).toMatchObject({ name: expect.stringMatching(/^orm_ai_shadow_[0-9a-f]{12}$/), rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false, member_of: [] });
        await expect(database.exec('SELECT rolpassword FROM pg_authid')).rejects.toThrow(/permission denied/);
      }
    } finally {
      await fork.close();
    }
  });
});

describe.runIf(serverTestUrl())('the confined shadow on a server', () => {
  const url = serverTestUrl()!;
  const admin = async (sql: string, params: unknown[] = []) => ({ rows: await queryServer(url, sql, params) });
  const secret = `planted-secret-${randomBytes(6).toString('hex')}`;
  const plantedRole = `orm_ai_e2e_secret_${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    await ensurePostgresServer(url);
    await admin(`CREATE ROLE ${plantedRole} LOGIN PASSWORD '${secret}'`);
  });
  afterAll(async () => {
    await admin(`DROP ROLE IF EXISTS ${plantedRole}`);
  });

  it('logs in as its role, so RESET ROLE and SET ROLE give nothing back', async () => {
    const shadow = await openShadowDatabase({ server: { url } });
    try {
      const [who] = await shadow.query<{ current_user: string; session_user: string }>('SELECT current_user, session_user');
      expect(who!.session_user).toBe(who!.current_user);
      await shadow.exec('RESET ROLE');
      await expect(shadow.exec(`SELECT rolpassword FROM pg_authid WHERE rolname = '${plantedRole}'`)).rejects.toThrow(/permission denied/);
      await expect(shadow.exec('SET ROLE postgres')).rejects.toThrow(/permission denied/);
      await expect(shadow.exec('SET SESSION AUTHORIZATION postgres')).rejects.toThrow(/permission denied/);
    } finally {
      await shadow.close();
    }
  });

  it('labels its database and role with the run, and drops both at close', async () => {
    const family = await ThrowawayDatabases.open({ url });
    const database = await family.create();
    const labels = await admin(
      `SELECT shobj_description((SELECT oid FROM pg_database WHERE datname = $1), 'pg_database') AS database,
              shobj_description((SELECT oid FROM pg_roles WHERE rolname = $2), 'pg_authid') AS role,
              (SELECT rolcanlogin FROM pg_roles WHERE rolname = $2) AS login,
              (SELECT rolvaliduntil IS NOT NULL FROM pg_roles WHERE rolname = $2) AS expires,
              (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1) AS owner`,
      [database.name, family.role],
    );
    const row = labels.rows[0] as { database: string; role: string; login: boolean; expires: boolean; owner: string };
    expect(parseShadowLabel(row.database)).toMatchObject({ tool: 'orm-ai', run: RUN_ID, pid: process.pid });
    expect(parseShadowLabel(row.role)).toMatchObject({ tool: 'orm-ai', run: RUN_ID, pid: process.pid });
    expect(row).toMatchObject({ login: true, expires: true, owner: family.role });
    await family.close();
    const left = await admin('SELECT (SELECT count(*) FROM pg_database WHERE datname = $1)::int AS databases, (SELECT count(*) FROM pg_roles WHERE rolname = $2)::int AS roles', [database.name, family.role]);
    expect(left.rows[0]).toEqual({ databases: 0, roles: 0 });
  });

  describe('with a --shadow-url user that is not a superuser', () => {
    const name = `orm_ai_e2e_admin_${randomBytes(4).toString('hex')}`;
    const withRole = (user: string) => {
      const target = new URL(url);
      target.username = user;
      target.password = '';
      return target.toString();
    };
    afterAll(async () => {
      await admin(`DROP ROLE IF EXISTS ${name}`);
      await admin(`DROP ROLE IF EXISTS ${name}_plain`);
    });

    it('works with CREATEDB and CREATEROLE, forks included, and leaves nothing behind', async () => {
      await admin(`CREATE ROLE ${name} LOGIN CREATEDB CREATEROLE`);
      const shadow = await openShadowDatabase({ server: { url: withRole(name) } });
      let made: string[];
      try {
        await shadow.exec('CREATE TABLE t (id int)');
        const fork = await shadow.fork();
        expect(await fork.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 0 }]);
        made = (await admin(`SELECT datname FROM pg_database WHERE datdba IN (SELECT roleid FROM pg_auth_members WHERE member = (SELECT oid FROM pg_roles WHERE rolname = $1))`, [name])).rows.map((row) => row.datname as string);
        expect(made).toHaveLength(2);
        await fork.close();
      } finally {
        await shadow.close();
      }
      const granted = await admin('SELECT count(*)::int AS n FROM pg_auth_members WHERE member = (SELECT oid FROM pg_roles WHERE rolname = $1)', [name]);
      expect(granted.rows).toEqual([{ n: 0 }]);
      expect((await admin('SELECT count(*)::int AS n FROM pg_database WHERE datname = ANY($1)', [made])).rows).toEqual([{ n: 0 }]);
    });

    it('without CREATEROLE refuses with SHADOW_NOT_CONFINED, and --unconfined-shadow runs as that user', async () => {
      const plain = `${name}_plain`;
      await admin(`CREATE ROLE ${plain} LOGIN CREATEDB`);
      await expect(openShadowDatabase({ server: { url: withRole(plain) } })).rejects.toMatchObject({
        code: 'SHADOW_NOT_CONFINED',
        hint: expect.stringMatching(/CREATEROLE[\s\S]*--unconfined-shadow/),
      });
      const shadow = await openShadowDatabase({ server: { url: withRole(plain), unconfined: true } });
      try {
        expect(await shadow.query('SELECT current_user AS name')).toEqual([{ name: plain }]);
      } finally {
        await shadow.close();
      }
    });
  });
});

