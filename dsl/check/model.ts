// The checked ruleset: names resolved, extends merged, types known. The compiler's only input.
import type * as A from '../ast.ts';
import type { SourceFile, Span } from '../source.ts';
import type { Severity } from '../diagnostic-codes.ts';
import type { ValueType } from '../../engine/types.ts';

export interface Origin {
  file: string;
  span: Span;
}

/** A code set with references flattened: single codes and inclusive ranges. */
export interface ResolvedSet {
  name: string;
  codes: string[];
  ranges: [string, string][];
  origin: Origin;
  /** The ruleset that defined it (differs from the checked one when inherited). */
  definedIn: string;
  /** `diagnosis` for a `diagnoses` set (codes in written form, patterns in `prefixes`). */
  kind?: 'diagnosis';
  prefixes?: string[];
}

export interface CheckedRule {
  id: string;
  definedIn: string;
  origin: Origin;
  /** A `not checked` line shares rule ids; it compiles to the ruleset's `notChecked` list, not to a rule. */
  node: A.Statement | A.RuleDecl | A.NotCheckedDecl;
  block?: A.BlockKind;
  severity?: Severity;
  cite?: string;
  fix?: string;
  /** Dates of service the rule applies to, as day numbers. */
  effective?: { from: number; through?: number };
  /** `line` rules are evaluated once per service line; `claim` rules once per claim. */
  scope: 'claim' | 'line';
}

export interface Setting<T> {
  value: T;
  origin: Origin;
}

export interface CheckedRuleset {
  id: string;
  title?: string;
  version: string;
  effective: { from: number; through?: number };
  /** This ruleset's id, then its base, then the base's base… */
  chain: string[];
  codeSets: Map<string, ResolvedSet>;
  settings: {
    timed?: Setting<A.Element[]>;
    untimed?: Setting<A.Element[]>;
    minutesPerUnit: Setting<number>;
    minimumMinutes: Setting<number>;
    places?: Setting<A.Code[]>;
    /** Time-defined code pairs of the units block (own pairs replace inherited ones). */
    pairs?: Setting<Extract<A.Body, { kind: 'UnitPair' }>[]>;
  };
  /** Sorted by id. */
  rules: CheckedRule[];
  /** Every source file the ruleset was built from (itself and its bases), by name. */
  files: Map<string, SourceFile>;
  /** The type the checker gave each expression (literals coerced to their context). */
  types: Map<A.Expr, ValueType>;
}
