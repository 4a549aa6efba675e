import type { ChangePlan } from '../change-plan.js';

const MAX_NAME_WORDS = 6;

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
    .filter(Boolean)
    .slice(0, MAX_NAME_WORDS);
  return words.join('_') || 'schema_change';
}
