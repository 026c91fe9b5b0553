// One claim's report for people: status, findings grouped by service line, each with its fix, its
// citation and (when the policy text is at hand) the policy line that produced it; what could not
// be checked is listed as such, never shown as "ok" — and when the reference tables were
// unavailable, the checks that need them say so.
import type { Finding, NotChecked, Report } from '../../../engine/report.ts';
import type { Checked } from '../server-api.ts';
import { reportNotFullyChecked } from '../../../writers/summary.ts';

/** How a set of claims was checked: the reference tables' state, and ruleset files left out. */
export function CheckedNote(props: { checked: Checked | null | undefined }) {
  const c = props.checked;
  if (!c) return null;
  return (
    <>
      {!c.tables.available && (
        <p className="note warn" role="status" data-testid="tables-unavailable">
          <strong>Not checked: reference tables unavailable</strong> — {c.tables.why}. The checks that need them ({c.tables.rules?.length ? c.tables.rules.join(', ') : 'NCCI pairs, MUEs, code and diagnosis validity, fee-schedule pricing'}) are listed under each claim as not checked, never as passing.
        </p>
      )}
      {c.leftOut.length > 0 && (
        <p className="note" data-testid="left-out">
          Left out because they have errors (<code>payer-rules eval</code> would stop until they are fixed): {c.leftOut.map((l) => `${l.path} (${l.first})`).join('; ')}
        </p>
      )}
    </>
  );
}

export function ReportView(props: { report: Report; onReveal: (file: string, line: number) => void; policyLine?: (file: string, line: number) => string | undefined; checked?: Checked | null }) {
  const r = props.report;
  const tables = props.checked?.tables;
  /** Why a check could not run, with the tables' absence named when that is the cause. */
  const reason = (n: NotChecked) => (tables && !tables.available && tables.rules?.includes(n.rule) ? `reference tables unavailable — ${n.reason}` : n.reason);
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
        {r.claimId}: {reportNotFullyChecked(r) ? 'no findings, not fully checked' : r.status}
        {r.ruleset ? ` (${r.ruleset.id} ${r.ruleset.version})` : ' (no ruleset version applies)'}
        {r.versions && r.versions.length > 1 ? ` — lines under ${r.versions.map((v) => v.version).join(', ')}` : ''}
      </h4>
      {r.findings.some((f) => f.line === undefined) && <ul>{r.findings.filter((f) => f.line === undefined).map(finding)}</ul>}
      {r.lines.map((l) => {
        const unchecked = notChecked.filter((n) => n.line === l.line || n.lines?.includes(l.line));
        const fs = r.findings.filter((f) => f.line === l.line);
        return (
          <div key={l.line} className="line">
            <div>
              line {l.line} <code>{l.code}</code>
              {l.dateOfService ? ` on ${l.dateOfService}` : ''} billed {l.billedUnits ?? '–'}, {l.expectedUnits === null ? 'units not checked' : `policy allows ${l.expectedUnits}`} <span className="explain">{l.explanation}</span>
              {fs.length === 0 && unchecked.length === 0 ? <span className="ok"> — no findings</span> : null}
            </div>
            <ul>
              {fs.map(finding)}
              {unchecked.map((n, j) => (
                <li key={`nc${j}`} className="finding not-checked" data-testid="not-checked" data-rule={n.rule}>
                  <span className="sev">not checked</span> <strong>{n.rule}</strong>: {reason(n)}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
      {notChecked.filter((n) => n.line === undefined && !n.lines?.length).map((n, j) => (
        <p key={j} className="not-checked" data-testid="not-checked" data-rule={n.rule}>
          <span className="sev">not checked</span> <strong>{n.rule}</strong>: {reason(n)}
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
