// The command line on claims from practice systems and on what a new user tries: 837P and CSV in,
// CSV, summary and HTML out, `convert`, empty files, byte-order marks, an unknown payer, rulesets that
// do not pass `check`, versions with no cases. Most cases call the commands in-process (fast); the
// ones about processes (exit codes, a closed pipe) run the real command.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Papa from 'papaparse';
import { evalCommand } from '../cli/eval.ts';
import { convertCommand } from '../cli/convert.ts';
import { main } from '../cli/main.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const EX = join(ROOT, 'examples');
const rulesets = join(ROOT, 'rulesets');
const bin = join(ROOT, 'bin/payer-rules.mjs');
const tmp = () => mkdtempSync(join(tmpdir(), 'payer-rules-inputs-'));
const SUPPLEMENTS = { '--minutes': join(EX, 'minutes.csv'), '--overlay': join(EX, 'overlay.ndjson'), '--payers': join(EX, 'payers.json') };
// Patient identity and authorization numbers in the example files: never in any report or message.
const PHI = ['MCD000111222', 'MCD000333444', '1948-02-11', '2012-06-15', 'PA-5531', 'MCD-PA-001', 'ACM123456789', '1EG4TE5MK73', 'PAT-SAMPLE-1'];

async function evalIn(flags: Record<string, string | true>, input: string, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await evalCommand({ '--ruleset': rulesets, ...flags }, [input], { out: (s) => out.push(s), err: (s) => err.push(s), stdin: Readable.from([stdin]), isTTY: false, write: async (s) => void out.push(typeof s === 'string' ? s : Buffer.from(s).toString('utf8')) });
  return { code, out: out.join(''), err: err.join('\n') };
}

async function convertIn(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let code: number;
  try {
    code = await convertCommand(args, { out: (s) => out.push(s), err: (s) => err.push(s) }, Readable.from(['']), (s) => out.push(s));
  } catch (e) {
    code = -1;
    err.push(String((e as Error).message));
  }
  return { code, out: out.join(''), err: err.join('\n'), lines: out.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { claim: Record<string, unknown> | null; diagnostics: { code: string; severity: string }[] }) };
}

describe('eval on 837P and CSV', () => {
  it('837P with minutes, overlay and payer map: one report per claim under the mapped ruleset, reader notes as `input`, no patient data', async () => {
    const r = await evalIn({ ...SUPPLEMENTS, '--format': 'ndjson' }, join(EX, 'claims.837'));
    const reports = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(reports.map((x) => [x.claimId, x.ruleset?.id])).toEqual([
      ['CLM-1001', 'medicare-part-b'],
      ['CLM-2002', 'premera-commercial'],
      ['CLM-3003', 'nc-medicaid'],
      ['CLM-3004', 'nc-medicaid'],
    ]);
    expect(reports[3].input.map((n: { code: string }) => n.code)).toEqual(['X12-DOS-RANGE', 'X12-REPLACEMENT']);
    expect(r.code).toBe(reports.some((x) => x.status === 'errors' || x.status === 'invalid') ? 1 : 0);
    for (const s of PHI) expect(r.out + r.err).not.toContain(s);
  });

  it('837P from standard input is detected by its ISA', async () => {
    const r = await evalIn({ ...SUPPLEMENTS, '--format': 'ndjson' }, '-', readFileSync(join(EX, 'claims.837'), 'utf8'));
    expect(r.out.trim().split('\n')).toHaveLength(4);
  });

  it('a malformed 837P: claims it cannot map are invalid in place with segment and element; the rest is checked', async () => {
    const d = tmp();
    const f = join(d, 'mixed.837');
    writeFileSync(f, readFileSync(join(ROOT, 'test/fixtures/x12/04-malformed-component-separator.linuxforhealth.837'), 'utf8') + readFileSync(join(EX, 'claims.837'), 'utf8'));
    const r = await evalIn({ ...SUPPLEMENTS, '--format': 'ndjson' }, f);
    const reports = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(reports[0]).toMatchObject({ claimId: '153829140', status: 'invalid' });
    expect(reports[0].errors[0].path).toBe('ST 0001 segment 18 (CLM) CLM05');
    expect(reports.slice(1).map((x: { claimId: string }) => x.claimId)).toEqual(['CLM-1001', 'CLM-2002', 'CLM-3003', 'CLM-3004']);
    expect(r.code).toBe(1);
  });

  it('CSV in, CSV out: the worklist parses back, one row per finding, a status row for a claim with none', async () => {
    const r = await evalIn({ '--format': 'csv' }, join(EX, 'claims.csv'));
    const rows = Papa.parse<string[]>(r.out.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual(['claim', 'status', 'line', 'code', 'rule', 'kind', 'severity', 'message', 'fix', 'citation']);
    // Findings first; checks the engine could not run follow as `not-checked` rows. CSV-OT-2 has no
    // findings: it is there as its status row (empty rule, kind, severity and message), not missing.
    expect(rows.slice(1).filter((x) => x[5] !== 'not-checked').map((x) => [x[0], x[1], x[2], x[4], x[5], x[6], x[7]])).toEqual([
      ['CSV-PT-1', 'errors', '3', 'ASSISTANT-PT', 'assistant-modifier-required', 'error', expect.any(String)],
      ['CSV-PT-1', 'errors', '3', 'UNITS-TIME', 'units-exceed-time', 'error', expect.any(String)],
      ['CSV-OT-2', 'clean', '', '', '', '', ''],
    ]);
    for (const x of rows.slice(1).filter((x) => x[5] === 'not-checked')) expect(x[7]).toMatch(/^not checked: /);
    expect(r.code).toBe(1);
  });

  it('an 837P transaction a front end rejects: its claims are invalid and at risk, an envelope error is not counted as a claim', async () => {
    // examples/claims.837: transaction 0003 holds CLM-3003 ($190 + $120) and CLM-3004 ($360).
    const d = tmp();
    const bad = readFileSync(join(EX, 'claims.837'), 'utf8').replace(/SE\*(\d+)\*0003/, 'SE*99*0003').replace('GE*1*303', 'GE*2*303');
    writeFileSync(join(d, 'bad.837'), bad);
    const sum = await evalIn({ '--summary': true, '--format': 'json', '--payers': SUPPLEMENTS['--payers'] }, join(d, 'bad.837'));
    const json = JSON.parse(sum.out);
    expect([json.claims, json.byStatus.invalid, json.fileErrors]).toEqual([4, 2, 1]);
    expect(json.money.chargeAtRisk).toBe(67000);
    const text = await evalIn({ '--format': 'text', '--payers': SUPPLEMENTS['--payers'] }, join(d, 'bad.837'));
    expect(text.out).toMatch(/^claim CLM-3003: INVALID, not evaluated\n {4}ST 0003 segment \d+ \(SE\) SE01: transaction set 0003: SE01 says 99 segments/m);
    expect(text.out).toMatch(/^the file: ERROR \(not a claim\)\n {4}segment \d+ \(GE\) GE01: functional group \w+: GE01 says 2 transaction sets, the group has 1/m);
  });

  it('a payer map naming no loaded ruleset is said once on stderr, naming the map and the likely id; its claims still get their report', async () => {
    const d = tmp();
    writeFileSync(join(d, 'payers.json'), JSON.stringify({ byPayerId: { MEDB1: 'medicare-partb', OTHER: 'some-payer-we-lack' }, byClaimFilingIndicator: {} }));
    const r = await evalIn({ '--format': 'ndjson', '--payers': join(d, 'payers.json') }, join(EX, 'claims.837'));
    expect(r.err).toMatch(/payers\.json: payer id `MEDB1` maps to `medicare-partb`, which is not a ruleset id \(did you mean `medicare-part-b`\?\)/);
    expect(r.err).toMatch(/payer id `OTHER` maps to `some-payer-we-lack`, which is not a ruleset id\n?/);
    expect(r.err.match(/medicare-partb/g)).toHaveLength(1);
    const first = JSON.parse(r.out.split('\n')[0]!);
    expect(first.findings[0]).toMatchObject({ rule: 'NO-RULESET', fix: expect.stringContaining('the payer map that routed it') });
  });

  it('a claim without findings on which checks could not run is never CLEAN: text head, summary rows and HTML badge say so', async () => {
    // examples/claims.837 without minutes: CLM-3003 and CLM-3004 (NC Medicaid) have no findings, but
    // their authorization window was not given and NC's modifiers are not in the ruleset.
    const text = await evalIn({ '--format': 'text', '--payers': SUPPLEMENTS['--payers'] }, join(EX, 'claims.837'));
    expect(text.out).toMatch(/^claim CLM-3003: NO FINDINGS, NOT FULLY CHECKED under nc-medicaid 2025\.1 \(\d+ checks could not run; \d+ parts of the payer's policy not in the ruleset; 1 warning about the claim file\)$/m);
    expect(text.out).not.toMatch(/: CLEAN /);
    // CLM-3004's service date is a range given its first day (X12-DOS-RANGE, a warning): judged on an assumption.
    expect(text.out).toMatch(/^claim CLM-3004: NO FINDINGS, NOT FULLY CHECKED .*; 1 warning about the claim file\)$/m);
    const sum = await evalIn({ '--summary': true, '--payers': SUPPLEMENTS['--payers'] }, join(EX, 'claims.837'));
    expect(sum.out).toMatch(/\n {2}clean +0 \(0%\)\n {2}no findings, not fully checked +2 \(50%\)\n/);
    const html = await evalIn({ '--format': 'html', '--payers': SUPPLEMENTS['--payers'] }, join(EX, 'claims.837'));
    expect(html.out.match(/<span class="badge"[^>]*>no findings, not fully checked<\/span>/g)).toHaveLength(2);
    expect(html.out).not.toMatch(/<span class="badge"[^>]*>clean<\/span>/);
  });

  it('--summary: claims by status (as the reports have them) and money; --format json for machines; html is one offline page', async () => {
    const reports = (await evalIn({ '--format': 'ndjson' }, join(EX, 'claims.json'))).out.trim().split('\n').map((l) => JSON.parse(l) as { status: string; notChecked?: unknown[] });
    const n = (s: string) => reports.filter((r) => r.status === s).length;
    // `clean` counts only claims checked in full; a claim without findings on which a check could
    // not run is counted apart, never as clean.
    const partial = reports.filter((r) => r.status === 'clean' && r.notChecked?.length).length;
    const text = await evalIn({ '--summary': true }, join(EX, 'claims.json'));
    expect(text.out).toMatch(new RegExp(`^4 claims\\n\\nclaims by status:\\n {2}clean +${n('clean') - partial} .*\\n {2}no findings, not fully checked +${partial} .*\\n {2}warnings +${n('warnings')} .*\\n {2}errors +${n('errors')} `));
    // The charges in examples/claims.json: 120 + 60 + 150 + 140 + 50 + 110 + 95 dollars.
    expect(text.out).toMatch(/charges billed\s+\$725\.00/);
    const json = JSON.parse((await evalIn({ '--summary': true, '--format': 'json' }, join(EX, 'claims.json'))).out);
    expect(json.byStatus).toEqual({ clean: n('clean'), warnings: n('warnings'), errors: n('errors'), invalid: n('invalid') });
    expect(json.money.charge).toBe(72500);
    const html = await evalIn({ '--format': 'html' }, join(EX, 'claims.json'));
    expect(html.out).toMatch(/^<!doctype html>/);
    expect(html.out).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('--as-of fills submittedOn only where a claim has none', async () => {
    const c = (id: string, extra = {}) => JSON.stringify({ id, payer: 'medicare-part-b', dateOfService: '2026-03-02', lines: [{ code: '97110', modifiers: ['GP'], units: 1, minutes: 15 }], ...extra });
    const r = await convertIn(['--as-of', '2026-04-01', '-']);
    expect(r.code).toBe(0);
    const out = await (async () => {
      const o: string[] = [];
      await convertCommand(['--as-of', '2026-04-01', '-'], { out: () => {}, err: () => {} }, Readable.from([c('A') + '\n' + c('B', { submittedOn: '2026-03-03' }) + '\n']), (s) => o.push(s));
      return o.join('').trim().split('\n').map((l) => JSON.parse(l).claim.submittedOn);
    })();
    expect(out).toEqual(['2026-04-01', '2026-03-03']);
    expect((await evalIn({ '--as-of': '2026-02-30' }, join(EX, 'claims.json')).catch((e: Error) => ({ err: e.message }))).err).toMatch(/--as-of takes a date/);
  });

  it('an unknown payer id gets "did you mean" (case and small typos forgiven)', async () => {
    const r = await evalIn({ '--format': 'ndjson' }, join(EX, 'claims.ndjson'));
    const rep = r.out.trim().split('\n').map((l) => JSON.parse(l)).find((x) => x.claimId === 'PT-UNKNOWN-PAYER');
    expect(rep.findings[0]).toMatchObject({ rule: 'NO-RULESET', fix: expect.stringContaining('did you mean `medicare-part-b`?') });
  });
});

describe('convert', () => {
  it('prints {"claim", "diagnostics"} per claim, supplements applied; exit 0 when no diagnostic is an error', async () => {
    const r = await convertIn([join(EX, 'claims.837'), '--minutes', SUPPLEMENTS['--minutes'], '--overlay', SUPPLEMENTS['--overlay'], '--payers', SUPPLEMENTS['--payers']]);
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => l.claim?.['id'])).toEqual(['CLM-1001', 'CLM-2002', 'CLM-3003', 'CLM-3004']);
    expect(r.lines[0]!.claim).toMatchObject({ payer: 'medicare-part-b', lines: [{ minutes: 33 }, { minutes: 14 }, { minutes: 10, renderedBy: 'OTA' }] });
  });

  it('withholds patient ids, birth dates and authorization numbers unless --with-patient-data, and says so on stderr', async () => {
    const files = [join(EX, 'claims.837'), '--minutes', SUPPLEMENTS['--minutes'], '--overlay', SUPPLEMENTS['--overlay'], '--payers', SUPPLEMENTS['--payers']];
    const shown = await convertIn(files);
    for (const s of PHI) expect(shown.out).not.toContain(s);
    expect(shown.err).toMatch(/--with-patient-data/);
    expect(shown.lines[1]!.claim).toMatchObject({ patient: { id: '(patient data: not shown)', birthDate: '(patient data: not shown)' }, priorAuthorization: { number: '(patient data: not shown)', visits: 12 } });
    const kept = await convertIn([...files, '--with-patient-data']);
    expect(PHI.filter((s) => kept.out.includes(s)).length).toBeGreaterThan(3);
    expect(kept.err).toBe('');
    expect(kept.lines[1]!.claim).toMatchObject({ patient: { birthDate: '2012-06-15' }, priorAuthorization: { number: 'PA-5531' } });
    // Withheld output is refused by eval rather than judged without the patient's age.
    const d = tmp();
    writeFileSync(join(d, 'converted.ndjson'), shown.out);
    const ev = await evalIn({ format: 'ndjson' }, join(d, 'converted.ndjson'));
    const reports = ev.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(reports.map((r) => r.status)).toEqual(['invalid', 'invalid', 'invalid', 'invalid']);
    expect(reports[1].errors[0].message).toMatch(/patient\.id, patient\.birthDate, priorAuthorization\.number were withheld .*--with-patient-data .*\[JSON-WITHHELD\]/);
    for (const s of PHI) expect(ev.out).not.toContain(s);
    // Patient data under names the claim format does not have is withheld too, or left out.
    writeFileSync(join(d, 'extra.ndjson'), JSON.stringify({ id: 'P1', payer: 'medicare-part-b', patient: { id: 'X9', name: 'Jane Doe' }, subscriber: { ssn: '123-45-6789' }, dateOfService: '2026-03-02', lines: [{ code: '97110', units: 1, note: 'Jane fell' }] }) + '\n');
    const extra = await convertIn([join(d, 'extra.ndjson')]);
    expect(extra.out).not.toMatch(/Jane|X9|123-45-6789/);
    expect(extra.lines[0]!.claim).toEqual({ id: 'P1', payer: 'medicare-part-b', patient: { id: '(patient data: not shown)', name: '(patient data: not shown)' }, dateOfService: '2026-03-02', lines: [{ code: '97110', units: 1 }] });
  });

  it('exit 1 when a diagnostic is an error; an envelope error is a record with claim null', async () => {
    const r = await convertIn([join(ROOT, 'test/fixtures/x12/09-v4010-two-claims-g1-in-2330b.pyx12.txt')]);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([{ claim: null, diagnostics: [expect.objectContaining({ code: 'X12-VERSION', severity: 'error' })] }]);
  });

  it('a file or supplement that cannot be read stops it before anything is printed (exit 2 via the command)', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [bin, 'convert', ...args], { encoding: 'utf8', timeout: 60_000 });
    const missing = run([join(EX, 'claims.837'), join(tmp(), 'nope.837')]);
    expect([missing.status, missing.stdout]).toEqual([2, '']);
    expect(missing.stderr).toMatch(/cannot read .*nope\.837: no such file/);
    const d = tmp();
    writeFileSync(join(d, 'bad.ndjson'), '{"id": "A"}\n{broken\n');
    const bad = run([join(EX, 'claims.837'), '--overlay', join(d, 'bad.ndjson')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.ndjson:2: not valid JSON/);
  });
});

describe('rough edges a new user hits', () => {
  it('an empty .json and an empty .ndjson behave the same: no claims, exit 0, said on stderr', async () => {
    const d = tmp();
    for (const f of ['empty.json', 'empty.ndjson']) writeFileSync(join(d, f), '\n');
    const j = await evalIn({}, join(d, 'empty.json'));
    const n = await evalIn({}, join(d, 'empty.ndjson'));
    expect([j.code, j.out, n.code, n.out]).toEqual([0, '[]\n', 0, '']);
    for (const r of [j, n]) expect(r.err).toMatch(/no claims in .*empty\.(nd)?json/);
  });

  it.each([
    ['empty.csv', ''],
    ['blank.csv', '\uFEFF\r\n'],
    ['empty.837', ''],
    ['blank.x12', '\n \n'],
  ])('an empty file is a batch of no claims whatever its format (README): %s → exit 0, nothing invalid', async (name, body) => {
    const d = tmp();
    writeFileSync(join(d, name), body);
    for (const format of ['ndjson', 'csv'] as const) {
      const r = await evalIn({ '--format': format }, join(d, name));
      expect(r.code).toBe(0);
      expect(r.out.replace('\uFEFF', '').split('\r\n').filter(Boolean).length).toBeLessThanOrEqual(1); // the CSV header only
      expect(r.err).toMatch(/no claims in /);
    }
    const c = await convertIn([join(d, name)]);
    expect([c.code, c.out]).toEqual([0, '']);
  });

  it.each([
    ['.json', (t: string) => t],
    ['.ndjson', (t: string) => JSON.parse(t).map((c: unknown) => JSON.stringify(c)).join('\n')],
  ])('a UTF-8 byte-order mark is accepted in %s', async (ext, body) => {
    const d = tmp();
    const f = join(d, `bom${ext}`);
    writeFileSync(f, '\uFEFF' + body(readFileSync(join(EX, 'claims.json'), 'utf8')));
    const r = await evalIn({ '--format': 'ndjson' }, f);
    expect(r.out.trim().split('\n')).toHaveLength(4);
  });

  it.each([['claims.csv'], ['claims.837']])('a UTF-8 byte-order mark is accepted in %s', async (name) => {
    const d = tmp();
    writeFileSync(join(d, name), '\uFEFF' + readFileSync(join(EX, name), 'utf8'));
    const r = await evalIn({ '--format': 'ndjson', ...(name.endsWith('.837') ? SUPPLEMENTS : {}) }, join(d, name));
    expect(r.out.trim().split('\n').length).toBe(name.endsWith('.837') ? 4 : 2);
  });

  it('eval and test refuse a folder where check fails (two versions overlap), printing the check diagnostic', async () => {
    const d = tmp();
    cpSync(rulesets, join(d, 'rulesets'), { recursive: true });
    copyFileSync(join(d, 'rulesets/medicare-part-b/2026.payer'), join(d, 'rulesets/medicare-part-b/2026-copy.payer'));
    for (const cmd of [['eval', '--ruleset', join(d, 'rulesets'), join(EX, 'claims.json')], ['test', join(d, 'rulesets')]]) {
      const err: string[] = [];
      const code = await main(cmd, { out: () => {}, err: (s) => err.push(s) });
      expect(code, cmd[0]).toBe(2);
      expect(err.join('\n')).toContain('PR2033');
      expect(err.join('\n')).toMatch(/do not pass `payer-rules check`/);
    }
  });

  it('test fails when a ruleset version has no cases', async () => {
    const d = tmp();
    const dir = join(d, 'rulesets', 'tiny');
    mkdirSync(dir, { recursive: true });
    const version = (y: number) => `ruleset tiny "Tiny"\nversion ${y}.1 effective ${y}-01-01 through ${y}-12-31\n\nrule NO-UNITS "a line states its units" warning {\n  kind no-units\n  when line.units is missing\n  cite "test"\n}\n`;
    writeFileSync(join(dir, '2025.payer'), version(2025));
    writeFileSync(join(dir, '2026.payer'), version(2026));
    // One case, dated in 2025: version 2026.1 has none.
    writeFileSync(join(dir, 'only-2025.cases.yaml'), 'cases:\n  - name: a 2025 visit\n    claim: { id: A, dateOfService: "2025-03-03", lines: [{ code: "97110", units: 1 }] }\n    expect: { status: clean }\n');
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['test', join(d, 'rulesets')], { out: (s) => out.push(s), err: (s) => err.push(s) });
    expect(err).toEqual([]);
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/1 passed, 0 failed, 1 version untested/);
    expect(out.join('\n')).toContain('versions with no test case (each version needs at least one):\n  tiny 2026.1');
  });
});

describe('processes', () => {
  it('eval … | head -1 exits quietly when the reader goes away (EPIPE)', async () => {
    const d = tmp();
    const f = join(d, 'many.ndjson');
    const line = readFileSync(join(EX, 'claims.ndjson'), 'utf8').split('\n')[0]!;
    writeFileSync(f, Array.from({ length: 20_000 }, (_, i) => line.replace('MCR-OT-CLEAN', `C-${i}`)).join('\n'));
    const child = spawn(process.execPath, [bin, 'eval', '--ruleset', rulesets, f], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b));
    await new Promise<void>((ok) => child.stdout.once('data', () => ok()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((ok) => child.once('exit', (c) => ok(c)));
    expect(code).toBe(0);
    expect(err).not.toMatch(/EPIPE|\n\s+at /);
  });
});
