// Batch runs across processes on a real Redis and BullMQ: two `payer-rules worker` processes, one
// SIGKILLed in the middle of a chunk; every claim's report arrives exactly once, in input order,
// byte for byte what one process would write. A claim that kills every worker that touches it is
// reported invalid in its place after a bounded number of tries, and the run finishes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateClaim, rng } from '../bench/generate.ts';
import { evaluateLines } from '../server/batch-eval.ts';
import { ReportSequence } from '../server/batch.ts';
import { hashIndex, makeEvaluator } from '../server/evaluator.ts';
import { ROOT, shippedRulesets } from './support.ts';
import { startRedis, type TestRedis } from './queue-support.ts';

const BIN = join(ROOT, 'bin/payer-rules.mjs');
const dir = mkdtempSync(join(tmpdir(), 'payer-rules-queue-'));
let redis: TestRedis;
const workers: Worker[] = [];

interface Worker {
  proc: ChildProcess;
  log: string;
  exited: Promise<void>;
}

function spawnWorker(env: Record<string, string> = {}): Worker {
  const proc = spawn(process.execPath, [BIN, 'worker', '--redis', redis.url, '--lock-seconds', '2', '--max-claim-crashes', '1'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const w: Worker = { proc, log: '', exited: new Promise((r) => proc.once('exit', () => r())) };
  proc.stderr!.on('data', (c) => (w.log += c));
  workers.push(w);
  return w;
}

async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // Decoded as a stream: a character split across two pipe chunks stays one character (adding
    // each chunk as a string turned a split "→" into "��" and failed the comparison).
    p.stdout.setEncoding('utf8');
    p.stderr.setEncoding('utf8');
    p.stdout.on('data', (c: string) => (stdout += c));
    p.stderr.on('data', (c: string) => (stderr += c));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A claims file: generated claims, a blank line, a line that is not JSON, and a repeated id. */
function claimsFile(name: string, n: number): { path: string; lines: string[] } {
  const r = rng(17);
  const lines = Array.from({ length: n }, (_, i) => {
    const c = generateClaim(r, i);
    c['dateOfService'] = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    return JSON.stringify(c);
  });
  lines.splice(700, 0, '', '{"id": "NOT-JSON",', lines[5]!);
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return { path, lines };
}

/**
 * What one process writes for the same lines: the reports in order, repeats replaced. Content
 * hashes are compared apart (`unhashed`): in a shared working tree a ruleset may change between
 * the run and this.
 */
async function expected(lines: string[]): Promise<string> {
  const rulesets = shippedRulesets();
  const jobs = lines.map((text, i) => ({ lineNo: i + 1, text })).filter((j) => j.text.trim() !== '');
  return unhashed(new ReportSequence().take(await evaluateLines(makeEvaluator(rulesets, join(ROOT, 'rulesets')), hashIndex(rulesets), jobs, false)).toString('utf8'));
}

function unhashed(ndjson: string): string {
  return ndjson.replace(/,"hash":"[^"]*"/g, '');
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  await redis?.stop();
});

describe('payer-rules worker / submit / results on Redis', () => {
  it('a worker SIGKILLed mid-chunk: every report arrives exactly once, in input order', async () => {
    const { path, lines } = claimsFile('claims.ndjson', 6_000);
    // Whichever worker takes the chunk holding GEN-3100 stops there, and the test kills it.
    const hold = { PAYER_RULES_TEST_HOLD_ON_CLAIM: 'GEN-3100' };
    const a = spawnWorker(hold);
    const b = spawnWorker(hold);
    await until('both workers are ready', () => a.log.includes('taking chunks') && b.log.includes('taking chunks'));
    const out = join(dir, 'reports.ndjson');
    const submitting = run(['submit', '--redis', redis.url, '--rulesets', 'rulesets', path, '--chunk', '500', '-o', out]);
    await until('a worker is in the middle of the chunk with GEN-3100', () => a.log.includes('holding on line') || b.log.includes('holding on line'));
    const [victim, survivor] = a.log.includes('holding on line') ? [a, b] : [b, a];
    victim.proc.kill('SIGKILL');
    await victim.exited;
    spawnWorker(); // a replacement, as a supervisor would start
    const res = await submitting;
    expect(res.stderr).toBe('');
    expect(res.code).toBe(1); // some generated claims have errors or are invalid, as with eval
    const got = readFileSync(out, 'utf8');
    expect(got.split('\n').length - 1).toBe(6_002);
    expect(got).toMatch(/^\{"claimId":"GEN-0","ruleset":\{"id":"medicare-part-b","version":"2026\.1","hash":"[^"]+"\}/);
    expect(unhashed(got)).toBe(await expected(lines));
    // The chunk the victim held was redone by another worker, claim by claim.
    await until('the retry is logged', () => workers.some((w) => w !== victim && /attempt \d, claim by claim/.test(w.log)), 5000);
    expect(survivor.log + victim.log).toMatch(/chunk \S+\.\d+: 500 claims/);
    // Nothing of the run is left in Redis: results are deleted once written.
    expect(await redis.client.keys('payer-rules:payer-rules:out:*')).toEqual([]);
    expect(await redis.client.keys('payer-rules:payer-rules:in:*')).toEqual([]);
  });

  it('a claim that kills every worker is reported invalid in its place after bounded tries (detach, then results)', async () => {
    for (const w of workers) w.proc.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    const { path, lines } = claimsFile('poison.ndjson', 2_000);
    const poison = { PAYER_RULES_TEST_CRASH_ON_CLAIM: 'GEN-1234' };
    let stopping = false;
    let crashes = 0;
    // A supervisor: a worker that dies is started again, as systemd or Kubernetes would.
    const supervise = () => {
      const w = spawnWorker(poison);
      void w.exited.then(() => {
        if (stopping) return;
        crashes++;
        supervise();
      });
    };
    supervise();
    supervise();
    const sub = await run(['submit', '--redis', redis.url, '--rulesets', 'rulesets', path, '--chunk', '500', '--detach']);
    expect(sub.code).toBe(0);
    const runId = sub.stdout.trim();
    expect(runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{8}$/);
    expect(sub.stderr).toContain(`payer-rules results ${runId}`);
    const out = join(dir, 'poison-reports.ndjson');
    const res = await run(['results', '--redis', redis.url, runId, '-o', out]);
    stopping = true;
    expect(res.code).toBe(1);
    const got = unhashed(readFileSync(out, 'utf8')).trimEnd().split('\n');
    const want = (await expected(lines)).trimEnd().split('\n');
    expect(got.length).toBe(want.length);
    const at = want.findIndex((l) => l.includes('"claimId":"GEN-1234"'));
    expect(JSON.parse(got[at]!)).toEqual({
      claimId: 'GEN-1234',
      status: 'invalid',
      errors: [{ path: '', message: expect.stringMatching(/^the claim on line 1238 stopped the worker evaluating it once; it was not evaluated/) }],
    });
    expect(got.filter((_, i) => i !== at)).toEqual(want.filter((_, i) => i !== at));
    expect(crashes).toBe(2);
    // Detached results are kept (until --keep runs out) and can be written again.
    const again = await run(['results', '--redis', redis.url, runId]);
    expect(again.stdout).toBe(readFileSync(out, 'utf8'));
  });

  it('exits 2 with what to do: no Redis at the URL, an unknown run', async () => {
    const noRedis = spawnSync(process.execPath, [BIN, 'submit', '--redis', 'redis://127.0.0.1:1', '--rulesets', 'rulesets', 'rulesets/medicare-part-b/claims/sample.json'], { cwd: ROOT, encoding: 'utf8' });
    expect(noRedis.status).toBe(2);
    expect(noRedis.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1 .*give --redis URL/);
    const unknown = await run(['results', '--redis', redis.url, '20260101-000000-00000000']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no run `20260101-000000-00000000` in this Redis');
  });
});
