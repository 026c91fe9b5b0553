// The new-user review's service items, over real HTTP (and the real command for what `eval` gives):
//  - item 2: `payer-rules convert` output sent as is to /v1/evaluate and /v1/evaluate/batch (and
//    read by the claim readers) is evaluated as the claims it holds, not reported invalid;
//  - item 4: an 837P body gets the reader's `input` notes the command line's report carries.
// What a user should get: the report `payer-rules eval` gives for the original file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimOfLine, loadSupplements, readClaims } from '../readers/index.ts';
import { postBatch, postClaim, startTestService, type TestService } from './server-helpers.ts';
import { ROOT } from './support.ts';

const BIN = join(ROOT, 'bin/payer-rules.mjs');
const EX = join(ROOT, 'examples');
const X12 = join(ROOT, 'test/fixtures/x12');
const SUPPLEMENTS = ['--minutes', join(EX, 'minutes.csv'), '--overlay', join(EX, 'overlay.ndjson'), '--payers', join(EX, 'payers.json')];
// Patient identity and authorization numbers of examples/claims.837: never in a message or note.
const PHI = ['MCD000111222', 'MCD000333444', '1948-02-11', '2012-06-15', 'PA-5531', 'MCD-PA-001'];

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const ndjson = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
/** Content hashes differ between the service's copy of the rulesets and the command's (the same text, read apart); compared apart from them. */
function withoutHash(r: Record<string, any>) {
  const c = structuredClone(r);
  if (c['ruleset']) delete c['ruleset'].hash;
  for (const v of c['versions'] ?? []) delete v.hash;
  delete c['requestId'];
  return c;
}

describe('convert output is evaluated as the claims it holds', () => {
  let svc: TestService;
  let converted: string;
  let expected: Record<string, any>[];
  beforeAll(async () => {
    svc = await startTestService({ logLevel: 'silent' });
    const conv = cli(['convert', join(EX, 'claims.837'), ...SUPPLEMENTS, '--with-patient-data']);
    converted = conv.out;
    expected = ndjson(cli(['eval', '--ruleset', 'rulesets', join(EX, 'claims.837'), ...SUPPLEMENTS, '--format', 'ndjson']).out);
  });
  afterAll(() => svc.close());

  it('convert prints one {claim, diagnostics} line per claim of the 837P (the contract the rest relies on)', () => {
    const lines = ndjson(converted);
    expect(lines.map((l) => Object.keys(l))).toEqual(lines.map(() => ['claim', 'diagnostics']));
    expect(lines.map((l) => l['claim'].id)).toEqual(['CLM-1001', 'CLM-2002', 'CLM-3003', 'CLM-3004']);
  });

  it('/v1/evaluate/batch: each line gets the report eval gives the 837P (findings and input notes), none invalid', async () => {
    const res = await postBatch(svc.url, converted);
    expect(res.status).toBe(200);
    const out = ndjson(res.text);
    expect(out.map((r) => r['status'])).not.toContain('invalid');
    expect(out.map(withoutHash)).toEqual(expected.map(withoutHash));
    // The 837P's replacement note (CLM05-3 = 7) travels with CLM-3004, as eval shows it.
    expect(out[3]!['input'].map((n: { code: string }) => n.code)).toEqual(['X12-DOS-RANGE', 'X12-REPLACEMENT']);
    for (const s of PHI) expect(JSON.stringify(out.map((r) => [r['findings'], r['input'], r['errors']]))).not.toContain(s);
  });

  it('/v1/evaluate: one convert line as the JSON body gets the report eval gives that claim', async () => {
    const first = converted.split('\n')[0]!;
    const res = await postClaim(svc.url, first);
    expect(res.status, res.text).toBe(200);
    expect(withoutHash(res.json())).toEqual(withoutHash(expected[0]!));
  });

  it('a convert line with no claim (the reader could not read one) is invalid with the reader error, not "a claim must be a JSON object"', async () => {
    const line = JSON.stringify({ claim: null, diagnostics: [{ severity: 'error', code: 'X12-NO-ISA', message: 'the file does not begin with an ISA segment', where: 'segment 1', at: { segment: 1 } }] });
    const batch = ndjson((await postBatch(svc.url, line + '\n')).text);
    expect(batch).toEqual([{ claimId: null, status: 'invalid', errors: [{ path: 'segment 1', message: 'the file does not begin with an ISA segment [X12-NO-ISA]' }] }]);
    const one = await postClaim(svc.url, line);
    expect(one.status).toBe(400);
    expect(one.json()).toMatchObject({ code: 'invalid-claim', status: 'invalid', claimId: null, errors: batch[0]!['errors'] });
  });
});

describe('the claim readers take a convert line as its claim', () => {
  const claim = { id: 'C-1', dateOfService: '2026-03-02', lines: [{ code: '97110' }] };
  const note = { severity: 'info', code: 'X12-NO-MINUTES', message: 'no minutes', where: 'claim', at: {} };
  it.each([
    { note: 'a convert line: its claim, its notes as input', value: { claim, diagnostics: [note] }, want: { raw: claim, input: [{ severity: 'info', code: 'X12-NO-MINUTES', message: 'no minutes', where: 'claim' }] } },
    { note: 'a convert line with no diagnostics', value: { claim, diagnostics: [] }, want: { raw: claim } },
    { note: 'keys in the other order', value: { diagnostics: [], claim }, want: { raw: claim } },
    { note: 'a claim is left as it is', value: claim, want: { raw: claim } },
    { note: 'a third key: not a convert line (the engine reports the unknown shape)', value: { claim, diagnostics: [], id: 'X' }, want: { raw: { claim, diagnostics: [], id: 'X' } } },
    { note: 'diagnostics not an array: not a convert line', value: { claim, diagnostics: 'none' }, want: { raw: { claim, diagnostics: 'none' } } },
    { note: 'a reader error on a claim: invalid, as eval makes it', value: { claim, diagnostics: [{ severity: 'error', code: 'CSV-VALUE', message: 'row 2, column units: `x` is not a number', where: 'row 2, column units' }] }, want: { report: { claimId: 'C-1', status: 'invalid', errors: [{ path: 'row 2, column units', message: 'row 2, column units: `x` is not a number [CSV-VALUE]' }] } } },
    { note: 'null claim with no error: says it holds no claim', value: { claim: null, diagnostics: [] }, want: { report: { claimId: null, status: 'invalid', errors: [{ path: 'claim', message: expect.stringContaining('holds no claim') }] } } },
    { note: 'a diagnostic under a code no reader has is not carried', value: { claim, diagnostics: [{ severity: 'warning', code: 'MADE-UP', message: 'x', where: '' }] }, want: { raw: claim } },
  ])('$note', ({ value, want }) => {
    expect(claimOfLine(value)).toEqual(want);
  });

  it('a JSON array and NDJSON of convert output read back as the claims, with their diagnostics (the studio batch view, eval on .json)', () => {
    const conv = cli(['convert', join(X12, '10-synthetic-ot-medicare.837'), '--with-patient-data']).out;
    const lines = ndjson(conv);
    for (const [format, text] of [['ndjson', conv], ['json', JSON.stringify(lines)]] as const) {
      const recs = [...readClaims(text, format)];
      expect(recs.map((r) => r.claim?.['id'])).toEqual(['CLM-1001']);
      expect(recs[0]!.diagnostics.map((d) => d.code)).toEqual(['X12-PAYER-ID', 'X12-NO-MINUTES']);
    }
  });

  it('eval on a .json file of convert output gives the report eval gives the 837P', () => {
    const dir = mkdtempSync(join(tmpdir(), 'payer-rules-review-'));
    const file = join(dir, 'converted.json');
    const lines = ndjson(cli(['convert', join(EX, 'claims.837'), ...SUPPLEMENTS, '--with-patient-data']).out);
    writeFileSync(file, JSON.stringify(lines));
    const got = cli(['eval', '--ruleset', 'rulesets', file, '--format', 'ndjson']);
    const want = cli(['eval', '--ruleset', 'rulesets', join(EX, 'claims.837'), ...SUPPLEMENTS, '--format', 'ndjson']);
    expect(ndjson(got.out)).toEqual(ndjson(want.out));
    expect(got.code).toBe(want.code);
  });
});

describe('an 837P body gets the input notes eval gives (item 4)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ logLevel: 'silent' });
  });
  afterAll(() => svc.close());

  it.each([
    { note: 'no payer map: the payer id note and the missing-minutes note', file: '10-synthetic-ot-medicare.837', payers: undefined },
    { note: 'with a payer map: the missing-minutes note', file: '10-synthetic-ot-medicare.837', payers: '10-12-synthetic.payers.json' },
  ])('$note', async ({ file, payers }) => {
    const body = readFileSync(join(X12, file), 'utf8');
    const mapped = payers ? await startTestService({ logLevel: 'silent', supplements: loadSupplements({ payers: { name: payers, text: readFileSync(join(X12, payers), 'utf8') } }) }) : svc;
    try {
      const res = await postClaim(mapped.url, body, { 'content-type': 'application/edi-x12' });
      expect(res.status, res.text).toBe(200);
      const want = ndjson(cli(['eval', '--ruleset', 'rulesets', join(X12, file), '--format', 'ndjson', ...(payers ? ['--payers', join(X12, payers)] : [])]).out)[0]!;
      expect(want['input']?.length).toBeGreaterThan(0);
      expect(res.json()['input']).toEqual(want['input']);
      expect(withoutHash(res.json())).toEqual(withoutHash(want));
      const codes = res.json()['input'].map((n: { code: string }) => n.code);
      expect(codes).toContain('X12-NO-MINUTES');
      if (!payers) expect(codes).toContain('X12-PAYER-ID');
    } finally {
      if (mapped !== svc) await mapped.close();
    }
  });
});
describe('eval reads convert output as is (needs the cli/eval-core.ts change)', () => {
  it.each([
    { note: '837P with minutes, overlay and payer map', file: join(EX, 'claims.837'), extra: SUPPLEMENTS },
    { note: 'CSV', file: join(EX, 'claims.csv'), extra: [] as string[] },
  ])('$note: convert > claims.ndjson, eval claims.ndjson gives the reports eval gives the original', ({ file, extra }) => {
    const dir = mkdtempSync(join(tmpdir(), 'payer-rules-review-'));
    const converted = join(dir, 'converted.ndjson');
    writeFileSync(converted, cli(['convert', file, ...extra, '--with-patient-data']).out);
    const got = cli(['eval', '--ruleset', 'rulesets', converted, '--format', 'ndjson']);
    const want = cli(['eval', '--ruleset', 'rulesets', file, ...extra, '--format', 'ndjson']);
    expect(ndjson(got.out)).toEqual(ndjson(want.out));
    expect(got.code).toBe(want.code);
    // Many claims: the worker threads read the same lines (the NDJSON path of cli/eval-core.ts).
    const many = join(dir, 'many.ndjson');
    const lines = readFileSync(converted, 'utf8').trim().split('\n');
    writeFileSync(many, Array.from({ length: 600 }, (_, i) => { const l = JSON.parse(lines[i % lines.length]!); l.claim.id = `C-${i}`; return JSON.stringify(l); }).join('\n') + '\n');
    const big = ndjson(cli(['eval', '--ruleset', 'rulesets', many, '--format', 'ndjson', '--workers', '2']).out);
    expect(big.map((r) => r['status'])).not.toContain('invalid');
    expect(big.map((r) => r['claimId'])).toEqual(Array.from({ length: 600 }, (_, i) => `C-${i}`));
  });
});
