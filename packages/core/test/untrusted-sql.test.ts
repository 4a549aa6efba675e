import { describe, expect, it } from 'vitest';
import { parseSql } from '../src/dialect/postgres/parser.js';
import { untrustedSqlProblems, type UntrustedSqlOptions } from '../src/untrusted-sql/index.js';

/** Every problem of every statement in `sql`. */
async function problemsOf(sql: string, options?: UntrustedSqlOptions): Promise<string[]> {
  const parsed = await parseSql(sql);
  if (!parsed.ok) throw new Error(`test SQL does not parse: ${parsed.message}`);
  return parsed.statements.flatMap((statement) => untrustedSqlProblems(statement, options));
}

const objectScope = 'steps may only touch tables, columns, indexes, sequences, types, constraints, views and triggers in the schema(s) public';
const catalogReason = 'catalogs describe other objects, roles, sessions and the server';
const alterScope = 'ALTER in a step may only add, drop or alter columns';

describe('untrustedSqlProblems', () => {
  it.each([
    ['ALTER DATABASE other_db RENAME TO x', 'renames a database ("other_db")'],
    ["COMMENT ON DATABASE users_db IS 'owned'", 'comments on a database ("users_db")'],
    ['ALTER ROLE someone RENAME TO x', 'renames a role ("someone")'],
    ["COMMENT ON ROLE r IS 'x'", 'comments on a role ("r")'],
    ['ALTER SCHEMA public RENAME TO x', 'renames a schema ("public")'],
    ['DROP SCHEMA public CASCADE', 'drops a schema ("public")'],
    ["COMMENT ON EXTENSION plpgsql IS 'x'", 'comments on an extension ("plpgsql")'],
    ['ALTER TABLESPACE pg_default RENAME TO x', 'renames a tablespace ("pg_default")'],
    ['DROP FUNCTION f(int)', 'drops a function ("f")'],
    ['ALTER SERVER s RENAME TO t', 'renames a foreign server ("s")'],
    ['ALTER PUBLICATION p RENAME TO q', 'renames a publication ("p")'],
    ['ALTER FOREIGN TABLE ft RENAME COLUMN a TO b', 'renames a column of a foreign table ("ft")'],
    ['ALTER FOREIGN TABLE ft ADD COLUMN b int', 'alters a foreign table ("ft")'],
    ['ALTER POLICY p ON posts RENAME TO q', 'renames a policy ("posts.p")'],
  ])('refuses %s, naming the object and what steps may touch', async (sql, reason) => {
    expect(await problemsOf(sql)).toEqual([`${reason}; ${objectScope}`]);
  });

  it.each([
    ['ALTER TABLE t OWNER TO r', 'changes the owner of "t" (OWNER TO)'],
    ['ALTER TABLE t DISABLE TRIGGER ALL', 'disables every trigger of "t" (DISABLE TRIGGER ALL), the foreign-key triggers'],
    ['ALTER TABLE t ENABLE TRIGGER ALL', 'enables every trigger of "t" (ENABLE TRIGGER ALL)'],
    ['ALTER TABLE t DISABLE TRIGGER USER', 'disables every user trigger of "t"'],
    ['ALTER TABLE t ENABLE TRIGGER USER', 'enables every user trigger of "t"'],
    ['ALTER TABLE t SET TABLESPACE fast', 'moves "t" to another tablespace'],
    ['ALTER TABLE t REPLICA IDENTITY FULL', 'changes the replica identity of "t"'],
    ['ALTER TABLE t SET UNLOGGED', 'stops writing "t" to the WAL'],
    ['ALTER TABLE t CLUSTER ON t_pkey', 'runs the sub-command ClusterOn on "t"'],
  ])('refuses the ALTER TABLE sub-command of %s', async (sql, reason) => {
    const problems = await problemsOf(sql);
    expect(problems).toEqual([expect.stringContaining(reason)]);
    expect(problems[0]).toContain(alterScope);
  });

  it('refuses GRANT, REVOKE and other statement kinds before any other check', async () => {
    expect(await problemsOf('GRANT SELECT ON pg_authid TO public; REVOKE ALL ON posts FROM public; GRANT pg_read_server_files TO app;')).toEqual([
      expect.stringContaining('(GrantStmt)'),
      expect.stringContaining('(GrantStmt)'),
      expect.stringContaining('(GrantRoleStmt)'),
    ]);
    expect(await problemsOf('ALTER TABLE posts SET SCHEMA audit; ALTER TABLE posts OWNER TO r; ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO public')).toEqual([
      expect.stringContaining('(AlterObjectSchemaStmt)'),
      expect.stringContaining('changes the owner of "posts"'),
      expect.stringContaining('(AlterDefaultPrivilegesStmt)'),
    ]);
  });

  it('refuses a statement nested in an allowed one unless it is a query or a data change', async () => {
    expect(await problemsOf('CREATE TABLE loot AS EXECUTE stolen')).toEqual([expect.stringContaining('runs a nested statement (ExecuteStmt)')]);
    expect(await problemsOf('WITH gone AS (DELETE FROM posts WHERE id < 10 RETURNING id) SELECT count(*) FROM gone')).toEqual([]);
  });

  it.each([
    ['CREATE TABLE x AS SELECT * FROM pg_authid', 'reads pg_authid, a system catalog relation'],
    ['CREATE VIEW v AS SELECT * FROM pg_stat_activity', 'reads pg_stat_activity, a system catalog relation'],
    ["UPDATE posts SET title = (SELECT setting FROM pg_settings WHERE name = 'data_directory')", 'reads pg_settings'],
    ['UPDATE posts SET title = x.rolname FROM (SELECT rolname FROM pg_roles) x', 'reads pg_roles'],
    ['WITH r AS (SELECT * FROM pg_hba_file_rules) INSERT INTO posts (title) SELECT address FROM r', 'reads pg_hba_file_rules'],
    ['DELETE FROM posts USING pg_database', 'reads pg_database'],
    ['CREATE TABLE copy (LIKE pg_shadow)', 'reads pg_shadow'],
    ['TABLE pg_authid', 'reads pg_authid'],
    ['SELECT * FROM pg_catalog.pg_class', 'reads pg_catalog.pg_class, in the system schema pg_catalog'],
    ['SELECT * FROM information_schema.role_table_grants', 'reads information_schema.role_table_grants, in the system schema information_schema'],
    ['SELECT * FROM pg_toast.pg_toast_1260', 'reads pg_toast.pg_toast_1260, in the system schema pg_toast'],
    ['SELECT * FROM audit.log', 'reads audit.log, in schema "audit", which the ORM does not manage'],
    ['SELECT * FROM otherdb.public.posts', 'reads otherdb.public.posts, which names a database'],
    ['TRUNCATE pg_largeobject', 'touches pg_largeobject, a system catalog relation'],
    ['INSERT INTO pg_catalog.pg_namespace (nspname) VALUES (1)', 'touches pg_catalog.pg_namespace'],
    ['ALTER TABLE posts ADD FOREIGN KEY (author_id) REFERENCES pg_authid (oid)', 'touches pg_authid'],
    ['CREATE TABLE child () INHERITS (pg_catalog.pg_class)', 'touches pg_catalog.pg_class'],
    ['CREATE VIEW audit.v AS SELECT id FROM posts', 'touches audit.v, in schema "audit"'],
  ])('refuses %s: relations outside the managed schemas, wherever they sit', async (sql, reason) => {
    const problems = await problemsOf(sql);
    expect(problems).toEqual([expect.stringContaining(reason)]);
    expect(problems[0]).toContain("the plan's SQL may only use relations in the schema(s) public");
    if (reason.includes('system')) expect(problems[0]).toContain(catalogReason);
  });

  it.each([
    ["COMMENT ON COLUMN pg_catalog.pg_authid.rolpassword IS 'x'", 'touches pg_catalog.pg_authid'],
    ["COMMENT ON TABLE pg_authid IS 'x'", 'touches pg_authid'],
    ['DROP TABLE public.posts, pg_catalog.pg_class', 'touches pg_catalog.pg_class'],
    ['DROP TRIGGER tg ON pg_catalog.pg_class', 'touches pg_catalog.pg_class'],
    ["ALTER TYPE pg_catalog.mood ADD VALUE 'x'", 'touches pg_catalog.mood'],
    ["CREATE TYPE audit.mood AS ENUM ('a')", 'touches audit.mood'],
    ['ALTER DOMAIN pg_catalog.d SET NOT NULL', 'touches pg_catalog.d'],
    ["COMMENT ON CONSTRAINT c ON DOMAIN audit.d IS 'x'", 'touches audit.d'],
    ['ALTER SEQUENCE posts_id_seq OWNED BY pg_catalog.pg_class.oid', 'touches pg_catalog.pg_class'],
  ])('refuses %s: qualified names in object lists outside the managed schemas', async (sql, reason) => {
    expect(await problemsOf(sql)).toEqual([expect.stringContaining(reason)]);
  });

  it('takes the managed schemas as an option', async () => {
    expect(await problemsOf('UPDATE audit.log SET note = lower(note)', { managedSchemas: ['public', 'audit'] })).toEqual([]);
    expect(await problemsOf('SELECT * FROM billing.invoices', { managedSchemas: ['public', 'audit'] })).toEqual([
      expect.stringContaining('may only use relations in the schema(s) public, audit'),
    ]);
    expect(await problemsOf('SELECT * FROM pg_authid', { managedSchemas: ['public', 'audit'] })).toEqual([expect.stringContaining('reads pg_authid')]);
  });

  it.each([
    ["SELECT * FROM ts_stat('SELECT to_tsvector(rolpassword) FROM pg_authid')", 'calls ts_stat (runs SQL given as a string'],
    ["SELECT pg_catalog.ts_rewrite('a'::tsquery, 'SELECT 1')", 'calls ts_rewrite (runs SQL given as a string'],
    ["SELECT query_to_xml_and_xmlschema('SELECT 1', true, true, '')", 'calls query_to_xml_and_xmlschema'],
    ["SELECT cursor_to_xmlschema('c', true, true, '')", 'calls cursor_to_xmlschema'],
    ["SELECT table_to_xml('pg_authid'::regclass, true, true, '')", 'calls table_to_xml'],
    ["SELECT schema_to_xml('pg_catalog', true, true, '')", 'calls schema_to_xml'],
    ["SELECT database_to_xmlschema(true, true, '')", 'calls database_to_xmlschema'],
    ["SELECT dblink_connect('host=elsewhere')", 'calls dblink_connect (connects to other servers)'],
    ["SELECT current_setting('data_directory')", 'calls current_setting (reads or changes server settings'],
    ['SELECT * FROM pg_show_all_settings()', 'calls pg_show_all_settings'],
    ['SELECT * FROM pg_catalog.pg_hba_file_rules()', 'calls pg_hba_file_rules'],
    ['SELECT * FROM pg_config()', 'calls pg_config'],
    ['SELECT * FROM pg_control_system()', 'calls pg_control_system'],
    ['SELECT pg_current_logfile(), pg_tablespace_location(1663), pg_relation_filepath(1)', 'calls pg_current_logfile, pg_tablespace_location, pg_relation_filepath'],
    ['SELECT inet_server_addr(), inet_client_port(), pg_postmaster_start_time()', 'calls inet_server_addr, inet_client_port, pg_postmaster_start_time'],
    ['SELECT * FROM pg_stat_get_activity(NULL)', 'calls pg_stat_get_activity (sees or acts on other sessions)'],
    ['SELECT pg_backend_pid(), pg_blocking_pids(1)', 'calls pg_backend_pid, pg_blocking_pids'],
    ["SELECT pg_has_role('app', 'postgres', 'member'), has_table_privilege('app', 'posts', 'select')", 'calls pg_has_role, has_table_privilege (reveals other roles'],
    ['SELECT pg_get_userbyid(10)', 'calls pg_get_userbyid'],
  ])('refuses %s: functions that act outside the schema change', async (sql, reason) => {
    expect(await problemsOf(sql)).toEqual([expect.stringContaining(reason)]);
  });

  it.each([
    'CREATE TABLE t (id int) TABLESPACE fast',
    'CREATE INDEX t_idx ON posts (title) TABLESPACE fast',
    'CREATE TABLE t (id int, CONSTRAINT t_pkey PRIMARY KEY (id) USING INDEX TABLESPACE fast)',
    'CREATE TABLE t TABLESPACE fast AS SELECT id FROM posts',
  ])('refuses a tablespace: %s', async (sql) => {
    expect(await problemsOf(sql)).toEqual([expect.stringContaining('places data in tablespace "fast"')]);
  });

  it('names each reason of a statement once, and only the kind when the kind is refused', async () => {
    const backfill =
      "UPDATE users SET bio = (SELECT rolpassword FROM pg_authid WHERE rolname = 'x') || (SELECT string_agg(word, ' ') FROM ts_stat($q$SELECT to_tsvector('simple', pg_read_file('/etc/passwd'))$q$)) || (SELECT rolname FROM pg_authid LIMIT 1)";
    expect(await problemsOf(backfill)).toEqual([expect.stringContaining('reads pg_authid'), expect.stringContaining('calls ts_stat')]);
    expect(await problemsOf("DO $$ BEGIN PERFORM pg_read_file('/etc/passwd'); END $$")).toEqual([expect.stringContaining('(DoStmt)')]);
  });

  it.each([
    'UPDATE posts SET title = lower(title) WHERE id BETWEEN 1 AND 1000',
    'WITH batch AS (SELECT id FROM posts WHERE title IS NULL LIMIT 1000) UPDATE posts SET title = \'\' FROM batch WHERE posts.id = batch.id',
    "CREATE INDEX CONCURRENTLY posts_live_idx ON posts (title) WHERE status = 'published'",
    'ALTER TABLE posts ADD CONSTRAINT posts_title_length CHECK (length(title) < 200) NOT VALID',
    'ALTER TABLE posts VALIDATE CONSTRAINT posts_title_length',
    'ALTER TABLE posts ALTER COLUMN title TYPE varchar(80) USING left(title, 80), ALTER COLUMN title SET NOT NULL, SET (fillfactor = 70)',
    'ALTER TABLE posts ENABLE ROW LEVEL SECURITY, DISABLE TRIGGER posts_audit',
    "COMMENT ON COLUMN posts.title IS 'x'",
    "COMMENT ON TABLE public.posts IS 'x'",
    "ALTER TYPE mood ADD VALUE 'x'",
    'DROP INDEX CONCURRENTLY posts_x_idx',
    'ALTER TABLE public.posts RENAME COLUMN a TO b',
    'ALTER INDEX posts_x_idx RENAME TO posts_y_idx',
    "SELECT setval('posts_id_seq', (SELECT max(id) FROM posts))",
    "SELECT setval(pg_get_serial_sequence('posts', 'id'), 1)",
    "SET lock_timeout = '5s'",
    'CREATE VIEW v AS SELECT id FROM public.posts',
    'CREATE MATERIALIZED VIEW mv AS SELECT id FROM posts',
    'REFRESH MATERIALIZED VIEW CONCURRENTLY mv',
    "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%')",
    'CREATE TYPE pair AS (a int, b int)',
    'ALTER TYPE pair ADD ATTRIBUTE c int',
    'ALTER SEQUENCE posts_id_seq OWNED BY posts.id',
    'CREATE TABLE tags (id serial PRIMARY KEY, post_id int REFERENCES posts (id), kind pg_lsn)',
    'DROP TRIGGER posts_audit ON posts',
  ])('lets %s through', async (sql) => {
    expect(await problemsOf(sql)).toEqual([]);
  });
});
