// The engine: compiled rulesets + claims → reports. Knows the compiled format and the claim
// contract, never the rules language's syntax. Browser-safe (no Node built-ins).
import type { CompiledRuleset } from './compiled.ts';
import { parseDate } from './dates.ts';
import { evaluateCompiled, prepareCompiled, type CompiledRuntime } from './runtime-compiled.ts';
import { evaluateJre, prepareJre, type JreRuntime } from './runtime-jre.ts';
import type { ClaimReport, Report } from './report.ts';
import { validateClaim } from './validate.ts';
import type { Claim } from './claim-schema.ts';

export type { Report, ClaimReport, InvalidReport, Finding, LineReport, RuleTrace, ConditionTrace } from './report.ts';
export type { Claim, ClaimInput } from './claim-schema.ts';
export { ClaimSchema, claimJsonSchema } from './claim-schema.ts';
export { validateClaim } from './validate.ts';
export type { CompiledRuleset } from './compiled.ts';
export { allocateUnits, unitsForMinutes } from './units.ts';

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

/**
 * A set of compiled rulesets a claim can be evaluated against. With one ruleset, every claim uses
 * it; with several, a claim picks by `payer` and date of service among the versions.
 */
export class Evaluator {
  private entries: Entry[];
  constructor(rulesets: readonly CompiledRuleset[]) {
    this.entries = rulesets.map((rs) => ({ rs, from: parseDate(rs.ruleset.effective.from) ?? -Infinity, through: rs.ruleset.effective.through ? (parseDate(rs.ruleset.effective.through) ?? Infinity) : Infinity }));
  }

  get rulesets(): CompiledRuleset[] {
    return this.entries.map((e) => e.rs);
  }

  private selected = new Map<string, { entry: Entry } | { error: string }>();

  /** Picks the ruleset version for a claim (once per payer and date), or says why none applies. */
  select(claim: Claim): { entry: Entry } | { error: string } {
    const key = `${claim.payer ?? ''}\u0000${claim.dateOfService}`;
    let hit = this.selected.get(key);
    if (!hit) {
      hit = this.selectUncached(claim);
      if (this.selected.size > 10_000) this.selected.clear();
      this.selected.set(key, hit);
    }
    return hit;
  }

  private selectUncached(claim: Claim): { entry: Entry } | { error: string } {
    const ids = [...new Set(this.entries.map((e) => e.rs.ruleset.id))];
    const payer = claim.payer ?? (ids.length === 1 ? ids[0] : undefined);
    if (!payer) return { error: `the claim names no payer, and the rulesets given cover ${ids.length} payers (${ids.join(', ')}); add "payer"` };
    const versions = this.entries.filter((e) => e.rs.ruleset.id === payer);
    if (versions.length === 0) return { error: `the claim is billed to \`${payer}\`, and no ruleset given has that id (given: ${ids.join(', ')})` };
    return this.pick(versions, claim, payer);
  }

  private pick(versions: Entry[], claim: Claim, payer: string): { entry: Entry } | { error: string } {
    const day = parseDate(claim.dateOfService)!;
    const hit = versions.filter((e) => e.from <= day && day <= e.through).sort((a, b) => b.from - a.from)[0];
    if (hit) return { entry: hit };
    const spans = versions.map((e) => `${e.rs.ruleset.version}: ${e.rs.ruleset.effective.from} to ${e.rs.ruleset.effective.through ?? 'open'}`).join('; ');
    // The date itself stays out of the message (reports list each line's date; logs must not).
    return { error: `no version of \`${payer}\` covers the claim's date of service (versions: ${spans})` };
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
    const sel = this.select(v.claim);
    if ('error' in sel) return noRuleset(v.claim, sel.error);
    sel.entry.compiled ??= prepareCompiled(sel.entry.rs);
    return evaluateCompiled(sel.entry.compiled, v.claim, opts.explain);
  }

  async evaluateClaim(claim: Claim, opts: EvaluateOptions = {}): Promise<ClaimReport> {
    const sel = this.select(claim);
    if ('error' in sel) return noRuleset(claim, sel.error);
    const e = sel.entry;
    if (opts.runtime === 'json-rules-engine') {
      e.jre ??= prepareJre(e.rs);
      return evaluateJre(e.jre, claim, opts.explain);
    }
    e.compiled ??= prepareCompiled(e.rs);
    return evaluateCompiled(e.compiled, claim, opts.explain);
  }
}

function noRuleset(claim: Claim, why: string): ClaimReport {
  return {
    claimId: claim.id,
    ruleset: null,
    status: 'errors',
    findings: [{ rule: 'NO-RULESET', kind: 'no-ruleset', severity: 'error', message: why, fix: 'check the payer and the date of service, or add a ruleset version that covers it' }],
    lines: claim.lines.map((l, i) => ({ line: i + 1, code: l.code, billedUnits: l.units ?? null, expectedUnits: l.units ?? 0, explanation: 'no ruleset applies, so no unit policy was applied' })),
  };
}
