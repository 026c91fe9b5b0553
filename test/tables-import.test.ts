// Importing official release files: each layout read into the normalized rows it holds, malformed
// files reported by file:line with nothing written, and the command line's import and diff.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { importFiles } from '../tables/import/index.ts';
import { writeNormalized } from '../tables/normalized.ts';

const FIX = new URL('./fixtures/tables/', import.meta.url).pathname;
const file = (name: string) => ({ name, bytes: new Uint8Array(readFileSync(join(FIX, name))) });
const tmp = mkdtempSync(join(tmpdir(), 'payer-rules-tables-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('official layouts become normalized rows', () => {
  it('NCCI PTP text files f1 and f2 (preamble, tab-delimited, * = not deleted) as one release', () => {
    const res = importFiles([file('ccipra-v323r0-f1.txt'), file('ccipra-v323r0-f2.txt')], { kind: 'ncci-ptp', from: '2026-10-01' });
    expect(res.problems).toEqual([]);
    expect(writeNormalized(res.releases[0]!.rows)).toBe(
      [
        'column1,column2,prior_1996,effective,deletion,modifier_indicator,rationale',
        '97140,97530,,2000-07-01,2019-12-31,1,',
        '97161,99213,,2017-01-01,2019-12-31,1,',
        '97161,99213,,2020-10-01,,1,',
        '97162,97161,,2017-01-01,2019-12-31,0,',
        '97162,97161,,2020-10-01,,0,',
        '97530,97116,*,1996-01-01,1996-01-01,9,',
        '97530,97116,,1999-07-01,2019-12-31,1,',
        '97530,97116,,2020-10-01,2020-10-01,9,',
        '',
      ].join('\n'),
    );
  });

  it('the zip CMS publishes around the PTP text files', () => {
    const zip = zipSync({ 'ccipra-v323r0-f1.txt': file('ccipra-v323r0-f1.txt').bytes, 'ccipra-v323r0-f2.txt': file('ccipra-v323r0-f2.txt').bytes, 'README.pdf': new Uint8Array([1, 2]) });
    const res = importFiles([{ name: 'ccipra-v323r0.zip', bytes: zip }], { kind: 'ncci-ptp', from: '2026-10-01' });
    expect(res.problems).toEqual([]);
    expect(res.releases[0]!.rows.length).toBe(8);
    expect(res.releases[0]!.source).toContain('ccipra-v323r0.zip:ccipra-v323r0-f1.txt');
  });

  it('MUE CSV with its copyright preamble; "3 Date of Service Edit: Clinical" read as MAI 3', () => {
    const res = importFiles([file('MCR_MUE_PractitionerServices_Eff_04-01-2026.csv')], { kind: 'mue', from: '2026-04-01' });
    expect(res.problems).toEqual([]);
    expect(writeNormalized(res.releases[0]!.rows)).toBe('code,value,mai,rationale\n97010,0,3,CMS Policy\n97110,6,3,Clinical: Data\n97161,1,2,CMS Policy\nG0283,1,3,Code Descriptor / CPT Instruction\n');
  });

  it('ICD-10-CM order file: fixed width, fiscal year from the file name (FY2026 = 2025-10-01 … 2026-09-30)', () => {
    const res = importFiles([file('icd10cm-order-2026.txt')], { kind: 'icd10cm' });
    expect(res.problems).toEqual([]);
    const r = res.releases[0]!;
    expect([r.release, r.from, r.through]).toEqual(['FY2026', '2025-10-01', '2026-09-30']);
    expect(writeNormalized(r.rows)).toContain('M54,0,Dorsalgia\nM545,0,Low back pain\nM5450,1,"Low back pain, unspecified"\n');
  });

  it('PPRRVU CSV: the fee schedule of the file window given with --from/--through', () => {
    const res = importFiles([file('PPRRVU24_JUL.csv')], { kind: 'fee-schedule', release: 'RVU24C', from: '2024-07-01', through: '2024-09-30' });
    expect(res.problems).toEqual([]);
    expect(writeNormalized(res.releases[0]!.rows).split('\n').slice(0, 3)).toEqual([
      'code,modifier,locality,status,work_rvu,pe_rvu_nonfacility,pe_rvu_facility,mp_rvu,conversion_factor,amount_nonfacility,amount_facility,pctc,mult_proc',
      '92540,,,A,1.5,1.67,1.67,0.03,33.2875,,,1,0',
      '92540,26,,A,1.5,0.75,0.75,0.02,33.2875,,,1,0',
    ]);
  });

  it('procedure codes: HCPCS add/termination dates merged with the PPRRVU status of the same window; continuation and modifier records skipped', () => {
    const res = importFiles([file('HCPC2024_JUL_ANWEB.csv'), file('PPRRVU24_JUL.csv')], { kind: 'procedure-codes', release: '2024-07-01', from: '2024-07-01', through: '2024-09-30' });
    expect(res.problems).toEqual([]);
    expect(writeNormalized(res.releases[0]!.rows)).toBe(
      'code,from,through,status,added,terminated\n92540,,,A,,\n97010,,,B,,\n97014,,,I,,\n97110,,,A,,\nG0283,,,,2003-01-01,\nG0515,,,,2018-01-01,2019-12-31\n',
    );
  });
});

describe('malformed files: every problem with file:line, nothing imported', () => {
  it.each([
    { note: 'PTP cut short mid-line', files: ['ptp-truncated.txt'], kind: 'ncci-ptp', expect: ['ptp-truncated.txt:8: expected at least 6 tab-separated columns, found 4 (is the file cut short?)'] },
    {
      note: 'PTP impossible date and modifier indicator 2',
      files: ['ptp-bad-values.txt'],
      kind: 'ncci-ptp',
      expect: ['ptp-bad-values.txt:7: effective `20201331` is not a date (YYYY-MM-DD)', 'ptp-bad-values.txt:8: modifier_indicator `2` is not one of 0, 1, 9'],
    },
    { note: 'PTP row repeated', files: ['ptp-duplicate.txt'], kind: 'ncci-ptp', expect: ['ptp-duplicate.txt:11: duplicate row: 97162 97161 2020-10-01 is already on line 9'] },
    {
      note: 'PTP rows repeated across the parts of one release',
      files: ['ccipra-v323r0-f1.txt', 'ptp-duplicate.txt'],
      kind: 'ncci-ptp',
      expect: [
        'ptp-duplicate.txt:6: duplicate row: 97140 97530 2000-07-01 2019-12-31 is already on ccipra-v323r0-f1.txt:6',
        'ptp-duplicate.txt:8: duplicate row: 97161 99213 2017-01-01 2019-12-31 is already on ccipra-v323r0-f1.txt:8',
        'ptp-duplicate.txt:7: duplicate row: 97161 99213 2020-10-01 is already on ccipra-v323r0-f1.txt:7',
        'ptp-duplicate.txt:10: duplicate row: 97162 97161 2017-01-01 2019-12-31 is already on ccipra-v323r0-f1.txt:10',
        'ptp-duplicate.txt:9: duplicate row: 97162 97161 2020-10-01 is already on ccipra-v323r0-f1.txt:9',
        'ptp-duplicate.txt:11: duplicate row: 97162 97161 2020-10-01 is already on line 9',
      ],
    },
    { note: 'PTP with the wrong columns (semicolons)', files: ['ptp-wrong-columns.csv'], kind: 'ncci-ptp', expect: [expect.stringMatching(/^ptp-wrong-columns\.csv:1: not a ncci-ptp file this command reads; it reads:\n/)] },
    { note: 'MUE duplicate code and a short row', files: ['mue-duplicate-and-short.csv'], kind: 'mue', expect: ['mue-duplicate-and-short.csv:8: expected 4 columns, found 2 (is the file cut short?)', 'mue-duplicate-and-short.csv:7: duplicate row: 97110 is already on line 6'] },
    { note: 'MUE value not a number, MAI 7', files: ['mue-wrong-values.csv'], kind: 'mue', expect: ['mue-wrong-values.csv:3: value `four` is not a whole number', 'mue-wrong-values.csv:4: mai `7` is not an MUE adjudication indicator (1, 2 or 3)'] },
    { note: 'ICD-10-CM order file cut short', files: ['icd10cm-order-truncated.txt'], kind: 'icd10cm', expect: ['icd10cm-order-truncated.txt:4: not an order-file line (order number, code, 0 or 1, description at fixed positions); the line is cut short'] },
  ] as const)('$note', ({ files, kind, expect: want }) => {
    const res = importFiles(files.map(file), { kind, from: '2026-10-01' });
    expect(res.releases).toEqual([]);
    expect(res.problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual(want);
  });
});

describe('payer-rules import and diff', () => {
  const into = join(tmp, 'store');
  const release = join(into, 'cms-ncci-ptp-practitioner', '2026-10-01');

  it('imports a release, prints the change report, and a second release reports what changed', async () => {
    const first = await run('import', 'ncci-ptp', join(FIX, 'ccipra-v323r0-f1.txt'), '--from', '2026-10-01', '--into', into);
    expect(first.code).toBe(0);
    expect(first.out).toContain('cms-ncci-ptp-practitioner: first release 2026-10-01 (5 rows)');
    const second = await run('import', 'ncci-ptp', join(FIX, 'ccipra-v323r0-f1.txt'), join(FIX, 'ccipra-v323r0-f2.txt'), '--release', '2027-01-01', '--from', '2027-01-01', '--into', into);
    expect(second.code).toBe(0);
    expect(second.out.split('\n').slice(1)).toEqual([
      'cms-ncci-ptp-practitioner: 2026-10-01 (5 rows) → 2027-01-01 (8 rows)',
      '  3 added, 0 deleted, 0 modified, 5 unchanged',
      '  + 97530 97116: column1=97530 column2=97116 prior_1996=* effective=1996-01-01 deletion=1996-01-01 modifier_indicator=9',
      '  + 97530 97116: column1=97530 column2=97116 effective=1999-07-01 deletion=2019-12-31 modifier_indicator=1',
      '  + 97530 97116: column1=97530 column2=97116 effective=2020-10-01 deletion=2020-10-01 modifier_indicator=9',
    ]);
  });

  it('a malformed file replacing a release leaves the stored release byte for byte as it was', async () => {
    const before = readdirSync(release).map((f) => readFileSync(join(release, f)));
    const bad = await run('import', 'ncci-ptp', join(FIX, 'ptp-bad-values.txt'), '--from', '2026-10-01', '--into', into);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('ptp-bad-values.txt:7: effective `20201331` is not a date (YYYY-MM-DD)');
    expect(bad.err).toContain('nothing was written');
    expect(readdirSync(release).map((f) => readFileSync(join(release, f)))).toEqual(before);
    expect(readdirSync(join(into, 'cms-ncci-ptp-practitioner')).sort()).toEqual(['2026-10-01', '2027-01-01']);
  });

  it('diff of two release folders gives the same report as import', async () => {
    const d = await run('diff', release, join(into, 'cms-ncci-ptp-practitioner', '2027-01-01'));
    expect(d.code).toBe(0);
    expect(d.out).toContain('3 added, 0 deleted, 0 modified, 5 unchanged');
  });

  it.each([
    { note: 'unknown kind', argv: ['import', 'ptp', 'x.txt'], err: '`ptp` is not a table kind' },
    { note: 'no file', argv: ['import', 'mue'], err: 'import needs a table kind and at least one file' },
    { note: 'unreadable file', argv: ['import', 'mue', 'no-such-file.csv'], err: 'cannot read no-such-file.csv: no such file' },
    { note: 'no effective date known', argv: ['import', 'mue', join(FIX, 'MCR_MUE_PractitionerServices_Eff_04-01-2026.csv'), '--into', join(tmp, 'x')], err: 'give --from YYYY-MM-DD' },
    { note: 'bad --from', argv: ['import', 'mue', join(FIX, 'MCR_MUE_PractitionerServices_Eff_04-01-2026.csv'), '--from', '2026-02-30', '--into', join(tmp, 'x')], err: '--from `2026-02-30` is not a date' },
    { note: 'a release diffed with a ruleset', argv: ['diff', release, 'rulesets/medicare-part-b/2026.payer'], err: 'not one of each' },
  ])('exit 2: $note', async ({ argv, err }) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(err);
  });
});
