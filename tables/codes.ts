// Codes and dates as numbers, read straight from a text range without allocating: the indexes
// compare numbers, so a 2.6-million-row table is a few typed arrays and a lookup is a binary
// search. Browser-safe (no Node built-ins).
//
// A code of up to 10 characters from [0-9A-Z] packs into a double, base 37 with 0 as padding
// (left-aligned), which keeps lexicographic order and stays below 2^53: "M54" < "M540" < "M5450".

/** No code: the packed value of an empty or malformed code. */
export const NO_CODE = -1;
/** No date: the day number stored for a blank date (an open end, or "the source does not say"). */
export const NO_DAY = -2147483648;

const MAX_CODE = 10;
const POW37: number[] = [];
for (let i = 0, p = 1; i <= MAX_CODE; i++, p *= 37) POW37.unshift(p);
// POW37[i] = 37^(10 - i); the first character of a code is weighted 37^9.

function digit(c: number): number {
  if (c >= 48 && c <= 57) return c - 47; // 0-9 → 1..10
  if (c >= 65 && c <= 90) return c - 54; // A-Z → 11..36
  if (c >= 97 && c <= 122) return c - 86; // a-z read as upper case
  return -1;
}

/** Packs `text[start, end)` as a code; NO_CODE when empty, too long or not [0-9A-Za-z]. */
export function packRange(text: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 0 || n > MAX_CODE) return NO_CODE;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = digit(text.charCodeAt(start + i));
    if (d < 0) return NO_CODE;
    v += d * POW37[i + 1]!;
  }
  return v;
}

/** Packs a whole string as a code (upper case assumed, lower case accepted). */
export function packCode(code: string): number {
  return packRange(code, 0, code.length);
}

const CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** The code a packed value stands for (upper case). */
export function unpackCode(v: number): string {
  if (v < 0) return '';
  let out = '';
  for (let i = 1; i <= MAX_CODE; i++) {
    const d = Math.floor(v / POW37[i]!) % 37;
    if (d === 0) break;
    out += CHARS[d - 1];
  }
  return out;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function validYmd(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!);
}

function num(text: string, start: number, len: number): number {
  let v = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(start + i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Reads a date in `text[start, end)`: ISO `YYYY-MM-DD`, or CMS's `YYYYMMDD`. Returns NO_DAY for an
 * empty range and NaN for anything else (not a date, or not a real calendar day).
 */
export function parseDayRange(text: string, start: number, end: number): number {
  const n = end - start;
  if (n === 0) return NO_DAY;
  let y: number, m: number, d: number;
  if (n === 10 && text.charCodeAt(start + 4) === 45 && text.charCodeAt(start + 7) === 45) {
    y = num(text, start, 4);
    m = num(text, start + 5, 2);
    d = num(text, start + 8, 2);
  } else if (n === 8) {
    y = num(text, start, 4);
    m = num(text, start + 4, 2);
    d = num(text, start + 6, 2);
  } else return NaN;
  if (!validYmd(y, m, d)) return NaN;
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** `YYYY-MM-DD` or `YYYYMMDD` to a day number; NO_DAY for "", NaN when not a date. */
export function parseDay(text: string): number {
  return parseDayRange(text, 0, text.length);
}

/** A day number as `YYYY-MM-DD`; "" for NO_DAY. */
export function formatDay(day: number): string {
  if (day === NO_DAY) return '';
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** A day number as CMS's `YYYYMMDD`. */
export function formatYmd(day: number): string {
  return formatDay(day).replaceAll('-', '');
}

/**
 * A set of codes given as codes and inclusive ranges ("97010-97799, G0283"), matched on packed
 * values. Ranges compare codes of the same length lexicographically, as code books list them.
 */
export class CodeRanges {
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  constructor(readonly text: string) {
    const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
    this.lo = new Float64Array(parts.length);
    this.hi = new Float64Array(parts.length);
    parts.forEach((p, i) => {
      const [a, b = a] = p.split('-').map((s) => s.trim()) as [string, string?];
      const lo = packCode(a);
      const hi = packCode(b!);
      if (lo === NO_CODE || hi === NO_CODE || hi < lo || a.length !== b!.length) throw new Error(`\`${p}\` is not a code or a code range like 97010-97799`);
      this.lo[i] = lo;
      this.hi[i] = hi;
    });
  }
  /** Whether the packed code is in the set. */
  hasPacked(v: number): boolean {
    for (let i = 0; i < this.lo.length; i++) if (v >= this.lo[i]! && v <= this.hi[i]!) return true;
    return false;
  }
  has(code: string): boolean {
    return this.hasPacked(packCode(code));
  }
}
