// A claim against the ruleset being edited: a sample claim from the payer's folder, or one built in
// the form or pasted as JSON (the two views stay in sync); findings update as you type, grouped by
// service line; a finding opens its rule; "Save as a test case" adds the claim to a case file.
// The studio server checks the claim (with the buffer in place of its file) against the reference
// tables, as `payer-rules eval` would; a newer answer always replaces an older one.
import { useEffect, useMemo, useRef, useState } from 'react';
import { evaluate, saveCase as saveCaseOnServer, type Checked, type FileEntry } from '../api.ts';
import { ask } from '../worker-client.ts';
import type { Report } from '../../../engine/report.ts';
import type { FormInfo } from '../protocol.ts';
import { ClaimForm } from './ClaimForm.tsx';
import { CheckedNote, ReportView } from './ReportView.tsx';

function claimsOf(text: string | undefined, path: string): { id: string; json: string }[] {
  if (!text) return [];
  try {
    const items = path.endsWith('.ndjson') ? text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown) : ((d) => (Array.isArray(d) ? d : [d]))(JSON.parse(text) as unknown);
    return items.map((c, i) => ({ id: String((c as { id?: unknown })?.id ?? `claim ${i + 1}`), json: JSON.stringify(c, null, 2) }));
  } catch {
    return [];
  }
}

function starterClaim(payer: string): string {
  const d = new Date().toISOString().slice(0, 10);
  return JSON.stringify({ id: 'CLAIM-1', payer, dateOfService: d, placeOfService: '11', provider: { discipline: 'PT' }, diagnoses: ['M62.81'], lines: [{ code: '97110', modifiers: ['GP'], units: 1, minutes: 15, diagnosisPointers: [1] }] }, null, 2);
}

export interface ClaimsPanelProps {
  path: string | null;
  payer: string | undefined;
  files: FileEntry[];
  filesText: Map<string, string>;
  getText: () => string;
  registerRun: (fn: () => void) => void;
  onReveal: (file: string, line: number) => void;
  policyLine: (file: string, line: number) => string | undefined;
  /** A case file was written: the page reloads the folder. */
  onCaseSaved: () => Promise<void>;
  /** Changes whenever the worker has been given a new set of files. */
  revision: unknown;
  /** The editor holds the file and the worker the folder: the panel may ask both. */
  ready: boolean;
}

export function ClaimsPanel(props: ClaimsPanelProps) {
  const folder = props.path?.split('/').slice(0, -1).join('/') ?? '';
  // Parsed once per folder and listing, not on every render (the page re-renders on each keystroke).
  const samples = useMemo(
    () => props.files.filter((f) => f.kind === 'claims' && f.path.startsWith(folder + '/claims/')).flatMap((f) => claimsOf(props.filesText.get(f.path), f.path).map((c) => ({ ...c, file: f.path }))),
    [folder, props.files, props.revision], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const [claim, setClaim] = useState('');
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [reports, setReports] = useState<Report[]>([]);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [error, setError] = useState('');
  /** The latest run: answers to older runs (typing is faster than the server) are dropped. */
  const runNo = useRef(0);
  const [info, setInfo] = useState<FormInfo | null>(null);
  const [caseName, setCaseName] = useState('');
  const [saved, setSaved] = useState('');
  /** Which payer folder the claim in the box belongs to, and whether it is only a starter. */
  const shownFor = useRef<{ folder: string; starter: boolean } | null>(null);
  /** The claim last in the box for each payer folder: going to a base ruleset and back keeps it. */
  const byFolder = useRef(new Map<string, string>());
  const claimRef = useRef('');
  claimRef.current = claim;

  // Another payer's folder: its own first sample (never the previous payer's claim).
  useEffect(() => {
    if (!props.path) return;
    const cur = shownFor.current;
    if (cur?.folder === folder && !(cur.starter && samples.length)) return;
    if (!samples[0] && !props.payer) return;
    if (cur && cur.folder !== folder && claimRef.current) byFolder.current.set(cur.folder, claimRef.current);
    const kept = byFolder.current.get(folder);
    shownFor.current = { folder, starter: !kept && !samples[0] };
    setClaim(kept ?? samples[0]?.json ?? starterClaim(props.payer!));
    setReports([]);
    setError('');
    setSaved('');
  }, [folder, samples.length, props.payer]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!props.path || !props.ready) return;
    void ask<FormInfo>({ type: 'formInfo', path: props.path, text: props.getText() }).then(setInfo);
  }, [props.path, props.revision, props.ready]); // eslint-disable-line react-hooks/exhaustive-deps

  const run = async (text = claim) => {
    if (!props.path || !props.ready || !text.trim()) return;
    const no = ++runNo.current;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      setError('the claim is not valid JSON');
      setReports([]);
      return;
    }
    // From a ruleset, a claim that names no payer is checked against that ruleset.
    const isRuleset = props.path.endsWith('.payer');
    const own = isRuleset ? props.payer : undefined;
    const claims = Array.isArray(data) ? data : [data];
    const jobs = claims.map((c, i) => ({ lineNo: i + 1, value: own && c && typeof c === 'object' && !Array.isArray(c) && !(c as { payer?: unknown }).payer ? { ...(c as object), payer: own } : c }));
    const r = await evaluate(isRuleset ? { buffers: [{ path: props.path, text: props.getText() }], run: props.path, jobs } : { jobs });
    if (no !== runNo.current) return;
    if (!r.ok) {
      setError(r.error);
      setReports([]);
      setChecked(null);
      return;
    }
    setError('');
    setReports(r.reports);
    setChecked({ tables: r.tables, leftOut: r.leftOut });
  };
  props.registerRun(() => void run());

  // Live findings: the claim runs a moment after each change.
  useEffect(() => {
    const t = setTimeout(() => void run(), 300);
    return () => clearTimeout(t);
  }, [claim, props.ready]); // eslint-disable-line react-hooks/exhaustive-deps

  let parsed: Record<string, unknown> | null = null;
  try {
    const v = JSON.parse(claim) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) parsed = v as Record<string, unknown>;
  } catch {
    parsed = null;
  }

  const caseFiles = props.files.filter((f) => f.kind === 'cases' && f.path.startsWith(folder + '/'));
  const [caseFile, setCaseFile] = useState('');
  const target = caseFile || `${folder}/studio.cases.yaml`;
  // The server de-identifies the claim (patient id, member ids, birth date, authorization number)
  // and checks it again for the expectation: the page never writes a case file itself.
  const saveCase = async () => {
    if (!parsed || !reports[0] || !props.path) return;
    const isRuleset = props.path.endsWith('.payer');
    const base = props.files.find((f) => f.path === target)?.version ?? null;
    const r = await saveCaseOnServer({ path: target, baseVersion: base, name: caseName || `${String(parsed['id'] ?? 'claim')} as run in the studio`, claim: parsed, ...(isRuleset ? { buffers: [{ path: props.path, text: props.getText() }], run: props.path } : {}) });
    if (!r.ok) return setSaved(`not saved: ${r.error}`);
    await props.onCaseSaved();
    setSaved(`added to ${target}${r.changes.length ? ` — de-identified: ${r.changes.join('; ')}` : ''}`);
  };

  return (
    <div className="claims">
      <div className="claim-input">
        <div className="toolbar">
          <label className="sr-only" htmlFor="sample-claims">sample claims</label>
          <select
            id="sample-claims"
            // Shows the sample in the box (while it is unchanged), else the prompt.
            value={String(samples.findIndex((x) => x.json === claim))}
            onChange={(e) => setClaim(samples[Number(e.target.value)]?.json ?? claim)}
            data-testid="sample-claims"
          >
            <option value="-1">sample claims ({samples.length})…</option>
            {samples.map((s, i) => (
              <option key={i} value={i}>
                {s.id} — {s.file.split('/').pop()}
              </option>
            ))}
          </select>
          <div role="group" aria-label="claim view" className="seg">
            <button aria-pressed={mode === 'form'} onClick={() => setMode('form')} data-testid="mode-form">Form</button>
            <button aria-pressed={mode === 'json'} onClick={() => setMode('json')} data-testid="mode-json">JSON</button>
          </div>
          <button onClick={() => void run()} data-testid="run" title="Ctrl/Cmd+Enter">Run (Ctrl+Enter)</button>
        </div>
        {mode === 'form' ? (
          parsed && info ? (
            <ClaimForm claim={parsed} info={info} openPayer={props.path?.endsWith('.payer') ? props.payer : undefined} onChange={(c) => setClaim(JSON.stringify(c, null, 2))} />
          ) : (
            <p className="hint">{parsed ? 'loading…' : 'The JSON view holds something that is not one claim object; fix it there, or pick a sample claim.'}</p>
          )
        ) : (
          <textarea
            aria-label="claim JSON"
            value={claim}
            onChange={(e) => setClaim(e.target.value)}
            onKeyDown={(e) => {
              if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
                e.preventDefault();
                void run();
              }
            }}
            spellCheck={false}
            placeholder="paste a claim (JSON)"
            data-testid="claim-json"
          />
        )}
      </div>
      <div className="reports" data-testid="reports" aria-live="polite">
        {error && <p className="error" role="alert">{error}</p>}
        {reports.length > 0 && <CheckedNote checked={checked} />}
        {reports.map((r, i) => (
          <ReportView key={i} report={r} onReveal={props.onReveal} policyLine={props.policyLine} checked={checked} />
        ))}
        {reports.length === 1 && parsed && (
          <div className="save-case">
            <label>
              Save this claim as a test case in{' '}
              <select value={caseFile} onChange={(e) => setCaseFile(e.target.value)} data-testid="save-case-file">
                <option value="">{folder}/studio.cases.yaml (new)</option>
                {caseFiles.map((f) => (
                  <option key={f.path} value={f.path}>
                    {f.path}
                  </option>
                ))}
              </select>
            </label>{' '}
            <input aria-label="case name" placeholder="case name" value={caseName} onChange={(e) => setCaseName(e.target.value)} data-testid="save-case-name" />{' '}
            <button onClick={() => void saveCase()} data-testid="save-case">Save as a test case</button> <span className="hint" data-testid="save-case-status">{saved}</span>
          </div>
        )}
      </div>
    </div>
  );
}
