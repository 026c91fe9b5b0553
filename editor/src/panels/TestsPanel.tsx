import { useState } from 'react';
import { ask } from '../worker-client.ts';
import type { HarnessResult } from '../../../engine/harness.ts';

export function TestsPanel(props: { path: string | null; getText: () => string }) {
  const [res, setRes] = useState<HarnessResult | null>(null);
  const [error, setError] = useState('');
  const run = async () => {
    if (!props.path) return;
    const r = await ask<{ result?: HarnessResult; error?: string }>({ type: 'tests', path: props.path, text: props.getText() });
    setError(r.error ?? '');
    setRes(r.result ?? null);
  };
  return (
    <div className="tests">
      <button onClick={() => void run()} data-testid="run-tests">Run test cases</button>
      {error && <p className="error">{error}</p>}
      {res && (
        <>
          <p data-testid="tests-summary">
            {res.passed} passed, {res.failed} failed
          </p>
          <ul>
            {res.cases.map((c, i) => (
              <li key={i} className={c.status}>
                <span className="sev">{c.status}</span> {c.name} <span className="where">{c.file}:{c.line}</span>
                {c.messages.length > 0 && <pre>{c.messages.join('\n')}</pre>}
              </li>
            ))}
          </ul>
          <h4>rule coverage</h4>
          <ul>
            {res.coverage.map((c) => (
              <li key={`${c.ruleset}@${c.version}`}>
                {c.ruleset} {c.version}: no case fires: {c.neverFired.join(', ') || 'none'}; no case shows not firing: {c.neverShownNotFiring.join(', ') || 'none'}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
