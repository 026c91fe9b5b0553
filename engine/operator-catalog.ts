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

/** A set's membership test, built once per set: a hash lookup, then the ranges. */
function matcherOf(set: CodeSetData): Matcher {
  let m = matchers.get(set);
  if (!m) {
    const exact = new Set(set.codes);
    const ranges = set.ranges.map(([lo, hi]) => ({ lo, hi, len: lo.length, digits: /^\d+$/.test(lo) && /^\d+$/.test(hi) }));
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

function inWindows(day: unknown, windows: unknown): boolean {
  if (!num(day)) return false;
  return list(windows).some((w) => {
    const [from, through] = w as [number, number | null];
    return day >= from && (through === null || through === undefined || day <= through);
  });
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
  hasAny: { dsl: 'has any of', doc: 'the list holds at least one of the values', make: () => (a, b) => list(b).some((v) => list(a).includes(v)) },
  hasAll: { dsl: 'has all of', doc: 'the list holds every one of the values', make: () => (a, b) => list(b).every((v) => list(a).includes(v)) },
  hasNone: { dsl: 'has none of', doc: 'the list holds none of the values', make: () => (a, b) => !list(b).some((v) => list(a).includes(v)) },
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

/** The facts a compiled condition may read; the engine implements each (engine/facts.ts). */
export const FACTS = {
  field: 'a claim or line field, normalized (params: field)',
  expr: 'an arithmetic expression or aggregate (params: expr)',
  unitsAllowed: 'the most units the unit policy allows on this line',
  unitsExpected: 'the fewest units the unit policy expects on this line',
  kxOver: 'whether this line takes its KX bucket past the yearly threshold (params: threshold in cents)',
  assistantShare: 'assistant minutes as a share of the line\'s minutes',
  ncciBundled: 'column 1 codes on the same day this line is bundled into, without a bypass modifier (params: table)',
  mueOver: 'units on this line\'s date of service beyond the MUE (params: table)',
  priorVisits: 'visits before this one that count toward a prior-authorization threshold (params: within)',
} as const;
export type FactName = keyof typeof FACTS;
