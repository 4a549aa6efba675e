import type { Finding } from '../finding.js';
import type { ParsedStatement } from '../sql-parser.js';
import { tableLabel, type TableRef } from '../table-ref.js';
import { safetyFinding, type SafetyRule } from './safety-rules.js';
import type { CatalogColumn, ShadowCatalog } from './shadow-catalog.js';
import {
  columnConstraints,
  functionsCalledIn,
  names,
  nodeOf,
  tableOf,
  writtenType,
  type Node,
  type WrittenType,
} from './statement-ast.js';

/** What a rule may know besides the statement: the catalog just before it runs, and the migration so far. */
export interface RuleContext {
  readonly catalog: ShadowCatalog;
  /** Created earlier in this migration: nobody else can be using it, so lock rules do not apply. */
  isNewTable(table: TableRef): boolean;
  /** Whether the statement will run inside a transaction (the migrator's or an explicit BEGIN). */
  readonly inTransaction: boolean;
  /** Whether the ORM's migrator wraps the migration in a transaction itself. */
  readonly migratorTransaction: boolean;
  readonly fixes: Partial<Record<SafetyRule, string>> | undefined;
}

/** The rules whose danger is a rewrite: a measurement that saw none overrules them. */
export const REWRITE_RULES: ReadonlySet<SafetyRule> = new Set<SafetyRule>(['add-column-rewrites-table', 'alter-column-type-rewrites-table']);

/**
 * The findings one statement earns from its parse tree and the catalog, before it runs.
 * Locks and rewrites measured on the shadow are added, and may overrule, afterwards.
 */
export async function staticFindings(statement: ParsedStatement, context: RuleContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  const add = (rule: SafetyRule, message: string) => findings.push(safetyFinding(rule, message, context.fixes));
  const existing = (table: TableRef | null): table is TableRef => table !== null && !context.isNewTable(table);
  const [kind, node] = Object.entries(statement.ast)[0] ?? ['', {}];
  const ast = node as Node;

  switch (kind) {
    case 'IndexStmt': {
      const table = tableOf(ast.relation);
      if (ast.concurrent) concurrently(add, context, 'CREATE INDEX CONCURRENTLY');
      else if (existing(table)) add('create-index-not-concurrent', `CREATE INDEX on existing table ${tableLabel(table)} takes a SHARE lock: writes to it wait until the index is built.`);
      break;
    }
    case 'DropStmt': {
      const removeType = ast.removeType as string;
      if (removeType === 'OBJECT_INDEX') {
        if (ast.concurrent) concurrently(add, context, 'DROP INDEX CONCURRENTLY');
        else add('drop-index-not-concurrent', 'DROP INDEX takes ACCESS EXCLUSIVE on the index\'s table: reads and writes wait, and it waits behind every running query on the table.');
      }
      if (removeType === 'OBJECT_TABLE') {
        for (const object of (ast.objects as unknown[]) ?? []) {
          const parts = names(nodeOf<{ items?: unknown[] }>(object, 'List')?.items);
          const table = { schema: parts.length > 1 ? parts[0]! : 'public', name: parts.at(-1)! };
          if (existing(table)) add('drop-table', `DROP TABLE ${tableLabel(table)} deletes the table and every row in it; code still using it fails.`);
        }
      }
      break;
    }
    case 'TruncateStmt':
      for (const relation of (ast.relations as unknown[]) ?? []) {
        const table = tableOf(nodeOf(relation, 'RangeVar'));
        if (table) add('truncate-table', `TRUNCATE ${tableLabel(table)} deletes every row${ast.behavior === 'DROP_CASCADE' ? ', and CASCADE empties every table referencing it too' : ''}.`);
      }
      break;
    case 'RenameStmt': {
      const table = tableOf(ast.relation);
      if (!existing(table)) break;
      if (ast.renameType === 'OBJECT_TABLE') add('rename-table', `Renaming table ${tableLabel(table)} to ${String(ast.newname)} breaks running code that still uses the old name.`);
      if (ast.renameType === 'OBJECT_COLUMN') {
        add('rename-column', `Renaming column ${tableLabel(table)}.${String(ast.subname)} to ${String(ast.newname)} breaks running code that still uses the old name.`);
      }
      break;
    }
    case 'UpdateStmt':
    case 'DeleteStmt': {
      const table = tableOf(ast.relation);
      if (existing(table) && !isBatched(ast.whereClause)) {
        const verb = kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
        add('unbatched-backfill', `${verb} on ${tableLabel(table)} ${ast.whereClause ? 'with a filter that is not a batch' : 'without WHERE'} touches the whole table in one statement: its rows stay locked, and its dead rows bloat the table, until the migration commits.`);
      }
      break;
    }
    case 'TransactionStmt':
      if (context.migratorTransaction && (ast.kind === 'TRANS_STMT_BEGIN' || ast.kind === 'TRANS_STMT_START' || ast.kind === 'TRANS_STMT_COMMIT')) {
        add('transaction-nesting', 'The migrator already runs this migration in a transaction: BEGIN warns and does nothing, COMMIT ends the migrator\'s transaction early.');
      }
      break;
    case 'CreateStmt':
      for (const element of (ast.tableElts as unknown[]) ?? []) {
        const column = nodeOf<Node>(element, 'ColumnDef');
        if (column) typePreferences(add, writtenType(column.typeName), String(column.colname));
      }
      break;
    case 'AlterTableStmt': {
      const table = tableOf(ast.relation);
      if (!table) break;
      for (const wrapper of (ast.cmds as unknown[]) ?? []) {
        const command = nodeOf<Node>(wrapper, 'AlterTableCmd');
        if (command) await alterTableCommand(add, context, table, existing(table), command);
      }
      break;
    }
  }
  return findings;
}

type Add = (rule: SafetyRule, message: string) => void;

function concurrently(add: Add, context: RuleContext, what: string): void {
  if (context.inTransaction) add('concurrently-in-transaction', `${what} cannot run inside a transaction block, and this migration runs in one: it fails.`);
}

async function alterTableCommand(add: Add, context: RuleContext, table: TableRef, existing: boolean, command: Node): Promise<void> {
  const label = tableLabel(table);
  const column = command.name as string | undefined;
  switch (command.subtype) {
    case 'AT_AddColumn': {
      const definition = nodeOf<Node>(command.def, 'ColumnDef');
      if (!definition) return;
      const name = String(definition.colname);
      typePreferences(add, writtenType(definition.typeName), name);
      if (existing) await addColumn(add, context, `${label}.${name}`, definition);
      return;
    }
    case 'AT_DropColumn':
      if (existing) add('drop-column', `DROP COLUMN ${label}.${column} deletes the column's values; code still reading or writing it fails.`);
      return;
    case 'AT_AlterColumnType': {
      const definition = nodeOf<Node>(command.def, 'ColumnDef');
      const next = writtenType(definition?.typeName);
      if (!next || !column) return;
      typePreferences(add, next, column);
      if (!existing) return;
      const before = await context.catalog.column(table, column);
      const hasUsing = definition?.raw_default !== undefined;
      if (!before || hasUsing || !isBinaryCoercible(before, next)) {
        const from = before ? describeCatalogType(before) : 'its type';
        add('alter-column-type-rewrites-table', `Changing ${label}.${column} from ${from} to ${describeWrittenType(next)}${hasUsing ? ' with USING' : ''} rewrites the table and its indexes under ACCESS EXCLUSIVE: no reads or writes until it finishes.`);
      }
      return;
    }
    case 'AT_SetNotNull':
      if (existing && column && !(await context.catalog.hasValidatedNotNullCheck(table, column))) {
        add('set-not-null-scans-table', `SET NOT NULL on ${label}.${column} scans the whole table under ACCESS EXCLUSIVE to check for NULLs.`);
      }
      return;
    case 'AT_AddConstraint': {
      const constraint = nodeOf<Node>(command.def, 'Constraint');
      if (existing && constraint) addConstraint(add, label, constraint);
      return;
    }
  }
}

async function addColumn(add: Add, context: RuleContext, label: string, definition: Node): Promise<void> {
  const constraints = columnConstraints(definition);
  const has = (contype: string) => constraints.some((constraint) => constraint.contype === contype);
  const type = writtenType(definition.typeName);
  const serial = type !== null && ['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial'].includes(type.name);
  const defaultExpression = constraints.find((constraint) => constraint.contype === 'CONSTR_DEFAULT')?.raw_expr;
  const storedGenerated = constraints.some((constraint) => constraint.contype === 'CONSTR_GENERATED' && constraint.generated_kind !== 'v');

  if (serial) add('add-column-rewrites-table', `Adding ${label} as ${type.name} fills every existing row from a sequence: the table is rewritten under ACCESS EXCLUSIVE.`);
  else if (has('CONSTR_IDENTITY')) add('add-column-rewrites-table', `Adding identity column ${label} numbers every existing row: the table is rewritten under ACCESS EXCLUSIVE.`);
  else if (storedGenerated) add('add-column-rewrites-table', `Adding stored generated column ${label} computes it for every existing row: the table is rewritten under ACCESS EXCLUSIVE.`);
  else if (defaultExpression !== undefined) {
    const volatile = await context.catalog.volatileFunctions(functionsCalledIn(defaultExpression));
    if (volatile.length > 0) add('add-column-rewrites-table', `Adding ${label} with a volatile default (${volatile.join(', ')}()) evaluates it for every existing row: the table is rewritten under ACCESS EXCLUSIVE.`);
  }
  const filled = serial || defaultExpression !== undefined || has('CONSTR_IDENTITY') || has('CONSTR_GENERATED');
  if ((has('CONSTR_NOTNULL') || has('CONSTR_PRIMARY')) && !filled) {
    add('add-column-not-null-without-default', `Adding ${label} NOT NULL without a default fails as soon as the table has a row.`);
  }
  for (const constraint of constraints) {
    if (constraint.contype === 'CONSTR_UNIQUE' || constraint.contype === 'CONSTR_PRIMARY') {
      add('unique-without-using-index', `Adding ${label} with ${constraint.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY'} builds its index while holding ACCESS EXCLUSIVE.`);
    }
  }
}

function addConstraint(add: Add, label: string, constraint: Node): void {
  const name = constraint.conname ? ` ${String(constraint.conname)}` : '';
  switch (constraint.contype) {
    case 'CONSTR_FOREIGN':
    case 'CONSTR_CHECK':
      if (!constraint.skip_validation) {
        const what = constraint.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK';
        add('constraint-not-valid-missing', `Adding ${what}${name} on ${label} without NOT VALID checks every existing row while blocking writes${constraint.contype === 'CONSTR_FOREIGN' ? ' to both tables' : ''}.`);
      }
      return;
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
      if (!constraint.indexname) {
        add('unique-without-using-index', `Adding ${constraint.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY'}${name} on ${label} builds its index while holding ACCESS EXCLUSIVE: no reads or writes until it is built.`);
      }
      return;
  }
}

function typePreferences(add: Add, type: WrittenType | null, column: string): void {
  if (type?.name === 'json') add('prefer-jsonb', `Column ${column} is json.`);
  if (type?.name === 'timestamp') add('prefer-timestamptz', `Column ${column} is timestamp without time zone.`);
}

/**
 * Whether a backfill works in batches: its filter bounds the rows by a LIMITed subquery
 * or by a key range. A filter like `col IS NULL` still reaches the whole table at once.
 */
function isBatched(where: unknown): boolean {
  let batched = false;
  const visit = (value: unknown): void => {
    if (batched || !value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(visit);
    const subselect = nodeOf<Node>(nodeOf<Node>(value, 'SubLink')?.subselect, 'SelectStmt');
    if (subselect?.limitCount !== undefined) batched = true;
    const expression = nodeOf<{ kind?: string; name?: unknown }>(value, 'A_Expr');
    if (expression?.kind === 'AEXPR_BETWEEN') batched = true;
    if (expression?.kind === 'AEXPR_OP' && ['<', '<=', '>', '>='].includes(names(expression.name)[0] ?? '')) batched = true;
    Object.values(value).forEach(visit);
  };
  visit(where);
  return batched;
}

/**
 * The type changes PostgreSQL makes without a rewrite (binary-coercible, or a wider limit
 * on the same type), as strong_migrations lists them. Anything else is a suspected rewrite
 * until the shadow measures otherwise.
 */
export function isBinaryCoercible(before: CatalogColumn, next: WrittenType): boolean {
  if (next.isArray) return false;
  const [first, second] = next.modifiers;
  const from = before.udtName;
  const to = next.name;
  if (from === 'varchar' && to === 'text') return true;
  if (from === 'text' && to === 'varchar') return first === undefined;
  if (from === 'cidr' && to === 'inet') return true;
  if (from !== to) return false;
  switch (from) {
    case 'varchar':
    case 'varbit':
      if (first === undefined) return true;
      return before.characterMaximumLength !== null && first >= before.characterMaximumLength;
    case 'numeric':
      if (first === undefined) return true;
      return before.numericPrecision !== null && first >= before.numericPrecision && (second ?? 0) === before.numericScale;
    case 'timestamp':
    case 'timestamptz':
    case 'time':
    case 'timetz':
    case 'interval':
      return (first ?? 6) >= (before.datetimePrecision ?? 6);
    default:
      // `char` without a length is char(1): never assume it keeps the old length.
      return next.modifiers.length === 0 && from !== 'bpchar';
  }
}

function describeCatalogType(column: CatalogColumn): string {
  if (column.characterMaximumLength !== null) return `${column.udtName}(${column.characterMaximumLength})`;
  if (column.udtName === 'numeric' && column.numericPrecision !== null) return `numeric(${column.numericPrecision},${column.numericScale ?? 0})`;
  return column.udtName;
}

function describeWrittenType(type: WrittenType): string {
  return `${type.name}${type.modifiers.length ? `(${type.modifiers.join(',')})` : ''}${type.isArray ? '[]' : ''}`;
}
