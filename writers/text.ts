// The biller's view of a report: one block per claim, findings grouped by line, each with its fix and
// the policy behind it, then what was not checked and any reference table older than the claim. A line is `ok` only when the policy checked it and found nothing: a line no
// ruleset applied to, or one the report lists as not checked, says so instead.
import type { Finding, LineReport } from '../engine/index.ts';
import type { NotChecked, RuleTrace } from '../engine/report.ts';
import { traceLines } from './trace.ts';
import { errorText, plural } from './paths.ts';
import { isFileReport } from '../readers/diagnostics.ts';
import { reportNotFullyChecked } from './summary.ts';
import type { EvalReport, InputNote } from './types.ts';

const MARK: Record<string, string> = { error: 'ERROR  ', warning: 'WARNING', info: 'INFO   ' };

function findingLines(f: Finding, traces: readonly RuleTrace[] | undefined): string[] {
  const out = [`    ${MARK[f.severity] ?? f.severity} ${f.message}  [${f.rule}, ${f.kind}]`];
  if (f.fix) out.push(`            fix: ${f.fix}`);
  if (f.citation) out.push(`            policy: ${f.citation}${f.source ? ` (${f.source.file}:${f.source.line})` : ''}`);
  // With --explain: the conditions that made the rule fire (writers/trace.ts).
  out.push(...traceLines(f, traces, '            '));
  return out;
}

function noteLines(notes: readonly InputNote[] | undefined): string[] {
  if (!notes?.length) return [];
  return ['  from the claim file', ...notes.map((n) => `    ${MARK[n.severity] ?? n.severity} ${n.message}  [${n.code}]\n            at: ${n.where}`)];
}

/** The lines a not-checked entry concerns (none: the whole claim). */
export function linesOf(n: NotChecked): number[] {
  return n.lines ?? (n.line !== undefined ? [n.line] : []);
}

function unitsText(l: LineReport): string {
  const n = (x: number | null) => (x === null ? 'no units' : plural(x, 'unit'));
  // Units not checked (expectedUnits null): what was billed; the explanation says why.
  return l.expectedUnits === null || l.billedUnits === l.expectedUnits ? n(l.billedUnits) : `billed ${n(l.billedUnits)}, policy allows ${plural(l.expectedUnits, 'unit')}`;
}

export function renderText(r: EvalReport): string {
  if (r.status === 'invalid') {
    // An error in the file itself (an 837P envelope, a CSV header) is not a claim: said so, not "claim (no id)".
    const out = [isFileReport(r) ? 'the file: ERROR (not a claim)' : `claim ${r.claimId ?? '(no id)'}: INVALID, not evaluated`];
    for (const e of r.errors) out.push(`    ${errorText(e.path, e.message)}${/^(lines|diagnoses)\[/.test(e.path) ? `  (${e.path})` : ''}`);
    out.push(...noteLines(r.input?.filter((n) => n.severity !== 'error')));
    return out.join('\n') + '\n';
  }
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  const versions = r.versions && r.versions.length > 1 ? ` (versions ${r.versions.map((v) => v.version).join(', ')})` : '';
  const notChecked = r.notChecked ?? [];
  // A claim is CLEAN only when every check ran: with checks that could not run (a fact the claim
  // lacks, no ruleset for a date) or parts of the policy the ruleset leaves out, it has no findings
  // but is not fully checked, and the head line says how much was left.
  const couldNotRun = notChecked.filter((n) => !n.notEncoded).length;
  const leftOut = notChecked.length - couldNotRun;
  // A reader's warning (an 837P service-date range given its first day, one of several
  // authorization numbers used) means the claim was judged on an assumption: not plainly clean.
  const fileWarnings = (r.input ?? []).filter((n) => n.severity === 'warning').length;
  const word = reportNotFullyChecked(r) ? 'NO FINDINGS, NOT FULLY CHECKED' : r.status.toUpperCase();
  const counts = [
    ...(r.findings.length ? [`${plural(errors, 'error')}, ${plural(warnings, 'warning')}`] : []),
    ...(couldNotRun ? [`${plural(couldNotRun, 'check')} could not run`] : []),
    ...(leftOut ? [`${plural(leftOut, 'part')} of the payer's policy not in the ruleset`] : []),
    ...(fileWarnings ? [`${plural(fileWarnings, 'warning')} about the claim file`] : []),
  ];
  const head = `claim ${r.claimId}: ${word}` + (r.ruleset ? ` under ${r.ruleset.id} ${r.ruleset.version}${versions}` : ', no ruleset applies') + (counts.length ? ` (${counts.join('; ')})` : '');
  const out = [head, ...noteLines(r.input)];
  const claimLevel = r.findings.filter((f) => f.line === undefined);
  if (claimLevel.length) {
    out.push('  whole claim');
    for (const f of claimLevel) out.push(...findingLines(f, r.explain));
  }
  // Something not checked on the whole claim (a check the ruleset leaves out, a claim rule that
  // lacked a value): no line is "ok", only without findings.
  const wholeClaimUnchecked = notChecked.some((n) => linesOf(n).length === 0);
  for (const l of r.lines) {
    const fs = r.findings.filter((f) => f.line === l.line);
    const skipped = notChecked.filter((n) => linesOf(n).includes(l.line));
    // Never `ok` for a line nothing checked (no ruleset), nor for one with checks that could not
    // run: those name the checks, and the "not checked" block below says why.
    const rules = skipped.map((n) => n.rule).join(', ');
    const verdict = !r.ruleset ? '  not checked: no ruleset applies' : fs.length ? (skipped.length ? `  (not checked: ${rules})` : '') : skipped.length ? `  no findings; not checked: ${rules}` : wholeClaimUnchecked ? '  no findings' : '  ok';
    out.push(`  line ${l.line}  ${l.code}${l.dateOfService ? `  ${l.dateOfService}` : ''}  ${unitsText(l)}${verdict}`);
    if (fs.length || l.billedUnits !== l.expectedUnits) out.push(`      units: ${l.explanation}`);
    for (const f of fs) out.push(...findingLines(f, r.explain));
  }
  if (notChecked.length) {
    out.push('  not checked');
    for (const n of notChecked) {
      const ls = linesOf(n);
      out.push(`    ${n.rule}${ls.length ? ` (line${ls.length === 1 ? '' : 's'} ${ls.join(', ')})` : ''}: ${n.reason}`);
    }
  }
  // A reference table older than a date of service it judged (NCCI, MUE, fee schedule): what it
  // found stands, but the biller should know which release it was.
  const stale = (r.tables ?? []).filter((t) => t.note);
  if (stale.length) {
    out.push('  reference tables');
    for (const t of stale) out.push(`    ${t.table} ${t.release}: ${t.note}`);
  }
  return out.join('\n') + '\n';
}
