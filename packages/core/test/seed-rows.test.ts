import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgresServer, shadowBackends } from '../../../test/support/postgres-server.js';
import { openShadowDatabase } from '../src/dialect/postgres/shadow/open-shadow.js';
import { shadowServerFrom } from '../src/dialect/postgres/shadow/server-databases.js';
import { seedTables, type SeedResult } from '../src/shadow/seed-rows.js';
import { quotedTableName, quoteIdentifier, type TableRef } from '../src/table-ref.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';

// Stands for what migrations left behind: every column kind the seeder must fill, foreign-key
// chains, a join table, another schema, a CHECK no generated row passes, a self-reference and a
// cycle whose nullable key breaks it.
const schema = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN short_label AS varchar(3);
CREATE SCHEMA billing;
CREATE TABLE users (
  id serial PRIMARY KEY,
  code varchar(3) NOT NULL UNIQUE,
  country char(2) NOT NULL,
  score numeric(4,2) NOT NULL,
  bio text,
  mood mood NOT NULL,
  active boolean NOT NULL,
  nicknames text[] NOT NULL,
  born date,
  created_at timestamptz NOT NULL DEFAULT now(),
  external_id uuid NOT NULL UNIQUE,
  settings jsonb NOT NULL,
  code_upper text GENERATED ALWAYS AS (upper(code)) STORED
);
CREATE TABLE posts (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, author_id integer NOT NULL REFERENCES users (id), title varchar(200) NOT NULL, body json);
CREATE TABLE comments (id bigserial PRIMARY KEY, post_id integer NOT NULL REFERENCES posts (id), author_id integer REFERENCES users (id), body text NOT NULL);
CREATE TABLE tags (id serial PRIMARY KEY, label short_label NOT NULL UNIQUE);
CREATE TABLE post_tags (post_id integer REFERENCES posts (id), tag_id integer REFERENCES tags (id), PRIMARY KEY (post_id, tag_id));
CREATE TABLE billing."Invoice ""Lines""" (id serial PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id), amount numeric(10,2) NOT NULL, address inet, payload bytea, due timestamp, slot time, term interval);
CREATE TABLE strict_prices (id serial PRIMARY KEY, price integer NOT NULL, CONSTRAINT strict_prices_price_negative CHECK (price < 0));
CREATE TABLE strict_price_notes (id serial PRIMARY KEY, price_id integer NOT NULL REFERENCES strict_prices (id), note text NOT NULL);
CREATE TABLE categories (id serial PRIMARY KEY, parent_id integer REFERENCES categories (id), name text NOT NULL);
CREATE TABLE teams (id serial PRIMARY KEY, captain_id integer);
CREATE TABLE players (id serial PRIMARY KEY, team_id integer NOT NULL REFERENCES teams (id));
ALTER TABLE teams ADD FOREIGN KEY (captain_id) REFERENCES players (id);
CREATE TABLE matches (id serial PRIMARY KEY, team_id integer REFERENCES teams (id));
CREATE TABLE shapes (id serial PRIMARY KEY, outline polygon NOT NULL);
CREATE TABLE ranks (position integer PRIMARY KEY, title text NOT NULL);
INSERT INTO ranks VALUES (7, 'seventh');
CREATE VIEW user_codes AS SELECT code FROM users;
`;

// Real schemas: partitioned tables (a gap between ranges, a list without a partition for one
// label, hash, range over list, a partition key that is the whole primary key), partitions seeded directly, domains with CHECKs (over text, integer and an
// enum, and one no value satisfies), and exclusion constraints over ranges.
const realSchema = `
CREATE TYPE region AS ENUM ('eu', 'us', 'apac');
CREATE DOMAIN lower_word AS text CHECK (VALUE ~ '^[a-z]+$');
CREATE DOMAIN stars AS integer NOT NULL CHECK (VALUE BETWEEN 1 AND 5);
CREATE DOMAIN eu_only AS region CHECK (VALUE = 'eu');
CREATE DOMAIN impossible AS integer CHECK (VALUE > 10 AND VALUE < 5);
CREATE TABLE events (id integer NOT NULL, happened_at timestamptz NOT NULL, note text, PRIMARY KEY (id, happened_at)) PARTITION BY RANGE (happened_at);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE shipments (id serial, region region NOT NULL, weight integer NOT NULL, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE shipments_eu PARTITION OF shipments FOR VALUES IN ('eu');
CREATE TABLE shipments_us PARTITION OF shipments FOR VALUES IN ('us');
CREATE TABLE readings (id integer NOT NULL, taken_on date NOT NULL, site text NOT NULL, PRIMARY KEY (id, taken_on, site)) PARTITION BY RANGE (taken_on);
CREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (site);
CREATE TABLE readings_2024_north PARTITION OF readings_2024 FOR VALUES IN ('north');
CREATE TABLE readings_2024_south PARTITION OF readings_2024 FOR VALUES IN ('south');
CREATE TABLE ticks (at timestamptz PRIMARY KEY, n integer NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE ticks_jan PARTITION OF ticks FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2024-02-01 00:00:00+00');
CREATE TABLE slots (day date PRIMARY KEY) PARTITION BY RANGE (day);
CREATE TABLE slots_2024 PARTITION OF slots FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE seats (n integer PRIMARY KEY) PARTITION BY RANGE (n);
CREATE TABLE seats_low PARTITION OF seats FOR VALUES FROM (-5) TO (1000);
CREATE TABLE debts (cents integer PRIMARY KEY) PARTITION BY RANGE (cents);
CREATE TABLE debts_negative PARTITION OF debts FOR VALUES FROM (MINVALUE) TO (0);
CREATE TABLE buckets (id integer PRIMARY KEY, label text NOT NULL) PARTITION BY HASH (id);
CREATE TABLE buckets_0 PARTITION OF buckets FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE buckets_1 PARTITION OF buckets FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE reviews (id serial PRIMARY KEY, word lower_word NOT NULL, score stars, region eu_only NOT NULL);
CREATE TABLE impossible_things (id serial PRIMARY KEY, value impossible NOT NULL);
CREATE TABLE tickets (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL);
CREATE TABLE orders (id integer PRIMARY KEY, note text NOT NULL);
CREATE SEQUENCE order_numbers OWNED BY orders.id;
CREATE SEQUENCE free_numbers;
CREATE TABLE bookings (
  id serial PRIMARY KEY, during tstzrange NOT NULL, days daterange NOT NULL, seats int4range NOT NULL,
  EXCLUDE USING gist (during WITH &&), EXCLUDE USING gist (days WITH &&), EXCLUDE USING gist (seats WITH &&)
);
`;

const table = (name: string, schemaName = 'public'): TableRef => ({ schema: schemaName, name });
const invoiceLines = table('Invoice "Lines"', 'billing');
const everything = [
  table('matches'), table('post_tags'), invoiceLines, table('strict_price_notes'), table('categories'), table('players'), table('shapes'), table('ranks'),
  table('user_codes'), table('no_such_table'),
];
const realTables = ['events', 'events_2025', 'shipments', 'buckets', 'readings', 'readings_2024_south', 'ticks', 'slots', 'seats', 'debts', 'reviews', 'impossible_things', 'bookings'].map((name) => table(name));
const names = (entries: ReadonlyArray<{ table: TableRef }>) => entries.map((entry) => entry.table.name);

describe.each(shadowBackends())('seedTables on $name', ({ url }) => {
  let shadow: ShadowDatabase;
  let commentsOnly: SeedResult;
  let first: SeedResult;
  let second: SeedResult;
  let real: SeedResult;
  let realAgain: SeedResult;
  let bySequence: SeedResult;

  // One shadow per backend: the seedings build on each other, the tests read what they left.
  beforeAll(async () => {
    if (url) await ensurePostgresServer(url);
    shadow = await openShadowDatabase({ server: shadowServerFrom({ shadowUrl: url }) });
    await shadow.exec(schema);
    commentsOnly = await seedTables({ shadow, tables: [table('comments')] });
    first = await seedTables({ shadow, tables: everything, rowsPerTable: 50 });
    second = await seedTables({ shadow, tables: everything, rowsPerTable: 50 });
    await shadow.exec(realSchema);
    real = await seedTables({ shadow, tables: realTables, rowsPerTable: 40 });
    realAgain = await seedTables({ shadow, tables: realTables, rowsPerTable: 40 });
    bySequence = await seedTables({ shadow, tables: ['tickets_id_seq', 'order_numbers', 'free_numbers'].map((name) => table(name)), rowsPerTable: 10 });
  }, 60_000);
  afterAll(async () => {
    await shadow?.close();
  });

  const count = async (sql: string) => Number((await shadow.query<{ count: string }>(`SELECT count(*)::text AS count FROM (${sql}) AS rows`))[0]!.count);

  it('seeds the foreign-key parents of the requested table first', () => {
    expect(commentsOnly).toEqual({
      seeded: [{ table: table('users'), rows: 100 }, { table: table('posts'), rows: 100 }, { table: table('comments'), rows: 100 }],
      skipped: [],
    });
  });

  it('orders every table after its parents and ignores views and unknown tables', () => {
    const order = names(first.seeded);
    expect([...order].sort()).toEqual(['Invoice "Lines"', 'categories', 'matches', 'players', 'post_tags', 'posts', 'ranks', 'tags', 'teams', 'users']);
    for (const [parent, child] of [['users', 'posts'], ['posts', 'post_tags'], ['tags', 'post_tags'], ['users', 'Invoice "Lines"'], ['teams', 'players'], ['teams', 'matches']] as const) {
      expect(order.indexOf(parent)).toBeLessThan(order.indexOf(child));
    }
    expect(first.seeded.every((entry) => entry.rows === 50)).toBe(true);
    expect(names(first.skipped).sort()).toEqual(['shapes', 'strict_price_notes', 'strict_prices']);
  });

  it('skips a table the database rejects with its message, and its children', () => {
    const reasons = Object.fromEntries(first.skipped.map((entry) => [entry.table.name, entry.reason]));
    expect(reasons.strict_prices).toContain('strict_prices_price_negative');
    expect(reasons.strict_price_notes).toContain('"public"."strict_prices"');
    expect(reasons.shapes).toMatch(/"outline".*polygon/);
  });

  it('seeds again without colliding with the rows already there', async () => {
    expect(second).toEqual(first);
    expect(await count('SELECT * FROM users')).toBe(200);
    expect(await count('SELECT * FROM post_tags')).toBe(100);
    expect(await count('SELECT * FROM ranks')).toBe(101);
    expect(await count("SELECT * FROM ranks WHERE position = 7 AND title = 'seventh'")).toBe(1);
  });

  it('fills every column it writes with a non-null value', async () => {
    const columns = await shadow.query<{ schema: string; table: string; column: string }>(
      `SELECT n.nspname AS schema, c.relname AS table, a.attname AS column
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'billing') AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''`,
    );
    const withNulls: string[] = [];
    for (const { schema: schemaName, table: tableName, column } of columns) {
      const nulls = await count(`SELECT 1 FROM ${quotedTableName({ schema: schemaName, name: tableName })} WHERE ${quoteIdentifier(column)} IS NULL`);
      if (nulls > 0) withNulls.push(`${tableName}.${column}`);
    }
    // A self-reference or cycle has no earlier row to point at: its nullable key is the one NULL allowed.
    expect(withNulls.sort()).toEqual(['categories.parent_id', 'teams.captain_id']);
    expect(await count('SELECT * FROM categories')).toBe(100);
  });

  it('keeps foreign keys and unique values intact', async () => {
    expect(await count('SELECT 1 FROM comments c JOIN posts p ON p.id = c.post_id JOIN users u ON u.id = p.author_id')).toBe(100);
    expect(await count('SELECT 1 FROM post_tags pt JOIN posts p ON p.id = pt.post_id JOIN tags t ON t.id = pt.tag_id')).toBe(100);
    expect(await count('SELECT DISTINCT code FROM users')).toBe(200);
    expect(await count('SELECT DISTINCT label FROM tags WHERE length(label) <= 3')).toBe(100);
    expect(await count('SELECT 1 FROM users WHERE length(code) > 3 OR octet_length(country) <> 2 OR score >= 100')).toBe(0);
    expect(await count('SELECT DISTINCT mood FROM users')).toBe(3);
    expect(await count(`SELECT 1 FROM users WHERE settings ? 'seed' AND nicknames = '{}' AND code_upper = upper(code)`)).toBe(200);
  });

  it('seeds partitioned tables, domains with CHECKs and exclusion constraints, and names what it cannot', () => {
    expect(names(real.seeded).sort()).toEqual(['bookings', 'buckets', 'debts', 'events', 'events_2025', 'readings', 'readings_2024_south', 'reviews', 'seats', 'shipments', 'slots', 'ticks']);
    expect(real.skipped.map(({ table: { name }, reason }) => ({ name, reason }))).toEqual([
      { name: 'impossible_things', reason: expect.stringMatching(/"value" has domain impossible, whose CHECK .*VALUE > 10.* rejects every value seeding tries/) },
    ]);
    expect(realAgain).toEqual(real);
  });

  it('puts partitioned rows only where a partition takes them', async () => {
    expect(await count('SELECT * FROM events')).toBe(160);
    expect(await count('SELECT * FROM events_2023')).toBeGreaterThan(0);
    expect(await count("SELECT * FROM ONLY events_2025 WHERE happened_at >= '2025-01-01' AND happened_at < '2026-01-01'")).toBe(await count('SELECT * FROM events_2025'));
    expect(await count('SELECT * FROM events_2025')).toBeGreaterThanOrEqual(80);
    expect(await count('SELECT DISTINCT region FROM shipments')).toBe(2);
    expect(await count('SELECT * FROM shipments_eu')).toBe(40);
    expect(await count('SELECT * FROM readings_2024_north')).toBe(40);
    expect(await count('SELECT * FROM readings_2024_south')).toBe(120);
    expect(await count('SELECT * FROM buckets_0')).toBeGreaterThan(0);
    // The partition key is the primary key: each row gets its own value inside the range.
    expect(await count("SELECT DISTINCT at FROM ticks WHERE at >= '2024-01-01 00:00:00+00' AND at < '2024-02-01 00:00:00+00'")).toBe(80);
    expect(await count("SELECT DISTINCT day FROM slots WHERE day >= '2024-01-01' AND day < '2025-01-01'")).toBe(80);
    expect(await count('SELECT DISTINCT n FROM seats WHERE n >= -5 AND n < 1000')).toBe(80);
    expect(await count('SELECT DISTINCT cents FROM debts WHERE cents < 0')).toBe(80);
    expect(await count('SELECT * FROM buckets_1')).toBeGreaterThan(0);
  });

  it("keeps to the domains' CHECKs and the enum labels they allow, and to exclusion constraints", async () => {
    expect(await count('SELECT * FROM reviews')).toBe(80);
    expect(await count("SELECT * FROM reviews WHERE word ~ '^[a-z]+$' AND score BETWEEN 1 AND 5 AND region::text = 'eu'")).toBe(80);
    expect(await count('SELECT * FROM bookings')).toBe(80);
    expect(await count('SELECT 1 FROM bookings a JOIN bookings b ON a.id < b.id AND (a.during && b.during OR a.days && b.days OR a.seats && b.seats)')).toBe(0);
  });

  it('seeds the table a named sequence feeds (ALTER SEQUENCE names only the sequence)', () => {
    expect(names(bySequence.seeded).sort()).toEqual(['orders', 'tickets']);
    expect(bySequence.seeded.every((entry) => entry.rows === 10)).toBe(true);
    expect(bySequence.skipped).toEqual([]);
  });
});

// A chain of optional references, as in a wide schema where each table points at the one before.
const chain = `
CREATE TABLE chain_a (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE chain_b (id serial PRIMARY KEY, a_id integer REFERENCES chain_a (id), name text NOT NULL);
CREATE TABLE chain_c (id serial PRIMARY KEY, b_id integer REFERENCES chain_b (id), name text NOT NULL);
CREATE TABLE chain_d (id serial PRIMARY KEY, c_id integer NOT NULL REFERENCES chain_c (id), name text NOT NULL);
CREATE TABLE chain_e (id serial PRIMARY KEY, d_id integer REFERENCES chain_d (id), name text NOT NULL);
`;

describe.each(shadowBackends())('seedTables on a chain of foreign keys on $name', ({ url }) => {
  let shadow: ShadowDatabase;

  beforeAll(async () => {
    if (url) await ensurePostgresServer(url);
    shadow = await openShadowDatabase({ server: shadowServerFrom({ shadowUrl: url }) });
    await shadow.exec(chain);
  }, 60_000);
  afterAll(async () => {
    await shadow?.close();
  });

  const isolatedSeeding = (tables: readonly TableRef[], read: string) =>
    shadow.isolated({}, async (view) => ({ result: await seedTables({ shadow: view, tables }), rows: await view.query<Record<string, string | null>>(read) }));

  it('fills every key of a requested table, and of its parents only the NOT NULL ones', async () => {
    const { result, rows } = await isolatedSeeding(
      [table('chain_e')],
      `SELECT (SELECT count(*) FROM chain_e WHERE d_id IS NULL)::text AS e_null, (SELECT count(*) FROM chain_d)::text AS d,
              (SELECT count(*) FROM chain_c WHERE b_id IS NULL)::text AS c_null, (SELECT count(*) FROM chain_b)::text AS b`,
    );
    // chain_e's own nullable key is filled; chain_d's NOT NULL key pulls in chain_c, whose nullable key stays NULL.
    expect(names(result.seeded)).toEqual(['chain_c', 'chain_d', 'chain_e']);
    expect(rows[0]).toEqual({ e_null: '0', d: '100', c_null: '100', b: '0' });
  });

  it('fills the keys of every requested table, wherever it sits in the chain', async () => {
    const { result, rows } = await isolatedSeeding(
      [table('chain_c'), table('chain_a')],
      `SELECT (SELECT count(*) FROM chain_c WHERE b_id IS NULL)::text AS c_null, (SELECT count(*) FROM chain_b WHERE a_id IS NULL)::text AS b_null`,
    );
    expect(names(result.seeded)).toEqual(['chain_a', 'chain_b', 'chain_c']);
    // chain_b is filled only as chain_c's parent: its optional key to chain_a is NULL, though chain_a has rows.
    expect(rows[0]).toEqual({ c_null: '0', b_null: '100' });
  });
});
