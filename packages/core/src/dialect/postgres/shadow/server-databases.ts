import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describeError, OrmAiError } from '../../../errors.js';
import { isInterrupted, onInterrupt } from '../../../interrupts.js';
import { parseShadowUrl, redact, type ShadowServer } from '../../../shadow/shadow-database.js';
import { CONFINED_ROLE_ATTRIBUTES, scramVerifier } from './confined-role.js';
import { dropStaleShadows } from './stale-shadows.js';
import { labelLiteral, newShadowName, shadowName } from '../../../shadow/throwaway-names.js';

export { SHADOW_DATABASE_PREFIX } from '../../../shadow/throwaway-names.js';

/** The user's `--shadow-url` server, and whether they gave up the confinement (`--unconfined-shadow`). */
/** One throwaway database, and how to reach it. */
export interface ThrowawayDatabase {
  readonly name: string;
  /** Connects as the family's throwaway role (its password inside: show it only through `redact`). */
  readonly url: string;
}

/** How long the throwaway role's password is valid: far longer than a run, short of forever. */
const ROLE_PASSWORD_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * The one home of throwaway databases on a real server, for every shadow the tool and the
 * ORMs' engines need: a family of databases (a shadow and its forks, or Prisma's dev and
 * shadow databases) owned by one throwaway role (see `confined-role.ts`) that every
 * connection logs in as. The role's name and each database's are `orm_ai_shadow_<hex>`, and
 * each carries a COMMENT with the run and its time, so later runs can drop what a killed run
 * left (`dropStaleShadows`, run before each family is made). Everything is dropped at
 * `close()`, or by the interrupt cleanups on Ctrl-C. The URL's own database runs nothing
 * but CREATE/DROP/COMMENT of these databases and the role.
 *
 * @example
 * const family = await ThrowawayDatabases.open({ url: 'postgres://admin@db:5432/postgres' });
 * const shadow = await family.create();
 * const fork = await family.create({ template: shadow });
 * await family.close();
 */
export class ThrowawayDatabases {
  readonly server: URL;
  /** The throwaway role; null when unconfined (the URL's user owns the databases). */
  readonly role: string | null;
  readonly #password: string;
  readonly #databases = new Set<string>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #stopCleanupOnInterrupt: () => void;
  #loginChecked = false;
  #closed: Promise<void> | undefined;

  private constructor(server: URL, role: string | null) {
    this.server = server;
    this.role = role;
    this.#password = randomBytes(24).toString('hex');
    this.#stopCleanupOnInterrupt = onInterrupt(() => this.close());
  }

  /** Drops stale leftovers, then creates the family's role (unless unconfined). */
  static async open(options: ShadowServer): Promise<ThrowawayDatabases> {
    const server = parseServerUrl(options.url);
    refuseWhenInterrupted();
    await withAdminClient(server, (admin) => dropStaleShadows(admin));
    // The interrupt may have come while the leftovers went: make nothing new then.
    refuseWhenInterrupted();
    const family = new ThrowawayDatabases(server, options.unconfined ? null : newShadowName());
    if (family.role === null) return family;
    try {
      await family.#track(withAdminClient(server, (admin) => createRole({ admin, role: family.role!, password: family.#password, user: urlUser(server) })));
    } catch (error) {
      await family.close().catch(() => undefined);
      throw error;
    }
    return family;
  }

  /** `open`, then `count` empty databases; on failure nothing is left on the server. */
  static async openWith(server: ShadowServer, count: number): Promise<{ family: ThrowawayDatabases; databases: ThrowawayDatabase[] }> {
    const family = await ThrowawayDatabases.open(server);
    try {
      const databases: ThrowawayDatabase[] = [];
      for (let index = 0; index < count; index += 1) databases.push(await family.create());
      return { family, databases };
    } catch (error) {
      await family.close().catch(() => undefined);
      throw error;
    }
  }

  /** A new empty database, or a copy of `template` (which must have no open connection). */
  async create(options: { template?: ThrowawayDatabase } = {}): Promise<ThrowawayDatabase> {
    this.#refuseWhenClosing();
    // Named and recorded before CREATE: an interrupt arriving mid-statement still finds it to drop.
    const name = newShadowName();
    this.#databases.add(name);
    const owner = this.role === null ? '' : ` OWNER ${this.role}`;
    const template = options.template ? ` TEMPLATE ${shadowName(options.template.name)}` : '';
    try {
      await this.#track(
        withAdminClient(this.server, async (admin) => {
          await admin.query(`CREATE DATABASE ${name}${template}${owner}`);
          await admin.query(`COMMENT ON DATABASE ${name} IS ${labelLiteral()}`);
        }),
      );
      const database = { name, url: this.#urlFor(name) };
      if (!this.#loginChecked) await this.#checkLogin(database);
      return database;
    } catch (error) {
      await this.drop({ name }).catch(() => undefined);
      if (error instanceof OrmAiError) throw error;
      throw new OrmAiError('SHADOW_UNAVAILABLE', `cannot create a shadow database on ${redact(this.server.toString())}: ${describeError(error)}`, {
        hint: 'The user in the URL needs CREATEDB and CREATEROLE; leave out --shadow-url to use the embedded PGlite shadow.',
        cause: error,
      });
    }
  }

  /** Drops one database of the family, closing its remaining connections. */
  async drop(database: Pick<ThrowawayDatabase, 'name'>): Promise<void> {
    if (!this.#databases.has(database.name)) return;
    await withAdminClient(this.server, (admin) => admin.query(`DROP DATABASE IF EXISTS ${shadowName(database.name)} WITH (FORCE)`));
    this.#databases.delete(database.name);
  }

  /** Drops every database of the family, then its role. Safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      // A CREATE still on its way would otherwise make its database after the DROPs.
      await Promise.all([...this.#pending].map((pending) => pending.catch(() => undefined)));
      await withAdminClient(this.server, async (admin) => {
        for (const name of this.#databases) await admin.query(`DROP DATABASE IF EXISTS ${shadowName(name)} WITH (FORCE)`);
        this.#databases.clear();
        if (this.role !== null) await admin.query(`DROP ROLE IF EXISTS ${shadowName(this.role)}`);
      });
      // Only now: an interrupt during these DROPs must wait for them (its close() is this promise), not exit under them.
      this.#stopCleanupOnInterrupt();
    })();
    return this.#closed;
  }

  #urlFor(name: string): string {
    const url = new URL(databaseUrl(this.server, name));
    if (this.role !== null) {
      url.username = this.role;
      url.password = this.#password;
    }
    return url.toString();
  }

  /** The server's authentication rules (pg_hba.conf) may refuse a login as the new role: say so plainly. */
  async #checkLogin(database: ThrowawayDatabase): Promise<void> {
    const client = new pg.Client({ connectionString: database.url });
    // An interrupt's DROP ... WITH (FORCE) may end this session: an 'error' without a listener would crash the cleanup.
    client.on('error', () => undefined);
    try {
      await client.connect();
      this.#loginChecked = true;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (this.role === null || (code !== '28000' && code !== '28P01')) throw error;
      throw new OrmAiError('SHADOW_NOT_CONFINED', `${redact(this.server.toString())} refused a login as the throwaway role ${this.role}: ${describeError(error)}`, {
        hint: `The shadow runs the plan's SQL as a throwaway role that logs in with a password. Let such roles log in over this host (a pg_hba.conf line such as "host all all <address> scram-sha-256"), or pass --unconfined-shadow to run it as ${urlUser(this.server)} with all its rights.`,
        cause: error,
      });
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  #refuseWhenClosing(): void {
    refuseWhenInterrupted();
    if (this.#closed) throw new OrmAiError('SHADOW_UNAVAILABLE', 'the shadow databases were already closed');
  }

  /** Work `close()` must wait for; none may start once it has begun, or it would outlive the DROPs. */
  #track<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work);
    return work.finally(() => this.#pending.delete(work));
  }
}

async function createRole({ admin, role, password, user }: { admin: pg.Client; role: string; password: string; user: string }): Promise<void> {
  const validUntil = new Date(Date.now() + ROLE_PASSWORD_LIFETIME_MS).toISOString();
  // One transaction: a role never exists without its label, so a later run can always tell it is stale.
  await admin.query('BEGIN');
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${scramVerifier(password)}' VALID UNTIL '${validUntil}' ${CONFINED_ROLE_ATTRIBUTES}`);
    // CREATE DATABASE ... OWNER needs the creator to be able to act as the owner (PostgreSQL 16+).
    await admin.query(`GRANT ${role} TO CURRENT_USER`);
    await admin.query(`COMMENT ON ROLE ${role} IS ${labelLiteral()}`);
    await admin.query('COMMIT');
  } catch (error) {
    await admin.query('ROLLBACK').catch(() => undefined);
    throw new OrmAiError('SHADOW_NOT_CONFINED', `cannot create the throwaway role that confines the shadow: ${describeError(error)}`, {
      hint: `Give ${user} CREATEDB and CREATEROLE (not superuser): ALTER ROLE ${user} CREATEDB CREATEROLE. Or pass --unconfined-shadow to run the plan's SQL as ${user} with all its rights.`,
      cause: error,
    });
  }
}

/** The user the URL logs in as, for hints (libpq's default, the OS user, when it names none). */
function urlUser(server: URL): string {
  return decodeURIComponent(server.username) || 'the URL user';
}

function refuseWhenInterrupted(): void {
  if (isInterrupted()) throw new OrmAiError('INTERRUPTED', 'the run was interrupted; no new shadow database is made', { hint: 'Run the command again.' });
}

/** Parses `--shadow-url`; anything but a postgres:// URL is `SHADOW_URL_INVALID`, never echoing the password. */
export function parseServerUrl(url: string): URL {
  return parseShadowUrl(url, {
    protocols: ['postgres:', 'postgresql:'],
    scheme: 'postgres://',
    notAUrlHint: 'Use postgres://user:password@host:5432/database (the database is only used to create and drop the shadow).',
    otherSchemeHint: 'Only PostgreSQL servers can hold a shadow database.',
  });
}


/** The server URL pointed at another database on the same server. */
export function databaseUrl(server: URL, database: string): string {
  const url = new URL(server.toString());
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdminClient<T>(server: URL, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.toString() });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new OrmAiError('SHADOW_UNAVAILABLE', `cannot connect to ${redact(server.toString())}: ${describeError(error)}`, {
      hint: 'Check that the server is running and the URL is right, or leave out --shadow-url to use the embedded PGlite shadow.',
      cause: error,
    });
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Connects once to the server and leaves: `SHADOW_UNAVAILABLE` (or `USAGE` for a URL that does
 * not parse) in milliseconds, before a run reads the project or starts anything slow.
 */
export async function requireServerReachable(options: ShadowServer): Promise<void> {
  await withAdminClient(parseServerUrl(options.url), (admin) => admin.query('SELECT 1'));
}

/** The server the user's flags name (`--shadow-url`, `--unconfined-shadow`), or undefined for embedded PGlite. */
export function shadowServerFrom(options: { shadowUrl?: string | undefined; unconfinedShadow?: boolean | undefined }): ShadowServer | undefined {
  return options.shadowUrl ? { url: options.shadowUrl, unconfined: options.unconfinedShadow ?? false } : undefined;
}
