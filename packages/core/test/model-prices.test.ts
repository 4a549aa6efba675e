import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PRICES, estimateCost, formatUsd, loadModelPrices } from '../src/llm/model-prices.js';

const usage = { calls: 2, promptTokens: 10_000, completionTokens: 2_000 };
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('estimateCost', () => {
  it('prices a known model per million input and output tokens', () => {
    // gpt-4.1: $2 in, $8 out per 1M tokens.
    expect(estimateCost({ usage, model: 'gpt-4.1', prices: DEFAULT_MODEL_PRICES })).toEqual({ costUsd: 0.036, costUnknownReason: null });
  });

  it('prices a dated snapshot at its model\'s price, and nothing by a mere prefix', () => {
    expect(estimateCost({ usage, model: 'gpt-4o-mini-2024-07-18', prices: DEFAULT_MODEL_PRICES }).costUsd).toBe(0.0027);
    expect(estimateCost({ usage, model: 'gpt-4o-mini-search', prices: DEFAULT_MODEL_PRICES }).costUsd).toBeNull();
  });

  it('an unknown model has no cost and a reason naming the override', () => {
    expect(estimateCost({ usage, model: 'llama3.1:8b', prices: DEFAULT_MODEL_PRICES })).toEqual({
      costUsd: null,
      costUnknownReason: 'no price for the model "llama3.1:8b": add it to ORM_AI_PRICES (USD per 1M input and output tokens)',
    });
  });

  it('a run without model calls cost nothing', () => {
    expect(estimateCost({ usage: { calls: 0, promptTokens: 0, completionTokens: 0 }, model: null, prices: DEFAULT_MODEL_PRICES })).toEqual({ costUsd: 0, costUnknownReason: null });
  });

  it('does not read prices off the object prototype', () => {
    expect(estimateCost({ usage, model: 'constructor', prices: DEFAULT_MODEL_PRICES }).costUsd).toBeNull();
  });
});

describe('loadModelPrices', () => {
  it('without ORM_AI_PRICES is the default table', async () => {
    expect(await loadModelPrices({ env: {}, cwd: '/' })).toBe(DEFAULT_MODEL_PRICES);
  });

  it('lays JSON in ORM_AI_PRICES over the defaults, model by model', async () => {
    const prices = await loadModelPrices({ env: { ORM_AI_PRICES: '{ "gpt-4.1": { "input": 1, "output": 4 }, "qwen2.5-coder:14b": { "input": 0, "output": 0 } }' }, cwd: '/' });
    expect(prices['gpt-4.1']).toEqual({ input: 1, output: 4 });
    expect(prices['qwen2.5-coder:14b']).toEqual({ input: 0, output: 0 });
    expect(prices['gpt-4.1-mini']).toEqual(DEFAULT_MODEL_PRICES['gpt-4.1-mini']);
    expect(estimateCost({ usage, model: 'qwen2.5-coder:14b', prices })).toEqual({ costUsd: 0, costUnknownReason: null });
  });

  it('reads a JSON file named by ORM_AI_PRICES, relative to the working directory', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'orm-ai-prices-'));
    folders.push(folder);
    writeFileSync(join(folder, 'prices.json'), JSON.stringify({ 'my-azure-deployment': { input: 2.5, output: 10 } }));
    const prices = await loadModelPrices({ env: { ORM_AI_PRICES: 'prices.json' }, cwd: folder });
    expect(estimateCost({ usage, model: 'my-azure-deployment', prices }).costUsd).toBe(0.045);
  });

  it.each([
    ['{ "gpt-4.1": 2 }', 'ORM_AI_PRICES: the price of "gpt-4.1" is 2, not { "input": n, "output": n } with n ≥ 0'],
    ['{ "gpt-4.1": { "input": -1, "output": 1 } }', 'the price of "gpt-4.1" is {"input":-1,"output":1}'],
    ['{ "gpt-4.1": ', 'ORM_AI_PRICES is not JSON'],
    ['[1, 2]', 'ORM_AI_PRICES is not a JSON object of model names'],
    ['missing-prices.json', 'cannot read the ORM_AI_PRICES file /nowhere/missing-prices.json'],
  ])('rejects %s with CONFIG_INVALID', async (setting, message) => {
    await expect(loadModelPrices({ env: { ORM_AI_PRICES: setting }, cwd: '/nowhere' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(message),
      hint: expect.stringContaining('USD per 1M tokens'),
    });
  });
});

describe('formatUsd', () => {
  it('shows cents, or two significant digits below a cent', () => {
    expect([0, 0.00092, 0.0000001, 0.0099, 0.036, 12.3456].map(formatUsd)).toEqual(['$0', '$0.00092', '$0.00000010', '$0.0099', '$0.04', '$12.35']);
  });
});
