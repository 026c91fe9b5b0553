// The studio's dialogs: new file, new version, keyboard shortcuts. One accessible modal: labelled,
// focus moves in and returns, Escape closes, Tab stays inside.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { COMMANDS, EDITOR_KEYS } from './commands.ts';
import type { HeaderInfo } from './protocol.ts';

export function Modal(props: { title: string; onClose: () => void; children: ReactNode; testId: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('input, select, textarea, button');
    first?.focus();
    return () => before?.focus?.();
  }, []);
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      props.onClose();
    }
    if (e.key === 'Tab' && ref.current) {
      const els = [...ref.current.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href]')].filter((x) => !x.hasAttribute('disabled'));
      const first = els[0];
      const last = els[els.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last?.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first?.focus();
      }
    }
  };
  const id = `dlg-${props.testId}`;
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby={id} ref={ref} onKeyDown={onKey} data-testid={props.testId}>
        <h2 id={id}>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

const KINDS = [
  { kind: 'ruleset', label: 'Ruleset version (.payer)', ext: '.payer' },
  { kind: 'cases', label: 'Test cases (.cases.yaml)', ext: '.cases.yaml' },
  { kind: 'claims', label: 'Sample claims (claims/*.json)', ext: '.json' },
] as const;

/** The path and first text of a new file, from what the person chose. */
export function starterFor(kind: (typeof KINDS)[number]['kind'], payer: string, name: string, today = new Date()): { path: string; text: string } {
  const id = payer.replace(/[^a-z0-9-]/g, '') || 'new-payer';
  const clean = name.replace(/\.(payer|cases\.ya?ml|json)$/, '').replace(/[^A-Za-z0-9._-]/g, '-');
  if (kind === 'ruleset') {
    // The version and window follow the file's name when it is a year (2027.payer → 2027.1, all of 2027).
    const year = /^\d{4}$/.test(clean) ? Number(clean) : today.getFullYear();
    return { path: `${id}/${clean || year}.payer`, text: `# ${id}\nruleset ${id} "${id}"\nversion ${year}.1 effective ${year}-01-01 through ${year}-12-31\n` };
  }
  const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  if (kind === 'cases') return { path: `${id}/${clean || 'new'}.cases.yaml`, text: `base:\n  dateOfService: "${day}"\n\ncases:\n  - name: first case\n    claim:\n      id: CASE-1\n      lines:\n        - { code: "97110", units: 1, minutes: 15 }\n    expect: { status: clean }\n` };
  return { path: `${id}/claims/${clean || 'claims'}.json`, text: `[\n  { "id": "CLAIM-1", "payer": "${id}", "dateOfService": "${day}", "lines": [{ "code": "97110", "units": 1, "minutes": 15 }] }\n]\n` };
}

export function NewFileDialog(props: { payers: string[]; current: string; headers: HeaderInfo[]; onCreate: (path: string, text: string) => void; onNewVersion: (ruleset: string) => void; onClose: () => void }) {
  const [kind, setKind] = useState<(typeof KINDS)[number]['kind']>('ruleset');
  const [payer, setPayer] = useState(props.current);
  const [name, setName] = useState('');
  const existing = props.headers.filter((h) => h.path.startsWith(`${payer}/`));
  const plan = starterFor(kind, payer, name);
  return (
    <Modal title="New file" onClose={props.onClose} testId="new-file-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onCreate(plan.path, plan.text);
        }}
      >
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="new-file-kind">
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Payer folder (ruleset id)
          <input list="payer-ids" value={payer} onChange={(e) => setPayer(e.target.value)} data-testid="new-file-payer" />
          <datalist id="payer-ids">{props.payers.map((p) => <option key={p} value={p} />)}</datalist>
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder={kind === 'ruleset' ? 'e.g. 2027' : kind === 'cases' ? 'e.g. units' : 'e.g. march'} data-testid="new-file-name" />
        </label>
        <p className="hint">
          Creates <code data-testid="new-file-path">{plan.path}</code>
        </p>
        {kind === 'ruleset' && existing.length > 0 && (
          <p className="hint">
            {payer} already has {existing.length} version{existing.length === 1 ? '' : 's'}. To continue from the latest (its rules and cases, the previous version ended the day before), use{' '}
            <button type="button" onClick={() => props.onNewVersion(payer)} data-testid="new-file-use-new-version">
              New version…
            </button>
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" data-testid="new-file-create">Create</button>
          <button type="button" onClick={props.onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}

export function NewVersionDialog(props: { payers: string[]; ruleset: string; headers: HeaderInfo[]; onCreate: (ruleset: string, version: string, effective?: string) => void; onClose: () => void; error?: string }) {
  const [ruleset, setRuleset] = useState(props.ruleset);
  const latest = props.headers.filter((h) => h.id === ruleset && h.from).sort((a, b) => (a.from! < b.from! ? -1 : 1)).pop();
  const nextYear = latest?.through ? Number(latest.through.slice(0, 4)) + 1 : new Date().getFullYear() + 1;
  const [version, setVersion] = useState(`${nextYear}.1`);
  const [effective, setEffective] = useState('');
  return (
    <Modal title="New version" onClose={props.onClose} testId="new-version-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onCreate(ruleset, version, effective || undefined);
        }}
      >
        <label>
          Ruleset
          <select value={ruleset} onChange={(e) => setRuleset(e.target.value)} data-testid="new-version-ruleset">
            {props.payers.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <p className="hint">{latest ? `Copies ${latest.path} (version ${latest.version}, ${latest.from} through ${latest.through ?? 'open'}) and its test cases.` : 'No dated version to copy.'}</p>
        <label>
          New version
          <input value={version} onChange={(e) => setVersion(e.target.value)} data-testid="new-version-version" />
        </label>
        <label>
          First day (empty: the day after {latest?.version ?? 'the latest'} ends)
          <input type="date" value={effective} onChange={(e) => setEffective(e.target.value)} data-testid="new-version-effective" />
        </label>
        {props.error && <p className="error" role="alert">{props.error}</p>}
        <div className="actions">
          <button type="submit" className="primary" data-testid="new-version-create">Create and compare</button>
          <button type="button" onClick={props.onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}

export function ShortcutsDialog(props: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={props.onClose} testId="shortcuts">
      <table className="keys">
        <tbody>
          {COMMANDS.filter((c) => c.keys).map((c) => (
            <tr key={c.id}>
              <td>
                <kbd>{c.keys}</kbd>
              </td>
              <td>{c.label}</td>
            </tr>
          ))}
          {EDITOR_KEYS.map(([k, what]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">Every studio command is also in the command palette (F1 in the editor).</p>
      <div className="actions">
        <button onClick={props.onClose}>Close</button>
      </div>
    </Modal>
  );
}
