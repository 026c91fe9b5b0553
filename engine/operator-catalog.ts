// The operator table: every operator a compiled condition may use, once. The compiler picks names
// from here; both runtimes (json-rules-engine and compiled closures) take their implementations
// from here. Values are normalized before they arrive: dates as day numbers, money as cents.
import type { CodeSetData, CompiledRuleset } from './compiled.ts';
import { compareCodes } from './codes.ts';

export interface OperatorInfo {
  /** How it is written in the rules language, if it is written at all. */
  dsl?: string;
  doc: string;
  /** Builds the test for one ruleset (set operators need its code sets). */
  make: (rs: Pick<CompiledRuleset, 'codeSets'>) => (fact: unknown, value: unknown) => boolean;
}

const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

type Matcher = (code: string) => boolean;
const matchers = new WeakMap<CodeSetData, Matcher>();

/**
 * A diagnosis set's membership test: the code as written (M54.50), a prefix pattern (M54.5*), or a
 * range, which holds the codes between its ends and every code under its upper end.
 */
function diagnosisMatcher(set: CodeSetData): Matcher {
  const exact = new Set(set.codes);
  const prefixes = set.prefixes ?? [];
  const ranges = set.ranges;
  return (code) => {
    if (exact.has(code)) return true;
    for (const p of prefixes) if (code.startsWith(p)) return true;
    for (const [lo, hi] of ranges) if (code >= lo && (code <= hi || code.startsWith(hi))) return true;
    return false;
  };
}

/** A set's membership test, built once per set: a hash lookup, then the ranges. */
function matcherOf(set: CodeSetData): Matcher {
  let m = matchers.get(set);
  if (!m && set.kind === 'diagnosis') matchers.set(set, (m = diagnosisMatcher(set)));
  if (!m) {
    const exact = new Set(set.codes);
    // Short all-digit ranges (97010..97028) become members of the exact set: one hash lookup
    // instead of a walk over the ranges for every code that is not in the set.
    const ranges = set.ranges
      .map(([lo, hi]) => ({ lo, hi, len: lo.length, digits: /^\d+$/.test(lo) && /^\d+$/.test(hi) }))
      .filter((r) => {
        if (!r.digits || r.hi.length !== r.len || Number(r.hi) - Number(r.lo) > 2000) return true;
        for (let n = Number(r.lo); n <= Number(r.hi); n++) exact.add(String(n).padStart(r.len, '0'));
        return false;
      });
    m = (code) => {
      if (exact.has(code)) return true;
      for (const r of ranges) {
        // Same length and between the bounds as strings is necessary; for bounds that are not all
        // digits, compareCodes then checks that letters and digits sit where the bounds have them
        // (1000F..1999F excludes 1500A). All-digit bounds need no more: a letter sorts above them.
        if (code.length === r.len && code >= r.lo && code <= r.hi) {
          if (r.digits || compareCodes(r.lo, code) !== undefined) return true;
        }
      }
      return false;
    };
    matchers.set(set, m);
  }
  return m;
}

/** The membership test of a named set of a ruleset (false for every code when the set is unknown). */
export function setMatcher(rs: Pick<CompiledRuleset, 'codeSets'>, name: string): Matcher {
  const set = rs.codeSets[name];
  return set ? matcherOf(set) : () => false;
}

/** Whether a code is in a set's codes or ranges. */
export function setHas(set: CodeSetData | undefined, code: unknown): boolean {
  if (!set || typeof code !== 'string') return false;
  return matcherOf(set)(code);
}

function setOf(rs: Pick<CompiledRuleset, 'codeSets'>, v: unknown): CodeSetData | undefined {
  const name = (v as { set?: string } | null)?.set;
  return typeof name === 'string' ? rs.codeSets[name] : undefined;
}

// List tests as loops: they run for most rules on every line (`line.modifiers has none of GO, GP, GN`).
function holdsAny(a: unknown, b: unknown): boolean {
  const xs = list(a);
  const want = list(b);
  for (let k = 0; k < want.length; k++) if (xs.includes(want[k])) return true;
  return false;
}

function holdsAll(a: unknown, b: unknown): boolean {
  const xs = list(a);
  const want = list(b);
  for (let k = 0; k < want.length; k++) if (!xs.includes(want[k])) return false;
  return true;
}

function inWindows(day: unknown, windows: unknown): boolean {
  if (!num(day)) return false;
  const ws = list(windows);
  for (let k = 0; k < ws.length; k++) {
    const [from, through] = ws[k] as [number, number | null];
    if (day >= from && (through === null || through === undefined || day <= through)) return true;
  }
  return false;
}

export const OPERATORS = {
  eq: { dsl: '=', doc: 'equal', make: () => (a, b) => a !== undefined && a === b },
  ne: { dsl: '!=', doc: 'not equal (a missing value is not equal to anything)', make: () => (a, b) => a !== undefined && a !== b },
  lt: { dsl: '<', doc: 'less than', make: () => (a, b) => num(a) && num(b) && a < b },
  le: { dsl: '<=', doc: 'at most', make: () => (a, b) => num(a) && num(b) && a <= b },
  gt: { dsl: '>', doc: 'more than', make: () => (a, b) => num(a) && num(b) && a > b },
  ge: { dsl: '>=', doc: 'at least', make: () => (a, b) => num(a) && num(b) && a >= b },
  inSet: { dsl: 'in', doc: 'the code is in the code set', make: (rs) => (a, b) => setHas(setOf(rs, b), a) },
  notInSet: { dsl: 'not in', doc: 'the code is present and not in the code set', make: (rs) => (a, b) => typeof a === 'string' && !setHas(setOf(rs, b), a) },
  hasAny: { dsl: 'has any of', doc: 'the list holds at least one of the values', make: () => (a, b) => holdsAny(a, b) },
  hasAll: { dsl: 'has all of', doc: 'the list holds every one of the values', make: () => (a, b) => holdsAll(a, b) },
  hasNone: { dsl: 'has none of', doc: 'the list holds none of the values', make: () => (a, b) => !holdsAny(a, b) },
  anyInSet: { dsl: 'has any of', doc: 'at least one item of the list is in the code or diagnosis set', make: (rs) => (a, b) => list(a).some((v) => setHas(setOf(rs, b), v)) },
  allInSet: { dsl: 'has all of', doc: 'the list is not empty and every item is in the code or diagnosis set', make: (rs) => (a, b) => list(a).length > 0 && list(a).every((v) => setHas(setOf(rs, b), v)) },
  noneInSet: { dsl: 'has none of', doc: 'no item of the list is in the code or diagnosis set', make: (rs) => (a, b) => !list(a).some((v) => setHas(setOf(rs, b), v)) },
  present: { dsl: 'is present', doc: 'the field has a value', make: () => (a) => a !== undefined && a !== null && a !== '' },
  missing: { dsl: 'is missing', doc: 'the field has no value', make: () => (a) => a === undefined || a === null || a === '' },
  isTrue: { doc: 'the fact is true', make: () => (a) => a === true },
  notEmpty: { doc: 'the fact is a non-empty list', make: () => (a) => Array.isArray(a) && a.length > 0 },
  inWindows: { doc: 'the date falls in one of the windows [from, through]', make: () => (a, b) => inWindows(a, b) },
  notInWindows: { doc: 'the date is known and falls in none of the windows', make: () => (a, b) => num(a) && !inWindows(a, b) },
} as const satisfies Record<string, OperatorInfo>;

export type OperatorName = keyof typeof OPERATORS;

/** The rules language's comparison spellings → operator names. */
export const COMPARE_OPERATORS: Record<'=' | '!=' | '<' | '<=' | '>' | '>=', OperatorName> = { '=': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };

/**
 * The facts a compiled condition may read; the engine implements each (engine/facts.ts). A fact is
 * `undefined` when the claim lacks what it needs: the check is then reported as not made.
 */
export const FACTS = {
  field: 'a claim or line field, normalized (params: field; outer: read the line the rule checks)',
  expr: 'an arithmetic expression or aggregate (params: expr)',
  unitsAllowed: 'the most units the unit policy allows on this line',
  unitsExpected: 'the fewest units the unit policy expects on this line',
  unitsUnverifiable: 'whether this line is a timed code with no minutes documented',
  addonWithoutPrimary: 'whether this line is a time-defined add-on code whose primary is not billed on the same date',
  kxOver: 'whether the allowed amounts accrued this year through this therapy line pass the threshold (params: threshold in cents, fees: fee-schedule table)',
  kxNotNeeded: 'whether this therapy line stays at or below the yearly threshold (params: threshold, fees)',
  reviewThreshold: 'whether this is the first therapy line of the claim past the targeted-review threshold in its year (params: threshold, fees)',
  assistantNeeded: 'whether CQ/CO applies: the assistant furnished the line in whole, or more than the de minimis share of a unit (params: share)',
  ncciBundled: 'column 1 codes on the same day this line is bundled into, without a bypass modifier (params: table)',
  mueOver: "units on this line (or its date of service) beyond the MUE (params: table)",
  priorVisits: 'visits before this line\'s visit that count toward a threshold, in its calendar year or (within) its plan of care (params: within, codes, except)',
  visitLimitOver: 'whether this line\'s visit is past the yearly visit limit (params: limit, codes)',
  authVisitsOver: 'whether this line\'s visit is past the visits the authorization allows',
  invalidCode: 'whether the line\'s procedure code is not valid on its date of service (params: table)',
  invalidDiagnoses: 'the claim\'s diagnoses that are not billable ICD-10-CM codes on the dates of service (params: table)',
} as const;
export type FactName = keyof typeof FACTS;
