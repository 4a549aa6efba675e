/**
 * Plural and singular forms for names a plugin makes up (a model or class for a new table,
 * a back-relation for a new foreign key). Regular English only: a word that does not look
 * plural is kept as it is.
 */

/** `categories` → `category`, `posts` → `post`, `boxes` → `box`. */
export function singularize(word: string): string {
  if (/ies$/i.test(word) && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ss|x|ch|sh|z)es$/i.test(word)) return word.slice(0, -2);
  if (/[^su]s$/i.test(word)) return word.slice(0, -1);
  return word;
}

/** `category` → `categories`, `post` → `posts`, `box` → `boxes`. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh|z)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}
