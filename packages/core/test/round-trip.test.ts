import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgresServer, shadowBackends } from '../../../test/support/postgres-server.js';
import { dataLossFindings, proveRoundTrip } from '../src/rollback/prove-round-trip.js';
import { openShadowDatabase } from '../src/dialect/postgres/shadow/open-shadow.js';
import { shadowServerFrom } from '../src/dialect/postgres/shadow/server-databases.js';
import { replayMigrations } from '../src/shadow/replay-migrations.js';
import { postgresDialect } from '../src/dialect/postgres/postgres-dialect.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';

const SETUP = readFileSync(join(import.meta.dirname, '..', 'src', 'safety', 'rules', 'setup.sql'), 'utf8');

describe.each(shadowBackends())('the round trip up, down, up on $name', ({ url }) => {
  let prepared: ShadowDatabase;
  const prove = (up: string[], down: string[], transaction: 'all' | 'each' | 'none' = 'all') => proveRoundTrip({ dialect: postgresDialect, prepared, migrationId: '0002_test', up, down, transaction });

  beforeAll(async () => {
    if (url) await ensurePostgresServer(url);
    prepared = await openShadowDatabase({ server: shadowServerFrom({ shadowUrl: url }) });
    await replayMigrations({ dialect: postgresDialect, shadow: prepared, scripts: [{ id: 'setup', path: 'setup.sql', sql: SETUP }], transaction: 'none' });
  });
  afterAll(async () => {
    await prepared?.close();
  });

  it('proves a down that restores everything, on seeded rows', async () => {
    const proof = await prove(
      ['ALTER TABLE posts ADD COLUMN tags text[];', 'CREATE INDEX posts_tags_idx ON posts USING gin (tags);', 'UPDATE posts SET tags = ARRAY[title];'],
      ['DROP INDEX posts_tags_idx;', 'ALTER TABLE posts DROP COLUMN tags;'],
    );
    expect(proof).toMatchObject({ reversible: true, reason: null, schemaDifferences: [], dataLoss: [], notRestored: [], failure: null });
    expect(proof.seeded.map((entry) => entry.table)).toEqual(expect.arrayContaining(['users', 'posts']));
    expect(proof.seeded.find((entry) => entry.table === 'posts')!.rows).toBeGreaterThan(0);
    // The shadow the proof forked from is unchanged.
    expect(await prepared.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'tags'")).toEqual([]);
  });

  it('a rename keeps every value, and its down renames back', async () => {
    const proof = await prove(['ALTER TABLE users RENAME COLUMN name TO display_name;', 'ALTER TABLE posts RENAME TO articles;'], ['ALTER TABLE articles RENAME TO posts;', 'ALTER TABLE users RENAME COLUMN display_name TO name;']);
    expect(proof).toMatchObject({ reversible: true, dataLoss: [], notRestored: [] });
  });

  it('a rename done as DROP + ADD loses the values, and says which', async () => {
    const proof = await prove(['ALTER TABLE users DROP COLUMN name;', 'ALTER TABLE users ADD COLUMN display_name text;'], ['ALTER TABLE users DROP COLUMN display_name;', 'ALTER TABLE users ADD COLUMN name text;']);
    expect(proof.dataLoss).toContainEqual(expect.objectContaining({ target: 'users.name', kind: 'column-dropped' }));
    expect(proof.dataLoss[0]!.count).toBeGreaterThan(0);
    expect(proof.reversible).toBe(false);
    // The re-added column comes back empty, and last.
    expect(proof.notRestored).toContainEqual(expect.objectContaining({ target: 'users.name', kind: 'nulled' }));
    expect(proof.schemaDifferences.join('\n')).toContain('users');
    const [finding] = dataLossFindings(proof);
    expect(finding).toMatchObject({ rule: 'data-loss', severity: 'error' });
    expect(finding!.message).toContain('users.name');
  });

  it('catches a down that misses an index, line by line', async () => {
    const proof = await prove(['ALTER TABLE users ADD COLUMN bio text;', 'CREATE INDEX users_email_lower_idx ON users (lower(email));'], ['ALTER TABLE users DROP COLUMN bio;']);
    expect(proof.reversible).toBe(false);
    expect(proof.schemaDifferences).toEqual([expect.stringMatching(/^\+ index users_email_lower_idx on users: CREATE INDEX users_email_lower_idx ON public\.users USING btree \(lower\(\(email\)::text\)\)$/)]);
    expect(proof.reason).toContain('users_email_lower_idx');
    // Up cannot run again over the index down left behind.
    expect(proof.failure).toMatchObject({ step: 'up again' });
    expect(proof.failure!.message).toContain('already exists');
  });

  it('catches a down that drops data up had kept', async () => {
    const proof = await prove(['ALTER TABLE users ADD COLUMN bio text;'], ['ALTER TABLE users DROP COLUMN bio;', 'DELETE FROM audit;']);
    expect(proof.dataLoss).toEqual([]);
    expect(proof.schemaDifferences).toEqual([]);
    expect(proof.notRestored).toEqual([expect.objectContaining({ target: 'audit', kind: 'rows-lost' })]);
    expect(proof.reversible).toBe(false);
    expect(proof.reason).toMatch(/does not bring back audit: \d+ of \d+ row\(s\) gone/);
  });

  it('measures a narrowing type change: values changed after up, not brought back by down', async () => {
    const proof = await prove(['ALTER TABLE posts ALTER COLUMN price TYPE numeric(8,0);'], ['ALTER TABLE posts ALTER COLUMN price TYPE numeric(8,2);']);
    const change = proof.dataLoss.find((candidate) => candidate.target === 'posts.price');
    expect(change).toMatchObject({ kind: 'changed' });
    expect(change!.count).toBeGreaterThan(0);
    expect(change!.example!.before).toMatch(/^\d+\.\d\d$/);
    expect(change!.example!.after).toMatch(/^\d+$/);
    expect(proof.schemaDifferences).toEqual([]);
    expect(proof.notRestored).toContainEqual(expect.objectContaining({ target: 'posts.price', kind: 'changed' }));
    expect(proof.reversible).toBe(false);
  });

  it('measures truncated and nulled values in columns that survive', async () => {
    const proof = await prove(["UPDATE users SET email = left(email, 3), name = NULL;"], []);
    expect(proof.dataLoss).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ target: 'users.email', kind: 'truncated' }),
        expect.objectContaining({ target: 'users.name', kind: 'nulled' }),
      ]),
    );
  });

  it('does not call a widening change a loss', async () => {
    const proof = await prove(
      ['ALTER TABLE posts ALTER COLUMN title TYPE varchar(200), ALTER COLUMN author_id TYPE bigint, ALTER COLUMN price TYPE numeric(12,4), ALTER COLUMN published_at TYPE timestamptz;'],
      ['ALTER TABLE posts ALTER COLUMN title TYPE varchar(100), ALTER COLUMN author_id TYPE integer, ALTER COLUMN price TYPE numeric(8,2), ALTER COLUMN published_at TYPE timestamp(3);'],
    );
    expect(proof.dataLoss).toEqual([]);
    expect(proof).toMatchObject({ reversible: true, notRestored: [], schemaDifferences: [] });
  });

  it('reports a dropped column with its values, and a down that only re-creates it', async () => {
    const proof = await prove(['ALTER TABLE posts DROP COLUMN body;'], ['ALTER TABLE posts ADD COLUMN body text;']);
    expect(proof.dataLoss).toEqual([expect.objectContaining({ target: 'posts.body', kind: 'column-dropped' })]);
    expect(proof.notRestored).toContainEqual(expect.objectContaining({ target: 'posts.body', kind: 'nulled' }));
    // Re-added, it comes back last: the column order differs too.
    expect(proof.schemaDifferences.some((line) => line.includes('posts'))).toBe(true);
    expect(proof.reversible).toBe(false);
  });

  it('measures the columns a cascade takes from a table no statement names', async () => {
    const proof = await prove(['DROP TYPE post_status CASCADE;'], ["CREATE TYPE post_status AS ENUM ('draft', 'published');"]);
    expect(proof.dataLoss).toEqual([expect.objectContaining({ target: 'posts.status', kind: 'column-dropped' })]);
    expect(proof.dataLoss[0]!.count).toBeGreaterThan(0);
    expect(proof.reversible).toBe(false);
  });

  it('reports a down the database rejects', async () => {
    const proof = await prove(['ALTER TABLE users ADD COLUMN bio text;'], ['ALTER TABLE users DROP COLUMN biography;']);
    expect(proof).toMatchObject({ reversible: false, failure: { step: 'down' } });
    expect(proof.reason).toContain('biography');
  });

  it('runs CONCURRENTLY statements outside a transaction when the migrator does', async () => {
    const proof = await prove(['CREATE INDEX CONCURRENTLY users_name_idx ON users (name);'], ['DROP INDEX CONCURRENTLY users_name_idx;'], 'none');
    expect(proof).toMatchObject({ reversible: true, failure: null });
  });
});
