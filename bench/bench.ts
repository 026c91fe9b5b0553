// `npm run bench`: timings a reader can trust (median of several runs, machine noted). Speed is
// measured here, never asserted in tests.
import { cpus, totalmem, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { analyze, format, rulesetLoader } from '../dsl/index.ts';
import { Evaluator } from '../engine/index.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { bigRuleset, generateClaim, generateRuleset, rng } from './generate.ts';
import { projectRoot, rulesetFiles } from '../workspace/files.ts';
import { runCompiledRules, runJreRules } from './rules-loop.ts';
import { FLOOR_SCRIPT, writeDatedCorpus } from './floor.ts';

const ROOT = projectRoot() + '/';
import { validateClaim } from '../engine/validate.ts';
import { prepareCompiled } from '../engine/runtime-compiled.ts';
import { prepareJre } from '../engine/runtime-jre.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown, runs: number): { median: number; min: number } {
  fn(); // warm-up
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  return { median: median(ts), min: Math.min(...ts) };
}

const rows: [string, string, string][] = [];
const big = generateRuleset(5000);
const medicare = readFileSync(join(ROOT, 'rulesets/medicare-part-b/2026.payer'), 'utf8');
const row = (what: string, r: { median: number; min: number }, goal: string) => rows.push([what, `${r.median.toFixed(1)} ms (min ${r.min.toFixed(1)})`, goal]);

row(`check + compile, generated ruleset (${big.split('\n').length} lines)`, time(() => analyze({ name: 'bench.payer', text: big }), 9), 'under 300 ms');
const twoK = generateRuleset(2000);
row(`editor analysis (what the worker runs per edit), generated ruleset (${twoK.split('\n').length} lines)`, time(() => analyze({ name: 'bench.payer', text: twoK }), 9), 'under 150 ms');
row(`format, generated ruleset (${big.split('\n').length} lines)`, time(() => format({ name: 'bench.payer', text: big }), 5), '—');
row(`check + compile, medicare-part-b 2026 (${medicare.split('\n').length} lines)`, time(() => analyze({ name: 'm.payer', text: medicare }), 15), '—');

// ---- resource bounds: time linear in ruleset size ----
function pathological(n: number): string {
  const codes = Array.from({ length: n }, (_, i) => String(10000 + i)).join(', ');
  const rules = Array.from({ length: n }, (_, i) => `rule R-${i} "rule ${i}" {\n  when line.code in big and line.units > ${i % 9}\n  cite "x"\n}\n`).join('');
  return `ruleset big-plan "Big"\nversion 1 effective 2026-01-01\ncodes big = ${codes}\n${rules}`;
}
const p5 = time(() => analyze({ name: 'p.payer', text: pathological(5000) }), 3);
const p10 = time(() => analyze({ name: 'p.payer', text: pathological(10000) }), 3);
row('check + compile, 5,000 rules naming a 5,000-code set', p5, '—');
row('check + compile, 10,000 rules naming a 10,000-code set', p10, 'about 2× the row above (linear)');

// ---- evaluation throughput ----

const sources = rulesetFiles(join(ROOT, 'rulesets')).map((p) => ({ name: p.slice(ROOT.length), text: readFileSync(p, 'utf8') }));
const loadRuleset = rulesetLoader(sources);
const compiled: CompiledRuleset[] = sources.map((f) => analyze(f, { loadRuleset }).compiled!);
const medicareVersions = compiled.filter((r) => r.ruleset.id === 'medicare-part-b');

/** Realistic claims for medicare-part-b, dated in 2026 so every one meets a ruleset version. */
function corpus(n: number, seed = 11): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = generateClaim(r, i);
    c['dateOfService'] = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    out.push(JSON.stringify(c));
  }
  return out;
}
const lineCount = (texts: string[]) => texts.reduce((s, t) => s + ((JSON.parse(t) as { lines?: unknown[] }).lines?.length ?? 0), 0);

const claims = corpus(20_000);
const nLines = lineCount(claims);
const ev = new Evaluator(medicareVersions);
const tCompiled = time(() => { for (const c of claims) JSON.stringify(ev.evaluateSync(JSON.parse(c))); }, 3);
const floor = time(() => { for (const c of claims) JSON.stringify(JSON.parse(c)); }, 3);
const subset = claims.slice(0, 400);
const subsetLines = lineCount(subset);
const jreTimes: number[] = [];
for (let k = 0; k < 3; k++) {
  const t = performance.now();
  for (const c of subset) await ev.evaluate(JSON.parse(c), { runtime: 'json-rules-engine' });
  jreTimes.push(performance.now() - t);
}
const perSec = (lines: number, ms: number) => (lines / ms) * 1000;
const compiledRate = perSec(nLines, tCompiled.median);
const jreRate = perSec(subsetLines, median(jreTimes));
const floorRate = perSec(nLines, floor.median);
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
rows.push([`compiled runtime, ${claims.length.toLocaleString('en-US')} claims (${nLines.toLocaleString('en-US')} service lines), parse + evaluate + serialize`, `${fmt(compiledRate)} lines/s`, '—']);
rows.push([`json-rules-engine runtime, ${subset.length} of those claims`, `${fmt(jreRate)} lines/s`, '—']);
rows.push(['floor: the same NDJSON parsed and serialized, no evaluation', `${fmt(floorRate)} lines/s`, '—']);
rows.push(['compiled ÷ json-rules-engine, whole pipeline', `${(compiledRate / jreRate).toFixed(0)}×`, '—']);
// What the output alone costs: each claim parsed and its report (computed beforehand) serialized —
// the floor of any engine that writes these reports. Reports are several times the size of claims.
const precomputed = claims.map((c) => ev.evaluateSync(JSON.parse(c)));
const reportBytes = precomputed.reduce((s, r) => s + JSON.stringify(r).length, 0) / claims.length;
const claimBytes = claims.reduce((s, c) => s + c.length, 0) / claims.length;
const reportFloor = time(() => { for (let i = 0; i < claims.length; i++) { JSON.parse(claims[i]!); JSON.stringify(precomputed[i]); } }, 3);
const reportFloorRate = perSec(nLines, reportFloor.median);
rows.push([`floor with reports: each claim parsed, its report (computed beforehand; ${Math.round(reportBytes).toLocaleString('en-US')} vs ${Math.round(claimBytes).toLocaleString('en-US')} bytes a claim) serialized`, `${fmt(reportFloorRate)} lines/s`, '—']);

// The runtimes alone: the same validated claims and per-claim context, rules evaluated to the list
// of rules that fired; validation and report building (shared by both) left out.
const v2026 = medicareVersions.find((r) => r.ruleset.version === '2026.1')!;
const validated = claims.map((c) => validateClaim(JSON.parse(c))).flatMap((v) => (v.ok ? [v.claim] : []));
const validatedLines = validated.reduce((n, c) => n + c.lines.length, 0);
const crt = prepareCompiled(v2026);
const jrt = prepareJre(v2026);
const tRules = time(() => runCompiledRules(crt, validated), 5);
const jreSubset = validated.slice(0, 1000);
const jreSubsetLines = jreSubset.reduce((n, c) => n + c.lines.length, 0);
const jreRuleTimes: number[] = [];
for (let k = 0; k < 3; k++) {
  const t = performance.now();
  await runJreRules(jrt, jreSubset);
  jreRuleTimes.push(performance.now() - t);
}
const rulesCompiled = perSec(validatedLines, tRules.median);
const rulesJre = perSec(jreSubsetLines, median(jreRuleTimes));
rows.push([`rules only, compiled runtime, generated functions (${v2026.rules.length} rules, ${validated.length.toLocaleString('en-US')} valid claims)`, `${fmt(rulesCompiled)} lines/s`, '—']);
rows.push([`rules only, json-rules-engine (same rules, ${jreSubset.length} claims)`, `${fmt(rulesJre)} lines/s`, '—']);
rows.push(['compiled ÷ json-rules-engine, rules only', `${(rulesCompiled / rulesJre).toFixed(0)}×`, 'at least 100×']);
// Multi-date claims: the same generator with every claim on one date, then every claim's lines
// spread over up to five dates; cost per service line, compiled runtime, parse + evaluate + serialize.
function datedCorpus(n: number, multiDate: number): string[] {
  const r = rng(23);
  return Array.from({ length: n }, (_, i) => JSON.stringify(generateClaim(r, i, ['medicare-part-b'], { multiDate })));
}
const single = datedCorpus(20_000, 0);
const multi = datedCorpus(20_000, 1);
const multiDates = multi.reduce((s, t) => s + new Set((JSON.parse(t) as { lines?: { dateOfService?: string }[] }).lines?.map((l) => l.dateOfService) ?? []).size, 0) / multi.length;
const tSingle = time(() => { for (const c of single) JSON.stringify(ev.evaluateSync(JSON.parse(c))); }, 3);
const tMulti = time(() => { for (const c of multi) JSON.stringify(ev.evaluateSync(JSON.parse(c))); }, 3);
const singleRate = perSec(lineCount(single), tSingle.median);
const multiRate = perSec(lineCount(multi), tMulti.median);
rows.push([`compiled runtime, ${single.length.toLocaleString('en-US')} claims on one date of service each`, `${fmt(singleRate)} lines/s`, '—']);
rows.push([`compiled runtime, ${multi.length.toLocaleString('en-US')} claims with lines on several dates (${multiDates.toFixed(1)} dates per claim on average)`, `${fmt(multiRate)} lines/s`, '—']);
rows.push(['cost per line, multi-date ÷ single-date', `${(singleRate / multiRate).toFixed(2)}×`, 'at most 1.5×']);
rows.push(['floor ÷ compiled (in-process)', `${(floorRate / compiledRate).toFixed(1)}×`, '—']);
rows.push(['floor with reports ÷ compiled (in-process): the cost of evaluating beyond reading claims and writing reports', `${(reportFloorRate / compiledRate).toFixed(1)}×`, '—']);

// ---- a 16 MB ruleset, checked and compiled by the command line (time and peak memory) ----
const bigDir = mkdtempSync(join(tmpdir(), 'payer-rules-bench-big-'));
const { text: bigText, lines: bigLines } = bigRuleset();
const bigFile = join(bigDir, 'big.payer');
writeFileSync(bigFile, bigText);
const bigRuns = [0, 1, 2].map(() => {
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/payer-rules.mjs'), 'compile', bigFile, '-o', join(bigDir, 'big.json')], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PAYER_RULES_REPORT_RSS: '1' } });
  if (r.status !== 0) throw new Error(`compile of the 16 MB ruleset exited ${r.status}: ${r.stderr.toString().slice(0, 400)}`);
  return { ms: performance.now() - t, rss: Number(/max RSS (\d+) MB/.exec(r.stderr.toString())?.[1] ?? NaN) };
});
rows.push([`payer-rules compile, generated ruleset of ${(bigText.length / 1e6).toFixed(1)} MB (${bigLines.toLocaleString('en-US')} lines): check + compile + write`, `${(median(bigRuns.map((r) => r.ms)) / 1000).toFixed(1)} s, ${median(bigRuns.map((r) => r.rss))} MB peak`, 'under 10 s, under 1 GB']);
rmSync(bigDir, { recursive: true, force: true });

// ---- the command line, end to end, on a file ----
const dir = mkdtempSync(join(tmpdir(), 'payer-rules-bench-'));
const bin = join(ROOT, 'bin/payer-rules.mjs');
const cliN = Number(process.env['BENCH_CLI_CLAIMS'] ?? 200_000);
const cliFile = join(dir, 'claims.ndjson');
await writeDatedCorpus(cliFile, cliN);
const wall = (args: string[], env: Record<string, string> = {}) => {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  return { ms: performance.now() - t, stderr: r.stderr.toString() };
};
wall([bin, 'eval', '--ruleset', join(ROOT, 'rulesets'), join(dir, 'none.ndjson')]); // warm the bundle and compile caches
const cliTimes = [0, 1, 2].map(() => wall([bin, 'eval', '--ruleset', join(ROOT, 'rulesets'), cliFile]).ms);
const floorTimes = [0, 1, 2].map(() => wall(['-e', FLOOR_SCRIPT, cliFile]).ms);
rows.push([`payer-rules eval, ${cliN.toLocaleString('en-US')} claims NDJSON → NDJSON (${cpus().length} workers)`, `${(median(cliTimes) / 1000).toFixed(1)} s`, '—']);
rows.push(['floor: node reads, parses and writes the same NDJSON', `${(median(floorTimes) / 1000).toFixed(1)} s`, '—']);
rows.push(['eval ÷ floor', `${(median(cliTimes) / median(floorTimes)).toFixed(1)}×`, 'within 3×']);
const rss200 = /max RSS (\d+) MB/.exec(wall([bin, 'eval', '--ruleset', join(ROOT, 'rulesets'), cliFile], { PAYER_RULES_REPORT_RSS: '1' }).stderr)?.[1];
rows.push([`peak memory of payer-rules eval, ${cliN.toLocaleString('en-US')} claims`, `${rss200 ?? '?'} MB`, '—']);

const memN = Number(process.env['BENCH_MEMORY_CLAIMS'] ?? 1_000_000);
if (memN > 0) {
  const memFile = join(dir, 'million.ndjson');
  await writeDatedCorpus(memFile, memN);
  const r = wall([bin, 'eval', '--ruleset', join(ROOT, 'rulesets'), memFile], { PAYER_RULES_REPORT_RSS: '1' });
  const rss = /max RSS (\d+) MB/.exec(r.stderr)?.[1];
  rows.push([`peak memory of payer-rules eval, ${memN.toLocaleString('en-US')} claims NDJSON (${(statSync(memFile).size / 2 ** 20).toFixed(0)} MB)`, `${rss ?? '?'} MB in ${(r.ms / 1000).toFixed(0)} s`, 'bounded (independent of input size)']);
}
rmSync(dir, { recursive: true, force: true });

console.log(`payer-rules benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
console.log('');
console.log('| what | median of runs | goal |');
console.log('|---|---|---|');
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);

const sanity = analyze({ name: 'bench.payer', text: big }); // the generated ruleset must be error-free for its rows to mean anything
console.log('');
console.log(`generated ruleset: ${sanity.diagnostics.filter((d) => d.severity === 'error').length} errors, ${sanity.compiled?.rules.length ?? 0} compiled rules`);
