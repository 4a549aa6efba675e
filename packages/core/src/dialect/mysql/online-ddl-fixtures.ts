import type { AlterAlgorithm, AlterLock } from './alter-algorithm.js';

/**
 * MySQL's classic schema-change dangers, one fixture per statement, each with what MariaDB
 * 10.11 does with it, measured on the server by `measureAlterAlgorithm` over `FIXTURE_SETUP`
 * (`mysql-alter-algorithm.test.ts` measures every fixture again and fails when a fact
 * changes), and what MySQL 8 does per its manual, which was not measured here.
 *
 * Data for a rule module: a rule reads `measured` to know which statements rewrite a table or
 * block writes, and `mysql8` to say where the other server differs.
 *
 * MySQL 8's facts: https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html
 * MariaDB's: https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-instant-alter-algorithm/
 */
export interface OnlineDdlFixture {
  /** Stable, kebab-case: a rule's fixture names it. */
  readonly id: string;
  /** The danger, in a sentence. */
  readonly danger: string;
  readonly statement: string;
  /** A statement that takes no ALGORITHM clause is measured as the ALTER the server runs for it. */
  readonly measuredAs?: string;
  /** On MariaDB 10.11 over `FIXTURE_SETUP`. */
  readonly measured: MeasuredFact;
  /** What MySQL 8.0 does, from its manual (not measured). */
  readonly mysql8: string;
}

export type MeasuredFact =
  | { readonly algorithm: AlterAlgorithm; readonly lock: AlterLock; readonly rebuilds: boolean }
  | { readonly fails: string };

/** The tables every fixture runs on: rows with NULLs where the dangers need them, utf8mb4 (4 bytes a character). */
export const FIXTURE_SETUP = `
CREATE TABLE users (
  id int PRIMARY KEY AUTO_INCREMENT,
  email varchar(100) NOT NULL,
  name varchar(60) NULL,
  nick varchar(60) NULL,
  city varchar(30) NULL,
  age int NULL,
  KEY users_age (age)
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE posts (id int PRIMARY KEY AUTO_INCREMENT, user_id int NOT NULL, title varchar(50) NOT NULL) DEFAULT CHARSET=utf8mb4;
CREATE TABLE events (id int NOT NULL, at datetime NULL) DEFAULT CHARSET=utf8mb4;
INSERT INTO users (email, name, nick, city, age) VALUES ('a@x', 'Ann', NULL, 'Oslo', 30), ('b@x', NULL, 'bee', 'Rome', NULL);
INSERT INTO posts (user_id, title) VALUES (1, 't1'), (2, 't2');
INSERT INTO events (id, at) VALUES (1, NULL), (2, '2026-01-01 00:00:00');`;

const MYSQL8 = 'https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html';

export const ONLINE_DDL_FIXTURES: readonly OnlineDdlFixture[] = [
  {
    id: 'add-nullable-column',
    danger: 'none on its own: the cheap way to add a column',
    statement: 'ALTER TABLE users ADD COLUMN bio text NULL',
    measured: { algorithm: 'INSTANT', lock: 'NONE', rebuilds: false },
    mysql8: `INSTANT from 8.0.12 when the column is added last, anywhere from 8.0.29; INPLACE with a rebuild before (${MYSQL8}#online-ddl-column-operations)`,
  },
  {
    id: 'add-column-non-constant-default',
    danger: 'a default evaluated per row (RAND(), UUID()) is evaluated once when the column is added instantly: every existing row gets the same value',
    statement: 'ALTER TABLE users ADD COLUMN token double NOT NULL DEFAULT (RAND())',
    measured: { algorithm: 'INSTANT', lock: 'NONE', rebuilds: false },
    mysql8: `expression defaults exist from 8.0.13; the manual lists INSTANT for ADD COLUMN without naming expression defaults as an exception: not measured (${MYSQL8}#online-ddl-column-operations)`,
  },
  {
    id: 'change-column-type',
    danger: 'the table is copied row by row while writes wait',
    statement: 'ALTER TABLE users MODIFY age bigint NULL',
    measured: { algorithm: 'COPY', lock: 'SHARED', rebuilds: true },
    mysql8: `COPY, writes blocked, the table rebuilt (${MYSQL8}#online-ddl-column-operations: "Changing the column data type")`,
  },
  {
    id: 'widen-varchar-within-255-bytes',
    danger: 'none: the length still fits one length byte (63 utf8mb4 characters = 252 bytes)',
    statement: 'ALTER TABLE users MODIFY name varchar(63) NULL',
    measured: { algorithm: 'INSTANT', lock: 'NONE', rebuilds: false },
    mysql8: `INPLACE, no rebuild, when the number of length bytes stays the same (${MYSQL8}#online-ddl-column-operations: "Extending VARCHAR column size")`,
  },
  {
    id: 'widen-varchar-across-255-bytes',
    danger: 'crossing 255 bytes (64 utf8mb4 characters = 256 bytes) needs a second length byte: the table is copied while writes wait',
    statement: 'ALTER TABLE users MODIFY name varchar(64) NULL',
    measured: { algorithm: 'COPY', lock: 'SHARED', rebuilds: true },
    mysql8: `COPY: "ALGORITHM=COPY is required" when the length bytes change from 1 to 2 (${MYSQL8}#online-ddl-column-operations)`,
  },
  {
    id: 'add-index',
    danger: 'none for writes: built in place while the table stays writable (it still reads the whole table)',
    statement: 'CREATE INDEX users_name ON users (name)',
    measured: { algorithm: 'INPLACE', lock: 'NONE', rebuilds: false },
    mysql8: `INPLACE, concurrent DML permitted, no rebuild (${MYSQL8}#online-ddl-index-operations)`,
  },
  {
    id: 'add-unique-index',
    danger: 'built in place and writable, but fails at the end on a duplicate, including one written during the build',
    statement: 'ALTER TABLE users ADD UNIQUE INDEX users_email (email)',
    measured: { algorithm: 'INPLACE', lock: 'NONE', rebuilds: false },
    mysql8: `INPLACE, concurrent DML permitted (${MYSQL8}#online-ddl-index-operations)`,
  },
  {
    id: 'drop-index',
    danger: 'none for the table; queries that used the index get slower',
    statement: 'DROP INDEX users_age ON users',
    // MariaDB names it NOCOPY (in place, no rebuild), a rung MySQL lacks: INPLACE without a rebuild here.
    measured: { algorithm: 'INPLACE', lock: 'NONE', rebuilds: false },
    mysql8: `INPLACE, metadata only (${MYSQL8}#online-ddl-index-operations)`,
  },
  {
    id: 'replace-primary-key',
    danger: 'the clustered index is the table: every row is rewritten',
    statement: 'ALTER TABLE users DROP PRIMARY KEY, ADD PRIMARY KEY (id, email)',
    measured: { algorithm: 'INPLACE', lock: 'NONE', rebuilds: true },
    mysql8: `INPLACE with a rebuild when dropped and added in one statement; dropping alone is COPY (${MYSQL8}#online-ddl-primary-key-operations)`,
  },
  {
    id: 'add-primary-key',
    danger: 'the table is rebuilt around the new clustered index',
    statement: 'ALTER TABLE events ADD PRIMARY KEY (id)',
    measured: { algorithm: 'INPLACE', lock: 'NONE', rebuilds: true },
    mysql8: `INPLACE with a rebuild, "expensive" (${MYSQL8}#online-ddl-primary-key-operations)`,
  },
  {
    id: 'add-foreign-key',
    danger: 'with foreign_key_checks on (the default) the child table is copied while writes wait',
    statement: 'ALTER TABLE posts ADD CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id)',
    measured: { algorithm: 'COPY', lock: 'SHARED', rebuilds: true },
    mysql8: `INPLACE only with foreign_key_checks off; COPY with it on (${MYSQL8}#online-ddl-foreign-key-operations)`,
  },
  {
    id: 'rename-column',
    danger: 'none for the table; code still reading the old name breaks at once',
    statement: 'ALTER TABLE users RENAME COLUMN nick TO handle',
    measured: { algorithm: 'INSTANT', lock: 'NONE', rebuilds: false },
    mysql8: `INSTANT from 8.0.28, INPLACE before (${MYSQL8}#online-ddl-column-operations)`,
  },
  {
    id: 'drop-column',
    danger: 'the data is gone; instantly, with no copy to undo it',
    statement: 'ALTER TABLE users DROP COLUMN nick',
    measured: { algorithm: 'INSTANT', lock: 'NONE', rebuilds: false },
    mysql8: `INSTANT from 8.0.29; INPLACE with a rebuild before (${MYSQL8}#online-ddl-column-operations)`,
  },
  {
    id: 'set-not-null-over-nulls',
    danger: 'fails on the rows holding NULL under strict sql_mode (and turns them into "" or 0 without it)',
    statement: 'ALTER TABLE users MODIFY name varchar(60) NOT NULL',
    measured: { fails: 'Data truncated' },
    mysql8: `INPLACE with a rebuild; fails on NULLs in strict mode (${MYSQL8}#online-ddl-column-operations: "Making a column NOT NULL")`,
  },
  {
    id: 'set-not-null',
    danger: 'every row is checked, and the table rebuilt, to make a column NOT NULL',
    statement: 'ALTER TABLE users MODIFY city varchar(30) NOT NULL',
    measured: { algorithm: 'INPLACE', lock: 'NONE', rebuilds: true },
    mysql8: `INPLACE with a rebuild (${MYSQL8}#online-ddl-column-operations: "Making a column NOT NULL")`,
  },
  {
    id: 'optimize-table',
    danger: 'InnoDB runs OPTIMIZE TABLE as ALTER TABLE ... FORCE: a full rebuild',
    statement: 'OPTIMIZE TABLE users',
    // The null ALTER the manual names beside FORCE; node-sql-parser 5.4 does not read FORCE.
    measuredAs: 'ALTER TABLE users ENGINE=InnoDB',
    measured: { algorithm: 'INPLACE', lock: 'NONE', rebuilds: true },
    mysql8: `INPLACE with a rebuild, like ALTER TABLE ... FORCE (${MYSQL8}#online-ddl-table-operations)`,
  },
];
