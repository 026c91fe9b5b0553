// The compiled ruleset: what dsl/ produces and engine/ runs. JSON through and through, so it can be
// written to disk, diffed and loaded by json-rules-engine. Dates are YYYY-MM-DD strings in tables
// and day numbers (days since 1970-01-01) inside condition values; money is integer cents.
import type { Severity } from './severity.ts';

export const COMPILED_FORMAT = 'payer-rules/compiled@1';

export interface CodeSetData {
  codes: string[];
  /** Inclusive ranges of same-shaped codes. */
  ranges: [string, string][];
  /**
   * `diagnosis` for ICD-10-CM sets (`diagnoses name = …`): codes are in their written form (M54.50),
   * a range also holds every code under its upper end (M51.16..M51.17 holds M51.17 itself and any
   * code below it), and `prefixes` hold the patterns written with `*`.
   */
  kind?: 'diagnosis';
  /** Diagnosis patterns without the `*` (M54.5 for `M54.5*`): every code that starts with one. */
  prefixes?: string[];
}

/** A json-rules-engine condition (leaf or boolean node); `name` carries identity through results. */
export type Condition =
  | { all: Condition[]; name?: string }
  | { any: Condition[]; name?: string }
  | { not: Condition; name?: string }
  | { name: string; fact: string; params?: Record<string, unknown>; operator: string; value: unknown };

/** Expressions the `expr` fact evaluates (arithmetic, aggregates). */
export type ExprData =
  /** A claim or line field; `outer` reads the line the rule is checking (`this.` inside `where`). */
  | { field: string; outer?: true }
  | { lit: unknown }
  | { arith: '+' | '-' | '*' | '/'; left: ExprData; right: ExprData; unit?: 'days' | 'months' }
  /**
   * An aggregate over the claim's lines (`over` a line field or `lines`), over the claim's visits
   * (`visits`: the distinct dates of service of the lines that pass `where`), or over a list field.
   * `per: 'day'` keeps only the lines on the date of service of the line the rule is checking.
   */
  | { agg: 'count' | 'sum' | 'max' | 'min'; over: string; where?: Condition; per?: 'day' };

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

/** A reference table a rule uses (engine/tables.ts): its id and kind. */
export interface TableRef {
  table: string;
  kind: import('./tables.ts').TableKind;
}

/** How an NCCI table's modifier-indicator-1 edits are bypassed: by column 2 code. */
export interface NcciBypassData {
  /** Modifiers that bypass an indicator-1 edit. */
  modifiers: string[];
  /** Instead, for column 2 codes in these sets (e.g. E/M codes: only 25), in order; the first that holds the code wins. */
  on: { set: string; modifiers: string[] }[];
}

/** A time-defined code pair: the primary for an initial period, the add-on for each period after it. */
export interface UnitPairData {
  primary: string;
  addon: string;
  /** Minutes of the initial period (97129: 15; 97550: 30; 92607: 60). */
  first: number;
  /** Fewest minutes that earn the primary (97550: 16; by default past the period's midpoint). */
  firstMinimum: number;
  /** Minutes of each add-on period. */
  each: number;
  /** Fewest remaining minutes that earn one more add-on unit (past the midpoint). */
  eachMinimum: number;
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
    /** Content hash of every source file the ruleset was built from (16 hex digits). */
    hash?: string;
  };
  codeSets: Record<string, CodeSetData>;
  units?: {
    rule: string;
    method: 'total-time' | 'per-code';
    timed: string;
    untimed: string;
    minutesPerUnit: number;
    minimumMinutes: number;
    /** Time-defined code pairs, counted on their own (not in the timed total). */
    pairs?: UnitPairData[];
  };
  telehealth: { places: string };
  tables: {
    ncci: Record<string, NcciRowData[]>;
    mue: Record<string, MueRowData[]>;
    /** Reference tables by the id of the rule that uses them. */
    refs?: Record<string, TableRef>;
    /** Bypass modifiers of NCCI statements that use a reference table, by rule id. */
    ncciBypass?: Record<string, NcciBypassData>;
  };
  rules: CompiledRule[];
  /** What the payer's policy asks for and the ruleset does not check (`not checked`), by id. */
  notChecked?: NotCheckedData[];
  /** Rule and condition names (and `not checked` ids) → where they were written. */
  origins: Record<string, SourceOrigin>;
}

/** A `not checked` line: every report under the ruleset lists it (report `notChecked`), never "ok". */
export interface NotCheckedData {
  /** Its id (shared with rules: an heir may disable or override it). */
  rule: string;
  /** What is left out and why, as the ruleset says it. */
  reason: string;
  citation?: string;
}
