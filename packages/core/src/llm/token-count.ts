import { createRequire } from 'node:module';

type CountTokens = (text: string) => number;

let countTokensOf: CountTokens | undefined;

/**
 * Tokens in `text` for OpenAI's models. The tokenizer's tables take half a second to load, so
 * they load at the first count (only runs that ask a model count), not with the CLI.
 */
export function countTokens(text: string): number {
  countTokensOf ??= (createRequire(import.meta.url)('gpt-tokenizer') as { countTokens: CountTokens }).countTokens;
  return countTokensOf(text);
}
