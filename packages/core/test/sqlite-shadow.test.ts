import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteShadow } from '../src/dialect/sqlite/shadow.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';

const SETUP = `CREATE TABLE users (id integer PRIMARY KEY AUTOINCREMENT, email text NOT NULL UNIQUE);
CREATE TABLE posts (id integer PRIMARY KEY, author_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE, title text NOT NULL);
INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com');
INSERT INTO posts (author_id, title) VALUES (1, 'first'), (2, 'second');`;

const opened: ShadowDatabase[] = [];
async function open(): Promise<ShadowDatabase> {
  const shadow = await openSqliteShadow();
  opened.push(shadow);
  return shadow;
}

afterEach(async () => {
  for (const shadow of opened.splice(0)) await shadow.close();
});

async function titles(shadow: ShadowDatabase): Promise<string[]> {
  return (await shadow.query<{ title: string }>('SELECT title FROM posts ORDER BY id')).map((row) => row.title);
}

describe('the embedded SQLite shadow', () => {
  it('names SQLite and its version', async () => {
    expect((await open()).description).toMatch(/^embedded SQLite 3\.\d+\.\d+$/);
  });

  it('binds parameters in order, booleans as 1 and 0, and runs statements that return nothing', async () => {
    const shadow = await open();
    await shadow.exec(SETUP);
    expect(await shadow.query('UPDATE posts SET title = ? WHERE id = ?', ['renamed', 1])).toEqual([]);
    expect(await shadow.query('SELECT title, ? AS flag FROM posts WHERE author_id = ?', [true, 1])).toEqual([{ title: 'renamed', flag: 1 }]);
  });

  it('enforces foreign keys, as the ORMs\' drivers have them (better-sqlite3 by default, Prisma and TypeORM at connect)', async () => {
    const shadow = await open();
    await shadow.exec(SETUP);
    expect(await shadow.query<{ foreign_keys: number }>('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    await expect(shadow.exec("INSERT INTO posts (author_id, title) VALUES (99, 'orphan')")).rejects.toThrow(/FOREIGN KEY constraint failed/);
    const fork = await shadow.fork();
    opened.push(fork);
    expect(await fork.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
  });

  it('forks into an independent copy: changes on either side stay there', async () => {
    const shadow = await open();
    await shadow.exec(SETUP);
    const fork = await shadow.fork();
    opened.push(fork);
    await fork.exec("UPDATE posts SET title = 'changed on the fork'");
    await shadow.exec('DELETE FROM posts WHERE id = 2');
    expect(await titles(fork)).toEqual(['changed on the fork', 'changed on the fork']);
    expect(await titles(shadow)).toEqual(['first']);
    await fork.close();
    expect(await titles(shadow)).toEqual(['first']);
  });

  it('undoes everything an isolated run did, in a savepoint, and keeps its result', async () => {
    const shadow = await open();
    await shadow.exec(SETUP);
    const result = await shadow.isolated({ sql: ['ALTER TABLE posts ADD COLUMN body text'] }, async (view) => {
      await view.exec('ALTER TABLE posts ADD COLUMN body text');
      await view.exec('BEGIN');
      await view.exec("UPDATE posts SET body = 'x'");
      await view.exec('COMMIT');
      await view.exec('DELETE FROM users');
      return (await view.query<{ n: number }>('SELECT count(*) AS n FROM posts')).at(0)?.n;
    });
    // ON DELETE CASCADE removed the posts inside the run; all of it is undone after.
    expect(result).toBe(0);
    expect(await titles(shadow)).toEqual(['first', 'second']);
    expect((await shadow.query<{ name: string }>('SELECT name FROM pragma_table_xinfo(?)', ['posts'])).map((row) => row.name)).toEqual(['id', 'author_id', 'title']);
  });

  it('undoes an isolated run that failed, and rethrows its error', async () => {
    const shadow = await open();
    await shadow.exec(SETUP);
    await expect(
      shadow.isolated({}, async (view) => {
        await view.exec('DELETE FROM posts');
        await view.exec('INSERT INTO nowhere VALUES (1)');
      }),
    ).rejects.toThrow(/no such table: nowhere/);
    expect(await titles(shadow)).toEqual(['first', 'second']);
  });

  it('runs SQL that turns foreign keys off on a fork, where the PRAGMA takes effect as it does for the migrator', async () => {
    const shadow = await open();
    await shadow.exec(SETUP);
    const recreation = `PRAGMA foreign_keys=OFF;
CREATE TABLE __new_users (id integer PRIMARY KEY AUTOINCREMENT, email text NOT NULL UNIQUE, name text);
INSERT INTO __new_users (id, email) SELECT id, email FROM users;
DROP TABLE users;
ALTER TABLE __new_users RENAME TO users;
PRAGMA foreign_keys=ON;`;
    const posts = await shadow.isolated({ sql: [recreation] }, async (view) => {
      await view.exec(recreation);
      return titles(view);
    });
    // Inside a savepoint the PRAGMA would do nothing and DROP TABLE users would cascade to posts.
    expect(posts).toEqual(['first', 'second']);
    expect((await shadow.query<{ name: string }>('SELECT name FROM pragma_table_xinfo(?)', ['users'])).map((row) => row.name)).toEqual(['id', 'email']);
  });

  it('shows that the same recreation inside one transaction cascades: the PRAGMA is ignored there', async () => {
    const shadow = await open();
    await shadow.exec(SETUP);
    await shadow.exec(`BEGIN;
PRAGMA foreign_keys=OFF;
CREATE TABLE __new_users (id integer PRIMARY KEY AUTOINCREMENT, email text NOT NULL UNIQUE);
INSERT INTO __new_users (id, email) SELECT id, email FROM users;
DROP TABLE users;
ALTER TABLE __new_users RENAME TO users;
PRAGMA foreign_keys=ON;
COMMIT;`);
    expect(await titles(shadow)).toEqual([]);
  });

  it('forks, inside an isolated run, a copy that holds what the run has done so far', async () => {
    const shadow = await open();
    await shadow.exec(SETUP);
    const forked = await shadow.isolated({}, async (view) => {
      await view.exec("UPDATE posts SET title = 'inside the run'");
      const copy = await view.fork();
      try {
        const copied = await titles(copy);
        // Copied by SQL (export() would end the savepoint): AUTOINCREMENT's counter comes along
        // (a deleted last id is not reused) and foreign keys stay on.
        await copy.exec("DELETE FROM users WHERE id = 2; INSERT INTO users (email) VALUES ('c@example.com')");
        expect(await copy.query('SELECT max(id) AS id FROM users')).toEqual([{ id: 3 }]);
        await expect(copy.exec("INSERT INTO posts (author_id, title) VALUES (99, 'orphan')")).rejects.toThrow(/FOREIGN KEY constraint failed/);
        return copied;
      } finally {
        await copy.close();
      }
    });
    expect(forked).toEqual(['inside the run', 'inside the run']);
    expect(await titles(shadow)).toEqual(['first', 'second']);
  });

  it('can be closed twice', async () => {
    const shadow = await openSqliteShadow();
    await shadow.close();
    await expect(shadow.close()).resolves.toBeUndefined();
  });
});
