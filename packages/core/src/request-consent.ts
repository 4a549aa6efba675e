/**
 * Whether a request, in a person's words, asks to remove something. A plan may drop a
 * table, column, index or constraint only when its request names it next to a verb of
 * removal: "drop the legacy_flags column", "remove users.bio", "delete the old tags table".
 */
const REMOVAL_VERBS = ['drop', 'dropping', 'remove', 'removing', 'delete', 'deleting', 'get rid of', 'rid of', 'purge', 'eliminate'];

/** Words of a name as a person may write it: `display_name`, `displayName`, `display name`. */
function spellings(name: string): string[] {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
  return [...new Set([name.toLowerCase(), words.join(' '), words.join('_'), words.join('')])];
}

function normalizeRequest(request: string): string {
  return ` ${request.toLowerCase().replace(/[^a-z0-9_$]+/g, ' ')} `;
}

/** True when the request contains a removal verb and one of `names` in any usual spelling. */
export function requestAsksToRemove(request: string, names: readonly string[]): boolean {
  const text = normalizeRequest(request);
  const hasVerb = REMOVAL_VERBS.some((verb) => text.includes(` ${verb} `));
  return hasVerb && requestMentions(request, names);
}

/** True when the request names one of `names` in any usual spelling: a narrowing type change must be asked for by name. */
export function requestMentions(request: string, names: readonly string[]): boolean {
  const text = normalizeRequest(request);
  return names.some((name) => spellings(name).some((spelling) => text.includes(` ${normalizeRequest(spelling).trim()} `)));
}
