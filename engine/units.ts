// Unit math, pure functions. Minutes → billable units under a payer's unit policy:
//  - total-time (CMS "8-minute rule", MCPM ch.5 §20.2): the day's timed minutes across codes give the
//    total; each code gets one unit per full 15 minutes; the units left over go to the codes with
//    the most remaining minutes. Where CMS leaves a tie to the provider, any tied split is allowed,
//    so each line gets a range [min, max] rather than one number.
//  - per-code (CPT midpoint rule): each timed code on its own minutes.
// Untimed codes are 1 unit and their minutes do not count toward the timed total.

export interface UnitPolicy {
  method: 'total-time' | 'per-code';
  minutesPerUnit: number;
  minimumMinutes: number;
}

export const CMS_POLICY: UnitPolicy = { method: 'total-time', minutesPerUnit: 15, minimumMinutes: 8 };

/** Units for `minutes` of one service: 0 below the minimum, then one more per full unit of time. */
export function unitsForMinutes(minutes: number, p: Pick<UnitPolicy, 'minutesPerUnit' | 'minimumMinutes'> = CMS_POLICY): number {
  if (!(minutes >= p.minimumMinutes)) return 0;
  return Math.floor((minutes - p.minimumMinutes) / p.minutesPerUnit) + 1;
}

export type UnitClass = 'timed' | 'untimed' | 'other';

export interface UnitLine {
  /** Position on the claim (0-based). */
  index: number;
  code: string;
  cls: UnitClass;
  minutes?: number | undefined;
  billed?: number | undefined;
  /** Lines are grouped by date of service (a day number). */
  day: number;
}

export interface LineUnits {
  index: number;
  /** Fewest units this line gets under every allocation the policy allows. */
  min: number;
  /** Most units this line can get under some allocation the policy allows. */
  max: number;
  /** Most units this line may carry given what the other lines of its day billed. */
  allowed: number;
  /** The units the policy gives the line (the allocation closest to what was billed). */
  expected: number;
  explanation: string;
  /** False when the policy says nothing about the line (not a therapy code, or no minutes). */
  governed: boolean;
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/** Allocates units for every line of a claim. */
export function allocateUnits(lines: readonly UnitLine[], policy: UnitPolicy): LineUnits[] {
  const out = new Map<number, LineUnits>();
  const byDay = new Map<number, UnitLine[]>();
  for (const l of lines) {
    if (l.cls === 'untimed') {
      out.set(l.index, { index: l.index, min: 1, max: 1, allowed: 1, expected: 1, governed: true, explanation: `${l.code}: untimed, 1 unit; its minutes do not count toward timed units` });
    } else if (l.cls === 'other' || l.minutes === undefined) {
      const b = l.billed ?? 0;
      const why = l.cls === 'other' ? 'not a timed or untimed code in this payer\'s unit policy' : 'timed code with no minutes documented';
      out.set(l.index, { index: l.index, min: b, max: b, allowed: b, expected: b, governed: false, explanation: `${l.code}: ${why}; billed units taken as billed` });
    } else {
      const day = byDay.get(l.day) ?? [];
      day.push(l);
      byDay.set(l.day, day);
    }
  }
  for (const day of byDay.values()) {
    const res = policy.method === 'per-code' ? perCode(day, policy) : totalTime(day, policy);
    for (const r of res) out.set(r.index, r);
  }
  return lines.map((l) => out.get(l.index)!);
}

function perCode(day: UnitLine[], p: UnitPolicy): LineUnits[] {
  return day.map((l) => {
    const u = unitsForMinutes(l.minutes!, p);
    return { index: l.index, min: u, max: u, allowed: u, expected: u, governed: true, explanation: `${l.code}: ${l.minutes} min → ${plural(u, 'unit')} (each timed code on its own minutes)` };
  });
}

function totalTime(day: UnitLine[], p: UnitPolicy): LineUnits[] {
  const total = day.reduce((s, l) => s + l.minutes!, 0);
  const T = unitsForMinutes(total, p);
  const base = day.map((l) => Math.floor(l.minutes! / p.minutesPerUnit));
  const rem = day.map((l) => l.minutes! % p.minutesPerUnit);
  const baseSum = base.reduce((a, b) => a + b, 0);
  // INVARIANT: 0 <= R < day.length (each code gets at most one leftover unit).
  const R = Math.max(0, T - baseSum);
  const sortedRem = [...rem].sort((a, b) => b - a);
  const cut = R > 0 ? sortedRem[R - 1]! : Infinity;
  const above = rem.filter((r) => r > cut).length;
  const tied = rem.filter((r) => r === cut).length;
  const tieIsOpen = R > 0 && tied > R - above;
  const min = day.map((_, i) => base[i]! + (rem[i]! > cut || (rem[i] === cut && !tieIsOpen) ? 1 : 0));
  const max = day.map((_, i) => base[i]! + (rem[i]! > cut || rem[i] === cut ? 1 : 0));
  // Given what the other lines billed (clipped to what they may carry), how many may this one carry?
  const billedClipped = day.map((l, i) => clamp(l.billed ?? min[i]!, min[i]!, max[i]!));
  const clippedSum = billedClipped.reduce((a, b) => a + b, 0);
  const allowed = day.map((_, i) => clamp(T - (clippedSum - billedClipped[i]!), min[i]!, max[i]!));
  // Expected: the billed split when it is one the policy allows, else most minutes first.
  const billedValid = clippedSum === T && day.every((l, i) => l.billed === billedClipped[i]);
  let expected: number[];
  if (billedValid) expected = billedClipped;
  else {
    const order = day.map((_, i) => i).sort((a, b) => rem[b]! - rem[a]! || day[b]!.minutes! - day[a]!.minutes! || day[a]!.index - day[b]!.index);
    expected = [...base];
    for (const i of order.slice(0, R)) expected[i]!++;
  }
  const head = `total timed ${total} min → ${plural(T, 'unit')}`;
  return day.map((l, i) => {
    const parts = [`${l.code}: ${l.minutes} min`];
    if (base[i]) parts.push(`${plural(base[i]!, 'full unit')}`);
    const gotExtra = expected[i]! > base[i]!;
    if (gotExtra) parts.push(`+1 for the ${rem[i]} remaining min`);
    let tie = '';
    if (tieIsOpen && rem[i] === cut) tie = `; tied with another code for the last unit, so either may take it (${min[i]}–${max[i]})`;
    return {
      index: l.index,
      min: min[i]!,
      max: max[i]!,
      allowed: allowed[i]!,
      expected: expected[i]!,
      governed: true,
      explanation: `${head}; ${parts[0]} → ${plural(expected[i]!, 'unit')}${parts.length > 1 ? ` (${parts.slice(1).join(', ')})` : ''}${tie}`,
    };
  });
}
