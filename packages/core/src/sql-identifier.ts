/**
 * Names the plan creates become SQL identifiers that ORMs quote and interpolate into DDL.
 * Only plain identifiers are accepted: a letter or underscore, then letters, digits, `_`
 * or `$`, at most 63 bytes (PostgreSQL's NAMEDATALEN - 1, past which it truncates silently).
 */
const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const MAX_IDENTIFIER_BYTES = 63;

/** Null when `name` is a valid identifier, else why it is not (a phrase to follow "name "). */
export function identifierProblem(name: string): string | null {
  if (!PLAIN_IDENTIFIER.test(name)) {
    return `"${name}" is not a plain SQL identifier (letters, digits, _ and $, not starting with a digit)`;
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    return `"${name}" is longer than ${MAX_IDENTIFIER_BYTES} bytes, where PostgreSQL would truncate it`;
  }
  return null;
}
