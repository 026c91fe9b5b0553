// `payer-rules serve --processes 2`, run as the real command: two worker processes share the port
// and take connections in turn, and the primary keeps what must be one per service. Pinned here
// over real HTTP: both processes answer; /metrics is the sum of both; a reload under load reaches
// every process with zero failed requests, and a broken edit is reported by every process; a key's
// rate limit holds across processes, exactly, also when each process takes it in grants of several
// requests; a worker that dies is replaced; SIGTERM stops them all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKER_SEMI_SPACE_MB, workerExecArgv } from '../server/primary.ts';
import { copyRulesets, postClaim, sampleClaims, send, spawnServe, type ServeProcess } from './server-helpers.ts';

const [clean] = sampleClaims();
const fresh = false as const; // a connection of its own per request: the processes take them in turn

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

let n = 0;
/** A request with an id of its own; resolves to the answer and the pid of the process that logged it. */
async function traced(svc: ServeProcess, path: string, init: { method?: string; body?: string } = {}) {
  const id = `cluster-test-${process.pid}-${n++}`;
  const res = await send(svc.url, { path, agent: fresh, headers: { 'x-request-id': id, 'content-type': 'application/json' }, ...init });
  const pid = await until(`the request ${id} is logged`, async () => svc.pidOf(id));
  return { res, pid };
}

function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('two processes on one port', () => {
  let svc: ServeProcess;
  let dir: string;
  beforeAll(async () => {
    dir = copyRulesets();
    svc = await spawnServe(['--rulesets', dir, '--processes', '2', '--workers', '1', '--rate-limit', '0']);
  }, 120_000);
  afterAll(() => svc?.stop());

  it('both processes answer, and /metrics is the sum of both', async () => {
    const series = 'payer_rules_http_requests_total{route="/v1/evaluate",method="POST",status="200"}';
    const before = metricValue((await send(svc.url, { path: '/metrics', agent: fresh })).text, series);
    const pids = new Set<number>();
    for (let i = 0; i < 10; i++) {
      const { res, pid } = await traced(svc, '/v1/evaluate', { method: 'POST', body: JSON.stringify(clean) });
      expect(res.status).toBe(200);
      pids.add(pid);
    }
    expect(pids.size).toBe(2);
    expect(pids.has(svc.child.pid!)).toBe(false);
    // Each worker runs with the larger young generation (fewer collections under load); the primary does not need it.
    for (const pid of pids) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain(`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`);
    expect(readFileSync(`/proc/${svc.child.pid!}/cmdline`, 'utf8')).not.toContain('semi-space');
    const text = (await send(svc.url, { path: '/metrics', agent: fresh })).text;
    expect(metricValue(text, series) - before).toBe(10);
    expect(metricValue(text, 'payer_rules_processes')).toBe(2);
    expect(metricValue(text, 'payer_rules_ruleset_reloads_total{outcome="loaded"}')).toBe(1);
    expect(metricValue(text, 'payer_rules_ruleset_generation')).toBe(1);
    expect(metricValue(text, 'payer_rules_claims_total{status="clean",endpoint="evaluate"}')).toBeGreaterThanOrEqual(10);
  });

  it('a reload under load reaches every process with zero failed requests; a broken edit is reported by every process', async () => {
    const file = join(dir, 'medicare-part-b', '2026.payer');
    const original = readFileSync(file, 'utf8');
    const results: { status: number; version?: string }[] = [];
    let running = true;
    const loop = async () => {
      while (running) {
        try {
          const res = await postClaim(svc.url, clean, {}, '', fresh);
          results.push({ status: res.status, version: res.status === 200 ? res.json().ruleset?.version : undefined });
        } catch {
          results.push({ status: 0 });
        }
      }
    };
    const loops = Array.from({ length: 4 }, loop);
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(file, original.replace('version 2026.1 effective', 'version 2026.2 effective'));
    await until('the new set is published to every process', async () => svc.logs().some((l) => l['event'] === 'rulesets-published' && l['generation'] === 2));
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await Promise.all(loops);
    expect(results.length).toBeGreaterThan(20);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(new Set(results.map((r) => r.version))).toEqual(new Set(['2026.1', '2026.2']));

    // After the swap, every process serves the new set.
    const after = await Promise.all(Array.from({ length: 6 }, () => traced(svc, '/v1/evaluate', { method: 'POST', body: JSON.stringify(clean) })));
    expect(new Set(after.map((a) => a.pid)).size).toBe(2);
    expect(after.map((a) => a.res.json().ruleset.version)).toEqual(Array(6).fill('2026.2'));

    // A broken edit: every process keeps serving generation 2 and says why on /readyz.
    writeFileSync(file, original.replace('version 2026.1 effective', 'version 2026.3 effective') + '\nrule BROKEN "no body" error {\n');
    await until('the folder is reported broken', async () => (await send(svc.url, { path: '/readyz', agent: fresh })).json().stale === true);
    await new Promise((r) => setTimeout(r, 200));
    const ready = await Promise.all(Array.from({ length: 6 }, () => traced(svc, '/readyz')));
    expect(new Set(ready.map((a) => a.pid)).size).toBe(2);
    for (const { res } of ready) {
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ ready: true, stale: true, generation: 2, problems: expect.arrayContaining([expect.objectContaining({ file: expect.stringMatching(/medicare-part-b\/2026\.payer$/), code: 'PR1003' })]) });
    }
    const text = (await send(svc.url, { path: '/metrics', agent: fresh })).text;
    expect(metricValue(text, 'payer_rules_rulesets_stale')).toBe(1);
    expect(metricValue(text, 'payer_rules_ruleset_generation')).toBe(2);
    expect(metricValue(text, 'payer_rules_ruleset_reloads_total{outcome="failed"}')).toBeGreaterThanOrEqual(1);

    // Restored: no longer stale anywhere.
    writeFileSync(file, original.replace('version 2026.1 effective', 'version 2026.2 effective'));
    await until('every process is back to fresh', async () => {
      const all = await Promise.all(Array.from({ length: 4 }, () => send(svc.url, { path: '/readyz', agent: fresh })));
      return all.every((r) => r.json().stale === false);
    });
    expect(metricValue((await send(svc.url, { path: '/metrics', agent: fresh })).text, 'payer_rules_rulesets_stale')).toBe(0);
  }, 120_000);

  it('a worker process that dies is replaced, and holds the current set before it answers', async () => {
    const { pid: victim } = await traced(svc, '/healthz');
    process.kill(victim, 'SIGKILL');
    await until('the primary counts the lost worker', async () => metricValue((await send(svc.url, { path: '/metrics', agent: fresh })).text, 'payer_rules_errors_total{kind="worker-exit"}') === 1);
    await until('a replacement serves', async () => metricValue((await send(svc.url, { path: '/metrics', agent: fresh })).text, 'payer_rules_processes') === 2);
    const answers = await Promise.all(Array.from({ length: 6 }, () => traced(svc, '/v1/evaluate', { method: 'POST', body: JSON.stringify(clean) })));
    expect(answers.map((a) => a.res.status)).toEqual(Array(6).fill(200));
    expect(new Set(answers.map((a) => a.pid)).size).toBe(2);
    expect(answers.some((a) => a.pid === victim)).toBe(false);
    // The replacement was handed the set being served (generation 2 from the test above), not a fresh compile.
    expect(new Set(answers.map((a) => a.res.json().ruleset.version))).toEqual(new Set(['2026.2']));
    expect(svc.logs().some((l) => l['event'] === 'worker-exit' && l['signal'] === 'SIGKILL')).toBe(true);
  }, 90_000);

  it('SIGTERM stops every process and exits 0', async () => {
    const pids = [...new Set(svc.logs().map((l) => l['pid'] as number))];
    expect(await svc.stop()).toBe(0);
    await until('every process has ended', async () =>
      pids.every((pid) => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      }),
    );
  }, 60_000);
});

describe('rate limits across processes', () => {
  const key = 'k3y-for-the-emr-0123456789abcdef';
  let svc: ServeProcess;
  beforeAll(async () => {
    const keys = join(mkdtempSync(join(tmpdir(), 'payer-rules-keys-')), 'keys.txt');
    writeFileSync(keys, `emr:${key}\n`);
    svc = await spawnServe(['--rulesets', copyRulesets(), '--processes', '2', '--workers', '1', '--api-keys', keys, '--rate-limit', '4']);
  }, 120_000);
  afterAll(() => svc?.stop());

  it('a key gets its limit once, whichever process its requests reach (429 after 4, across both)', async () => {
    const statuses: number[] = [];
    const pids = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const id = `limit-${i}`;
      const res = await send(svc.url, { path: '/v1/rulesets', agent: fresh, headers: { authorization: `Bearer ${key}`, 'x-request-id': id } });
      statuses.push(res.status);
      pids.add(await until(`request ${id} logged`, async () => svc.pidOf(id)));
    }
    expect(pids.size).toBe(2);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expect(svc.logs().some((l) => JSON.stringify(l).includes(key))).toBe(false);
  });
});

describe('rate limits across processes, granted in parts', () => {
  // A limit large enough that each process takes a key's allowance in grants of several requests
  // (an eighth of the limit shared among the processes: 300 / 8 / 4 → 9) and spends them without
  // asking the primary for every request. One key per test: each has a window of its own.
  const burstKey = 'k3y-for-the-clearinghouse-0123456789';
  const idleKey = 'k3y-for-the-billing-office-0123456789';
  const LIMIT = 300;
  let svc: ServeProcess;
  beforeAll(async () => {
    const keys = join(mkdtempSync(join(tmpdir(), 'payer-rules-keys-')), 'keys.txt');
    writeFileSync(keys, `clearinghouse:${burstKey}\nbilling:${idleKey}\n`);
    svc = await spawnServe(['--rulesets', copyRulesets(), '--processes', '2', '--workers', '1', '--api-keys', keys, '--rate-limit', String(LIMIT)]);
  }, 120_000);
  afterAll(() => svc?.stop());
  const ask = (key: string, id: string, agent: Agent | false) => send(svc.url, { path: '/v1/rulesets', agent, headers: { authorization: `Bearer ${key}`, 'x-request-id': id } });
  /** Requests on one connection until the first 429; how many were answered 200. */
  async function untilRefused(key: string, agent: Agent, prefix: string): Promise<number> {
    for (let j = 0; j <= LIMIT; j++) {
      const res = await ask(key, `${prefix}-${j}`, agent);
      if (res.status === 429) return j;
      expect(res.status).toBe(200);
    }
    throw new Error(`no 429 after ${LIMIT + 1} requests`);
  }

  it('a burst over 32 connections at once, spread over both processes, gets exactly the limit', async () => {
    const statuses: number[] = [];
    const ids: string[] = [];
    let i = 0;
    // 400 requests, 32 in flight at a time, each on a connection of its own (the processes take them in turn).
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (i < 400) {
          const id = `burst-${i++}`;
          const res = await ask(burstKey, id, fresh);
          statuses.push(res.status);
          if (res.status === 200) ids.push(id);
        }
      }),
    );
    expect(statuses.filter((s) => s === 200).length).toBe(LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBe(400 - LIMIT);
    const pids = await until('the burst is logged', async () => {
      const found = ids.map((id) => svc.pidOf(id));
      return found.every((p) => p !== undefined) && new Set(found);
    });
    expect(pids.size).toBe(2);
  }, 60_000);

  it('what one process was granted and left unused comes back once idle, for requests to the other: exactly the limit in all', async () => {
    // One keep-alive connection each: the processes take connections in turn, so these two are
    // answered by different processes.
    const a = new Agent({ keepAlive: true, maxSockets: 1 });
    const b = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // One request through the first process: it takes a grant and keeps the rest of it.
      expect((await ask(idleKey, 'idle-a', a)).status).toBe(200);
      // The second process then uses all it can get; the first one's rest is not among it, and a
      // key never gets more than its limit.
      const first = await untilRefused(idleKey, b, 'idle-b');
      expect(1 + first).toBeLessThanOrEqual(LIMIT);
      const pa = await until('idle-a is logged', async () => svc.pidOf('idle-a'));
      const pb = await until('idle-b-0 is logged', async () => svc.pidOf('idle-b-0'));
      expect(pa).not.toBe(pb);
      // Idle for a moment, the first process gives its rest back; the second gets exactly that.
      await new Promise((r) => setTimeout(r, 800));
      const after = await untilRefused(idleKey, b, 'idle-b-after');
      expect(1 + first + after).toBe(LIMIT);
    } finally {
      a.destroy();
      b.destroy();
    }
  }, 60_000);
});

describe('the Node options of a worker process', () => {
  it.each([
    { note: 'nothing given: the primary\'s own options and the young generation', execArgv: ['--enable-source-maps'], nodeOptions: '', want: ['--enable-source-maps', `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`] },
    { note: 'a size on the command line is kept as given', execArgv: ['--max-semi-space-size=8'], nodeOptions: '', want: ['--max-semi-space-size=8'] },
    { note: 'a size in NODE_OPTIONS (which workers inherit) wins too', execArgv: [], nodeOptions: '--max-old-space-size=2048 --max_semi_space_size=128', want: [] },
    { note: 'a minimum alone counts as a choice of size', execArgv: ['--min-semi-space-size=4'], nodeOptions: '', want: ['--min-semi-space-size=4'] },
  ])('$note', ({ execArgv, nodeOptions, want }) => {
    expect(workerExecArgv(execArgv, nodeOptions)).toEqual(want);
  });
});
