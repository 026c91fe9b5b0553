// Unit math, pure functions. Minutes → billable units under a payer's unit policy:
//  - total-time (CMS "8-minute rule", MCPM ch.5 §20.2): the day's timed minutes across codes give the
//    total; each code gets one unit per full 15 minutes; the units left over go to the codes with
//    the most remaining minutes. Where CMS leaves a tie to the provider, any tied split is allowed,
//    so each line gets a range [min, max] rather than one number.
//  - per-code (CPT midpoint rule): each timed code on its own minutes.
// Untimed codes are 1 unit and their minutes do not count toward the timed total.
import { sortSmall } from './sort.ts';

export interface UnitPolicy {
  method: 'total-time' | 'per-code';
  minutesPerUnit: number;
  minimumMinutes: number;
  /** Time-defined code pairs (97129 + 97130, …), counted on their own minutes. */
  pairs?: readonly UnitPair[];
}

/** A primary code for an initial period of time, and an add-on code for each period after it. */
export interface UnitPair {
  primary: string;
  addon: string;
  first: number;
  firstMinimum: number;
  each: number;
  eachMinimum: number;
}

export const CMS_POLICY: UnitPolicy = { method: 'total-time', minutesPerUnit: 15, minimumMinutes: 8 };

/** Units for `minutes` of one service: 0 below the minimum, then one more per full unit of time. */
export function unitsForMinutes(minutes: number, p: Pick<UnitPolicy, 'minutesPerUnit' | 'minimumMinutes'> = CMS_POLICY): number {
  if (!(minutes >= p.minimumMinutes)) return 0;
  return Math.floor((minutes - p.minimumMinutes) / p.minutesPerUnit) + 1;
}

export type UnitClass = 'timed' | 'untimed' | 'other' | 'pair';

export interface UnitLine {
  /** Position on the claim (0-based); also its position in the list given to allocateUnits. */
  index: number;
  code: string;
  cls: UnitClass;
  minutes?: number | undefined;
  billed?: number | undefined;
  /** Lines are grouped by date of service (a day number). */
  day: number;
  /** For `pair` lines: which pair of the policy, and whether the line is its add-on. */
  pair?: number;
  addon?: boolean;
}

export interface LineUnits {
  index: number;
  /** Fewest units this line gets under every allocation the policy allows. */
  min: number;
  /** Most units this line can get under some allocation the policy allows. */
  max: number;
  /**
   * Most units this line may carry given what the other lines of its day billed. Units billed past
   * the day's total are one shared excess: it is put on as few lines as can take it, so doing what
   * every finding says bills exactly what the minutes support.
   */
  allowed: number;
  /** Fewest units this line should carry given what the other lines of its day billed (a shared shortfall likewise). */
  least: number;
  /** The units the policy gives the line (the allocation closest to what was billed). */
  expected: number;
  /** What the explanation is built from (the words are built only for reports: `explainUnits`). */
  note: UnitsNote;
  /** False when the policy says nothing about the line (not a therapy code, or no minutes). */
  governed: boolean;
}

export type UnitsNote =
  | { kind: 'untimed'; code: string }
  | { kind: 'pair'; code: string; minutes: number; primary: string; primaryUnits: number; addon: string; addonUnits: number }
  | { kind: 'other'; code: string; noMinutes: boolean }
  /** Total time: another timed line of the same day has no minutes, so the day's total is unknown. */
  | { kind: 'day-unknown'; code: string; without: readonly string[] }
  | ({ kind: 'per-code'; code: string; minutes: number } & Shared)
  | ({ kind: 'total'; code: string; minutes: number; total: number; totalUnits: number; base: number; remainder: number; tie: boolean } & Shared);

/** A code billed on several lines of one day: its minutes were added up, and the code's units shared among its lines. */
interface Shared {
  lines?: number;
  codeUnits?: number;
}

/** Explanations that depend only on the line's code, made once per code (most lines' codes repeat). */
const UNTIMED_WORDS = new Map<string, string>();
const NO_MINUTES_WORDS = new Map<string, string>();
const NOT_IN_POLICY_WORDS = new Map<string, string>();
const untimedWords = (code: string) => `${code}: untimed, 1 unit; its minutes do not count toward timed units`;
const noMinutesWords = (code: string) => `${code}: no treatment minutes given, so its units could not be checked`;
const notInPolicyWords = (code: string) => `${code}: not a timed or untimed code in this payer's unit policy, so its units were not checked`;

function wordsFor(memo: Map<string, string>, code: string, words: (code: string) => string): string {
  let s = memo.get(code);
  if (s === undefined) {
    s = words(code);
    if (memo.size > 10_000) memo.clear();
    memo.set(code, s);
  }
  return s;
}

/** The explanation a biller reads for a line's units. */
export function explainUnits(u: LineUnits): string {
  const n = u.note;
  switch (n.kind) {
    case 'untimed':
      return wordsFor(UNTIMED_WORDS, n.code, untimedWords);
    case 'pair':
      return `${n.primary} and ${n.addon} together: ${n.minutes} min → ${n.primary} ×${n.primaryUnits}${n.addonUnits ? ` + ${n.addon} ×${n.addonUnits}` : ''}`;
    case 'other':
      return n.noMinutes ? wordsFor(NO_MINUTES_WORDS, n.code, noMinutesWords) : wordsFor(NOT_IN_POLICY_WORDS, n.code, notInPolicyWords);
    case 'day-unknown':
      return dayUnknownWords(n.code, n.without);
    case 'per-code':
      if (n.lines) return `${n.code}: ${n.minutes} min on ${n.lines} lines this day → ${plural(n.codeUnits!, 'unit')} for the code, ${plural(u.expected, 'unit')} on this line (each timed code on its own minutes)`;
      return `${n.code}: ${n.minutes} min → ${plural(u.expected, 'unit')} (each timed code on its own minutes)`;
    case 'total': {
      const units = n.codeUnits ?? u.expected;
      const parts: string[] = [];
      if (n.base) parts.push(plural(n.base, 'full unit'));
      if (units > n.base) parts.push(`+1 for the ${n.remainder} remaining min`);
      const tie = n.tie ? `; tied with another code for the last unit, so either may take it (${u.min}–${u.max})` : '';
      const code = n.lines ? `${n.code}: ${n.minutes} min on ${n.lines} lines this day → ${plural(units, 'unit')} for the code` : `${n.code}: ${n.minutes} min → ${plural(units, 'unit')}`;
      const line = n.lines ? `; ${plural(u.expected, 'unit')} on this line` : '';
      return `total timed ${n.total} min → ${plural(n.totalUnits, 'unit')}; ${code}${parts.length ? ` (${parts.join(', ')})` : ''}${tie}${line}`;
    }
  }
}

/** Why a timed line's units could not be checked when another timed line of its day has no minutes. */
export function dayUnknownWords(code: string, without: readonly string[]): string {
  return `${code}: ${without.join(', ')} the same day ${without.length === 1 ? 'has' : 'have'} no treatment minutes, so the day's total timed minutes, and with them this line's units, could not be checked`;
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/** Allocates units for every line of a claim. */
export function allocateUnits(lines: readonly UnitLine[], policy: UnitPolicy): LineUnits[] {
  const out: LineUnits[] = new Array(lines.length);
  // Timed lines with minutes, grouped by day; most claims have one day, so no map unless needed.
  let firstDay: UnitLine[] | undefined;
  let byDay: Map<number, UnitLine[]> | undefined;
  let pairLines: UnitLine[] | undefined;
  // Total time: the day's timed minutes decide every timed line's units, so a timed line of the day
  // without minutes leaves the others unknown too (per code, each code stands on its own minutes).
  let unknownDays: Map<number, string[]> | undefined;
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k]!;
    if (l.cls === 'pair') {
      (pairLines ??= []).push(l);
      continue;
    }
    if (l.cls === 'untimed') {
      out[k] = { index: l.index, min: 1, max: 1, allowed: 1, least: 1, expected: 1, governed: true, note: { kind: 'untimed', code: l.code } };
    } else if (l.cls === 'other' || l.minutes === undefined) {
      const b = l.billed ?? 0;
      out[k] = { index: l.index, min: b, max: b, allowed: b, least: b, expected: b, governed: false, note: { kind: 'other', code: l.code, noMinutes: l.cls !== 'other' } };
      if (l.cls === 'timed' && policy.method === 'total-time') {
        const codes = (unknownDays ??= new Map()).get(l.day);
        if (!codes) unknownDays.set(l.day, [l.code]);
        else if (!codes.includes(l.code)) codes.push(l.code);
      }
    } else if (!firstDay) firstDay = [l];
    else if (!byDay && firstDay[0]!.day === l.day) firstDay.push(l);
    else {
      byDay ??= new Map([[firstDay[0]!.day, firstDay]]);
      const d = byDay.get(l.day);
      if (d) d.push(l);
      else byDay.set(l.day, [l]);
    }
  }
  const days = byDay ? [...byDay.values()] : firstDay ? [firstDay] : [];
  for (const day of days) {
    const without = unknownDays?.get(day[0]!.day);
    if (without) {
      for (const l of day) {
        const b = l.billed ?? 0;
        out[l.index] = { index: l.index, min: b, max: b, allowed: b, least: b, expected: b, governed: false, note: { kind: 'day-unknown', code: l.code, without } };
      }
      continue;
    }
    const res = byCode(day, (services) => (policy.method === 'per-code' ? perCode(services, policy) : totalTime(services, policy)));
    // INVARIANT: a line's `index` is its position in `lines`.
    for (const r of res) out[r.index] = r;
  }
  if (pairLines) for (const r of timeDefinedPairs(pairLines, policy.pairs ?? [])) out[r.index] = r;
  return out;
}

/**
 * Time-defined pairs, per date of service and pair: the minutes of the primary's and the add-on's
 * lines together give the primary 1 unit (at least `firstMinimum` minutes) and the add-on one unit
 * per further period (past its midpoint). The first primary line carries the primary's unit and the
 * first add-on line the add-on's; a line of the group without minutes makes the group unverifiable.
 */
function timeDefinedPairs(lines: UnitLine[], pairs: readonly UnitPair[]): LineUnits[] {
  const groups = new Map<string, UnitLine[]>();
  for (const l of lines) {
    const k = `${l.day}:${l.pair}`;
    const g = groups.get(k);
    if (g) g.push(l);
    else groups.set(k, [l]);
  }
  const out: LineUnits[] = [];
  for (const g of groups.values()) {
    const p = pairs[g[0]!.pair!]!;
    if (g.some((l) => l.minutes === undefined)) {
      for (const l of g) {
        const b = l.billed ?? 0;
        out.push({ index: l.index, min: b, max: b, allowed: b, least: b, expected: b, governed: false, note: { kind: 'other', code: l.code, noMinutes: true } });
      }
      continue;
    }
    const minutes = g.reduce((s, l) => s + l.minutes!, 0);
    const primaryUnits = minutes >= p.firstMinimum ? 1 : 0;
    const addonUnits = minutes > p.first ? unitsForMinutes(minutes - p.first, { minutesPerUnit: p.each, minimumMinutes: p.eachMinimum }) : 0;
    const firstPrimary = g.find((l) => !l.addon);
    const firstAddon = g.find((l) => l.addon);
    for (const l of g) {
      const u = l === firstPrimary ? primaryUnits : l === firstAddon ? addonUnits : 0;
      out.push({ index: l.index, min: u, max: u, allowed: u, least: u, expected: u, governed: true, note: { kind: 'pair', code: l.code, minutes, primary: p.primary, primaryUnits, addon: p.addon, addonUnits } });
    }
  }
  return out;
}

/**
 * Units are counted per code and day (MCPM ch.5 §20.2: "the total minutes of each code"): a code
 * on several lines of one day is one service with its lines' minutes added up and its units
 * shared among them. `run` allocates a day's services (results in input order); a service's units
 * go back to its lines: a shared excess comes off its last lines, a shortfall goes to its first
 * line, so each is said once.
 */
function byCode(day: UnitLine[], run: (services: UnitLine[]) => LineUnits[]): LineUnits[] {
  let groups: Map<string, UnitLine[]> | undefined;
  for (let i = 0; i < day.length && !groups; i++) for (let j = 0; j < i; j++) if (day[j]!.code === day[i]!.code) groups = new Map();
  if (!groups) return run(day);
  for (const l of day) {
    const g = groups.get(l.code);
    if (g) g.push(l);
    else groups.set(l.code, [l]);
  }
  const members = [...groups.values()];
  const services = members.map((g): UnitLine => {
    if (g.length === 1) return g[0]!;
    const billed = g.some((l) => l.billed !== undefined) ? g.reduce((t, l) => t + (l.billed ?? 0), 0) : undefined;
    return { ...g[0]!, minutes: g.reduce((t, l) => t + l.minutes!, 0), billed };
  });
  const res = run(services);
  const out: LineUnits[] = [];
  members.forEach((g, k) => {
    const s = res[k]!;
    if (g.length === 1) return void out.push(s);
    const b = g.map((l) => l.billed ?? 0);
    const B = b.reduce((t, x) => t + x, 0);
    /** The lines' billed units moved to sum to `target`: more on the first line, fewer from the last. */
    const toSum = (target: number): number[] => {
      const v = [...b];
      let d = target - B;
      if (d > 0) v[0]! += d;
      for (let i = v.length - 1; i >= 0 && d < 0; i--) {
        const t = Math.min(-d, v[i]!);
        v[i]! -= t;
        d += t;
      }
      return v;
    };
    const allowed = B > s.allowed ? toSum(s.allowed) : b.map((x) => s.allowed - (B - x));
    const least = B < s.least ? toSum(s.least) : b.map((x) => Math.max(0, s.least - (B - x)));
    const expected = toSum(s.expected);
    // One note for the code's lines (notes are read, never changed).
    const note = { ...s.note, lines: g.length, codeUnits: s.expected } as UnitsNote;
    g.forEach((l, i) => out.push({ index: l.index, min: s.min, max: s.max, allowed: allowed[i]!, least: least[i]!, expected: expected[i]!, governed: s.governed, note }));
  });
  return out;
}

function perCode(day: UnitLine[], p: UnitPolicy): LineUnits[] {
  return day.map((l) => {
    const u = unitsForMinutes(l.minutes!, p);
    return { index: l.index, min: u, max: u, allowed: u, least: u, expected: u, governed: true, note: { kind: 'per-code', code: l.code, minutes: l.minutes! } };
  });
}

function totalTime(day: UnitLine[], p: UnitPolicy): LineUnits[] {
  const n = day.length;
  let total = 0;
  let baseSum = 0;
  const base = new Array<number>(n);
  const rem = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const m = day[i]!.minutes!;
    total += m;
    base[i] = Math.floor(m / p.minutesPerUnit);
    rem[i] = m % p.minutesPerUnit;
    baseSum += base[i]!;
  }
  const T = unitsForMinutes(total, p);
  // INVARIANT: 0 <= R < day.length (each code gets at most one leftover unit).
  const R = Math.max(0, T - baseSum);
  // The leftover units go to the R largest remainders; `cut` is the R-th largest.
  const cut = R > 0 ? (n === 1 ? rem[0]! : sortSmall([...rem], (a, b) => b - a)[R - 1]!) : Infinity;
  let above = 0;
  let tied = 0;
  for (const r of rem) {
    if (r > cut) above++;
    else if (r === cut) tied++;
  }
  const tieIsOpen = R > 0 && tied > R - above;
  const min = new Array<number>(n);
  const max = new Array<number>(n);
  const billedClipped = new Array<number>(n);
  let clippedSum = 0;
  let billedValid = true;
  for (let i = 0; i < n; i++) {
    const r = rem[i]!;
    min[i] = base[i]! + (r > cut || (r === cut && !tieIsOpen) ? 1 : 0);
    max[i] = base[i]! + (r >= cut ? 1 : 0);
    // Given what the other lines billed (clipped to what they may carry), how many may this one carry?
    const billed = day[i]!.billed;
    billedClipped[i] = clamp(billed ?? min[i]!, min[i]!, max[i]!);
    clippedSum += billedClipped[i]!;
    if (billed !== billedClipped[i]) billedValid = false;
  }
  // The policy's own order for leftover units: most remaining minutes, then most minutes, then first.
  const order = sortSmall(
    day.map((_, i) => i),
    (a, b) => rem[b]! - rem[a]! || day[b]!.minutes! - day[a]!.minutes! || day[a]!.index - day[b]!.index,
  );
  // Expected: the billed split when it is one the policy allows, else the policy's order.
  let expected: number[];
  if (billedValid && clippedSum === T) expected = billedClipped;
  else {
    expected = [...base];
    for (let k = 0; k < R; k++) expected[order[k]!]!++;
  }
  // Billed past the total (a tied unit billed on two lines): the excess comes off the lines last in
  // the policy's order; billed short of it, the shortfall goes to the lines first in that order.
  // Either way once, so following every finding bills exactly T.
  const allowed = [...billedClipped];
  const least = [...billedClipped];
  let excess = clippedSum - T;
  for (let k = n - 1; k >= 0 && excess > 0; k--) {
    const i = order[k]!;
    const take = Math.min(excess, billedClipped[i]! - min[i]!);
    allowed[i]! -= take;
    excess -= take;
  }
  let short = T - clippedSum;
  for (let k = 0; k < n && short > 0; k++) {
    const i = order[k]!;
    const give = Math.min(short, max[i]! - billedClipped[i]!);
    least[i]! += give;
    short -= give;
  }
  const out = new Array<LineUnits>(n);
  for (let i = 0; i < n; i++) {
    const l = day[i]!;
    out[i] = {
      index: l.index,
      min: min[i]!,
      max: max[i]!,
      // Room left by the other lines (when they billed under the total) may be taken, up to max.
      allowed: clippedSum <= T ? clamp(T - (clippedSum - billedClipped[i]!), min[i]!, max[i]!) : allowed[i]!,
      least: clippedSum < T ? least[i]! : clippedSum === T ? billedClipped[i]! : min[i]!,
      expected: expected[i]!,
      governed: true,
      note: { kind: 'total', code: l.code, minutes: l.minutes!, total, totalUnits: T, base: base[i]!, remainder: rem[i]!, tie: tieIsOpen && rem[i] === cut },
    };
  }
  return out;
}
