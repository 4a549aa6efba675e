import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectFor } from '../src/dialect/dialects.js';
import { sqliteDialect } from '../src/dialect/sqlite/sqlite-dialect.js';
import { OrmAiError } from '../src/errors.js';
import type { MigrationScript } from '../src/orm-plugin.js';
import { proveRoundTrip } from '../src/rollback/prove-round-trip.js';
import type { MigrationAnalysis } from '../src/safety/analyze-migration.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';

const EXAMPLE = join(import.meta.dirname, '../../../examples/drizzle-sqlite-app/drizzle');
const FIXTURES = join(import.meta.dirname, 'fixtures/sqlite');

/** The example's history, as drizzle-kit wrote it and drizzle-orm's migrator runs it. */
const HISTORY: MigrationScript[] = ['0000_init', '0001_add_comments'].map((id) => ({ id, path: `drizzle/${id}.sql`, sql: readFileSync(join(EXAMPLE, `${id}.sql`), 'utf8') }));
const REQUIRE_USER_BIO = readFileSync(join(FIXTURES, 'drizzle-require-user-bio/0002_require_user_bio.sql'), 'utf8');
/** drizzle-kit's statements, split at its breakpoints, as the Drizzle plugin hands them over. */
const statementsOf = (sql: string) => sql.split('--> statement-breakpoint').map((statement) => statement.trim()).filter(Boolean);

/** What each finding of an analysis says, by statement line. */
function findings(analysis: MigrationAnalysis): Array<{ line: number; rule: string; message: string }> {
  return analysis.statements.flatMap((statement) => statement.findings.map((finding) => ({ line: statement.line, rule: finding.rule, message: finding.message })));
}

describe('the SQLite dialect', () => {
  let prepared: ShadowDatabase;
  beforeAll(async () => {
    prepared = await sqliteDialect.openPreparedShadow({ scripts: HISTORY, transaction: 'all' });
  });
  afterAll(async () => {
    await prepared?.close();
  });

  it('is chosen for a SQLite project whose ORM plugin reads SQLite, and refused for one whose plugin does not', () => {
    const database = { dialect: 'sqlite' as const, setting: 'dialect: "sqlite"', file: '/app/drizzle.config.ts' };
    expect(dialectFor(database, { orm: ['postgresql', 'sqlite'] })).toBe(sqliteDialect);
    expect(sqliteDialect.capabilities).toEqual({ transactionalDdl: true, onlineIndexBuild: false, embeddedShadow: true });
    const refused = (() => {
      try {
        return dialectFor(database);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(OrmAiError);
    expect(refused).toMatchObject({ code: 'DIALECT_UNSUPPORTED', message: '/app/drizzle.config.ts: dialect: "sqlite" is SQLite, which orm-ai does not support with this ORM yet; supported: PostgreSQL' });
  });

  it("replays the example's drizzle-kit history as drizzle-orm's migrator does, into an in-memory SQLite", async () => {
    expect(prepared.description).toMatch(/^embedded SQLite 3\./);
    const tables = await prepared.query<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    expect(tables.map((table) => table.name)).toEqual(['comments', 'posts', 'posts_to_tags', 'tags', 'users']);
  });

  it('says which migration and line of the history SQLite rejected', async () => {
    const broken = { id: '0002_broken', path: 'drizzle/0002_broken.sql', sql: 'CREATE TABLE a (id integer);\n--> statement-breakpoint\nALTER TABLE a ALTER COLUMN id TYPE text;' };
    const error = await sqliteDialect.openPreparedShadow({ scripts: [...HISTORY, broken], transaction: 'all' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'SHADOW_REJECTED_MIGRATION' });
    expect((error as Error).message).toContain('drizzle/0002_broken.sql:3: the shadow database (embedded SQLite');
  });

  it("reports require-user-bio's recreation as rows lost in posts, measured, with the missing foreign_key_check", async () => {
    const analysis = await sqliteDialect.analyzeMigration({ dialect: sqliteDialect, prepared, path: '0002_require_user_bio', sql: REQUIRE_USER_BIO, transaction: 'all' });
    expect(analysis.postgres).toBeNull();
    expect(analysis.seeded).toEqual(expect.arrayContaining([{ table: 'main.users', rows: 100 }, { table: 'main.posts', rows: 100 }, { table: 'main.comments', rows: 100 }]));
    const found = findings(analysis);
    const dropLine = analysis.statements.find((statement) => statement.sql.startsWith('DROP TABLE `users`'))!.line;
    expect(found.filter((finding) => finding.rule === 'sqlite-cascade-deletes-rows')).toEqual([
      expect.objectContaining({ line: dropLine, message: expect.stringContaining('it deleted 100 of 100 row(s) of posts, a table it does not name') }),
      // posts' own children go with it: the cascade goes on down.
      expect.objectContaining({ line: dropLine, message: expect.stringContaining('100 of 100 row(s) of posts_to_tags') }),
      expect.objectContaining({ line: dropLine, message: expect.stringContaining('100 of 100 row(s) of comments') }),
    ]);
    expect(found.find((finding) => finding.rule === 'sqlite-cascade-deletes-rows')!.message).toContain("PRAGMA foreign_keys=OFF before it does nothing inside the migrator's transaction");
    expect(found.filter((finding) => finding.rule === 'sqlite-foreign-key-check-missing').map((finding) => finding.line)).toEqual([analysis.statements.find((statement) => statement.sql.startsWith('PRAGMA foreign_keys=ON'))!.line]);
    expect(found.filter((finding) => !finding.rule.startsWith('sqlite-'))).toEqual([]);
  });

  it('finds no cascade when the same recreation runs outside a transaction, where the PRAGMA takes effect', async () => {
    const analysis = await sqliteDialect.analyzeMigration({ dialect: sqliteDialect, prepared, path: '0002_require_user_bio', sql: REQUIRE_USER_BIO, transaction: 'none' });
    expect(findings(analysis).map((finding) => finding.rule)).toEqual(['sqlite-foreign-key-check-missing']);
  });

  it("proves the round trip: up's cascade is data loss in posts, and a down cannot bring the rows back", async () => {
    const down = [
      'PRAGMA foreign_keys=OFF;',
      'CREATE TABLE `__old_users` (`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL, `email` text(320) NOT NULL, `display_name` text NOT NULL, `bio` text, `is_admin` integer DEFAULT false NOT NULL, `created_at` integer DEFAULT (unixepoch()) NOT NULL);',
      'INSERT INTO `__old_users`("id", "email", "display_name", "bio", "is_admin", "created_at") SELECT "id", "email", "display_name", "bio", "is_admin", "created_at" FROM `users`;',
      'DROP TABLE `users`;',
      'ALTER TABLE `__old_users` RENAME TO `users`;',
      'PRAGMA foreign_keys=ON;',
      'CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);',
    ];
    const proof = await proveRoundTrip({ dialect: sqliteDialect, prepared, migrationId: '0002_require_user_bio', up: statementsOf(REQUIRE_USER_BIO), down, transaction: 'all' });
    expect(proof.failure).toBeNull();
    expect(proof.schemaDifferences).toEqual([]);
    expect(proof.dataLoss).toEqual(expect.arrayContaining([{ target: 'main.posts', kind: 'rows-lost', count: 100, of: 100 }, { target: 'main.comments', kind: 'rows-lost', count: 100, of: 100 }]));
    expect(proof.dataLoss.map((change) => change.target)).not.toContain('main.users');
    expect(proof.reversible).toBe(false);
    expect(proof.reason).toBe('down does not bring back main.posts: 100 of 100 row(s) gone; main.posts_to_tags: 100 of 100 row(s) gone; main.comments: 100 of 100 row(s) gone.');
    // The proof ran isolated: the prepared shadow still has no rows.
    expect(await prepared.query('SELECT count(*) AS n FROM users')).toEqual([{ n: 0 }]);
  });

  it('proves a reversible migration reversible, keeping every seeded row', async () => {
    const proof = await proveRoundTrip({
      dialect: sqliteDialect,
      prepared,
      migrationId: '0002_add_tag_color',
      up: ['ALTER TABLE `tags` ADD `color` text;'],
      down: ['ALTER TABLE `tags` DROP COLUMN `color`;'],
      transaction: 'all',
    });
    expect(proof).toMatchObject({ reversible: true, reason: null, schemaDifferences: [], dataLoss: [], notRestored: [], failure: null });
    // tags, the table whose foreign keys reference it, and that table's other parents, parents first.
    expect(proof.seeded).toEqual([
      { table: 'main.users', rows: 100 },
      { table: 'main.posts', rows: 100 },
      { table: 'main.tags', rows: 100 },
      { table: 'main.posts_to_tags', rows: 100 },
    ]);
  });

  it.each([
    ['a column renamed in place', 'ALTER TABLE `users` RENAME COLUMN "display_name" TO "full_name";', 'ALTER TABLE `users` RENAME COLUMN "full_name" TO "display_name";'],
    ['a table renamed', 'ALTER TABLE `tags` RENAME TO `labels`;', 'ALTER TABLE `labels` RENAME TO `tags`;'],
  ])('follows %s by its b-tree and position: no data lost, and down restores it', async (_what, up, down) => {
    const proof = await proveRoundTrip({ dialect: sqliteDialect, prepared, migrationId: '0002_rename', up: [up], down: [down], transaction: 'all' });
    expect(proof).toMatchObject({ reversible: true, dataLoss: [], notRestored: [], failure: null });
  });

  it('reports a dropped column as dropped, though the columns after it shift into its place', async () => {
    const proof = await proveRoundTrip({ dialect: sqliteDialect, prepared, migrationId: '0002_drop_bio', up: ['ALTER TABLE `users` DROP COLUMN `display_name`;'], down: ['ALTER TABLE `users` ADD `display_name` text;'], transaction: 'all' });
    expect(proof.dataLoss).toEqual([expect.objectContaining({ kind: 'column-dropped', target: 'main.users.display_name' })]);
  });

  it("finds drizzle-kit 0.31.11's copy of a column the old table lacks from the parse tree", async () => {
    const history = ['0000_init'].map((id) => ({ id, path: id, sql: readFileSync(join(FIXTURES, `drizzle-added-column/${id}.sql`), 'utf8') }));
    const shadow = await sqliteDialect.openPreparedShadow({ scripts: history, transaction: 'all' });
    try {
      const analysis = await sqliteDialect.analyzeMigration({ dialect: sqliteDialect, prepared: shadow, path: '0001_change', sql: readFileSync(join(FIXTURES, 'drizzle-added-column/0001_change.sql'), 'utf8'), transaction: 'all' });
      expect(findings(analysis).filter((finding) => finding.rule === 'sqlite-recreation-copy-mismatch')).toEqual([
        expect.objectContaining({ message: expect.stringContaining('The copy into __new_posts reads "created_at", which posts does not have') }),
      ]);
    } finally {
      await shadow.close();
    }
  });

  it('turns an ALTER form SQLite lacks and SQL it cannot parse into findings, not crashes', async () => {
    const alter = await sqliteDialect.analyzeMigration({ dialect: sqliteDialect, prepared, path: 'alter', sql: 'ALTER TABLE `users` ALTER COLUMN `bio` TYPE integer;\nALTER TABLE `users` ADD `nickname` text;', transaction: 'all' });
    expect(findings(alter)).toEqual([{ line: 1, rule: 'sqlite-unsupported-alter', message: 'SQLite has no ALTER TABLE ALTER COLUMN. The shadow rejected it: near "TYPE": syntax error' }]);
    expect(alter.statements[1]).toMatchObject({ error: 'not run: the statement at line 1 failed', durationMs: null });
    const unparsed = await sqliteDialect.analyzeMigration({ dialect: sqliteDialect, prepared, path: 'garbage', sql: 'CREATE TABLE (;', transaction: 'all' });
    expect(findings(unparsed)).toEqual([{ line: 1, rule: 'statement-failed', message: expect.stringMatching(/^does not parse as SQLite: /) }]);
  });

  it("flags SQLite 3.53's in-place NOT NULL, which the shadow runs and older SQLites refuse", async () => {
    const analysis = await sqliteDialect.analyzeMigration({ dialect: sqliteDialect, prepared, path: 'not-null', sql: 'ALTER TABLE `users` ALTER COLUMN `bio` SET NOT NULL;', transaction: 'all' });
    expect(findings(analysis)).toEqual([{ line: 1, rule: 'sqlite-unsupported-alter', message: expect.stringMatching(/^ALTER TABLE ALTER COLUMN \.\.\. SET NOT NULL needs SQLite 3\.53\.0 or later/) }]);
  });
});
