import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readSqliteTableRows, takeSqliteCatalogSnapshot } from '../src/dialect/sqlite/catalog-reader.js';
import { openSqliteShadow } from '../src/dialect/sqlite/shadow.js';
import { diffCatalogSnapshots } from '../src/shadow/catalog-snapshot.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';

/** Migrations drizzle-kit 0.31.11 generated from test/fixtures/sqlite/*.ts (see the README there). */
const migration = (path: string) => readFileSync(new URL(`./fixtures/sqlite/${path}`, import.meta.url), 'utf8');
const INIT = migration('drizzle-recreation/drizzle/0000_init.sql');
const CHANGE = migration('drizzle-recreation/drizzle/0001_change.sql');
const DIRECT = migration('drizzle-direct/drizzle/0000_direct.sql');

const SEED = `INSERT INTO users (email, name) VALUES ('a@example.com', 'Ada'), ('b@example.com', NULL);
INSERT INTO posts (author_id, title, body) VALUES (1, 'first', 'text'), (2, 'second', '');`;

const opened: ShadowDatabase[] = [];
async function shadowWith(...scripts: string[]): Promise<ShadowDatabase> {
  const shadow = await openSqliteShadow();
  opened.push(shadow);
  // Outside a transaction, as drizzle-kit's own migrate command runs them: the PRAGMAs take effect.
  for (const script of scripts) await shadow.exec(script);
  return shadow;
}

afterEach(async () => {
  for (const shadow of opened.splice(0)) await shadow.close();
});

describe('the SQLite catalog reader', () => {
  it("reads the same snapshot after drizzle-kit's table recreation as after creating the tables directly", async () => {
    const recreated = await takeSqliteCatalogSnapshot(await shadowWith(INIT, SEED, CHANGE));
    const direct = await takeSqliteCatalogSnapshot(await shadowWith(DIRECT));
    expect(diffCatalogSnapshots(direct, recreated)).toEqual([]);
    expect(recreated).toEqual(direct);
  });

  it('reads columns, keys, checks and indexes into the catalog snapshot shape', async () => {
    const snapshot = await takeSqliteCatalogSnapshot(await shadowWith(DIRECT));
    expect(snapshot.schemas).toEqual(['main']);
    expect(snapshot.relations.map((relation) => relation.name)).toEqual(['posts', 'users']);
    expect(snapshot.relations[0]!.columns).toEqual([
      { name: 'id', type: 'INTEGER', notNull: true, default: null, identity: null, generated: null, collation: null },
      { name: 'author_id', type: 'INTEGER', notNull: true, default: null, identity: null, generated: null, collation: null },
      { name: 'title', type: 'TEXT', notNull: true, default: null, identity: null, generated: null, collation: null },
      { name: 'body', type: 'TEXT', notNull: true, default: "''", identity: null, generated: null, collation: null },
    ]);
    expect(snapshot.constraints.map(({ table, name, type, definition }) => `${table} ${type} ${name}: ${definition}`)).toMatchSnapshot();
    expect(snapshot.indexes.map((index) => index.definition)).toEqual(['CREATE INDEX posts_author_id_idx ON posts (author_id)', 'CREATE UNIQUE INDEX users_email_unique ON users (email)']);
    expect([snapshot.sequences, snapshot.enums, snapshot.domains, snapshot.compositeTypes]).toEqual([[], [], [], []]);
  });

  it('shows a dropped column, a changed nullability and a new index in the diff', async () => {
    const before = await takeSqliteCatalogSnapshot(await shadowWith(INIT));
    const after = await takeSqliteCatalogSnapshot(await shadowWith(INIT, CHANGE));
    expect(diffCatalogSnapshots(before, after)).toMatchSnapshot();
    expect(diffCatalogSnapshots(before, after)).toContain('- column main.users.name TEXT');
  });

  it('shows what a hand-written recreation lost: a column left out of the copy, and a foreign key', async () => {
    const shadow = await shadowWith(INIT, SEED);
    const before = await takeSqliteCatalogSnapshot(shadow);
    await shadow.exec(`PRAGMA foreign_keys=OFF;
CREATE TABLE __new_posts (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, author_id integer NOT NULL, title text NOT NULL);
INSERT INTO __new_posts (id, author_id, title) SELECT id, author_id, title FROM posts;
DROP TABLE posts;
ALTER TABLE __new_posts RENAME TO posts;
PRAGMA foreign_keys=ON;`);
    expect(diffCatalogSnapshots(before, await takeSqliteCatalogSnapshot(shadow))).toEqual([
      '- column main.posts.body TEXT',
      '- constraint foreign key (author_id) on main.posts: FOREIGN KEY (author_id) REFERENCES users(id) ON UPDATE NO ACTION ON DELETE CASCADE',
    ]);
  });

  it("reads a table's rows in key order, every value as text", async () => {
    const shadow = await shadowWith(INIT, SEED);
    await shadow.exec("CREATE TABLE blobs (data blob, n real); INSERT INTO blobs VALUES (x'00ff', 1.5), (NULL, 2);");
    expect(await readSqliteTableRows(shadow, 'users')).toEqual({
      table: 'users',
      columns: ['id', 'email', 'name'],
      key: [0],
      rows: [
        ['1', 'a@example.com', 'Ada'],
        ['2', 'b@example.com', null],
      ],
    });
    expect((await readSqliteTableRows(shadow, 'blobs')).rows).toEqual([
      ["x'00FF'", '1.5'],
      [null, '2.0'],
    ]);
  });

  it('drizzle-kit 0.31.11 copies a column the old table lacks when a recreation also adds it: sql.js copies its name as text', async () => {
    // better-sqlite3 is built without double-quoted string literals (SQLITE_DQS=0) and fails on
    // "created_at"; sql.js keeps SQLite's default and reads it as the string 'created_at'. Either
    // way the copy is wrong, so the safety rule reads it from the parse tree, not from the shadow.
    const shadow = await shadowWith(migration('drizzle-added-column/0000_init.sql'), SEED);
    await shadow.exec(migration('drizzle-added-column/0001_change.sql'));
    expect(await shadow.query('SELECT DISTINCT created_at FROM posts')).toEqual([{ created_at: 'created_at' }]);
  });

  it("keeps every row through drizzle-kit's recreation when foreign keys are off, as drizzle-kit migrate runs it", async () => {
    const shadow = await shadowWith(INIT, SEED);
    const posts = await readSqliteTableRows(shadow, 'posts');
    await shadow.exec(CHANGE);
    expect((await readSqliteTableRows(shadow, 'posts')).rows).toEqual(posts.rows);
  });
});
