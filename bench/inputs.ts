// Claims from practice systems and the NDJSON path, timed end to end through `payer-rules eval`:
// 837P and CSV claims per second against the same claims as NDJSON (goal: at least half), eval
// against the read-parse-write floor on 200,000 NDJSON claims (goal: within 2.5×), and a 1 GB
// single NDJSON line (reported invalid in place; memory and time). Medians of runs; the machine is
// shared, so re-run when it is quiet. Run alone: node bin/run-ts.mjs bench/inputs.ts
// Sizes: BENCH_INPUT_CLAIMS (837P/CSV/NDJSON comparison), BENCH_CLI_CLAIMS (floor), BENCH_HUGE_MB.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateClaim } from '../engine/validate.ts';
import { CSV_COLUMNS } from '../readers/index.ts';
import { projectRoot } from '../workspace/files.ts';
import { write837p } from '../test/x12-writer.ts';
import { generateClaim, rng } from './generate.ts';
import { FLOOR_SCRIPT, writeDatedCorpus } from './floor.ts';

const ROOT = projectRoot();
const bin = join(ROOT, 'bin/payer-rules.mjs');
const rulesets = join(ROOT, 'rulesets');
const dir = mkdtempSync(join(tmpdir(), 'payer-rules-bench-inputs-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: [string, string, string][] = [];
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

function wall(args: string[], env: Record<string, string> = {}): { ms: number; stderr: string; status: number | null } {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  return { ms: performance.now() - t, stderr: r.stderr.toString(), status: r.status };
}

/** Valid generated claims in the shape an 837P carries (every line dated and charged). */
function claims(n: number): Record<string, unknown>[] {
  const r = rng(21);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; out.length < n; i++) {
    const c = generateClaim(r, i);
    const dos = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    c['dateOfService'] = dos;
    c['submittedOn'] = dos;
    const lines = c['lines'] as Record<string, unknown>[];
    for (const l of lines) {
      l['dateOfService'] = dos;
      delete l['placeOfService'];
    }
    delete c['history'];
    delete c['priorAuthorization'];
    if (validateClaim(structuredClone(c)).ok) out.push(c);
  }
  return out;
}

function csvOf(cs: Record<string, unknown>[]): string {
  const cols = CSV_COLUMNS.filter((c) => ['claim_id', 'payer', 'patient_id', 'patient_birth_date', 'provider_npi', 'provider_discipline', 'date_of_service', 'place_of_service', 'diagnoses', 'code', 'modifiers', 'units', 'minutes', 'rendered_by', 'assistant_minutes', 'diagnosis_pointers', 'charge', 'line_date_of_service'].includes(c.name));
  const get = (o: unknown, path: string[]) => path.reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
  const cell = (v: unknown) => (v === undefined ? '' : Array.isArray(v) ? v.join(';') : String(v));
  const out = [cols.map((c) => c.name).join(',')];
  for (const c of cs) {
    (c['lines'] as unknown[]).forEach((l, i) => out.push(cols.map((col) => (col.name === 'claim_id' ? String(c['id']) : col.scope === 'line' ? cell(get(l, col.path)) : i === 0 ? cell(get(c, col.path)) : '')).join(',')));
  }
  return out.join('\n') + '\n';
}

// ---- 837P and CSV against NDJSON: the same claims, the same command, claims per second ----
const N = Number(process.env['BENCH_INPUT_CLAIMS'] ?? 50_000);
const cs = claims(N);
const ndjson = join(dir, 'claims.ndjson');
writeFileSync(ndjson, cs.map((c) => JSON.stringify(c)).join('\n') + '\n');
const written = write837p(cs, { element: '*', component: ':', segment: '~', newline: '\n' });
const x12 = join(dir, 'claims.837');
writeFileSync(x12, written.x12);
const payers = join(dir, 'payers.json');
writeFileSync(payers, written.payers);
const csv = join(dir, 'claims.csv');
writeFileSync(csv, csvOf(cs));
wall([bin, 'eval', '--ruleset', rulesets, join(dir, 'none.ndjson')]); // warm the bundle and the compile cache
const rate = (args: string[]) => {
  const ms = median([0, 1, 2].map(() => wall([bin, 'eval', '--ruleset', rulesets, '--format', 'ndjson', ...args]).ms));
  return (N / ms) * 1000;
};
const rNd = rate([ndjson]);
const r837 = rate([x12, '--payers', payers]);
const rCsv = rate([csv]);
const mb = (f: string) => `${(statSync(f).size / 2 ** 20).toFixed(0)} MB`;
rows.push([`eval, ${fmt(N)} claims as NDJSON (${mb(ndjson)})`, `${fmt(rNd)} claims/s`, '—']);
rows.push([`eval, the same claims as 837P (${mb(x12)}, with a payer map)`, `${fmt(r837)} claims/s = ${(r837 / rNd).toFixed(2)}× NDJSON`, 'at least 0.5× NDJSON']);
rows.push([`eval, the same claims as CSV (${mb(csv)})`, `${fmt(rCsv)} claims/s = ${(rCsv / rNd).toFixed(2)}× NDJSON`, 'at least 0.5× NDJSON']);

// ---- eval against the floor on 200,000 NDJSON claims ----
const cliN = Number(process.env['BENCH_CLI_CLAIMS'] ?? 200_000);
const cliFile = join(dir, 'floor.ndjson');
await writeDatedCorpus(cliFile, cliN);
const evalTimes: number[] = [];
const floorTimes: number[] = [];
// Interleaved, so a burst of load from elsewhere hits both.
for (let k = 0; k < 3; k++) {
  evalTimes.push(wall([bin, 'eval', '--ruleset', rulesets, cliFile]).ms);
  floorTimes.push(wall(['-e', FLOOR_SCRIPT, cliFile]).ms);
}
rows.push([`payer-rules eval, ${fmt(cliN)} claims NDJSON → NDJSON (${cpus().length} workers)`, `${(median(evalTimes) / 1000).toFixed(1)} s`, '—']);
rows.push(['floor: node reads, parses and writes the same NDJSON', `${(median(floorTimes) / 1000).toFixed(1)} s`, '—']);
rows.push(['eval ÷ floor', `${(median(evalTimes) / median(floorTimes)).toFixed(2)}× (runs: ${evalTimes.map((t, i) => (t / floorTimes[i]!).toFixed(2)).join(', ')})`, 'within 2.5×']);

// ---- one huge NDJSON line, streamed: invalid in place, memory flat, time linear ----
async function hugeLine(megabytes: number): Promise<{ ms: number; rss: number; ok: boolean }> {
  const t = performance.now();
  const child = spawn(process.execPath, [bin, 'eval', '--ruleset', rulesets, '-'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PAYER_RULES_REPORT_RSS: '1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b));
  child.stderr.on('data', (b: Buffer) => (err += b));
  const done = new Promise<void>((ok) => child.once('exit', () => ok()));
  const write = (s: string | Buffer) => new Promise<void>((ok) => (child.stdin.write(s) ? ok() : child.stdin.once('drain', () => ok())));
  const claim = JSON.stringify(cs[0]);
  await write(claim.replace(/"id":"[^"]*"/, '"id":"BEFORE"') + '\n{"id":"HUGE","x":"');
  const chunk = Buffer.alloc(1 << 20, 'x');
  for (let i = 0; i < megabytes; i++) await write(chunk);
  await write('"}\n' + claim.replace(/"id":"[^"]*"/, '"id":"AFTER"') + '\n');
  child.stdin.end();
  await done;
  const ids = out.trim().split('\n').map((l) => (JSON.parse(l) as { claimId: string | null }).claimId);
  return { ms: performance.now() - t, rss: Number(/max RSS (\d+) MB/.exec(err)?.[1] ?? NaN), ok: ids.join() === 'BEFORE,,AFTER' };
}
const hugeMb = Number(process.env['BENCH_HUGE_MB'] ?? 1024);
if (hugeMb > 0) {
  // Start-up (bundle, rulesets, tables) is the same for every size: a 1 MB line measures it. Each
  // size is run 3 times, interleaved, and its median taken: the quarter's reading time is a few
  // tenths of a second, the size of a start-up's jitter, so one run of each can make any ratio.
  const runs: Record<'base' | 'quarter' | 'full', { ms: number; rss: number; ok: boolean }[]> = { base: [], quarter: [], full: [] };
  for (let k = 0; k < 3; k++) {
    runs.base.push(await hugeLine(1));
    runs.quarter.push(await hugeLine(hugeMb / 4));
    runs.full.push(await hugeLine(hugeMb));
  }
  const mid = (xs: { ms: number; rss: number; ok: boolean }[]) => ({ ms: median(xs.map((x) => x.ms)), rss: Math.max(...xs.map((x) => x.rss)), ok: xs.every((x) => x.ok) });
  const base = mid(runs.base).ms;
  const quarter = mid(runs.quarter);
  const full = mid(runs.full);
  rows.push([`a single ${fmt(hugeMb)} MB NDJSON line between two claims, through standard input`, `${full.ok ? 'invalid in place, both claims evaluated' : 'WRONG OUTPUT'}; ${(full.ms / 1000).toFixed(1)} s, peak ${full.rss} MB`, 'invalid in place; under 300 MB']);
  rows.push([`reading time beyond start-up: ${fmt(hugeMb)} MB ÷ ${fmt(hugeMb / 4)} MB`, `${((full.ms - base) / 1000).toFixed(1)} s ÷ ${((quarter.ms - base) / 1000).toFixed(1)} s = ${((full.ms - base) / Math.max(1, quarter.ms - base)).toFixed(1)}× (start-up ${(base / 1000).toFixed(1)} s; peak ${quarter.rss} MB at ${fmt(hugeMb / 4)} MB)`, 'about 4× (linear)']);
}
rmSync(dir, { recursive: true, force: true });

console.log(`payer-rules input benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
console.log('');
console.log('| what | measured | goal |');
console.log('|---|---|---|');
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
