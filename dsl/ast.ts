// The abstract syntax tree: a discriminated union on `kind`, a half-open `span` on every node.
// Plain data; no methods. Built by cst-to-ast.ts, read by the checker, formatter and compiler.
import type { Span } from './source.ts';
import type { Severity } from './diagnostic-codes.ts';

export interface Name {
  kind: 'Name';
  text: string;
  span: Span;
}

export interface Text {
  kind: 'Text';
  /** The unquoted, unescaped value. */
  value: string;
  span: Span;
}

export interface DateLit {
  kind: 'Date';
  /** As written, YYYY-MM-DD; the checker validates it. */
  text: string;
  span: Span;
}

/** A code as written: 97110, G0283, GO, 59, 02, M62.81. The checker validates its shape in context. */
export interface Code {
  kind: 'Code';
  text: string;
  span: Span;
}

export interface CodeRange {
  kind: 'CodeRange';
  from: Code;
  to: Code;
  span: Span;
}

export interface SetRef {
  kind: 'SetRef';
  name: string;
  span: Span;
}

/** An ICD-10-CM prefix pattern as written (`M54.5*`): `prefix` is the text before the `*`. */
export interface CodePattern {
  kind: 'CodePattern';
  prefix: string;
  span: Span;
}

export type Element = Code | CodeRange | SetRef | CodePattern;

export interface Window {
  kind: 'Window';
  from: DateLit;
  through?: DateLit;
  span: Span;
}

export interface SeverityLit {
  kind: 'Severity';
  value: Severity;
  span: Span;
}

// ---- top-level items ----

export interface RulesetHeader {
  kind: 'RulesetHeader';
  id: Name;
  title?: Text;
  span: Span;
}

export interface VersionDecl {
  kind: 'VersionDecl';
  version: Name;
  window: Window;
  span: Span;
}

export interface ExtendsDecl {
  kind: 'ExtendsDecl';
  base: Name;
  span: Span;
}

export interface DisableDecl {
  kind: 'DisableDecl';
  ids: Name[];
  span: Span;
}

export interface CodeSetDecl {
  kind: 'CodeSetDecl';
  /** `codes` (procedure codes) or `diagnoses` (ICD-10-CM). */
  of: 'codes' | 'diagnoses';
  override: boolean;
  name: Name;
  elements: Element[];
  span: Span;
}

export type BlockKind = 'units' | 'modifiers' | 'prior-auth' | 'telehealth' | 'validity';

export interface Block {
  kind: 'Block';
  block: BlockKind;
  keyword: Span;
  statements: Statement[];
  span: Span;
}

/** Clauses that may follow any statement or appear in a rule. */
export interface Clauses {
  severity?: SeverityLit;
  effective?: Window;
  cite?: Text;
  fix?: Text;
  /** On a domain statement: the condition that narrows where it applies. */
  when?: Expr;
}

export interface Statement {
  kind: 'Statement';
  override: boolean;
  id?: Name;
  body: Body;
  clauses: Clauses;
  span: Span;
}

export type DurationUnit = 'days' | 'weeks' | 'months' | 'years';

export interface Duration {
  kind: 'Duration';
  amount: NumberLit;
  unit: DurationUnit;
  span: Span;
}

export interface NumberLit {
  kind: 'Number';
  /** As written. */
  text: string;
  value: number;
  span: Span;
}

export interface MoneyLit {
  kind: 'Money';
  text: string;
  /** Integer cents. */
  cents: number;
  span: Span;
}

export interface PercentLit {
  kind: 'Percent';
  text: string;
  /** As a fraction: 10% is 0.1. */
  value: number;
  span: Span;
}

export interface NcciRow {
  kind: 'NcciRow';
  column1: Element[];
  column2: Element[];
  /** Modifiers that bypass the edit; empty with `never bypass` (modifier indicator 0). */
  bypass: Code[];
  never: boolean;
  from?: DateLit;
  deleted?: DateLit;
  span: Span;
}

export interface MueRow {
  kind: 'MueRow';
  codes: Element[];
  max: NumberLit;
  per: 'day' | 'line';
  span: Span;
}

/** The modifiers that bypass an indicator-1 NCCI edit, for every column 2 code or (`on`) some. */
export interface NcciBypass {
  kind: 'NcciBypass';
  modifiers: Code[];
  on?: Element[];
  span: Span;
}

export type Body =
  | { kind: 'UnitsMethod'; method: Name; span: Span }
  | { kind: 'UnitPair'; primary: Code; first: NumberLit; minimum?: NumberLit; addon: Code; each: NumberLit; span: Span }
  | { kind: 'ProcedureValidity'; table: Name; span: Span }
  | { kind: 'DiagnosisValidity'; table: Name; span: Span }
  | { kind: 'TargetedReview'; threshold: MoneyLit; fees?: Name; span: Span }
  | { kind: 'AuthCoversVisits'; codes?: Element[]; span: Span }
  | { kind: 'UnitCodes'; timed: boolean; elements: Element[]; span: Span }
  | { kind: 'MinutesPerUnit'; minutes: NumberLit; span: Span }
  | { kind: 'MinimumMinutes'; minutes: NumberLit; span: Span }
  | { kind: 'RequireModifier'; oneOf: boolean; modifiers: Code[]; on?: Element[]; span: Span }
  | { kind: 'RequireKx'; modifier: Code; threshold: MoneyLit; fees?: Name; span: Span }
  | { kind: 'RequireAssistant'; modifier: Code; with: Code; above: PercentLit; span: Span }
  | { kind: 'NcciTable'; rows: NcciRow[]; table?: Name; bypass?: NcciBypass[]; span: Span }
  | { kind: 'MueTable'; rows: MueRow[]; table?: Name; span: Span }
  | {
      kind: 'RequireAuth';
      codes: Element[];
      except?: Element[];
      after?: { visits: NumberLit; within?: Duration; span: Span };
      span: Span;
    }
  | { kind: 'AuthCovers'; span: Span }
  | { kind: 'AuthMax'; visits: NumberLit; within: Duration; span: Span }
  | { kind: 'VisitLimit'; visits: NumberLit; codes?: Element[]; span: Span }
  | { kind: 'Places'; elements: Element[]; span: Span }
  | { kind: 'Eligible'; elements: Element[]; span: Span }
  | { kind: 'Covered'; windows: Window[]; span: Span };

export type BodyKind = Body['kind'];

export interface RuleDecl {
  kind: 'RuleDecl';
  override: boolean;
  id: Name;
  title: Text;
  severity?: SeverityLit;
  when?: Expr;
  findingKind?: Name;
  clauses: Clauses;
  span: Span;
}

/**
 * `not checked ID "what and why"`: something the payer's policy asks for that the ruleset does not
 * check. It shares rule ids (an heir may `disable` or `override` it) and every report under the
 * ruleset lists it as not checked, so a claim is never shown clean for what nothing looked at.
 */
export interface NotCheckedDecl {
  kind: 'NotCheckedDecl';
  override: boolean;
  id: Name;
  what: Text;
  cite?: Text;
  span: Span;
}

export type Item = RulesetHeader | VersionDecl | ExtendsDecl | DisableDecl | CodeSetDecl | Block | RuleDecl | NotCheckedDecl;

export interface Ruleset {
  kind: 'Ruleset';
  items: Item[];
  span: Span;
}

// ---- expressions ----

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/';
export type AggregateFn = 'count' | 'sum' | 'max' | 'min';

export interface FieldRef {
  kind: 'FieldRef';
  /** Dotted path as written: `line.code`, `claim.priorAuthorization.to`, `this.dateOfService`. */
  path: string;
  span: Span;
}

export type Expr =
  | { kind: 'Logical'; op: 'and' | 'or'; operands: Expr[]; span: Span }
  | { kind: 'Not'; operand: Expr; span: Span }
  | { kind: 'Compare'; op: CompareOp; left: Expr; right: Expr; span: Span }
  | { kind: 'InSet'; negated: boolean; operand: Expr; set: SetRef | { kind: 'InlineSet'; elements: Element[]; span: Span }; span: Span }
  | { kind: 'Has'; mode: 'has' | 'any' | 'all' | 'none'; operand: Expr; values: Code[]; set?: SetRef | { kind: 'InlineSet'; elements: Element[]; span: Span }; span: Span }
  | { kind: 'Presence'; present: boolean; operand: Expr; span: Span }
  | { kind: 'Arith'; op: ArithOp; left: Expr; right: Expr; span: Span }
  | { kind: 'Aggregate'; fn: AggregateFn; over: FieldRef; where?: Expr; per?: 'day'; span: Span }
  | FieldRef
  | NumberLit
  | MoneyLit
  | PercentLit
  | DateLit
  | Duration
  | Code
  | Text
  | { kind: 'Bool'; value: boolean; span: Span };
