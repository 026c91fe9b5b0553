// Profiling probe: eval's per-claim path split into its phases (parse, validate, evaluate, serialize,
// encode), each timed alone over the same claims as probe-eval.ts (the shipped rulesets with their
// tables), as CPU µs per claim, median of runs. Not part of the benchmark table.
// node bin/run-ts.mjs bench/probe-phases.ts   (PROBE_CLAIMS, default 20,000; PROBE_RUNS, default 5)
import { join } from 'node:path';
import { Evaluator, type Report } from '../engine/index.ts';
import type { Claim } from '../engine/claim-schema.ts';
import { validateClaim } from '../engine/validate.ts';
import { encodeBatch, formatReport } from '../cli/eval-core.ts';
import { projectRoot } from '../workspace/files.ts';
import { loadRulesets } from '../workspace/load.ts';
import { tablesFor } from '../workspace/tables.ts';
import { generateClaim, rng } from './generate.ts';

const dir = join(projectRoot(), process.env['PROBE_RULESETS'] ?? 'rulesets');
const ev = new Evaluator(loadRulesets(dir, () => {}), { tables: tablesFor(dir) });
const r = rng(11);
const n = Number(process.env['PROBE_CLAIMS'] ?? 20_000);
const runs = Number(process.env['PROBE_RUNS'] ?? 5);
const texts = Array.from({ length: n }, (_, i) => JSON.stringify(generateClaim(r, i)));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function cpu<T>(fn: () => T): { us: number; out: T } {
  const c = process.cpuUsage();
  const out = fn();
  const u = process.cpuUsage(c);
  return { us: (u.user + u.system) / n, out };
}
function phase<T>(name: string, fn: () => T): T {
  let out!: T;
  const ts: number[] = [];
  for (let k = 0; k < runs; k++) {
    const res = cpu(fn);
    ts.push(res.us);
    out = res.out;
  }
  console.log(`${name.padEnd(34)} ${median(ts).toFixed(1).padStart(6)} µs/claim  (runs: ${ts.map((t) => t.toFixed(0)).join(' ')})`);
  return out;
}

const parsed = phase('JSON.parse', () => texts.map((t) => JSON.parse(t) as unknown));
const validated = phase('validate', () => parsed.map((p) => validateClaim(p)));
const claims = validated.flatMap((v) => (v.ok ? [v.claim] : []));
console.log(`(${claims.length} valid of ${n})`);
const reports = phase('evaluate (plan, rules, report)', () => claims.map((c): Report => ev.evaluateClaimSync(c)));
const strings = phase('serialize (ndjson)', () => reports.map((rep) => formatReport(rep, 'ndjson')));
phase('encode (batches of 256)', () => {
  let bytes = 0;
  for (let i = 0; i < strings.length; i += 256) bytes += encodeBatch(strings.slice(i, i + 256), [], false, 'ndjson').bytes.length;
  return bytes;
});
phase('whole: parse → encode', () => {
  const out: string[] = [];
  for (const t of texts) out.push(formatReport(ev.evaluateSync(JSON.parse(t)), 'ndjson'));
  return encodeBatch(out, [], false, 'ndjson').bytes.length;
});
console.log(`report bytes per claim: ${Math.round(strings.reduce((s, x) => s + x.length, 0) / strings.length)}`);
void (null as unknown as Claim);
