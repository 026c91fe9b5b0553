// Calendar arithmetic without Date objects (engine/dates.ts) agrees with the Date-based reference
// it replaced, for real and impossible dates alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysInMonth, parseDate, yearOf, ymdOf } from '../engine/dates.ts';

/** The reference: a regex and Date.UTC-style arithmetic (years 0–99 as those years). */
function referenceParse(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  t.setUTCFullYear(y, mo, 0);
  const dim = t.getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > dim) return undefined;
  t.setUTCFullYear(y, mo - 1, d);
  return Math.round(t.getTime() / 86_400_000);
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

describe('dates without Date objects', () => {
  it.each([
    ['2026-03-02', 'an ordinary date'],
    ['2024-02-29', 'a leap day'],
    ['2026-02-29', 'not a leap year'],
    ['1900-02-29', 'a century that is not a leap year'],
    ['2000-02-29', 'a leap century'],
    ['0001-01-01', 'year 1'],
    ['0099-12-31', 'a two-digit year stays that year'],
    ['9999-12-31', 'the last four-digit day'],
    ['2026-13-01', 'month 13'],
    ['2026-00-10', 'month 0'],
    ['2026-04-31', 'April 31'],
    ['2026-1-01', 'one-digit month'],
    ['2026/01/01', 'slashes'],
    ['２０２６-01-01', 'full-width digits'],
    [' 2026-01-01', 'a leading space'],
    ['', 'empty'],
  ])('%s (%s) parses as the reference does', (text) => {
    expect(parseDate(text)).toBe(referenceParse(text));
  });

  it('every day of every month from 1600 to 2400 parses as the reference does', () => {
    for (let y = 1600; y <= 2400; y += 1) {
      for (let mo = 0; mo <= 13; mo++) {
        for (const d of [0, 1, 15, 28, 29, 30, 31, 32]) {
          const text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
          if (parseDate(text) !== referenceParse(text)) expect(`${text} → ${parseDate(text)}`).toBe(`${text} → ${referenceParse(text)}`);
        }
        if (mo >= 1 && mo <= 12) {
          const t = new Date(0);
          t.setUTCFullYear(y, mo, 0);
          if (daysInMonth(y, mo) !== t.getUTCDate()) expect(`${y}-${mo}: ${daysInMonth(y, mo)}`).toBe(`${y}-${mo}: ${t.getUTCDate()}`);
        }
      }
    }
  });

  it('arbitrary strings parse as the reference does', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), (s) => parseDate(s) === referenceParse(s)), { numRuns: 20_000 });
    fc.assert(fc.property(fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/), (s) => parseDate(s) === referenceParse(s)), { numRuns: 20_000 });
  });

  it('the year of a day number is the UTC year', () => {
    fc.assert(fc.property(fc.integer({ min: -1_000_000, max: 3_000_000 }), (d) => yearOf(d) === new Date(d * 86_400_000).getUTCFullYear()), { numRuns: 50_000 });
    for (let d = -800; d < 800; d++) expect(yearOf(d)).toBe(new Date(d * 86_400_000).getUTCFullYear());
  });

  it('a day number as YYYYMMDD is the UTC date', () => {
    const ref = (d: number) => {
      const t = new Date(d * 86_400_000);
      return t.getUTCFullYear() * 10_000 + (t.getUTCMonth() + 1) * 100 + t.getUTCDate();
    };
    fc.assert(fc.property(fc.integer({ min: -1_000_000, max: 3_000_000 }), (d) => ymdOf(d) === ref(d)), { numRuns: 50_000 });
  });
});
