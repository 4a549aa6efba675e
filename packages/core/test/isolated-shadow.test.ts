import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensurePostgresServer, shadowBackends } from '../../../test/support/postgres-server.js';
import { analyzeMigration } from '../src/safety/analyze-migration.js';
import { proveRoundTrip } from '../src/rollback/prove-round-trip.js';
import { openShadowDatabase } from '../src/dialect/postgres/shadow/open-shadow.js';
import { replayMigrations } from '../src/shadow/replay-migrations.js';
import { shadowServerFrom } from '../src/dialect/postgres/shadow/server-databases.js';
import { opensSessions, type ShadowDatabase } from '../src/shadow/shadow-database.js';
import { postgresDialect } from '../src/dialect/postgres/postgres-dialect.js';

const SETUP = `CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO items (name) VALUES ('kept');
CREATE SEQUENCE restarted START 5;
ALTER SEQUENCE restarted RESTART WITH 1000;`;

/** What the prepared shadow holds; every isolated run must leave exactly this. */
async function stateOf(shadow: ShadowDatabase): Promise<string> {
  const columns = await shadow.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'items' ORDER BY column_name`);
  const rows = await shadow.query<{ name: string }>('SELECT name FROM items ORDER BY id');
  const indexes = await shadow.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'items' ORDER BY indexname`);
  return JSON.stringify({ columns, rows, indexes });
}

/** Where the prepared shadow's sequences stand: `restarted` is not yet called, at a value other than its start. */
async function sequencesOf(shadow: ShadowDatabase): Promise<unknown[]> {
  return shadow.query(`SELECT 'items_id_seq' AS name, last_value::text, is_called FROM items_id_seq UNION ALL SELECT 'restarted', last_value::text, is_called FROM restarted`);
}

describe.each(shadowBackends())('isolated runs on one prepared shadow ($name)', ({ url }) => {
  let prepared: ShadowDatabase;
  let before: string;

  beforeAll(async () => {
    if (url) await ensurePostgresServer(url);
    prepared = await openShadowDatabase({ server: shadowServerFrom({ shadowUrl: url }) });
    await replayMigrations({ dialect: postgresDialect, shadow: prepared, scripts: [{ id: 'setup', path: 'setup.sql', sql: SETUP }], transaction: 'none' });
    before = await stateOf(prepared);
  });
  afterAll(async () => {
    await prepared?.close();
  });

  it('undoes what a run did, in a rolled-back transaction rather than a copy', async () => {
    const fork = vi.spyOn(prepared, 'fork');
    const sql = 'ALTER TABLE items ADD COLUMN note text;';
    const seen = await prepared.isolated({ sql: [sql] }, async (shadow) => {
      await replayMigrations({ dialect: postgresDialect, shadow, scripts: [{ id: 'm', path: 'm.sql', sql }], transaction: 'all' });
      return stateOf(shadow);
    });
    expect(seen).toContain('note');
    expect(await stateOf(prepared)).toBe(before);
    expect(fork).not.toHaveBeenCalled();
    fork.mockRestore();
  });

  it('keeps the view usable after a failed statement outside a transaction, as autocommit does', async () => {
    const sql = 'ALTER TABLE items ADD COLUMN missing_type nosuchtype;\nALTER TABLE items ADD COLUMN note text;';
    const seen = await prepared.isolated({ sql: [sql] }, async (shadow) => {
      await expect(shadow.exec('ALTER TABLE items ADD COLUMN missing_type nosuchtype')).rejects.toThrow(/nosuchtype/);
      await shadow.exec('ALTER TABLE items ADD COLUMN note text');
      return stateOf(shadow);
    });
    expect(seen).toContain('note');
    expect(seen).not.toContain('missing_type');
    expect(await stateOf(prepared)).toBe(before);
  });

  it('moves to a copy for a statement PostgreSQL refuses inside a transaction, and measures it there', async () => {
    const fork = vi.spyOn(prepared, 'fork');
    const sql = 'CREATE INDEX CONCURRENTLY items_name_idx ON items (name);';
    const seen = await prepared.isolated({ sql: [sql] }, async (shadow) => {
      await replayMigrations({ dialect: postgresDialect, shadow, scripts: [{ id: 'm', path: 'm.sql', sql }], transaction: 'none' });
      return stateOf(shadow);
    });
    expect(seen).toContain('items_name_idx');
    expect(fork).toHaveBeenCalledTimes(1);
    expect(await stateOf(prepared)).toBe(before);
    fork.mockRestore();
  });

  it('probes the lock of a statement outside a transaction on the copy: the view offers no second session, the copy what the prepared shadow offers', async () => {
    const sql = 'CREATE INDEX CONCURRENTLY items_name_idx ON items (name);';
    const offered: boolean[] = [];
    await prepared.isolated({ sql: [sql] }, async (shadow) => {
      offered.push(opensSessions(shadow));
      await shadow.exec(sql);
    });
    expect(offered).toEqual([false, url !== undefined]);
    const analysis = await analyzeMigration({ dialect: postgresDialect, prepared, path: 'm.sql', sql, transaction: 'none' });
    expect(analysis.statements[0]?.locks).toEqual([expect.objectContaining({ relation: 'items', mode: 'SHARE UPDATE EXCLUSIVE', measured: url !== undefined })]);
    expect(await stateOf(prepared)).toBe(before);
  });

  it('sets back the sequences a run moved, which its rollback does not: seeded rows take the same keys every run, on the view and on a copy', async () => {
    const sequences = await sequencesOf(prepared);
    const seed = (shadow: ShadowDatabase) => shadow.query<{ id: number }>(`INSERT INTO items (name) SELECT 'seeded' FROM generate_series(1, 3) RETURNING id`);
    const first = await prepared.isolated({}, async (shadow) => {
      const rows = await seed(shadow);
      await shadow.query(`SELECT setval('restarted', 50), nextval('restarted')`);
      return rows;
    });
    const second = await prepared.isolated({}, seed);
    expect(second).toEqual(first);
    expect(await sequencesOf(prepared)).toEqual(sequences);
    // The view's attempt moves the sequence, then a statement sends the run to a copy: made after the sequences are set back.
    const sql = 'CREATE INDEX CONCURRENTLY items_name_idx ON items (name);';
    const attempts: unknown[] = [];
    await prepared.isolated({ sql: [sql] }, async (shadow) => {
      attempts.push(await seed(shadow));
      await shadow.exec(sql);
    });
    expect(attempts).toEqual([first, first]);
    expect(await sequencesOf(prepared)).toEqual(sequences);
  });

  it('gives the same restart-sequence finding on a second analysis of the same migration: the seeded rows take the same keys', async () => {
    const sql = 'ALTER SEQUENCE items_id_seq RESTART WITH 2;';
    const message = async () => (await analyzeMigration({ dialect: postgresDialect, prepared, path: 'm.sql', sql, transaction: 'none' })).statements[0]?.findings.find((finding) => finding.rule === 'restart-sequence')?.message;
    const first = await message();
    expect(first).toMatch(/largest value items\.id already holds on the shadow \(\d+\)/);
    expect(await message()).toBe(first);
  });

  it("sends SQL with its own BEGIN or COMMIT to a copy: its COMMIT would end the shared transaction", async () => {
    const fork = vi.spyOn(prepared, 'fork');
    const sql = 'BEGIN;\nALTER TABLE items ADD COLUMN note text;\nCOMMIT;';
    await prepared.isolated({ sql: [sql] }, (shadow) => replayMigrations({ dialect: postgresDialect, shadow, scripts: [{ id: 'm', path: 'm.sql', sql }], transaction: 'none' }));
    expect(fork).toHaveBeenCalledTimes(1);
    expect(await stateOf(prepared)).toBe(before);
    fork.mockRestore();
  });

  it('passes on the error of a run that fails, and still undoes it', async () => {
    const sql = 'ALTER TABLE items ADD COLUMN note text;';
    await expect(
      prepared.isolated({ sql: [sql] }, async (shadow) => {
        await shadow.exec(sql);
        throw new Error('planted');
      }),
    ).rejects.toThrow('planted');
    expect(await stateOf(prepared)).toBe(before);
  });

  it('measures the lock of a statement whose lock an earlier one already holds, on a copy', async () => {
    const sql = 'ALTER TABLE items ADD COLUMN a integer;\nALTER TABLE items ADD COLUMN b integer;\nUPDATE items SET a = 1;';
    const analysis = await analyzeMigration({ dialect: postgresDialect, prepared, path: 'm.sql', sql, transaction: 'none' });
    expect(analysis.statements.map((statement) => statement.locks.find((lock) => lock.relation === 'items')?.mode)).toEqual(['ACCESS EXCLUSIVE', 'ACCESS EXCLUSIVE', 'ROW EXCLUSIVE']);
    expect(await stateOf(prepared)).toBe(before);
  });

  it('measures distinct locks on the shared transaction without a copy', async () => {
    const fork = vi.spyOn(prepared, 'fork');
    const sql = 'ALTER TABLE items ADD COLUMN a integer;\nCREATE INDEX items_a_idx ON items (a);';
    const analysis = await analyzeMigration({ dialect: postgresDialect, prepared, path: 'm.sql', sql, transaction: 'none' });
    expect(analysis.statements.map((statement) => statement.locks.find((lock) => lock.relation === 'items')?.mode)).toEqual(['ACCESS EXCLUSIVE', 'SHARE']);
    expect(fork).not.toHaveBeenCalled();
    fork.mockRestore();
  });

  it('proves a round trip without a copy and leaves the prepared state as it was', async () => {
    const fork = vi.spyOn(prepared, 'fork');
    const proof = await proveRoundTrip({
      dialect: postgresDialect,
      prepared,
      migrationId: '0002_note',
      up: ['ALTER TABLE items ADD COLUMN note text;'],
      down: ['ALTER TABLE items DROP COLUMN note;'],
      transaction: 'all',
    });
    expect(proof.reversible).toBe(true);
    expect(fork).not.toHaveBeenCalled();
    expect(await stateOf(prepared)).toBe(before);
    fork.mockRestore();
  });
});
