import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrmAiError } from '../src/errors.js';
import { knownNames, redactDatabaseText, textForModel, withTextForModel, type KnownNames } from '../src/llm/model-facing.js';
import { modelFacingProof } from '../src/report/model-facing-report.js';
import { describeDataChange, reasonInCounts, type RoundTripProof } from '../src/rollback/prove-round-trip.js';
import { replayMigrations } from '../src/shadow/replay-migrations.js';
import { postgresDialect } from '../src/dialect/postgres/postgres-dialect.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';
import { blogModel } from './blog-model.js';

/**
 * The redactor on PostgreSQL's own words: each error is produced on PGlite (as a superuser,
 * so pg_read_file runs), from a migration statement that reads a value the model never saw
 * out of `secrets`. Names from the schema model and the statement itself stay.
 */

const SETUP = `
  CREATE TABLE users (id serial PRIMARY KEY, email varchar(320) NOT NULL CONSTRAINT users_email_key UNIQUE, bio text);
  CREATE TABLE posts (id serial PRIMARY KEY, author_id integer NOT NULL CONSTRAINT posts_author_id_users_id_fk REFERENCES users (id), title text NOT NULL);
  CREATE TABLE secrets (name text PRIMARY KEY, value text NOT NULL);
  INSERT INTO users (email, bio) VALUES ('alice@example.com', 'hi'), ('bob@example.com', NULL);
  INSERT INTO secrets VALUES ('password', 'hunter2'), ('big', '3000000000'), ('quoted', 'a" SCRAM-SHA-256$4096:salt "b'),
    ('lines', E'first line\\nSECOND-LINE'), ('path', '/etc/orm-ai-test-missing-file'), ('email', 'alice@example.com'), ('json', '{"a": tok}');
`;

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(SETUP);
});
afterAll(async () => {
  await db?.close();
});

/** The statements run in a savepoint-free transaction each, so every case starts from SETUP. */
async function failure(statements: string[]): Promise<{ text: string; known: KnownNames }> {
  await db.exec('BEGIN');
  try {
    for (const statement of statements) await db.exec(statement);
    throw new Error(`expected one of ${statements.join('; ')} to fail`);
  } catch (error) {
    const { message, detail, code } = error as { message: string; detail?: string; code?: string };
    if (!code) throw error;
    // The way a plugin quotes the database (Prisma's script runner): message, SQLSTATE, DETAIL.
    return { text: [`${message} (SQLSTATE ${code})`, ...(detail ? [`DETAIL: ${detail}`] : [])].join('\n'), known: knownNames({ model: blogModel(), sql: statements }) };
  } finally {
    await db.exec('ROLLBACK');
  }
}

describe('redactDatabaseText on PostgreSQL errors', () => {
  it('a value read into an integer column: invalid input syntax', async () => {
    const { text, known } = await failure(["ALTER TABLE users ADD COLUMN age integer", "UPDATE users SET age = (SELECT value FROM secrets WHERE name = 'password')::integer"]);
    expect(text).toContain('"hunter2"');
    expect(redactDatabaseText(text, known)).toBe('invalid input syntax for type integer: "…" (SQLSTATE 22P02)');
  });

  it('a value the plan wrote itself stays: the model knows it', async () => {
    const { text, known } = await failure(["ALTER TABLE users ADD COLUMN age integer", "UPDATE users SET age = 'hunter2'"]);
    expect(redactDatabaseText(text, known)).toBe(text);
  });

  it('a unique violation: the constraint stays, the key value goes', async () => {
    const { text, known } = await failure(["INSERT INTO users (email) SELECT value FROM secrets WHERE name = 'email'"]);
    expect(text).toContain('Key (email)=(alice@example.com) already exists.');
    expect(redactDatabaseText(text, known)).toBe('duplicate key value violates unique constraint "users_email_key" (SQLSTATE 23505)\nDETAIL: Key (email)=(…) already exists.');
  });

  it('a foreign key violation: the table stays, the key value goes', async () => {
    const { text, known } = await failure(["INSERT INTO posts (author_id, title) SELECT length(value) * 1000, 'x' FROM secrets WHERE name = 'password'"]);
    expect(redactDatabaseText(text, known)).toBe(
      'insert or update on table "posts" violates foreign key constraint "posts_author_id_users_id_fk" (SQLSTATE 23503)\nDETAIL: Key (author_id)=(…) is not present in table "users".',
    );
  });

  it('a check violation names the constraint the plan added, and hides the failing row', async () => {
    const { text, known } = await failure([
      'ALTER TABLE users ADD COLUMN age integer CONSTRAINT users_age_check CHECK (age >= 0)',
      "UPDATE users SET age = -1, bio = (SELECT value FROM secrets WHERE name = 'password')",
    ]);
    expect(text).toContain('hunter2');
    expect(redactDatabaseText(text, known)).toBe('new row for relation "users" violates check constraint "users_age_check" (SQLSTATE 23514)\nDETAIL: Failing row contains (…).');
  });

  it('pg_read_file: a path the plan wrote stays, a path read from the database goes', async () => {
    const written = await failure(["UPDATE users SET bio = pg_read_file('/etc/orm-ai-test-missing-file')"]);
    expect(redactDatabaseText(written.text, written.known)).toBe(written.text);
    const read = await failure(["UPDATE users SET bio = pg_read_file((SELECT value FROM secrets WHERE name = 'path'))"]);
    expect(read.text).toContain('could not open file "/etc/orm-ai-test-missing-file" for reading');
    expect(redactDatabaseText(read.text, read.known)).toBe('could not open file "…" for reading: No such file or directory (SQLSTATE 58P01)');
  });

  it('relation "users" does not exist keeps "users": the schema names it', async () => {
    const { text, known } = await failure(['DROP TABLE posts, users', 'ALTER TABLE users ADD COLUMN age integer']);
    expect(redactDatabaseText(text, known)).toBe('relation "users" does not exist (SQLSTATE 42P01)');
  });

  it('value "…" is out of range', async () => {
    const { text, known } = await failure(["ALTER TABLE users ADD COLUMN age integer", "UPDATE users SET age = (SELECT value FROM secrets WHERE name = 'big')::integer"]);
    expect(text).toContain('value "3000000000" is out of range for type integer');
    expect(redactDatabaseText(text, known)).toBe('value "…" is out of range for type integer (SQLSTATE 22003)');
  });

  it('a value holding quotes between names the plan made known exposes nothing between them', async () => {
    const { text, known } = await failure(['ALTER TABLE users ADD COLUMN a integer, ADD COLUMN b integer', "UPDATE users SET a = (SELECT value FROM secrets WHERE name = 'quoted')::integer"]);
    expect(text).toContain('"a" SCRAM-SHA-256$4096:salt "b"');
    expect(redactDatabaseText(text, known)).toBe('invalid input syntax for type integer: "…" (SQLSTATE 22P02)');
  });

  it('a value over several lines is hidden up to its closing quote', async () => {
    const { text, known } = await failure(["ALTER TABLE users ADD COLUMN age integer", "UPDATE users SET age = (SELECT value FROM secrets WHERE name = 'lines')::integer"]);
    expect(text).toContain('SECOND-LINE');
    expect(redactDatabaseText(text, known)).toBe('invalid input syntax for type integer: "…" (SQLSTATE 22P02)');
  });

  it('JSON: the token PostgreSQL quotes from the value goes', async () => {
    const { text, known } = await failure(["ALTER TABLE users ADD COLUMN settings jsonb", "UPDATE users SET settings = (SELECT value FROM secrets WHERE name = 'json')::jsonb"]);
    expect(text).toContain('Token "tok" is invalid.');
    expect(redactDatabaseText(text, known)).toBe('invalid input syntax for type json (SQLSTATE 22P02)\nDETAIL: Token "…" is invalid.');
  });

  it('the replay\'s own message keeps the statement, names and literals the plan wrote', async () => {
    const statement = "UPDATE users SET bio = 'note: ' || (SELECT value FROM secrets WHERE name = 'password')::integer";
    const error = await replayMigrations({ dialect: postgresDialect, shadow: shadowOver(db), scripts: [{ id: '0002_x', path: 'drizzle/0002_x.sql (new)', sql: statement }], transaction: 'all' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OrmAiError);
    const { message } = error as OrmAiError;
    expect(message).toContain('"hunter2"');
    expect(redactDatabaseText(message, knownNames({ model: blogModel(), sql: [statement] }))).toBe(
      `drizzle/0002_x.sql (new):1: the shadow database (raw PGlite) rejected\n  ${statement}\nwith: invalid input syntax for type integer: "…"`,
    );
  });

  it('is idempotent, and leaves text without quotes alone', () => {
    const known = knownNames({ model: blogModel() });
    const text = 'value "x" is out of range\nDETAIL: Key (email)=(a@b) already exists. Failing row contains (1, "q").';
    const once = redactDatabaseText(text, known);
    expect(redactDatabaseText(once, known)).toBe(once);
    expect(once).not.toMatch(/a@b|"x"|"q"/);
    expect(redactDatabaseText('line 3 [statement-failed] integer out of range', known)).toBe('line 3 [statement-failed] integer out of range');
    expect(redactDatabaseText("the model's plan names users' rows", known)).toBe("the model's plan names users' rows");
  });
});

describe('what an error tells a model', () => {
  const known = knownNames({ model: blogModel() });

  it('errors built from the plan and the source go as they are; shadow errors are redacted; forModel wins', () => {
    const rejected = new OrmAiError('PLAN_REJECTED', '- changes[0]: column "users.nickname" does not exist');
    expect(textForModel(rejected, known)).toBe(rejected.message);
    const shadow = new OrmAiError('SHADOW_REJECTED_MIGRATION', 'migration x failed on the shadow: invalid input syntax for type integer: "hunter2"');
    expect(textForModel(shadow, known)).toBe('migration x failed on the shadow: invalid input syntax for type integer: "…"');
    const counted = new OrmAiError('MIGRATION_LOSES_DATA', "users.bio: 2 of 2 value(s) changed ('hi' → 'hunter2')", { forModel: 'users.bio: 2 of 2 value(s) changed' });
    expect(textForModel(counted, known)).toBe('users.bio: 2 of 2 value(s) changed');
  });

  it('withTextForModel redacts with what is known where the error is caught, and keeps the message for a person', () => {
    const shadow = new OrmAiError('MIGRATION_UNSAFE', 'The shadow database rejected it: relation "bookmarks_user_id_fk" has value "hunter2"', { hint: 'Fix it.' });
    const copy = withTextForModel(shadow, knownNames({ model: blogModel(), sql: ['ALTER TABLE bookmarks ADD CONSTRAINT bookmarks_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id)'] }));
    expect(copy).toMatchObject({ code: 'MIGRATION_UNSAFE', message: shadow.message, hint: 'Fix it.' });
    expect(copy.forModel).toBe('The shadow database rejected it: relation "bookmarks_user_id_fk" has value "…"');
    // A smaller known set later changes nothing: forModel is final.
    expect(textForModel(copy, knownNames({}))).toBe(copy.forModel);
  });
});

describe('the round trip in counts', () => {
  const proof: RoundTripProof = {
    reversible: false,
    reason: "down does not bring back users.bio: 2 of 2 value(s) changed ('hi' → 'PLANTED-1').",
    schemaDifferences: [],
    dataLoss: [{ target: 'public.users.bio', kind: 'changed', count: 2, of: 2, example: { before: 'hi', after: 'PLANTED-1' } }],
    notRestored: [{ target: 'public.users.bio', kind: 'changed', count: 2, of: 2, example: { before: 'hi', after: 'PLANTED-1' } }],
    failure: { step: 'up again', message: 'invalid input syntax for type integer: "PLANTED-2"' },
    seeded: [{ table: 'users', rows: 2 }],
  };

  it('describes changes with or without their example', () => {
    expect(describeDataChange(proof.dataLoss[0]!)).toBe("users.bio: 2 of 2 value(s) changed ('hi' → 'PLANTED-1')");
    expect(describeDataChange(proof.dataLoss[0]!, { examples: false })).toBe('users.bio: 2 of 2 value(s) changed');
    expect(reasonInCounts(proof)).toBe('down does not bring back users.bio: 2 of 2 value(s) changed; up fails again after down: invalid input syntax for type integer: "PLANTED-2".');
  });

  it('modelFacingProof drops examples and redacts the failure', () => {
    const facing = modelFacingProof(proof, knownNames({ model: blogModel() }));
    expect(JSON.stringify(facing)).not.toContain('PLANTED');
    expect(facing.dataLoss).toEqual([{ target: 'public.users.bio', kind: 'changed', count: 2, of: 2 }]);
    expect(facing.failure).toEqual({ step: 'up again', message: 'invalid input syntax for type integer: "…"' });
  });
});

/** Enough of a shadow for `replayMigrations`, over the superuser PGlite of these tests. */
function shadowOver(database: PGlite): ShadowDatabase {
  return {
    description: 'raw PGlite',
    exec: async (sql) => void (await database.exec(sql)),
    query: async (sql, params = []) => (await database.query<never>(sql, [...params])).rows,
    fork: () => Promise.reject(new Error('not forked in these tests')),
    isolated: () => Promise.reject(new Error('not isolated in these tests')),
    close: async () => undefined,
  };
}
