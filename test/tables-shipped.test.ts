// The tables shipped in rulesets/tables: every release matches its manifest, round-trips through
// the normalized format, and gives the answers the CMS/CDC sources give for the cases issue 12
// names (2024 dates of service unless the release starts later).
import { describe, expect, it } from 'vitest';
import { parseDay } from '../tables/codes.ts';
import { importFiles } from '../tables/import/index.ts';
import { writeNormalized } from '../tables/normalized.ts';
import { listReleases, loadTables, readReleaseText } from '../tables/store.ts';

const DIR = new URL('../rulesets/tables/', import.meta.url).pathname;
const tables = loadTables(DIR);
const releases = listReleases(DIR);
const d = parseDay;

describe('shipped releases', () => {
  it('lists the tables issue 12 names', () =>
    expect(releases.map((r) => `${r.manifest.table} ${r.manifest.release}`)).toEqual([
      'cdc-icd10cm FY2025',
      'cdc-icd10cm FY2026',
      'cms-mpfs RVU24A',
      'cms-mpfs RVU24AR',
      'cms-mpfs RVU24B',
      'cms-mpfs RVU24C',
      'cms-mue-practitioner 2024-07-01',
      'cms-mue-practitioner 2026-04-01',
      'cms-ncci-ptp-practitioner 2024-07-01',
      'cms-ncci-ptp-practitioner 2026-10-01',
      'cms-procedure-codes 2024-07-01',
    ]));

  it.each(releases.map((r) => ({ name: `${r.manifest.table} ${r.manifest.release}`, ...r })))('$name: rows match the manifest and round-trip (normalized CSV → import → same CSV)', ({ manifest, path }) => {
    const text = readReleaseText(path, manifest);
    const res = importFiles([{ name: 'rows.csv', bytes: new TextEncoder().encode(text) }], { kind: manifest.kind, from: manifest.from, release: manifest.release });
    expect(res.problems).toEqual([]);
    expect(res.releases[0]!.rows.length).toBe(manifest.rows);
    expect(writeNormalized(res.releases[0]!.rows)).toBe(text);
  });

  it('says where the data is partial or missing', () => {
    const m = (t: string, r: string) => releases.find((x) => x.manifest.table === t && x.manifest.release === r)!.manifest;
    expect(m('cms-ncci-ptp-practitioner', '2026-10-01').source).toMatch(/^PARTIAL/);
    expect(m('cms-ncci-ptp-practitioner', '2024-07-01').missing?.[0]).toMatch(/^effective: /);
    expect(m('cdc-icd10cm', 'FY2026').rows).toBe(98186);
    expect(m('cms-ncci-ptp-practitioner', '2024-07-01').rows).toBe(39305);
  });
});

describe('answers from the shipped tables', () => {
  const ncci = (a: string, b: string, on: string) => {
    const r = tables.release('cms-ncci-ptp-practitioner', d(on))!;
    return { release: r.info.release, mi: (r.lookup as import('../engine/tables.ts').NcciLookup).edit(a, b, d(on))?.modifierIndicator };
  };
  it.each([
    { pair: '97150/97110', mi: 1, note: 'group with individual therapy: bundled, 59/X bypass' },
    { pair: '92507/97530', mi: 1, note: 'SLP treatment with therapeutic activities' },
    { pair: '97165/97168', mi: 0, note: 'OT evaluation with OT re-evaluation: never bypassed, even with 59' },
    { pair: '97164/97110', mi: undefined, note: 'no such edit in this direction' },
    { pair: '97110/97164', mi: undefined, note: 'the edit was deleted (2019-12-31, then indicator 9)' },
    { pair: '97530/97140', mi: undefined, note: 'the withdrawn January 2020 edit' },
  ])('NCCI $pair on 2024-08-15: $note', ({ pair, mi }) => {
    const [a, b] = pair.split('/') as [string, string];
    expect(ncci(a, b, '2024-08-15')).toEqual({ release: '2024-07-01', mi });
  });

  it.each([
    { code: '97001', on: '2024-08-15', expect: undefined, note: 'deleted in 2017: in no 2020–2024 RVU file' },
    { code: '97014', on: '2024-08-15', expect: 'I', note: 'not valid for Medicare (use G0283)' },
    { code: '97110', on: '2024-08-15', expect: 'A', note: 'active' },
    { code: '97550', on: '2023-06-01', expect: undefined, note: 'new in 2024' },
    { code: '97550', on: '2024-08-15', expect: 'A', note: 'new in 2024' },
  ])('procedure code $code on $on: $note', ({ code, on, expect: want }) => {
    const r = tables.release('cms-procedure-codes', d(on))!;
    const p = r.lookup as import('../engine/tables.ts').ProcedureCodeLookup & { covers(c: string): boolean };
    expect(p.procedure(code, d(on))?.status).toBe(want);
    expect(p.covers(code)).toBe(true);
  });

  it('diagnoses: M54 is a header, M5450 billable, in FY2025 (dates of service from 2024-10-01)', () => {
    const r = tables.release('cdc-icd10cm', d('2024-10-15'))!;
    const dx = r.lookup as import('../engine/tables.ts').DiagnosisLookup;
    expect([r.info.release, dx.diagnosis('M54'), dx.diagnosis('M5450'), dx.diagnosis('M545')]).toEqual(['FY2025', 'header', 'billable', 'header']);
    expect(tables.release('cdc-icd10cm', d('2024-08-15'))).toBeUndefined();
  });

  it('fee schedule: 97110 is $29.29 national non-facility in RVU24C (near $29, so $2,400 + $29 stays under the $2,410 KX threshold)', () => {
    const r = tables.release('cms-mpfs', d('2024-08-15'))!;
    expect([r.info.release, (r.lookup as import('../engine/tables.ts').FeeLookup).amount('97110', ['GP'], d('2024-08-15'), false)]).toEqual(['RVU24C', 2929]);
  });

  it('MUE: 97110 6 per day (MAI 3) in 2024-07-01; the 2026 Q2 release covers therapy codes only', () => {
    const r = tables.release('cms-mue-practitioner', d('2024-08-15'))!;
    expect((r.lookup as import('../engine/tables.ts').MueLookup).mue('97110', 0)).toMatchObject({ value: 6, mai: 3 });
    const q2 = tables.release('cms-mue-practitioner', d('2026-05-01'))!.lookup as import('../engine/tables.ts').MueLookup & { covers(c: string): boolean };
    expect([q2.covers('97110'), q2.covers('99213')]).toEqual([true, false]);
  });
});
