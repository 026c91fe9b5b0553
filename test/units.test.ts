// Table tests for the unit math (MCPM ch.5 §20.2 and the CPT midpoint rule): every boundary of the
// unit table and every CMS worked example, with ties accepted either way as CMS allows.
import { describe, expect, it } from 'vitest';
import { allocateUnits, explainUnits, unitsForMinutes, type UnitLine, type UnitPolicy } from '../engine/units.ts';
import { formatDate, parseDate } from '../engine/dates.ts';

const CMS: UnitPolicy = { method: 'total-time', minutesPerUnit: 15, minimumMinutes: 8 };
const PER_CODE: UnitPolicy = { ...CMS, method: 'per-code' };

describe('the unit table', () => {
  it.each([
    [0, 0], [7, 0], [8, 1], [22, 1], [23, 2], [37, 2], [38, 3], [52, 3], [53, 4], [67, 4], [68, 5],
    [82, 5], [83, 6], [97, 6], [98, 7], [112, 7], [113, 8], [127, 8], [128, 9], [142, 9], [143, 10],
  ])('%i minutes → %i units', (minutes, units) => {
    expect(unitsForMinutes(minutes)).toBe(units);
    expect(unitsForMinutes(minutes)).toBe(Math.floor((minutes + 7) / 15));
  });
});

const timed = (code: string, minutes: number, billed?: number, index = 0): UnitLine => ({ index, code, cls: 'timed', minutes, billed, day: 1 });
const lines = (...xs: [string, number, number?][]) => xs.map(([c, m, b], i) => timed(c, m, b, i));
const range = (res: ReturnType<typeof allocateUnits>) => res.map((r) => [r.min, r.max]);

describe('CMS worked examples (total-time)', () => {
  it.each([
    { note: 'example 1: 24 + 23 min = 47 → 3; more units to the code with the most time', input: lines(['97112', 24], ['97110', 23]), expected: [2, 1], ranges: [[2, 2], [1, 1]] },
    { note: 'example 2: 20 + 20 = 40 → 3; either code may take 2 (tie)', input: lines(['97112', 20], ['97110', 20]), expected: [2, 1], ranges: [[1, 2], [1, 2]] },
    { note: 'example 3: 33 + 7 = 40 → 3; 97110 ×2, 97140 ×1', input: lines(['97110', 33], ['97140', 7]), expected: [2, 1], ranges: [[2, 2], [1, 1]] },
    { note: 'example 4: 18 + 13 + 10 + 8 = 49 → 3; 97035 gets 0', input: lines(['97110', 18], ['97140', 13], ['97116', 10], ['97035', 8]), expected: [1, 1, 1, 0], ranges: [[1, 1], [1, 1], [1, 1], [0, 0]] },
    { note: 'example 5: 7 + 7 + 7 = 21 → 1; any one code', input: lines(['97112', 7], ['97110', 7], ['97140', 7]), expected: [1, 0, 0], ranges: [[0, 1], [0, 1], [0, 1]] },
    { note: 'single service under 8 minutes is not billed', input: lines(['97110', 7]), expected: [0], ranges: [[0, 0]] },
    { note: 'two small services totalling 8 give one unit to the larger', input: lines(['97110', 5], ['97140', 3]), expected: [1, 0], ranges: [[1, 1], [0, 0]] },
  ])('$note', ({ input, expected, ranges }) => {
    const res = allocateUnits(input, CMS);
    expect(res.map((r) => r.expected)).toEqual(expected);
    expect(range(res)).toEqual(ranges);
    const T = unitsForMinutes(input.reduce((s, l) => s + l.minutes!, 0));
    expect(res.reduce((s, r) => s + r.expected, 0)).toBe(T);
  });

  it('example 2 billed either way is allowed; 3 units on one code is not', () => {
    for (const billed of [[2, 1], [1, 2]]) {
      const res = allocateUnits(lines(['97112', 20, billed[0]], ['97110', 20, billed[1]]), CMS);
      expect(res.map((r) => r.allowed)).toEqual(billed);
      expect(res.map((r) => r.expected)).toEqual(billed);
    }
    const res = allocateUnits(lines(['97112', 20, 3], ['97110', 20, 0]), CMS);
    expect(res[0]!.allowed).toBe(2);
    expect(res[1]!.min).toBe(1);
  });

  it('example 5 billed on two codes exceeds the one unit the total allows, once: the excess comes off the line last in the policy order', () => {
    const res = allocateUnits(lines(['97112', 7, 1], ['97110', 7, 1], ['97140', 7, 0]), CMS);
    expect(res.map((r) => r.allowed)).toEqual([1, 0, 0]);
  });

  // Following every finding must bill exactly the day's total: a shared excess or shortfall is
  // said on as few lines as can carry it, never on each tied line.
  it.each([
    { minutes: [20, 20], billed: [2, 2], allowed: [2, 1], least: [1, 1] },
    { minutes: [20, 20], billed: [1, 1], allowed: [2, 2], least: [2, 1] },
    { minutes: [20, 20], billed: [1, 2], allowed: [1, 2], least: [1, 2] },
    { minutes: [7, 7], billed: [1, 1], allowed: [1, 0], least: [0, 0] },
    { minutes: [20, 20], billed: [3, 2], allowed: [2, 1], least: [1, 1] },
    { minutes: [10, 10, 10], billed: [1, 1, 1], allowed: [1, 1, 0], least: [0, 0, 0] },
  ])('minutes $minutes billed $billed: allowed $allowed, least $least', ({ minutes, billed, allowed, least }) => {
    const res = allocateUnits(lines(...minutes.map((m, i) => [`9711${i}`, m, billed[i]] as [string, number, number])), CMS);
    expect(res.map((r) => r.allowed)).toEqual(allowed);
    expect(res.map((r) => r.least)).toEqual(least);
  });

  it('the explanation names the total and the code', () => {
    const [a] = allocateUnits(lines(['97110', 33], ['97140', 7]), CMS);
    expect(explainUnits(a!)).toBe('total timed 40 min → 3 units; 97110: 33 min → 2 units (2 full units)');
  });
});

describe('one code on several lines of a day (its minutes added up, its units shared)', () => {
  it.each([
    // 97110 23 + 42 = 65 min (4 units, 5 left) and 97530 7 min: 72 min → 5, the fifth to 97530.
    { note: 'billed as the policy gives', xs: [['97110', 23, 2], ['97530', 7, 1], ['97110', 42, 2]], expected: [2, 1, 2], allowed: [2, 1, 2], least: [2, 1, 2] },
    { note: 'one unit over the code, off its last line', xs: [['97110', 23, 2], ['97530', 7, 1], ['97110', 42, 3]], expected: [2, 1, 2], allowed: [2, 1, 2], least: [1, 1, 2] },
    { note: 'one unit short of the code, onto its first line', xs: [['97110', 23, 1], ['97530', 7, 1], ['97110', 42, 2]], expected: [2, 1, 2], allowed: [2, 1, 3], least: [2, 1, 2] },
    // 97110 10 + 10 = 20 min alone: 1 unit for the code, not 1 a line.
    { note: 'two short lines of one code make one unit', xs: [['97110', 10, 1], ['97110', 10, 1]], expected: [1, 0], allowed: [1, 0], least: [0, 0] },
  ] as { note: string; xs: [string, number, number][]; expected: number[]; allowed: number[]; least: number[] }[])('$note', ({ xs, expected, allowed, least }) => {
    const res = allocateUnits(lines(...xs), CMS);
    expect(res.map((r) => r.expected)).toEqual(expected);
    expect(res.map((r) => r.allowed)).toEqual(allowed);
    expect(res.map((r) => r.least)).toEqual(least);
  });
});

describe('untimed and other codes', () => {
  it('untimed codes are 1 unit and their minutes do not count', () => {
    const res = allocateUnits([{ index: 0, code: '97165', cls: 'untimed', minutes: 60, day: 1 }, timed('97110', 10, undefined, 1)], CMS);
    expect(res.map((r) => r.expected)).toEqual([1, 1]);
    expect(explainUnits(res[1]!)).toContain('total timed 10 min');
  });

  it('codes outside the unit policy keep their billed units', () => {
    const [r] = allocateUnits([{ index: 0, code: '99213', cls: 'other', minutes: 30, billed: 1, day: 1 }], CMS);
    expect(r).toMatchObject({ expected: 1, governed: false });
  });

  it('lines on different days are totalled separately', () => {
    const res = allocateUnits([timed('97110', 10, undefined, 0), { ...timed('97110', 10, undefined, 1), day: 2 }], CMS);
    expect(res.map((r) => r.expected)).toEqual([1, 1]);
  });
});

describe('a timed line without minutes', () => {
  const noMinutes = (code: string, index: number, day = 1): UnitLine => ({ index, code, cls: 'timed', minutes: undefined, billed: 1, day });
  it.each([
    // Total time: the day's total is unknown, so no timed line of that day is governed.
    { note: 'total time: the other timed lines of its day are not governed', policy: CMS, input: [timed('97110', 7, 1, 0), noMinutes('97140', 1)], governed: [false, false], kinds: ['day-unknown', 'other'] },
    { note: 'total time: another day is still governed', policy: CMS, input: [timed('97110', 7, 1, 0), noMinutes('97140', 1, 2)], governed: [true, false], kinds: ['total', 'other'] },
    { note: 'total time: untimed lines of that day stay 1 unit', policy: CMS, input: [{ index: 0, code: '97150', cls: 'untimed', day: 1 } as UnitLine, noMinutes('97140', 1)], governed: [true, false], kinds: ['untimed', 'other'] },
    { note: 'per code: each code on its own minutes, the others still governed', policy: PER_CODE, input: [timed('97110', 7, 1, 0), noMinutes('97140', 1)], governed: [true, false], kinds: ['per-code', 'other'] },
  ])('$note', ({ policy, input, governed, kinds }) => {
    const res = allocateUnits(input, policy);
    expect(res.map((r) => r.governed)).toEqual(governed);
    expect(res.map((r) => r.note.kind)).toEqual(kinds);
  });

  it('says which line of the day lacks minutes', () => {
    const [r] = allocateUnits([timed('97110', 20, 1, 0), noMinutes('97140', 1), noMinutes('97112', 2)], CMS);
    expect(explainUnits(r!)).toBe("97110: 97140, 97112 the same day have no treatment minutes, so the day's total timed minutes, and with them this line's units, could not be checked");
  });
});

describe('per-code (CPT midpoint rule)', () => {
  it.each([
    { note: 'example 1 minutes: each code on its own → 2 + 2', input: lines(['97112', 24], ['97110', 23]), expected: [2, 2] },
    { note: '7 minutes of a code is 0 units even beside other codes', input: lines(['97110', 33], ['97140', 7]), expected: [2, 0] },
    { note: 'boundaries 8 / 22 / 23', input: lines(['97110', 8], ['97112', 22], ['97116', 23]), expected: [1, 1, 2] },
  ])('$note', ({ input, expected }) => {
    expect(allocateUnits(input, PER_CODE).map((r) => r.expected)).toEqual(expected);
  });
});

describe('calendar dates', () => {
  it.each([
    ['0000-02-29', true, 'year 0 is a leap year in the proleptic Gregorian calendar'],
    ['0099-12-31', true, 'years 0000-0099 are those years, not 1900-1999'],
    ['1900-02-29', false, '1900 is not a leap year'],
    ['2024-02-29', true, 'a leap day'],
    ['2026-02-29', false, 'not a leap year'],
  ])('%s is a date: %s (%s)', (text, ok) => {
    const d = parseDate(text);
    expect(d !== undefined).toBe(ok);
    if (d !== undefined) expect(formatDate(d)).toBe(text);
  });
});
