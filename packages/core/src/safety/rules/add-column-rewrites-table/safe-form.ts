import { quoteIdentifier, quotedTableName, type TableRef } from '../../../table-ref.js';
import type { SafeForm } from '../../safe-form.js';
import { notNullThroughCheck, sqlOf } from '../../safe-form.js';
import { addedColumns, columnConstraints, functionsCalledIn, type Node } from '../../statement-ast.js';

/** Rows per batch of the backfill: small enough that each batch's row locks and WAL stay short. */
export const BACKFILL_BATCH_ROWS = 1000;

/**
 * A column added to an existing table with a volatile default (`gen_random_uuid()`) rewrites the
 * table under ACCESS EXCLUSIVE. Its safe form: add the column bare, set the default (new rows
 * get it from then on, without a rewrite), backfill the existing rows in batches that each
 * commit, then make it NOT NULL through a validated CHECK if it was declared so. The default is
 * set before the backfill, not after, so rows written during the backfill need none.
 */
export const volatileDefaultBackfill: SafeForm = {
  async rewrite({ kind, node, isNewTable, outsideTransaction, volatileFunctions }) {
    const added = addedColumns(kind, node).filter(({ table }) => !isNewTable(table));
    const withVolatileDefault: typeof added = [];
    for (const column of added) {
      const expression = defaultOf(column.definition);
      if (expression !== undefined && (await volatileFunctions(functionsCalledIn(expression))).length > 0) withVolatileDefault.push(column);
    }
    if (withVolatileDefault.length === 0) return null;
    if (added.length !== 1 || ((node.cmds as unknown[]) ?? []).length !== 1) return { kept: 'the statement does more than add this one column; split it first' };
    const { table, name, definition } = withVolatileDefault[0]!;
    const constraints = columnConstraints(definition);
    if (constraints.some(({ contype }) => !['CONSTR_DEFAULT', 'CONSTR_NOTNULL', 'CONSTR_NULL'].includes(contype))) {
      return { kept: 'the column has constraints besides its default and NOT NULL (a key, a check, a reference), which the backfill would have to carry' };
    }
    const notNull = constraints.some(({ contype }) => contype === 'CONSTR_NOTNULL');
    const bare = { ...definition, constraints: [] };
    const on = `ALTER TABLE ${quotedTableName(table)}`;
    const setDefault = sqlOf({ AlterTableStmt: { ...node, cmds: [{ AlterTableCmd: { subtype: 'AT_ColumnDefault', name, def: defaultOf(definition), behavior: 'DROP_RESTRICT' } }] } });
    const check = notNullThroughCheck(table, name);
    return {
      summary: `${name} is added without its volatile default, the default is set for new rows, existing rows are backfilled in batches of ${BACKFILL_BATCH_ROWS}${notNull ? ', and NOT NULL comes through a validated CHECK' : ''}`,
      now: [sqlOf({ AlterTableStmt: { ...node, cmds: [{ AlterTableCmd: { subtype: 'AT_AddColumn', def: { ColumnDef: bare }, behavior: 'DROP_RESTRICT' } }] } }), setDefault, ...(notNull ? [check.add] : [])],
      nowDown: notNull ? [check.dropIfExists] : [],
      backfills: [{ suffix: `backfill_${name}`, up: [outsideTransaction ? batchedBackfill(table, name) : `UPDATE ${quotedTableName(table)} SET ${quoteIdentifier(name)} = DEFAULT WHERE ${quoteIdentifier(name)} IS NULL;`], down: [], outsideTransaction }],
      ...(notNull ? { finish: { up: [check.validate, check.setNotNull, check.drop], down: [check.add, check.dropNotNull] } } : {}),
    };
  },
};

function defaultOf(definition: Node): unknown {
  return columnConstraints(definition).find(({ contype }) => contype === 'CONSTR_DEFAULT')?.raw_expr;
}

/**
 * A DO block that sets the column to its default in batches, committing each (so it must run
 * outside a transaction). The loop is bounded by the rows that were NULL at the start, so a
 * default that can return NULL cannot make it run forever.
 */
function batchedBackfill(table: TableRef, column: string): string {
  const quotedTable = quotedTableName(table);
  const quotedColumn = quoteIdentifier(column);
  return [
    'DO $backfill$',
    'DECLARE',
    '  remaining bigint;',
    '  updated bigint;',
    'BEGIN',
    `  SELECT count(*) INTO remaining FROM ${quotedTable} WHERE ${quotedColumn} IS NULL;`,
    `  FOR batch IN 0 .. remaining / ${BACKFILL_BATCH_ROWS} LOOP`,
    `    UPDATE ${quotedTable} SET ${quotedColumn} = DEFAULT WHERE ctid IN (SELECT ctid FROM ${quotedTable} WHERE ${quotedColumn} IS NULL LIMIT ${BACKFILL_BATCH_ROWS});`,
    '    GET DIAGNOSTICS updated = ROW_COUNT;',
    '    EXIT WHEN updated = 0;',
    '    COMMIT;',
    '  END LOOP;',
    'END',
    '$backfill$;',
  ].join('\n');
}
