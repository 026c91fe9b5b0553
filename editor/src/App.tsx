// The studio's layout and state: files, the editor, the panels, saving. No language logic here:
// analysis comes from the worker, positions from the Monaco model.
import { useCallback, useEffect, useRef, useState } from 'react';
import './monaco-env.ts';
import * as monaco from './monaco.ts';
import { LANGUAGE_ID, registerLanguage, setDiagnostics } from './language/register.ts';
import { ask } from './worker-client.ts';
import { listFiles, readFile, saveFile, type FileEntry } from './api.ts';
import type { AnalysisResult } from './protocol.ts';
import type { Diagnostic } from '../../dsl/diagnostics.ts';
import { ProblemsPanel } from './panels/ProblemsPanel.tsx';
import { ClaimsPanel } from './panels/ClaimsPanel.tsx';
import { TestsPanel } from './panels/TestsPanel.tsx';
import { DiffPanel } from './panels/DiffPanel.tsx';

interface OpenFile {
  path: string;
  baseVersion: string | null;
  savedText: string;
}

interface Conflict {
  path: string;
  theirs: string | null;
  theirsVersion: string | null;
}

const DRAFT = (path: string) => `payer-rules:draft:${path}`;

function uriOf(path: string) {
  return monaco.Uri.parse(`file:///${path}`);
}

export function App() {
  const host = useRef<HTMLDivElement>(null);
  const diffHost = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const [files, setFiles] = useState<FileEntry[]>([]);
  const filesText = useRef(new Map<string, string>());
  const [open, setOpen] = useState<OpenFile | null>(null);
  const openRef = useRef<OpenFile | null>(null);
  const [dirty, setDirty] = useState(false);
  const [analysis, setAnalysis] = useState<AnalysisResult | null>(null);
  const [tab, setTab] = useState<'problems' | 'claims' | 'tests' | 'diff'>('problems');
  const [status, setStatus] = useState('');
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [comparing, setComparing] = useState(false);
  const runRef = useRef<() => void>(() => {});
  openRef.current = open;

  const syncWorkerFiles = useCallback(async () => {
    const list = await listFiles();
    setFiles(list);
    const texts: Record<string, string> = {};
    await Promise.all(
      list.map(async (f) => {
        const r = await readFile(f.path);
        filesText.current.set(f.path, r.text);
        texts[f.path] = r.text;
      }),
    );
    await ask({ type: 'setFiles', files: texts });
    return list;
  }, []);

  const analyzeNow = useCallback(async () => {
    const ed = editorRef.current;
    const model = ed?.getModel();
    const cur = openRef.current;
    if (!model || !cur || !cur.path.endsWith('.payer')) {
      setAnalysis(null);
      if (model) setDiagnostics(model, []);
      return;
    }
    const version = model.getVersionId();
    const res = await ask<AnalysisResult>({ type: 'analyze', path: cur.path, text: model.getValue(), version });
    if (model.getVersionId() !== version || model.isDisposed()) return;
    setDiagnostics(model, res.diagnostics);
    setAnalysis(res);
  }, []);

  const openFile = useCallback(
    async (path: string, offset?: number) => {
      const disk = await readFile(path);
      let text = disk.text;
      let baseVersion: string | null = disk.version;
      const draftRaw = localStorage.getItem(DRAFT(path));
      if (draftRaw) {
        const draft = JSON.parse(draftRaw) as { text: string; baseVersion: string | null };
        if (draft.text !== disk.text) {
          text = draft.text;
          baseVersion = draft.baseVersion;
          setStatus(`restored your unsaved changes to ${path}`);
        } else localStorage.removeItem(DRAFT(path));
      }
      const uri = uriOf(path);
      let model = monaco.editor.getModel(uri);
      const lang = path.endsWith('.payer') ? LANGUAGE_ID : path.endsWith('.json') ? 'json' : 'plaintext';
      if (!model) model = monaco.editor.createModel(text, lang, uri);
      else model.setValue(text);
      const f: OpenFile = { path, baseVersion, savedText: disk.text };
      openRef.current = f;
      setOpen(f);
      setDirty(text !== disk.text);
      editorRef.current?.setModel(model);
      if (offset !== undefined) {
        const pos = model.getPositionAt(offset);
        editorRef.current?.setPosition(pos);
        editorRef.current?.revealPositionInCenter(pos);
      }
      editorRef.current?.focus();
      void analyzeNow();
    },
    [analyzeNow],
  );

  const revealSpan = useCallback(
    async (file: string, start: number, end: number) => {
      if (openRef.current?.path !== file) await openFile(file);
      const model = editorRef.current?.getModel();
      if (!model) return;
      const a = model.getPositionAt(start);
      const b = model.getPositionAt(end);
      editorRef.current!.setSelection(new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column));
      editorRef.current!.revealRangeInCenter(new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column));
      editorRef.current!.focus();
    },
    [openFile],
  );

  const revealLine = useCallback(
    async (file: string, line: number) => {
      if (openRef.current?.path !== file) await openFile(file);
      const ed = editorRef.current!;
      const model = ed.getModel()!;
      ed.setSelection(new monaco.Range(line, 1, line, model.getLineMaxColumn(line)));
      ed.revealLineInCenter(line);
      ed.focus();
    },
    [openFile],
  );

  const save = useCallback(
    async (force?: { baseVersion: string | null }) => {
      const cur = openRef.current;
      const model = editorRef.current?.getModel();
      if (!cur || !model) return;
      const text = model.getValue();
      const res = await saveFile(cur.path, text, force ? force.baseVersion : cur.baseVersion);
      if (res.ok) {
        const f = { ...cur, baseVersion: res.version, savedText: text };
        openRef.current = f;
        setOpen(f);
        setDirty(model.getValue() !== text);
        localStorage.removeItem(DRAFT(cur.path));
        filesText.current.set(cur.path, text);
        await ask({ type: 'setFiles', files: Object.fromEntries(filesText.current) });
        const errors = (await ask<AnalysisResult | null>({ type: 'analyze', path: cur.path, text, version: -1 }))?.diagnostics.filter((d: Diagnostic) => d.severity === 'error').length ?? 0;
        setStatus(errors ? `saved ${cur.path} — it has ${errors} error${errors === 1 ? '' : 's'}` : `saved ${cur.path}`);
        setConflict(null);
        setComparing(false);
      } else if (res.conflict) {
        setConflict({ path: cur.path, theirs: res.text, theirsVersion: res.version });
        setStatus(`${cur.path} changed on disk: your changes are kept; choose what to do`);
      } else setStatus(`not saved: ${res.error}`);
    },
    [],
  );

  // Create the editor once.
  useEffect(() => {
    registerLanguage((path, offset) => void openFile(path, offset));
    const ed = monaco.editor.create(host.current!, { theme: 'payer-light', automaticLayout: true, fontSize: 13, minimap: { enabled: false }, fixedOverflowWidgets: true, 'semanticHighlighting.enabled': false, renderWhitespace: 'none' });
    editorRef.current = ed;
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => void save());
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => runRef.current());
    let timer: ReturnType<typeof setTimeout> | undefined;
    ed.onDidChangeModelContent(() => {
      const cur = openRef.current;
      const model = ed.getModel();
      if (!cur || !model) return;
      const text = model.getValue();
      setDirty(text !== cur.savedText);
      if (text !== cur.savedText) localStorage.setItem(DRAFT(cur.path), JSON.stringify({ text, baseVersion: cur.baseVersion }));
      else localStorage.removeItem(DRAFT(cur.path));
      clearTimeout(timer);
      timer = setTimeout(() => void analyzeNow(), 120);
    });
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 's') {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener('keydown', onKey);
    void syncWorkerFiles().then((list) => {
      const params = new URLSearchParams(location.search);
      const first = params.get('file') ?? list.find((f) => f.path.endsWith('.payer'))?.path;
      if (first) void openFile(first);
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      ed.dispose();
    };
  }, [analyzeNow, openFile, save, syncWorkerFiles]);

  // Warn before closing the tab with unsaved changes.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (!dirty) return;
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // The compare view for a conflict: theirs on the left, mine on the right.
  useEffect(() => {
    if (!comparing || !conflict || !diffHost.current) return;
    const mine = editorRef.current!.getModel()!;
    const theirs = monaco.editor.createModel(conflict.theirs ?? '', mine.getLanguageId());
    const diff = monaco.editor.createDiffEditor(diffHost.current, { automaticLayout: true, readOnly: true, theme: 'payer-light', renderSideBySide: true });
    diff.setModel({ original: theirs, modified: monaco.editor.createModel(mine.getValue(), mine.getLanguageId()) });
    return () => {
      const m = diff.getModel();
      diff.dispose();
      m?.original.dispose();
      m?.modified.dispose();
    };
  }, [comparing, conflict]);

  const newFile = useCallback(async () => {
    const path = window.prompt('New file inside rulesets/ (e.g. acme-ppo/2026.payer, acme-ppo/units.cases.yaml):', '');
    if (!path) return;
    const id = path.split('/')[0]!.replace(/[^a-z0-9-]/g, '') || 'new-payer';
    const starter = path.endsWith('.payer')
      ? `# ${id}\nruleset ${id} "${id}"\nversion ${new Date().getFullYear()}.1 effective ${new Date().getFullYear()}-01-01 through ${new Date().getFullYear()}-12-31\n`
      : path.endsWith('.yaml') || path.endsWith('.yml')
        ? 'cases:\n  - name: first case\n    claim: { id: CASE-1, dateOfService: "2026-01-05", lines: [{ code: "97110", units: 1, minutes: 15 }] }\n    expect: { status: clean }\n'
        : '[]\n';
    const res = await saveFile(path, starter, null);
    if (!res.ok) {
      setStatus(res.conflict ? `${path} already exists` : `not created: ${res.error}`);
      return;
    }
    await syncWorkerFiles();
    await openFile(path);
    setStatus(`created ${path}`);
  }, [openFile, syncWorkerFiles]);

  const diagnostics = analysis?.diagnostics ?? [];
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const folders = new Map<string, FileEntry[]>();
  for (const f of files) {
    const dir = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '.';
    folders.set(dir, [...(folders.get(dir) ?? []), f]);
  }

  return (
    <div className="app">
      <header>
        <strong>payer-rules studio</strong>
        <span className="file" data-testid="current-file">
          {open?.path ?? 'no file'}
          {dirty ? ' ●' : ''}
        </span>
        <span className={errors ? 'badge error' : 'badge ok'} data-testid="problem-count">
          {errors} error{errors === 1 ? '' : 's'}, {warnings} warning{warnings === 1 ? '' : 's'}
        </span>
        <button onClick={() => void newFile()} data-testid="new-file">New file</button>
        <button onClick={() => void save()} title="Ctrl/Cmd+S" data-testid="save">Save</button>
        <button onClick={() => void editorRef.current?.getAction('editor.action.formatDocument')?.run()} title="Shift+Alt+F">Format</button>
        <button onClick={() => { setTab('claims'); runRef.current(); }} title="Ctrl/Cmd+Enter">Run</button>
        <span className="status" data-testid="status">{status}</span>
      </header>
      <nav className="files">
        {[...folders].map(([dir, fs]) => (
          <div key={dir}>
            <div className="dir">{dir}/</div>
            {fs.map((f) => (
              <div key={f.path} className={f.path === open?.path ? 'file-item active' : 'file-item'} onClick={() => void openFile(f.path)} data-path={f.path}>
                {f.path.slice(dir.length + 1)}
              </div>
            ))}
          </div>
        ))}
      </nav>
      <main>
        <div className="editor" ref={host} data-testid="editor" />
        {conflict && (
          <div className="conflict" role="dialog" data-testid="conflict">
            <p>
              <strong>{conflict.path}</strong> changed on disk since you opened it. Your changes are still in the editor.
            </p>
            <button onClick={() => void save({ baseVersion: conflict.theirsVersion })} data-testid="keep-mine">Keep mine</button>
            <button
              onClick={() => {
                editorRef.current!.getModel()!.setValue(conflict.theirs ?? '');
                const f = { ...openRef.current!, baseVersion: conflict.theirsVersion, savedText: conflict.theirs ?? '' };
                openRef.current = f;
                setOpen(f);
                setDirty(false);
                localStorage.removeItem(DRAFT(conflict.path));
                setConflict(null);
                setComparing(false);
                setStatus(`took the version on disk of ${conflict.path}`);
              }}
              data-testid="take-theirs"
            >
              Take theirs
            </button>
            <button onClick={() => setComparing((c) => !c)} data-testid="compare">{comparing ? 'Hide comparison' : 'Compare'}</button>
            {comparing && <div className="diff-editor" ref={diffHost} data-testid="compare-view" />}
          </div>
        )}
        <section className="panels">
          <div className="tabs">
            {(['problems', 'claims', 'tests', 'diff'] as const).map((t) => (
              <button key={t} className={tab === t ? 'tab active' : 'tab'} onClick={() => setTab(t)} data-testid={`tab-${t}`}>
                {t === 'problems' ? `Problems (${diagnostics.length})` : t[0]!.toUpperCase() + t.slice(1)}
              </button>
            ))}
          </div>
          <div className="panel">
            {tab === 'problems' && <ProblemsPanel diagnostics={diagnostics} onReveal={(d) => void revealSpan(d.file, d.span.start, d.span.end)} lineOf={(off) => editorRef.current?.getModel()?.getPositionAt(off)} />}
            <div style={{ display: tab === 'claims' ? 'block' : 'none' }}>
              <ClaimsPanel path={open?.path ?? null} files={files} filesText={filesText.current} getText={() => editorRef.current?.getModel()?.getValue() ?? ''} registerRun={(fn) => (runRef.current = fn)} onReveal={(file, line) => void revealLine(file, line)} />
            </div>
            {tab === 'tests' && <TestsPanel path={open?.path ?? null} getText={() => editorRef.current?.getModel()?.getValue() ?? ''} />}
            {tab === 'diff' && <DiffPanel path={open?.path ?? null} files={files} filesText={filesText.current} savedText={open?.savedText ?? ''} getText={() => editorRef.current?.getModel()?.getValue() ?? ''} />}
          </div>
        </section>
      </main>
    </div>
  );
}
