// The batch view's worker: reads a claims file as `payer-rules eval` reads it (batch-jobs.ts:
// JSON, NDJSON, X12 837P or CSV, with the minutes, overlay and payer-map files and as-of), sends
// the claims to the studio server in chunks — which checks them with the reference tables, as
// `eval` does — and posts progress as answers come back; a cancel stops after the chunk in
// flight. The page gets one small row per claim and asks for a claim's full report only when it
// is opened. CSV comes from writers/ (the worklist `eval --format csv` writes). Off the main
// thread, so 10,000 claims never block typing.
import { csvRows, csvStart, factsOf, notFullyChecked, type EvalReport } from '../../writers/index.ts';
import { batchJobs, chunksOf, type Job } from './batch-jobs.ts';
import type { BatchRequest, BatchResponse, BatchRow } from './batch-protocol.ts';
import { postJson, type Checked } from './server-api.ts';

let reports: EvalReport[] = [];
let claims: unknown[] = [];
let checked: Checked | null = null;
let running: AbortController | undefined;

function rowOf(i: number, r: EvalReport, claim: unknown): BatchRow {
  const facts = factsOf(r, claim);
  return {
    i,
    claimId: r.claimId ?? '(no id)',
    status: r.status,
    ruleset: r.status !== 'invalid' && r.ruleset ? `${r.ruleset.id} ${r.ruleset.version}` : '',
    dateOfService: facts.dateOfService ?? '',
    lines: facts.lines,
    findings: r.status === 'invalid' ? r.errors.length : r.findings.length,
    errors: r.status === 'invalid' ? r.errors.length : r.findings.filter((f) => f.severity === 'error').length,
    atRiskCents: facts.chargeAtRiskCents,
    chargeCents: facts.chargeCents,
    rules: r.status === 'invalid' ? ['(invalid claim)'] : [...new Set(r.findings.map((f) => f.rule))],
    kinds: r.status === 'invalid' ? ['invalid-claim'] : [...new Set(r.findings.map((f) => f.kind))],
    // Checks a fact of the claim would make possible; what the ruleset never checks is on the claim's report.
    notChecked: r.status === 'invalid' ? 0 : (r.notChecked ?? []).filter((n) => !n.notEncoded).length,
    // As the command line's summary counts it: no findings, but not checked in full.
    partial: notFullyChecked(facts),
  };
}

/** The claim a job carries (a streamed NDJSON line is parsed for its charges and dates). */
function claimOf(job: Job): unknown {
  if (job.value !== undefined) return job.value;
  if (job.text === undefined) return undefined;
  try {
    return JSON.parse(job.text);
  } catch {
    return undefined;
  }
}

function post(m: BatchResponse): void {
  (self as unknown as Worker).postMessage(m);
}

async function run(req: Extract<BatchRequest, { type: 'run' }>): Promise<void> {
  const started = performance.now();
  running?.abort();
  const stop = new AbortController();
  running = stop;
  reports = [];
  claims = [];
  checked = null;
  const read = batchJobs({ name: req.name, text: req.text, ...(req.supplements ? { supplements: req.supplements } : {}), ...(req.asOf ? { asOf: req.asOf } : {}), ...(req.format ? { format: req.format } : {}) });
  if ('error' in read) return post({ type: 'error', id: req.id, error: read.error });
  const rows: BatchRow[] = [];
  const total = read.jobs.length;
  post({ type: 'progress', id: req.id, done: 0, total });
  let cancelled = false;
  try {
    for (const chunk of chunksOf(read.jobs)) {
      const r = await postJson<{ reports: EvalReport[] }>('/api/evaluate', { jobs: chunk, ...(req.asOf ? { asOf: req.asOf } : {}) }, req.token, stop.signal);
      if (!r.ok) return post({ type: 'error', id: req.id, error: `${r.error}${rows.length ? ` (after ${rows.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} claims)` : ''}` });
      checked = { tables: r.tables, leftOut: r.leftOut };
      r.reports.forEach((rep, j) => {
        const claim = claimOf(chunk[j]!);
        rows.push(rowOf(reports.length, rep, claim));
        reports.push(rep);
        claims.push(claim);
      });
      post({ type: 'progress', id: req.id, done: rows.length, total });
    }
  } catch (e) {
    if ((e as Error)?.name !== 'AbortError') throw e;
    cancelled = true;
  } finally {
    if (running === stop) running = undefined;
  }
  post({ type: 'done', id: req.id, rows, total, format: read.format, why: read.why, notes: read.notes, checked, ms: performance.now() - started, cancelled });
}

self.onmessage = (e: MessageEvent<BatchRequest>) => {
  const req = e.data;
  const fail = (err: unknown) => post({ type: 'error', id: req.id, error: String((err as Error)?.message ?? err) });
  try {
    if (req.type === 'run') void run(req).catch(fail);
    else if (req.type === 'cancel') running?.abort();
    else if (req.type === 'detail') post({ type: 'detail', id: req.id, report: reports[req.index]!, claim: claims[req.index], checked });
    else if (req.type === 'csv') post({ type: 'csv', id: req.id, text: csvStart() + reports.map((r) => csvRows(r)).join('') });
  } catch (err) {
    fail(err);
  }
};
