// The biller's view of a report: one block per claim, findings grouped by line, each with its fix
// and the policy behind it.
import type { Finding, Report } from '../engine/index.ts';

const MARK: Record<string, string> = { error: 'ERROR  ', warning: 'WARNING', info: 'INFO   ' };

function findingLines(f: Finding): string[] {
  const out = [`    ${MARK[f.severity]} ${f.message}  [${f.rule}, ${f.kind}]`];
  if (f.fix) out.push(`            fix: ${f.fix}`);
  if (f.citation) out.push(`            policy: ${f.citation}${f.source ? ` (${f.source.file}:${f.source.line})` : ''}`);
  return out;
}

export function renderText(r: Report): string {
  if (r.status === 'invalid') {
    const out = [`claim ${r.claimId ?? '(no id)'}: INVALID, not evaluated`];
    for (const e of r.errors) out.push(`    ${e.path || '(claim)'}: ${e.message}`);
    return out.join('\n') + '\n';
  }
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  const head = `claim ${r.claimId}: ${r.status.toUpperCase()}` + (r.ruleset ? ` under ${r.ruleset.id} ${r.ruleset.version}` : '') + (r.findings.length ? ` (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})` : '');
  const out = [head];
  const claimLevel = r.findings.filter((f) => f.line === undefined);
  if (claimLevel.length) {
    out.push('  whole claim');
    for (const f of claimLevel) out.push(...findingLines(f));
  }
  for (const l of r.lines) {
    const fs = r.findings.filter((f) => f.line === l.line);
    const n = (x: number | null) => (x === null ? 'no units' : `${x} unit${x === 1 ? '' : 's'}`);
    const units = l.billedUnits === l.expectedUnits ? n(l.billedUnits) : `billed ${n(l.billedUnits)}, policy allows ${l.expectedUnits}`;
    out.push(`  line ${l.line}  ${l.code}  ${units}${fs.length ? '' : '  ok'}`);
    if (fs.length || l.billedUnits !== l.expectedUnits) out.push(`      units: ${l.explanation}`);
    for (const f of fs) out.push(...findingLines(f));
  }
  return out.join('\n') + '\n';
}
