// What changed and is it right: the two texts side by side (or inline) in Monaco's diff view, the
// rule, code-set and table changes as a list, and the claims whose outcome changes — from the
// payer's sample claims or a claims file of your choice. The studio server evaluates the claims
// under both versions with the reference tables, as `payer-rules diff --claims` does.
import { useEffect, useRef, useState } from 'react';
import * as monaco from '../monaco.ts';
import { diffVersions, type Checked, type FileEntry } from '../api.ts';
import type { RulesetDiff } from '../../../engine/diff.ts';
import { LANGUAGE_ID } from '../language/register.ts';
import { CheckedNote } from './ReportView.tsx';
import { borrowDiffEditor } from '../diffEditors.ts';

const ALL = '(sample claims of this payer)';

export function DiffPanel(props: { path: string | null; files: FileEntry[]; filesText: Map<string, string>; savedText: string; getText: () => string; against?: string | undefined; onReveal: (file: string, line: number) => void }) {
  const folder = props.path?.split('/').slice(0, -1).join('/') ?? '';
  const others = props.files.filter((f) => f.path !== props.path && f.kind === 'ruleset');
  const claimFiles = props.files.filter((f) => f.kind === 'claims');
  const [against, setAgainst] = useState(props.against ?? 'saved');
  const [claimsFile, setClaimsFile] = useState(ALL);
  const [sideBySide, setSideBySide] = useState(true);
  const [diff, setDiff] = useState<RulesetDiff | null>(null);
  const [otherIsOld, setOtherIsOld] = useState(true);
  const [error, setError] = useState('');
  const [checked, setChecked] = useState<Checked | null>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (props.against) setAgainst(props.against);
  }, [props.against]);

  const otherText = against === 'saved' ? props.savedText : (props.filesText.get(against) ?? '');
  const run = async () => {
    if (!props.path) return;
    const r = await diffVersions({ path: props.path, text: props.getText(), against: otherText, ...(against !== 'saved' ? { againstPath: against } : {}), ...(claimsFile !== ALL ? { claimsFiles: [claimsFile] } : {}) });
    setError(r.ok ? '' : r.error);
    setDiff(r.ok ? r.diff : null);
    setOtherIsOld(r.ok ? r.otherIsOld : true);
    setChecked(r.ok ? { tables: r.tables, leftOut: r.leftOut } : null);
    setNotes(r.ok ? r.notes : []);
  };

  useEffect(() => {
    void run();
  }, [against, claimsFile, props.path]); // eslint-disable-line react-hooks/exhaustive-deps

  // The text diff: older text on the left.
  useEffect(() => {
    if (!host.current || !props.path) return;
    const ed = borrowDiffEditor(monaco, 'diff-panel', host.current, { readOnly: true, renderSideBySide: sideBySide, useInlineViewWhenSpaceIsLimited: false, minimap: { enabled: false }, scrollBeyondLastLine: false, ariaLabel: 'text differences' });
    const left = monaco.editor.createModel(otherText, LANGUAGE_ID);
    const right = monaco.editor.createModel(props.getText(), LANGUAGE_ID);
    if (otherIsOld) ed.show(left, right);
    else ed.show(right, left);
    return () => {
      ed.giveBack();
      left.dispose();
      right.dispose();
    };
  }, [against, sideBySide, props.path, otherText, otherIsOld]); // eslint-disable-line react-hooks/exhaustive-deps

  const changed = diff?.claims?.changed ?? [];
  return (
    <div className="diff">
      <div className="toolbar">
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
        </label>
        <label>
          claims{' '}
          <select value={claimsFile} onChange={(e) => setClaimsFile(e.target.value)} data-testid="diff-claims">
            <option value={ALL}>{folder}/claims (all)</option>
            {claimFiles.map((f) => (
              <option key={f.path} value={f.path}>
                {f.path}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={sideBySide} onChange={(e) => setSideBySide(e.target.checked)} data-testid="diff-side-by-side" /> side by side
        </label>
        <button onClick={() => void run()} data-testid="run-diff">Compare</button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      <CheckedNote checked={checked} />
      {notes.map((n, i) => (
        <p key={i} className="note">{n}</p>
      ))}
      <div className="diff-layout">
        <div className="diff-text" ref={host} data-testid="diff-text" />
        <div className="diff-changes" tabIndex={0} aria-label="changes" data-testid="diff-output">
          {diff && (
            <>
              <h4>
                {diff.old.id} {diff.old.version} → {diff.new.version}
              </h4>
              {diff.header.map((h, i) => (
                <p key={i} className="change header">{h}</p>
              ))}
              <ul className="changes">
                {diff.rules.map((r) => (
                  <li key={r.rule} className={`change ${r.change}`} data-testid="rule-change">
                    <button className="link" onClick={() => r.source && props.onReveal(r.source.file, r.source.line)} disabled={!r.source}>
                      <span className="sev">{r.change}</span> <strong>{r.rule}</strong>
                    </button>
                    <ul>{r.details.map((d, i) => <li key={i}>{d}</li>)}</ul>
                  </li>
                ))}
                {diff.codeSets.map((s) => (
                  <li key={s.set} className="change changed">
                    <span className="sev">codes</span> <strong>{s.set}</strong> {s.added.length ? <span className="added">+{s.added.join(', ')}</span> : null} {s.removed.length ? <span className="removed">−{s.removed.join(', ')}</span> : null}
                  </li>
                ))}
                {diff.tables.map((t, i) => (
                  <li key={`t${i}`} className={`change ${t.startsWith('+') ? 'added' : t.startsWith('-') ? 'removed' : 'changed'}`}>
                    <span className="sev">table</span> {t}
                  </li>
                ))}
                {!diff.rules.length && !diff.codeSets.length && !diff.tables.length && !diff.header.length && <li>no rule, code-set or table changes</li>}
              </ul>
              {diff.claims && (
                <section data-testid="diff-claims-impact">
                  <h4>
                    {changed.length} of {diff.claims.total} claims change outcome
                  </h4>
                  <table className="impact">
                    <thead>
                      <tr>
                        <th scope="col">claim</th>
                        <th scope="col">before</th>
                        <th scope="col">after</th>
                        <th scope="col">findings added</th>
                        <th scope="col">findings gone</th>
                        <th scope="col">because</th>
                      </tr>
                    </thead>
                    <tbody>
                      {changed.map((c, i) => (
                        <tr key={i} data-testid="impact-row">
                          <td>{c.claimId}</td>
                          <td className={`status ${c.oldStatus}`}>{c.oldStatus}</td>
                          <td className={`status ${c.newStatus}`}>{c.newStatus}</td>
                          <td className="added">{c.added.map((f) => `${f.rule}${f.line ? ` (line ${f.line})` : ''}`).join(', ')}</td>
                          <td className="removed">{c.removed.map((f) => `${f.rule}${f.line ? ` (line ${f.line})` : ''}`).join(', ')}</td>
                          <td>{c.because.join('; ')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </section>
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}

