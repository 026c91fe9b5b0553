// Sorts of a few elements, in place, without the work array Array.prototype.sort allocates on every
// call: a report sorts a handful of findings, entries, lines and dates per claim. Stable, like
// Array.prototype.sort, so a comparator gives the same order either way.

/** Sorts `xs` in place by `cmp`, stably (insertion sort; a long list goes to Array.prototype.sort). */
export function sortSmall<T>(xs: T[], cmp: (a: T, b: T) => number): T[] {
  const n = xs.length;
  if (n > 24) return xs.sort(cmp);
  for (let i = 1; i < n; i++) {
    const x = xs[i]!;
    let j = i - 1;
    for (; j >= 0 && cmp(xs[j]!, x) > 0; j--) xs[j + 1] = xs[j]!;
    xs[j + 1] = x;
  }
  return xs;
}

/** Ascending numbers. */
export const byNumber = (a: number, b: number): number => a - b;

/** Strings in Array.prototype.sort's default order (UTF-16 code units). */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
