import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMysql, type MysqlStatement } from '../src/dialect/mysql/parser.js';

const FIXTURES = new URL('./fixtures/mysql/', import.meta.url);

function fixture(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8');
}

/** `line kind tables`, one string a statement. */
function shape(statements: readonly MysqlStatement[]): string[] {
  return statements.map(({ kind, tables, line }) => `${line} ${kind} ${tables.join(',')}`.trimEnd());
}

function statementsOf(text: string): MysqlStatement[] {
  const parsed = parseMysql(text);
  if (!parsed.ok) throw new Error(`does not parse: ${parsed.message}`);
  return parsed.statements;
}

describe('the MySQL parser on what the ORMs write', () => {
  it("reads drizzle-kit's mysql migrations (serial, backticks, statement breakpoints): kinds, tables, lines and text", () => {
    const created = statementsOf(fixture('drizzle/0000_create.sql'));
    expect(shape(created)).toEqual(['1 create table users', '10 create table posts', '19 alter table posts', '21 create index posts']);
    expect(created[0]!.sql.startsWith('CREATE TABLE `users` (\n\t`id` serial AUTO_INCREMENT NOT NULL,')).toBe(true);
    // The breakpoint marker is between statements, in neither.
    expect(created.every((statement) => !statement.sql.includes('statement-breakpoint'))).toBe(true);
    const changed = statementsOf(fixture('drizzle/0001_change.sql'));
    expect(shape(changed)).toEqual([
      '1 alter table posts',
      '4 drop index posts',
      '6 alter table users',
      '8 alter table posts',
      '10 alter table users',
      '12 alter table users',
      '14 alter table posts',
      '16 alter table posts',
      '18 alter table posts',
    ]);
    expect(changed[1]!.sql).toBe('DROP INDEX `title_idx` ON `posts`;');
  });

  it("reads Prisma's mysql migration.sql: comment headers, UNIQUE INDEX in CREATE TABLE, multi-clause ALTER", () => {
    expect(shape(statementsOf(fixture('prisma/0_init/migration.sql')))).toEqual(['2 create table users', '14 create table _ProfileToUser', '23 alter table _ProfileToUser']);
    const change = statementsOf(fixture('prisma/1_change/migration.sql'));
    expect(shape(change)).toEqual(['8 drop index users', '11 alter table users', '16 create index users']);
    expect((change[1]!.ast.expr as unknown[]).length).toBe(3);
  });

  it("reads TypeORM's MariaDB queries: ENGINE=InnoDB, CHANGE, ADD UNIQUE INDEX", () => {
    expect(shape(statementsOf(fixture('typeorm/1-create.sql')))).toEqual(['1 create table user', '2 create table post', '3 alter table post']);
    expect(shape(statementsOf(fixture('typeorm/2-change.sql')))).toEqual(['1 alter table user', '2 drop index user', '3 alter table user', '4 alter table user', '5 alter table user', '6 alter table post']);
  });
});

describe('the MySQL parser on its own', () => {
  it('names the tables a statement writes, not those it reads', () => {
    expect(shape(statementsOf('INSERT INTO `new_t` (`a`) SELECT `a` FROM `t`;\nRENAME TABLE `a` TO `b`;\nDROP TABLE `x`, `y`;'))).toEqual(['1 insert new_t', '2 rename table a,b', '3 drop table x,y']);
  });

  it('keeps quotes, escapes and comments inside a statement', () => {
    const [first, second] = statementsOf("INSERT INTO t (a, b, c) VALUES ('a;b', 'it''s', 'c\\';d'); # done\n/* ; */ UPDATE `odd;name` SET a = 1 -- x;\n;");
    expect(first!.sql).toBe("INSERT INTO t (a, b, c) VALUES ('a;b', 'it''s', 'c\\';d');");
    expect(second).toMatchObject({ kind: 'update', tables: ['odd;name'], line: 2 });
  });

  it("reads drizzle-kit's serial type without touching a quoted `serial`", () => {
    const [statement] = statementsOf("CREATE TABLE `t` (`serial` serial NOT NULL, note varchar(9) DEFAULT 'serial');");
    expect(statement!.sql).toBe("CREATE TABLE `t` (`serial` serial NOT NULL, note varchar(9) DEFAULT 'serial');");
    const definitions = (statement!.ast.create_definitions as Array<{ column?: { column?: string }; definition?: { dataType?: string }; default_val?: { value?: { value?: string } } }>) ?? [];
    expect(definitions.map((definition) => [definition.column?.column, definition.definition?.dataType])).toEqual([
      ['serial', 'BIGINT'],
      ['note', 'VARCHAR'],
    ]);
    expect(definitions[1]!.default_val?.value?.value).toBe('serial');
  });

  it('tells transactions and SET apart', () => {
    expect(statementsOf('START TRANSACTION; SET FOREIGN_KEY_CHECKS=0; COMMIT;').map((statement) => statement.kind)).toEqual(['transaction', 'set', 'transaction']);
  });

  it('refuses a statement it cannot read with a code, its line and its text', () => {
    const parsed = parseMysql('ALTER TABLE t ADD c int;\n\nOPTIMIZE TABLE t;\nDROP TABLE t;');
    expect(parsed).toMatchObject({ ok: false, code: 'UNPARSED_STATEMENT', line: 3, sql: 'OPTIMIZE TABLE t;' });
    expect(parseMysql('FOO BAR;')).toMatchObject({ ok: false, code: 'UNPARSED_STATEMENT', line: 1 });
  });

  it('returns no statements for comments alone', () => {
    expect(statementsOf('-- nothing\n/* here */\n# at all\n')).toEqual([]);
  });
});
