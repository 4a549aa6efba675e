/**
 * A minimal line diff for editor tests: `-N|text` for removed lines (numbered in `before`),
 * `+N|text` for added lines (numbered in `after`). Every line not listed is byte-identical
 * in both versions, so asserting the whole list asserts the edit touched nothing else.
 */
export function lineDiff(edit: { readonly before: string; readonly after: string }): string[] {
  const a = edit.before.split('\n');
  const b = edit.after.split('\n');
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i += 1;
      j += 1;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`-${i + 1}|${a[i]}`);
      i += 1;
    } else {
      out.push(`+${j + 1}|${b[j]}`);
      j += 1;
    }
  }
  return out;
}
