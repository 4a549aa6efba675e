import { describe, expect, it } from 'vitest';
import type { SqlDriverAdapter, SqlQuery } from '@prisma/driver-adapter-utils';
import { ScriptFailureLog } from '../src/schema-engine/script-runner.js';
import { ScriptRunningAdapter } from '../src/schema-engine/script-running-adapter.js';

/** An inner adapter that records what reaches it, as PGlite's would (one prepared statement each). */
function recordingAdapter(): { adapter: SqlDriverAdapter; queries: string[]; scripts: string[] } {
  const queries: string[] = [];
  const scripts: string[] = [];
  const inner = {
    provider: 'postgres',
    adapterName: 'recording',
    queryRaw: async (query: SqlQuery) => (queries.push(query.sql), { columnNames: ['n'], columnTypes: [], rows: [[1]] }),
    executeRaw: async (query: SqlQuery) => (queries.push(query.sql), 1),
  } as unknown as SqlDriverAdapter;
  const adapter = new ScriptRunningAdapter(inner, {
    target: { description: 'a test database', exec: async (script) => void scripts.push(script) },
    failures: new ScriptFailureLog(),
  });
  return { adapter, queries, scripts };
}

describe('raw queries holding several statements (how Prisma 6 engines replay a migration on the shadow)', () => {
  const migration = 'CREATE TABLE "a" ("id" integer);\nCREATE INDEX "a_id_idx" ON "a" ("id");\n';

  it('runs a parameterless multi-statement executeRaw or queryRaw as one script', async () => {
    const { adapter, queries, scripts } = recordingAdapter();
    expect(await adapter.executeRaw({ sql: migration, args: [], argTypes: [] })).toBe(0);
    expect(await adapter.queryRaw({ sql: migration, args: [], argTypes: [] })).toMatchObject({ rows: [] });
    expect(scripts).toEqual([migration, migration]);
    expect(queries).toEqual([]);
  });

  it('sends single statements and parameterised queries to the inner adapter unchanged', async () => {
    const { adapter, queries, scripts } = recordingAdapter();
    await adapter.executeRaw({ sql: 'DROP TABLE "a";', args: [], argTypes: [] });
    await adapter.queryRaw({ sql: 'SELECT $1; SELECT 2', args: [1], argTypes: [] } as unknown as SqlQuery);
    await adapter.queryRaw({ sql: "SELECT ';' AS semicolon", args: [], argTypes: [] });
    expect(queries).toEqual(['DROP TABLE "a";', 'SELECT $1; SELECT 2', "SELECT ';' AS semicolon"]);
    expect(scripts).toEqual([]);
  });
});
