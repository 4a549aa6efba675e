import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMysql } from '../src/dialect/mysql/parser.js';
import { measureAlterAlgorithm, type AlterMeasurement } from '../src/dialect/mysql/alter-algorithm.js';
import { FIXTURE_SETUP, ONLINE_DDL_FIXTURES, type MeasuredFact } from '../src/dialect/mysql/online-ddl-fixtures.js';
import { openMysqlShadow, type MysqlShadow } from '../src/dialect/mysql/shadow.js';

const SERVER_URL = process.env.MYSQL_SHADOW_TEST_URL?.trim() || null;

/** The measurement in the fixture's terms. */
function asFact(measurement: AlterMeasurement): MeasuredFact | AlterMeasurement {
  if (measurement.outcome === 'accepted') return { algorithm: measurement.algorithm, lock: measurement.lock, rebuilds: measurement.rebuilt.length > 0 };
  if (measurement.outcome === 'fails') return { fails: measurement.error };
  return measurement;
}

describe.skipIf(SERVER_URL === null)('ALTER algorithms measured on the server', () => {
  let shadow: MysqlShadow;

  beforeAll(async () => {
    shadow = await openMysqlShadow({ url: SERVER_URL! });
    await shadow.exec(FIXTURE_SETUP);
  });

  afterAll(async () => {
    await shadow?.close();
  });

  it.each(ONLINE_DDL_FIXTURES.map((fixture) => [fixture.id, fixture] as const))('%s: the server still does what the fixture says', async (_id, fixture) => {
    const measured = asFact(await measureAlterAlgorithm(shadow, fixture.measuredAs ?? fixture.statement));
    if ('fails' in fixture.measured) expect(measured).toEqual({ fails: expect.stringContaining(fixture.measured.fails) });
    else expect(measured).toEqual(fixture.measured);
  });

  it('leaves the shadow unchanged: each measurement runs on a copy', async () => {
    const [before] = await shadow.query<{ 'Create Table': string }>('SHOW CREATE TABLE users');
    await measureAlterAlgorithm(shadow, 'ALTER TABLE users DROP COLUMN nick');
    const [after] = await shadow.query<{ 'Create Table': string }>('SHOW CREATE TABLE users');
    expect(after).toEqual(before);
  });

  it('a refused clause changes nothing: same InnoDB table id, same definition, same rows', async () => {
    const copy = await shadow.fork();
    try {
      const id = await copy.innodbTableId('users');
      const [definition] = await copy.query('SHOW CREATE TABLE users');
      const rows = await copy.query('SELECT * FROM users ORDER BY id');
      await expect(copy.query('ALTER TABLE users MODIFY age bigint NULL, ALGORITHM=INPLACE, LOCK=NONE')).rejects.toMatchObject({ errno: 1846 });
      await expect(copy.query('ALTER TABLE users MODIFY name varchar(64) NULL, ALGORITHM=INSTANT')).rejects.toMatchObject({ errno: 1846 });
      expect(await copy.innodbTableId('users')).toBe(id);
      expect((await copy.query('SHOW CREATE TABLE users'))[0]).toEqual(definition);
      expect(await copy.query('SELECT * FROM users ORDER BY id')).toEqual(rows);
    } finally {
      await copy.close();
    }
  });

  it("add-column-non-constant-default's danger: added instantly, RAND() gives every existing row one value; copied, one each", async () => {
    const fixture = ONLINE_DDL_FIXTURES.find((candidate) => candidate.id === 'add-column-non-constant-default')!;
    const distinct = (algorithm: string) =>
      shadow.isolated({}, async (copy) => {
        await copy.exec('INSERT INTO users (email) VALUES (\'c@x\'), (\'d@x\')');
        await copy.exec(`${fixture.statement}, ALGORITHM=${algorithm}`);
        const [row] = await copy.query<{ n: number }>('SELECT COUNT(DISTINCT token) AS n FROM users');
        return Number(row!.n);
      });
    expect(await distinct('INSTANT')).toBe(1);
    expect(await distinct('COPY')).toBe(4);
  });

  it('says what it cannot measure', async () => {
    expect(await measureAlterAlgorithm(shadow, 'OPTIMIZE TABLE users')).toMatchObject({ outcome: 'not measurable' });
    expect(await measureAlterAlgorithm(shadow, 'INSERT INTO posts (user_id, title) VALUES (1, "x")')).toEqual({ outcome: 'not measurable', reason: 'insert takes no ALGORITHM clause' });
    expect(await measureAlterAlgorithm(shadow, 'ALTER TABLE users ADD a int; ALTER TABLE users ADD b int;')).toMatchObject({ outcome: 'not measurable' });
  });

  it("measures each statement of TypeORM's migration, on rows, each applied before the next is measured", async () => {
    const migration = (name: string) => readFileSync(new URL(`./fixtures/mysql/typeorm/${name}`, import.meta.url), 'utf8');
    const project = await openMysqlShadow({ url: SERVER_URL! });
    try {
      await project.exec(migration('1-create.sql'));
      await project.exec("INSERT INTO user (email) VALUES ('a@x'), ('b@x'); INSERT INTO post (title, body, authorId) VALUES ('a', 'x', 1), ('b', 'y', 2);");
      const parsed = parseMysql(migration('2-change.sql'));
      if (!parsed.ok) throw new Error(parsed.message);
      const facts: string[] = [];
      for (const statement of parsed.statements) {
        const measured = await measureAlterAlgorithm(project, statement.sql);
        facts.push(measured.outcome === 'accepted' ? `${statement.line} ${measured.algorithm} ${measured.lock}${measured.rebuilt.length > 0 ? ' rebuilds' : ''}` : `${statement.line} ${measured.outcome}: ${measured.outcome === 'fails' ? measured.error : measured.reason}`);
        if (measured.outcome !== 'accepted') break;
        await project.exec(statement.sql);
      }
      expect(facts).toEqual(TYPEORM_CHANGE_FACTS);
    } finally {
      await project.close();
    }
  });
});

/**
 * Measured on MariaDB 10.11 for `fixtures/mysql/typeorm/2-change.sql`, by its statements'
 * lines. TypeORM widens `email` varchar(255) to varchar(320) by dropping the column and
 * adding it again (lines 3-4, each INSTANT): every row loses its email and gets '' (the
 * implicit default of a NOT NULL column added to a table with rows), so the unique index
 * put back on line 5 fails on the duplicates.
 */
const TYPEORM_CHANGE_FACTS = ['1 INSTANT NONE', '2 INPLACE NONE', '3 INSTANT NONE', '4 INSTANT NONE', "5 fails: Duplicate entry '' for key 'IDX_e12875dfb3b1d92d7d7c5377e2'"];
