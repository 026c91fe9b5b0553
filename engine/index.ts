// The engine: compiled rulesets + claims → reports. Knows the compiled format and the claim
// contract, never the rules language's syntax. Browser-safe (no Node built-ins).
//
// A claim is judged line by line under the ruleset version in force on each line's date of service:
// a claim with lines in two versions' windows is evaluated once per version (each on its own
// lines, with the whole claim visible for per-claim facts such as visits and yearly totals), and
// the claim-level rules run under the version of the claim's date of service.
import type { CompiledRuleset } from './compiled.ts';
import { parseDate } from './dates.ts';
import { makeContext } from './context.ts';
import { prepareCompiled, runCompiled, type CompiledRuntime, type RunResult } from './runtime-compiled.ts';
import { prepareJre, runJre, type JreRuntime } from './runtime-jre.ts';
import { buildReport, type ClaimReport, type Report, type ReportPart } from './report.ts';
import { validateClaim } from './validate.ts';
import type { Claim } from './claim-schema.ts';
import { NO_TABLES, type TableProvider } from './tables.ts';
import { closest } from './suggest.ts';

export type { Report, ClaimReport, InvalidReport, Finding, LineReport, RuleTrace, ConditionTrace, NotChecked, TableUse, RulesetRef, InputNote } from './report.ts';
export type { Claim, ClaimInput } from './claim-schema.ts';
export { ClaimSchema, claimJsonSchema } from './claim-schema.ts';
export { validateClaim } from './validate.ts';
export type { CompiledRuleset } from './compiled.ts';
export { allocateUnits, unitsForMinutes } from './units.ts';
export type { TableProvider } from './tables.ts';
export { NO_TABLES } from './tables.ts';

export type RuntimeName = 'compiled' | 'json-rules-engine';

interface Entry {
  rs: CompiledRuleset;
  from: number;
  through: number;
  compiled?: CompiledRuntime;
  jre?: JreRuntime;
}

export interface EvaluateOptions {
  runtime?: RuntimeName;
  explain?: boolean;
}

export interface EvaluatorOptions {
  /** Reference tables the rulesets name (engine/tables.ts); none by default. */
  tables?: TableProvider;
  /**
   * The compiled runtime's rules as generated functions (the default, where the environment allows
   * generating code) or, with false, as closures: the same answers either way.
   */
  generate?: boolean;
}

/** Which version judges which lines of a claim. */
interface Plan {
  parts: { entry: Entry; lines: number[]; claimRules: boolean }[];
  uncovered: number[];
  why?: string;
  /** The fix to suggest when no ruleset applies (a close payer id). */
  fix?: string;
}

/**
 * A set of compiled rulesets a claim can be evaluated against. With one ruleset id, every claim uses
 * it; with several, a claim picks by `payer`. Each line is judged under the version in force on its
 * date of service.
 */
export class Evaluator {
  private entries: Entry[];
  readonly tables: TableProvider;
  private readonly generate: boolean;
  constructor(rulesets: readonly CompiledRuleset[], opts: EvaluatorOptions = {}) {
    this.tables = opts.tables ?? NO_TABLES;
    this.generate = opts.generate ?? true;
    this.entries = rulesets.map((rs) => ({ rs, from: parseDate(rs.ruleset.effective.from) ?? -Infinity, through: rs.ruleset.effective.through ? (parseDate(rs.ruleset.effective.through) ?? Infinity) : Infinity }));
  }

  get rulesets(): CompiledRuleset[] {
    return this.entries.map((e) => e.rs);
  }

  private versionsOf = new Map<string, Entry[] | { error: string; fix?: string }>();
  private byDay = new Map<string, Map<number, Entry | null>>();
  private byDaySize = 0;

  /** The versions of the claim's payer, or why there are none (once per payer). */
  private versions(claim: Claim): Entry[] | { error: string; fix?: string } {
    const key = claim.payer ?? '';
    let hit = this.versionsOf.get(key);
    if (!hit) {
      const ids = [...new Set(this.entries.map((e) => e.rs.ruleset.id))];
      const payer = claim.payer ?? (ids.length === 1 ? ids[0] : undefined);
      if (!payer) hit = { error: `the claim names no payer, and the rulesets given cover ${ids.length} payers (${ids.join(', ')}); add "payer"` };
      else {
        const versions = this.entries.filter((e) => e.rs.ruleset.id === payer);
        if (versions.length) hit = versions;
        else {
          // "Did you mean": case and small typos forgiven (`MEDICARE-PART-B`, `medicare-partb`).
          const near = closest(payer, ids);
          hit = { error: `the claim is billed to \`${payer}\`, and no ruleset given has that id (given: ${ids.join(', ')})` };
          // The payer may come from the claim file or from a payer map (`--payers`): the fix names both.
          if (near) hit.fix = `did you mean \`${near}\`? Correct \`${payer}\` where it comes from: the claim's payer, or the payer map that routed it (ruleset ids are lower-case)`;
        }
      }
      if (this.versionsOf.size > 10_000) this.versionsOf.clear();
      this.versionsOf.set(key, hit);
    }
    return hit;
  }

  /** The version in force on a day (the latest that starts on or before it), once per payer and day. */
  private versionOn(versions: Entry[], payerKey: string, day: number): Entry | undefined {
    let days = this.byDay.get(payerKey);
    if (!days) this.byDay.set(payerKey, (days = new Map()));
    let hit = days.get(day);
    if (hit === undefined) {
      hit = versions.filter((e) => e.from <= day && day <= e.through).sort((a, b) => b.from - a.from)[0] ?? null;
      if (++this.byDaySize > 50_000) {
        this.byDay.clear();
        this.byDaySize = 0;
        this.byDay.set(payerKey, (days = new Map()));
      }
      days.set(day, hit);
    }
    return hit ?? undefined;
  }

  private plan(claim: Claim): Plan {
    const versions = this.versions(claim);
    const all = claim.lines.map((_, i) => i);
    if ('error' in versions) return { parts: [], uncovered: all, why: versions.error, ...(versions.fix ? { fix: versions.fix } : {}) };
    const payerKey = claim.payer ?? '';
    const claimDay = parseDate(claim.dateOfService)!;
    const claimEntry = this.versionOn(versions, payerKey, claimDay);
    // The common case: one date of service, or every date under one version (one part, as below).
    let one = claimEntry !== undefined;
    for (let i = 0; i < claim.lines.length && one; i++) {
      const ld = claim.lines[i]!.dateOfService;
      if (ld !== undefined && ld !== claim.dateOfService && this.versionOn(versions, payerKey, parseDate(ld) ?? claimDay) !== claimEntry) one = false;
    }
    if (one) return { parts: [{ entry: claimEntry!, lines: all, claimRules: true }], uncovered: [] };
    const parts = new Map<Entry, number[]>();
    const uncovered: number[] = [];
    for (let i = 0; i < claim.lines.length; i++) {
      const ld = claim.lines[i]!.dateOfService;
      const e = ld === undefined || ld === claim.dateOfService ? claimEntry : this.versionOn(versions, payerKey, parseDate(ld) ?? claimDay);
      if (!e) uncovered.push(i);
      else {
        const list = parts.get(e);
        if (list) list.push(i);
        else parts.set(e, [i]);
      }
    }
    const ordered = [...parts.entries()].sort((a, b) => a[0].from - b[0].from);
    // Claim rules run under the version of the claim's date (else the first version used).
    const claimRulesOn = claimEntry && parts.has(claimEntry) ? claimEntry : claimEntry ?? ordered[0]?.[0];
    const out: Plan = { parts: ordered.map(([entry, lines]) => ({ entry, lines, claimRules: entry === claimRulesOn })), uncovered };
    if (claimEntry && !parts.has(claimEntry)) out.parts.push({ entry: claimEntry, lines: [], claimRules: true });
    if (uncovered.length) {
      const spans = versions.map((e) => `${e.rs.ruleset.version}: ${e.rs.ruleset.effective.from} to ${e.rs.ruleset.effective.through ?? 'open'}`).join('; ');
      out.why = `no version of \`${versions[0]!.rs.ruleset.id}\` covers this line's date of service (versions: ${spans})`;
    }
    out.parts.sort((a, b) => a.entry.from - b.entry.from);
    return out;
  }

  /** Evaluates one raw claim (already JSON-parsed). Never throws on bad input. */
  async evaluate(raw: unknown, opts: EvaluateOptions = {}): Promise<Report> {
    const v = validateClaim(raw);
    if (!v.ok) return { claimId: v.claimId, status: 'invalid', errors: v.errors };
    return this.evaluateClaim(v.claim, opts);
  }

  /** The compiled runtime without promises, for batch speed. */
  evaluateSync(raw: unknown, opts: { explain?: boolean } = {}): Report {
    const v = validateClaim(raw);
    if (!v.ok) return { claimId: v.claimId, status: 'invalid', errors: v.errors };
    return this.evaluateClaimSync(v.claim, opts.explain ?? false);
  }

  evaluateClaimSync(claim: Claim, explain = false): ClaimReport {
    const plan = this.plan(claim);
    if (plan.parts.length === 0) return noRuleset(claim, plan.why!, plan.fix);
    const parts: ReportPart[] = plan.parts.map((p) => {
      const rt = (p.entry.compiled ??= prepareCompiled(p.entry.rs, this.tables, { generate: this.generate }));
      const ctx = makeContext(rt.prepared, claim);
      const res = runCompiled(rt, ctx, p.lines, p.claimRules, explain);
      return { ctx, lines: p.lines, claimRules: p.claimRules, fired: res.fired, unknown: res.unknown, traces: res.traces };
    });
    return buildReport(parts, plan.why ? { lines: plan.uncovered, why: plan.why } : undefined);
  }

  async evaluateClaim(claim: Claim, opts: EvaluateOptions = {}): Promise<ClaimReport> {
    if (opts.runtime !== 'json-rules-engine') return this.evaluateClaimSync(claim, opts.explain ?? false);
    const plan = this.plan(claim);
    if (plan.parts.length === 0) return noRuleset(claim, plan.why!, plan.fix);
    const parts: ReportPart[] = [];
    for (const p of plan.parts) {
      const rt = (p.entry.jre ??= prepareJre(p.entry.rs, this.tables));
      const ctx = makeContext(rt.prepared, claim);
      const res: RunResult = await runJre(rt, ctx, p.lines, p.claimRules, opts.explain ?? false);
      parts.push({ ctx, lines: p.lines, claimRules: p.claimRules, ...res });
    }
    return buildReport(parts, plan.why ? { lines: plan.uncovered, why: plan.why } : undefined);
  }
}

function noRuleset(claim: Claim, why: string, fix = 'check the payer and the date of service, or add a ruleset version that covers it'): ClaimReport {
  return {
    claimId: claim.id,
    ruleset: null,
    status: 'errors',
    findings: [{ rule: 'NO-RULESET', kind: 'no-ruleset', severity: 'error', message: why, fix }],
    lines: claim.lines.map((l, i) => ({ line: i + 1, code: l.code, dateOfService: l.dateOfService ?? claim.dateOfService, billedUnits: l.units ?? null, expectedUnits: null, explanation: 'no ruleset applies, so nothing was checked' })),
    notChecked: [{ rule: 'NO-RULESET', reason: 'no ruleset applies to this claim, so none of its lines was checked' }],
  };
}
