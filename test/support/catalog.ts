import { takeCatalogSnapshot, type CatalogSnapshot, type ShadowDatabase } from '@orm-ai/core';

/** Anything that runs a query on one session: a pg.Client, PGlite, a migrator target. */
export interface QueryingClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] } | unknown[]>;
}

/**
 * Core's catalog snapshot of a database that stands for the user's (not a shadow): the
 * snapshot only reads, so the client is wrapped as a shadow that cannot fork.
 */
export function catalogOf(client: QueryingClient): Promise<CatalogSnapshot> {
  const reader: ShadowDatabase = {
    description: 'test database',
    exec: () => Promise.reject(new Error('the catalog snapshot only reads')),
    query: async <Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => {
      const result = await client.query(sql, params ? [...params] : undefined);
      return (Array.isArray(result) ? result : result.rows) as Row[];
    },
    fork: () => Promise.reject(new Error('the catalog snapshot does not fork')),
    isolated: () => Promise.reject(new Error('the catalog snapshot changes nothing')),
    close: () => Promise.resolve(),
  };
  return takeCatalogSnapshot(reader);
}
