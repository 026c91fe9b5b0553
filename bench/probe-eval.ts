// Profiling probe for `eval`'s per-claim path (parse, validate, evaluate, report, serialize) on the
// shipped rulesets with their reference tables, as `payer-rules eval --ruleset rulesets` runs it.
// node --cpu-prof bin/run-ts.mjs bench/probe-eval.ts   (PROBE_CLAIMS, default 30,000; PROBE_RUNS, default 5)
// PROBE_COMPARE=1: generated rules and closures, in alternating runs (this machine's noise falls on
// both alike); the best and the median run of each.
import { join } from 'node:path';
import { Evaluator } from '../engine/index.ts';
import { evaluateBatch } from '../cli/eval-core.ts';
import { projectRoot } from '../workspace/files.ts';
import { loadRulesets } from '../workspace/load.ts';
import { tablesFor } from '../workspace/tables.ts';
import { generateClaim, rng } from './generate.ts';

const dir = join(projectRoot(), 'rulesets');
const rulesets = loadRulesets(dir, () => {});
const evs = { generated: new Evaluator(rulesets, { tables: tablesFor(dir) }), closures: new Evaluator(rulesets, { tables: tablesFor(dir), generate: false }) };
const which = process.env['PROBE_COMPARE'] ? (['generated', 'closures'] as const) : (['generated'] as const);
const r = rng(process.env['PROBE_CORPUS'] === 'bench' ? 5 : 11);
const n = Number(process.env['PROBE_CLAIMS'] ?? 30_000);
// PROBE_CORPUS=bench: the core benchmark's eval corpus (every claim dated in 2026).
const bench = process.env['PROBE_CORPUS'] === 'bench';
const jobs = Array.from({ length: n }, (_, i) => {
  const c = generateClaim(r, i);
  if (bench) c['dateOfService'] = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
  return { lineNo: i + 1, text: JSON.stringify(c) };
});
const cpus: Record<string, number[]> = {};
let bytes = 0;
for (let k = 0; k < Number(process.env['PROBE_RUNS'] ?? 5); k++) {
  for (const name of which) {
    const ev = evs[name];
    const cpu = process.cpuUsage();
    for (let i = 0; i < jobs.length; i += 256) {
      const res = await evaluateBatch(ev, jobs.slice(i, i + 256), 'compiled', false, 'ndjson');
      if (k === 0 && name === 'generated') bytes += res.bytes.length;
    }
    const used = process.cpuUsage(cpu);
    (cpus[name] ??= []).push((used.user + used.system) / n);
  }
}
console.log(`${Math.round(bytes / n)} bytes of report per claim; claims ${Math.round(jobs.reduce((s, j) => s + j.text.length, 0) / n)}`);
for (const [name, xs] of Object.entries(cpus)) {
  const s = [...xs].sort((a, b) => a - b);
  console.log(`${name}: µs of CPU per claim, best ${s[0]!.toFixed(0)}, median ${s[Math.floor(s.length / 2)]!.toFixed(0)} (${xs.map((x) => x.toFixed(0)).join(' ')})`);
}
