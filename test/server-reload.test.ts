// Rules change without downtime: under steady load (single claims and a batch streaming the whole
// time), a ruleset edited on disk is compiled off the request path and swapped in; a broken edit
// leaves the previous set serving (and /readyz says so); fixing it clears the warning. Not one
// request fails, and no request sees half a set.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { copyRulesets, postClaim, sampleClaims, send, startTestService, type TestService } from './server-helpers.ts';

let svc: TestService;
let dir: string;
beforeAll(async () => {
  dir = copyRulesets();
  svc = await startTestService({ rulesetsDir: dir, batchThreads: 1 });
});
afterAll(() => svc.close());

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** A batch upload that keeps sending a claim every few milliseconds until `stop()`; resolves to its reports. */
function slowBatch(claim: unknown): { stop: () => void; done: Promise<{ status: number; reports: { ruleset?: { version: string } }[] }> } {
  let timer: NodeJS.Timeout | undefined;
  const line = JSON.stringify(claim) + '\n';
  let n = 0;
  let stopper = () => {};
  const done = new Promise<{ status: number; reports: { ruleset?: { version: string } }[] }>((resolve, reject) => {
    const req = request(new URL('/v1/evaluate/batch', svc.url), { method: 'POST', headers: { 'content-type': 'application/x-ndjson' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reports: text.trimEnd().split('\n').map((l) => JSON.parse(l)) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    // Distinct ids, so none is reported as a repeat.
    timer = setInterval(() => req.write(line.replace('"MCR-OT-CLEAN"', `"BATCH-${n++}"`)), 5);
    stopper = () => {
      clearInterval(timer);
      req.end();
    };
  });
  return { stop: () => stopper(), done };
}

it('swaps a changed ruleset in under load with zero failed requests, and keeps serving through a broken edit', async () => {
  const [clean] = sampleClaims();
  const file = join(dir, 'medicare-part-b', '2026.payer');
  const original = readFileSync(file, 'utf8');
  const results: { started: number; status: number; version?: string }[] = [];
  let running = true;
  const loop = async () => {
    while (running) {
      const started = performance.now();
      try {
        const res = await postClaim(svc.url, clean);
        results.push({ started, status: res.status, version: res.status === 200 ? res.json().ruleset?.version : undefined });
      } catch {
        results.push({ started, status: 0 });
      }
    }
  };
  const loops = Array.from({ length: 6 }, loop);
  const batch = slowBatch(clean);
  await new Promise((r) => setTimeout(r, 300));

  // 1. A new version of the policy: swapped in, the requests go on.
  writeFileSync(file, original.replace('version 2026.1 effective', 'version 2026.2 effective'));
  await until('generation 2 is served', async () => (await send(svc.url, { path: '/v1/rulesets' })).json().generation === 2);
  const swappedAt = performance.now();
  await new Promise((r) => setTimeout(r, 300));

  // 2. A broken edit: the previous set keeps serving; /readyz says so and where the error is.
  writeFileSync(file, original.replace('version 2026.1 effective', 'version 2026.3 effective') + '\nrule BROKEN "no body" error {\n');
  await until('the folder is reported broken', async () => (await send(svc.url, { path: '/readyz' })).json().stale === true);
  const ready = await send(svc.url, { path: '/readyz' });
  expect(ready.status).toBe(200);
  const body = ready.json();
  expect(body).toMatchObject({ ready: true, stale: true, generation: 2 });
  expect(body.message).toMatch(/serving the previous set \(generation 2\)/);
  expect(body.problems[0]).toMatchObject({ file: expect.stringMatching(/medicare-part-b\/2026\.payer$/), code: expect.stringMatching(/^PR\d{4}$/) });
  expect(body.problems[0].line).toBeGreaterThan(1);
  expect(svc.logs.some((l) => l.includes('"event":"rulesets-rejected"') && l.includes('still serving the previous set'))).toBe(true);
  await new Promise((r) => setTimeout(r, 300));

  // 3. Fixed: a new generation, and the warning is gone.
  writeFileSync(file, original.replace('version 2026.1 effective', 'version 2026.3 effective'));
  await until('generation 3 is served', async () => (await send(svc.url, { path: '/readyz' })).json().generation === 3);
  expect((await send(svc.url, { path: '/readyz' })).json()).toMatchObject({ stale: false, problems: [] });
  await new Promise((r) => setTimeout(r, 200));

  running = false;
  await Promise.all(loops);
  batch.stop();
  const streamed = await batch.done;

  expect(results.length).toBeGreaterThan(50);
  expect(results.filter((r) => r.status !== 200)).toEqual([]);
  expect(new Set(results.map((r) => r.version))).toEqual(new Set(['2026.1', '2026.2', '2026.3']));
  // Once the new set answered, no request started later got the old one.
  expect(results.filter((r) => r.started > swappedAt && r.version === '2026.1')).toEqual([]);
  // The batch began under generation 1 and used it to the end, whatever was swapped in meanwhile.
  expect(streamed.status).toBe(200);
  expect(streamed.reports.length).toBeGreaterThan(50);
  expect(new Set(streamed.reports.map((r) => r.ruleset?.version))).toEqual(new Set(['2026.1']));

  const metrics = (await send(svc.url, { path: '/metrics' })).text;
  expect(metrics).toMatch(/payer_rules_ruleset_reloads_total\{outcome="loaded"\} 3/);
  expect(metrics).toMatch(/payer_rules_ruleset_reloads_total\{outcome="failed"\} [1-9]/);
  expect(metrics).toMatch(/payer_rules_rulesets_stale 0/);
});

it('an edit saved the moment the service has started is picked up (the watcher is ready before start-up returns)', async () => {
  const own = copyRulesets();
  const service = await startTestService({ rulesetsDir: own, batchThreads: 1 });
  try {
    const file = join(own, 'medicare-part-b', '2026.payer');
    writeFileSync(file, readFileSync(file, 'utf8').replace('version 2026.1 effective', 'version 2026.2 effective'));
    const end = Date.now() + 30_000;
    let generation = 1;
    while (generation !== 2 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      generation = (await send(service.url, { path: '/readyz' })).json().generation;
    }
    expect(generation).toBe(2);
    expect((await send(service.url, { path: '/v1/rulesets' })).json().rulesets.map((r: { id: string; version: string }) => `${r.id}@${r.version}`)).toContain('medicare-part-b@2026.2');
  } finally {
    await service.close();
  }
}, 60_000);
