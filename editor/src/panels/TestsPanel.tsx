// The test runner: the ruleset's cases (or one case file's), failures first, grouped by the ruleset
// version each case ran under, with a filter; a case opens at its line; coverage (rules no case
// fires, rules no case shows not firing) goes to the editor's margin too. The studio server runs
// them with the reference tables, as `payer-rules test` does.
import { useState } from 'react';
import { runTests, type Checked } from '../api.ts';
import type { CaseResult, HarnessResult, RuleCoverage } from '../../../engine/harness.ts';
import { CheckedNote } from './ReportView.tsx';

function versionOf(c: CaseResult): string {
  const r = c.report;
  if (r && r.status !== 'invalid' && r.ruleset) return `${r.ruleset.id} ${r.ruleset.version}`;
  return c.status === 'error' ? 'could not run' : 'no ruleset version';
}

const ORDER = { fail: 0, error: 1, pass: 2 } as const;

export function TestsPanel(props: { path: string | null; getText: () => string; registerRun: (fn: () => void) => void; onOpen: (file: string, line: number) => void; onCoverage: (c: RuleCoverage[]) => void }) {
  const [res, setRes] = useState<HarnessResult | null>(null);
  const [error, setError] = useState('');
  const [filter, setFilter] = useState('');
  const [onlyFailing, setOnlyFailing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState<Checked | null>(null);
  const run = async () => {
    if (!props.path) return;
    setBusy(true);
    const r = await runTests(props.path, props.getText());
    setBusy(false);
    setError(r.ok ? '' : r.error);
    setRes(r.ok ? r.result : null);
    setChecked(r.ok ? { tables: r.tables, leftOut: r.leftOut } : null);
    props.onCoverage(r.ok ? r.result.coverage : []);
  };
  props.registerRun(() => void run());
  const f = filter.trim().toLowerCase();
  const shown = (res?.cases ?? [])
    .filter((c) => (!onlyFailing || c.status !== 'pass') && (!f || `${c.name} ${c.file} ${c.messages.join(' ')}`.toLowerCase().includes(f)))
    .sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const groups = new Map<string, CaseResult[]>();
  for (const c of shown) groups.set(versionOf(c), [...(groups.get(versionOf(c)) ?? []), c]);
  const failedGroups = [...groups].sort(([, a], [, b]) => ORDER[a[0]!.status] - ORDER[b[0]!.status]);
  return (
    <div className="tests">
      <div className="toolbar">
        <button onClick={() => void run()} data-testid="run-tests" title="Alt+T">
          {busy ? 'Running…' : 'Run test cases'}
        </button>
        <label>
          <span className="sr-only">filter cases</span>
          <input type="search" placeholder="filter cases" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="tests-filter" />
        </label>
        <label>
          <input type="checkbox" checked={onlyFailing} onChange={(e) => setOnlyFailing(e.target.checked)} /> failures only
        </label>
        {res && (
          <span data-testid="tests-summary" className={res.failed ? 'badge error' : 'badge ok'}>
            {res.passed} passed, {res.failed} failed
          </span>
        )}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      <CheckedNote checked={checked} />
      {failedGroups.map(([version, cases]) => (
        <section key={version} className="case-group" data-testid="case-group">
          <h4>
            {version} — {cases.filter((c) => c.status === 'pass').length} passed, {cases.filter((c) => c.status !== 'pass').length} failed
          </h4>
          <ul>
            {cases.map((c, i) => (
              <li key={i} className={c.status} data-testid="case">
                <button className="link" onClick={() => props.onOpen(c.file, c.line)}>
                  <span className="sev">{c.status}</span> {c.name} <span className="where">{c.file}:{c.line}</span>
                </button>
                {c.messages.length > 0 && <pre>{c.messages.join('\n')}</pre>}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {res && (
        <section>
          <h4>rule coverage</h4>
          <ul data-testid="coverage">
            {res.coverage.map((c) => (
              <li key={`${c.ruleset}@${c.version}`}>
                {c.ruleset} {c.version}: no case fires: {c.neverFired.join(', ') || 'none'}; no case shows not firing: {c.neverShownNotFiring.join(', ') || 'none'}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
