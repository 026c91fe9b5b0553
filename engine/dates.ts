// Calendar dates as whole days since 1970-01-01 (UTC). No time of day and no time zone: a date of
// service is a calendar day. Pure functions; the claim schema, checker and engine share them.

const cache = new Map<string, number | undefined>();

/** Parses `YYYY-MM-DD` into a day number, or undefined when it is not a real calendar day. */
export function parseDate(text: string): number | undefined {
  let v = cache.get(text);
  if (v === undefined && !cache.has(text)) {
    v = parseDateUncached(text);
    // Dates repeat across claims; keep a bounded memo.
    if (cache.size > 50_000) cache.clear();
    cache.set(text, v);
  }
  return v;
}

function parseDateUncached(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return utcDay(y, mo - 1, d);
}

/**
 * The day number of a calendar date (month 0-based; months and days may overflow, as with
 * Date.UTC). Unlike Date.UTC, years 0–99 are those years, not 1900–1999.
 */
export function utcDay(year: number, month0: number, day: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month0, day);
  return Math.round(t.getTime() / 86_400_000);
}

export function formatDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(utcDay(year, month, 0) * 86_400_000).getUTCDate();
}

export function yearOf(day: number): number {
  return new Date(day * 86_400_000).getUTCFullYear();
}

/** Adds calendar months, clamping to the month's last day (2026-01-31 + 1 month = 2026-02-28). */
export function addMonths(day: number, months: number): number {
  const d = new Date(day * 86_400_000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const ty = y + Math.floor(m / 12);
  const tm = ((m % 12) + 12) % 12;
  const dd = Math.min(d.getUTCDate(), daysInMonth(ty, tm + 1));
  return utcDay(ty, tm, dd);
}

/** Whole years between a birth date and a later day (the age on that day). */
export function ageOn(birth: number, day: number): number {
  const b = new Date(birth * 86_400_000);
  const d = new Date(day * 86_400_000);
  let age = d.getUTCFullYear() - b.getUTCFullYear();
  if (d.getUTCMonth() < b.getUTCMonth() || (d.getUTCMonth() === b.getUTCMonth() && d.getUTCDate() < b.getUTCDate())) age--;
  return age;
}
