// The evaluation service over real HTTP on 127.0.0.1: every endpoint, every refusal (400 with the
// JSON path of the bad field, 401, 403, 404, 413, 415, 429, 503), TLS, and what it logs (request
// ids and key names; never keys, claim bodies or patient data).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Evaluator } from '../engine/index.ts';
import { evaluateBatch } from '../cli/eval-core.ts';
import { parseApiKeys } from '../server/api-keys.ts';
import { startService } from '../server/index.ts';
import { generateClaim, rng } from '../bench/generate.ts';
import { ROOT, shippedRulesets, shippedTables } from './support.ts';
import { postBatch, postClaim, sampleClaims, send, startTestService, type TestService } from './server-helpers.ts';

const [clean, problems] = sampleClaims() as [Record<string, unknown>, Record<string, unknown>];
/** Patient identity and authorization numbers that must never reach a log line. */
const SECRETS = ['PAT-SAMPLE-1', '1948-02-11', 'PAT-MARKER-', 'PA-1', 'AUTH-SECRET-77'];

describe('without API keys (this machine only)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(() => svc.close());

  it('evaluates one claim; the report names the ruleset version and content hash it used', async () => {
    const res = await postClaim(svc.url, clean);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const report = res.json();
    expect(report).toMatchObject({ claimId: 'MCR-OT-CLEAN', status: 'clean', ruleset: { id: 'medicare-part-b', version: '2026.1' } });
    const listed = (await send(svc.url, { path: '/v1/rulesets' })).json();
    const entry = listed.rulesets.find((r: { id: string; version: string }) => r.id === 'medicare-part-b' && r.version === '2026.1');
    expect(report.ruleset.hash).toBe(entry.hash);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('adds condition traces with ?explain=true, and the same findings as the engine', async () => {
    const res = await postClaim(svc.url, problems, {}, '?explain=true');
    expect(res.status).toBe(200);
    const report = res.json();
    expect(report.explain.length).toBeGreaterThan(0);
    const direct = new Evaluator(shippedRulesets(), { tables: shippedTables() }).evaluateSync(problems, { explain: true });
    expect(direct.status).toBe('errors');
    expect(report.findings).toEqual((direct as { findings: unknown }).findings);
  });

  it.each([
    { note: 'a line without a procedure code', claim: { ...clean, lines: [{ units: 1 }] }, paths: ['lines[0].code'] },
    { note: 'no service lines', claim: { ...clean, lines: [] }, paths: ['lines'] },
    { note: 'a date of service that is not a calendar date', claim: { ...clean, dateOfService: '2026-02-30' }, paths: ['dateOfService'] },
    { note: 'a modifier of the wrong shape, deep in a line', claim: { ...clean, lines: [{ code: '97110', modifiers: ['G'] }] }, paths: ['lines[0].modifiers[0]'] },
    { note: 'a JSON array instead of a claim', claim: [clean], paths: [''] },
    { note: 'text that is not JSON', claim: '{"id": "X", ', paths: [''] },
  ])('400 with the JSON path of the bad field: $note', async ({ claim, paths }) => {
    const res = await postClaim(svc.url, claim);
    expect(res.status).toBe(400);
    const body = res.json();
    expect(body.status).toBe('invalid');
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(paths);
    expect(body.requestId).toBe(res.headers['x-request-id']);
  });

  it('evaluates a claim sent as an 837P; an 837P the reader rejects is a 400 naming the segment and element', async () => {
    const x12 = (name: string) => readFileSync(join(ROOT, 'test/fixtures/x12', name), 'utf8');
    // Without --payers the 837P's payer id (MEDB1) names no ruleset, and the report says so.
    const unmapped = await postClaim(svc.url, x12('10-synthetic-ot-medicare.837'), { 'content-type': 'application/edi-x12' });
    expect(unmapped.status).toBe(200);
    expect(unmapped.json()).toMatchObject({ claimId: 'CLM-1001', ruleset: null, findings: [{ rule: 'NO-RULESET' }] });
    const { loadSupplements } = await import('../readers/index.ts');
    const mapped = await startTestService({ supplements: loadSupplements({ payers: { name: 'payers.json', text: x12('10-12-synthetic.payers.json') } }), logLevel: 'silent' });
    try {
      const ok = await postClaim(mapped.url, x12('10-synthetic-ot-medicare.837'), { 'content-type': 'application/edi-x12' });
      expect(ok.status, JSON.stringify(mapped.store.failure ?? ok.text)).toBe(200);
      expect(ok.json()).toMatchObject({ claimId: 'CLM-1001', ruleset: { id: 'medicare-part-b', version: '2026.1' } });
    } finally {
      await mapped.close();
    }
    const bad = await postClaim(svc.url, x12('04-malformed-component-separator.linuxforhealth.837'), { 'content-type': 'application/edi-x12' });
    expect(bad.status).toBe(400);
    expect(bad.json().code).toBe('invalid-837p');
    expect(bad.json().errors[0]).toMatchObject({ path: expect.stringMatching(/segment \d+ \(CLM\) CLM05/), message: expect.stringMatching(/^X12-SEPARATOR: /) });
    const two = await postClaim(svc.url, x12('12-synthetic-slp-medicaid-crlf.837'), { 'content-type': 'application/edi-x12' });
    expect(two.status).toBe(400);
    expect(two.json().message).toMatch(/holds 2 claims; this endpoint takes one/);
  });

  it('400 for a query it does not know how to read, naming the parameter', async () => {
    const res = await postClaim(svc.url, clean, {}, '?explain=perhaps');
    expect(res.status).toBe(400);
    expect(res.json().errors[0].path).toBe('query.explain');
  });

  it('413 for a body over the one-claim limit, 415 for a media type the route does not take', async () => {
    const big = JSON.stringify({ ...clean, pad: 'x'.repeat(1024 * 1024) });
    expect((await postClaim(svc.url, big)).status).toBe(413);
    expect((await postClaim(svc.url, JSON.stringify(clean), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await postClaim(svc.url, JSON.stringify(clean), { 'content-type': 'application/x-ndjson' })).status).toBe(415);
    expect((await postBatch(svc.url, JSON.stringify(clean), { 'content-type': 'application/json' })).status).toBe(415);
  });

  it('403 for requests a web page or another host name could make (no keys: this machine only)', async () => {
    expect((await send(svc.url, { path: '/v1/rulesets', headers: { host: 'payer-rules.example.com' } })).status).toBe(403);
    expect((await send(svc.url, { path: '/v1/rulesets', headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await send(svc.url, { path: '/v1/rulesets', headers: { host: 'localhost:1234' } })).status).toBe(200);
  });

  it('404 names where the routes are listed', async () => {
    const res = await send(svc.url, { path: '/v1/nope' });
    expect(res.status).toBe(404);
    expect(res.json().message).toContain('/openapi.json');
  });

  it('lists the rulesets: ids, versions, effective windows, content hashes', async () => {
    const body = (await send(svc.url, { path: '/v1/rulesets' })).json();
    expect(body.generation).toBe(1);
    expect(body.rulesets.length).toBe(shippedRulesets().length);
    for (const r of body.rulesets) {
      expect(r.id).toMatch(/^[a-z0-9-]+$/);
      expect(r.effective.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r.hash).toMatch(/^[0-9a-z:]{12,}$/);
    }
    expect(new Set(body.rulesets.map((r: { hash: string }) => r.hash)).size).toBe(body.rulesets.length);
  });

  it('answers /healthz and /readyz, and counts requests, claims and reloads in /metrics', async () => {
    expect((await send(svc.url, { path: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await send(svc.url, { path: '/readyz' });
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ ready: true, stale: false, generation: 1, problems: [] });
    const m = await send(svc.url, { path: '/metrics' });
    expect(m.headers['content-type']).toMatch(/^text\/plain/);
    expect(m.text).toMatch(/payer_rules_http_requests_total\{route="\/v1\/evaluate",method="POST",status="200"\} \d+/);
    expect(m.text).toMatch(/payer_rules_claims_total\{status="clean",endpoint="evaluate"\} \d+/);
    expect(m.text).toMatch(/payer_rules_claims_total\{status="invalid",endpoint="evaluate"\} \d+/);
    expect(m.text).toMatch(/payer_rules_ruleset_reloads_total\{outcome="loaded"\} 1/);
    expect(m.text).toMatch(/payer_rules_http_request_duration_seconds_bucket\{le="0.025",route="\/v1\/evaluate",method="POST"\} \d+/);
  });

  it('streams a batch back in input order, each line exactly as `payer-rules eval` reports it', async () => {
    const r = rng(3);
    const claims = Array.from({ length: 700 }, (_, i) => JSON.stringify(generateClaim(r, i)));
    const lines = [JSON.stringify(clean), '', ...claims.slice(0, 300), '{"id": "BROKEN",', JSON.stringify(clean), ...claims.slice(300), '   '];
    const res = await postBatch(svc.url, lines.join('\r\n') + '\n');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const out = res.text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(out.length).toBe(703);
    // What the command line's core writes for the same input (the service adds the content hash).
    const jobs = lines.map((text, i) => ({ lineNo: i + 1, text })).filter((j) => j.text.trim() !== '');
    const cli = await evaluateBatch(new Evaluator(shippedRulesets(), { tables: shippedTables() }), jobs, 'compiled', false, 'ndjson');
    const expected = new TextDecoder().decode(cli.bytes).split('\n').map((l) => JSON.parse(l));
    const withoutHash = (x: { ruleset?: { hash?: string } | null }) => {
      if (x.ruleset) delete x.ruleset.hash;
      return x;
    };
    expect(out[0].ruleset.hash).toMatch(/^[0-9a-z:]{12,}$/);
    // A line that is not JSON, and a repeated claim id, are reported invalid in their place.
    expect(out[301]).toMatchObject({ claimId: null, status: 'invalid' });
    expect(out[301].errors[0].message).toMatch(/^line 303 is not valid JSON/);
    expect(out[302]).toMatchObject({ claimId: 'MCR-OT-CLEAN', status: 'invalid', errors: [{ path: 'id' }] });
    expect(out.map(withoutHash)).toEqual(expected.map((x, i) => (i === 302 ? out[302] : withoutHash(x))));
  });

  it('reports a line too long to be a claim in its place without keeping it, and goes on', async () => {
    const huge = JSON.stringify({ id: 'HUGE', pad: 'y'.repeat(5 * 1024 * 1024) });
    const res = await postBatch(svc.url, [JSON.stringify(clean), huge, JSON.stringify(problems)].join('\n'), {}, '?explain=1');
    const out = res.text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(out.map((r) => r.status)).toEqual(['clean', 'invalid', 'errors']);
    expect(out[1].errors[0].message).toMatch(/^line 2 holds more than 1000000 characters/);
    expect(out[2].explain.length).toBeGreaterThan(0);
  });

  it('logs one line per request with its id, and no patient data, claim body or authorization number', async () => {
    const withPa = { ...problems, id: 'LOG-CHECK', priorAuthorization: { number: 'AUTH-SECRET-77', from: '2026-01-01', to: '2026-12-31', visits: 12 } };
    await postClaim(svc.url, withPa, { 'x-request-id': 'trace-abc-123' });
    await postClaim(svc.url, '{"patient": {"id": "PAT-SAMPLE-1"}, "x": ');
    const r = rng(9);
    await postBatch(svc.url, Array.from({ length: 50 }, (_, i) => JSON.stringify(generateClaim(r, i))).join('\n'));
    const text = svc.logs.join('\n');
    expect(text).toContain('"reqId":"trace-abc-123"');
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect(text).not.toContain('97530');
    for (const line of svc.logs) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('with API keys', () => {
  const emrKey = 'k3y-for-the-emr-0123456789abcdef';
  const promKey = 'k3y-for-prometheus-fedcba9876543210';
  let svc: TestService;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payer-rules-keys-'));
    writeFileSync(join(dir, 'keys.txt'), `# name:key, one a line\nemr:${emrKey}\n\nprometheus:${promKey}\n`);
    const { loadApiKeys } = await import('../server/api-keys.ts');
    svc = await startTestService({ keys: loadApiKeys(join(dir, 'keys.txt'), undefined), rateLimitPerMinute: 4 });
  });
  afterAll(() => svc.close());
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });

  it('401 without a key or with an unknown one; 200 with a known key', async () => {
    const none = await postClaim(svc.url, clean);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await postClaim(svc.url, clean, auth('not-a-key-0000000000000'))).status).toBe(401);
    expect((await postClaim(svc.url, clean, { authorization: `Basic ${emrKey}` })).status).toBe(401);
    expect((await postClaim(svc.url, clean, auth(emrKey))).status).toBe(200);
  });

  it('429 once a key has used its limit, with Retry-After; other keys are not affected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(svc.url, { path: '/v1/rulesets', headers: auth(promKey) })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const limited = await send(svc.url, { path: '/v1/rulesets', headers: auth(promKey) });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().code).toBe('rate-limited');
    expect((await send(svc.url, { path: '/v1/rulesets', headers: auth(emrKey) })).status).toBe(200);
  });

  it('health and readiness need no key; metrics do; another host name is fine behind a proxy', async () => {
    expect((await send(svc.url, { path: '/healthz' })).status).toBe(200);
    expect((await send(svc.url, { path: '/readyz' })).status).toBe(200);
    expect((await send(svc.url, { path: '/metrics' })).status).toBe(401);
    const m = await send(svc.url, { path: '/metrics', headers: auth(promKey) });
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/payer_rules_auth_failures_total \d+/);
    expect((await send(svc.url, { path: '/healthz', headers: { host: 'rules.example.org' } })).status).toBe(200);
  });

  it('logs the key name, never the key', () => {
    const text = svc.logs.join('\n');
    expect(text).toContain('"key":"emr"');
    expect(text).not.toContain(emrKey);
    expect(text).not.toContain(promKey);
  });
});

describe('refusing to start, and TLS', () => {
  it('refuses another host without keys, and a port in use (exit 2 with what to do)', async () => {
    await expect(startTestService({ host: '0.0.0.0' })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without API keys/);
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startTestService({ port })).rejects.toThrow(new RegExp(`port ${port} on 127.0.0.1 is in use.*--port`));
      const cli = spawnSync(process.execPath, [join(ROOT, 'bin/payer-rules.mjs'), 'serve', '--rulesets', join(ROOT, 'rulesets'), '--port', String(port)], { encoding: 'utf8' });
      expect(cli.status).toBe(2);
      expect(cli.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      blocker.close();
    }
  });

  it('rejects weak or malformed API keys with where they are, never quoting the key', () => {
    expect(() => parseApiKeys(['emr:short'], () => 'keys.txt:1')).toThrow(/keys\.txt:1: the key for `emr` is shorter than 16 characters/);
    expect(() => parseApiKeys(['no-colon-here-at-all'], () => 'keys.txt:2')).toThrow(/keys\.txt:2: an API key is written name:key/);
    expect(() => parseApiKeys(['a:0123456789abcdef0', 'a:0123456789abcdef1'], (i) => `item ${i + 1}`)).toThrow(/item 2: the key name `a` appears twice/);
    expect(() => parseApiKeys(['a:0123456789abcdef0', 'b:0123456789abcdef0'], (i) => `item ${i + 1}`)).toThrow(/the key for `b` is the same as the key for `a`/);
  });

  it('serves HTTPS when given a certificate and key', async () => {
    const fx = join(ROOT, 'test/fixtures/server');
    const ca = readFileSync(join(fx, 'tls-test.crt'));
    const svc = await startService({
      rulesetsDir: join(ROOT, 'rulesets'),
      host: '127.0.0.1',
      port: 0,
      keys: parseApiKeys([], () => ''),
      tls: { cert: ca, key: readFileSync(join(fx, 'tls-test.key')) },
      rateLimitPerMinute: 0,
      bodyLimit: 1024 * 1024,
      maxBatchBytes: 0,
      batchThreads: 0,
      pollSeconds: 0,
      trustProxy: false,
      logLevel: 'silent',
    });
    try {
      expect(svc.url).toMatch(/^https:/);
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(new URL('/v1/evaluate', svc.url), { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (res) => {
          let t = '';
          res.on('data', (c) => (t += c));
          res.on('end', () => resolve(t));
        });
        req.on('error', reject);
        req.end(JSON.stringify(clean));
      });
      expect(JSON.parse(body)).toMatchObject({ claimId: 'MCR-OT-CLEAN', status: 'clean' });
      await expect(send(svc.url.replace('https:', 'http:'), { path: '/healthz' })).rejects.toThrow();
    } finally {
      await svc.close();
    }
  });
});
