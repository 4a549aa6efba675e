import type { ChangePlan } from '../change-plan.js';

const MAX_NAME_WORDS = 8;
/** Words that carry no meaning in a file name. */
const FILLER_WORDS = new Set(['a', 'an', 'the', 'please', 'so', 'that']);

/**
 * The migration's name: `--name` when given, else the first words of the request in
 * snake_case (`add_tags_to_posts`), as ORMs name migrations.
 */
export function migrationNameFor(options: { name?: string | undefined; plan: ChangePlan }): string {
  const source = options.name?.trim() || options.plan.request;
  const words = source
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word && !FILLER_WORDS.has(word))
    .slice(0, MAX_NAME_WORDS);
  return words.join('_') || 'schema_change';
}
