// `node bin/run-ts.mjs bench/service.ts`: the evaluation service and the queue, measured on this
// machine against 127.0.0.1 (load from autocannon in this process, so client and server share the
// cores). Medians of several runs; nothing here is asserted in a test. Sizes: BENCH_SERVICE_CLAIMS
// (batch and queue corpus, default 200,000), BENCH_SOAK_SECONDS (default 60), BENCH_RUNS (3).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateClaim, rng } from './generate.ts';
import { projectRoot } from '../workspace/files.ts';

const ROOT = projectRoot();
const BIN = join(ROOT, 'bin/payer-rules.mjs');
const N = Number(process.env['BENCH_SERVICE_CLAIMS'] ?? 200_000);
const SOAK = Number(process.env['BENCH_SOAK_SECONDS'] ?? 60);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'payer-rules-bench-service-'));
const rows: [string, string, string][] = [];
const children: ChildProcess[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function claim(r: () => number, i: number): Record<string, unknown> {
  const c = generateClaim(r, i);
  c['dateOfService'] = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
  return c;
}

async function writeCorpus(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const r = rng(5);
  for (let i = 0; i < n; i++) if (!out.write(JSON.stringify(claim(r, i)) + '\n')) await new Promise<void>((ok) => out.once('drain', () => ok()));
  await new Promise<void>((ok) => out.end(() => ok()));
}

async function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function startServe(port: number): Promise<ChildProcess> {
  const p = spawn(process.execPath, [BIN, 'serve', '--rulesets', join(ROOT, 'rulesets'), '--port', String(port), '--rate-limit', '0'], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(p);
  for (let i = 0; i < 600 && (await get(`http://127.0.0.1:${port}/readyz`)) !== 200; i++) await sleep(100);
  return p;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Posts a file to the batch endpoint and reads the reports; claims per second. */
function postFile(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    let lines = 0;
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/evaluate/batch', headers: { 'content-type': 'application/x-ndjson' } }, (res) => {
      res.on('data', (c: Buffer) => {
        for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) lines++;
      });
      res.on('end', () => (lines === N ? resolve(N / ((performance.now() - t) / 1000)) : reject(new Error(`batch returned ${lines} reports for ${N} claims`))));
    });
    req.on('error', reject);
    createReadStream(path, { highWaterMark: 1 << 20 }).pipe(req);
  });
}

try {
  const corpus = join(dir, 'claims.ndjson');
  await writeCorpus(corpus, N);
  const port = await freePort();
  const serve = await startServe(port);

  // ---- single claims at 64 connections ----
  const r = rng(7);
  const bodies = Array.from({ length: 200 }, (_, i) => JSON.stringify(claim(r, i)));
  const single = async (seconds: number, overallRate?: number) =>
    autocannon({
      url: `http://127.0.0.1:${port}/v1/evaluate`,
      connections: 64,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: bodies.map((body) => ({ body })),
      ...(overallRate ? { overallRate } : {}),
    });
  await single(3); // warm-up
  const singles = [];
  for (let i = 0; i < RUNS; i++) singles.push(await single(10));
  const rate = median(singles.map((s) => s.requests.average));
  const p99 = median(singles.map((s) => s.latency.p99));
  const failures = singles.reduce((a, s) => a + s.errors + s.non2xx, 0);
  // Only valid claims are sent, but a generated claim may be malformed on purpose (400 is its answer).
  const non200 = singles.reduce((a, s) => a + s.errors + s['5xx'], 0);
  rows.push(['POST /v1/evaluate, one claim a request, 64 connections: claims/s', `${fmt(rate)} (${RUNS} runs of 10 s)`, 'at least 4,000']);
  rows.push(['… p99 latency', `${p99} ms`, 'under 25 ms']);
  rows.push(['… answers that were errors (connection errors, 5xx); 400s for the malformed share', `${non200}; ${fmt(failures - non200)}`, '0']);

  // ---- the batch endpoint against the command line ----
  const cliRates: number[] = [];
  const batchRates: number[] = [];
  spawnSync(process.execPath, [BIN, 'eval', '--ruleset', join(ROOT, 'rulesets'), join(ROOT, 'rulesets/medicare-part-b/claims/sample.json')], { stdio: 'ignore' });
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    spawnSync(process.execPath, [BIN, 'eval', '--ruleset', join(ROOT, 'rulesets'), corpus], { stdio: ['ignore', 'ignore', 'ignore'] });
    cliRates.push(N / ((performance.now() - t) / 1000));
    batchRates.push(await postFile(port, corpus));
  }
  const cliRate = median(cliRates);
  const batchRate = median(batchRates);
  rows.push([`payer-rules eval, ${fmt(N)} claims (${(statSync(corpus).size / 1e6).toFixed(0)} MB NDJSON): claims/s`, fmt(cliRate), '—']);
  rows.push(['POST /v1/evaluate/batch, the same file streamed: claims/s', fmt(batchRate), '—']);
  rows.push(['batch endpoint ÷ command line', `${Math.round((batchRate / cliRate) * 100)}%`, 'at least 60%']);

  // ---- soak at half the single-claim rate ----
  await sleep(2000);
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssMb(serve.pid!)), 1000);
  const soak = await single(SOAK, Math.round(rate / 2));
  clearInterval(sampler);
  const settle = Math.min(10, Math.floor(samples.length / 4));
  const early = median(samples.slice(settle, settle + 10));
  const late = median(samples.slice(-10));
  rows.push([`soak: ${SOAK} s at ${fmt(rate / 2)} claims/s, server memory (RSS) early → late`, `${early.toFixed(0)} → ${late.toFixed(0)} MB (${late >= early ? '+' : ''}${(((late - early) / early) * 100).toFixed(1)}%)`, 'within 10%']);
  rows.push(['soak: errors (connection errors, 5xx), timeouts', `${soak.errors + soak['5xx']}, ${soak.timeouts}`, '0']);
  rows.push(['soak: p99 latency', `${soak.latency.p99} ms`, '—']);
  serve.kill('SIGTERM');

  // ---- the queue: one worker, then two, on the same batch ----
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  children.push(redis);
  await sleep(500);
  const url = `redis://127.0.0.1:${redisPort}`;
  const queueRun = async (workers: number) => {
    const ws = Array.from({ length: workers }, () => {
      const w = spawn(process.execPath, [BIN, 'worker', '--redis', url], { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      w.stderr!.on('data', (c) => (log += c));
      children.push(w);
      return { w, ready: () => log.includes('taking chunks') };
    });
    while (!ws.every((x) => x.ready())) await sleep(50);
    const t = performance.now();
    spawnSync(process.execPath, [BIN, 'submit', '--redis', url, '--rulesets', join(ROOT, 'rulesets'), corpus, '-o', '/dev/null'], { stdio: 'ignore' });
    const secs = (performance.now() - t) / 1000;
    for (const x of ws) x.w.kill('SIGTERM');
    await sleep(500);
    return N / secs;
  };
  // Alternated, so a change in the machine's load falls on both.
  const oneRuns: number[] = [];
  const twoRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    oneRuns.push(await queueRun(1));
    twoRuns.push(await queueRun(2));
  }
  const q1 = median(oneRuns);
  const q2 = median(twoRuns);
  rows.push([`queue: submit ${fmt(N)} claims, 1 worker: claims/s`, fmt(q1), '—']);
  rows.push(['queue: the same, 2 workers: claims/s', fmt(q2), '—']);
  rows.push(['queue: 2 workers ÷ 1 worker', `${(q2 / q1).toFixed(2)}×`, 'at least 1.3×']);
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}; load average at the end ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
console.log('| what | measured | goal |\n|---|---|---|');
for (const [w, m, g] of rows) console.log(`| ${w} | ${m} | ${g} |`);
