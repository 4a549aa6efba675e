import { describeChange, type ChangePlan, type SchemaChange } from '../change-plan.js';
import { isLosslessTypeChange, parseColumnType } from '../column-type.js';
import { OrmAiError } from '../errors.js';
import { applyChangeToModel } from '../plan-model.js';
import type { SchemaModel } from '../schema-model.js';
import { nodeOf, type Node } from '../safety/statement-ast.js';
import { parseSql } from '../dialect/postgres/parser.js';

/** A step of a plan that removes or narrows data, named for the message that refuses it. */
export interface DataLossStep {
  /** Where in the plan: `changes[1]`, `migrationSteps[0]`. */
  readonly path: string;
  /** `drop_column users.bio: drops the column and every value in it`. */
  readonly description: string;
}

/**
 * The plan's steps that destroy data by design: dropping a table or column, a type change
 * that narrows (`isLosslessTypeChange`), and SQL steps that drop tables, columns or types
 * (an enum losing values is re-created and dropped) or delete rows (TRUNCATE, DELETE).
 * Read from the plan alone, before anything runs; the round trip on the shadow measures the
 * rest.
 */
export async function dataLossSteps(plan: ChangePlan, model: SchemaModel): Promise<DataLossStep[]> {
  const steps: DataLossStep[] = [];
  // applyChangeToModel edits the model it is given; the caller's model must stay as read.
  let working = structuredClone(model);
  for (const [index, change] of plan.changes.entries()) {
    const loss = changeLoss(change, working);
    if (loss) steps.push({ path: `changes[${index}]`, description: `${describeChange(change)}: ${loss}` });
    working = applyChangeToModel(working, change);
  }
  for (const [index, step] of plan.migrationSteps.entries()) {
    const parsed = await parseSql(step.sql);
    if (!parsed.ok) continue;
    for (const statement of parsed.statements) {
      const loss = statementLoss(statement.ast);
      if (loss) steps.push({ path: `migrationSteps[${index}]`, description: `${statement.sql.replace(/\s+/g, ' ').slice(0, 80)}: ${loss}` });
    }
  }
  return steps;
}

/**
 * Refuses, before anything runs, a plan that destroys data unless the user passed
 * `--allow-data-loss` (the request must also have asked: plan validation checks that).
 */
export async function refuseDataLossSteps(options: { plan: ChangePlan; model: SchemaModel; allowDataLoss: boolean }): Promise<void> {
  if (options.allowDataLoss) return;
  const steps = await dataLossSteps(options.plan, options.model);
  if (steps.length === 0) return;
  throw new OrmAiError('DATA_LOSS_NOT_ALLOWED', `the plan destroys data:\n${steps.map((step) => `  ${step.path} ${step.description}`).join('\n')}`, {
    hint: 'Nothing ran and nothing was written. If the data may go, say so in the request and pass --allow-data-loss; else ask for a change that keeps it (a rename, a wider type, a new column beside the old one).',
  });
}

/** Whether a plan change removes or narrows data, and how, in words; null when it keeps everything. */
export function changeLoss(change: SchemaChange, model: SchemaModel): string | null {
  if (change.kind === 'drop_table') return 'drops the table and every row in it';
  if (change.kind === 'drop_column') return 'drops the column and every value in it';
  if (change.kind !== 'alter_column' || change.type === null) return null;
  const column = model.tables.find((table) => table.name === change.table)?.columns.find((candidate) => candidate.name === change.column);
  if (!column) return null;
  const enums = new Set(model.enums.map((item) => item.name));
  const from = parseColumnType(column.type, enums);
  const to = parseColumnType(change.type, enums);
  if (!from.ok || !to.ok || isLosslessTypeChange(from.type, to.type)) return null;
  return `changes the type from ${column.type} to ${change.type}, which cannot hold every existing value as it is`;
}

/**
 * What a `DROP ... CASCADE` of an object columns can depend on takes with it: PostgreSQL drops
 * every column of that type, domain or collation, every generated column computed by that
 * function, and, for an extension, the columns of the types it brings (`vector`, `citext`).
 * Measured on the shadow by `drop-cascade`; here the plan is refused before anything runs.
 */
const CASCADE_DROPS_COLUMNS: Readonly<Record<string, string>> = {
  OBJECT_DOMAIN: 'drops, with CASCADE, every column of that domain and its values',
  OBJECT_COLLATION: 'drops, with CASCADE, every column with that collation and its values',
  OBJECT_FUNCTION: 'drops, with CASCADE, every generated column computed by that function and its values',
  OBJECT_EXTENSION: "drops, with CASCADE, every column of the extension's types and its values",
};

function statementLoss(ast: Node): string | null {
  const drop = nodeOf<{ removeType?: string; behavior?: string }>(ast, 'DropStmt');
  if (drop?.removeType === 'OBJECT_TABLE') return 'drops a table and its rows';
  if (drop?.removeType === 'OBJECT_TYPE') return 'drops a type (an enum losing values is re-created and dropped)';
  if (drop?.removeType === 'OBJECT_SCHEMA' && drop.behavior === 'DROP_CASCADE') return 'drops, with CASCADE, every table in the schema and its rows';
  if (drop?.behavior === 'DROP_CASCADE' && drop.removeType && CASCADE_DROPS_COLUMNS[drop.removeType]) return CASCADE_DROPS_COLUMNS[drop.removeType]!;
  // With or without CASCADE: DROP OWNED drops every object the role owns in the database.
  if (nodeOf(ast, 'DropOwnedStmt')) return 'drops every table the role owns and its rows';
  if (nodeOf(ast, 'TruncateStmt')) return 'deletes every row';
  if (nodeOf(ast, 'DeleteStmt')) return 'deletes rows';
  const alter = nodeOf<{ cmds?: unknown[] }>(ast, 'AlterTableStmt');
  const dropsColumn = (alter?.cmds ?? []).some((command) => nodeOf<{ subtype?: string }>(command, 'AlterTableCmd')?.subtype === 'AT_DropColumn');
  if (dropsColumn) return 'drops a column and its values';
  return null;
}
