import type { PGliteInterface } from '@electric-sql/pglite';
import { confinePglite } from '@orm-ai/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmptyPGlite } from '../src/schema-builder/pglite-driver.js';

let database: PGliteInterface;
beforeAll(async () => {
  database = await startEmptyPGlite();
  await confinePglite(database);
}, 120_000);
afterAll(async () => {
  await database?.close();
});

it('creates, as the confined role, the extensions TypeORM and its migrations create', async () => {
  // TypeORM's own afterConnect spelling, then what migrations write by hand.
  for (const name of ['uuid-ossp', 'pgcrypto', 'citext', 'hstore', 'ltree', 'cube', 'btree_gist', 'pg_trgm']) {
    await database.exec(`CREATE EXTENSION IF NOT EXISTS "${name}"`);
  }
  await database.exec('CREATE TABLE tags (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), name citext NOT NULL, extra hstore, path ltree)');
  await database.exec('CREATE INDEX tags_name_trgm ON tags USING gin ((name::text) gin_trgm_ops)');
  await database.exec("INSERT INTO tags (name, extra, path) VALUES ('Ada', 'a=>1', 'top.ada')");
  const { rows } = await database.query<{ found: number; secret: number }>("SELECT count(*)::int AS found, octet_length(gen_random_bytes(4)) AS secret FROM tags WHERE name = 'ada'");
  expect(rows).toEqual([{ found: 1, secret: 4 }]);
});

it('still refuses what only a superuser may do', async () => {
  await expect(database.exec('SELECT rolpassword FROM pg_authid')).rejects.toThrow(/permission denied/);
  await expect(database.exec('CREATE EXTENSION file_fdw')).rejects.toThrow(/not available|permission denied/);
});
