import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeError, OrmAiError } from '../errors.js';
import type { LlmUsage } from './chat-planner.js';

/** What a model costs, in US dollars per million tokens. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
}

/** Model name → price. */
export type ModelPrices = Readonly<Record<string, ModelPrice>>;

/**
 * OpenAI's list prices for the standard tier (USD per 1M tokens, checked 2025). Estimates
 * only: the cached-input discount, batch and flex tiers are not applied, so a bill can be
 * lower. Prices change and self-hosted or Azure deployments have their own names, so
 * `ORM_AI_PRICES` overrides or extends this table (see {@link loadModelPrices}).
 */
export const DEFAULT_MODEL_PRICES: ModelPrices = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  o3: { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
};

export const PRICES_ENV_VAR = 'ORM_AI_PRICES';

const PRICES_HINT = `${PRICES_ENV_VAR} holds JSON or names a JSON file: { "model-name": { "input": 0.4, "output": 1.6 } }, USD per 1M tokens.`;

/**
 * The price table for a run: the defaults, with `ORM_AI_PRICES` laid over them model by
 * model. The variable holds the JSON itself (it starts with `{`, or `[` by mistake) or the
 * path of a JSON file, relative to `cwd`. Read before the model is called, so a broken override costs nothing.
 * Throws `CONFIG_INVALID` naming the bad value.
 */
export async function loadModelPrices(options: { env: Readonly<Record<string, string | undefined>>; cwd: string }): Promise<ModelPrices> {
  const setting = options.env[PRICES_ENV_VAR]?.trim();
  if (!setting) return DEFAULT_MODEL_PRICES;
  let text = setting;
  let source = `${PRICES_ENV_VAR}`;
  if (!/^[{[]/.test(setting)) {
    const path = resolve(options.cwd, setting);
    source = `${PRICES_ENV_VAR} file ${path}`;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new OrmAiError('CONFIG_INVALID', `cannot read the ${source}: ${describeError(error)}`, { hint: PRICES_HINT, cause: error });
    }
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new OrmAiError('CONFIG_INVALID', `${source} is not JSON: ${describeError(error)}`, { hint: PRICES_HINT });
  }
  return { ...DEFAULT_MODEL_PRICES, ...parsePrices(document, source) };
}

function parsePrices(document: unknown, source: string): Record<string, ModelPrice> {
  if (!isRecord(document)) throw new OrmAiError('CONFIG_INVALID', `${source} is not a JSON object of model names`, { hint: PRICES_HINT });
  const prices: Record<string, ModelPrice> = {};
  for (const [model, price] of Object.entries(document)) {
    const input = isRecord(price) ? price.input : undefined;
    const output = isRecord(price) ? price.output : undefined;
    if (!isPrice(input) || !isPrice(output)) {
      throw new OrmAiError('CONFIG_INVALID', `${source}: the price of "${model}" is ${JSON.stringify(price)}, not { "input": n, "output": n } with n ≥ 0`, { hint: PRICES_HINT });
    }
    prices[model] = { input, output };
  }
  return prices;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A run's estimated cost, or why there is none. */
export type CostEstimate = { costUsd: number; costUnknownReason: null } | { costUsd: null; costUnknownReason: string };

/**
 * The cost of a run's tokens at the model's price. A name with a date suffix
 * (`gpt-4.1-mini-2025-04-14`) falls back to its undated price; anything else unknown has
 * no cost rather than a guess, since a local model is free and a deployment name says
 * nothing of what runs behind it.
 */
export function estimateCost(options: { usage: LlmUsage; model: string | null; prices: ModelPrices }): CostEstimate {
  const { usage, model, prices } = options;
  if (usage.calls === 0) return { costUsd: 0, costUnknownReason: null };
  if (model === null) return { costUsd: null, costUnknownReason: 'the model name is not known' };
  const price = priceOf(model, prices);
  if (!price) {
    return { costUsd: null, costUnknownReason: `no price for the model "${model}": add it to ${PRICES_ENV_VAR} (USD per 1M input and output tokens)` };
  }
  const dollars = (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
  // Sums of per-token prices pick up float noise (0.00092 → 0.0009200000000000001).
  return { costUsd: Number(dollars.toFixed(8)), costUnknownReason: null };
}

function priceOf(model: string, prices: ModelPrices): ModelPrice | undefined {
  if (Object.hasOwn(prices, model)) return prices[model];
  const undated = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  return Object.hasOwn(prices, undated) ? prices[undated] : undefined;
}

/** Dollars for a person: cents when it is that much, else two significant digits ($0.00092). */
export function formatUsd(dollars: number): string {
  if (dollars === 0) return '$0';
  if (dollars >= 0.01) return `$${dollars.toFixed(2)}`;
  return `$${dollars.toFixed(1 - Math.floor(Math.log10(dollars)))}`;
}
