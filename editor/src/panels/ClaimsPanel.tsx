// Sample claims beside the ruleset (or a pasted claim), run against the buffer as it is now; the
// report groups findings by line, and a click on a finding shows its rule in the editor.
import { useEffect, useState } from 'react';
import type { FileEntry } from '../api.ts';
import { ask } from '../worker-client.ts';
import type { Finding, Report } from '../../../engine/report.ts';

function claimsOf(text: string | undefined): { id: string; json: string }[] {
  if (!text) return [];
  try {
    const d = JSON.parse(text);
    return (Array.isArray(d) ? d : [d]).map((c, i) => ({ id: String(c?.id ?? `claim ${i + 1}`), json: JSON.stringify(c, null, 2) }));
  } catch {
    return [];
  }
}

export function ClaimsPanel(props: { path: string | null; files: FileEntry[]; filesText: Map<string, string>; getText: () => string; registerRun: (fn: () => void) => void; onReveal: (file: string, line: number) => void }) {
  const folder = props.path?.split('/').slice(0, -1).join('/') ?? '';
  const samples = props.files.filter((f) => f.path.startsWith(folder + '/claims/') && f.path.endsWith('.json')).flatMap((f) => claimsOf(props.filesText.get(f.path)).map((c) => ({ ...c, file: f.path })));
  const [claim, setClaim] = useState('');
  const [reports, setReports] = useState<Report[]>([]);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!claim && samples[0]) setClaim(samples[0].json);
  }, [samples.length, folder]); // eslint-disable-line react-hooks/exhaustive-deps

  const run = async () => {
    if (!props.path) return;
    setError('');
    const r = await ask<{ reports: Report[]; error?: string }>({ type: 'run', path: props.path, text: props.getText(), claims: claim });
    if (r.error) setError(r.error);
    setReports(r.reports);
  };
  props.registerRun(() => void run());

  const findingRow = (f: Finding, i: number) => (
    <li key={i} className={`finding ${f.severity}`} onClick={() => f.source && props.onReveal(f.source.file, f.source.line)} data-testid="finding" data-rule={f.rule}>
      <span className="sev">{f.severity}</span> <strong>{f.rule}</strong> <em>{f.kind}</em>: {f.message}
      {f.fix ? <div className="fix">fix: {f.fix}</div> : null}
      {f.citation ? <div className="cite">policy: {f.citation}</div> : null}
    </li>
  );

  return (
    <div className="claims">
      <div className="claim-input">
        <select value="" onChange={(e) => setClaim(samples[Number(e.target.value)]?.json ?? claim)} data-testid="sample-claims">
          <option value="">sample claims ({samples.length})…</option>
          {samples.map((s, i) => (
            <option key={i} value={i}>
              {s.id} — {s.file.split('/').pop()}
            </option>
          ))}
        </select>
        <button onClick={() => void run()} data-testid="run">Run (Ctrl+Enter)</button>
        <textarea value={claim} onChange={(e) => setClaim(e.target.value)} spellCheck={false} placeholder="paste a claim (JSON)" data-testid="claim-json" />
      </div>
      <div className="reports" data-testid="reports">
        {error && <p className="error">{error}</p>}
        {reports.map((r, i) =>
          r.status === 'invalid' ? (
            <div key={i} className="report invalid">
              <h4>{r.claimId ?? '(no id)'}: invalid</h4>
              <ul>{r.errors.map((e, j) => <li key={j}>{e.path || '(claim)'}: {e.message}</li>)}</ul>
            </div>
          ) : (
            <div key={i} className={`report ${r.status}`}>
              <h4 data-testid="report-status">
                {r.claimId}: {r.status}
                {r.ruleset ? ` (${r.ruleset.id} ${r.ruleset.version})` : ''}
              </h4>
              {r.findings.filter((f) => f.line === undefined).length > 0 && <ul>{r.findings.filter((f) => f.line === undefined).map(findingRow)}</ul>}
              {r.lines.map((l) => (
                <div key={l.line} className="line">
                  <div>
                    line {l.line} <code>{l.code}</code> billed {l.billedUnits ?? '–'}, policy allows {l.expectedUnits} <span className="explain">{l.explanation}</span>
                  </div>
                  <ul>{r.findings.filter((f) => f.line === l.line).map(findingRow)}</ul>
                </div>
              ))}
            </div>
          ),
        )}
      </div>
    </div>
  );
}
