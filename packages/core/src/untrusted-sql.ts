import type { ParsedStatement } from './sql-parser.js';

/**
 * Checks on SQL that came from the model (defaults, index predicates, migration steps),
 * made on PostgreSQL's parse tree. Such SQL runs on the shadow, often over a superuser
 * connection to a real server, and later in production: beyond the schema change it asks
 * for, it must not reach files, other servers, other sessions or the server's settings.
 */

/** Built-in functions that act outside the schema change, by exact name. */
const OUTSIDE_FUNCTIONS: ReadonlySet<string> = new Set([
  'pg_stat_file',
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_promote',
  'pg_switch_wal',
  'pg_start_backup',
  'pg_stop_backup',
  'pg_create_restore_point',
  'pg_drop_replication_slot',
  'pg_log_backend_memory_contexts',
  'pg_import_system_collations',
  'pg_export_snapshot',
  'pg_notify',
  'set_config',
]);

/**
 * Families of them, by name prefix: server files (`pg_read_file`, `pg_ls_dir`, adminpack's
 * `pg_file_write`), large objects (`lo_import`, `lo_export` read and write server files),
 * other servers (`dblink`), SQL run from a string (`query_to_xml` and its kin), sleeping and
 * advisory locks (a migration that hangs), backups, WAL and replication.
 */
const OUTSIDE_FUNCTION_PREFIXES: readonly string[] = [
  'pg_read_',
  'pg_ls_',
  'pg_file_',
  'pg_logdir_',
  'lo_',
  'dblink',
  'query_to_xml',
  'cursor_to_xml',
  'table_to_xml',
  'schema_to_xml',
  'database_to_xml',
  'pg_sleep',
  'pg_advisory_',
  'pg_try_advisory_',
  'pg_backup_',
  'pg_wal_',
  'pg_create_',
  'pg_replication_',
  'pg_logical_',
  'pg_copy_',
];

/** Settings a migration step may change with SET / SET LOCAL / RESET: its own time limits and memory. */
const STEP_SETTINGS: ReadonlySet<string> = new Set([
  'lock_timeout',
  'statement_timeout',
  'idle_in_transaction_session_timeout',
  'maintenance_work_mem',
  'work_mem',
  'max_parallel_maintenance_workers',
]);

/** Why a parsed statement of model-written SQL may not run, or null when it may. */
export function untrustedSqlProblem(statement: ParsedStatement): string | null {
  const settings = statement.ast.VariableSetStmt as { kind?: string; name?: string } | undefined;
  if (settings && (settings.kind === 'VAR_RESET_ALL' || !STEP_SETTINGS.has(settings.name ?? ''))) {
    return `changes a setting it may not (${settings.name ?? 'all settings'}); only ${[...STEP_SETTINGS].join(', ')} may be set`;
  }
  const outside = calledFunctions(statement.ast).filter(isOutsideFunction);
  if (outside.length > 0) return `calls ${[...new Set(outside)].join(', ')}, which acts outside the schema change (server files, other servers or sessions, settings, or SQL from a string)`;
  return null;
}

function isOutsideFunction(name: string): boolean {
  const lower = name.toLowerCase();
  return OUTSIDE_FUNCTIONS.has(lower) || OUTSIDE_FUNCTION_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** The names of every function a parse tree calls, schema qualification dropped (`pg_catalog.lo_import` → `lo_import`). */
function calledFunctions(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(calledFunctions);
  if (node === null || typeof node !== 'object') return [];
  const names: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'FuncCall') {
      const parts = ((value as { funcname?: Array<{ String?: { sval?: string } }> }).funcname ?? []).map((part) => part.String?.sval ?? '');
      names.push(parts.at(-1) ?? '');
    }
    names.push(...calledFunctions(value));
  }
  return names;
}
