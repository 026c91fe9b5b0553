// The studio's layout and state: files, the editor, the panels, saving, the batch view. No
// language logic here: analysis comes from the worker, claims are checked by the server (with the
// reference tables), positions come from the Monaco model.
//
// First load (boot.ts): the page's shell renders at once and shows the named file's text as plain
// text while the editor chunk (Monaco) loads; the editor takes over when it arrives; only then do
// the folder's other files go to the analysis worker, which starts there. Nothing the editor does
// waits for the worker, and the worker never competes with the first paint.
import { Suspense, lazy, useCallback, useEffect, useRef, useState } from 'react';
import { Panel, PanelGroup, PanelResizeHandle } from 'react-resizable-panels';
import { editorCore, listing, takeFirstText, wanted, type EditorCore, type Outcome } from './boot.ts';
import type * as Monaco from './monaco.ts';
import { ask } from './worker-client.ts';
import { listFiles, newVersion, readFile, saveFile, type FileEntry } from './api.ts';
import type { AnalysisResult, HeaderInfo } from './protocol.ts';
import type { Diagnostic } from '../../dsl/diagnostics.ts';
import type { KnownTable } from '../../dsl/check/index.ts';
import type { RuleCoverage } from '../../engine/harness.ts';
import { ProblemsPanel } from './panels/ProblemsPanel.tsx';
import { ClaimsPanel } from './panels/ClaimsPanel.tsx';
import { TestsPanel } from './panels/TestsPanel.tsx';
import { TablesPanel } from './panels/TablesPanel.tsx';
import { NewFileDialog, NewVersionDialog, ShortcutsDialog } from './dialogs.tsx';
import { COMMANDS, commandForKey, type CommandId } from './commands.ts';
import { applyTheme, type ThemeChoice } from './theme.ts';
import { ConflictBar, type Conflict } from './ConflictBar.tsx';
import { FileTree } from './FileTree.tsx';

// Loaded on first use, so the first load stays small: the batch view (tables, charts) and the
// diff (Monaco's diff editor).
const BatchView = lazy(() => import('./panels/BatchView.tsx').then((m) => ({ default: m.BatchView })));
const DiffPanel = lazy(() => import('./panels/DiffPanel.tsx').then((m) => ({ default: m.DiffPanel })));

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

/**
 * The first file to open: the newest version (by effective date) of the first ruleset claims are
 * billed to. A base — a ruleset others `extend`, with no sample claims of its own in a claims/
 * folder beside it — is passed over (unless there is nothing else).
 */
export function firstFile(headers: HeaderInfo[], files: { path: string; kind: string }[] = []): string | undefined {
  const extended = new Set(headers.flatMap((h) => (h.extends ? [h.extends] : [])));
  const folderOf = (p: string) => p.split('/').slice(0, -1).join('/');
  const hasClaims = (id: string) => headers.some((h) => h.id === id && files.some((f) => f.kind === 'claims' && f.path.startsWith(`${folderOf(h.path)}/claims/`)));
  const ids = [...new Set(headers.map((h) => h.id))].sort();
  const billed = ids.filter((id) => !extended.has(id) || hasClaims(id));
  const first = billed[0] ?? ids[0];
  const mine = headers.filter((h) => h.id === first).sort((a, b) => ((a.from ?? '') < (b.from ?? '') ? 1 : -1));
  return mine[0]?.path;
}

const headersOf = (list: FileEntry[]): HeaderInfo[] => list.flatMap((f) => (f.header ? [{ path: f.path, ...f.header }] : []));

/**
 * After the browser has painted what is on screen now, `settle` ms more, and a moment with nothing
 * to do (at most `wait` ms later): the analysis worker and the rest of the folder load then, never
 * ahead of the first keystrokes on a busy machine.
 */
const afterPaint = (wait = 0, settle = 0) =>
  new Promise<void>((ok) =>
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (wait && 'requestIdleCallback' in window) requestIdleCallback(() => ok(), { timeout: wait });
        else ok();
      }, settle),
    ),
  );

/** A promise and its resolver (the editor's and the worker's readiness). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function readOutcome(path: string): Promise<Outcome<{ text: string; version: string }>> {
  try {
    return { ok: true, value: await readFile(path) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export function App() {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const coreRef = useRef<EditorCore | null>(null);
  /** Resolved once Monaco has loaded and the editor exists. */
  const editorReady = useRef(deferred());
  /** Resolved once the analysis worker has every file of the folder. */
  const workerReady = useRef(deferred());
  const [files, setFiles] = useState<FileEntry[]>([]);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [headers, setHeaders] = useState<HeaderInfo[]>([]);
  const filesText = useRef(new Map<string, string>());
  const [open, setOpen] = useState<OpenFile | null>(null);
  const openRef = useRef<OpenFile | null>(null);
  /** The text openFile loaded for the open file, until the editor holds it (what getText gives before then). */
  const loadedText = useRef('');
  /** The open file's text as plain text, until the editor shows it. */
  const [preview, setPreview] = useState<{ path: string; text: string } | null>(null);
  const [editorLoaded, setEditorLoaded] = useState(false);
  /** The worker has the folder (and the editor its text): panels may analyze and run. */
  const [synced, setSynced] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [analysis, setAnalysis] = useState<AnalysisResult | null>(null);
  /** The first load found no file to open (an empty folder): nothing is being checked. */
  const [nothingToOpen, setNothingToOpen] = useState(false);
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

  const uriOf = (path: string) => coreRef.current!.monaco.Uri.parse(`file:///${path}`);

  /** The folder's files (with their texts, in one request) and reference tables, to the worker. */
  const syncWorkerFiles = useCallback(async () => {
    const [{ files: list, warnings: w }, tables] = await Promise.all([listFiles(true), fetch('/api/tables').then((r) => r.json() as Promise<{ tables: KnownTable[] }>).catch(() => ({ tables: [] as KnownTable[] }))]);
    setFiles(list.map(({ text: _text, ...f }) => f));
    setWarnings(w);
    const texts: Record<string, string> = {};
    await Promise.all(
      list
        .filter((f) => f.version !== undefined)
        .map(async (f) => {
          const text = f.text ?? (await readFile(f.path)).text;
          filesText.current.set(f.path, text);
          texts[f.path] = text;
        }),
    );
    // Table names are checked against the tables the server has, as `payer-rules check` does; with none, not at all.
    await ask({ type: 'setFiles', files: texts, tables: tables.tables.length ? tables.tables.map(({ table, kind }) => ({ table, kind })) : null });
    const hs = await ask<HeaderInfo[]>({ type: 'headers' });
    setHeaders(hs);
    workerReady.current.resolve();
    setSynced(true);
    return hs;
  }, []);

  const analyzeNow = useCallback(async () => {
    await workerReady.current.promise;
    const model = editorRef.current?.getModel();
    const cur = openRef.current;
    const core = coreRef.current;
    if (!model || !cur || !core) return;
    const version = model.getVersionId();
    const res = await ask<AnalysisResult>({ type: 'analyze', path: cur.path, text: model.getValue(), version });
    if (model.isDisposed() || model.getVersionId() !== version) return;
    core.setDiagnostics(model, res.diagnostics);
    core.setSymbols(model, res.symbols);
    setAnalysis(res);
  }, []);

  const openFile = useCallback(
    async (path: string, at?: { offset?: number; line?: number }, focus = at !== undefined) => {
      const got = await (takeFirstText(path) ?? readOutcome(path));
      if (!got.ok) {
        setStatus(`cannot open ${path}: ${got.error}`);
        return;
      }
      const disk = got.value;
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
      const f: OpenFile = { path, baseVersion, savedText: disk.text };
      openRef.current = f;
      loadedText.current = text;
      setOpen(f);
      setDirty(text !== disk.text);
      setStatus(note);
      setAnalysis(null);
      history.replaceState(null, '', `?file=${encodeURIComponent(path)}`);
      // Until the editor has loaded, the text is shown as it is.
      if (!editorRef.current) {
        performance.mark('studio:text');
        setPreview({ path, text });
      }
      await editorReady.current.promise;
      if (openRef.current !== f) return;
      const { monaco, languageOf } = coreRef.current!;
      const uri = uriOf(path);
      let model = monaco.editor.getModel(uri);
      if (!model) model = monaco.editor.createModel(text, languageOf(path), uri);
      else if (model.getValue() !== text) model.setValue(text);
      // The canonical style indents by 2 (what `payer-rules fmt` writes).
      model.updateOptions({ tabSize: 2, indentSize: 2, insertSpaces: true });
      const ed = editorRef.current!;
      ed.setModel(model);
      if (!performance.getEntriesByName('studio:editor-text').length) performance.mark('studio:editor-text');
      setPreview(null);
      if (at) {
        const pos = at.offset !== undefined ? model.getPositionAt(at.offset) : new monaco.Position(Math.min(at.line ?? 1, model.getLineCount()), 1);
        ed.setSelection(new monaco.Range(pos.lineNumber, pos.column, pos.lineNumber, at.line !== undefined ? model.getLineMaxColumn(pos.lineNumber) : pos.column));
        ed.revealLineInCenter(pos.lineNumber);
      }
      // Focus moves into the editor only when the person asked for this file with the pointer or a
      // reveal: on load, or from the keyboard, it stays where it is, since inside Monaco Tab inserts
      // a tab (Ctrl+M toggles), and a keyboard user must reach the page's controls first.
      if (focus) ed.focus();
      void analyzeNow();
    },
    [analyzeNow],
  );

  const revealSpan = useCallback(
    async (file: string, start: number, end: number) => {
      if (openRef.current?.path !== file) await openFile(file);
      const ed = editorRef.current;
      const model = ed?.getModel();
      const core = coreRef.current;
      if (!ed || !model || !core) return;
      const a = model.getPositionAt(start);
      const b = model.getPositionAt(end);
      const range = new core.monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column);
      ed.setSelection(range);
      ed.revealRangeInCenter(range);
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
      ed.setSelection(new coreRef.current!.monaco.Range(line, 1, line, model.getLineMaxColumn(line)));
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
      setConflict(null);
      // Said at once; the analysis below says whether it has errors when the worker has it.
      setStatus(`saved ${cur.path}; checking it…`);
      await workerReady.current.promise;
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

  // The first load: the file tree and the first file at once; the editor when Monaco arrives;
  // the worker (and with it the analysis) once the file is on screen.
  useEffect(() => {
    let gone = false;
    let cleanup = () => {};
    void editorCore.then((core) => {
      if (gone) return;
      performance.mark('studio:editor-loaded');
      coreRef.current = core;
      const { monaco } = core;
      core.registerLanguage((path, offset) => void openFile(path, { offset }));
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
      cleanup = () => ed.dispose();
      setEditorLoaded(true);
      performance.mark('studio:editor-created');
      editorReady.current.resolve();
    });
    const onKey = (e: KeyboardEvent) => {
      const id = commandForKey(e);
      // Inside the editor Monaco runs its own binding; elsewhere the page does.
      if (!id || editorRef.current?.hasTextFocus()) return;
      if (id === 'run' && (e.target as HTMLElement)?.tagName === 'TEXTAREA') return;
      e.preventDefault();
      commandRef.current(id);
    };
    window.addEventListener('keydown', onKey);
    const start = async () => {
      // A link or reload names its file: it opens at once, beside the listing.
      const named = wanted ? openFile(wanted) : Promise.resolve();
      const listed = await listing;
      if (listed.ok) {
        setFiles(listed.value.files);
        setWarnings(listed.value.warnings);
        const hs = headersOf(listed.value.files);
        setHeaders(hs);
        const keep = wanted && (listed.value.files.some((f) => f.path === wanted) || !/\.payer$/.test(wanted));
        if (!keep) {
          const first = firstFile(hs, listed.value.files);
          if (first) await openFile(first);
          else {
            setNothingToOpen(true);
            setStatus('no rulesets yet: choose New file to start one');
          }
        }
      } else setStatus(listed.error);
      await named;
      await editorReady.current.promise;
      // The editor answers the first keystrokes before the worker and the folder load (about a
      // second of script on a small machine), so a person can start typing at once.
      await afterPaint(1500, 800);
      if (gone) return;
      performance.mark('studio:worker-start');
      await syncWorkerFiles();
      void analyzeNow();
    };
    void start();
    return () => {
      gone = true;
      window.removeEventListener('keydown', onKey);
      cleanup();
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
    const core = coreRef.current;
    if (!ed || !model || !core || !analysis || !open?.path.endsWith('.payer')) return;
    const header = headers.find((h) => h.path === open.path);
    const cov = coverage.find((c) => c.ruleset === header?.id && c.version === header?.version);
    if (!cov) return;
    const decos = analysis.symbols.rules
      .filter((r) => r.file === open.path && (cov.neverFired.includes(r.id) || cov.neverShownNotFiring.includes(r.id)))
      .map((r) => {
        const line = model.getPositionAt(r.start).lineNumber;
        const never = cov.neverFired.includes(r.id);
        return { range: new core.monaco.Range(line, 1, line, 1), options: { glyphMarginClassName: never ? 'cov-never-fired' : 'cov-never-not', glyphMarginHoverMessage: { value: never ? `**${r.id}**: no test case fires this rule` : `**${r.id}**: no test case shows this rule not firing` } } };
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
    await openFile(path, undefined, true);
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
    const model = coreRef.current?.monaco.editor.getModel(uriOf(file));
    const text = model ? model.getValue() : filesText.current.get(file);
    return text?.split('\n')[line - 1]?.trim();
  };

  // Until the open file's first analysis nothing is known: "checking…", never a green "0 errors".
  const checking = !analysis && (!!open || !nothingToOpen);
  const diagnostics = analysis?.diagnostics ?? [];
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warningsCount = diagnostics.filter((d) => d.severity === 'warning').length;
  // The buffer: the editor's model once it holds the open file, else the text being loaded into it.
  const getText = () => {
    const model = editorRef.current?.getModel();
    return model && openRef.current && model.uri.path === `/${openRef.current.path}` ? model.getValue() : loadedText.current;
  };

  return (
    <div className="app">
      <header>
        <h1>payer-rules studio</h1>
        <div role="tablist" aria-label="view" className="seg">
          <button role="tab" aria-selected={view === 'rules'} onClick={() => setView('rules')} data-testid="view-rules">Rules</button>
          <button role="tab" aria-selected={view === 'batch'} onClick={() => setView('batch')} data-testid="view-batch" title="Alt+B">Batch</button>
        </div>
        {/* The name gives way from its start (the file's own name stays), never the unsaved marker. */}
        <span className="file" data-testid="current-file" title={open?.path}>
          <span className="file-name">
            <bdi>{open?.path ?? 'no file'}</bdi>
          </span>
          {dirty && (
            <span className="dirty" data-testid="unsaved" title="unsaved changes">
              {' ●'}
              <span className="sr-only"> (unsaved changes)</span>
            </span>
          )}
        </span>
        <span className={checking ? 'badge checking' : !analysis ? 'badge' : errors ? 'badge error' : 'badge ok'} data-testid="problem-count" data-analyzed={analysis ? 'yes' : 'no'} aria-live="polite">
          {analysis ? `${errors} error${errors === 1 ? '' : 's'}, ${warningsCount} warning${warningsCount === 1 ? '' : 's'}` : checking ? 'checking…' : 'no file'}
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
          <FileTree files={files} open={open?.path} onOpen={(p, byPointer) => void openFile(p, undefined, byPointer)} />
        </Panel>
        <PanelResizeHandle className="resize-v" aria-label="resize the file list" />
        <Panel minSize={40} className="work">
          {view === 'batch' && (
            <Suspense fallback={<p className="hint">loading the batch view…</p>}>
              <BatchView files={files} onReveal={(f, l) => void revealLine(f, l)} policyLine={policyLine} />
            </Suspense>
          )}
          <div className="rules-view" hidden={view !== 'rules'}>
            <PanelGroup direction="vertical" autoSaveId="payer-rules:layout-v">
              <Panel defaultSize={60} minSize={15} className="editor-panel">
                <div className="editor" ref={host} data-testid="editor" data-loaded={editorLoaded ? 'yes' : 'no'} />
                {preview && (
                  <pre className="preview" data-testid="preview" aria-label={`${preview.path} (the editor is loading)`}>
                    {preview.text}
                  </pre>
                )}
                {conflict && coreRef.current && <ConflictBar conflict={conflict} monaco={coreRef.current.monaco} editor={editorRef} onKeepMine={() => void save({ baseVersion: conflict.theirsVersion })} onTakeTheirs={() => {
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
                      {t.id === 'problems' ? `${t.label} (${analysis ? diagnostics.length : '…'})` : t.label}
                    </button>
                  ))}
                </div>
                <div className="panel" role="tabpanel" tabIndex={0} id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
                  {tab === 'problems' && <ProblemsPanel checking={checking} diagnostics={diagnostics} warnings={warnings} onReveal={(d) => void revealSpan(d.file, d.span.start, d.span.end)} lineOf={(off) => editorRef.current?.getModel()?.getPositionAt(off)} />}
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
                      ready={synced}
                      onCaseSaved={async () => void (await syncWorkerFiles())}
                    />
                  </div>
                  <div hidden={tab !== 'tests'}>
                    <TestsPanel path={open?.path ?? null} getText={getText} registerRun={(fn) => (testsRef.current = fn)} onOpen={(file, line) => void revealLine(file, line)} onCoverage={setCoverage} />
                  </div>
                  {tab === 'diff' && (
                    <Suspense fallback={<p className="hint">loading the diff…</p>}>
                      <DiffPanel path={open?.path ?? null} files={files} filesText={filesText.current} savedText={open?.savedText ?? ''} getText={getText} against={diffAgainst} onReveal={(f, l) => void revealLine(f, l)} />
                    </Suspense>
                  )}
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
