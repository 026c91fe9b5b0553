// The attacks of the December 2026 adversarial review (issue 10), replayed with generated variants
// instead of the one input each regression test pins: hostile Host and Origin headers and
// traversal paths against a real studio server; claims carrying patient-data markers through
// every output and trace; garbage NDJSON lines; pathological rulesets; file names with control and
// bidirectional characters. `npm test` runs a few dozen variants of each; `npm run fuzz` runs
// FUZZ_RUNS / 10 of each (and the pinned regression tests: test/studio.test.ts,
// test/robustness.test.ts, test/cli-files.test.ts, test/limits.test.ts, test/phi.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createStudio, type Studio } from '../studio/server.ts';
import { analyze, rulesetLoader } from '../dsl/index.ts';
import { DIAGNOSTIC_CODES } from '../dsl/diagnostic-codes.ts';
import { Evaluator } from '../engine/index.ts';
import { evaluateBatch } from '../cli/eval-core.ts';
import { Summary, csvRows, factsOf, renderHtml, renderText } from '../writers/index.ts';
import { escapeName } from '../workspace/files.ts';
import { generateClaim, rng } from '../bench/generate.ts';
import { FIELDS } from '../engine/field-catalog.ts';
import { shippedRulesets, shippedTables } from './support.ts';

const RUNS = Math.max(20, Math.floor(Number(process.env['FUZZ_RUNS'] ?? 300) / 10));

// ---- the studio behind a hostile browser ----

const dir = mkdtempSync(join(tmpdir(), 'adversarial-'));
const rulesets = join(dir, 'rulesets');
const outside = join(dir, 'outside');
const SECRET = 'SECRET-CONTENT-OUTSIDE';
const studio: Studio = createStudio({ rulesetsDir: rulesets, staticDir: join(dir, 'static'), port: 0 });
let port = 0;

beforeAll(async () => {
  mkdirSync(join(rulesets, 'p', 'claims'), { recursive: true });
  mkdirSync(outside);
  mkdirSync(join(dir, 'static'));
  writeFileSync(join(dir, 'static', 'index.html'), '<html><head></head></html>');
  writeFileSync(join(rulesets, 'p', 'a.payer'), 'ruleset p "P"\n');
  writeFileSync(join(outside, 'secret.payer'), SECRET);
  writeFileSync(join(dir, 'package.json'), SECRET);
  symlinkSync(outside, join(rulesets, 'escape'));
  await new Promise<void>((ok) => studio.listen(0, '127.0.0.1', ok));
  port = (studio.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((ok) => studio.close(() => ok())));

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((ok) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => ok({ status: res.statusCode!, body: b }));
      res.on('error', () => ok({ status: 0, body: '' }));
    });
    req.on('error', () => ok({ status: 0, body: '' }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Everything under a folder, recursively (links not followed). */
function tree(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() && !e.isSymbolicLink() ? [e.name + '/', ...tree(join(d, e.name)).map((x) => `${e.name}/${x}`)] : [e.name])).sort();
}

const ALLOWED_HOSTS = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
const hostName = fc.oneof(fc.domain(), fc.ipV4(), fc.constantFrom('127.0.0.1', 'localhost', '[::1]', 'LOCALHOST', '127.0.0.2', '0.0.0.0', 'attacker.example', 'localhost.attacker.example'));
const hostHeader = fc.tuple(hostName, fc.oneof(fc.constant(''), fc.constant(':PORT'), fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`))).map(([h, p]) => h + p);

// Path pieces an attacker combines: parents in every encoding, separators, the link out, names the
// studio must never write, control characters.
const piece = fc.constantFrom('..', '.', '%2e%2e', '%252e%252e', '..%2f', '..%5c', '%2f', '%5c', '\\', '/', '//', 'escape', 'p', 'claims', 'a.payer', 'secret.payer', 'package.json', '.env', '.git', 'x.payer\u0000.txt', 'x\u202e.payer', 'x\n.payer', '%00', 'outside', 'new.payer', 'new.cases.yaml', 'sample.json', '~', 'C:', '%c0%ae%c0%ae');
const pathArb = fc.array(piece, { minLength: 1, maxLength: 7 }).map((xs) => xs.join(''));

describe('the studio, attacked', () => {
  it('(control) serves its own files to its own host, so the refusals below mean something', async () => {
    for (const host of ALLOWED_HOSTS()) expect((await send('GET', '/api/file?path=p/a.payer', { host })).body).toContain('ruleset p');
  });

  it('answers only at its own host names: any other Host gets 421 and no file content', async () => {
    await fc.assert(
      fc.asyncProperty(hostHeader, async (h) => {
        const host = h.replace(':PORT', `:${port}`);
        const r = await send('GET', '/api/file?path=p/a.payer', { host });
        if (ALLOWED_HOSTS().has(host.toLowerCase())) expect(r.status).toBe(200);
        else {
          expect(r.status, host).toBe(421);
          expect(r.body).not.toContain('ruleset p');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a write from any Origin but its own page, and writes nothing', async () => {
    const before = tree(rulesets);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.webUrl(), fc.constantFrom('null', `http://localhost:${port + 1}`, `https://127.0.0.1:${port}`, `http://127.0.0.1:${port}.evil.example`, '')), async (origin) => {
        const body = JSON.stringify({ path: 'p/written.payer', text: 'x', baseVersion: null });
        const r = await send('PUT', '/api/file', { host: `127.0.0.1:${port}`, origin, 'content-type': 'application/json' }, body);
        if (origin === `http://127.0.0.1:${port}`) return; // its own page (not generated in practice)
        expect(r.status, origin).toBe(403);
      }),
      { numRuns: RUNS },
    );
    expect(tree(rulesets)).toEqual(before);
  });

  it('never reads outside the rulesets folder, whatever the path', async () => {
    await fc.assert(
      fc.asyncProperty(pathArb, async (p) => {
        const r = await send('GET', `/api/file?path=${encodeURI(p).replace(/#/g, '%23')}`, { host: `127.0.0.1:${port}` });
        expect(r.body, p).not.toContain(SECRET);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('never writes outside the rulesets folder, nor a file kind it does not own, whatever the path', async () => {
    const outsideBefore = tree(dir).filter((x) => !x.startsWith('rulesets/'));
    await fc.assert(
      fc.asyncProperty(pathArb, async (p) => {
        const body = JSON.stringify({ path: p, text: 'ruleset x "X"\n', baseVersion: null });
        await send('PUT', '/api/file', { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' }, body);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(tree(dir).filter((x) => !x.startsWith('rulesets/'))).toEqual(outsideBefore);
    expect(readFileSync(join(outside, 'secret.payer'), 'utf8')).toBe(SECRET);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(SECRET);
    // Whatever was created is a ruleset, case file or claims file with a printable name.
    for (const f of tree(rulesets).filter((x) => !x.endsWith('/') && !x.startsWith('escape'))) {
      expect(f, f).toMatch(/(\.payer|\.cases\.yaml|^.*claims\/[^/]+\.(json|ndjson|837|csv))$/);
      expect(escapeName(f)).toBe(f);
      expect(f.split('/').some((s) => s.startsWith('.'))).toBe(false);
    }
  });
});

// ---- patient data through every output ----

describe('patient data never printed', () => {
  const PHI_FIELDS = new Set(FIELDS.filter((f) => f.phi).map((f) => f.path));
  const evaluator = new Evaluator(shippedRulesets(), { tables: shippedTables() });
  const payers = [...new Set(evaluator.rulesets.map((r) => r.ruleset.id))];
  const marker = fc.stringMatching(/^[A-Z]{3}[0-9]{6}[A-Z]{3}$/);
  const birth = fc.date({ min: new Date('1930-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

  it('no report, trace, text, CSV row or HTML page holds the patient id, birth date, age or authorization number', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.nat(1000), marker, birth, marker, async (seed, n, patientId, birthDate, auth) => {
        const claim = generateClaim(rng(seed), n, payers) as Record<string, unknown> & { dateOfService: string };
        claim['patient'] = { id: patientId, birthDate };
        claim['priorAuthorization'] = { number: auth, from: '2020-01-01', to: '2030-12-31', visits: 30 };
        const age = String(new Date(claim.dateOfService).getUTCFullYear() - Number(birthDate.slice(0, 4)));
        for (const runtime of ['compiled', 'json-rules-engine'] as const) {
          const r = await evaluator.evaluate(claim, { runtime, explain: true });
          const s = new Summary();
          s.add(factsOf(r, claim));
          const outputs = [JSON.stringify(r), renderText(r), csvRows(r), renderHtml(s.data(), [factsOf(r, claim)])];
          for (const out of outputs) {
            expect(out).not.toContain(patientId);
            expect(out).not.toContain(birthDate);
            expect(out).not.toContain(auth);
          }
          // The age appears only as the derived test ("patient age ≥ 21: true"), never as a value in a trace.
          const conditions = 'explain' in r ? (r.explain ?? []).flatMap((t) => t.conditions) : [];
          const shown = conditions.filter((c) => PHI_FIELDS.has(String((c.params as { field?: unknown } | undefined)?.field)) && (c.actual === Number(age) || c.actual === birthDate || c.actual === patientId || c.actual === auth));
          expect(shown.map((c) => c.name)).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- garbage input, one report per line ----

describe('hostile NDJSON lines', () => {
  const evaluator = new Evaluator(shippedRulesets(), { tables: shippedTables() });
  const line = fc.oneof(
    fc.json(),
    fc.string(),
    fc.constantFrom('{', '}', '[', '"', 'null', '{"id":', '{"__proto__":{"polluted":1},"id":"X"}', '{"constructor":{"prototype":{"polluted":1}}}', '\u0000', '\ufeff{}', '{"id":"A","lines":[' + '['.repeat(5000) + ']'.repeat(5000) + ']}'),
    fc.integer({ min: 1, max: 64 }).map((depth) => '{"id":"D","lines":' + '['.repeat(depth) + ']'.repeat(depth) + '}'),
  );

  it('every line gets a report, in order, and nothing is polluted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 20 }), async (lines) => {
        const jobs = lines.map((text, i) => ({ lineNo: i + 1, text: text.replace(/\n/g, ' ') }));
        const res = await evaluateBatch(evaluator, jobs, 'compiled', false, 'ndjson');
        const text = Buffer.from(res.bytes).toString('utf8');
        const reports = text.split('\n').map((l) => JSON.parse(l) as { status: string });
        expect(reports).toHaveLength(lines.length);
        for (const r of reports) expect(['clean', 'warnings', 'errors', 'invalid']).toContain(r.status);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- pathological rulesets ----

describe('pathological rulesets', () => {
  const header = (id: string) => `ruleset ${id} "${id}"\nversion 1 effective 2026-01-01\n`;
  const shape = fc.oneof(
    fc.integer({ min: 1, max: 400 }).map((n) => `${header('sums')}rule R "r" warning {\n  when ${Array.from({ length: n }, () => 'line.units').join(' + ')} > 5\n  cite "c"\n}\n`),
    fc.integer({ min: 1, max: 200 }).map((n) => `${header('nest')}rule R "r" warning {\n  when ${'('.repeat(n)}line.units > 1${')'.repeat(n)}\n  cite "c"\n}\n`),
    fc.integer({ min: 1, max: 200 }).map((n) => `${header('nots')}rule R "r" warning {\n  when ${'not '.repeat(n)}line.units > 1\n  cite "c"\n}\n`),
    fc.array(fc.constantFrom('codes', 'rule', '{', '}', 'when', 'and', '(', ')', 'line.units', '>', '1', '"x"', 'cite', '\n', 'extends', 'sums', '..', '97110', 'M54.5*', 'diagnoses'), { maxLength: 300 }).map((xs) => header('soup') + xs.join(' ')),
  );

  it('check and compile never throw: a ruleset compiles, or gets catalogued diagnostics with spans', () => {
    fc.assert(
      fc.property(shape, (text) => {
        const res = analyze({ name: 'x.payer', text });
        for (const d of res.diagnostics) {
          expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
          expect(d.span.start).toBeGreaterThanOrEqual(0);
          expect(d.span.end).toBeLessThanOrEqual(text.length);
        }
        if (!res.diagnostics.some((d) => d.severity === 'error')) expect(res.compiled).toBeDefined();
      }),
      { numRuns: RUNS },
    );
  });

  it('extends chains and cycles of any shape end in a diagnostic, never a stack overflow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.nat(), (n, k) => {
        const target = (i: number) => (i === 0 ? (k % 3 === 0 ? `c${n - 1}` : undefined) : `c${(i - 1 + (k % 5 === 0 ? 2 : 0)) % n}`);
        const files = Array.from({ length: n }, (_, i) => ({ name: `c${i}.payer`, text: `${header(`c${i}`)}${target(i) ? `extends ${target(i)}\n` : ''}` }));
        const load = rulesetLoader(files);
        for (const f of [files[0]!, files[n - 1]!]) expect(() => analyze(f, { loadRuleset: load })).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- names printed by the command line ----

describe('file names as printed', () => {
  it('carry no control, line-break or bidirectional-override character, and differ when the names differ', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        const ea = escapeName(a);
        expect(ea).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
        if (a !== b && !a.includes('\\') && !b.includes('\\')) expect(ea).not.toBe(escapeName(b));
      }),
      { numRuns: RUNS * 10 },
    );
  });
});
