// The shipped rulesets evaluated against national-size reference tables, as a payer that loads
// CMS's whole practitioner PTP file would: the shipped therapy edits (39,305 rows) plus synthetic
// edits between other codes up to 2.6 million rows, imported as a complete release in place of
// the shipped partial one (same release name and dates), beside the shipped ICD-10-CM table (the
// full FY2025/FY2026 order files, ~98,000 codes each). Measured through `payer-rules eval` on the
// same claims with each store: throughput (goal: the national store at least 80% of the shipped
// subset's) and peak memory (goal: under 600 MB), then how long a ruleset naming the national
// tables takes to be ready to evaluate from the cached form (goal: under 1.5 s).
// Peak memory is what a user running `payer-rules eval` sees: tables imported and cached, default
// workers, reports to a file, the figure the command itself reports (PAYER_RULES_REPORT_RSS: its
// own peak, VmHWM on Linux). It is not getrusage's maxRSS: on Linux a child inherits its parent's
// resident size at fork as its starting maxRSS, and this process holds ~1 GB after generating and
// importing the national release, so every eval it spawned reported ~1.1 GB, shipped tables or not.
// Run alone: node bin/run-ts.mjs bench/national.ts   (BENCH_NATIONAL_CLAIMS, default 200,000)
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, createWriteStream, openSync, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { importCommand } from '../cli/import.ts';
import { Evaluator } from '../engine/index.ts';
import { loadRulesets } from '../workspace/load.ts';
import { tablesFor } from '../workspace/tables.ts';
import { projectRoot } from '../workspace/files.ts';
import { generateClaim, rng } from './generate.ts';

const ROOT = projectRoot();
const BIN = join(ROOT, 'bin/payer-rules.mjs');
const N = Number(process.env['BENCH_NATIONAL_CLAIMS'] ?? 200_000);
const PTP_ROWS = 2_600_000;
const RUNS = 3;
const dir = mkdtempSync(join(tmpdir(), 'payer-rules-bench-national-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rows: [string, string, string][] = [];

async function write(out: WriteStream, s: string): Promise<void> {
  if (!out.write(s)) await new Promise<void>((ok) => out.once('drain', () => ok()));
}
const end = (out: WriteStream) => new Promise<void>((ok) => out.end(() => ok()));

// ---- a national store: a copy of rulesets/ whose 2024-07-01 PTP release is national-size ----
const national = join(dir, 'rulesets');
cpSync(join(ROOT, 'rulesets'), national, { recursive: true });
const shippedRelease = join(ROOT, 'rulesets/tables/cms-ncci-ptp-practitioner/2024-07-01');
const manifest = JSON.parse(readFileSync(join(shippedRelease, 'manifest.json'), 'utf8')) as { from: string; through: string; rows: number };
const shippedCsv = gunzipSync(readFileSync(join(shippedRelease, 'rows.csv.gz'))).toString('utf8');
const csvFile = join(dir, 'ptp-national.csv');
{
  const out = createWriteStream(csvFile);
  await write(out, shippedCsv.endsWith('\n') ? shippedCsv : shippedCsv + '\n');
  // Other codes: 10000-69999 and 70010-89999 (no therapy code among them), each column-1 code
  // with a run of distinct column-2 codes; a third deleted, most bypassable, as in the real file.
  const codes: string[] = [];
  for (let c = 10000; c <= 89999; c += 3) if (c < 70000 || c >= 70010) codes.push(String(c));
  const per = Math.ceil((PTP_ROWS - manifest.rows) / codes.length);
  const r = rng(7);
  let n = manifest.rows;
  let chunk = '';
  for (let i = 0; n < PTP_ROWS; i++) {
    const c1 = codes[i % codes.length]!;
    const step = 1 + (i % 5);
    for (let k = 1; k <= per && n < PTP_ROWS; k++, n++) {
      const c2 = codes[(i + k * step) % codes.length]!;
      const deleted = r() < 0.35;
      chunk += `${c1},${c2},,${deleted ? '2005-01-01' : '2012-04-01'},${deleted ? '2019-12-31' : ''},${r() < 0.8 ? 1 : 0},Mutually exclusive procedures\n`;
    }
    if (chunk.length > 1 << 20) {
      await write(out, chunk);
      chunk = '';
    }
  }
  await write(out, chunk);
  await end(out);
}
const importErr: string[] = [];
const importStart = performance.now();
const code = await importCommand(
  ['ncci-ptp', csvFile, '--table', 'cms-ncci-ptp-practitioner', '--release', '2024-07-01', '--from', manifest.from, '--through', manifest.through, '--into', join(national, 'tables'), '--replace', '--source', 'Synthetic national-size practitioner PTP release for the benchmark: the shipped therapy edits plus synthetic edits between other codes (not CMS data)'],
  { out: () => {}, err: (s) => importErr.push(s) },
);
if (code !== 0) throw new Error(`import failed: ${importErr.join('\n')}`);
const importMs = performance.now() - importStart;

// ---- the claims: the benchmark's usual generated corpus, dated so NCCI and MUE tables apply ----
const claimsFile = join(dir, 'claims.ndjson');
{
  const out = createWriteStream(claimsFile);
  const r = rng(5);
  for (let i = 0; i < N; i++) await write(out, JSON.stringify(generateClaim(r, i)) + '\n');
  await end(out);
}

/** Occurrences of `needle` in a file, read as bytes (the reports of 200,000 claims are over 1 GB, too long for one string). */
function countIn(file: string, needle: string): number {
  const bytes = readFileSync(file);
  const n = Buffer.from(needle);
  let count = 0;
  for (let at = bytes.indexOf(n); at >= 0; at = bytes.indexOf(n, at + n.length)) count++;
  return count;
}

let parentRss = 0;
function evalRun(rulesets: string): { ms: number; rss: number; ncci: number } {
  parentRss = Math.max(parentRss, process.memoryUsage().rss);
  const t = performance.now();
  const fd = openSync(join(dir, 'out.ndjson'), 'w');
  const res = spawnSync(process.execPath, [BIN, 'eval', '--ruleset', rulesets, claimsFile], { stdio: ['ignore', fd, 'pipe'], env: { ...process.env, PAYER_RULES_REPORT_RSS: '1' }, maxBuffer: 1 << 26 });
  const ms = performance.now() - t;
  closeSync(fd);
  const rss = Number(/max RSS (\d+) MB/.exec(res.stderr.toString())?.[1] ?? NaN);
  if (res.status !== 0 && res.status !== 1) throw new Error(`eval exited ${res.status}: ${res.stderr.toString().slice(0, 500)}`);
  return { ms, rss, ncci: countIn(join(dir, 'out.ndjson'), '"kind":"ncci-bundled"') };
}
// Warm both stores' binary caches and the compiled-ruleset cache.
const warmShipped = evalRun(join(ROOT, 'rulesets'));
const warmNational = evalRun(national);
const shipped: number[] = [];
const nat: number[] = [];
const rssShipped: number[] = [];
const rssNational: number[] = [];
for (let k = 0; k < RUNS; k++) {
  const a = evalRun(join(ROOT, 'rulesets'));
  shipped.push(a.ms);
  rssShipped.push(a.rss);
  const b = evalRun(national);
  nat.push(b.ms);
  rssNational.push(b.rss);
}

// ---- ready to evaluate: tables found, rulesets loaded, one claim that needs the PTP table evaluated ----
const probe = { id: 'READY', payer: 'medicare-part-b', dateOfService: '2024-08-01', provider: { npi: '1234567893', discipline: 'PT' }, diagnoses: ['M62.81'], lines: [{ code: '97150', modifiers: ['GP'], units: 1 }, { code: '97110', modifiers: ['GP'], units: 1, minutes: 15 }] };
const ready = (rulesets: string) => {
  const t = performance.now();
  const rs = loadRulesets(rulesets, () => {});
  const ev = new Evaluator(rs, { tables: tablesFor(rulesets) });
  const report = ev.evaluateSync(probe);
  const ms = performance.now() - t;
  if (report.status === 'invalid' || !report.findings.some((f) => f.kind === 'ncci-bundled')) throw new Error('the probe claim was not checked against the PTP table');
  return ms;
};
// tablesFor keeps one provider per folder per process, so each timing uses its own copy of the store.
const readyTimes: number[] = [];
for (let k = 0; k < RUNS; k++) {
  const copy = join(dir, `ready-${k}`);
  cpSync(national, copy, { recursive: true });
  readyTimes.push(ready(copy));
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
rows.push([`import the national-size PTP release (${fmt(PTP_ROWS)} rows, normalized CSV)`, s(importMs), 'under 20 s']);
rows.push([`payer-rules eval, ${fmt(N)} claims, shipped tables (therapy PTP subset, ${fmt(manifest.rows)} rows)`, `${s(median(shipped))} (${fmt(N / (median(shipped) / 1000))} claims/s)`, '—']);
rows.push([`payer-rules eval, the same claims, national PTP (${fmt(PTP_ROWS)} rows)`, `${s(median(nat))} (${fmt(N / (median(nat) / 1000))} claims/s)`, '—']);
rows.push(['throughput, national ÷ shipped subset', `${((median(shipped) / median(nat)) * 100).toFixed(0)}%`, 'at least 80%']);
rows.push(['peak memory of eval, shipped tables (the process, workers included)', `${median(rssShipped)} MB`, '—']);
rows.push(['peak memory of eval, national tables (the process, workers included)', `${median(rssNational)} MB`, 'under 600 MB']);
rows.push(['(this benchmark process when it starts eval: what getrusage maxRSS would have counted for eval)', `${fmt(parentRss / 2 ** 20)} MB`, '—']);
rows.push(['a ruleset naming the national tables ready to evaluate (cached form): load, compile, one claim checked against the PTP table', s(median(readyTimes)), 'under 1.5 s']);
rows.push(['ncci-bundled findings, shipped vs national (the therapy edits are the same rows)', `${fmt(warmShipped.ncci)} vs ${fmt(warmNational.ncci)}`, 'equal']);

console.log(`national tables benchmark — node ${process.version}, ${cpus().length} cpus; medians of ${RUNS} runs (the import: 1 run); the machine may be shared, so re-run when it is quiet`);
console.log('');
console.log('| what | measured | goal |');
console.log('|---|---|---|');
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
rmSync(dir, { recursive: true, force: true });
