// The biller's view of a report: one block per claim, findings grouped by line, each with its fix and
// the policy behind it. A line is `ok` only when the policy checked it and found nothing: a line no
// ruleset applied to, or one the report lists as not checked, says so instead.
import type { Finding, LineReport } from '../engine/index.ts';
import { humanPath, plural } from './paths.ts';
import type { EvalReport, InputNote } from './types.ts';

const MARK: Record<string, string> = { error: 'ERROR  ', warning: 'WARNING', info: 'INFO   ' };

function findingLines(f: Finding): string[] {
  const out = [`    ${MARK[f.severity] ?? f.severity} ${f.message}  [${f.rule}, ${f.kind}]`];
  if (f.fix) out.push(`            fix: ${f.fix}`);
  if (f.citation) out.push(`            policy: ${f.citation}${f.source ? ` (${f.source.file}:${f.source.line})` : ''}`);
  return out;
}

function noteLines(notes: readonly InputNote[] | undefined): string[] {
  if (!notes?.length) return [];
  return ['  from the claim file', ...notes.map((n) => `    ${MARK[n.severity] ?? n.severity} ${n.message}  [${n.code}]\n            at: ${n.where}`)];
}

function unitsText(l: LineReport): string {
  const n = (x: number | null) => (x === null ? 'no units' : plural(x, 'unit'));
  return l.billedUnits === l.expectedUnits ? n(l.billedUnits) : `billed ${n(l.billedUnits)}, policy allows ${plural(l.expectedUnits, 'unit')}`;
}

export function renderText(r: EvalReport): string {
  if (r.status === 'invalid') {
    const out = [`claim ${r.claimId ?? '(no id)'}: INVALID, not evaluated`];
    for (const e of r.errors) out.push(`    ${humanPath(e.path)}: ${e.message}${/^(lines|diagnoses)\[/.test(e.path) ? `  (${e.path})` : ''}`);
    out.push(...noteLines(r.input?.filter((n) => n.severity !== 'error')));
    return out.join('\n') + '\n';
  }
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  const versions = r.versions && r.versions.length > 1 ? ` (versions ${r.versions.map((v) => v.version).join(', ')})` : '';
  const head = `claim ${r.claimId}: ${r.status.toUpperCase()}` + (r.ruleset ? ` under ${r.ruleset.id} ${r.ruleset.version}${versions}` : ', no ruleset applies') + (r.findings.length ? ` (${plural(errors, 'error')}, ${plural(warnings, 'warning')})` : '');
  const out = [head, ...noteLines(r.input)];
  const claimLevel = r.findings.filter((f) => f.line === undefined);
  if (claimLevel.length) {
    out.push('  whole claim');
    for (const f of claimLevel) out.push(...findingLines(f));
  }
  const notChecked = r.notChecked ?? [];
  for (const l of r.lines) {
    const fs = r.findings.filter((f) => f.line === l.line);
    const skipped = notChecked.filter((n) => n.line === l.line);
    // Never `ok` for a line nothing checked: no ruleset, or checks the report says could not run.
    const verdict = fs.length ? '' : !r.ruleset ? '  not checked: no ruleset applies' : skipped.length ? `  not checked: ${skipped.map((n) => `${n.reason} (${n.rule})`).join('; ')}` : '  ok';
    out.push(`  line ${l.line}  ${l.code}${l.dateOfService ? `  ${l.dateOfService}` : ''}  ${unitsText(l)}${verdict}`);
    if (fs.length || l.billedUnits !== l.expectedUnits) out.push(`      units: ${l.explanation}`);
    for (const f of fs) out.push(...findingLines(f));
    if (fs.length && skipped.length) for (const n of skipped) out.push(`    NOT CHECKED ${n.reason}  [${n.rule}]`);
  }
  const claimSkipped = notChecked.filter((n) => n.line === undefined);
  if (claimSkipped.length) {
    out.push('  not checked');
    for (const n of claimSkipped) out.push(`    ${n.reason}  [${n.rule}]`);
  }
  return out.join('\n') + '\n';
}
