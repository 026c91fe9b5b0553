// "What is wrong with these claims?": open or drop a claims file (JSON, NDJSON, X12 837P, CSV),
// with the extra files `eval` takes (minutes, overlay, payer map, as-of); the batch worker reads
// it and the studio server checks it with the reference tables, with progress and a cancel; a
// sortable, filterable, virtualized table of claims (status, findings, money at risk), charts of
// findings by rule and by kind (a click filters), a claim's findings beside the policy lines that
// produced them, and the worklist as CSV.
import { useEffect, useMemo, useRef, useState } from 'react';
import { flexRender, getCoreRowModel, getFilteredRowModel, getSortedRowModel, useReactTable, type ColumnDef, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Panel, PanelGroup, PanelResizeHandle } from 'react-resizable-panels';
import { askBatch, tellBatch } from '../batch-client.ts';
import type { BatchRow } from '../batch-protocol.ts';
import type { FileEntry } from '../api.ts';
import { readFile, token } from '../api.ts';
import type { Checked } from '../server-api.ts';
import { CheckedNote, ReportView } from './ReportView.tsx';
import { BarChart } from './BarChart.tsx';
import type { EvalReport } from '../../../writers/index.ts';
import type { SupplementTexts } from '../../../readers/index.ts';

/** The extra files `eval` takes beside a claims file (837P and CSV carry no minutes or history). */
const SUPPLEMENTS = [
  { key: 'minutes', label: 'Minutes (CSV)', flag: '--minutes', accept: '.csv,.txt', doc: 'treatment minutes per claim and line, which 837P cannot carry' },
  { key: 'overlay', label: 'Claim facts (NDJSON/JSON)', flag: '--overlay', accept: '.ndjson,.jsonl,.json', doc: 'authorization, history and other facts 837P cannot carry, by claim id' },
  { key: 'payers', label: 'Payer map (JSON)', flag: '--payers', accept: '.json', doc: '837P payer ids and filing indicators → ruleset ids' },
] as const;
type SupplementKey = (typeof SUPPLEMENTS)[number]['key'];

/** The status filter for clean claims with checks not made (a filter, not a report status). */
const UNCHECKED = 'clean, checks not made';

const usd = (cents: number) => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

const COLUMNS: ColumnDef<BatchRow>[] = [
  { accessorKey: 'claimId', header: 'Claim' },
  { accessorKey: 'status', header: 'Status', cell: (c) => <span className={`status ${c.getValue<string>()}`}>{c.getValue<string>()}</span> },
  { accessorKey: 'ruleset', header: 'Ruleset' },
  { accessorKey: 'dateOfService', header: 'Date' },
  { accessorKey: 'lines', header: 'Lines' },
  { accessorKey: 'findings', header: 'Findings' },
  { accessorKey: 'atRiskCents', header: 'At risk', cell: (c) => usd(c.getValue<number>()) },
  { id: 'rules', accessorFn: (r) => r.rules.join(' '), header: 'Rules' },
];

export function BatchView(props: { files: FileEntry[]; onReveal: (file: string, line: number) => void; policyLine: (file: string, line: number) => string | undefined }) {
  const [rows, setRows] = useState<BatchRow[]>([]);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [supplements, setSupplements] = useState<SupplementTexts>({});
  const supplementsNow = useRef<SupplementTexts>({});
  const [asOf, setAsOf] = useState('');
  const lastInput = useRef<{ name: string; text: string } | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [info, setInfo] = useState('');
  const [error, setError] = useState('');
  const [sorting, setSorting] = useState<SortingState>([]);
  const [filter, setFilter] = useState('');
  const [status, setStatus] = useState('');
  const [facet, setFacet] = useState<{ by: 'rule' | 'kind'; value: string } | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [detail, setDetail] = useState<{ report: EvalReport } | null>(null);
  const [dragging, setDragging] = useState(false);
  /** The claims file chosen from the rulesets folder (shown in its picker), '' for an opened or dropped one. */
  const [picked, setPicked] = useState('');

  const runs = useRef(0);
  const start = async (name: string, text: string, sup = supplements, day = asOf) => {
    const run = ++runs.current;
    lastInput.current = { name, text };
    setError('');
    setInfo('');
    setRows([]);
    setChecked(null);
    setSelected(null);
    setDetail(null);
    setFacet(null);
    setProgress({ done: 0, total: 0 });
    const r = await askBatch({ type: 'run', token, name, text, ...(Object.keys(sup).length ? { supplements: sup } : {}), ...(day ? { asOf: day } : {}) }, (done, total) => run === runs.current && setProgress({ done, total }));
    // A newer run (another file, extra file or date) replaces this one's answer.
    if (run !== runs.current) return;
    setProgress(null);
    if (r.type === 'error') return setError(r.error);
    if (r.type !== 'done') return;
    setRows(r.rows);
    setChecked(r.checked);
    const n = (x: number) => x.toLocaleString('en-US');
    const extras = SUPPLEMENTS.filter((s) => sup[s.key]).map((s) => `${s.flag} ${sup[s.key]!.name}`);
    setInfo(`${name}: ${r.cancelled ? `cancelled after ${n(r.rows.length)} of ${n(r.total)}` : n(r.rows.length)} claims read as ${r.format} (${r.why})${extras.length ? ` with ${extras.join(', ')}` : ''}${day ? `, as of ${day}` : ''}, checked in ${(r.ms / 1000).toFixed(1)} s${r.notes.length ? `; ${r.notes.length} input problem${r.notes.length === 1 ? '' : 's'}: ${r.notes.slice(0, 3).join('; ')}` : ''}`);
  };

  const openFile = async (file: File) => {
    setPicked('');
    return start(file.name, await file.text());
  };

  /** An extra file chosen (or cleared): the open claims file is checked again with it. */
  const setSupplement = async (key: SupplementKey, file: File | undefined) => {
    const text = file && (await file.text());
    // From the ref, not this render's state: files chosen one after another before the page
    // re-renders must all be kept.
    const next: SupplementTexts = { ...supplementsNow.current };
    if (file) next[key] = { name: file.name, text: text! };
    else delete next[key];
    supplementsNow.current = next;
    setSupplements(next);
    if (lastInput.current) void start(lastInput.current.name, lastInput.current.text, next);
  };

  const filtered = useMemo(
    () => rows.filter((r) => (!status || (status === UNCHECKED ? r.partial : r.status === status)) && (!facet || (facet.by === 'rule' ? r.rules.includes(facet.value) : r.kinds.includes(facet.value)))),
    [rows, status, facet],
  );
  const table = useReactTable({ data: filtered, columns: COLUMNS, state: { sorting, globalFilter: filter }, onSortingChange: setSorting, onGlobalFilterChange: setFilter, getCoreRowModel: getCoreRowModel(), getSortedRowModel: getSortedRowModel(), getFilteredRowModel: getFilteredRowModel() });
  const tableRows = table.getRowModel().rows;
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: tableRows.length, getScrollElement: () => scroller.current, estimateSize: () => 28, overscan: 12 });

  const counts = useMemo(() => {
    const byRule = new Map<string, number>();
    const byKind = new Map<string, number>();
    const byStatus: Record<string, number> = { clean: 0, warnings: 0, errors: 0, invalid: 0 };
    /** Clean claims not checked in full (status stays `clean`, as in the report; the summary counts them apart). */
    let cleanUnchecked = 0;
    let risk = 0;
    for (const r of rows) {
      byStatus[r.status]!++;
      if (r.partial) cleanUnchecked++;
      risk += r.atRiskCents;
      for (const x of r.rules) byRule.set(x, (byRule.get(x) ?? 0) + 1);
      for (const x of r.kinds) byKind.set(x, (byKind.get(x) ?? 0) + 1);
    }
    const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 12);
    return { byRule: top(byRule), byKind: top(byKind), byStatus, cleanUnchecked, risk };
  }, [rows]);

  useEffect(() => {
    if (selected === null) return;
    void askBatch({ type: 'detail', index: selected }).then((r) => r.type === 'detail' && setDetail({ report: r.report }));
  }, [selected]);

  const exportCsv = async () => {
    const r = await askBatch({ type: 'csv' });
    if (r.type !== 'csv') return;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([r.text], { type: 'text/csv' }));
    a.download = 'findings.csv';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };

  const claimFiles = props.files.filter((f) => f.kind === 'claims');
  return (
    <div
      className={`batch ${dragging ? 'dragging' : ''}`}
      data-testid="batch-view"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        const f = e.dataTransfer.files[0];
        if (f) void openFile(f);
      }}
    >
      <div className="toolbar">
        <label className="file-pick">
          Open a claims file (JSON, NDJSON, 837P, CSV) or drop it here{' '}
          <input
            type="file"
            accept=".json,.ndjson,.jsonl,.837,.x12,.edi,.csv,.txt"
            onChange={(e) => {
              const f = e.target.files?.[0];
              // Cleared at once, so choosing the same file again (after a ruleset change) checks it again.
              e.target.value = '';
              if (f) void openFile(f);
            }}
            data-testid="batch-file"
          />
        </label>
        <label>
          or one from the rulesets folder{' '}
          <select
            value={picked}
            onChange={(e) => {
              const p = e.target.value;
              setPicked(p);
              if (p) void readFile(p).then((r) => start(p, r.text));
            }}
            data-testid="batch-pick"
          >
            <option value="">choose…</option>
            {claimFiles.map((f) => (
              <option key={f.path} value={f.path}>
                {f.path}
              </option>
            ))}
          </select>
        </label>
        <button onClick={() => void exportCsv()} disabled={!rows.length} data-testid="batch-csv">Export CSV (one row per finding)</button>
      </div>
      <fieldset className="toolbar supplements" data-testid="batch-supplements">
        <legend>Optional, as <code>payer-rules eval</code> takes them</legend>
        {SUPPLEMENTS.map((s) => (
          <span key={s.key} className="supplement">
            <label title={s.doc}>
              {s.label}{' '}
              <input
                type="file"
                accept={s.accept}
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  e.target.value = '';
                  if (f) void setSupplement(s.key, f);
                }}
                data-testid={`batch-${s.key}`}
              />
            </label>
            {supplements[s.key] && (
              <button type="button" aria-label={`remove the ${s.label.toLowerCase()} file`} onClick={() => void setSupplement(s.key, undefined)} data-testid={`batch-${s.key}-clear`}>
                {supplements[s.key]!.name} ✕
              </button>
            )}
          </span>
        ))}
        <label title="fills the submission date of claims that have none (timely filing), as --as-of">
          As of{' '}
          <input
            type="date"
            value={asOf}
            onChange={(e) => {
              setAsOf(e.target.value);
              if (lastInput.current) void start(lastInput.current.name, lastInput.current.text, supplements, e.target.value);
            }}
            data-testid="batch-as-of"
          />
        </label>
      </fieldset>
      {progress && (
        <div className="progress" data-testid="batch-progress">
          <progress max={progress.total || 1} value={progress.done} aria-label="claims checked" /> {progress.total ? `${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} claims checked` : 'reading…'}{' '}
          <button type="button" onClick={() => tellBatch({ type: 'cancel' })} data-testid="batch-cancel">
            Cancel
          </button>
        </div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {info && <p className="hint" data-testid="batch-info">{info}</p>}
      {rows.length > 0 && <CheckedNote checked={checked} />}
      {rows.length > 0 && (
        <PanelGroup direction="vertical" className="batch-body">
          <Panel defaultSize={42} minSize={15}>
            <div className="batch-summary" tabIndex={0} aria-label="summary and charts">
              <div className="tiles" data-testid="batch-summary">
                {(['errors', 'warnings', 'invalid', 'clean'] as const).map((s) => (
                  <button key={s} className={`tile ${s} ${status === s ? 'on' : ''}`} aria-pressed={status === s} onClick={() => setStatus(status === s ? '' : s)} data-testid={`tile-${s}`}>
                    <strong>{counts.byStatus[s]!.toLocaleString('en-US')}</strong> {s}
                  </button>
                ))}
                {counts.cleanUnchecked > 0 && (
                  <button className={`tile unchecked ${status === UNCHECKED ? 'on' : ''}`} aria-pressed={status === UNCHECKED} onClick={() => setStatus(status === UNCHECKED ? '' : UNCHECKED)} title="no findings, but not checked in full: a check could not be made, the ruleset leaves part of the policy out, or the claim file had a warning (not checked is never ok)" data-testid="tile-clean-unchecked">
                    <strong>{counts.cleanUnchecked.toLocaleString('en-US')}</strong> of the clean not fully checked (with checks not made, policy left out or file warnings)
                  </button>
                )}
                <div className="tile risk">
                  <strong data-testid="batch-risk">{usd(counts.risk)}</strong> at risk
                </div>
              </div>
              <BarChart title="Claims by rule" data={counts.byRule} selected={facet?.by === 'rule' ? facet.value : undefined} onSelect={(v) => setFacet(v && facet?.value !== v ? { by: 'rule', value: v } : null)} testId="chart-rule" />
              <BarChart title="Claims by finding kind" data={counts.byKind} selected={facet?.by === 'kind' ? facet.value : undefined} onSelect={(v) => setFacet(v && facet?.value !== v ? { by: 'kind', value: v } : null)} testId="chart-kind" />
            </div>
          </Panel>
          <PanelResizeHandle className="resize-h" />
          <Panel minSize={30}>
            <PanelGroup direction="horizontal">
              <Panel defaultSize={58} minSize={30}>
                <div className="batch-table">
                  <div className="toolbar">
                    <input type="search" aria-label="filter claims" placeholder="filter claims (id, rule, ruleset…)" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="batch-filter" />
                    <span data-testid="batch-shown">
                      {tableRows.length.toLocaleString('en-US')} of {rows.length.toLocaleString('en-US')} claims
                    </span>
                    {facet && (
                      <button onClick={() => setFacet(null)} data-testid="batch-facet">
                        {facet.by}: {facet.value} ✕
                      </button>
                    )}
                  </div>
                  <div role="grid" aria-label="claims" aria-rowcount={tableRows.length + 1} className="grid">
                  <div className="grid-head" role="row" aria-rowindex={1}>
                    {table.getHeaderGroups()[0]!.headers.map((h) => (
                      <button key={h.id} role="columnheader" className={`cell col-${h.id}`} onClick={h.column.getToggleSortingHandler()} aria-sort={h.column.getIsSorted() === 'asc' ? 'ascending' : h.column.getIsSorted() === 'desc' ? 'descending' : 'none'} data-testid={`sort-${h.id}`}>
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        {h.column.getIsSorted() === 'asc' ? ' ▲' : h.column.getIsSorted() === 'desc' ? ' ▼' : ''}
                      </button>
                    ))}
                  </div>
                  <div className="grid-body" ref={scroller} role="rowgroup" tabIndex={0} data-testid="batch-rows">
                    <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
                      {virtual.getVirtualItems().map((v) => {
                        const row = tableRows[v.index]!;
                        return (
                          <div
                            key={row.id}
                            role="row"
                            tabIndex={0}
                            aria-selected={selected === row.original.i}
                            aria-rowindex={v.index + 2}
                            className={`grid-row ${selected === row.original.i ? 'selected' : ''}`}
                            style={{ position: 'absolute', top: 0, left: 0, right: 0, height: v.size, transform: `translateY(${v.start}px)` }}
                            onClick={() => setSelected(row.original.i)}
                            onKeyDown={(e) => e.key === 'Enter' && setSelected(row.original.i)}
                            data-testid="batch-row"
                          >
                            {row.getVisibleCells().map((c) => (
                              <span key={c.id} role="cell" className={`cell col-${c.column.id}`} title={c.column.id === 'rules' || c.column.id === 'ruleset' || c.column.id === 'claimId' ? String(c.getValue()) : undefined}>
                                {flexRender(c.column.columnDef.cell, c.getContext())}
                              </span>
                            ))}
                          </div>
                        );
                      })}
                    </div>
                  </div>
                  </div>
                </div>
              </Panel>
              <PanelResizeHandle className="resize-v" />
              <Panel minSize={20}>
                <div className="batch-detail" tabIndex={0} aria-label="the claim's findings" data-testid="batch-detail">
                  {detail ? <ReportView report={detail.report} onReveal={props.onReveal} policyLine={props.policyLine} checked={checked} /> : <p className="hint">Choose a claim to see its findings beside the policy lines that produced them.</p>}
                  {detail?.report.input?.length ? (
                    <ul className="problems">
                      {detail.report.input.map((n, i) => (
                        <li key={i} className={n.severity}>
                          <span className="sev">{n.severity}</span> {n.message} <span className="where">{n.where}</span>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </div>
              </Panel>
            </PanelGroup>
          </Panel>
        </PanelGroup>
      )}
    </div>
  );
}
