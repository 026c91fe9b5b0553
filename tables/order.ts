// Row order of a release (by the kind's key, then dates, then every other column), computed for
// millions of rows. Every kind's key starts with codes, so rows are ordered first by a stable LSD
// radix sort on the halves of those codes (small integers, 16 bits a pass), then only the runs of
// rows with the same codes (an NCCI pair deleted and added again) are sorted on the other columns.
// A comparison sort over 2.6 million rows calls a JavaScript comparator ~60 million times; this
// touches each row a few times. Stable: rows that compare equal keep their input order, which is
// file then line order (duplicate-row messages name the first line). Browser-safe.
import { hiOf, loOf } from './codes.ts';
import type { Rows } from './rows.ts';

const DIGIT = 65_536;

/** One stable counting pass of `perm` on 16 bits of `key` (shifted by `shift`) into `out`. */
function pass(key: Int32Array, shift: number, perm: Uint32Array, out: Uint32Array, count: Uint32Array): void {
  count.fill(0);
  const n = perm.length;
  for (let k = 0; k < n; k++) count[((key[perm[k]!]! >>> shift) & 0xffff) + 1]!++;
  for (let d = 1; d <= DIGIT; d++) count[d]! += count[d - 1]!;
  for (let k = 0; k < n; k++) {
    const i = perm[k]!;
    out[count[(key[i]! >>> shift) & 0xffff]!++] = i;
  }
}

/** The halves of a code column, shifted so a blank code (-1) is 0; `lo` only when some code needs it. */
function halves(values: Float64Array): Int32Array[] {
  const n = values.length;
  const hi = new Int32Array(n);
  const lo = new Int32Array(n);
  let anyLo = false;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    hi[i] = hiOf(v) + 1;
    lo[i] = loOf(v);
    if (lo[i] !== 0) anyLo = true;
  }
  return anyLo ? [hi, lo] : [hi];
}

/** The stable permutation that orders `n` rows by `keys` (non-negative integers, most significant first). */
function radixOrder(n: number, keys: readonly Int32Array[]): Uint32Array {
  let perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(DIGIT + 1);
  for (let k = keys.length - 1; k >= 0; k--) {
    const key = keys[k]!;
    let max = 0;
    for (let i = 0; i < n; i++) if (key[i]! > max) max = key[i]!;
    for (let shift = 0; shift < 32 && (shift === 0 || max >>> shift > 0); shift += 16) {
      pass(key, shift, perm, tmp, count);
      [perm, tmp] = [tmp, perm];
    }
  }
  return perm;
}

/** Row indexes in the order of one code column (ties in row order): code search over either NCCI column. */
export function orderByCode(values: Float64Array): Uint32Array {
  return radixOrder(values.length, halves(values));
}

/** The permutation that puts `rows` in order on `cols` (the leading code columns by radix), stable. */
export function orderRows(rows: Rows, cols: readonly number[]): Uint32Array {
  const n = rows.length;
  let lead = 0;
  while (lead < cols.length && rows.columns[cols[lead]!]!.type === 'code') lead++;
  const keys = cols.slice(0, lead).flatMap((c) => halves(rows.data[c]!.values as Float64Array));
  const perm = radixOrder(n, keys);
  // Runs of equal leading codes: ordered on the remaining columns (stable: input order breaks ties).
  const rest = cols.slice(lead);
  const same = (a: number, b: number) => {
    for (let k = 0; k < keys.length; k++) if (keys[k]![a] !== keys[k]![b]) return false;
    return true;
  };
  if (keys.length === 0) return Uint32Array.from(Array.from(perm).sort((a, b) => rows.compareOn(rest, a, rows, b) || a - b));
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && same(perm[s]!, perm[e]!)) e++;
    if (e - s > 1 && rest.length) {
      const run = Array.from(perm.subarray(s, e)).sort((a, b) => rows.compareOn(rest, a, rows, b) || a - b);
      perm.set(run, s);
    }
    s = e;
  }
  return perm;
}
