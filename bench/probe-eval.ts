// Profiling probe for `eval`'s per-claim path (parse, validate, evaluate, report, serialize) on the
// shipped rulesets with their reference tables, as `payer-rules eval --ruleset rulesets` runs it.
// node --cpu-prof bin/run-ts.mjs bench/probe-eval.ts   (PROBE_CLAIMS, default 30,000)
import { join } from 'node:path';
import { Evaluator } from '../engine/index.ts';
import { evaluateBatch } from '../cli/eval-core.ts';
import { projectRoot } from '../workspace/files.ts';
import { loadRulesets } from '../workspace/load.ts';
import { tablesFor } from '../workspace/tables.ts';
import { generateClaim, rng } from './generate.ts';

const dir = join(projectRoot(), 'rulesets');
const ev = new Evaluator(loadRulesets(dir, () => {}), { tables: tablesFor(dir) });
const r = rng(11);
const n = Number(process.env['PROBE_CLAIMS'] ?? 30_000);
const jobs = Array.from({ length: n }, (_, i) => ({ lineNo: i + 1, text: JSON.stringify(generateClaim(r, i)) }));
let bytes = 0;
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < jobs.length; i += 256) {
    const res = await evaluateBatch(ev, jobs.slice(i, i + 256), 'compiled', false, 'ndjson');
    if (k === 0) bytes += res.bytes.length;
  }
  const used = process.cpuUsage(cpu);
  console.log(Math.round((jobs.length / (performance.now() - t)) * 1000), 'claims/s,', Math.round((used.user + used.system) / n), 'µs of CPU per claim',  k === 0 ? `(${Math.round(bytes / n)} bytes of report per claim; claims ${Math.round(jobs.reduce((s, j) => s + j.text.length, 0) / n)})` : '');
}
