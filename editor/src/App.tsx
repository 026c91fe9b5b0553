// The studio's layout and state: files, the editor, the panels, saving, the batch view. No
// language logic here: analysis comes from the worker, positions from the Monaco model.
import { Suspense, lazy, useCallback, useEffect, useRef, useState } from 'react';
import { Panel, PanelGroup, PanelResizeHandle } from 'react-resizable-panels';
import './monaco-env.ts';
import * as monaco from './monaco.ts';
import { languageOf, registerLanguage, setDiagnostics, setSymbols } from './language/register.ts';
import { ask } from './worker-client.ts';
import { listFiles, newVersion, readFile, saveFile, type FileEntry } from './api.ts';
import type { AnalysisResult, HeaderInfo } from './protocol.ts';
import type { Diagnostic } from '../../dsl/diagnostics.ts';
import type { RuleCoverage } from '../../engine/harness.ts';
import { ProblemsPanel } from './panels/ProblemsPanel.tsx';
import { ClaimsPanel } from './panels/ClaimsPanel.tsx';
import { TestsPanel } from './panels/TestsPanel.tsx';
import { DiffPanel } from './panels/DiffPanel.tsx';
import { TablesPanel } from './panels/TablesPanel.tsx';
import { NewFileDialog, NewVersionDialog, ShortcutsDialog } from './dialogs.tsx';
import { COMMANDS, commandForKey, type CommandId } from './commands.ts';
import { applyTheme, type ThemeChoice } from './theme.ts';
import { ConflictBar, type Conflict } from './ConflictBar.tsx';
import { FileTree } from './FileTree.tsx';

// The batch view (tables, charts) loads on first use: the first load stays small.
const BatchView = lazy(() => import('./panels/BatchView.tsx').then((m) => ({ default: m.BatchView })));

interface OpenFile {
  path: string;
  baseVersion: string | null;
  savedText: string;
}

type Tab = 'problems' | 'claims' | 'tests' | 'diff' | 'tables';
const TABS: { id: Tab; label: string }[] = [
  { id: 'problems', label: 'Problems' },
  { id: 'claims', label: 'Claims' },
  { id: 'tests', label: 'Tests' },
  { id: 'diff', label: 'Diff' },
  { id: 'tables', label: 'Reference tables' },
];

const DRAFT = (path: string) => `payer-rules:draft:${path}`;
const uriOf = (path: string) => monaco.Uri.parse(`file:///${path}`);

/** The first file to open: the newest version of the first payer (by effective date). */
export function firstFile(headers: HeaderInfo[]): string | undefined {
  const ids = [...new Set(headers.map((h) => h.id))].sort();
  const mine = headers.filter((h) => h.id === ids[0]).sort((a, b) => ((a.from ?? '') < (b.from ?? '') ? 1 : -1));
  return mine[0]?.path;
}

export function App() {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const [files, setFiles] = useState<FileEntry[]>([]);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [headers, setHeaders] = useState<HeaderInfo[]>([]);
  const filesText = useRef(new Map<string, string>());
  const [open, setOpen] = useState<OpenFile | null>(null);
  const openRef = useRef<OpenFile | null>(null);
  const [dirty, setDirty] = useState(false);
  const [analysis, setAnalysis] = useState<AnalysisResult | null>(null);
  const [tab, setTab] = useState<Tab>('problems');
  const [view, setView] = useState<'rules' | 'batch'>('rules');
  const [status, setStatus] = useState('');
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [dialog, setDialog] = useState<null | 'newFile' | 'newVersion' | 'shortcuts'>(null);
  const [dialogError, setDialogError] = useState('');
  const [diffAgainst, setDiffAgainst] = useState<string | undefined>();
  const [theme, setTheme] = useState<ThemeChoice>(() => (localStorage.getItem('payer-rules:theme') as ThemeChoice | null) ?? 'system');
  const [coverage, setCoverage] = useState<RuleCoverage[]>([]);
  const runRef = useRef<() => void>(() => {});
  const testsRef = useRef<() => void>(() => {});
  const commandRef = useRef<(id: CommandId) => void>(() => {});
  openRef.current = open;

  useEffect(() => {
    localStorage.setItem('payer-rules:theme', theme);
    return applyTheme(theme);
  }, [theme]);

  const syncWorkerFiles = useCallback(async (onListed?: (hs: HeaderInfo[]) => void) => {
    const { files: list, warnings: w } = await listFiles();
    setFiles(list);
    setWarnings(w);
    // The listing carries ruleset headers: the first file opens before the worker has started.
    onListed?.(list.flatMap((f) => (f.header ? [{ path: f.path, ...f.header }] : [])));
    const texts: Record<string, string> = {};
    await Promise.all(
      list
        .filter((f) => f.version !== undefined)
        .map(async (f) => {
          const r = await readFile(f.path);
          filesText.current.set(f.path, r.text);
          texts[f.path] = r.text;
        }),
    );
    await ask({ type: 'setFiles', files: texts });
    const hs = await ask<HeaderInfo[]>({ type: 'headers' });
    setHeaders(hs);
    return hs;
  }, []);

  const analyzeNow = useCallback(async () => {
    const model = editorRef.current?.getModel();
    const cur = openRef.current;
    if (!model || !cur) return;
    const version = model.getVersionId();
    const res = await ask<AnalysisResult>({ type: 'analyze', path: cur.path, text: model.getValue(), version });
    if (model.isDisposed() || model.getVersionId() !== version) return;
    setDiagnostics(model, res.diagnostics);
    setSymbols(model, res.symbols);
    setAnalysis(res);
  }, []);

  const openFile = useCallback(
    async (path: string, at?: { offset?: number; line?: number }) => {
      let disk: { text: string; version: string };
      try {
        disk = await readFile(path);
      } catch (e) {
        setStatus(`cannot open ${path}: ${(e as Error).message}`);
        return;
      }
      let text = disk.text;
      let baseVersion: string | null = disk.version;
      let note = '';
      const draftRaw = localStorage.getItem(DRAFT(path));
      if (draftRaw) {
        const draft = JSON.parse(draftRaw) as { text: string; baseVersion: string | null };
        if (draft.text !== disk.text) {
          text = draft.text;
          baseVersion = draft.baseVersion;
          note = `restored your unsaved changes to ${path}`;
        } else localStorage.removeItem(DRAFT(path));
      }
      const uri = uriOf(path);
      let model = monaco.editor.getModel(uri);
      if (!model) model = monaco.editor.createModel(text, languageOf(path), uri);
      else if (model.getValue() !== text) model.setValue(text);
      // The canonical style indents by 2 (what `payer-rules fmt` writes).
      model.updateOptions({ tabSize: 2, indentSize: 2, insertSpaces: true });
      const f: OpenFile = { path, baseVersion, savedText: disk.text };
      openRef.current = f;
      setOpen(f);
      setDirty(text !== disk.text);
      setStatus(note);
      setAnalysis(null);
      history.replaceState(null, '', `?file=${encodeURIComponent(path)}`);
      const ed = editorRef.current;
      ed?.setModel(model);
      if (ed && at) {
        const pos = at.offset !== undefined ? model.getPositionAt(at.offset) : new monaco.Position(Math.min(at.line ?? 1, model.getLineCount()), 1);
        ed.setSelection(new monaco.Range(pos.lineNumber, pos.column, pos.lineNumber, at.line !== undefined ? model.getLineMaxColumn(pos.lineNumber) : pos.column));
        ed.revealLineInCenter(pos.lineNumber);
      }
      ed?.focus();
      void analyzeNow();
    },
    [analyzeNow],
  );

  const revealSpan = useCallback(
    async (file: string, start: number, end: number) => {
      if (openRef.current?.path !== file) await openFile(file);
      const ed = editorRef.current;
      const model = ed?.getModel();
      if (!ed || !model) return;
      const a = model.getPositionAt(start);
      const b = model.getPositionAt(end);
      ed.setSelection(new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column));
      ed.revealRangeInCenter(new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column));
      ed.focus();
    },
    [openFile],
  );

  const revealLine = useCallback(
    async (file: string, line: number) => {
      setView('rules');
      if (openRef.current?.path !== file) return openFile(file, { line });
      const ed = editorRef.current!;
      const model = ed.getModel()!;
      ed.setSelection(new monaco.Range(line, 1, line, model.getLineMaxColumn(line)));
      ed.revealLineInCenter(line);
      ed.focus();
    },
    [openFile],
  );

  const save = useCallback(async (force?: { baseVersion: string | null }) => {
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
      setFiles((fs) => fs.map((x) => (x.path === cur.path ? { ...x, version: res.version } : x)));
      // The same analysis the badge shows (rulesets, case files and claims files alike).
      const after = await ask<AnalysisResult>({ type: 'analyze', path: cur.path, text, version: -1 });
      const errors = after.diagnostics.filter((d: Diagnostic) => d.severity === 'error').length;
      setStatus(errors ? `saved ${cur.path} — it has ${errors} error${errors === 1 ? '' : 's'}` : `saved ${cur.path}`);
      setConflict(null);
    } else if (res.conflict) {
      setConflict({ path: cur.path, theirs: res.text, theirsVersion: res.version });
      setStatus(`${cur.path} changed on disk: your changes are kept; choose what to do`);
    } else setStatus(`not saved: ${res.error}`);
  }, []);

  // Create the editor once; the studio's commands join Monaco's palette (F1).
  useEffect(() => {
    registerLanguage((path, offset) => void openFile(path, { offset }));
    const ed = monaco.editor.create(host.current!, {
      automaticLayout: true,
      fontSize: 13,
      minimap: { enabled: false },
      fixedOverflowWidgets: true,
      'semanticHighlighting.enabled': false,
      renderWhitespace: 'none',
      detectIndentation: false,
      tabSize: 2,
      glyphMargin: true,
      // Room under the last line so the horizontal scrollbar never covers it.
      padding: { bottom: 16 },
      scrollbar: { horizontalScrollbarSize: 12, alwaysConsumeMouseWheel: false },
      ariaLabel: 'ruleset editor',
    });
    editorRef.current = ed;
    for (const c of COMMANDS) {
      ed.addAction({ id: `studio.${c.id}`, label: `Studio: ${c.label}`, ...(c.binding ? { keybindings: [c.binding] } : {}), run: () => commandRef.current(c.id) });
    }
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
      const id = commandForKey(e);
      // Inside the editor Monaco runs its own binding; elsewhere the page does.
      if (!id || ed.hasTextFocus()) return;
      if (id === 'run' && (e.target as HTMLElement)?.tagName === 'TEXTAREA') return;
      e.preventDefault();
      commandRef.current(id);
    };
    window.addEventListener('keydown', onKey);
    // A link or reload names its file: open it at once, and analyze again once every file is known.
    const wanted = new URLSearchParams(location.search).get('file');
    // The named file first; the other files (for the worker) once it is on screen.
    void (wanted ? openFile(wanted) : Promise.resolve()).then(() => syncWorkerFiles((listed) => {
      if (wanted && listed.some((h) => h.path === wanted)) return;
      if (wanted && !/\.payer$/.test(wanted)) return;
      const first = firstFile(listed);
      if (first) void openFile(first);
      else setStatus('no rulesets yet: choose New file to start one');
    })).then(() => void analyzeNow());
    return () => {
      window.removeEventListener('keydown', onKey);
      ed.dispose();
    };
  }, [analyzeNow, openFile, syncWorkerFiles]);

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

  // Coverage in the margin: rules of this version that no case fires, or no case shows not firing.
  useEffect(() => {
    const ed = editorRef.current;
    const model = ed?.getModel();
    if (!ed || !model || !analysis || !open?.path.endsWith('.payer')) return;
    const header = headers.find((h) => h.path === open.path);
    const cov = coverage.find((c) => c.ruleset === header?.id && c.version === header?.version);
    if (!cov) return;
    const decos = analysis.symbols.rules
      .filter((r) => r.file === open.path && (cov.neverFired.includes(r.id) || cov.neverShownNotFiring.includes(r.id)))
      .map((r) => {
        const line = model.getPositionAt(r.start).lineNumber;
        const never = cov.neverFired.includes(r.id);
        return { range: new monaco.Range(line, 1, line, 1), options: { glyphMarginClassName: never ? 'cov-never-fired' : 'cov-never-not', glyphMarginHoverMessage: { value: never ? `**${r.id}**: no test case fires this rule` : `**${r.id}**: no test case shows this rule not firing` } } };
      });
    const set = ed.createDecorationsCollection(decos);
    return () => set.clear();
  }, [coverage, analysis, open, headers]);

  const payerOf = (path: string | undefined) => headers.find((h) => h.path === path)?.id ?? headers.find((h) => path && h.path.startsWith(path.split('/')[0] + '/'))?.id;
  const payers = [...new Set(headers.map((h) => h.id))].sort();

  commandRef.current = (id: CommandId) => {
    const ed = editorRef.current;
    if (id === 'save') void save();
    else if (id === 'run') {
      setView('rules');
      setTab('claims');
      runRef.current();
    } else if (id === 'tests') {
      setView('rules');
      setTab('tests');
      setTimeout(() => testsRef.current(), 0);
    } else if (id === 'format') void ed?.getAction('editor.action.formatDocument')?.run();
    else if (id === 'gotoRule') {
      setView('rules');
      ed?.focus();
      ed?.trigger('studio', 'editor.action.quickOutline', {});
    } else if (id === 'newVersion') {
      setDialogError('');
      setDialog('newVersion');
    } else if (id === 'newFile') setDialog('newFile');
    else if (id === 'batch') setView('batch');
    else if (id === 'tables') {
      setView('rules');
      setTab('tables');
    } else if (id === 'shortcuts') setDialog('shortcuts');
  };

  const createFile = async (path: string, text: string) => {
    const res = await saveFile(path, text, null);
    if (!res.ok) return setStatus(res.conflict ? `${path} already exists` : `not created: ${res.error}`);
    setDialog(null);
    await syncWorkerFiles();
    await openFile(path);
    setStatus(`created ${path}`);
  };

  const createVersion = async (ruleset: string, version: string, effective?: string) => {
    try {
      const r = await newVersion(ruleset, version, effective);
      setDialog(null);
      await syncWorkerFiles();
      await openFile(r.newPath);
      setDiffAgainst(r.previousPath);
      setView('rules');
      setTab('diff');
      setStatus(`created ${r.newPath} (${r.version}, ${r.effective} through ${r.through ?? 'open'}); ${r.notes.join('; ')}`);
    } catch (e) {
      setDialogError((e as Error).message);
    }
  };

  const policyLine = (file: string, line: number): string | undefined => {
    const model = monaco.editor.getModel(uriOf(file));
    const text = model ? model.getValue() : filesText.current.get(file);
    return text?.split('\n')[line - 1]?.trim();
  };

  const diagnostics = analysis?.diagnostics ?? [];
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warningsCount = diagnostics.filter((d) => d.severity === 'warning').length;
  const getText = () => editorRef.current?.getModel()?.getValue() ?? '';

  return (
    <div className="app">
      <header>
        <h1>payer-rules studio</h1>
        <div role="tablist" aria-label="view" className="seg">
          <button role="tab" aria-selected={view === 'rules'} onClick={() => setView('rules')} data-testid="view-rules">Rules</button>
          <button role="tab" aria-selected={view === 'batch'} onClick={() => setView('batch')} data-testid="view-batch" title="Alt+B">Batch</button>
        </div>
        <span className="file" data-testid="current-file">
          {open?.path ?? 'no file'}
          {dirty ? ' ●' : ''}
        </span>
        <span className={errors ? 'badge error' : 'badge ok'} data-testid="problem-count" data-analyzed={analysis ? 'yes' : 'no'} aria-live="polite">
          {errors} error{errors === 1 ? '' : 's'}, {warningsCount} warning{warningsCount === 1 ? '' : 's'}
        </span>
        <button onClick={() => setDialog('newFile')} data-testid="new-file">New file</button>
        <button onClick={() => commandRef.current('newVersion')} data-testid="new-version" title="Alt+N">New version</button>
        <button onClick={() => void save()} title="Ctrl/Cmd+S" data-testid="save">Save</button>
        <button onClick={() => commandRef.current('format')} title="Shift+Alt+F">Format</button>
        <button onClick={() => commandRef.current('run')} title="Ctrl/Cmd+Enter">Run</button>
        <span className="status" data-testid="status" role="status">{status}</span>
        <label className="theme">
          <span className="sr-only">theme</span>
          <select value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)} data-testid="theme">
            <option value="system">Theme: system</option>
            <option value="light">Theme: light</option>
            <option value="dark">Theme: dark</option>
          </select>
        </label>
        <button onClick={() => setDialog('shortcuts')} aria-label="keyboard shortcuts" title="Alt+K" data-testid="shortcuts-button">?</button>
      </header>
      <PanelGroup direction="horizontal" className="body" autoSaveId="payer-rules:layout-h">
        <Panel defaultSize={17} minSize={8} className="side">
          <FileTree files={files} open={open?.path} onOpen={(p) => void openFile(p)} />
        </Panel>
        <PanelResizeHandle className="resize-v" aria-label="resize the file list" />
        <Panel minSize={40} className="work">
          {view === 'batch' && (
            <Suspense fallback={<p className="hint">loading the batch view…</p>}>
              <BatchView files={files} rulesets={() => Object.fromEntries([...filesText.current].filter(([p]) => p.endsWith('.payer')))} onReveal={(f, l) => void revealLine(f, l)} policyLine={policyLine} />
            </Suspense>
          )}
          <div className="rules-view" hidden={view !== 'rules'}>
            <PanelGroup direction="vertical" autoSaveId="payer-rules:layout-v">
              <Panel defaultSize={60} minSize={15} className="editor-panel">
                <div className="editor" ref={host} data-testid="editor" />
                {conflict && <ConflictBar conflict={conflict} editor={editorRef} onKeepMine={() => void save({ baseVersion: conflict.theirsVersion })} onTakeTheirs={() => {
                  editorRef.current!.getModel()!.setValue(conflict.theirs ?? '');
                  const f = { ...openRef.current!, baseVersion: conflict.theirsVersion, savedText: conflict.theirs ?? '' };
                  openRef.current = f;
                  setOpen(f);
                  setDirty(false);
                  localStorage.removeItem(DRAFT(conflict.path));
                  setConflict(null);
                  setStatus(`took the version on disk of ${conflict.path}`);
                }} />}
              </Panel>
              <PanelResizeHandle className="resize-h" aria-label="resize the panels" />
              <Panel minSize={10} className="panels">
                <div className="tabs" role="tablist" aria-label="panels">
                  {TABS.map((t) => (
                    <button key={t.id} role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`panel-${t.id}`} className={tab === t.id ? 'tab active' : 'tab'} onClick={() => setTab(t.id)} data-testid={`tab-${t.id}`}>
                      {t.id === 'problems' ? `${t.label} (${diagnostics.length})` : t.label}
                    </button>
                  ))}
                </div>
                <div className="panel" role="tabpanel" tabIndex={0} id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
                  {tab === 'problems' && <ProblemsPanel diagnostics={diagnostics} warnings={warnings} onReveal={(d) => void revealSpan(d.file, d.span.start, d.span.end)} lineOf={(off) => editorRef.current?.getModel()?.getPositionAt(off)} />}
                  <div hidden={tab !== 'claims'}>
                    <ClaimsPanel
                      path={open?.path ?? null}
                      payer={payerOf(open?.path)}
                      files={files}
                      filesText={filesText.current}
                      getText={getText}
                      registerRun={(fn) => (runRef.current = fn)}
                      onReveal={(file, line) => void revealLine(file, line)}
                      policyLine={policyLine}
                      revision={headers}
                      onSaveCase={async (file, text, base) => {
                        const entry = files.find((f) => f.path === file);
                        const res = await saveFile(file, text, base === null ? null : (entry?.version ?? null));
                        if (!res.ok) return res.conflict ? `${file} changed on disk; reload it first` : res.error;
                        await syncWorkerFiles();
                        return undefined;
                      }}
                    />
                  </div>
                  <div hidden={tab !== 'tests'}>
                    <TestsPanel path={open?.path ?? null} getText={getText} registerRun={(fn) => (testsRef.current = fn)} onOpen={(file, line) => void revealLine(file, line)} onCoverage={setCoverage} />
                  </div>
                  {tab === 'diff' && <DiffPanel path={open?.path ?? null} files={files} filesText={filesText.current} savedText={open?.savedText ?? ''} getText={getText} against={diffAgainst} onReveal={(f, l) => void revealLine(f, l)} />}
                  <div hidden={tab !== 'tables'}>
                    <TablesPanel />
                  </div>
                </div>
              </Panel>
            </PanelGroup>
          </div>
        </Panel>
      </PanelGroup>
      {dialog === 'newFile' && <NewFileDialog payers={payers} current={payerOf(open?.path) ?? ''} headers={headers} onCreate={(p, t) => void createFile(p, t)} onNewVersion={() => { setDialogError(''); setDialog('newVersion'); }} onClose={() => setDialog(null)} />}
      {dialog === 'newVersion' && <NewVersionDialog payers={payers} ruleset={payerOf(open?.path) ?? payers[0] ?? ''} headers={headers} onCreate={(r, v, e) => void createVersion(r, v, e)} onClose={() => setDialog(null)} {...(dialogError ? { error: dialogError } : {})} />}
      {dialog === 'shortcuts' && <ShortcutsDialog onClose={() => setDialog(null)} />}
    </div>
  );
}
