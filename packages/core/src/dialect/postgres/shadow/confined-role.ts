import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { PGliteInterface } from '@electric-sql/pglite';
import { quoteIdentifier } from '../../../table-ref.js';
import { labelLiteral, newShadowName } from '../../../shadow/throwaway-names.js';

/**
 * The wall around everything that comes from the project or the plan: the existing
 * migrations, the ORM's SQL and the plan's steps run as a throwaway role that owns the
 * shadow database and nothing else. It is no superuser, creates no databases or roles,
 * replicates nothing, bypasses no row security and is granted no role, so `pg_read_file`,
 * `pg_authid`, `current_setting('data_directory')` and `ALTER DATABASE` / `ALTER ROLE` on
 * anything else fail with "permission denied" however they are spelled. INHERIT only so it
 * gets `pg_database_owner`'s rights over its own database's `public` schema.
 */
export const CONFINED_ROLE_ATTRIBUTES = 'NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT';

/** The statement that makes the session act as the role. */
export function setRoleSql(role: string): string {
  return `SET ROLE ${quoteIdentifier(role)}`;
}

/**
 * Confines an embedded PGlite, which has one session and one superuser: a NOLOGIN role is
 * made owner of its database and the session `SET ROLE`s to it. Returns the role's name:
 * `clone()` starts a new session and `DISCARD ALL` resets the role, so whoever does either
 * must run `setRoleSql(role)` again. (A server shadow logs in as its role instead, which its
 * SQL cannot leave with `RESET ROLE`; in PGlite the plan's SQL is refused `SET`/`RESET ROLE`
 * by validation, and there is no server behind it to reach.)
 */
export async function confinePglite(database: PGliteInterface): Promise<string> {
  const role = newShadowName();
  const [{ name }] = (await database.query<{ name: string }>('SELECT current_database() AS name')).rows as [{ name: string }];
  await database.exec(
    [
      `CREATE ROLE ${role} NOLOGIN ${CONFINED_ROLE_ATTRIBUTES}`,
      `COMMENT ON ROLE ${role} IS ${labelLiteral()}`,
      `ALTER DATABASE ${quoteIdentifier(name)} OWNER TO ${role}`,
      setRoleSql(role),
    ].join(';\n'),
  );
  return role;
}

/**
 * A password for a role, as PostgreSQL stores it (`SCRAM-SHA-256$4096:salt$stored:server`,
 * RFC 5803), made here so that the clear password never appears in a statement the server
 * could log. Servers authenticating with `scram-sha-256`, `md5` or `password` all accept it.
 */
export function scramVerifier(password: string): string {
  const salt = randomBytes(16);
  const iterations = 4096;
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
