import type { StatementCheck } from './check.js';
import { isNode, text } from './parse-tree.js';

/** Settings a migration step may change with SET / SET LOCAL / RESET: its own time limits and memory. */
export const STEP_SETTINGS: ReadonlySet<string> = new Set([
  'lock_timeout',
  'statement_timeout',
  'idle_in_transaction_session_timeout',
  'maintenance_work_mem',
  'work_mem',
  'max_parallel_maintenance_workers',
]);

/**
 * SET ROLE, SET search_path, SET session_replication_role (which silences foreign-key
 * triggers) and the like change who the rest of the migration runs as or what it sees.
 */
export const settingProblems: StatementCheck = (ast) => {
  const settings = ast.VariableSetStmt;
  if (!isNode(settings)) return [];
  const name = text(settings, 'name');
  if (text(settings, 'kind') !== 'VAR_RESET_ALL' && STEP_SETTINGS.has(name ?? '')) return [];
  return [`changes a setting it may not (${name ?? 'all settings'}); only ${[...STEP_SETTINGS].join(', ')} may be set`];
};
