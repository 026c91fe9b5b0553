// The batch view's worker: reads a claims file (JSON, NDJSON, X12 837P or CSV through readers/),
// evaluates every claim against the saved rulesets, and posts progress as it goes; the page gets
// one small row per claim and asks for a claim's full report only when it is opened. CSV comes
// from writers/ (the same worklist `eval --format csv` writes). Runs off the main thread so 10,000
// claims never block typing.
import { analyze, rulesetLoader } from '../../dsl/index.ts';
import { Evaluator } from '../../engine/index.ts';
import type { CompiledRuleset } from '../../engine/compiled.ts';
import { detectFormat, readClaims } from '../../readers/index.ts';
import { csvRows, csvStart, factsOf, type EvalReport } from '../../writers/index.ts';
import type { BatchRequest, BatchResponse, BatchRow } from './batch-protocol.ts';

let reports: EvalReport[] = [];
let claims: unknown[] = [];

function compileAll(files: Record<string, string>): { rulesets: CompiledRuleset[]; broken: string[] } {
  const sources = Object.entries(files).map(([name, text]) => ({ name, text }));
  const load = rulesetLoader(sources);
  const rulesets: CompiledRuleset[] = [];
  const broken: string[] = [];
  for (const s of sources) {
    const r = analyze(s, { loadRuleset: load });
    if (r.compiled) rulesets.push(r.compiled);
    else broken.push(s.name);
  }
  return { rulesets, broken };
}

function rowOf(i: number, r: EvalReport, claim: unknown): BatchRow {
  const facts = factsOf(r, claim);
  const row: BatchRow = {
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
    notChecked: r.status === 'invalid' ? 0 : (r.notChecked?.length ?? 0),
  };
  return row;
}

function post(m: BatchResponse): void {
  (self as unknown as Worker).postMessage(m);
}

function run(req: Extract<BatchRequest, { type: 'run' }>): void {
  const started = performance.now();
  reports = [];
  claims = [];
  const { rulesets, broken } = compileAll(req.rulesets);
  if (!rulesets.length) return post({ type: 'error', id: req.id, error: `no ruleset compiles${broken.length ? ` (errors in ${broken.join(', ')})` : ''}; fix the rulesets first` });
  const ev = new Evaluator(rulesets);
  const { format, why } = detectFormat(req.name, req.text.slice(0, 512));
  // Records first (cheap), so progress has a total.
  const records = [...readClaims(req.text, format, {})];
  const rows: BatchRow[] = [];
  const notes: string[] = [];
  let last = performance.now();
  for (let k = 0; k < records.length; k++) {
    const rec = records[k]!;
    if (!rec.claim && rec.raw === undefined) {
      for (const d of rec.diagnostics) notes.push(`${d.where}: ${d.message}`);
      continue;
    }
    const input = rec.claim ?? rec.raw;
    const report: EvalReport = ev.evaluateSync(input);
    if (rec.diagnostics.length) report.input = rec.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, where: d.where }));
    rows.push(rowOf(reports.length, report, input));
    reports.push(report);
    claims.push(input);
    if (performance.now() - last > 100) {
      last = performance.now();
      post({ type: 'progress', id: req.id, done: k + 1, total: records.length });
    }
  }
  post({ type: 'done', id: req.id, rows, format, why, notes, broken, ms: performance.now() - started });
}

self.onmessage = (e: MessageEvent<BatchRequest>) => {
  const req = e.data;
  try {
    if (req.type === 'run') run(req);
    else if (req.type === 'detail') post({ type: 'detail', id: req.id, report: reports[req.index]!, claim: claims[req.index] });
    else if (req.type === 'csv') post({ type: 'csv', id: req.id, text: csvStart() + reports.map((r) => csvRows(r)).join('') });
  } catch (err) {
    post({ type: 'error', id: req.id, error: String((err as Error)?.message ?? err) });
  }
};
