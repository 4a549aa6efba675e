/**
 * The one definition of "the user's schemas", for every catalog query: all but PostgreSQL's
 * own, which are `information_schema` and those named `pg_*` (pg_catalog, pg_toast, pg_temp_N,
 * pg_toast_temp_N). PostgreSQL refuses to create a schema whose name starts with `pg_`
 * ("unacceptable schema name"), so no user object can live in one.
 *
 * @example
 * `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${userSchemasOnly('n.nspname')}`
 */
export function userSchemasOnly(schemaColumn: string): string {
  return `${schemaColumn} <> 'information_schema' AND ${schemaColumn} NOT LIKE 'pg\\_%'`;
}
