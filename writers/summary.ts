// `eval --summary` and the top of the HTML report: claims by status, findings by rule and by kind,
// and the money at risk. A claim's facts are taken where the claim and its report are both at hand
// (a worker thread), so the main thread only adds numbers up. Money is integer cents.
import { isFileReport } from '../readers/diagnostics.ts';
import type { EvalReport, InputNote } from './types.ts';

export interface FactFinding {
  rule: string;
  kind: string;
  severity: string;
  line?: number;
  code?: string;
  message: string;
  fix?: string;
}

/** What the summary and the HTML table need of one claim (no patient data). */
export interface ClaimFacts {
  claimId: string | null;
  status: EvalReport['status'];
  ruleset?: string;
  dateOfService?: string;
  lines: number;
  chargeCents: number;
  chargeAtRiskCents: number;
  allowedCents: number;
  allowedAtRiskCents: number;
  /** Lines that carry an allowed amount (the others add nothing to `allowed`). */
  linesWithAllowed: number;
  findings: FactFinding[];
  errors: { path: string; message: string }[];
  /** Checks that could not run for want of a fact of this claim (what a biller can supply). */
  notChecked: number;
  /** Checks the ruleset says it does not make (`not checked` lines): the same on every claim under it. */
  notEncoded: number;
  input: InputNote[];
  /** A part of the file that is not a claim: an 837P envelope or CSV header error (the claims it encloses are reported on their own). */
  fileLevel?: true;
  /** No findings, but not checked in full (reportNotFullyChecked). */
  partial: boolean;
}

const cents = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? Math.round(x * 100) : 0);

/**
 * A claim's facts from its report and the claim as written (dollars). At risk: every line of an
 * invalid claim, of a claim with a claim-level error, or of a claim no ruleset applies to; otherwise
 * the lines with an error finding.
 */
export function factsOf(r: EvalReport, claim: unknown): ClaimFacts {
  const c = claim && typeof claim === 'object' && !Array.isArray(claim) ? (claim as Record<string, unknown>) : {};
  const lines = Array.isArray(c['lines']) ? (c['lines'] as Record<string, unknown>[]).filter((l) => l && typeof l === 'object') : [];
  const findings: FactFinding[] = r.status === 'invalid' ? [] : r.findings.map((f) => ({ rule: f.rule, kind: f.kind, severity: f.severity, message: f.message, ...(f.line !== undefined ? { line: f.line } : {}), ...(f.code ? { code: f.code } : {}), ...(f.fix ? { fix: f.fix } : {}) }));
  const wholeClaim = r.status === 'invalid' || !r.ruleset || r.findings.some((f) => f.severity === 'error' && f.line === undefined);
  const badLines = new Set(findings.filter((f) => f.severity === 'error' && f.line !== undefined).map((f) => f.line!));
  let charge = 0;
  let chargeAtRisk = 0;
  let allowed = 0;
  let allowedAtRisk = 0;
  let withAllowed = 0;
  lines.forEach((l, i) => {
    const ch = cents(l['charge']);
    const al = cents(l['allowed']);
    if (typeof l['allowed'] === 'number') withAllowed++;
    charge += ch;
    allowed += al;
    if (wholeClaim || badLines.has(i + 1)) {
      chargeAtRisk += ch;
      allowedAtRisk += al;
    }
  });
  const out: ClaimFacts = {
    claimId: r.claimId,
    status: r.status,
    lines: lines.length,
    chargeCents: charge,
    chargeAtRiskCents: chargeAtRisk,
    allowedCents: allowed,
    allowedAtRiskCents: allowedAtRisk,
    linesWithAllowed: withAllowed,
    findings,
    errors: r.status === 'invalid' ? r.errors : [],
    notChecked: 0,
    notEncoded: 0,
    input: r.input ?? [],
    partial: reportNotFullyChecked(r),
  };
  if (r.status !== 'invalid') {
    for (const n of r.notChecked ?? []) {
      if (n.notEncoded) out.notEncoded++;
      else out.notChecked++;
    }
  }
  if (isFileReport(r)) out.fileLevel = true;
  if (r.status !== 'invalid' && r.ruleset) out.ruleset = `${r.ruleset.id} ${r.ruleset.version}`;
  if (typeof c['dateOfService'] === 'string') out.dateOfService = c['dateOfService'];
  return out;
}

/**
 * A claim without findings that was not checked in full: a check could not run, the ruleset leaves
 * part of the policy out, or the reader warned (the claim was judged on an assumption). Never shown
 * as plainly clean, by any view: the text head, the summary, the HTML report and the studio.
 */
export function reportNotFullyChecked(r: EvalReport): boolean {
  return r.status === 'clean' && (!!r.notChecked?.length || !!r.input?.some((n) => n.severity === 'warning'));
}

/** The same for a claim's facts (worked out once, in factsOf). */
export function notFullyChecked(f: ClaimFacts): boolean {
  return f.partial;
}

/** The status rows a summary shows: `clean` only for claims checked in full. */
export function statusRows(s: SummaryData): { label: string; status: EvalReport['status'] | 'unchecked'; value: number }[] {
  return [
    { label: 'clean', status: 'clean', value: s.byStatus.clean - s.cleanNotFullyChecked },
    { label: 'no findings, not fully checked', status: 'unchecked', value: s.cleanNotFullyChecked },
    { label: 'warnings', status: 'warnings', value: s.byStatus.warnings },
    { label: 'errors', status: 'errors', value: s.byStatus.errors },
    { label: 'invalid', status: 'invalid', value: s.byStatus.invalid },
  ];
}

export interface SummaryData {
  claims: number;
  byStatus: Record<EvalReport['status'], number>;
  findingsByRule: { rule: string; kind: string; severity: string; count: number; claims: number }[];
  findingsByKind: { kind: string; count: number }[];
  inputNotes: { code: string; severity: string; count: number }[];
  notChecked: number;
  /** Errors in the file itself (not claims, not counted in `claims`): an 837P trailer that disagrees, a CSV without a header. */
  fileErrors: number;
  /** Clean claims (no findings) on which some check could not run, the ruleset leaves some of the policy out, or the reader warned. */
  cleanNotFullyChecked: number;
  /** Claims that name checks their ruleset does not make. */
  claimsWithNotEncoded: number;
  money: { charge: number; chargeAtRisk: number; allowed: number; allowedAtRisk: number; linesWithAllowed: number; lines: number };
}

export class Summary {
  private claims = 0;
  private byStatus: SummaryData['byStatus'] = { clean: 0, warnings: 0, errors: 0, invalid: 0 };
  private rules = new Map<string, { rule: string; kind: string; severity: string; count: number; claims: number }>();
  private kinds = new Map<string, number>();
  private notes = new Map<string, { code: string; severity: string; count: number }>();
  private notChecked = 0;
  private fileErrors = 0;
  private cleanNotFullyChecked = 0;
  private claimsWithNotEncoded = 0;
  private money = { charge: 0, chargeAtRisk: 0, allowed: 0, allowedAtRisk: 0, linesWithAllowed: 0, lines: 0 };

  add(f: ClaimFacts): void {
    if (f.fileLevel) {
      this.fileErrors++;
      return;
    }
    this.claims++;
    this.byStatus[f.status]++;
    if (notFullyChecked(f)) this.cleanNotFullyChecked++;
    const seen = new Set<string>();
    for (const x of f.findings) {
      const key = `${x.rule}\u0000${x.kind}`;
      let e = this.rules.get(key);
      if (!e) this.rules.set(key, (e = { rule: x.rule, kind: x.kind, severity: x.severity, count: 0, claims: 0 }));
      e.count++;
      if (!seen.has(key)) {
        e.claims++;
        seen.add(key);
      }
      this.kinds.set(x.kind, (this.kinds.get(x.kind) ?? 0) + 1);
    }
    for (const n of f.input) {
      const e = this.notes.get(n.code) ?? { code: n.code, severity: n.severity, count: 0 };
      e.count++;
      this.notes.set(n.code, e);
    }
    this.notChecked += f.notChecked;
    if (f.notEncoded) this.claimsWithNotEncoded++;
    const m = this.money;
    m.charge += f.chargeCents;
    m.chargeAtRisk += f.chargeAtRiskCents;
    m.allowed += f.allowedCents;
    m.allowedAtRisk += f.allowedAtRiskCents;
    m.linesWithAllowed += f.linesWithAllowed;
    m.lines += f.lines;
  }

  data(): SummaryData {
    return {
      claims: this.claims,
      byStatus: { ...this.byStatus },
      findingsByRule: [...this.rules.values()].sort((a, b) => b.count - a.count || (a.rule < b.rule ? -1 : 1)),
      findingsByKind: [...this.kinds].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1)),
      inputNotes: [...this.notes.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1)),
      notChecked: this.notChecked,
      fileErrors: this.fileErrors,
      cleanNotFullyChecked: this.cleanNotFullyChecked,
      claimsWithNotEncoded: this.claimsWithNotEncoded,
      money: { ...this.money },
    };
  }
}

/** `$1,234.50` from cents. */
export function usd(cents: number): string {
  return `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

const pct = (a: number, b: number) => (b === 0 ? '' : ` (${Math.round((a / b) * 100)}%)`);

/** The summary as text for a terminal. */
export function renderSummaryText(s: SummaryData): string {
  const out: string[] = [`${s.claims} claim${s.claims === 1 ? '' : 's'}`];
  if (s.fileErrors) out.push(`and ${s.fileErrors} error${s.fileErrors === 1 ? '' : 's'} in the file itself, not in a claim (an 837P envelope a payer's front end rejects with what it encloses, a CSV header; listed in the text and CSV output)`);
  out.push('', 'claims by status:');
  for (const r of statusRows(s)) out.push(`  ${r.label.padEnd(30)} ${String(r.value).padStart(7)}${pct(r.value, s.claims)}`);
  const m = s.money;
  out.push('', 'money:');
  out.push(`  charges billed          ${usd(m.charge).padStart(16)}`);
  out.push(`  charges at risk         ${usd(m.chargeAtRisk).padStart(16)}${pct(m.chargeAtRisk, m.charge)}`);
  if (m.linesWithAllowed > 0) {
    out.push(`  allowed (expected)      ${usd(m.allowed).padStart(16)}   from ${m.linesWithAllowed} of ${m.lines} lines that give one`);
    out.push(`  allowed at risk         ${usd(m.allowedAtRisk).padStart(16)}${pct(m.allowedAtRisk, m.allowed)}`);
  } else out.push('  allowed amounts         not given (no line carries `allowed`), so not totalled');
  out.push('  (at risk: every line of an invalid claim or a claim-level error, else the lines with an error finding)');
  if (s.findingsByRule.length) {
    out.push('', 'findings by rule:');
    const w = Math.max(...s.findingsByRule.map((r) => r.rule.length), 4);
    for (const r of s.findingsByRule) out.push(`  ${r.rule.padEnd(w)}  ${r.severity.padEnd(7)}  ${String(r.count).padStart(7)} on ${r.claims} claim${r.claims === 1 ? '' : 's'}  [${r.kind}]`);
    out.push('', 'findings by kind:');
    const wk = Math.max(...s.findingsByKind.map((r) => r.kind.length));
    for (const k of s.findingsByKind) out.push(`  ${k.kind.padEnd(wk)}  ${String(k.count).padStart(7)}`);
  } else out.push('', 'findings: none');
  if (s.notChecked) out.push('', `checks that could not run: ${s.notChecked} (see each claim's "not checked")`);
  if (s.claimsWithNotEncoded) out.push('', `claims whose ruleset says it does not check some of the payer's policy: ${s.claimsWithNotEncoded} (listed on each claim)`);
  if (s.inputNotes.length) {
    out.push('', 'notes from the claim files:');
    for (const n of s.inputNotes) out.push(`  ${n.code.padEnd(20)} ${n.severity.padEnd(7)} ${String(n.count).padStart(7)}`);
  }
  return out.join('\n') + '\n';
}
