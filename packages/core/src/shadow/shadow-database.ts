import { OrmAiError } from '../errors.js';
import type { MigrationScript, OrmCapabilities } from '../orm-plugin.js';

/**
 * A shadow database: a throwaway PostgreSQL the tool may change freely, never the user's.
 * Embedded PGlite by default; a fresh database on a real server when the user gives a URL.
 */
export interface ShadowDatabase {
  /** For reports: `embedded PGlite` or `postgres://host:5432/orm_ai_shadow_1a2b`. */
  readonly description: string;
  /** Runs one statement (or a script without parameters). */
  exec(sql: string): Promise<void>;
  /** Runs one query and returns its rows. */
  query<Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** A second shadow holding a copy of this one's current state; this one stays usable. */
  fork(options?: ForkOptions): Promise<ShadowDatabase>;
  /**
   * Runs `work` on a view of this shadow and undoes all it did when it settles: a
   * rolled-back transaction where that is what the migrator would see, else a fork (see
   * `runIsolated`). The proof, the safety analysis and the round trip each run this way.
   */
  isolated<T>(options: ForkOptions, work: (shadow: ShadowDatabase) => Promise<T>): Promise<T>;
  /** Releases the shadow (a server shadow's database is dropped). Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenShadowOptions {
  /** A PostgreSQL server (`--shadow-url`); absent means embedded PGlite. */
  readonly server?: ShadowServer | undefined;
  /**
   * The SQL that will run on it (existing migrations, setup files): embedded PGlite loads only
   * the extensions a start names, so it reads here which ones the SQL creates. A server ignores it.
   */
  readonly sql?: readonly string[] | undefined;
}

export interface ForkOptions {
  /** SQL the fork will run beyond this shadow's (the new migration): a PGlite fork loads the extensions it creates. */
  readonly sql?: readonly string[] | undefined;
}

/**
 * An optional capability: a second session on the same database, which a server shadow has
 * and embedded PGlite (a single session) does not. Check it with `opensSessions`.
 */
export interface SecondSessions {
  /** Opens another connection to this shadow's database; the caller closes it. */
  openSession(): Promise<ShadowSession>;
}

/** A second session: plain statements and queries, nothing else. */
export interface ShadowSession {
  exec(sql: string): Promise<void>;
  query<Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export function opensSessions(shadow: ShadowDatabase): shadow is ShadowDatabase & SecondSessions {
  return typeof (shadow as Partial<SecondSessions>).openSession === 'function';
}

/** The database server the user gave with `--shadow-url`: shadows are throwaway databases made on it. */
export interface ShadowServer {
  /** The server's URL (`postgres://`). Its own database serves only CREATE/DROP DATABASE and ROLE. */
  readonly url: string;
  /**
   * Run everything as the URL's own user instead of a throwaway role. The plan's SQL then has
   * that user's rights over the whole server: only for an operator who accepts the risk.
   */
  readonly unconfined?: boolean | undefined;
}

export interface PreparedShadowOptions {
  readonly server?: ShadowServer | undefined;
  /** The project's migrations, in order. */
  readonly scripts: readonly MigrationScript[];
  readonly transaction: OrmCapabilities['migrationTransaction'];
  /** Where embedded shadows are cached (`shadowCacheDir`); absent, every run replays from initdb. */
  readonly cacheDir?: string | undefined;
}

/** The URL with its password hidden, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** What `parseShadowUrl` accepts for one server dialect, and what it tells a user who gave something else. */
export interface ShadowUrlForm {
  /** The URL schemes of the dialect's servers, with their colon: `postgres:`, `postgresql:`. */
  readonly protocols: readonly string[];
  /** `postgres://`, as the refusal names it. */
  readonly scheme: string;
  /** The hint for text that is no URL at all. */
  readonly notAUrlHint: string;
  /** The hint for a URL of another scheme. */
  readonly otherSchemeHint: string;
}

/** Parses `--shadow-url` for a server of `form`; anything else is `SHADOW_URL_INVALID`, never echoing the password. */
export function parseShadowUrl(url: string, form: ShadowUrlForm): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new OrmAiError('SHADOW_URL_INVALID', `--shadow-url "${redact(url)}" is not a URL`, { hint: form.notAUrlHint, cause: error });
  }
  if (!form.protocols.includes(parsed.protocol)) {
    throw new OrmAiError('SHADOW_URL_INVALID', `--shadow-url "${redact(url)}" is not a ${form.scheme} URL`, { hint: form.otherSchemeHint });
  }
  return parsed;
}
