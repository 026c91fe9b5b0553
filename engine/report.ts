// Reports (DESIGN.md "Report", a contract): findings with their rule, kind, message, fix, citation
// and source line; per-line units; an explanation trace on request. Built the same way from either
// runtime's list of fired rules, so both runtimes produce byte-identical reports.
import { WITHHELD_VALUE, type Claim } from './claim-schema.ts';
import type { CompiledRule, CompiledRuleset, Condition } from './compiled.ts';
import { evalCondition3, type ClaimContext } from './context.ts';
import { FACT_IMPLS, kxEstimatedFrom, kxTotals, ncciEdits } from './facts.ts';
import { dayUnknownWords, explainUnits } from './units.ts';
import { formatDate } from './dates.ts';
import { sortSmall } from './sort.ts';
import { dollars } from './money.ts';
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
  /** What the payer's unit policy gives the line; null when its units could not be checked (no minutes, a code the policy does not name, no ruleset). */
  expectedUnits: number | null;
  explanation: string;
  /** The ruleset version the line was judged under, when the claim's lines fall under more than one. */
  version?: string;
}

/** Something the policy asks for that could not be checked on this claim, and why (never shown as "ok"). */
export interface NotChecked {
  /** 1-based line, when it concerns one line. */
  line?: number;
  /** 1-based lines, when it concerns several for the same reason. */
  lines?: number[];
  /** The rule id (or built-in check) that could not run. */
  rule: string;
  /** Why, in a biller's words: "no minutes documented", "no ruleset version covers 2027-01-04", … */
  reason: string;
  /**
   * Set when the ruleset itself says it does not check this (`not checked` in the language): no
   * claim could make it checkable, unlike a check that lacked a fact of this claim.
   */
  notEncoded?: true;
  /** For a `not checked` line: its citation, if it gives one, and where it is written. */
  citation?: string;
  source?: { file: string; line: number; column: number };
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
  /** What the input reader (837P, CSV) noticed about the claim; set by the reader's caller. */
  input?: InputNote[];
}

export interface InvalidReport {
  claimId: string | null;
  status: 'invalid';
  errors: { path: string; message: string }[];
  input?: InputNote[];
}

/** A reader's note on a claim (never patient data: readers do not quote it), with where it was found. */
export interface InputNote {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  /** The position in the input: an X12 segment and element, or a CSV row and column. */
  where: string;
}

export type Report = ClaimReport | InvalidReport;

/** A fired rule: which compiled rule, on which line (undefined for claim rules). */
export interface Fired {
  rule: CompiledRule;
  line: number | undefined;
  /** For a rule that could not be decided: what it lacked, when the runtime noted it as it ran. */
  missing?: ReadonlySet<string>;
}

const DISCIPLINE_MOD: Record<string, string> = { OT: 'GO', OTA: 'GO', PT: 'GP', PTA: 'GP', SLP: 'GN' };

function chooseModifier(claim: Claim, line: number | undefined, mods: string[] | undefined): string | undefined {
  if (!mods?.length) return undefined;
  if (mods.length === 1) return mods[0];
  const l = line === undefined ? undefined : claim.lines[line];
  const byWho = (l?.renderedBy && DISCIPLINE_MOD[l.renderedBy]) || (claim.provider?.discipline && DISCIPLINE_MOD[claim.provider.discipline]);
  if (byWho && mods.includes(byWho)) return byWho;
  // A discipline modifier is never guessed (a PT service coded GO is wrong): the fix names the choice.
  return mods.every((m) => m === 'GO' || m === 'GP' || m === 'GN') ? undefined : mods[0];
}

function orList(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
}

const modifiersMemo = new WeakMap<readonly string[], string>();
const NONE: string[] = [];

/** A rule's modifiers as a list in words, made once per rule. */
function modifiersOf(rule: CompiledRule): string {
  const mods = rule.event.params.modifiers ?? NONE;
  let s = modifiersMemo.get(mods);
  if (s === undefined) modifiersMemo.set(mods, (s = orList(mods)));
  return s;
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

const paramsMemo = new WeakMap<CompiledRule, Map<string, Record<string, unknown>>>();

/** The params of the first condition of a rule that reads `fact` (for placeholders that repeat it). */
function paramsOf(rule: CompiledRule, fact: string): Record<string, unknown> {
  let m = paramsMemo.get(rule);
  if (!m) paramsMemo.set(rule, (m = new Map()));
  let p = m.get(fact);
  if (!p) {
    const find = (c: Condition): Record<string, unknown> | undefined => {
      if ('all' in c) return c.all.map(find).find(Boolean);
      if ('any' in c) return c.any.map(find).find(Boolean);
      if ('not' in c) return find(c.not);
      return c.fact === fact ? (c.params ?? {}) : undefined;
    };
    p = find(rule.conditions) ?? { table: rule.event.params.rule };
    m.set(fact, p);
  }
  return p;
}

function untimedLine(ctx: ClaimContext, line: number | undefined): boolean {
  return line !== undefined && ctx.units[line]?.note.kind === 'untimed';
}

function placeholder(key: string, ctx: ClaimContext, f: Fired, modifier: string | undefined): string {
  const line = f.line;
  const l = line === undefined ? undefined : ctx.claim.lines[line];
  const rule = f.rule;
  switch (key) {
    case 'code':
      return l?.code ?? '';
    case 'units':
      return String(l?.units ?? '');
    case 'unitsBilled':
      return l?.units === undefined ? 'no units' : `${l.units} unit${l.units === 1 ? '' : 's'}`;
    case 'line':
      return line === undefined ? '' : String(line + 1);
    case 'date':
      return line === undefined ? '' : formatDate(ctx.days[line]!);
    case 'modifier':
      return modifier ?? '';
    case 'modifiers':
      return modifiersOf(rule);
    case 'unitsAllowed':
      return String(line === undefined ? '' : (ctx.units[line]?.allowed ?? ''));
    // What the minutes allow, and the fix, in words that fit the line: an untimed code is one unit
    // a session whatever its minutes, so "the minutes support" would mislead there.
    case 'unitsAllowedWhy':
      return untimedLine(ctx, line) ? 'it is an untimed code, billed as 1 unit a session whatever its minutes' : `the minutes support at most ${placeholder('unitsAllowed', ctx, f, modifier)}`;
    case 'unitsAllowedFix':
      return untimedLine(ctx, line) ? 'bill 1 unit' : `bill at most ${placeholder('unitsAllowed', ctx, f, modifier)} (what the minutes support), or correct the documented minutes`;
    case 'unitsExpected':
      return String(line === undefined ? '' : (ctx.units[line]?.least ?? ''));
    case 'unitsExplained':
      return line === undefined ? '' : explainUnits(ctx.units[line]!);
    case 'ncciBundled':
      return orList((FACT_IMPLS.ncciBundled(ctx, line, paramsOf(rule, 'ncciBundled'), line) as string[] | undefined) ?? []);
    // The fix depends on the pair: no modifier bypasses an edit of modifier indicator 0, and an E/M
    // code in column 2 takes 25, not 59 or X{EPSU} (the ruleset's `bypass … on` says which).
    case 'ncciFix': {
      if (line === undefined) return '';
      const edits = ncciEdits(ctx, line, String(paramsOf(rule, 'ncciBundled')['table']));
      const never = edits.filter((e) => e.never).map((e) => e.column1);
      if (never.length) return `remove the line: no modifier lets ${l!.code} be paid with ${orList(never)} on the same day (NCCI modifier indicator 0)`;
      const mods = [...new Set(edits.flatMap((e) => e.bypass))];
      return mods.length
        ? `add modifier ${orList(mods)} if ${l!.code} was a separate and distinct service (and the record shows it), or remove the line`
        : `remove the line, or name in the ruleset the modifiers that bypass this pair (its \`ncci\` statement has no \`bypass\`)`;
    }
    case 'mueOver': {
      const n = FACT_IMPLS.mueOver(ctx, line, paramsOf(rule, 'mueOver'), line);
      return typeof n === 'number' ? `${n} unit${n === 1 ? '' : 's'}` : '';
    }
    case 'kxTotal': {
      const t = line === undefined ? undefined : kxTotals(ctx, kxParams(rule)['fees'] as string | undefined)[line];
      return t === undefined ? '' : dollars(t);
    }
    // When lines without an allowed amount were priced from the fee schedule, the total is an
    // estimate: say so, and from which release (it may be older than the date of service).
    case 'kxEstimate': {
      const rels = line === undefined ? [] : kxEstimatedFrom(ctx, kxParams(rule)['fees'] as string | undefined, line);
      if (!rels.length) return '';
      return `; the total is an estimate: lines without an allowed amount were priced from ${rels.map((r) => `${r.table} ${r.release} (from ${r.from})`).join(', ')}`;
    }
    case 'threshold': {
      return dollars(Number(kxParams(rule)['threshold'] ?? 0));
    }
    case 'visitNumber': {
      const fact = ['visitLimitOver', 'priorVisits'].find((x) => hasFact(rule.conditions, x)) ?? 'priorVisits';
      const prior = FACT_IMPLS.priorVisits(ctx, line, paramsOf(rule, fact), line);
      return typeof prior === 'number' && prior < Number.MAX_SAFE_INTEGER ? String(prior + 1) : '';
    }
    case 'invalidDiagnoses':
      return orList([...((FACT_IMPLS.invalidDiagnoses(ctx, line, paramsOf(rule, 'invalidDiagnoses'), line) as string[] | undefined) ?? [])]).replace(/ or /, ' and ');
    default:
      return `{${key}}`;
  }
}

/** The parameters (threshold, fee table) of a rule's KX-threshold fact, whichever of the three it uses. */
function kxParams(rule: CompiledRule): Record<string, unknown> {
  return paramsOf(rule, ['kxOver', 'kxNotNeeded', 'reviewThreshold'].find((x) => hasFact(rule.conditions, x)) ?? 'kxOver');
}

function hasFact(c: Condition, fact: string): boolean {
  if ('all' in c) return c.all.some((x) => hasFact(x, fact));
  if ('any' in c) return c.any.some((x) => hasFact(x, fact));
  if ('not' in c) return hasFact(c.not, fact);
  return c.fact === fact;
}

/** What a trace shows instead of a value that is patient identity or an authorization number. */
export const WITHHELD = WITHHELD_VALUE;

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
  if (p.fix) {
    out.fix =
      !modifier && (p.modifiers?.length ?? 0) > 1 && p.fix.includes('{modifier}')
        ? `add ${orList(p.modifiers!)}: the one for the discipline that furnished the service (the claim names neither the provider's discipline nor who rendered the line)`
        : fill(p.fix, ctx, f, modifier);
  }
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

/** The evaluation of a claim's lines under one ruleset version (a claim may span several). */
export interface ReportPart {
  ctx: ClaimContext;
  /** The lines this version judges (0-based, ascending). */
  lines: readonly number[];
  /** Whether this version judged the claim-level rules (the version of the claim's date of service). */
  claimRules: boolean;
  fired: Fired[];
  unknown: Fired[];
  traces?: RuleTrace[];
}

function refOf(rs: CompiledRuleset): RulesetRef {
  const r: RulesetRef = { id: rs.ruleset.id, version: rs.ruleset.version };
  if (rs.ruleset.hash) r.hash = rs.ruleset.hash;
  return r;
}

function linesText(lines: number[]): string {
  return lines.length === 1 ? `line ${lines[0]}` : `lines ${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}`;
}

/**
 * What could not be checked, gathered while a report is built: one entry per rule and reason, with
 * the 1-based lines it concerns in the order they were met. A report has a handful, so a list
 * searched by the (shared) rule and reason strings is cheaper than keys made per line.
 */
class Unchecked {
  private readonly rules: string[] = [];
  private readonly reasons: string[] = [];
  private readonly lines: number[][] = [];
  /** What a `not checked` line of the ruleset adds to its entry (marker, citation, source). */
  private readonly extras: (GapExtra | undefined)[] = [];
  /** Index of the NO-RULESET entry (it merges with no other, and lists its lines before its reason). */
  private noRuleset = -1;

  add(rule: string, reason: string, line: number | undefined, extra?: GapExtra): void {
    for (let k = 0; k < this.rules.length; k++) {
      if (k === this.noRuleset || this.rules[k] !== rule || this.reasons[k] !== reason) continue;
      const ls = this.lines[k]!;
      if (line !== undefined && !ls.includes(line)) ls.push(line);
      return;
    }
    this.rules.push(rule);
    this.reasons.push(reason);
    this.lines.push(line === undefined ? [] : [line]);
    this.extras.push(extra);
  }

  addNoRuleset(lines: number[], reason: string): void {
    this.noRuleset = this.rules.length;
    this.rules.push('NO-RULESET');
    this.reasons.push(reason);
    this.lines.push(lines);
    this.extras.push(undefined);
  }

  get size(): number {
    return this.rules.length;
  }

  /** The report's list: one line as `line`, several as `lines`; by first line, then rule (stable). */
  list(): NotChecked[] {
    const out: NotChecked[] = [];
    for (let k = 0; k < this.rules.length; k++) {
      const rule = this.rules[k]!;
      const reason = this.reasons[k]!;
      const ls = this.lines[k]!;
      // Key order as the contract's JSON has always had it.
      let n: NotChecked;
      if (ls.length === 0) n = { rule, reason };
      else if (ls.length === 1) n = { rule, reason, line: ls[0]! };
      else if (k === this.noRuleset) n = { rule, lines: ls, reason };
      else n = { rule, reason, lines: ls };
      const x = this.extras[k];
      if (x) {
        // (Copied: entries of many reports share one ruleset's extras, and none may change another's.)
        n.notEncoded = x.notEncoded!;
        if (x.citation) n.citation = x.citation;
        if (x.source) n.source = { file: x.source.file, line: x.source.line, column: x.source.column };
      }
      out.push(n);
    }
    return sortSmall(out, (a, b) => (a.line ?? a.lines?.[0] ?? 0) - (b.line ?? b.lines?.[0] ?? 0) || cmp(a.rule, b.rule));
  }
}

/** Reasons by what was missing (names sorted, joined by NUL): few distinct, met on most claims. */
const reasonMemo = new Map<string, string | null>();

/** A set's reason, kept on the set (the compiled runtime shares one set between the lines of a rule). */
const REASON = Symbol('reason');

/** The "not checked" reason for what a rule lacked; null when only units were (the line says so). */
function reasonFor(missing: ReadonlySet<string>): string | null {
  const held = missing as ReadonlySet<string> & { [REASON]?: string | null };
  let hit = held[REASON];
  if (hit === undefined) held[REASON] = hit = reasonByNames(missing);
  return hit;
}

function reasonByNames(missing: ReadonlySet<string>): string | null {
  let key = '';
  if (missing.size === 1) for (const m of missing) key = m;
  else if (missing.size > 1) key = [...missing].sort().join('\u0000');
  let reason = reasonMemo.get(key);
  if (reason === undefined) {
    // Units the policy could not compute are explained on the line (no minutes, or a code the
    // policy does not name); they are not repeated here.
    if ([...missing].every((m) => m === 'unitsAllowed' || m === 'unitsExpected')) reason = null;
    else reason = `needs ${[...missing].sort().map(describeMissing).join('; ') || 'a value the claim does not give'}`;
    if (reasonMemo.size > 10_000) reasonMemo.clear();
    reasonMemo.set(key, reason);
  }
  return reason;
}

/** "not a timed or untimed code" reasons by code. */
const notInPolicyMemo = new Map<string, string>();
function notInPolicy(code: string): string {
  let r = notInPolicyMemo.get(code);
  if (r === undefined) {
    r = `${code} is not a timed or untimed code in this payer's unit policy, so its units were not checked`;
    if (notInPolicyMemo.size > 10_000) notInPolicyMemo.clear();
    notInPolicyMemo.set(code, r);
  }
  return r;
}

type GapExtra = Pick<NotChecked, 'notEncoded' | 'citation' | 'source'>;
const gapExtraMemo = new WeakMap<CompiledRuleset, GapExtra[]>();

/** What each `not checked` line adds to its report entry (marker, citation, source): made once per ruleset, not per claim. */
function gapExtras(rs: CompiledRuleset): GapExtra[] {
  let xs = gapExtraMemo.get(rs);
  if (!xs) {
    xs = (rs.notChecked ?? []).map((g) => {
      const extra: GapExtra = { notEncoded: true };
      if (g.citation) extra.citation = g.citation;
      const src = sourceOf(rs, g.rule);
      if (src) extra.source = src;
      return extra;
    });
    gapExtraMemo.set(rs, xs);
  }
  return xs;
}

/** What could not be checked on a part: undecidable rules, lines the unit policy does not cover, and what the ruleset leaves out. */
function notCheckedOf(part: ReportPart, out: Unchecked, multi: boolean): void {
  const { ctx } = part;
  for (const u of part.unknown) {
    let missing = u.missing;
    if (!missing) {
      const found = new Set<string>();
      evalCondition3(ctx, u.rule.conditions, u.line, found);
      missing = found;
    }
    const reason = reasonFor(missing);
    if (reason !== null) out.add(u.rule.event.params.rule, reason, u.line === undefined ? undefined : u.line + 1);
  }
  // What the ruleset says it leaves out (`not checked`): on the claim when one version judges it all
  // (or when this version judges only the claim-level rules), else on the lines this one judges.
  const gaps = ctx.p.rs.notChecked;
  if (gaps) {
    const whole = !multi || part.lines.length === 0;
    const extras = gapExtras(ctx.p.rs);
    for (let k = 0; k < gaps.length; k++) {
      const g = gaps[k]!;
      if (whole) out.add(g.rule, g.reason, undefined, extras[k]);
      else for (const i of part.lines) out.add(g.rule, g.reason, i + 1, extras[k]);
    }
  }
  const units = ctx.p.rs.units;
  for (const i of part.lines) {
    const n = ctx.units[i]!.note;
    if (n.kind === 'other' && !n.noMinutes) {
      if (units) out.add(units.rule, notInPolicy(n.code), i + 1);
      else out.add('units', NO_UNIT_POLICY, undefined);
    } else if (n.kind === 'day-unknown' && units) out.add(units.rule, dayUnknownWords(n.code, n.without), i + 1);
  }
}

const NO_UNIT_POLICY = 'this ruleset has no unit policy, so units were not checked';

/** Missing facts in a biller's words (fields are described by name). */
const FACT_WORDS: Record<string, string> = {
  kxOver: 'the allowed amounts this year (claim history, or the line\'s allowed amount or a fee-schedule amount)',
  kxNotNeeded: 'the allowed amounts this year (claim history, or the line\'s allowed amount or a fee-schedule amount)',
  reviewThreshold: 'the allowed amounts this year (claim history, or the line\'s allowed amount or a fee-schedule amount)',
  kxDiscipline: "the discipline modifier (GO, GP or GN) of this therapy line, or of a therapy line before it this year: it decides which KX total the amount counts toward",
  earlierYear: "this line's calendar year so far: the claim's history (therapyAllowedThisYear, visitsThisYear) counts only the year of claim.dateOfService, and this line is dated in an earlier year (give each year its own claim, or date the claim on its earliest line)",
  priorVisits: 'the visits before this claim (history.visitsThisYear, or history.visitsThisEpisode and history.episodeStart)',
  visitLimitOver: 'the visits earlier this year (history.visitsThisYear)',
  authVisitsOver: "the authorization's visits, visits used and dates (priorAuthorization.visits, visitsUsed, from, to)",
  assistantNeeded: 'the line\'s treatment minutes (to compare the assistant\'s minutes with)',
  ncciBundled: 'an NCCI release that covers the date of service and these codes',
  mueOver: 'an MUE release that covers the date of service and this code',
  invalidCode: 'a procedure-code release that covers the date of service and this code',
  invalidDiagnoses: 'an ICD-10-CM release that covers the date of service',
  // Fields a rule reads that the claim does not carry as such: named by what to fill in.
  'claim.patient.age': "the patient's age: `patient.birthDate`",
};

/** A missing value in a biller's words: the field and what it is. */
function describeMissing(name: string): string {
  return FACT_WORDS[name] ?? `\`${name.replace(/^(claim|line)\./, '')}\``;
}

/** Assembles the report for one claim from the evaluation of its parts (one per ruleset version). */
export function buildReport(parts: ReportPart[], uncovered?: { lines: readonly number[]; why: string }): ClaimReport {
  const first = parts[0]!;
  const claim = first.ctx.claim;
  const findings: Finding[] = [];
  for (const part of parts) for (const f of part.fired) findings.push(findingOf(part.ctx, f));
  const byLine: (ReportPart | undefined)[] = new Array(claim.lines.length);
  for (const part of parts) for (const i of part.lines) byLine[i] = part;
  const multi = parts.length > 1;
  const lines: LineReport[] = claim.lines.map((l, i) => {
    const part = byLine[i];
    // The line's own date as written (validated: the same day as ctx.days[i]).
    const dateOfService = l.dateOfService ?? claim.dateOfService;
    if (!part) {
      return { line: i + 1, code: l.code, dateOfService, billedUnits: l.units ?? null, expectedUnits: null, explanation: 'no ruleset version covers this date of service, so nothing was checked' };
    }
    const u = part.ctx.units[i]!;
    const r: LineReport = { line: i + 1, code: l.code, dateOfService, billedUnits: l.units ?? null, expectedUnits: u.governed ? u.expected : null, explanation: explainUnits(u) };
    if (multi) r.version = part.ctx.p.rs.ruleset.version;
    return r;
  });
  const notChecked = new Unchecked();
  if (uncovered && uncovered.lines.length) {
    for (const i of uncovered.lines) findings.push({ rule: 'NO-RULESET', kind: 'no-ruleset', severity: 'error', message: uncovered.why, line: i + 1, code: claim.lines[i]!.code, fix: 'check the payer and the date of service, or add a ruleset version that covers it' });
    notChecked.addNoRuleset(uncovered.lines.map((i) => i + 1), `no ruleset version covers the date of service of ${linesText(uncovered.lines.map((i) => i + 1))}`);
  }
  for (const part of parts) notCheckedOf(part, notChecked, parts.length > 1);
  sortSmall(findings, compareFindings);
  const claimPart = parts.find((p) => p.claimRules) ?? first;
  const report: ClaimReport = { claimId: claim.id, ruleset: refOf(claimPart.ctx.p.rs), status: statusOf(findings), findings, lines };
  if (multi) report.versions = parts.map((p) => refOf(p.ctx.p.rs));
  if (notChecked.size) report.notChecked = notChecked.list();
  // (One version, the common case: its releases as they are; several: each release once.)
  let used = first.ctx.tablesUsed;
  if (multi) {
    used = new Map();
    for (const part of parts) for (const [k, u] of part.ctx.tablesUsed ?? []) if (!used.has(k)) used.set(k, u);
  }
  if (used?.size) report.tables = sortSmall([...used.values()], (a, b) => cmp(a.table, b.table) || cmp(a.release, b.release));
  if (parts.some((p) => p.traces)) report.explain = parts.flatMap((p) => p.traces ?? []).sort((a, b) => cmp(a.rule, b.rule) || (a.line ?? 0) - (b.line ?? 0));
  return report;
}
