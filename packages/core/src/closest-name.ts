/**
 * The smallest number of single-character insertions, deletions and substitutions that turn
 * `a` into `b` (Levenshtein distance).
 *
 * @example editDistance('boks', 'books') // 1
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length]!;
}

export interface ClosestNameOptions {
  /** The farthest a candidate may be and still be offered; defaults to a third of the name's length, at least 2. */
  readonly maxDistance?: number;
}

/**
 * The candidate `name` was most likely meant to be, for a "did you mean": the nearest by
 * edit distance, ignoring case (`Users` meant `users`), when it is near enough to be a typo
 * rather than another name; undefined when none is. Ties go to the earlier candidate.
 *
 * @example closestName('boks', ['users', 'books']) // 'books'
 */
export function closestName(name: string, candidates: Iterable<string>, options: ClosestNameOptions = {}): string | undefined {
  // A third of the length: `id` and `ab` are not typos of each other, `comments` and `coments` are.
  const limit = options.maxDistance ?? Math.max(2, Math.floor(name.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** `; did you mean "books"?` for a name not found, or nothing when no candidate is near. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const closest = closestName(name, candidates);
  return closest === undefined ? '' : `; did you mean "${closest}"?`;
}
