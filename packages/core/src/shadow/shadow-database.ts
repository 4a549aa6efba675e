import type { ShadowServer } from './server-databases.js';

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
  fork(): Promise<ShadowDatabase>;
  /** Releases the shadow (a server shadow's database is dropped). Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenShadowOptions {
  /** A PostgreSQL server (`--shadow-url`); absent means embedded PGlite. */
  readonly server?: ShadowServer | undefined;
}
