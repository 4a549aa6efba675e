import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffCatalogSnapshots } from '../src/shadow/catalog-snapshot.js';
import { readMysqlTableRows, takeMysqlCatalogSnapshot } from '../src/dialect/mysql/catalog-reader.js';
import { openMysqlShadow, type MysqlShadow } from '../src/dialect/mysql/shadow.js';

const SERVER_URL = process.env.MYSQL_SHADOW_TEST_URL?.trim() || null;

describe.skipIf(SERVER_URL === null)('the MySQL catalog reader', () => {
  let shadow: MysqlShadow;

  beforeAll(async () => {
    shadow = await openMysqlShadow({ url: SERVER_URL! });
    await shadow.exec(`
      CREATE TABLE users (
        id int PRIMARY KEY AUTO_INCREMENT,
        name varchar(50) NOT NULL DEFAULT 'x',
        bio varchar(300),
        score int NULL,
        updated timestamp NOT NULL DEFAULT current_timestamp ON UPDATE current_timestamp,
        role enum('a','b') DEFAULT 'a',
        code varchar(5) COLLATE utf8mb4_bin,
        twice int AS (score * 2) STORED,
        avatar varbinary(4),
        CONSTRAINT positive CHECK (score > 0),
        UNIQUE KEY name_bio (name, bio(100) DESC),
        KEY by_score (score)
      ) DEFAULT CHARSET=utf8mb4 COLLATE utf8mb4_general_ci;
      CREATE TABLE posts (id int PRIMARY KEY, user_id int, CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE);
      CREATE VIEW named AS SELECT id, name FROM users;
      INSERT INTO users (name, bio, score, code, avatar) VALUES ('b', NULL, 3, 'Q', x'00ff'), ('a', 'hi', 1, NULL, NULL);`);
  });

  afterAll(async () => {
    await shadow?.close();
  });

  it('reads tables, columns, keys, indexes, foreign keys, checks and views from information_schema', async () => {
    const snapshot = await takeMysqlCatalogSnapshot(shadow);
    const users = snapshot.relations.find((relation) => relation.name === 'users')!;
    const column = (name: string) => users.columns.find((candidate) => candidate.name === name);
    expect(column('id')).toMatchObject({ notNull: true, identity: 'BY DEFAULT', default: null });
    expect(column('id')!.type).toMatch(/^int(\(11\))?$/);
    expect(column('name')).toMatchObject({ type: 'varchar(50)', notNull: true, collation: null });
    expect(column('name')!.default).toMatch(/^'?x'?$/);
    expect(column('bio')).toMatchObject({ notNull: false, default: null });
    expect(column('updated')!.default).toMatch(/^current_timestamp(\(\))? ON UPDATE current_timestamp(\(\))?$/i);
    expect(column('role')!.type).toBe("enum('a','b')");
    expect(column('code')!.collation).toBe('utf8mb4_bin');
    expect(column('twice')).toMatchObject({ default: null, generated: 'ALWAYS AS (`score` * 2) STORED' });
    const definitions = snapshot.constraints.map((constraint) => `${constraint.table} ${constraint.type} ${constraint.name}: ${constraint.definition}`);
    expect(definitions).toEqual(
      expect.arrayContaining([
        'users primary key PRIMARY: PRIMARY KEY (`id`)',
        'users unique name_bio: UNIQUE KEY `name_bio` (`name`, `bio`(100) DESC)',
        'users check positive: CHECK (`score` > 0)',
        'posts foreign key posts_user: FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT',
      ]),
    );
    expect(snapshot.indexes.map((index) => `${index.table} ${index.definition}`)).toEqual(['posts KEY `posts_user` (`user_id`)', 'users KEY `by_score` (`score`)']);
    const view = snapshot.relations.find((relation) => relation.name === 'named')!;
    expect(view.kind).toBe('view');
    expect(view.definition).not.toContain(shadow.database);
  });

  it('reads the same snapshot from a copy, and sees an up that its down does not undo', async () => {
    const before = await takeMysqlCatalogSnapshot(shadow);
    await shadow.isolated({}, async (copy) => {
      expect(diffCatalogSnapshots(before, await takeMysqlCatalogSnapshot(copy))).toEqual([]);
      await copy.exec('ALTER TABLE users ADD nick varchar(10), ADD INDEX by_nick (nick);');
      await copy.exec('ALTER TABLE users DROP INDEX by_nick, DROP COLUMN nick;');
      expect(diffCatalogSnapshots(before, await takeMysqlCatalogSnapshot(copy))).toEqual([]);
      await copy.exec('ALTER TABLE users MODIFY bio varchar(400);');
      const problems = diffCatalogSnapshots(before, await takeMysqlCatalogSnapshot(copy));
      expect(JSON.stringify(problems)).toContain('varchar(400)');
    });
  });

  it("reads a table's rows as text in primary key order, binary as hex", async () => {
    const rows = await readMysqlTableRows(shadow, 'users');
    expect(rows.key).toEqual([0]);
    expect(rows.columns.slice(0, 3)).toEqual(['id', 'name', 'bio']);
    expect(rows.rows.map((row) => [row[0], row[1], row[2], row[7], row[8]])).toEqual([
      ['1', 'b', null, '6', "x'00FF'"],
      ['2', 'a', 'hi', '2', null],
    ]);
    await expect(readMysqlTableRows(shadow, 'missing')).rejects.toMatchObject({ code: 'SHADOW_UNAVAILABLE' });
  });
});
