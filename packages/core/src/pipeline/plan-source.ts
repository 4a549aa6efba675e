import { readFile } from 'node:fs/promises';
import type { ChangePlan } from '../change-plan.js';
import { describeError, OrmAiError } from '../errors.js';
import type { ChatPlanner } from '../llm/chat-planner.js';
import { planPromptMessages, repairMessage, tablesShownMessage, type ChatMessage, type PlanPromptOptions } from '../llm/plan-prompt.js';
import { formatPlanProblems, parsePlan, validatePlan } from '../plan-validation.js';
import type { SchemaModel } from '../schema-model.js';

/** At most this many calls after the first when a plan is rejected (invalid, or refused by the shadow). */
export const MAX_REPAIR_CALLS = 2;

/**
 * Where candidate plans come from. `next(problem)` returns the first plan, or, given why
 * the previous one failed, a corrected one; it throws when no corrected plan can be had.
 * `problem` may reach a model as it is: pass what a model may read (`textForModel`), never
 * a value measured on the shadow.
 */
export interface PlanSource {
  next(problem?: string): Promise<ChangePlan>;
}

/**
 * Reads and parses a plan file: whether it is a plan at all is known before the project is read.
 * `validatePlanFile` then checks it against the schema. A file gets no second chance: problems throw.
 */
export async function readPlanFile(path: string): Promise<ChangePlan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OrmAiError('PLAN_FILE_INVALID', `cannot read plan file ${path}: ${describeError(error)}`, { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new OrmAiError('PLAN_FILE_INVALID', `plan file ${path} is not JSON: ${describeError(error)}`, {
      hint: 'A plan is one JSON document; see docs/plan.md.',
    });
  }
  const parsed = parsePlan(document);
  if (!parsed.ok) {
    throw new OrmAiError('PLAN_FILE_INVALID', `plan file ${path} does not match the plan format:\n${formatPlanProblems(parsed.problems)}`, {
      hint: 'See docs/plan.md for the format.',
    });
  }
  return parsed.plan;
}

/** The plan a file holds, once it is known to run against the current schema. */
export async function validatePlanFile(options: { path: string; plan: ChangePlan; model: SchemaModel; request?: string | undefined }): Promise<ChangePlan> {
  const problems = await validatePlan({ plan: options.plan, model: options.model, request: options.request });
  if (problems.length > 0) {
    throw new OrmAiError('PLAN_REJECTED', `plan file ${options.path} cannot run against the current schema:\n${formatPlanProblems(problems)}`, {
      hint: 'Fix the plan; nothing was changed.',
    });
  }
  return options.plan;
}

/**
 * Plans from the model: the first call, then up to `MAX_REPAIR_CALLS` corrections, each
 * sent the reason the previous answer failed (invalid JSON, a rejected plan, the shadow's error).
 */
export function planFromModel(options: { planner: ChatPlanner; prompt: PlanPromptOptions }): PlanSource {
  const messages: ChatMessage[] = planPromptMessages(options.prompt);
  let calls = 0;
  // One extra call, outside the repair budget, for tables the model asks to see in full.
  let tablesShown = false;
  const ask = async (): Promise<ChangePlan> => {
    let lastProblem = '';
    while (calls <= MAX_REPAIR_CALLS + (tablesShown ? 1 : 0)) {
      calls += 1;
      const answer = await options.planner.proposePlan(messages);
      messages.push({ role: 'assistant', content: answer.raw });
      const { needTables, plan } = answer.ok ? splitAnswer(answer.document) : { needTables: [], plan: undefined };
      if (needTables.length > 0 && !tablesShown) {
        tablesShown = true;
        messages.push(tablesShownMessage(options.prompt.model, needTables));
        continue;
      }
      const problem = answer.ok ? await problemWith(plan, options.prompt) : answer.problem;
      if (problem === null && answer.ok) return parsePlanOrThrow(plan);
      lastProblem = problem ?? '';
      messages.push(repairMessage(lastProblem));
    }
    throw repairBudgetSpent(lastProblem);
  };
  return {
    async next(problem) {
      if (problem !== undefined) {
        if (calls > MAX_REPAIR_CALLS + (tablesShown ? 1 : 0)) throw repairBudgetSpent(problem);
        messages.push(repairMessage(problem));
      }
      return ask();
    },
  };
}

/** The model's answer is the plan plus `needTables`, which is not part of the plan format. */
function splitAnswer(document: unknown): { needTables: string[]; plan: unknown } {
  if (!document || typeof document !== 'object' || Array.isArray(document) || !('needTables' in document)) return { needTables: [], plan: document };
  const { needTables, ...plan } = document as Record<string, unknown>;
  const names = Array.isArray(needTables) ? needTables.filter((name): name is string => typeof name === 'string') : [];
  return { needTables: names, plan };
}

async function problemWith(document: unknown, prompt: PlanPromptOptions): Promise<string | null> {
  const parsed = parsePlan(document);
  if (!parsed.ok) return `the plan does not match the format:\n${formatPlanProblems(parsed.problems)}`;
  const problems = await validatePlan({ plan: parsed.plan, model: prompt.model, request: prompt.request });
  return problems.length > 0 ? `the plan cannot run against the schema:\n${formatPlanProblems(problems)}` : null;
}

function parsePlanOrThrow(document: unknown): ChangePlan {
  const parsed = parsePlan(document);
  if (!parsed.ok) throw new OrmAiError('LLM_OUTPUT_INVALID', formatPlanProblems(parsed.problems));
  return parsed.plan;
}

function repairBudgetSpent(problem: string): OrmAiError {
  return new OrmAiError('LLM_OUTPUT_INVALID', `the model gave no usable plan after ${MAX_REPAIR_CALLS + 1} calls; the last problem:\n${problem}`, {
    hint: 'Rephrase the request, try a stronger model (--model), or write the plan yourself and pass it with --plan FILE.',
  });
}
