// The 837P reader on the twelve sample files (test/fixtures/x12/README.md): each gives its documented
// outcome. Expectations come from the samples' own documentation (research note §8 and the samples'
// README) and, for 10–12, from the expected mapping written with them, with the deltas below.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSupplements, readClaims, tokenize, type ReaderRecord } from '../readers/index.ts';

const DIR = new URL('./fixtures/x12/', import.meta.url).pathname;
const text = (f: string) => readFileSync(join(DIR, f), 'utf8');
const read = (f: string, opts: Parameters<typeof readClaims>[2] = {}) => [...readClaims(text(f), 'x12', opts)];
const claims = (rs: ReaderRecord[]) => rs.filter((r) => r.claim);
const codes = (r: ReaderRecord) => r.diagnostics.map((d) => d.code);
const allCodes = (rs: ReaderRecord[]) => rs.flatMap(codes);

describe('837P samples 01–09: the documented outcome of each', () => {
  it('01 one line, no newlines, dependent: birth date from 2010CA, ICD-9 rejected, no patient id', () => {
    const rs = read('01-tr3-commercial-dependent.stupidedi.edi');
    const [c] = claims(rs);
    expect(claims(rs)).toHaveLength(1);
    expect(c!.claim!['patient']).toEqual({ birthDate: '1973-05-01' });
    expect((c!.claim!['lines'] as unknown[]).length).toBe(4);
    expect(codes(c!)).toEqual(expect.arrayContaining(['X12-ICD9', 'X12-NO-PATIENT-ID', 'X12-MULTI-DOS']));
    expect(c!.diagnostics.find((d) => d.code === 'X12-ICD9')!.severity).toBe('error');
  });

  it('02 SV103 MJ: minutes 61, no units, a warning; three modifiers in order; rendering NPI from 2310B', () => {
    const [c] = claims(read('02-tr3-anesthesia-minutes.stupidedi.edi'));
    const line = (c!.claim!['lines'] as Record<string, unknown>[])[0]!;
    expect(line).toMatchObject({ code: '00142', modifiers: ['QK', 'QS', 'P1'], minutes: 61 });
    expect(line['units']).toBeUndefined();
    expect(c!.claim!['provider']).toEqual({ npi: '5678912345' });
    expect(c!.diagnostics.find((d) => d.code === 'X12-UNITS-MJ')).toMatchObject({ severity: 'warning', at: { tag: 'SV1', element: 'SV103', line: 1 } });
  });

  it('03 COB: payer from 2010BB (not 2330B), rendering NPI from 2310B (not 2330D), the errata version warned', () => {
    const rs = read('03-tr3-cob-payer-to-payer.linuxforhealth.837');
    const [c] = claims(rs);
    expect(c!.claim).toMatchObject({ payer: '567890', provider: { npi: '1999996666' } });
    expect((c!.claim!['lines'] as unknown[]).length).toBe(3);
    expect(allCodes(rs)).toContain('X12-VERSION-ERRATA');
  });

  it('04 ISA16 says `:` but the body uses `>`: each composite is an error naming `>`; SV107 1.00 is no pointer', () => {
    const [c] = claims(read('04-malformed-component-separator.linuxforhealth.837'));
    const sep = c!.diagnostics.filter((d) => d.code === 'X12-SEPARATOR');
    expect(sep.map((d) => d.at.element)).toEqual(['CLM05', 'HI01', 'SV101']);
    for (const d of sep) expect(d.message).toContain('`>`');
    expect(c!.diagnostics.find((d) => d.code === 'X12-POINTER')).toMatchObject({ severity: 'error', at: { element: 'SV107', inTransaction: 27 } });
  });

  it('05 every loop: 6 claims; repeated CLM01 across ST sets, wrong SE counts, split HI elements, non-NPI rendering, 2420A non-taxonomy', () => {
    const rs = read('05-loops-everything.imsweb.txt');
    expect(claims(rs)).toHaveLength(6);
    const all = allCodes(rs);
    // Both transactions' SE01 are wrong: a payer's front end rejects each transaction whole, so
    // each of the 6 claims carries the error (3 per transaction). GE01 says 1 transaction set for a
    // group of 2: one record for the group.
    expect(claims(rs).map((r) => r.diagnostics.filter((d) => d.code === 'X12-SE-COUNT').length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(rs.filter((r) => !r.claim && r.diagnostics.some((d) => d.code === 'X12-ENVELOPE')).flatMap((r) => r.diagnostics.map((d) => d.at.element))).toEqual(['GE01']);
    expect(all.filter((c) => c === 'X12-DUP-CLAIM-ID')).toHaveLength(3);
    expect(all).toEqual(expect.arrayContaining(['X12-HL-PARENT', 'X12-DIAGNOSIS', 'X12-NPI', 'X12-DISCIPLINE']));
    const first = claims(rs)[0]!;
    // 2310B NM108 is `X`: the billing provider's NPI stands in; 2330D's NM1*82 never leaks.
    expect(first.claim!['provider']).toEqual({ npi: '1234567890' });
    expect(first.claim!['payer']).toBe('11122333');
  });

  it.each([
    ['06-delimiters-tilde-caret-underscore.imsweb.txt', '~ element, ^ component, _ terminator'],
    ['08-malformed-isa-105-chars.imsweb.txt', 'a 105-character ISA read by counting separators'],
  ])('%s: %s — the same two claims as the plain file', (f) => {
    const rs = read(f);
    const cs = claims(rs).map((r) => r.claim);
    expect(cs.map((c) => c!['id'])).toEqual(['A37YH556', 'A37YH667']);
    expect((cs[0]!['lines'] as Record<string, unknown>[])[0]).toMatchObject({ code: '99211', modifiers: ['25'], units: 1, charge: 12.25, dateOfService: '2005-03-14' });
    if (f.startsWith('08')) expect(rs[0]!.diagnostics[0]).toMatchObject({ code: 'X12-ISA-LENGTH', severity: 'warning' });
  });

  it('07 the second claim has no CLM05: X12-NO-POS, and its line keeps its own SV105', () => {
    const cs = claims(read('07-malformed-missing-clm05.imsweb.txt'));
    expect(codes(cs[0]!)).not.toContain('X12-NO-POS');
    expect(cs[1]!.diagnostics.find((d) => d.code === 'X12-NO-POS')).toMatchObject({ severity: 'error', at: { element: 'CLM05-1' } });
    expect(cs[1]!.claim!['placeOfService']).toBeUndefined();
    expect((cs[1]!.claim!['lines'] as Record<string, unknown>[])[0]!['placeOfService']).toBe('11');
  });

  it('09 4010: rejected by version in one message; no claim, so 2330B\'s REF*G1 cannot become an authorization', () => {
    const rs = read('09-v4010-two-claims-g1-in-2330b.pyx12.txt');
    expect(claims(rs)).toHaveLength(0);
    expect(rs).toHaveLength(1);
    expect(rs[0]!.diagnostics[0]).toMatchObject({ code: 'X12-VERSION', severity: 'error' });
    expect(rs[0]!.diagnostics[0]!.message).toContain('004010X098A1');
  });
});

// What this mapping decides differently from the expected file written with the samples (its README
// says to change it when the mapping changes). Each delta is applied to the expected claims.
const DELTAS: { claim: string; note: string; apply: (c: Record<string, unknown>) => void }[] = [
  ...['CLM-1001', 'CLM-2002', 'CLM-3003', 'CLM-3004'].map((id, i) => ({
    claim: id,
    note: 'submittedOn from BHT04 (the date the 837 transaction was created); --as-of fills it only for claims that lack one',
    apply: (c: Record<string, unknown>) => void (c['submittedOn'] = ['2026-03-05', '2026-03-07', '2026-03-09', '2026-03-09'][i]),
  })),
  { claim: 'CLM-2002', note: 'referringProvider from 2310A NM1*DN (a second-wave contract field)', apply: (c) => void (c['referringProvider'] = { npi: '5555555551' }) },
];
// Diagnostics the mapping adds or words differently: compared by code and severity.
const EXTRA_CODES: Record<string, string[]> = { 'CLM-3003': ['X12-MULTI-DOS'] };

describe('837P samples 10–12 with the minutes, overlay and payer map: the expected mapping', () => {
  const sup = loadSupplements({
    minutes: { name: 'minutes.csv', text: text('10-12-synthetic.minutes.csv') },
    overlay: { name: 'overlay.ndjson', text: text('10-12-synthetic.overlay.ndjson') },
    payers: { name: 'payers.json', text: text('10-12-synthetic.payers.json') },
  });
  const seenIds = new Set<string>();
  const got = ['10-synthetic-ot-medicare.837', '11-synthetic-pt-commercial-auth.837', '12-synthetic-slp-medicaid-crlf.837'].flatMap((f) => read(f, { supplements: sup, seenIds, reportUnused: false }));
  const expected = text('10-12-synthetic.expected.ndjson').trim().split('\n').map((l) => JSON.parse(l) as { claim: Record<string, unknown>; diagnostics: { code: string; severity: string }[] });

  it.each(expected.map((e) => [e.claim['id'] as string, e] as const))('%s equals the expected claim (with the documented deltas)', (id, e) => {
    const want = structuredClone(e.claim);
    for (const d of DELTAS.filter((x) => x.claim === id)) d.apply(want);
    const rec = got.find((r) => r.claim?.['id'] === id)!;
    expect(rec.claim).toEqual(want);
    const wantCodes = [...e.diagnostics.map((d) => `${d.code}/${d.severity}`), ...(EXTRA_CODES[id] ?? []).map((c) => `${c}/info`)].sort();
    expect(rec.diagnostics.map((d) => `${d.code}/${d.severity}`).sort()).toEqual(wantCodes);
  });

  it('diagnostics quote no patient data: no member id, birth date, authorization number or note text', () => {
    const all = JSON.stringify(got.flatMap((r) => r.diagnostics));
    for (const secret of ['MCD000111222', '2019-03-04', 'MCD-PA-001', 'MCD-PA-002', 'PAYERICN0001', 'TX TIME', 'SAMPLE', 'PAT-77']) expect(all).not.toContain(secret);
  });

  it('every supplement row was used: no warning about claims the input lacks', () => {
    expect(got.filter((r) => !r.claim)).toEqual([]);
  });
});

describe('tokenizer', () => {
  const sample = text('10-synthetic-ot-medicare.837');
  const segs = (t: string) => tokenize(t).interchanges.flatMap((i) => i.segments.map((s) => s.el.join('|')));

  it.each([
    ['LF after each terminator (as written)', (t: string) => t],
    ['CRLF', (t: string) => t.replace(/~\n/g, '~\r\n')],
    ['CR only', (t: string) => t.replace(/~\n/g, '~\r')],
    ['no line breaks at all', (t: string) => t.replace(/~\n/g, '~')],
    ['a byte-order mark and blank lines first', (t: string) => '\uFEFF\n\n' + t],
  ])('%s: the same segments', (_note, f) => {
    expect(segs(f(sample))).toEqual(segs(sample));
  });

  it('several interchanges with different delimiters in one file: each read with its own', () => {
    const other = text('06-delimiters-tilde-caret-underscore.imsweb.txt');
    const both = tokenize(sample + other + sample);
    expect(both.interchanges.map((i) => `${i.delimiters.element}${i.delimiters.component}${i.delimiters.segment}`)).toEqual(['*:~', '~^_', '*:~']);
    const rs = [...readClaims(sample + other, 'x12')];
    expect(claims(rs).map((r) => r.claim!['id'])).toEqual(['CLM-1001', 'A37YH556', 'A37YH667']);
  });

  it('a bad ISA is one clear message and the next interchange is still read', () => {
    const broken = 'ISA*00*xx~GS*HC~';
    const rs = [...readClaims(broken + sample, 'x12')];
    expect(rs[0]!.diagnostics[0]).toMatchObject({ code: 'X12-BAD-ISA', severity: 'error' });
    expect(claims(rs).map((r) => r.claim!['id'])).toEqual(['CLM-1001']);
  });

  it('a file that does not start with ISA says so', () => {
    const rs = [...readClaims('GS*HC*X~ST*837*1~', 'x12')];
    expect(rs).toEqual([{ claim: null, diagnostics: [expect.objectContaining({ code: 'X12-NO-ISA', severity: 'error' })] }]);
  });

  it('an SE count mismatch makes each claim of its transaction invalid with the reason (a front end rejects the transaction); the claims are still mapped', () => {
    const bad = sample.replace('SE*36*0001', 'SE*99*0001');
    const rs = [...readClaims(bad, 'x12')];
    expect(rs.filter((r) => !r.claim)).toEqual([]);
    expect(claims(rs)).toHaveLength(1);
    expect(claims(rs)[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([expect.objectContaining({ code: 'X12-SE-COUNT', message: expect.stringMatching(/SE01 says 99 segments, the transaction has 36; a payer's front end rejects the whole transaction/) })]);
  });

  it.each([
    ['GE01 counts transactions', (t: string) => t.replace(/GE\*1\*/, 'GE*2*'), 'GE01', /GE01 says 2 transaction sets, the group has 1/],
    ['GE02 repeats GS06', (t: string) => t.replace(/GE\*1\*(\w+)/, 'GE*1*999'), 'GE02', /GE02 `999` does not match GS06/],
    ['IEA01 counts groups', (t: string) => t.replace(/IEA\*1\*/, 'IEA*3*'), 'IEA01', /IEA01 says 3 functional groups, the interchange has 1/],
    ['IEA02 repeats ISA13', (t: string) => t.replace(/IEA\*1\*(\d+)/, 'IEA*1*123456789'), 'IEA02', /IEA02 `123456789` does not match ISA13/],
    ['a group needs its GE', (t: string) => t.replace(/GE\*[^~]*~/, ''), undefined, /functional group \w+ has no GE trailer before IEA/],
    ['an interchange needs its IEA', (t: string) => t.replace(/IEA\*[^~]*~?\s*$/, ''), undefined, /interchange \d+ has no IEA trailer at the end of the file/],
  ])('a trailer that disagrees with its envelope is one envelope error, the claims still read: %s', (_name, edit, element, message) => {
    const bad = edit(sample);
    expect(bad).not.toBe(sample);
    const rs = [...readClaims(bad, 'x12')];
    const env = rs.filter((r) => !r.claim);
    expect(env.flatMap((r) => r.diagnostics.map((d) => [d.code, d.severity, d.at.element]))).toEqual([['X12-ENVELOPE', 'error', element]]);
    expect(env[0]!.diagnostics[0]!.message).toMatch(message);
    expect(claims(rs)).toHaveLength(1);
  });
});
