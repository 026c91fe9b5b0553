// The compiled ruleset: what dsl/ produces and engine/ runs. JSON through and through, so it can be
// written to disk, diffed and loaded by json-rules-engine. Dates are YYYY-MM-DD strings in tables
// and day numbers (days since 1970-01-01) inside condition values; money is integer cents.
import type { Severity } from './severity.ts';

export const COMPILED_FORMAT = 'payer-rules/compiled@1';

export interface CodeSetData {
  codes: string[];
  /** Inclusive ranges of same-shaped codes. */
  ranges: [string, string][];
}

/** A json-rules-engine condition (leaf or boolean node); `name` carries identity through results. */
export type Condition =
  | { all: Condition[]; name?: string }
  | { any: Condition[]; name?: string }
  | { not: Condition; name?: string }
  | { name: string; fact: string; params?: Record<string, unknown>; operator: string; value: unknown };

/** Expressions the `expr` fact evaluates (arithmetic, aggregates). */
export type ExprData =
  | { field: string }
  | { lit: unknown }
  | { arith: '+' | '-' | '*' | '/'; left: ExprData; right: ExprData; unit?: 'days' | 'months' }
  | { agg: 'count' | 'sum' | 'max' | 'min'; over: string; where?: Condition };

export interface FindingEventParams {
  /** The stable rule id the finding reports. */
  rule: string;
  kind: string;
  severity: Severity;
  /** A message template; `{code}`, `{modifier}`, `{modifiers}`, `{line}` and fact names are filled in. */
  message: string;
  fix?: string;
  citation?: string;
  scope: 'claim' | 'line';
  /** Modifiers the finding is about (the first is reported as `modifier`). */
  modifiers?: string[];
}

export interface CompiledRule {
  /** Unique per compiled rule: the rule id, or `id:variant` when one statement yields several rules. */
  name: string;
  priority: number;
  conditions: Condition & ({ all: Condition[] } | { any: Condition[] });
  event: { type: string; params: FindingEventParams };
}

export interface NcciRowData {
  column1: CodeSetData;
  column2: CodeSetData;
  /** Modifiers that let column 2 be paid; empty = modifier indicator 0. */
  bypass: string[];
  from?: string;
  /** The edit applies to dates of service before this date. */
  deleted?: string;
}

export interface MueRowData {
  codes: CodeSetData;
  max: number;
  per: 'day' | 'line';
}

export interface SourceOrigin {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Half-open 0-based UTF-16 offsets. */
  start: number;
  end: number;
}

export interface CompiledRuleset {
  format: typeof COMPILED_FORMAT;
  ruleset: {
    id: string;
    title?: string;
    version: string;
    effective: { from: string; through?: string };
    /** This ruleset, then the ones it extends. */
    chain: string[];
  };
  codeSets: Record<string, CodeSetData>;
  units?: {
    rule: string;
    method: 'total-time' | 'per-code';
    timed: string;
    untimed: string;
    minutesPerUnit: number;
    minimumMinutes: number;
  };
  telehealth: { places: string };
  tables: {
    ncci: Record<string, NcciRowData[]>;
    mue: Record<string, MueRowData[]>;
  };
  rules: CompiledRule[];
  /** Rule and condition names → where they were written. */
  origins: Record<string, SourceOrigin>;
}
