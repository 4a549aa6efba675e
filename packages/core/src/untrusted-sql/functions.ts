import type { StatementCheck } from './check.js';
import { identifiers, isNode, walkTree } from './parse-tree.js';

/** Functions of one kind, matched by exact name, by name prefix or by a predicate on the lower-cased name. */
export interface FunctionFamily {
  /** What the family does, for messages: `calls ts_stat (runs SQL given as a string)`. */
  readonly does: string;
  readonly names?: readonly string[];
  readonly prefixes?: readonly string[];
  readonly matches?: (name: string) => boolean;
}

/**
 * Built-in functions that act outside the schema change, by family. A second layer behind
 * the allow lists: they are refused wherever they are called (steps, their inverses, defaults,
 * index predicates), since such SQL runs on the shadow (as a throwaway role, the first wall)
 * and later in production, as whatever user deploys it. Names are compared lower-cased, schema qualification
 * dropped (`pg_catalog.ts_stat` is `ts_stat`).
 */
export const OUTSIDE_FUNCTION_FAMILIES: readonly FunctionFamily[] = [
  {
    // Read, list or write files of the server: pg_read_file, pg_read_binary_file, pg_ls_dir and
    // pg_ls_logdir/waldir/tmpdir, pg_stat_file, adminpack's pg_file_write and pg_logdir_ls;
    // lo_import and lo_export move server files in and out of large objects, the rest of lo_* write them.
    does: 'reads or writes files on the server',
    names: ['pg_stat_file'],
    prefixes: ['pg_read_', 'pg_ls_', 'pg_file_', 'pg_logdir_', 'lo_'],
  },
  {
    // A text argument run as a query: ts_stat(sqlquery), ts_rewrite(query, select) and
    // query_to_xml(query, ...), out of sight of the checks on the tree; cursor_to_xml reads a
    // cursor opened elsewhere; table_, schema_ and database_to_xml dump whole relations, catalogs
    // included. Each with its _xmlschema and _xml_and_xmlschema forms.
    does: 'runs SQL given as a string or dumps whole relations',
    names: ['ts_stat', 'ts_rewrite'],
    prefixes: ['query_to_xml', 'cursor_to_xml', 'table_to_xml', 'schema_to_xml', 'database_to_xml'],
  },
  {
    // dblink* and postgres_fdw open connections to other servers, with this server's address.
    does: 'connects to other servers',
    prefixes: ['dblink', 'postgres_fdw_'],
  },
  {
    // Server configuration, its files, paths and network addresses: current_setting and the
    // views behind pg_settings, pg_hba_file_rules and pg_ident_file_mappings, pg_config (build
    // paths), pg_control_* (the control file), the log file, tablespace directories and relation
    // file paths, addresses and ports, start and reload times, other databases' sizes, shared
    // memory. set_config, pg_reload_conf and pg_rotate_logfile change it.
    does: 'reads or changes server settings, files, paths or addresses',
    names: [
      'current_setting',
      'set_config',
      'pg_show_all_settings',
      'pg_show_all_file_settings',
      'pg_settings_get_flags',
      'pg_hba_file_rules',
      'pg_ident_file_mappings',
      'pg_config',
      'pg_current_logfile',
      'pg_relation_filepath',
      'pg_relation_filenode',
      'pg_filenode_relation',
      'pg_postmaster_start_time',
      'pg_conf_load_time',
      'pg_reload_conf',
      'pg_rotate_logfile',
      'pg_database_size',
      'pg_get_shmem_allocations',
    ],
    prefixes: ['pg_control_', 'pg_tablespace_', 'inet_server_', 'inet_client_'],
  },
  {
    // Other sessions: their activity and statistics (pg_stat_get_activity and the rest of
    // pg_stat_*, pg_stat_reset* among them), process ids, who blocks whom, their locks, signals
    // to them, notifications, exported snapshots they could attach to, their prepared transactions.
    does: 'sees or acts on other sessions',
    names: [
      'pg_backend_pid',
      'pg_blocking_pids',
      'pg_safe_snapshot_blocking_pids',
      'pg_isolation_test_session_is_blocked',
      'pg_lock_status',
      'pg_terminate_backend',
      'pg_cancel_backend',
      'pg_log_backend_memory_contexts',
      'pg_notify',
      'pg_export_snapshot',
      'pg_prepared_xact',
    ],
    prefixes: ['pg_stat_'],
  },
  {
    // Other roles: whether a role holds another or a privilege (pg_has_role, has_table_privilege
    // and the other has_*_privilege) and role names by id (pg_get_userbyid).
    does: 'reveals other roles and their privileges',
    names: ['pg_has_role', 'pg_get_userbyid'],
    matches: (name) => name.startsWith('has_') && name.endsWith('_privilege'),
  },
  {
    // Sleeping and advisory locks make a migration hang, or wait on the application's locks.
    does: 'sleeps or takes advisory locks',
    prefixes: ['pg_sleep', 'pg_advisory_', 'pg_try_advisory_'],
  },
  {
    // Backups, WAL, replication slots and origins, promotion, restore points, collations imported into the catalog.
    does: 'administers the server (backups, WAL, replication)',
    names: ['pg_start_backup', 'pg_stop_backup', 'pg_switch_wal', 'pg_promote', 'pg_drop_replication_slot', 'pg_get_replication_slots', 'pg_import_system_collations'],
    prefixes: ['pg_backup_', 'pg_wal_', 'pg_walfile_', 'pg_current_wal_', 'pg_last_wal_', 'pg_get_wal_', 'pg_create_', 'pg_replication_', 'pg_logical_', 'pg_copy_'],
  },
];

/** The family a function belongs to, or undefined for one that stays inside the schema change. */
function outsideFunctionFamily(name: string): FunctionFamily | undefined {
  const lower = name.toLowerCase();
  return OUTSIDE_FUNCTION_FAMILIES.find(
    (family) => family.names?.includes(lower) || family.prefixes?.some((prefix) => lower.startsWith(prefix)) || family.matches?.(lower),
  );
}

/** The statement calls no function of `OUTSIDE_FUNCTION_FAMILIES`; one message names them all, by family. */
export const functionProblems: StatementCheck = (ast) => {
  const byFamily = new Map<FunctionFamily, Set<string>>();
  for (const name of calledFunctions(ast)) {
    const family = outsideFunctionFamily(name);
    if (family) byFamily.set(family, (byFamily.get(family) ?? new Set()).add(name));
  }
  if (byFamily.size === 0) return [];
  const calls = [...byFamily].map(([family, names]) => `${[...names].join(', ')} (${family.does})`);
  return [`calls ${calls.join('; ')}, which acts outside the schema change`];
};

/** The names of every function the tree calls, schema qualification dropped (`pg_catalog.lo_import` → `lo_import`). */
function calledFunctions(ast: unknown): string[] {
  const names: string[] = [];
  walkTree(ast, (key, value) => {
    if (key === 'FuncCall' && isNode(value)) names.push(identifiers(value.funcname).at(-1) ?? '');
  });
  return names;
}
