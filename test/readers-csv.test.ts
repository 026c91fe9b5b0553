// CSV claims, the supplements beside an 837P (minutes, overlay, payer map) and format detection.
// Expectations come from docs/csv-input.md and docs/837p-mapping.md (the documented columns and rules).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CSV_COLUMNS, ReaderError, detectFormat, loadSupplements, readClaims } from '../readers/index.ts';

const fixture = (f: string) => readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8');

describe('CSV claims', () => {
  const recs = [...readClaims(fixture('csv/spreadsheet-export.csv'), 'csv')];

  it('an unknown column is one warning naming it, and is not read', () => {
    expect(recs[0]).toEqual({ claim: null, diagnostics: [expect.objectContaining({ code: 'CSV-COLUMN', severity: 'warning', message: expect.stringContaining('`notes`') })] });
  });

  it('rows of one claim become one claim: claim columns once, a line per row; spreadsheet habits read back', () => {
    const c1 = recs[1]!;
    expect(c1.diagnostics).toEqual([]);
    expect(c1.claim).toEqual({
      id: 'C-1',
      payer: 'medicare-part-b',
      dateOfService: '2026-03-02', // 3/2/2026, as a US spreadsheet writes it
      placeOfService: '02', // the leading zero a spreadsheet drops
      diagnoses: ['M62.81', 'I69.351'], // the dot ICD-10 exports leave out
      priorAuthorization: { number: 'PA-1' },
      history: { visitsThisYear: 11 },
      lines: [
        { code: '97110', modifiers: ['GO'], units: 2, minutes: 33, renderedBy: 'OT', diagnosisPointers: [1, 2], charge: 1120.5 },
        { code: '97530', modifiers: ['GO', '59'], units: 1, minutes: 14, renderedBy: 'OTA', diagnosisPointers: [2], charge: 80, dateOfService: '2026-03-04' },
      ],
    });
    expect(c1.row).toBe(2);
  });

  it('a claim-level cell that disagrees with an earlier row, and a cell of the wrong type, are errors at row and column', () => {
    const c2 = recs[2]!;
    expect(c2.diagnostics.map((d) => [d.code, d.at.row, d.at.column])).toEqual([
      ['CSV-CONFLICT', 5, 'payer'],
      ['CSV-VALUE', 5, 'units'],
    ]);
  });

  it('no header with claim_id and code: one error, nothing guessed', () => {
    const r = [...readClaims('C-1,97110,2\n', 'csv')];
    expect(r).toEqual([{ claim: null, diagnostics: [expect.objectContaining({ code: 'CSV-HEADER', severity: 'error' })] }]);
  });

  it.each([
    ['claim_id,cpt,units\nA,97110,1\n', 'the header has no `code` column (is `cpt` it? rename it `code`); every CSV needs claim_id and code (see docs/csv-input.md)'],
    ['claim_number,code\nA,97110\n', 'the header has no `claim_id` column (is `claim_number` it? rename it `claim_id`); every CSV needs claim_id and code (see docs/csv-input.md)'],
    ['id,hcpcs\nA,97110\n', 'the header has no `claim_id` column (is `id` it? rename it `claim_id`) and no `code` column (is `hcpcs` it? rename it `code`); every CSV needs claim_id and code (see docs/csv-input.md)'],
  ])('a header missing a required column names it, and the column that is probably it (never read in its place): %s', (csv, message) => {
    const r = [...readClaims(csv, 'csv')];
    expect(r).toEqual([{ claim: null, diagnostics: [expect.objectContaining({ code: 'CSV-HEADER', severity: 'error', message })] }]);
  });

  it('every claim field has a column; line fields named like a claim field get `line_`', () => {
    const names = CSV_COLUMNS.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['claim_id', 'payer', 'patient_birth_date', 'prior_authorization_visits_used', 'plan_of_care_certified_through', 'submitted_on', 'code', 'minutes', 'assistant_minutes', 'line_date_of_service', 'line_place_of_service']));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('supplements', () => {
  const claim = () => ({ claim: { id: 'A', priorAuthorization: { number: 'PA-1' }, lines: [{ code: '97110' }, { code: '97530' }] } as Record<string, unknown>, diagnostics: [] });
  const ndjson = (c: unknown) => JSON.stringify(c) + '\n';

  it.each([
    ['minutes and who rendered land on the line', 'claim_id,line,code,minutes,assistant_minutes,rendered_by\nA,2,97530,20,5,PTA\n', [], { code: '97530', minutes: 20, assistantMinutes: 5, renderedBy: 'PTA' }],
    ['a row whose code differs from the line is an error, not applied', 'claim_id,line,code,minutes\nA,2,97110,20\n', ['MIN-LINE'], { code: '97530' }],
    ['a row for a line the claim lacks is an error', 'claim_id,line,minutes\nA,3,20\n', ['MIN-LINE'], { code: '97530' }],
    ['assistant minutes above the minutes are an error', 'claim_id,line,minutes,assistant_minutes\nA,2,10,20\n', ['MIN-VALUE'], { code: '97530', minutes: 10, assistantMinutes: 20 }],
    ['an unknown discipline is an error', 'claim_id,line,minutes,rendered_by\nA,2,10,nurse\n', ['MIN-VALUE'], { code: '97530', minutes: 10 }],
  ])('%s', (_note, csv, codes, line2) => {
    const rec = claim();
    const recs = [...readClaims(ndjson(rec.claim), 'ndjson', { supplements: loadSupplements({ minutes: { name: 'm.csv', text: csv } }) })];
    const got = recs[0]!;
    expect(got.diagnostics.map((d) => d.code).filter((c) => c !== 'X12-NO-MINUTES')).toEqual(codes);
    expect((got.claim!['lines'] as unknown[])[1]).toEqual(line2);
  });

  it('minutes the claim file already carries are never overridden: a row that disagrees is MIN-CONFLICT, one that agrees is silent', () => {
    const withMinutes = { id: 'A', lines: [{ code: '97110', minutes: 33 }, { code: '97530', minutes: 20, assistantMinutes: 0 }] };
    const run = (csv: string) => [...readClaims(ndjson(withMinutes), 'ndjson', { supplements: loadSupplements({ minutes: { name: 'm.csv', text: csv } }) })][0]!;
    const clash = run('claim_id,line,minutes,assistant_minutes\nA,1,30,\nA,2,20,10\n');
    expect(clash.diagnostics.map((d) => [d.code, d.severity, d.at.line])).toEqual([['MIN-CONFLICT', 'error', 1], ['MIN-CONFLICT', 'error', 2]]);
    expect(clash.diagnostics[0]!.message).toBe("line 1: the minutes file's minutes `30` differs from the claim file's `33`; nothing was overridden (remove one of them)");
    expect(clash.claim!['lines']).toEqual(withMinutes.lines);
    const same = run('claim_id,line,minutes,rendered_by\nA,1,33,PTA\n');
    expect(same.diagnostics).toEqual([]);
    expect((same.claim!['lines'] as unknown[])[0]).toEqual({ code: '97110', minutes: 33, renderedBy: 'PTA' });
  });

  it('the overlay deep-merges by id; a value that disagrees with the file is an error and is not applied', () => {
    const overlay = ndjson({ id: 'A', priorAuthorization: { number: 'PA-9', from: '2026-01-01', visits: 12 }, history: { visitsThisYear: 3 }, lines: [{ line: 2, assistantMinutes: 4 }] });
    const [rec] = [...readClaims(ndjson(claim().claim), 'ndjson', { supplements: loadSupplements({ overlay: { name: 'o.ndjson', text: overlay } }) })];
    expect(rec!.claim).toEqual({ id: 'A', priorAuthorization: { number: 'PA-1', from: '2026-01-01', visits: 12 }, history: { visitsThisYear: 3 }, lines: [{ code: '97110' }, { code: '97530', assistantMinutes: 4 }] });
    expect(rec!.diagnostics).toEqual([expect.objectContaining({ code: 'OVL-CONFLICT', message: expect.stringContaining('priorAuthorization.number') })]);
    expect(rec!.diagnostics[0]!.message).not.toContain('PA-9');
  });

  it('entries for claims the input lacks are reported after the last claim', () => {
    const sup = loadSupplements({ minutes: { name: 'm.csv', text: 'claim_id,line,minutes\nZ,1,10\n' }, overlay: { name: 'o.ndjson', text: ndjson({ id: 'Y' }) } });
    const recs = [...readClaims(ndjson(claim().claim), 'ndjson', { supplements: sup })];
    expect(recs.slice(1).map((r) => r.diagnostics[0]!.code)).toEqual(['MIN-CLAIM', 'OVL-CLAIM']);
  });

  it.each([
    ['a minutes file with no claim_id column', { minutes: { name: 'm.csv', text: 'id,line\nA,1\n' } }, /m\.csv: .*claim_id/],
    ['an overlay line that is not JSON', { overlay: { name: 'o.ndjson', text: '{"id":"A"}\n{oops\n' } }, /o\.ndjson:2: not valid JSON/],
    ['an overlay entry without an id', { overlay: { name: 'o.ndjson', text: '{"x":1}\n' } }, /o\.ndjson:1: .*"id"/],
    ['a payer map whose values are not ruleset ids', { payers: { name: 'p.json', text: '{"byPayerId":{"X":1}}' } }, /p\.json: "byPayerId"/],
    ['a payer map that is not JSON', { payers: { name: 'p.json', text: '{' } }, /p\.json: not valid JSON/],
  ])('%s cannot be read (file and line named)', (_note, texts, re) => {
    expect(() => loadSupplements(texts)).toThrow(ReaderError);
    expect(() => loadSupplements(texts)).toThrow(re);
  });
});

describe('format detection', () => {
  it.each([
    ['claims.837', '', 'x12'],
    ['CLAIMS.X12', '', 'x12'],
    ['batch.edi', '', 'x12'],
    ['export.txt', 'ISA*00*', 'x12'],
    ['-', '\uFEFF  ISA*00*', 'x12'],
    ['claims.csv', 'anything', 'csv'],
    ['-', 'claim_id,code\n', 'csv'],
    ['claims.json', '{', 'json'],
    ['-', '[{"id"', 'json'],
    ['claims.ndjson', '[', 'ndjson'],
    ['-', '{"id":"A"}', 'ndjson'],
    ['-', '', 'ndjson'],
  ])('%s starting %j → %s', (name, head, format) => {
    expect(detectFormat(name, head).format).toBe(format);
  });
});
