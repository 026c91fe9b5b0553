// Calendar dates as whole days since 1970-01-01 (UTC). No time of day and no time zone: a date of
// service is a calendar day. Pure functions; the claim schema, checker and engine share them.

const ZERO = 48;

/** Parses `YYYY-MM-DD` into a day number, or undefined when it is not a real calendar day. */
export function parseDate(text: string): number | undefined {
  // Read digit by digit: dates are parsed many times per claim, so no regex, Map or Date here.
  if (typeof text !== 'string' || text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return daysFromCivil(y, mo, d);
}

/** The number written by `n` ASCII digits at `at`, or -1 when one of them is not a digit. */
function digits(text: string, at: number, n: number): number {
  let v = 0;
  for (let k = at; k < at + n; k++) {
    const c = text.charCodeAt(k) - ZERO;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12), exact for every year (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
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
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * A day number as the integer YYYYMMDD (days since 1970-01-01 to the proleptic Gregorian calendar,
 * H. Hinnant's civil_from_days): integer arithmetic only, so hot paths (a year per line, a table
 * writer's millions of dates) need no Date object.
 */
export function ymdOf(day: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10_000 + m * 100 + d;
}

/** The calendar year of a day number (month and day take less than 10,000, so flooring works below year 0 too). */
export function yearOf(day: number): number {
  return Math.floor(ymdOf(day) / 10_000);
}

/** Adds calendar months, clamping to the month's last day (2026-01-31 + 1 month = 2026-02-28). */
export function addMonths(day: number, months: number): number {
  // Whole days and months, within the range a Date holds (±100,000,000 days): integer arithmetic, no
  // Date (rules add months per line). Anything else goes through Date, which gives the same days.
  if (Number.isInteger(day) && Number.isInteger(months) && Math.abs(day) <= 100_000_000 && Math.abs(months) <= 1_000_000) {
    const ymd = ymdOf(day);
    const y = Math.floor(ymd / 10_000);
    const md = ymd - y * 10_000;
    const m = Math.floor(md / 100) - 1 + months;
    const ty = y + Math.floor(m / 12);
    const tm = m - Math.floor(m / 12) * 12 + 1;
    const out = daysFromCivil(ty, tm, Math.min(md % 100, daysInMonth(ty, tm)));
    if (Math.abs(out) <= 100_000_000) return out;
  }
  return addMonthsByDate(day, months);
}

function addMonthsByDate(day: number, months: number): number {
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
