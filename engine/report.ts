// Reports (DESIGN.md "Report", a contract): findings with their rule, kind, message, fix, citation
// and source line; per-line units; an explanation trace on request. Built the same way from either
// runtime's list of fired rules, so both runtimes produce byte-identical reports.
import type { Claim } from './claim-schema.ts';
import type { CompiledRule, CompiledRuleset } from './compiled.ts';
import { FACT_IMPLS, type ClaimContext } from './context.ts';
import { explainUnits } from './units.ts';
import { FIELD_BY_PATH } from './field-catalog.ts';
import type { Severity } from './severity.ts';

export interface Finding {
  rule: string;
  kind: string;
  severity: Severity;
  message: string;
  /** 1-based line number, for line findings. */
  line?: number;
  code?: string;
  modifier?: string;
  fix?: string;
  citation?: string;
  source?: { file: string; line: number; column: number };
}

export interface LineReport {
  line: number;
  code: string;
  /** The line's own date of service (YYYY-MM-DD): the claim's unless the line gives one. */
  dateOfService?: string;
  billedUnits: number | null;
  expectedUnits: number;
  explanation: string;
  /** The ruleset version the line was judged under, when the claim's lines fall under more than one. */
  version?: string;
}

/** Something the policy asks for that could not be checked on this claim, and why (never shown as "ok"). */
export interface NotChecked {
  /** 1-based line, when it concerns one line. */
  line?: number;
  /** The rule id (or built-in check) that could not run. */
  rule: string;
  /** Why, in a biller's words: "no minutes documented", "no ruleset version covers 2027-01-04", … */
  reason: string;
}

/** A reference-table release a claim was checked against. */
export interface TableUse {
  table: string;
  release: string;
  /** Set when the release is older than a date of service it was used for. */
  note?: string;
}

/** The ruleset a report was produced under. */
export interface RulesetRef {
  id: string;
  version: string;
  /** Content hash of the ruleset's sources (its `extends` chain included). */
  hash?: string;
}

export interface ConditionTrace {
  name: string;
  fact: string;
  params?: Record<string, unknown>;
  operator: string;
  /** What the condition compares against (a literal, or the resolved right-hand fact). */
  expected: unknown;
  /** The value the fact had. */
  actual: unknown;
  result: boolean;
  source?: { file: string; line: number; column: number };
}

export interface RuleTrace {
  rule: string;
  line?: number;
  fired: boolean;
  conditions: ConditionTrace[];
}

export type Status = 'clean' | 'warnings' | 'errors' | 'invalid';

export interface ClaimReport {
  claimId: string;
  /** The version in force on the claim's date of service (null when none applies). */
  ruleset: RulesetRef | null;
  /** Every version used, when the claim's lines fall under more than one (in date order). */
  versions?: RulesetRef[];
  status: Exclude<Status, 'invalid'>;
  findings: Finding[];
  lines: LineReport[];
  /** What could not be checked, and why. */
  notChecked?: NotChecked[];
  /** Reference-table releases used. */
  tables?: TableUse[];
  explain?: RuleTrace[];
}

export interface InvalidReport {
  claimId: string | null;
  status: 'invalid';
  errors: { path: string; message: string }[];
}

export type Report = ClaimReport | InvalidReport;

/** A fired rule: which compiled rule, on which line (undefined for claim rules). */
export interface Fired {
  rule: CompiledRule;
  line: number | undefined;
}

const DISCIPLINE_MOD: Record<string, string> = { OT: 'GO', OTA: 'GO', PT: 'GP', PTA: 'GP', SLP: 'GN' };

function chooseModifier(claim: Claim, line: number | undefined, mods: string[] | undefined): string | undefined {
  if (!mods?.length) return undefined;
  if (mods.length === 1) return mods[0];
  const l = line === undefined ? undefined : claim.lines[line];
  const byWho = (l?.renderedBy && DISCIPLINE_MOD[l.renderedBy]) || (claim.provider?.discipline && DISCIPLINE_MOD[claim.provider.discipline]);
  return byWho && mods.includes(byWho) ? byWho : mods[0];
}

function orList(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
}

/** Templates split once into literal text and `{placeholder}` names (odd indexes). */
const templates = new Map<string, string[]>();
function partsOf(template: string): string[] {
  let p = templates.get(template);
  if (!p) {
    p = template.split(/\{(\w+)\}/);
    templates.set(template, p);
  }
  return p;
}

function fill(template: string, ctx: ClaimContext, f: Fired, modifier: string | undefined): string {
  const parts = partsOf(template);
  if (parts.length === 1) return template;
  let out = '';
  for (let i = 0; i < parts.length; i++) out += i % 2 === 0 ? parts[i] : placeholder(parts[i]!, ctx, f, modifier);
  return out;
}

function placeholder(key: string, ctx: ClaimContext, f: Fired, modifier: string | undefined): string {
  const line = f.line;
  const l = line === undefined ? undefined : ctx.claim.lines[line];
  const table = { table: f.rule.event.params.rule };
  {
    switch (key) {
      case 'code':
        return l?.code ?? '';
      case 'units':
        return String(l?.units ?? '');
      case 'line':
        return line === undefined ? '' : String(line + 1);
      case 'modifier':
        return modifier ?? '';
      case 'modifiers':
        return orList(f.rule.event.params.modifiers ?? []);
      case 'unitsAllowed':
        return String(line === undefined ? '' : (ctx.units[line]?.allowed ?? ''));
      case 'unitsExpected':
        return String(line === undefined ? '' : (ctx.units[line]?.min ?? ''));
      case 'ncciBundled':
        return orList((FACT_IMPLS.ncciBundled(ctx, line, table) as string[]) ?? []);
      case 'mueOver':
        return String(FACT_IMPLS.mueOver(ctx, line, table));
      default:
        return `{${key}}`;
    }
  }
}

/** What a trace shows instead of a value that is patient identity or an authorization number. */
export const WITHHELD = '(patient data: not shown)';

const phiMemo = new WeakMap<object, boolean>();

/** Whether a fact (with its params) reads a field that must never be shown. */
function readsPhi(fact: string, params: Record<string, unknown> | undefined): boolean {
  if (!params) return false;
  let hit = phiMemo.get(params);
  if (hit === undefined) {
    hit = false;
    const visit = (v: unknown): void => {
      if (hit || !v || typeof v !== 'object') return;
      if (Array.isArray(v)) return v.forEach(visit);
      const o = v as Record<string, unknown>;
      const f = o['field'] ?? o['over'];
      if (typeof f === 'string' && FIELD_BY_PATH.get(f)?.phi) hit = true;
      for (const x of Object.values(o)) visit(x);
    };
    visit(params);
    void fact;
    phiMemo.set(params, hit);
  }
  return hit;
}

/**
 * Withholds patient data from a condition trace: the trace keeps what was tested (fact, field,
 * operator, the rule's own value) and the answer, never the patient's value.
 */
export function withholdPhi(t: ConditionTrace, value: unknown): ConditionTrace {
  if (readsPhi(t.fact, t.params)) t.actual = WITHHELD;
  const ref = value && typeof value === 'object' && !Array.isArray(value) ? (value as { fact?: unknown; params?: Record<string, unknown> }) : undefined;
  if (ref && typeof ref.fact === 'string' && readsPhi(ref.fact, ref.params)) t.expected = WITHHELD;
  return t;
}

export function sourceOf(rs: CompiledRuleset, name: string): Finding['source'] | undefined {
  const o = rs.origins[name];
  return o ? { file: o.file, line: o.line, column: o.column } : undefined;
}

export function findingOf(ctx: ClaimContext, f: Fired): Finding {
  const p = f.rule.event.params;
  const modifier = chooseModifier(ctx.claim, f.line, p.modifiers);
  const out: Finding = { rule: p.rule, kind: p.kind, severity: p.severity, message: fill(p.message, ctx, f, modifier) };
  if (f.line !== undefined) {
    out.line = f.line + 1;
    out.code = ctx.claim.lines[f.line]!.code;
  }
  if (modifier) out.modifier = modifier;
  if (p.fix) out.fix = fill(p.fix, ctx, f, modifier);
  if (p.citation) out.citation = p.citation;
  const src = sourceOf(ctx.p.rs, f.rule.name);
  if (src) out.source = src;
  return out;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (a.line ?? 0) - (b.line ?? 0) || cmp(a.rule, b.rule) || cmp(a.kind, b.kind) || cmp(a.message, b.message);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function statusOf(findings: readonly Finding[]): ClaimReport['status'] {
  if (findings.some((f) => f.severity === 'error')) return 'errors';
  if (findings.some((f) => f.severity === 'warning')) return 'warnings';
  return 'clean';
}

/** Assembles the report for one claim from the rules that fired. */
export function buildReport(ctx: ClaimContext, fired: Fired[], explain?: RuleTrace[]): ClaimReport {
  const findings = fired.map((f) => findingOf(ctx, f)).sort(compareFindings);
  const lines: LineReport[] = ctx.claim.lines.map((l, i) => ({
    line: i + 1,
    code: l.code,
    billedUnits: l.units ?? null,
    expectedUnits: ctx.units[i]!.expected,
    explanation: explainUnits(ctx.units[i]!),
  }));
  const rs = ctx.p.rs.ruleset;
  const report: ClaimReport = { claimId: ctx.claim.id, ruleset: { id: rs.id, version: rs.version }, status: statusOf(findings), findings, lines };
  if (explain) report.explain = explain.sort((a, b) => cmp(a.rule, b.rule) || (a.line ?? 0) - (b.line ?? 0));
  return report;
}
