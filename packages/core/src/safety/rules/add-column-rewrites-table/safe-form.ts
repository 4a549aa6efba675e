import { quoteIdentifier, quotedTableName, type TableRef } from '../../../table-ref.js';
import type { SafeForm } from '../../safe-form.js';
import { alterTableWith, notNullThroughCheck, sqlOf } from '../../safe-form.js';
import { addedColumns, columnConstraints, functionsCalledIn, nodeOf, type Node } from '../../statement-ast.js';

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
    const commands = (node.cmds as unknown[]) ?? [];
    const commandOf = (definition: Node) => commands.find((wrapper) => nodeOf<Node>(nodeOf<Node>(wrapper, 'AlterTableCmd')?.def, 'ColumnDef') === definition);
    const moved = withVolatileDefault.map((column) => ({ ...column, command: commandOf(column.definition) }));
    const others = commands.filter((wrapper) => !moved.some(({ command }) => command === wrapper));
    // Prisma adds every new column of a table in one ALTER TABLE: the others stay in it, unless one names a moved column.
    if (moved.some(({ name }) => stringsIn(others).has(name))) return { kept: 'another command of the statement names the column; split the statement first' };
    const plain = (definition: Node) => columnConstraints(definition).every(({ contype }) => ['CONSTR_DEFAULT', 'CONSTR_NOTNULL', 'CONSTR_NULL'].includes(contype));
    if (!moved.every(({ definition }) => plain(definition))) {
      return { kept: 'the column has constraints besides its default and NOT NULL (a key, a check, a reference), which the backfill would have to carry' };
    }
    const alter = (command: unknown) => sqlOf({ AlterTableStmt: { ...node, cmds: [command] } });
    const steps = moved.map(({ table, name, definition }) => {
      const notNull = columnConstraints(definition).some(({ contype }) => contype === 'CONSTR_NOTNULL');
      const check = notNullThroughCheck(table, name);
      return {
        name,
        notNull,
        now: [
          alter({ AlterTableCmd: { subtype: 'AT_AddColumn', def: { ColumnDef: { ...definition, constraints: [] } }, behavior: 'DROP_RESTRICT' } }),
          alter({ AlterTableCmd: { subtype: 'AT_ColumnDefault', name, def: defaultOf(definition), behavior: 'DROP_RESTRICT' } }),
          ...(notNull ? [check.add] : []),
        ],
        nowDown: notNull ? [check.dropIfExists] : [],
        backfill: {
          suffix: `backfill_${name}`,
          up: [outsideTransaction ? batchedBackfill(table, name) : `UPDATE ${quotedTableName(table)} SET ${quoteIdentifier(name)} = DEFAULT WHERE ${quoteIdentifier(name)} IS NULL;`],
          down: [],
          outsideTransaction,
        },
        finish: notNull ? { up: [check.validate, check.setNotNull, check.drop], down: [check.add, check.dropNotNull] } : { up: [], down: [] },
      };
    });
    const names = steps.map((step) => step.name).join(', ');
    const rest = alterTableWith(node, others);
    return {
      summary: `${names} ${steps.length === 1 ? 'is' : 'are'} added without ${steps.length === 1 ? 'its volatile default' : 'their volatile defaults'}, the default is set for new rows, existing rows are backfilled in batches of ${BACKFILL_BATCH_ROWS}${steps.some((step) => step.notNull) ? ', and NOT NULL comes through a validated CHECK' : ''}`,
      now: [...(rest ? [rest] : []), ...steps.flatMap((step) => step.now)],
      nowDown: steps.flatMap((step) => step.nowDown).reverse(),
      backfills: steps.map((step) => step.backfill),
      ...(steps.some((step) => step.notNull) ? { finish: { up: steps.flatMap((step) => step.finish.up), down: [...steps].reverse().flatMap((step) => step.finish.down) } } : {}),
    };
  },
};

/** Every string value in a parse tree: the names its commands mention. */
function stringsIn(tree: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') found.add(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(tree);
  return found;
}

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
