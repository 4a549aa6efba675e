import { changePlanSchema, DESTRUCTIVE_CHANGE_KINDS, type ChangePlan, type SchemaChange } from './change-plan.js';
import { parseColumnType } from './column-type.js';
import { applyChangeToModel } from './plan-model.js';
import { checkChange } from './plan-change-checks.js';
import { requestAsksToRemove, requestMentions } from './request-consent.js';
import { changeLoss } from './rollback/data-loss-steps.js';
import { columnsNamedBy, parseSql, type ParsedStatement } from './dialect/postgres/parser.js';
import type { SchemaModel } from './schema-model.js';
import { DEFAULT_MANAGED_SCHEMAS, untrustedSqlProblems } from './untrusted-sql/index.js';

/** One reason a plan cannot run, naming the offending item by its path in the plan. */
export interface PlanProblem {
  /** Where in the plan: `changes[2].column.type`, `migrationSteps[0].sql`. */
  readonly path: string;
  readonly message: string;
}

export type PlanParseResult = { ok: true; plan: ChangePlan } | { ok: false; problems: PlanProblem[] };

/** Parses untrusted JSON (a model's answer or a plan file) into a plan, or lists what is wrong. */
export function parsePlan(document: unknown): PlanParseResult {
  const parsed = changePlanSchema.safeParse(document);
  if (parsed.success) return { ok: true, plan: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message: issue.message,
    })),
  };
}

export interface ValidatePlanOptions {
  readonly plan: ChangePlan;
  readonly model: SchemaModel;
  /** The user's request; drops are allowed only when it asks for them. Defaults to `plan.request`. */
  readonly request?: string;
  /** Schemas the ORM manages, the only ones the plan's SQL may use. Defaults to `DEFAULT_MANAGED_SCHEMAS` (`public`). */
  readonly managedSchemas?: readonly string[];
}

/**
 * Checks a parsed plan against the current schema: every name it refers to exists (or is
 * created earlier in the same plan), every name it creates is new and a valid SQL
 * identifier, types exist, defaults and predicates are single SQL expressions, the model's
 * SQL (steps, their inverses, defaults, predicates) stays inside the schema change and the
 * managed schemas (`untrusted-sql/`), and every drop was asked for.
 * Returns the problems; an empty list means the plan may run.
 */
export async function validatePlan(options: ValidatePlanOptions): Promise<PlanProblem[]> {
  const { plan } = options;
  const request = options.request ?? plan.request;
  const problems: PlanProblem[] = [];
  const untrusted = untrustedProblemsIn(options.managedSchemas ?? DEFAULT_MANAGED_SCHEMAS);
  const existingTables = new Set(options.model.tables.map((table) => table.name));
  let working = structuredClone(options.model);
  plan.changes.forEach((change, index) => {
    const path = `changes[${index}]`;
    const messages = checkChange({ model: working, change, existingTables, typeProblem: typeProblemIn(working) });
    messages.push(...consentProblems({ change, plan, request, model: working }));
    problems.push(...messages.map((message) => ({ path, message })));
    // Later changes are checked against the schema as earlier valid changes leave it.
    if (messages.length === 0) working = applyChangeToModel(working, change);
  });
  for (const [index, change] of plan.changes.entries()) {
    if (change.kind !== 'drop_column') continue;
    for (const message of await dependentRulesOf(options.model, change.table, change.column)) problems.push({ path: `changes[${index}]`, message });
  }
  for (const [index, change] of plan.changes.entries()) {
    if (change.kind !== 'create_index' || change.where === null) continue;
    const path = `changes[${index}].where`;
    const parsed = await oneExpression(change.where, (where) => `SELECT 1 WHERE (${where})`);
    if (!parsed) problems.push({ path, message: 'is not a single SQL boolean expression' });
    else problems.push(...untrusted(path, [parsed]));
  }
  for (const { path, sql } of defaultExpressions(plan)) {
    const parsed = await oneExpression(sql, (expression) => `SELECT (${expression})`);
    if (!parsed) problems.push({ path, message: 'is not a single SQL expression' });
    else problems.push(...untrusted(path, [parsed]));
  }
  for (const [index, step] of plan.migrationSteps.entries()) {
    const parsed = await parseSql(step.sql);
    const path = `migrationSteps[${index}].sql`;
    if (!parsed.ok) problems.push({ path, message: `does not parse as PostgreSQL: ${parsed.message}` });
    else if (parsed.statements.length === 0) problems.push({ path, message: 'holds no SQL statement' });
    else problems.push(...untrusted(path, parsed.statements));
    if (step.down === null) continue;
    const inverse = await parseSql(step.down);
    if (!inverse.ok) problems.push({ path: `migrationSteps[${index}].down`, message: `does not parse as PostgreSQL: ${inverse.message}` });
    else problems.push(...untrusted(`migrationSteps[${index}].down`, inverse.statements));
  }
  return problems;
}

/**
 * The check constraints and policies whose expressions name the column. No plan kind edits
 * them, so dropping the column would leave the ORM's source declaring a rule over a column
 * that is gone (and PostgreSQL refuses to drop a column a policy uses).
 */
async function dependentRulesOf(model: SchemaModel, tableName: string, column: string): Promise<string[]> {
  const table = model.tables.find((candidate) => candidate.name === tableName);
  if (!table) return [];
  const rules = [
    ...table.checks.map((check) => ({ what: `check constraint "${check.name}"`, expressions: [check.expression] })),
    ...table.policies.map((policy) => ({ what: `policy "${policy.name}"`, expressions: [policy.using, policy.withCheck].filter((text) => text !== null) })),
  ];
  const messages: string[] = [];
  for (const rule of rules) {
    for (const expression of rule.expressions) {
      if (!(await columnsNamedBy(expression, tableName))?.has(column)) continue;
      messages.push(`${rule.what} on "${tableName}" uses column "${column}": change or remove it in the schema first, no plan kind edits it`);
      break;
    }
  }
  return messages;
}

/**
 * What `untrustedSqlProblems` finds in each statement, with its path and the statement. The
 * same checks hold for steps, their inverses, defaults and predicates; the last two are parsed
 * wrapped in SELECT, a kind steps may hold too.
 */
function untrustedProblemsIn(managedSchemas: readonly string[]): (path: string, statements: readonly ParsedStatement[]) => PlanProblem[] {
  return (path, statements) =>
    statements.flatMap((statement) => untrustedSqlProblems(statement, { managedSchemas }).map((problem) => ({ path, message: `${problem}: ${excerpt(statement)}` })));
}

function excerpt(statement: ParsedStatement): string {
  return statement.sql.replace(/\s+/g, ' ').slice(0, 60);
}

/**
 * `expression` inside `statementAround`, parsed, when it is one SQL expression and nothing
 * more (else null). Defaults and index predicates land in the ORM's DDL as written, so
 * `now(); DROP TABLE users` must not pass, nor `0 --`, whose comment would swallow the rest
 * of the generated statement: inside parentheses, the first parses as several statements
 * and the second does not parse.
 */
async function oneExpression(expression: string, statementAround: (expression: string) => string): Promise<ParsedStatement | null> {
  const parsed = await parseSql(statementAround(expression));
  return parsed.ok && parsed.statements.length === 1 ? parsed.statements[0]! : null;
}

/** Every SQL default expression a plan sets, with its path. */
function defaultExpressions(plan: ChangePlan): Array<{ path: string; sql: string }> {
  return plan.changes.flatMap((change, index) => {
    const path = `changes[${index}]`;
    if (change.kind === 'add_column') return change.column.default === null ? [] : [{ path: `${path}.column.default`, sql: change.column.default }];
    if (change.kind === 'create_table') {
      return change.columns.flatMap((column, position) => (column.default === null ? [] : [{ path: `${path}.columns[${position}].default`, sql: column.default }]));
    }
    if (change.kind === 'alter_column' && change.default?.sql) return [{ path: `${path}.default.sql`, sql: change.default.sql }];
    return [];
  });
}

/** Formats problems as one message for errors and for the model's repair prompt. */
export function formatPlanProblems(problems: readonly PlanProblem[]): string {
  return problems.map((problem) => `- ${problem.path}: ${problem.message}`).join('\n');
}

function typeProblemIn(model: SchemaModel): (spelling: string) => string | null {
  const enums = new Set(model.enums.map((item) => item.name));
  return (spelling) => {
    const parsed = parseColumnType(spelling, enums);
    return parsed.ok ? null : parsed.reason;
  };
}

function consentProblems(options: { change: SchemaChange; plan: ChangePlan; request: string; model: SchemaModel }): string[] {
  const { change, plan, request } = options;
  if (change.kind === 'alter_column') {
    const loss = changeLoss(change, options.model);
    if (!loss || requestMentions(request, [change.column])) return [];
    return [`alter_column of "${change.table}.${change.column}" ${loss}, and the request does not name that column ("${request}"). Plans never narrow a column on their own.`];
  }
  if (!DESTRUCTIVE_CHANGE_KINDS.has(change.kind)) return [];
  if (isReplacedInPlan(change, plan)) return [];
  const target = removalTarget(change);
  if (requestAsksToRemove(request, target.names)) return [];
  return [
    `${change.kind} of ${target.label} was not asked for: the request must ask to drop or remove it ("${request}"). Plans never remove anything on their own.`,
  ];
}

function removalTarget(change: SchemaChange): { label: string; names: string[] } {
  switch (change.kind) {
    case 'drop_table':
      return { label: `table "${change.table}"`, names: [change.table] };
    case 'drop_column':
      return { label: `column "${change.table}.${change.column}"`, names: [change.column] };
    case 'drop_index':
    case 'drop_foreign_key':
    case 'drop_unique':
      return { label: `"${change.name}" on "${change.table}"`, names: [change.name] };
    default:
      return { label: change.kind, names: [] };
  }
}

/** Dropping an index or constraint to re-create it under the same name is not a removal. */
function isReplacedInPlan(change: SchemaChange, plan: ChangePlan): boolean {
  const recreates = (kind: SchemaChange['kind']) =>
    plan.changes.some((other) => other.kind === kind && 'name' in other && 'name' in change && other.name === change.name);
  if (change.kind === 'drop_index') return recreates('create_index');
  if (change.kind === 'drop_foreign_key') return recreates('add_foreign_key');
  if (change.kind === 'drop_unique') return recreates('add_unique');
  return false;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '') || '(plan)';
}
