import type { StatementCheck } from './check.js';
import { isNode, objectLabel, statementNode, text } from './parse-tree.js';

/**
 * ALTER TABLE sub-commands (`AlterTableCmd.subtype`) a step may run: columns, defaults,
 * NOT NULL, generated expressions, column statistics and storage, constraints (added, also
 * NOT VALID, validated, altered, dropped), type changes, identity, table storage options
 * (`SET (fillfactor = 70)`), partitions, a named trigger's enable/disable and row level
 * security. Everything else is refused, owners, tablespaces, replica identity and ALL/USER
 * triggers among them.
 */
export const ALTER_TABLE_SUBCOMMANDS: ReadonlySet<string> = new Set([
  'AT_AddColumn',
  'AT_DropColumn',
  'AT_AlterColumnType',
  'AT_ColumnDefault',
  'AT_SetNotNull',
  'AT_DropNotNull',
  'AT_SetExpression',
  'AT_DropExpression',
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetStorage',
  'AT_SetCompression',
  'AT_AddConstraint',
  'AT_AddIndexConstraint',
  'AT_AlterConstraint',
  'AT_ValidateConstraint',
  'AT_DropConstraint',
  'AT_AddIdentity',
  'AT_SetIdentity',
  'AT_DropIdentity',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_AttachPartition',
  'AT_DetachPartition',
  'AT_DetachPartitionFinalize',
  'AT_EnableTrig',
  'AT_DisableTrig',
  'AT_EnableRowSecurity',
  'AT_DisableRowSecurity',
  'AT_ForceRowSecurity',
  'AT_NoForceRowSecurity',
]);

/** Why the refused sub-commands a model is likely to write are refused, with `{table}` for the table. */
const REFUSALS: Readonly<Record<string, string>> = {
  AT_ChangeOwner: 'changes the owner of {table} (OWNER TO): the owner decides who may alter or drop it, which is not the plan\'s to change',
  AT_DisableTrigAll: 'disables every trigger of {table} (DISABLE TRIGGER ALL), the foreign-key triggers that keep references valid among them; name the trigger instead',
  AT_EnableTrigAll: 'enables every trigger of {table} (ENABLE TRIGGER ALL), system triggers among them; name the trigger instead',
  AT_DisableTrigUser: 'disables every user trigger of {table} (DISABLE TRIGGER USER); name the trigger instead',
  AT_EnableTrigUser: 'enables every user trigger of {table} (ENABLE TRIGGER USER); name the trigger instead',
  AT_SetTableSpace: 'moves {table} to another tablespace (SET TABLESPACE), a storage location on the server\'s disks',
  AT_ReplicaIdentity: 'changes the replica identity of {table} (REPLICA IDENTITY), which belongs to the server\'s replication setup',
  AT_SetAccessMethod: 'changes the access method of {table} (SET ACCESS METHOD), which rewrites it through code the plan does not show',
  AT_SetLogged: 'changes whether {table} is written to the WAL (SET LOGGED), which decides whether it survives a crash and reaches replicas',
  AT_SetUnLogged: 'stops writing {table} to the WAL (SET UNLOGGED): it would be emptied after a crash and missing on replicas',
};

const ALLOWED_SUMMARY =
  'ALTER in a step may only add, drop or alter columns, defaults, NOT NULL, constraints, types, identity, storage options, partitions, named triggers and row level security';

/** Every ALTER TABLE / INDEX / VIEW / TYPE sub-command is on `ALTER_TABLE_SUBCOMMANDS`. */
export const alterTableProblems: StatementCheck = (ast) => {
  const [kind, node] = statementNode(ast);
  if (kind !== 'AlterTableStmt') return [];
  const table = objectLabel(node.relation);
  return (Array.isArray(node.cmds) ? node.cmds : []).flatMap((command) => {
    const subtype = isNode(command) && isNode(command.AlterTableCmd) ? (text(command.AlterTableCmd, 'subtype') ?? 'unknown') : 'unknown';
    if (ALTER_TABLE_SUBCOMMANDS.has(subtype)) return [];
    const refusal = REFUSALS[subtype]?.replace('{table}', `"${table}"`) ?? `runs the sub-command ${subtype.replace(/^AT_/, '')} on "${table}"`;
    return [`${refusal}; ${ALLOWED_SUMMARY}`];
  });
};
