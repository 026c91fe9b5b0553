// `node bin/run-ts.mjs bench/service.ts`: the evaluation service and the queue, measured on this
// machine against 127.0.0.1. Medians of several runs; nothing here is asserted in a test.
// The load comes from autocannon in this process, so client and server share the cores: the table
// gives the CPU the load generator itself used (a share of a core) and the server's CPU time per
// request (all its processes), which moves less with the machine's load than requests per second.
// Single claims are measured against one process (`--processes 1`) and the default (one process
// per core), runs alternated so a change in the machine's load falls on both.
// Sizes: BENCH_SERVICE_CLAIMS (batch and queue corpus, default 200,000), BENCH_SOAK_SECONDS
// (default 60), BENCH_RUNS (3), BENCH_SINGLE_SECONDS (10), BENCH_OFFERED_RATE (4,000 claims/s).
// BENCH_SERVICE_PARTS: any of single,batch,soak,queue (default all).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
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
/** Seconds of each single-claim run; the offered rate of the goal's rows. */
const SECONDS = Number(process.env['BENCH_SINGLE_SECONDS'] ?? 10);
const OFFERED = Number(process.env['BENCH_OFFERED_RATE'] ?? 4000);
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

/**
 * `payer-rules serve` with these flags; resolves once it has printed that it listens (every process
 * ready). The rate limiter runs on every request, as in a deployment (it is on by default), with a
 * limit no run reaches: all the load comes from one address, which the default limit would refuse.
 */
async function startServe(port: number, flags: string[] = []): Promise<ChildProcess> {
  const p = spawn(process.execPath, [BIN, 'serve', '--rulesets', join(ROOT, 'rulesets'), '--port', String(port), '--rate-limit', '1000000000', ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
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

interface PacedResult {
  /** Answers per second while requests were being sent (answers after that are the backlog). */
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Connection errors and 5xx answers. */
  errors: number;
  /** Requests still unanswered 10 s after the run: the backlog when the rate is more than the service can do. */
  unanswered: number;
  /** 4xx answers (the generated claims include malformed ones on purpose). */
  malformed: number;
  /** Every answer, the backlog's included. */
  answered: number;
}

/**
 * Open-loop load at an even rate, as wrk2 makes it: request i is due at start + i / rate whatever
 * happened to the ones before, goes out on the first free one of `connections` keep-alive
 * connections (or waits for one), and its latency is counted from when it was due, not from when
 * it was sent, so a stall of the service (or of this process) delays everything behind it in full:
 * corrected for coordinated omission. A small HTTP/1.1 client on net sockets (the service always
 * answers with Content-Length), so the load generator takes as little of the two cores as
 * autocannon does.
 */
function pacedLoad(port: number, bodies: string[], rate: number, seconds: number, connections: number): Promise<PacedResult> {
  const requests = bodies.map((b) => Buffer.from(`POST /v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`));
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failed = 0;
  let malformed = 0;
  let sent = 0;
  let inRun = 0; // answers while requests were still falling due
  let next = 0; // the next request to fall due
  const due: number[] = []; // due times of requests waiting for a connection
  const start = performance.now();
  return new Promise((resolve) => {
    interface Conn {
      socket: Socket;
      dueAt: number | undefined;
      buf: Buffer;
    }
    const free: Conn[] = [];
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      clearTimeout(deadline);
      for (const c of conns) c.socket.destroy();
      const answered = latencies.length + malformed + failed;
      const sorted = latencies.sort((a, b) => a - b);
      const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
      // Requests never answered: still waiting at the deadline (an overloaded run), or on a lost connection.
      resolve({ rps: inRun / seconds, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: at(1), errors: failed, unanswered: total - answered, malformed, answered });
    };
    const send = (c: Conn, dueAt: number) => {
      c.dueAt = dueAt;
      c.socket.write(requests[sent++ % requests.length]!);
    };
    const dispatch = () => {
      const now = performance.now();
      while (next < total && start + (next * 1000) / rate <= now) due.push(start + (next++ * 1000) / rate);
      while (due.length && free.length) send(free.pop()!, due.shift()!);
      if (next >= total && !due.length && free.length === conns.length) finish();
    };
    const answered = (c: Conn, status: number) => {
      if (performance.now() - start <= seconds * 1000) inRun++;
      if (status >= 500) failed++;
      else if (status >= 400) malformed++;
      else latencies.push(performance.now() - c.dueAt!);
      c.dueAt = undefined;
      free.push(c);
      dispatch();
    };
    const conns: Conn[] = Array.from({ length: connections }, () => {
      const c: Conn = { socket: connect({ host: '127.0.0.1', port, noDelay: true }), dueAt: undefined, buf: Buffer.alloc(0) };
      c.socket.on('connect', () => (free.push(c), dispatch()));
      c.socket.on('data', (chunk: Buffer) => {
        c.buf = c.buf.length ? Buffer.concat([c.buf, chunk]) : chunk;
        for (;;) {
          const head = c.buf.indexOf('\r\n\r\n');
          if (head < 0) return;
          const headers = c.buf.subarray(0, head).toString('latin1');
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(headers)?.[1] ?? 0);
          if (c.buf.length < head + 4 + length) return;
          c.buf = c.buf.subarray(head + 4 + length);
          answered(c, Number(headers.slice(9, 12)));
        }
      });
      // A connection that fails is not used again; what it was waiting for is counted unanswered.
      c.socket.on('error', () => undefined);
      return c;
    });
    // Due requests are let out every millisecond (timers are not finer); each is timed from its own due time.
    const ticker = setInterval(dispatch, 1);
    const deadline = setTimeout(finish, (seconds + 10) * 1000);
  });
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
  // Three ways to load the service, all over 64 keep-alive connections:
  // - saturation (closed loop, autocannon): each connection sends its next claim as soon as the
  //   last answer arrives, so the rate is the most the service (and the load generator beside it
  //   on the same two cores) can do, and latency is simply connections ÷ throughput plus
  //   scheduling: these rows say how far the service goes, not how fast it answers at a given load;
  // - an offered rate of OFFERED claims/s with autocannon (`overallRate`). autocannon does not
  //   correct for coordinated omission: a connection waiting for a slow answer sends nothing
  //   meanwhile, and the requests it would have sent are never timed from when they were due. (Its
  //   rate mode would try, recording each latency with an "expected interval", but it passes
  //   1/rate rounded up to a whole millisecond: 62 requests/s per connection → 1 ms, which adds
  //   L-1 made-up samples of 1…L-1 ms for every L ms answer; we turn that off with
  //   `ignoreCoordinatedOmission` and time every answer from its actual send.) Its rate is a quota
  //   per connection and second, sent back to back from the start of each second: against a fast
  //   server the second's requests all go out in its first few hundred milliseconds, so near the
  //   service's capacity this is closed-loop load for most of every second;
  // - the same offered rate evenly paced (pacedLoad, open loop: one request every 1/OFFERED s,
  //   timed from when it was due, so coordinated omission is corrected). This is the goal's
  //   reading: "at 4,000 claims/s, p99 under 25 ms".
  // Max latency is reported beside the percentiles so that a stall cannot hide.
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
      ...(overallRate ? { overallRate, ignoreCoordinatedOmission: true } : {}),
    });
  interface Run extends Omit<PacedResult, 'answered'> {
    serverUs: number;
    clientCore: number;
  }
  /** One timed run against a setup (autocannon, or evenly paced), with the CPU both sides used. */
  const measure = async (s: { port: number; pid: number }, offered?: number, even = false): Promise<Run> => {
    const server0 = cpuSeconds(s.pid);
    const client0 = process.cpuUsage();
    const t = performance.now();
    let run: Omit<Run, 'serverUs' | 'clientCore'>;
    let served: number;
    if (even) {
      const paced = await pacedLoad(s.port, bodies, offered!, SECONDS, 64);
      run = paced;
      served = paced.answered;
    } else {
      const res = await single(s.port, SECONDS, offered);
      served = res.requests.total;
      // Only valid claims are sent, but a generated claim may be malformed on purpose (400 is its answer).
      run = { rps: served / res.duration, p50: res.latency.p50, p99: res.latency.p99, p999: res.latency.p99_9, max: res.latency.max, errors: res.errors + res['5xx'] + res.timeouts, unanswered: 0, malformed: res['4xx'] };
    }
    const client = process.cpuUsage(client0);
    return { ...run, serverUs: ((cpuSeconds(s.pid) - server0) / served) * 1e6, clientCore: (client.user + client.system) / 1e6 / ((performance.now() - t) / 1000) };
  };
  let rate = 0;
  if (PARTS.has('single')) {
    const onePort = await freePort();
    const one = await startServe(onePort, ['--processes', '1']);
    const setups = [
      { name: 'one process (--processes 1)', port: onePort, pid: one.pid!, goal: false, saturated: [] as Run[], offered: [] as Run[], paced: [] as Run[] },
      { name: `default (${cpus().length} processes, one per core)`, port, pid: serve.pid!, goal: true, saturated: [] as Run[], offered: [] as Run[], paced: [] as Run[] },
    ];
    const loadBefore = loadAverage();
    for (const s of setups) await single(s.port, 3); // warm-up
    // Alternated, so a change in the machine's load falls on every setup and both ways of loading it.
    for (let i = 0; i < RUNS; i++) {
      for (const s of setups) {
        s.saturated.push(await measure(s));
        s.offered.push(await measure(s, OFFERED));
        s.paced.push(await measure(s, OFFERED, true));
      }
    }
    one.kill('SIGTERM');
    // Other work on the machine takes cores from both client and server: say how busy it was.
    rows.push(['machine load average (1 min) before → after the single-claim runs', `${loadBefore} → ${loadAverage()}`, 'under ~1.5 for figures to compare']);
    const cpu = (runs: Run[]) => `${fmt(median(runs.map((x) => x.serverUs)))} µs; ${median(runs.map((x) => x.clientCore)).toFixed(2)} of a core`;
    const errors = (runs: Run[]) => `${runs.reduce((a, x) => a + x.errors, 0)}; ${fmt(runs.reduce((a, x) => a + x.malformed, 0))}`;
    for (const s of setups) {
      const m = (runs: Run[], f: (x: Run) => number) => median(runs.map(f));
      const runs = `${RUNS} runs of ${SECONDS} s`;
      rows.push([`POST /v1/evaluate, 64 connections, ${s.name}, saturated (closed loop): claims/s`, `${fmt(m(s.saturated, (x) => x.rps))} (${runs})`, s.goal ? 'at least 4,000' : '—']);
      rows.push(['… latency p50 / p99 / max (connections ÷ throughput, plus scheduling)', `${m(s.saturated, (x) => x.p50)} / ${m(s.saturated, (x) => x.p99)} / ${m(s.saturated, (x) => x.max)} ms`, '—']);
      rows.push(['… server CPU per request (all its processes); load generator (autocannon) CPU', cpu(s.saturated), '—']);
      rows.push(['… answers that were errors (connection errors, 5xx, timeouts); 400s for the malformed share', errors(s.saturated), '0']);
      rows.push([`POST /v1/evaluate, 64 connections, ${s.name}, offered ${fmt(OFFERED)} claims/s by autocannon (a quota a second, sent in bursts): achieved claims/s`, `${fmt(m(s.offered, (x) => x.rps))} (${runs})`, '—']);
      rows.push(['… latency p50 / p99 / p99.9 / max (from each actual send; no coordinated-omission correction)', `${m(s.offered, (x) => x.p50)} / ${m(s.offered, (x) => x.p99)} / ${m(s.offered, (x) => x.p999)} / ${m(s.offered, (x) => x.max)} ms`, '—']);
      rows.push(['… server CPU per request; load generator CPU; errors; 400s', `${cpu(s.offered)}; ${errors(s.offered)}`, '—']);
      rows.push([`POST /v1/evaluate, 64 connections, ${s.name}, offered ${fmt(OFFERED)} claims/s evenly paced (open loop): achieved claims/s`, `${fmt(m(s.paced, (x) => x.rps))} (${runs})`, s.goal ? fmt(OFFERED) : '—']);
      rows.push(['… latency p50 / p99 / p99.9 / max (from when each request was due: coordinated omission corrected)', `${m(s.paced, (x) => x.p50)} / ${m(s.paced, (x) => x.p99)} / ${m(s.paced, (x) => x.p999)} / ${m(s.paced, (x) => x.max)} ms`, s.goal ? 'p99 under 25 ms' : '—']);
      rows.push(['… server CPU per request; load generator CPU', cpu(s.paced), '—']);
      rows.push(['… errors (connection errors, 5xx); requests unanswered 10 s after the run (the backlog when the rate is beyond the service); 400s', `${s.paced.reduce((a, x) => a + x.errors, 0)}; ${fmt(s.paced.reduce((a, x) => a + x.unanswered, 0))}; ${fmt(s.paced.reduce((a, x) => a + x.malformed, 0))}`, '0; 0']);
    }
    rate = median(setups[1]!.saturated.map((x) => x.rps));
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
