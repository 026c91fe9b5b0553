// Codes and dates as numbers, read straight from a text range without allocating: the indexes
// compare numbers, so a 2.6-million-row table is a few typed arrays and a lookup is a binary
// search. Browser-safe (no Node built-ins).
//
// A code of up to 10 characters from [0-9A-Z] is base 37 with 0 as padding (left-aligned), which
// keeps lexicographic order: "M54" < "M540" < "M5450". It is handled as two halves of five
// characters, `hi` and `lo`, each below 37^5 = 69,343,957: small integers (V8 "Smis") that are
// never boxed. Rows store the whole code as one double, hi × 37^5 + lo (exact, below 2^53), which
// sorts the same. Why halves and not that double in the lookups: a double returned from a function
// V8 does not inline is boxed in a new 16-byte heap number, which is what made every lookup
// allocate (measured: 16 bytes per packed code); a small integer is returned as is.
import { ymdOf } from '../engine/dates.ts';

/** No code: the packed value (and the `hi` half) of an empty or malformed code. */
export const NO_CODE = -1;
/** No date: the day number stored for a blank date (an open end, or "the source does not say"). */
export const NO_DAY = -2147483648;

const MAX_CODE = 10;
/** 37^5: the range of one half; a whole code is hi × HALF + lo. */
export const HALF = 69_343_957;

function digit(c: number): number {
  if (c >= 48 && c <= 57) return c - 47; // 0-9 → 1..10
  if (c >= 65 && c <= 90) return c - 54; // A-Z → 11..36
  if (c >= 97 && c <= 122) return c - 86; // a-z read as upper case
  return -1;
}

/** Characters [from, from + 5) of the code `text[start, end)` as a half; NO_CODE on a character that is not [0-9A-Za-z]. */
function half(text: string, start: number, end: number, from: number): number {
  let v = 0;
  for (let i = from; i < from + 5; i++) {
    let d = 0;
    if (start + i < end) {
      d = digit(text.charCodeAt(start + i));
      if (d < 0) return NO_CODE;
    }
    v = v * 37 + d;
  }
  return v;
}

/** The first five characters of the code `text[start, end)`; NO_CODE when empty, longer than 10 or not [0-9A-Za-z]. */
export function hiRange(text: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 0 || n > MAX_CODE) return NO_CODE;
  return half(text, start, end, 0);
}

/** Characters 6 to 10 of the code `text[start, end)` (0 for a code of five or fewer); NO_CODE when not [0-9A-Za-z]. */
export function loRange(text: string, start: number, end: number): number {
  return end - start > 5 ? half(text, start, end, 5) : 0;
}

/** `hiRange` of a whole string (upper case assumed, lower case accepted). */
export function codeHi(code: string): number {
  return hiRange(code, 0, code.length);
}
/** `loRange` of a whole string. */
export function codeLo(code: string): number {
  return loRange(code, 0, code.length);
}

/** Packs `text[start, end)` as one number (hi × 37^5 + lo); NO_CODE when empty, too long or not [0-9A-Za-z]. */
export function packRange(text: string, start: number, end: number): number {
  const hi = hiRange(text, start, end);
  const lo = loRange(text, start, end);
  return hi < 0 || lo < 0 ? NO_CODE : hi * HALF + lo;
}

/** Packs a whole string as a code (upper case assumed, lower case accepted). */
export function packCode(code: string): number {
  return packRange(code, 0, code.length);
}

/** The `hi` half of a packed code. */
export const hiOf = (v: number): number => (v < 0 ? NO_CODE : Math.floor(v / HALF));
/** The `lo` half of a packed code. */
export const loOf = (v: number): number => (v < 0 ? 0 : v - Math.floor(v / HALF) * HALF);

/** Character codes of the 37 digits (0 = padding). */
const CHAR_OF = Uint8Array.from(' 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (c) => c.charCodeAt(0));

const DIGITS = new Int32Array(10);
/** Writes the code packed as `v` into `out` at `pos` as ASCII; returns the position after it. */
export function writeCode(out: Uint8Array, pos: number, v: number): number {
  if (v < 0) return pos;
  let h = Math.floor(v / HALF);
  let l = v - h * HALF;
  for (let i = 4; i >= 0; i--) {
    const dh = h % 37;
    const dl = l % 37;
    DIGITS[i] = dh;
    DIGITS[i + 5] = dl;
    h = (h - dh) / 37;
    l = (l - dl) / 37;
  }
  // Stop at the first padding digit.
  for (let i = 0; i < 10; i++) {
    const d = DIGITS[i]!;
    if (d === 0) break;
    out[pos++] = CHAR_OF[d]!;
  }
  return pos;
}

/** The code a packed value stands for (upper case). */
export function unpackCode(v: number): string {
  if (v < 0) return '';
  const buf = new Uint8Array(10);
  const n = writeCode(buf, 0, v);
  return String.fromCharCode(...buf.subarray(0, n));
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
  const ymd = y * 10_000 + m * 100 + d;
  if (ymd === lastYmd) return lastDay;
  if (!validYmd(y, m, d)) return NaN;
  lastYmd = ymd;
  lastDay = daysFromCivil(y, m, d);
  return lastDay;
}

// Rows of a release mostly repeat their neighbour's dates: the last date read is remembered.
let lastYmd = -1;
let lastDay = 0;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** `YYYY-MM-DD` or `YYYYMMDD` to a day number; NO_DAY for "", NaN when not a date. */
export function parseDay(text: string): number {
  return parseDayRange(text, 0, text.length);
}

/** Writes a day number as `YYYY-MM-DD` (nothing for NO_DAY); returns the position after it. */
export function writeDay(out: Uint8Array, pos: number, day: number): number {
  if (day === NO_DAY) return pos;
  const v = ymdOf(day);
  const y = Math.floor(v / 10_000);
  const md = v - y * 10_000;
  out[pos] = 48 + Math.floor(y / 1000);
  out[pos + 1] = 48 + (Math.floor(y / 100) % 10);
  out[pos + 2] = 48 + (Math.floor(y / 10) % 10);
  out[pos + 3] = 48 + (y % 10);
  out[pos + 4] = 45;
  out[pos + 5] = 48 + Math.floor(md / 1000);
  out[pos + 6] = 48 + (Math.floor(md / 100) % 10);
  out[pos + 7] = 45;
  out[pos + 8] = 48 + (Math.floor(md / 10) % 10);
  out[pos + 9] = 48 + (md % 10);
  return pos + 10;
}

/** A day number as `YYYY-MM-DD`; "" for NO_DAY. */
export function formatDay(day: number): string {
  if (day === NO_DAY) return '';
  const v = String(ymdOf(day));
  return `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
}

/** A day number as CMS's `YYYYMMDD`. */
export function formatYmd(day: number): string {
  return day === NO_DAY ? '' : String(ymdOf(day));
}

/**
 * A set of codes given as codes and inclusive ranges ("97010-97799, G0283"), matched on the two
 * halves of a code (no allocation). Ranges compare codes of the same length lexicographically, as
 * code books list them.
 */
export class CodeRanges {
  // Bounds as [hi, lo] pairs: lower bounds at 2k, 2k+1 of `from`, upper of `to`.
  private readonly from: Int32Array;
  private readonly to: Int32Array;
  constructor(readonly text: string) {
    const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
    this.from = new Int32Array(parts.length * 2);
    this.to = new Int32Array(parts.length * 2);
    parts.forEach((p, i) => {
      const [a, b = a] = p.split('-').map((s) => s.trim()) as [string, string?];
      const lo = packCode(a);
      const hi = packCode(b!);
      if (lo === NO_CODE || hi === NO_CODE || hi < lo || a.length !== b!.length) throw new Error(`\`${p}\` is not a code or a code range like 97010-97799`);
      this.from[2 * i] = hiOf(lo);
      this.from[2 * i + 1] = loOf(lo);
      this.to[2 * i] = hiOf(hi);
      this.to[2 * i + 1] = loOf(hi);
    });
  }
  /** Whether the code given by its halves is in the set. */
  hasHalves(h: number, l: number): boolean {
    const f = this.from;
    const t = this.to;
    for (let k = 0; k < f.length; k += 2) {
      const aboveFrom = h > f[k]! || (h === f[k]! && l >= f[k + 1]!);
      const belowTo = h < t[k]! || (h === t[k]! && l <= t[k + 1]!);
      if (aboveFrom && belowTo) return true;
    }
    return false;
  }
  has(code: string): boolean {
    const h = codeHi(code);
    const l = codeLo(code);
    return h >= 0 && l >= 0 && this.hasHalves(h, l);
  }
}
