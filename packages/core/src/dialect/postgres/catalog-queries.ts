import { userSchemasOnly } from './user-schemas.js';

// The SQL text of every catalog read core runs: `catalog-reader.ts` runs them and types their
// rows. Catalog functions and columns present alike in PostgreSQL 15 and 18. Identifiers are
// qualified with pg_catalog where a migration's own objects could shadow them on the search path.
// 64-bit values are cast to int8 or text: node-postgres and PGlite return int8 differently.

const USER_SCHEMA = userSchemasOnly('n.nspname');

/** Reads the search path and sets it in one round trip: the CTE is read before the outer row sets. */
export const SWAP_SEARCH_PATH_SQL = `WITH saved AS MATERIALIZED (SELECT pg_catalog.current_setting('search_path') AS path)
SELECT saved.path, pg_catalog.set_config('search_path', $1, false) AS now FROM saved`;

export const SET_SEARCH_PATH_SQL = "SELECT pg_catalog.set_config('search_path', $1, false) AS now";

export const SCHEMAS_SQL = `SELECT n.nspname::text AS name FROM pg_catalog.pg_namespace n WHERE ${USER_SCHEMA} ORDER BY n.nspname`;

export const RELATIONS_SQL = `
SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS relkind,
  CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END AS definition,
  CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS "partitionKey",
  CASE WHEN c.relispartition THEN
    (SELECT i.inhparent::pg_catalog.regclass::text FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid) || ' ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid)
  END AS "partitionOf"
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMA}
ORDER BY n.nspname, c.relname`;

/** Which relations' columns: every user relation, or tables by oid, or tables by name. */
export type ColumnsSelection = 'user relations' | 'tables by oid' | 'tables by name';

const COLUMNS_WHERE: Readonly<Record<ColumnsSelection, string>> = {
  'user relations': `c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMA}`,
  'tables by oid': `c.relkind IN ('r', 'p') AND c.oid = ANY ($1::pg_catalog.oid[])`,
  // Multi-argument unnest is FROM syntax, not a pg_catalog function: it cannot be qualified.
  'tables by name': `c.relkind IN ('r', 'p') AND (n.nspname, c.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
};

/** What a columns read adds to a column's table oid, name and type. */
export interface ColumnFactsWanted {
  /** Schema, table name and attnum: the table contents'. */
  readonly place: boolean;
  /** Membership of the primary key: the table contents' and the seeder's. */
  readonly primaryKey: boolean;
  /** NOT NULL, identity, generation, and DEFAULT (read from the expression when there is one): the seeder's and the snapshot's. */
  readonly facts: boolean;
  /** Default and generation expressions deparsed, and the collation: the snapshot's. */
  readonly expressions: boolean;
  /** The type under the column's domains: the seeder's. */
  readonly baseTypes: boolean;
}

/**
 * The columns of the selected relations (attnum > 0, not dropped): what the snapshot, the
 * seeder and the table contents all read, in one shape. Each field costs on every row (on
 * PGlite about 3 ms per field for 1,500 columns) and deparsing expressions most, so each
 * reader asks only for the facts it uses: none reads more than its own query did before.
 */
function columnsSelect(selection: ColumnsSelection, wanted: ColumnFactsWanted): string {
  const fields = ['c.oid::int8 AS "tableOid"', 'a.attname::text AS name', 'pg_catalog.format_type(a.atttypid, a.atttypmod) AS type'];
  const joins: string[] = [];
  if (wanted.place) fields.push('n.nspname::text AS schema', 'c.relname::text AS table', 'a.attnum::int4 AS position');
  if (wanted.primaryKey) {
    fields.push('coalesce(a.attnum = ANY (k.indkey::int2[]), false) AS "inPrimaryKey"');
    joins.push('LEFT JOIN pg_catalog.pg_index k ON k.indrelid = c.oid AND k.indisprimary');
  }
  if (wanted.facts) fields.push('a.attnotnull AS "notNull"', 'a.attidentity::text AS identity', 'a.attgenerated::text AS generated');
  if (wanted.facts && !wanted.expressions) fields.push('a.atthasdef AS "hasDefault"');
  if (wanted.expressions) {
    fields.push(
      'pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS expression',
      'CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::pg_catalog.regcollation::text END AS collation',
    );
    joins.push('JOIN pg_catalog.pg_type t ON t.oid = a.atttypid', 'LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum');
  }
  return `
SELECT ${fields.join(', ')}
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
${joins.join('\n')}
WHERE a.attnum > 0 AND NOT a.attisdropped AND ${COLUMNS_WHERE[selection]}`;
}

/**
 * The columns, ordered by relation oid and attnum, with the facts wanted. For base types a
 * domain column's atttypmod is -1: the length of varchar(3) under it is the domain's typtypmod.
 */
export function columnsSql(selection: ColumnsSelection, wanted: ColumnFactsWanted): string {
  if (!wanted.baseTypes) return `${columnsSelect(selection, wanted)}\nORDER BY c.oid, a.attnum`;
  return `
WITH RECURSIVE selected AS MATERIALIZED (${columnsSelect(selection, wanted).replace('SELECT ', 'SELECT a.attnum, ')}
), resolved AS (
  SELECT a.attrelid, a.attnum, a.atttypid AS type_oid, a.atttypmod AS typmod
  FROM selected s JOIN pg_catalog.pg_attribute a ON a.attrelid = s."tableOid"::pg_catalog.oid AND a.attnum = s.attnum
  UNION ALL
  SELECT r.attrelid, r.attnum, t.typbasetype, CASE WHEN r.typmod = -1 THEN t.typtypmod ELSE r.typmod END
  FROM resolved r JOIN pg_catalog.pg_type t ON t.oid = r.type_oid WHERE t.typtype = 'd'
)
SELECT s.*, b.typname::text AS "baseType", b.typcategory::text AS category, r.typmod,
  ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = b.oid ORDER BY e.enumsortorder) AS "enumLabels",
  ARRAY(SELECT pg_catalog.pg_get_constraintdef(k.oid) FROM resolved d JOIN pg_catalog.pg_constraint k ON k.contypid = d.type_oid
         WHERE d.attrelid = r.attrelid AND d.attnum = r.attnum AND k.contype = 'c' ORDER BY k.oid) AS "domainChecks"
FROM selected s
JOIN resolved r ON r.attrelid = s."tableOid"::pg_catalog.oid AND r.attnum = s.attnum
JOIN pg_catalog.pg_type b ON b.oid = r.type_oid AND b.typtype <> 'd'
ORDER BY s."tableOid", s.attnum`;
}

/**
 * The pg_depend row `d` tying sequence `sequenceOid` to the column it feeds: a serial's or an
 * OWNED BY sequence depends on its column automatically ('a'), an identity's internally ('i').
 */
function feedsColumn(sequenceOid: string): string {
  return `d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = ${sequenceOid}
  AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i')`;
}

export const SEQUENCES_SQL = `
SELECT n.nspname::text AS schema, c.relname::text AS name, pg_catalog.format_type(s.seqtypid, NULL) AS "dataType",
  s.seqincrement::text AS increment, s.seqstart::text AS start, s.seqmin::text AS minimum, s.seqmax::text AS maximum,
  s.seqcache::text AS cache, s.seqcycle AS cycle,
  owner_schema.nspname::text AS "ownerSchema", owner.relname::text AS "ownerTable", owner_column.attname::text AS "ownerColumn"
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_depend d ON ${feedsColumn('c.oid')} AND d.refobjsubid > 0
LEFT JOIN pg_catalog.pg_class owner ON owner.oid = d.refobjid
LEFT JOIN pg_catalog.pg_namespace owner_schema ON owner_schema.oid = owner.relnamespace
LEFT JOIN pg_catalog.pg_attribute owner_column ON owner_column.attrelid = d.refobjid AND owner_column.attnum = d.refobjsubid
WHERE ${USER_SCHEMA}
ORDER BY n.nspname, c.relname`;

// An index backing a constraint is described by the constraint: listing both would report one change twice.
export const INDEXES_SQL = `
SELECT n.nspname::text AS schema, ic.relname::text AS name, tc.relname::text AS table, pg_catalog.pg_get_indexdef(i.indexrelid) AS definition
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
WHERE ${USER_SCHEMA} AND NOT EXISTS (
  SELECT FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY n.nspname, ic.relname`;

// NOT NULL constraints ('n', PostgreSQL 18) are left out: the column holds them in every version.
export const CONSTRAINTS_SQL = `
SELECT n.nspname::text AS schema, c.relname::text AS table, k.conname::text AS name, k.contype::text AS type,
  pg_catalog.pg_get_constraintdef(k.oid) AS definition
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype <> 'n' AND ${USER_SCHEMA}
ORDER BY n.nspname, c.relname, k.conname`;

/**
 * Enums, domains and free-standing composite types in one read (every table has a composite
 * type too, and that one is the table). `items` is an enum's labels in sort order, a domain's
 * `CONSTRAINT name CHECK (...)` by name, or a composite type's `name type` in attribute order;
 * CASE evaluates only its kind's subquery. PostgreSQL 17+ also records a domain's NOT NULL in
 * pg_constraint; typnotnull holds it in all versions.
 */
export const TYPES_SQL = `
SELECT n.nspname::text AS schema, t.typname::text AS name, t.typtype::text AS kind,
  CASE t.typtype
    WHEN 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
    WHEN 'd' THEN ARRAY(SELECT 'CONSTRAINT ' || pg_catalog.quote_ident(k.conname) || ' ' || pg_catalog.pg_get_constraintdef(k.oid)
      FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype <> 'n' ORDER BY k.conname)
    ELSE ARRAY(SELECT pg_catalog.quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
      FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
  END AS items,
  CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END AS "baseType",
  t.typnotnull AS "notNull", CASE WHEN t.typtype = 'd' THEN pg_catalog.pg_get_expr(t.typdefaultbin, 0) END AS default
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
WHERE (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND c.relkind = 'c')) AND ${USER_SCHEMA}
ORDER BY n.nspname, t.typname`;

/**
 * Every foreign key of the user schemas, by name: its table and its columns in key order.
 * `references` adds the table's and the referenced table's oids, the referenced table and
 * columns, and whether all its columns are nullable, and leaves out the keys cloned onto
 * partitions (conparentid <> 0), which repeat their partitioned table's (the seeder's);
 * `indexed`, whether some index has exactly its columns as leading columns (the safety
 * analysis'). Each field costs on every key, so each reader asks for its own.
 */
export function foreignKeysSql(wanted: { readonly references: boolean; readonly indexed: boolean }): string {
  const references = wanted.references
    ? `,
  k.conrelid::int8 AS "tableOid", k.confrelid::int8 AS "parentOid", pn.nspname::text AS "parentSchema", p.relname::text AS "parentName",
  ARRAY(SELECT a.attname::text FROM pg_catalog.unnest(k.confkey) WITH ORDINALITY AS u(attnum, position)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.position) AS "referencedColumns",
  NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a WHERE a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) AND a.attnotnull) AS nullable`
    : '';
  const indexed = wanted.indexed
    ? `,
  EXISTS (SELECT FROM pg_catalog.pg_index i WHERE i.indrelid = k.conrelid
            AND (i.indkey::int2[])[0:pg_catalog.cardinality(k.conkey) - 1] @> k.conkey
            AND (i.indkey::int2[])[0:pg_catalog.cardinality(k.conkey) - 1] <@ k.conkey) AS indexed`
    : '';
  return `
SELECT k.oid::int8 AS oid, k.conname::text AS name, n.nspname::text AS schema, t.relname::text AS table,
  ARRAY(SELECT a.attname::text FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u(attnum, position)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.position) AS columns${references}${indexed}
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class t ON t.oid = k.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace${
    wanted.references ? '\nJOIN pg_catalog.pg_class p ON p.oid = k.confrelid JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace' : ''
  }
WHERE k.contype = 'f' AND ${USER_SCHEMA}${wanted.references ? ' AND k.conparentid = 0' : ''}
ORDER BY k.conname, k.oid`;
}

/** Tables by name; a sequence named stands for the table it feeds (identity, serial, OWNED BY). */
export const TABLES_NAMED_SQL = `
SELECT DISTINCT t.oid::int8 AS oid, n.nspname::text AS schema, t.relname::text AS name
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
JOIN pg_catalog.pg_class t ON t.oid = CASE WHEN c.relkind = 'S' THEN (
       SELECT d.refobjid FROM pg_catalog.pg_depend d WHERE ${feedsColumn('c.oid')} LIMIT 1) ELSE c.oid END
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
WHERE c.relkind IN ('r', 'p', 'S') AND t.relkind IN ('r', 'p')
  AND (cn.nspname::text, c.relname::text) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;

/**
 * Partitions with their parent and bound, and partitioned tables with their strategy and key
 * columns (null for an expression), in one read: a relation can be both.
 */
export const PARTITION_TREE_SQL = `
SELECT c.oid::int8 AS oid,
  CASE WHEN c.relispartition THEN (SELECT i.inhparent::int8 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid) END AS parent,
  CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS bound,
  p.partstrat::text AS strategy,
  CASE WHEN p.partrelid IS NOT NULL THEN ARRAY(SELECT a.attname::text FROM pg_catalog.unnest(p.partattrs::int2[]) WITH ORDINALITY AS k(attnum, position)
    LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k.attnum ORDER BY k.position) END AS "keyColumns"
FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_partitioned_table p ON p.partrelid = c.oid
WHERE c.relispartition OR c.relkind = 'p'
ORDER BY c.oid`;

/** A column's type in information_schema's terms. */
export const COLUMN_TYPE_SQL = `SELECT udt_name, character_maximum_length, numeric_precision, numeric_scale, datetime_precision
  FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3`;

export const VALIDATED_CHECKS_SQL = `SELECT pg_catalog.pg_get_constraintdef(c.oid) AS definition FROM pg_catalog.pg_constraint c
  JOIN pg_catalog.pg_class t ON t.oid = c.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
 WHERE n.nspname = $1 AND t.relname = $2 AND c.contype = 'c' AND c.convalidated`;

export const VOLATILE_FUNCTIONS_SQL = "SELECT DISTINCT proname::text AS proname FROM pg_catalog.pg_proc WHERE proname = ANY($1::text[]) AND provolatile = 'v'";

/** `$1` null finds the domain on the search path. */
export const DOMAIN_COLUMNS_SQL = `WITH RECURSIVE domains AS (
   SELECT t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'd' AND t.typname = $2 AND (n.nspname = $1 OR ($1 IS NULL AND pg_catalog.pg_type_is_visible(t.oid)))
   UNION SELECT t.oid FROM pg_catalog.pg_type t JOIN domains d ON t.typbasetype = d.oid WHERE t.typtype = 'd'
 )
 SELECT n.nspname::text AS schema, c.relname::text AS table, a.attname::text AS column
   FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE a.atttypid IN (SELECT oid FROM domains) AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm')
  ORDER BY n.nspname, c.relname, a.attnum`;

/** The column a sequence feeds; `$1` null finds the sequence on the search path. */
export const SEQUENCE_COLUMN_SQL = `SELECT n.nspname::text AS schema, c.relname::text AS table, a.attname::text AS column, s.seqstart::text AS start
   FROM pg_catalog.pg_class q JOIN pg_catalog.pg_namespace qn ON qn.oid = q.relnamespace JOIN pg_catalog.pg_sequence s ON s.seqrelid = q.oid
   JOIN pg_catalog.pg_depend d ON ${feedsColumn('q.oid')}
   JOIN pg_catalog.pg_class c ON c.oid = d.refobjid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
  WHERE q.relkind = 'S' AND q.relname = $2 AND (qn.nspname = $1 OR ($1 IS NULL AND pg_catalog.pg_table_is_visible(q.oid)))`;

export const COLUMN_SEQUENCE_SQL = `SELECT n.nspname::text AS schema, q.relname::text AS name FROM pg_catalog.pg_class q JOIN pg_catalog.pg_namespace n ON n.oid = q.relnamespace
  WHERE q.oid = pg_catalog.pg_get_serial_sequence($1, $2)::pg_catalog.regclass`;

/**
 * Every user table, partitioned table and materialized view, their indexes, TOAST tables and
 * TOAST indexes, each with its storage file, the table it belongs to, and the table's columns.
 */
export const RELATION_FILES_SQL = `WITH owners AS (
   SELECT c.oid, n.nspname, c.relname, c.reltoastrelid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE ${USER_SCHEMA} AND c.relkind IN ('r', 'p', 'm')
 ), owned AS (
   SELECT o.oid AS relation, o.oid AS owner, false AS toast FROM owners o
   UNION ALL SELECT i.indexrelid, o.oid, false FROM owners o JOIN pg_catalog.pg_index i ON i.indrelid = o.oid
   UNION ALL SELECT o.reltoastrelid, o.oid, true FROM owners o WHERE o.reltoastrelid <> 0
   UNION ALL SELECT i.indexrelid, o.oid, true FROM owners o JOIN pg_catalog.pg_index i ON i.indrelid = o.reltoastrelid WHERE o.reltoastrelid <> 0
 )
 SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS kind, c.relfilenode::int8 AS filenode,
        o.oid::int8 AS owner_oid, o.nspname::text AS owner_schema, o.relname::text AS owner_name, owned.toast,
        columns.positions AS column_positions, columns.names AS column_names
   FROM owned
   CROSS JOIN LATERAL (
     SELECT coalesce(pg_catalog.array_agg(a.attnum::int4 ORDER BY a.attnum), '{}') AS positions, coalesce(pg_catalog.array_agg(a.attname::text ORDER BY a.attnum), '{}') AS names
       FROM pg_catalog.pg_attribute a WHERE a.attrelid = owned.relation AND owned.relation = owned.owner AND a.attnum > 0 AND NOT a.attisdropped
   ) columns JOIN pg_catalog.pg_class c ON c.oid = owned.relation JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN owners o ON o.oid = owned.owner`;

/** Partitions left out: their rows are read through their partitioned table. */
export const USER_TABLES_SQL = `SELECT n.nspname::text AS schema, c.relname::text AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE ${USER_SCHEMA} AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1, 2`;

export const ANCESTORS_SQL = `WITH RECURSIVE up AS (
   SELECT i.inhparent AS oid FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relname = $2
   UNION SELECT i.inhparent FROM pg_catalog.pg_inherits i JOIN up ON i.inhrelid = up.oid
 )
 SELECT n.nspname::text AS schema, c.relname::text AS name FROM up JOIN pg_catalog.pg_class c ON c.oid = up.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace`;

export const RELATION_KIND_SQL =
  'SELECT c.relkind::text AS kind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2';

/** This session's relation locks in this database; a relation dropped meanwhile has no catalog row. */
export const HELD_LOCKS_SQL = `SELECT l.relation::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, l.mode
   FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE l.locktype = 'relation' AND l.pid = pg_catalog.pg_backend_pid()
    AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
    AND (n.nspname IS NULL OR (${USER_SCHEMA}))`;

export const TYPE_EXISTS_SQL = 'SELECT pg_catalog.to_regtype($1)::text AS type';

export const SERVER_VERSION_NUM_SQL = "SELECT pg_catalog.current_setting('server_version_num')::int AS num";

/** Planner statistics: reltuples is -1 for a table never vacuumed or analyzed. */
export const TABLE_STATISTICS_SQL = `SELECT n.nspname::text AS schema, c.relname::text AS name, c.reltuples::float8 AS rows
   FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND ${USER_SCHEMA}`;
