// Hostile input and failures: bad claims in big batches, a server killed mid-save, two editors
// saving one file, patient data in inputs, and pathological rulesets. Each case is named after what
// it pins.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { generateClaim, rng } from '../bench/generate.ts';
import { createStudio, versionOf } from '../studio/server.ts';
import { analyze } from '../dsl/index.ts';
import { Evaluator } from '../engine/index.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const bin = join(ROOT, 'bin/payer-rules.mjs');
const rulesets = join(ROOT, 'rulesets');
const tmp = () => mkdtempSync(join(tmpdir(), 'payer-rules-robust-'));
const PATIENT = 'PAT-MARKER-7731';
const BIRTH = '1937-04-19';

function claimLine(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id, payer: 'medicare-part-b', patient: { id: PATIENT, birthDate: BIRTH }, provider: { discipline: 'PT' }, dateOfService: '2026-03-02', diagnoses: ['M62.81'], lines: [{ code: '97110', modifiers: ['GP'], units: 1, minutes: 15, diagnosisPointers: [1] }], ...extra });
}

describe('a batch with bad claims of every kind', () => {
  const d = tmp();
  const bad: [string, string, RegExp][] = [
    ['binary junk', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)).toString('latin1').replace(/\n/g, ' '), /not valid JSON/],
    ['a 50 MB single line', 'x'.repeat(50 * 1024 * 1024), /at most 1000000/],
    ['deeply nested JSON', `{"id": "DEEP", "dateOfService": "2026-03-02", "lines": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, /lines\[0\]/],
    ['a number like 1e308', claimLine('HUGE-MINUTES', { lines: [{ code: '97110', minutes: 1e308 }] }), /lines\[0\]\.minutes/],
    ['an impossible date', claimLine('FEB-30', { dateOfService: '2026-02-30' }), /dateOfService/],
    ['a duplicate claim id', claimLine('GOOD-0'), /appears more than once/],
  ];
  const lines: string[] = [];
  const expectBad = new Map<number, RegExp>();
  for (let i = 0; i < 600; i++) {
    if (i % 100 === 50) {
      const [, text, re] = bad[(i - 50) / 100]!;
      expectBad.set(lines.length, re);
      lines.push(text);
    } else lines.push(claimLine(`GOOD-${i}`, i % 7 === 0 ? { lines: [{ code: '97110', units: 1, minutes: 15, diagnosisPointers: [1] }] } : {}));
  }
  const file = join(d, 'batch.ndjson');
  writeFileSync(file, lines.join('\n') + '\n');
  const run = (workers: string) => spawnSync(process.execPath, [bin, 'eval', '--ruleset', rulesets, '--workers', workers, file], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000 });
  const one = run('1');
  const two = run('2');

  it('exactly one report per input line, in place, each bad line with a clear error', () => {
    const out = one.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(lines.length);
    out.forEach((r, i) => {
      const re = expectBad.get(i);
      if (re) {
        expect(r.status, `line ${i + 1}`).toBe('invalid');
        expect(JSON.stringify(r.errors), `line ${i + 1}`).toMatch(re);
      } else expect(r.claimId).toBe(`GOOD-${i}`);
    });
    expect(one.status).toBe(1);
  });

  it('worker threads give byte-identical output to one thread', () => {
    expect(two.status).toBe(1);
    expect(two.stdout).toBe(one.stdout);
  });

  it('patient ids and birth dates appear in no output or log', () => {
    for (const r of [one, two]) {
      expect(r.stdout + r.stderr).not.toContain(PATIENT);
      expect(r.stdout + r.stderr).not.toContain(BIRTH);
    }
  });
});

describe('a huge NDJSON line streamed through standard input', () => {
  it('is reported invalid in place without being held in memory; the claims around it are evaluated (peak RSS under 300 MB)', async () => {
    const LINE_MB = Number(process.env['HUGE_LINE_MB'] ?? 150);
    const child = spawn(process.execPath, [bin, 'eval', '--ruleset', rulesets, '-'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PAYER_RULES_REPORT_RSS: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b));
    child.stderr.on('data', (b: Buffer) => (err += b));
    const done = new Promise<number | null>((ok) => child.once('exit', (c) => ok(c)));
    const write = (s: string | Buffer) => new Promise<void>((ok) => (child.stdin.write(s) ? ok() : child.stdin.once('drain', () => ok())));
    await write(claimLine('BEFORE') + '\n');
    // One line of LINE_MB megabytes: a claim-shaped start, then padding, streamed in 1 MB pieces.
    await write('{"id":"HUGE","note":"');
    const mb = Buffer.alloc(1 << 20, 'x');
    for (let i = 0; i < LINE_MB; i++) await write(mb);
    await write('"}\n' + claimLine('AFTER') + '\n');
    child.stdin.end();
    expect(await done).toBe(1);
    const reports = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(reports.map((r) => [r.claimId, r.status])).toEqual([['BEFORE', 'clean'], [null, 'invalid'], ['AFTER', 'clean']]);
    expect(reports[1].errors[0].message).toMatch(/^line 2 holds more than 1000000 characters \(\d+ bytes\)/);
    const rss = Number(/max RSS (\d+) MB/.exec(err)?.[1]);
    expect(rss).toBeLessThan(300);
  }, 180_000);
});

describe('patient data stays out of test and studio output', () => {
  it('payer-rules test prints no patient data from its cases', () => {
    const d = tmp();
    cpSync(rulesets, join(d, 'rulesets'), { recursive: true });
    writeFileSync(
      join(d, 'rulesets', 'medicare-part-b', 'phi.cases.yaml'),
      `cases:\n  - name: failing on purpose\n    claim: { id: PHI-1, patient: { id: ${PATIENT}, birthDate: "${BIRTH}" }, dateOfService: "2026-03-02", lines: [{ code: "97110", units: 3, minutes: 15 }] }\n    expect: { status: clean }\n`,
    );
    const r = spawnSync(process.execPath, [bin, 'test', join(d, 'rulesets')], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('failing on purpose');
    expect(r.stdout + r.stderr).not.toContain(PATIENT);
    expect(r.stdout + r.stderr).not.toContain(BIRTH);
  });
});

describe('the studio under failure', () => {
  const servers: { kill: () => void }[] = [];
  afterAll(() => servers.forEach((s) => s.kill()));

  it('SIGKILL in the middle of saves leaves every file entirely old or entirely new', async () => {
    const d = tmp();
    cpSync(rulesets, join(d, 'rulesets'), { recursive: true });
    const rel = 'medicare-part-b/2026.payer';
    const path = join(d, 'rulesets', rel);
    const original = readFileSync(path, 'utf8');
    const versions = new Set([original]);
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, [bin, 'studio', '--port', '0', '--rulesets', join(d, 'rulesets')], { stdio: ['ignore', 'pipe', 'pipe'] });
      servers.push({ kill: () => child.kill('SIGKILL') });
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout.on('data', (b: Buffer) => {
          out += b;
          const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
          if (m) ok(m[0]);
        });
        child.on('exit', () => fail(new Error(out)));
      });
      // Fire saves of large texts back to back, and kill the server while they are in flight.
      let current = readFileSync(path, 'utf8');
      const saves: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        const text = `# round ${round} save ${i}\n` + original + '#'.repeat(200_000 + i) + '\n';
        versions.add(text);
        saves.push(fetch(`${url}api/file`, { method: 'PUT', headers: { 'content-type': 'application/json', origin: url.replace(/\/$/, '') }, body: JSON.stringify({ path: rel, text, baseVersion: versionOf(current) }) }).then(async (r) => {
          if (r.ok) current = text;
        }, () => undefined));
        if (i === 12 + round * 4) child.kill('SIGKILL');
      }
      await Promise.all(saves);
      await new Promise((ok) => child.once('exit', ok).kill('SIGKILL') || ok(null));
      const onDisk = readFileSync(path, 'utf8');
      expect(versions.has(onDisk), `round ${round}: the file is one whole version`).toBe(true);
    }
    const leftovers = readdirSync(join(d, 'rulesets', 'medicare-part-b')).filter((n) => n.endsWith('.tmp'));
    // A temp file may survive a kill; it is never the ruleset itself, and never half-renamed.
    for (const t of leftovers) expect(t.startsWith('.')).toBe(true);
  });

  it('two editors saving the same file: one wins, the other gets a conflict, nothing is lost', async () => {
    const d = tmp();
    cpSync(rulesets, join(d, 'rulesets'), { recursive: true });
    const server = createStudio({ rulesetsDir: join(d, 'rulesets'), staticDir: d, port: 0 });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    servers.push({ kill: () => server.close() });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const rel = 'nc-medicaid/2025.payer';
    const base = versionOf(readFileSync(join(d, 'rulesets', rel), 'utf8'));
    const save = (text: string) => fetch(`${url}/api/file`, { method: 'PUT', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ path: rel, text, baseVersion: base }) });
    const [a, b] = await Promise.all([save('# editor A\n'), save('# editor B\n')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    const winnerText = a.status === 200 ? '# editor A\n' : '# editor B\n';
    expect(readFileSync(join(d, 'rulesets', rel), 'utf8')).toBe(winnerText);
    expect(await loser.json()).toMatchObject({ text: winnerText });
  });
});

describe('resource bounds', () => {
  it('checking cost does not grow with the size of the code set each rule names (10,000 rules × a 10,000-code set)', () => {
    const codes = Array.from({ length: 10_000 }, (_, i) => String(10000 + i)).join(', ');
    const rules = Array.from({ length: 10_000 }, (_, i) => `rule R-${i} "rule ${i}" {\n  when line.code in big and line.units > ${i % 9}\n  cite "x"\n}\n`).join('');
    const text = `ruleset big-plan "Big"\nversion 1 effective 2026-01-01\ncodes big = ${codes}\n${rules}`;
    const res = analyze({ name: 'big.payer', text });
    expect(res.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(res.compiled!.rules).toHaveLength(10_000);
    const ev = new Evaluator([res.compiled!]);
    const r = ev.evaluateSync({ id: 'B', dateOfService: '2026-05-01', lines: [{ code: '10005', units: 4 }] });
    expect(r.status).toBe('errors');
    if (r.status !== 'invalid') expect(r.findings.length).toBe(Array.from({ length: 10_000 }, (_, i) => i % 9).filter((x) => 4 > x).length);
  });

  it('generated claims against every payer never throw', () => {
    const r = rng(99);
    const ev = new Evaluator([]);
    for (let i = 0; i < 200; i++) expect(() => ev.evaluateSync(generateClaim(r, i))).not.toThrow();
    expect(existsSync(bin)).toBe(true);
  });
});
