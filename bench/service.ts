// `node bin/run-ts.mjs bench/service.ts`: the evaluation service and the queue, measured on this
// machine against 127.0.0.1. Medians of several runs; nothing here is asserted in a test.
// The load comes from autocannon in this process, so client and server share the cores: the table
// gives the CPU the load generator itself used (a share of a core) and the server's CPU time per
// request (all its processes), which moves less with the machine's load than requests per second.
// Single claims are measured against one process (`--processes 1`) and the default (one process
// per core), runs alternated so a change in the machine's load falls on both.
// Sizes: BENCH_SERVICE_CLAIMS (batch and queue corpus, default 200,000), BENCH_SOAK_SECONDS
// (default 60), BENCH_RUNS (3). BENCH_SERVICE_PARTS: any of single,batch,soak,queue (default all).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
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
const PARTS = new Set((process.env['BENCH_SERVICE_PARTS'] ?? 'single,batch,soak,queue').split(','));
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

/** `payer-rules serve` with these flags; resolves once it has printed that it listens (every process ready). */
async function startServe(port: number, flags: string[] = []): Promise<ChildProcess> {
  const p = spawn(process.execPath, [BIN, 'serve', '--rulesets', join(ROOT, 'rulesets'), '--port', String(port), '--rate-limit', '0', ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(p);
  let err = '';
  p.stderr!.on('data', (c) => (err += c));
  for (let i = 0; i < 1200 && !err.includes('listening on'); i++) await sleep(100);
  if ((await get(`http://127.0.0.1:${port}/readyz`)) !== 200) throw new Error(`serve did not get ready: ${err}`);
  return p;
}

/** A process and its descendants (the workers of `serve --processes N`, their threads are in the process). */
function processTree(pid: number): number[] {
  const out = [pid];
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean)) out.push(...processTree(Number(c)));
  } catch {
    // ended meanwhile
  }
  return out;
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
}

function rssMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      kb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // ended meanwhile
    }
  }
  return kb / 1024;
}

/** CPU seconds (user + system) used so far by a process and its descendants. */
function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // ended meanwhile
    }
  }
  return ticks / 100;
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
  if (PARTS.has('batch') || PARTS.has('queue')) await writeCorpus(corpus, N);
  const port = await freePort();
  // The default: one process per core (cli/serve.ts).
  const serve = await startServe(port);

  // ---- single claims at 64 connections: one process, and one per core ----
  const r = rng(7);
  const bodies = Array.from({ length: 200 }, (_, i) => JSON.stringify(claim(r, i)));
  const single = (p: number, seconds: number, overallRate?: number) =>
    autocannon({
      url: `http://127.0.0.1:${p}/v1/evaluate`,
      connections: 64,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: bodies.map((body) => ({ body })),
      ...(overallRate ? { overallRate } : {}),
    });
  let rate = 0;
  if (PARTS.has('single')) {
    const onePort = await freePort();
    const one = await startServe(onePort, ['--processes', '1']);
    const setups = [
      { name: 'one process (--processes 1)', port: onePort, pid: one.pid!, runs: [] as { rps: number; p50: number; p99: number; errors: number; malformed: number; serverUs: number; clientCore: number }[] },
      { name: `default (${cpus().length} processes, one per core)`, port, pid: serve.pid!, runs: [] as { rps: number; p50: number; p99: number; errors: number; malformed: number; serverUs: number; clientCore: number }[] },
    ];
    const loadBefore = loadAverage();
    for (const s of setups) await single(s.port, 3); // warm-up
    for (let i = 0; i < RUNS; i++) {
      for (const s of setups) {
        const server0 = cpuSeconds(s.pid);
        const client0 = process.cpuUsage();
        const res = await single(s.port, 10);
        const client = process.cpuUsage(client0);
        const served = res.requests.total;
        s.runs.push({
          rps: res.requests.average,
          p50: res.latency.p50,
          p99: res.latency.p99,
          // Only valid claims are sent, but a generated claim may be malformed on purpose (400 is its answer).
          errors: res.errors + res['5xx'] + res.timeouts,
          malformed: res['4xx'],
          serverUs: ((cpuSeconds(s.pid) - server0) / served) * 1e6,
          clientCore: (client.user + client.system) / 1e6 / 10,
        });
      }
    }
    one.kill('SIGTERM');
    // Other work on the machine takes cores from both client and server: say how busy it was.
    rows.push(['machine load average (1 min) before → after the single-claim runs', `${loadBefore} → ${loadAverage()}`, 'under ~1.5 for figures to compare']);
    for (const s of setups) {
      const m = (f: (x: (typeof s.runs)[number]) => number) => median(s.runs.map(f));
      const goal = s.port === port;
      rows.push([`POST /v1/evaluate, 64 connections, ${s.name}: claims/s`, `${fmt(m((x) => x.rps))} (${RUNS} runs of 10 s)`, goal ? 'at least 4,000' : '—']);
      rows.push(['… latency p50 / p99', `${m((x) => x.p50)} / ${m((x) => x.p99)} ms`, goal ? 'p99 under 25 ms' : '—']);
      rows.push(['… server CPU per request (all its processes); load generator (autocannon) CPU', `${fmt(m((x) => x.serverUs))} µs; ${m((x) => x.clientCore).toFixed(2)} of a core`, '—']);
      rows.push(['… answers that were errors (connection errors, 5xx, timeouts); 400s for the malformed share', `${s.runs.reduce((a, x) => a + x.errors, 0)}; ${fmt(s.runs.reduce((a, x) => a + x.malformed, 0))}`, '0']);
    }
    rate = median(setups[1]!.runs.map((x) => x.rps));
  }

  if (PARTS.has('batch')) {
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
  }

  if (PARTS.has('soak')) {
    // Half the rate the default reached above (or 2,000 claims/s when that part was not run).
    if (!rate) rate = 4000;
    // ---- soak at half the single-claim rate ----
    await sleep(2000);
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssMb(serve.pid!)), 1000);
    const soak = await single(port, SOAK, Math.round(rate / 2));
    clearInterval(sampler);
    const settle = Math.min(10, Math.floor(samples.length / 4));
    const early = median(samples.slice(settle, settle + 10));
    const late = median(samples.slice(-10));
    rows.push([`soak: ${SOAK} s at ${fmt(rate / 2)} claims/s, server memory (RSS) early → late`, `${early.toFixed(0)} → ${late.toFixed(0)} MB (${late >= early ? '+' : ''}${(((late - early) / early) * 100).toFixed(1)}%)`, 'within 10%']);
    rows.push(['soak: errors (connection errors, 5xx), timeouts', `${soak.errors + soak['5xx']}, ${soak.timeouts}`, '0']);
    rows.push(['soak: p99 latency', `${soak.latency.p99} ms`, '—']);
  }
  serve.kill('SIGTERM');

  if (PARTS.has('queue')) {
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
  }
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}; load average at the end ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
console.log('| what | measured | goal |\n|---|---|---|');
for (const [w, m, g] of rows) console.log(`| ${w} | ${m} | ${g} |`);
