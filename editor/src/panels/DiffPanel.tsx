import { useState } from 'react';
import type { FileEntry } from '../api.ts';
import { ask } from '../worker-client.ts';
import { renderDiff, type RulesetDiff } from '../../../engine/diff.ts';

export function DiffPanel(props: { path: string | null; files: FileEntry[]; filesText: Map<string, string>; savedText: string; getText: () => string }) {
  const folder = props.path?.split('/').slice(0, -1).join('/') ?? '';
  const others = props.files.filter((f) => f.path !== props.path && f.path.startsWith(folder + '/') && f.path.endsWith('.payer'));
  const [against, setAgainst] = useState('saved');
  const [out, setOut] = useState('');
  const run = async () => {
    if (!props.path) return;
    const text = against === 'saved' ? props.savedText : (props.filesText.get(against) ?? '');
    const r = await ask<{ diff?: RulesetDiff; error?: string }>({ type: 'diff', path: props.path, text: props.getText(), against: text });
    setOut(r.error ?? (r.diff ? renderDiff(r.diff) : ''));
  };
  return (
    <div className="diff">
      <label>
        compare this buffer with{' '}
        <select value={against} onChange={(e) => setAgainst(e.target.value)} data-testid="diff-against">
          <option value="saved">the saved file</option>
          {others.map((f) => (
            <option key={f.path} value={f.path}>
              {f.path}
            </option>
          ))}
        </select>
      </label>{' '}
      <button onClick={() => void run()} data-testid="run-diff">Compare</button>
      <pre data-testid="diff-output">{out}</pre>
    </div>
  );
}
