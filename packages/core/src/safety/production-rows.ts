import pg from 'pg';
import { PostgresCatalogReader } from '../dialect/postgres/catalog-reader.js';
import { describeError, OrmAiError } from '../errors.js';
import { redact } from '../shadow/shadow-database.js';
import type { ProductionRows } from './analyze-migration.js';

/**
 * Row counts at production size, for duration estimates: from `--rows TABLE=N` flags, or
 * read from a production server's planner statistics through `--stats-url`. The flags win
 * where both name a table.
 */
export async function productionRowsFrom(options: { rows: readonly string[]; statsUrl: string | undefined }): Promise<ProductionRows | undefined> {
  const flags = parseRowsFlags(options.rows);
  if (!options.statsUrl) return flags.size > 0 ? flags : undefined;
  const statistics = await readTableStatistics(options.statsUrl);
  return new Map([...statistics, ...flags]);
}

/** `--rows users=1200000 --rows audit.events=5e7`: keys are `schema.table`, `public` by default. */
export function parseRowsFlags(values: readonly string[]): Map<string, number> {
  const rows = new Map<string, number>();
  for (const value of values) {
    const separator = value.lastIndexOf('=');
    const table = value.slice(0, separator).trim();
    const count = Number(value.slice(separator + 1));
    if (separator <= 0 || !table || !Number.isFinite(count) || count < 0) {
      throw new OrmAiError('USAGE', `--rows "${value}" is not TABLE=N`, { hint: 'Give a table and its row count, e.g. --rows users=1200000 or --rows audit.events=50000000.' });
    }
    rows.set(table.includes('.') ? table : `public.${table}`, Math.round(count));
  }
  return rows;
}

/**
 * Reads `pg_class.reltuples` for every user table over a read-only session, and nothing
 * else: this is the one connection the tool makes to a database that is not a shadow.
 */
export async function readTableStatistics(url: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: url, options: '-c default_transaction_read_only=on', statement_timeout: 10_000 });
  try {
    await client.connect();
    return await new PostgresCatalogReader({ query: async (sql, params = []) => (await client.query(sql, [...params])).rows }).tableStatistics();
  } catch (error) {
    throw new OrmAiError('STATS_UNAVAILABLE', `cannot read table statistics from ${redact(url)}: ${describeError(error)}`, {
      hint: 'Check --stats-url (a role with read access to pg_class is enough), or give sizes with --rows TABLE=N.',
      cause: error,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}
