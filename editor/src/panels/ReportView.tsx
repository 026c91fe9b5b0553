// One claim's report for people: status, findings grouped by service line, each with its fix, its
// citation and (when the policy text is at hand) the policy line that produced it; what could not
// be checked is listed as such, never shown as "ok".
import type { Finding, Report } from '../../../engine/report.ts';

export function ReportView(props: { report: Report; onReveal: (file: string, line: number) => void; policyLine?: (file: string, line: number) => string | undefined }) {
  const r = props.report;
  if (r.status === 'invalid') {
    return (
      <div className="report invalid" data-testid="report">
        <h4 data-testid="report-status">{r.claimId ?? '(no id)'}: invalid — the claim does not match the claim contract</h4>
        <ul>
          {r.errors.map((e, j) => (
            <li key={j}>
              <code>{e.path || '(claim)'}</code>: {e.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const finding = (f: Finding, i: number) => {
    const src = f.source;
    const text = src && props.policyLine?.(src.file, src.line);
    return (
      <li key={i} className={`finding ${f.severity}`} data-testid="finding" data-rule={f.rule}>
        <button className="link" onClick={() => src && props.onReveal(src.file, src.line)} disabled={!src} title={src ? `open ${src.file}:${src.line}` : undefined}>
          <span className="sev">{f.severity}</span> <strong>{f.rule}</strong> <em>{f.kind}</em>: {f.message}
        </button>
        {f.fix ? <div className="fix">fix: {f.fix}</div> : null}
        {f.citation ? <div className="cite">policy: {f.citation}</div> : null}
        {text !== undefined && src ? (
          <pre className="policy-line" data-testid="policy-line">
            <span className="where">{src.file}:{src.line}</span>
            {'\n'}
            {text}
          </pre>
        ) : null}
      </li>
    );
  };
  const notChecked = r.notChecked ?? [];
  return (
    <div className={`report ${r.status}`} data-testid="report">
      <h4 data-testid="report-status">
        {r.claimId}: {r.status}
        {r.ruleset ? ` (${r.ruleset.id} ${r.ruleset.version})` : ' (no ruleset version applies)'}
        {r.versions && r.versions.length > 1 ? ` — lines under ${r.versions.map((v) => v.version).join(', ')}` : ''}
      </h4>
      {r.findings.some((f) => f.line === undefined) && <ul>{r.findings.filter((f) => f.line === undefined).map(finding)}</ul>}
      {r.lines.map((l) => {
        const unchecked = notChecked.filter((n) => n.line === l.line);
        const fs = r.findings.filter((f) => f.line === l.line);
        return (
          <div key={l.line} className="line">
            <div>
              line {l.line} <code>{l.code}</code>
              {l.dateOfService ? ` on ${l.dateOfService}` : ''} billed {l.billedUnits ?? '–'}, policy allows {l.expectedUnits} <span className="explain">{l.explanation}</span>
              {fs.length === 0 && unchecked.length === 0 ? <span className="ok"> — no findings</span> : null}
            </div>
            <ul>
              {fs.map(finding)}
              {unchecked.map((n, j) => (
                <li key={`nc${j}`} className="finding not-checked" data-testid="not-checked">
                  <span className="sev">not checked</span> <strong>{n.rule}</strong>: {n.reason}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
      {notChecked.filter((n) => n.line === undefined).map((n, j) => (
        <p key={j} className="not-checked" data-testid="not-checked">
          <span className="sev">not checked</span> <strong>{n.rule}</strong>: {n.reason}
        </p>
      ))}
      {r.tables?.length ? (
        <p className="where">
          tables: {r.tables.map((t) => `${t.table} ${t.release}${t.note ? ` (${t.note})` : ''}`).join('; ')}
        </p>
      ) : null}
    </div>
  );
}
