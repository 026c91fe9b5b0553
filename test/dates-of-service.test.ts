// Claims as payers see them: lines grouped by their own date of service, each line judged under the
// ruleset version in force on its date, yearly totals that restart on January 1, visits counted by
// date, time-defined code pairs, diagnosis sets, reference tables, and what could not be checked.
// Every expectation below is worked by hand from the policy (noted per case), then run through both
// runtimes, which must agree.
import { describe, expect, it } from 'vitest';
import { analyze, rulesetLoader } from '../dsl/index.ts';
import { Evaluator, type ClaimReport, type Report } from '../engine/index.ts';
import { inlineTables } from './support-tables.ts';

const TABLES = inlineTables([
  // NCCI: group with individual therapy (indicator 1), PT evaluation with E/M (1), two PT
  // evaluations (0), and an edit deleted before the dates used here.
  { table: 'test-ncci', kind: 'ncci-ptp', release: '2025-01-01', from: '2025-01-01', rows: [['97150', '97110', '2020-01-01', '', '1'], ['97161', '99213', '2020-10-01', '', '1'], ['97162', '97161', '2020-10-01', '', '0'], ['97164', '97110', '2020-01-01', '2019-12-31', '1']] },
  { table: 'test-mue', kind: 'mue', release: '2025-01-01', from: '2025-01-01', rows: [['97110', '6', '3'], ['97530', '2', '1'], ['97162', '1', '2']] },
  { table: 'test-codes', kind: 'procedure-codes', release: '2025-01-01', from: '2020-01-01', covers: ['97'], rows: [['97110', '', '', 'A'], ['97112', '', '', 'A'], ['97140', '', '', 'A'], ['97150', '', '', 'A'], ['97161', '', '', 'A'], ['97162', '', '', 'A'], ['97164', '', '', 'A'], ['97530', '', '', 'A'], ['97014', '', '', 'I'], ['97129', '', '', 'A'], ['97130', '', '', 'A'], ['97550', '2024-01-01', '', 'A'], ['97551', '2024-01-01', '', 'A'], ['97750', '', '', 'A']] },
  { table: 'test-icd', kind: 'icd10cm', release: 'FY2025', from: '2024-10-01', through: '2025-09-30', rows: [['M54', '0'], ['M5450', '1'], ['M6281', '1'], ['M5117', '1'], ['M512', '0'], ['M5126', '1']] },
  { table: 'test-icd', kind: 'icd10cm', release: 'FY2026', from: '2025-10-01', through: '2026-09-30', rows: [['M54', '0'], ['M5450', '1'], ['M6281', '1'], ['M5117', '1'], ['M5126', '1']] },
  { table: 'test-fees', kind: 'fee-schedule', release: 'RVU25', from: '2025-01-01', rows: [['97110', '2929', '2700'], ['97112', '3300', '3000'], ['97140', '2700', '2500']] },
]);

const version = (year: number, kx: string) => `ruleset test-payer "Test payer"
version ${year}.1 effective ${year}-01-01 through ${year}-12-31

codes timed = 97110, 97112, 97140, 97530, 97750
codes untimed = 97161..97164, 97150
codes pt-evaluations = 97161..97164
codes treatment = 97110, 97112, 97140, 97530, 97150
codes e-m = 99202..99215
diagnoses low-back = M54.5*, M54.4*, M51.16..M51.17

units {
  timed codes timed
  untimed codes untimed
  UNITS-TIME: method total-time cite "MCPM ch.5 §20.2"
  pair 97129 first 15 minutes then 97130 each 15 minutes
  pair 97550 first 30 minutes minimum 16 minutes then 97551 each 15 minutes
}

modifiers {
  KX-THRESHOLD: require KX above ${kx} per year priced by table test-fees cite "test"
  REVIEW: targeted review above $3,000 per year priced by table test-fees cite "test"
  NCCI-PTP: ncci table test-ncci bypass 59, XE, XS, XP, XU bypass 25 on e-m cite "test"
  MUE: mue table test-mue cite "test"
}

validity {
  CODE-VALID: procedure codes in table test-codes cite "test"
  DX-VALID: diagnoses in table test-icd cite "test"
}

prior-auth {
  VISITS: limit 5 visits for treatment per calendar year cite "test"
}

rule EVAL-ONE-PER-DAY "one PT evaluation per date of service" error {
  kind mue-exceeded
  when line.code in pt-evaluations and sum(line.units where line.code in pt-evaluations) per day > 1
  cite "test"
}

rule LOW-BACK "97140 needs a low back diagnosis" error {
  kind medical-necessity
  when line.code = 97140 and line.diagnoses has none of low-back
  cite "test"
}

rule GROUP-SAME-DAY "group therapy on a day with individual therapy" warning {
  when line.code = 97150 and count(lines where line.code in timed and line.dateOfService = this.dateOfService) > 0
  cite "test"
}

rule MANY-VISITS "more than 3 treatment visits on one claim" info {
  when count(visits where line.code in treatment) > 3
  cite "test"
}
`;

const files = [
  { name: 'test-payer/2025.payer', text: version(2025, '$2,410') },
  { name: 'test-payer/2026.payer', text: version(2026, '$2,480') },
];
const rulesets = files.map((f) => {
  const res = analyze(f, { loadRuleset: rulesetLoader(files), tables: TABLES.tables() });
  if (!res.compiled) throw new Error(res.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return res.compiled;
});
const ev = new Evaluator(rulesets, { tables: TABLES });

/** Evaluates under both runtimes, checks they agree, returns the report. */
async function run(claim: Record<string, unknown>): Promise<ClaimReport> {
  const a = await ev.evaluate(claim);
  const b = await ev.evaluate(claim, { runtime: 'json-rules-engine' });
  expect(b).toEqual(a);
  expect(a.status).not.toBe('invalid');
  return a as ClaimReport;
}

const findings = (r: Report, rule?: string) => ('findings' in r ? r.findings : []).filter((f) => !rule || f.rule === rule).map((f) => `${f.rule}/${f.kind}@${f.line ?? '-'}`);
const base = { payer: 'test-payer', provider: { npi: '1234567893', discipline: 'PT' }, placeOfService: '11', diagnoses: ['M54.50', 'M62.81'], history: { visitsThisYear: 0, therapyAllowedThisYear: { PT_SLP: 0, OT: 0 } } };
const line = (code: string, extra: Record<string, unknown> = {}) => ({ code, modifiers: ['GP'], diagnosisPointers: [1], allowed: 10, ...extra });

describe('units are counted per date of service (MCPM ch.5 §20.2, "in a single day")', () => {
  it.each([
    {
      note: '1 date: 97110 33 min + 97140 7 min = 40 min → 3 units, 2 + 1 (CMS example 3)',
      lines: [line('97110', { minutes: 33, units: 2 }), line('97140', { minutes: 7, units: 1 })],
      dos: '2025-03-03',
      expected: [2, 1],
      unitFindings: [] as string[],
    },
    {
      note: '2 dates: 20 + 20 min on 03-03 (40 → 3 units), 20 min alone on 03-05 (→ 1 unit, 2 billed)',
      lines: [line('97110', { minutes: 20, units: 2 }), line('97112', { minutes: 20, units: 1 }), line('97110', { minutes: 20, units: 2, dateOfService: '2025-03-05' })],
      dos: '2025-03-03',
      expected: [2, 1, 1],
      unitFindings: ['UNITS-TIME/units-exceed-time@3'],
    },
    {
      note: '5 dates: 10 min of 97110 each day is 1 unit each day (one day of 50 min would allow only 3)',
      lines: ['03-03', '03-05', '03-07', '03-10', '03-12'].map((d) => line('97110', { minutes: 10, units: 1, dateOfService: `2025-${d}` })),
      dos: '2025-03-03',
      expected: [1, 1, 1, 1, 1],
      unitFindings: [],
    },
  ])('$note', async ({ lines, dos, expected, unitFindings }) => {
    const r = await run({ ...base, id: 'U', dateOfService: dos, lines });
    expect(r.lines.map((l) => l.expectedUnits)).toEqual(expected);
    expect(findings(r).filter((f) => f.startsWith('UNITS-TIME'))).toEqual(unitFindings);
  });
});

describe('visits are distinct dates of service', () => {
  it('5 treatment dates after 2 earlier visits this year: visits 6 and 7 pass the limit of 5 (lines 4 and 5)', async () => {
    const lines = ['03-03', '03-05', '03-07', '03-10', '03-12'].map((d) => line('97110', { minutes: 10, units: 1, dateOfService: `2025-${d}` }));
    const r = await run({ ...base, id: 'V', dateOfService: '2025-03-03', history: { ...base.history, visitsThisYear: 2 }, lines });
    expect(findings(r, 'VISITS')).toEqual(['VISITS/visit-limit-exceeded@4', 'VISITS/visit-limit-exceeded@5']);
    expect(r.findings.find((f) => f.line === 4)!.message).toContain('visit 6 this year');
    expect(findings(r, 'MANY-VISITS')).toEqual(['MANY-VISITS/MANY-VISITS@-']);
  });

  it('two lines on one date are one visit', async () => {
    const r = await run({ ...base, id: 'V2', dateOfService: '2025-03-03', history: { ...base.history, visitsThisYear: 4 }, lines: [line('97110', { minutes: 15, units: 1 }), line('97112', { minutes: 15, units: 1 })] });
    expect(findings(r, 'VISITS')).toEqual([]);
  });

  it('visits earlier in the year count for the claim\'s year only: a January date starts a new year', async () => {
    const r = await run({ ...base, id: 'V3', dateOfService: '2025-12-29', history: { ...base.history, visitsThisYear: 5 }, lines: [line('97110', { minutes: 15, units: 1 }), line('97110', { minutes: 15, units: 1, dateOfService: '2026-01-02' })] });
    expect(findings(r, 'VISITS')).toEqual(['VISITS/visit-limit-exceeded@1']);
  });

  it('without the visits earlier this year, the limit is reported as not checked', async () => {
    const r = await run({ ...base, id: 'V4', dateOfService: '2025-03-03', history: { therapyAllowedThisYear: { PT_SLP: 0 } }, lines: [line('97110', { minutes: 15, units: 1 })] });
    expect(findings(r, 'VISITS')).toEqual([]);
    expect(r.notChecked).toContainEqual({ rule: 'VISITS', line: 1, reason: expect.stringContaining('visitsThisYear') });
  });
});

describe('per-day rules in the language: `per day` and `this.`', () => {
  it('a PT evaluation on 03-02 and a re-evaluation on 03-30 are one a day each', async () => {
    const r = await run({ ...base, id: 'E1', dateOfService: '2025-03-02', lines: [line('97162', { units: 1 }), line('97164', { units: 1, dateOfService: '2025-03-30' })] });
    expect(findings(r, 'EVAL-ONE-PER-DAY')).toEqual([]);
  });

  it('two PT evaluations on one date are reported on both lines', async () => {
    const r = await run({ ...base, id: 'E2', dateOfService: '2025-03-02', lines: [line('97162', { units: 1 }), line('97164', { units: 1 })] });
    expect(findings(r, 'EVAL-ONE-PER-DAY')).toEqual(['EVAL-ONE-PER-DAY/mue-exceeded@1', 'EVAL-ONE-PER-DAY/mue-exceeded@2']);
  });

  it('group therapy is flagged only on the day individual therapy is billed', async () => {
    const r = await run({ ...base, id: 'G', dateOfService: '2025-03-02', lines: [line('97150', { units: 1 }), line('97150', { units: 1, dateOfService: '2025-03-04' }), line('97110', { minutes: 15, units: 1, dateOfService: '2025-03-04', modifiers: ['GP', '59'] })] });
    expect(findings(r, 'GROUP-SAME-DAY')).toEqual(['GROUP-SAME-DAY/GROUP-SAME-DAY@2']);
  });
});

describe('MUE per line or per date of service, by adjudication indicator', () => {
  it.each([
    { note: '97110 (MAI 3) 4 + 4 units on two dates: 4 a day, within 6', lines: [line('97110', { units: 4, minutes: 60 }), line('97110', { units: 4, minutes: 60, dateOfService: '2025-03-04' })], mue: [] as string[] },
    { note: '97110 (MAI 3) 4 + 4 units on one date: 8 a day, 2 over, on the day\'s last line', lines: [line('97110', { units: 4, minutes: 60 }), line('97110', { units: 4, minutes: 60 })], mue: ['MUE/mue-exceeded@2'] },
    { note: '97530 (MAI 1) is a per-line edit: 2 + 2 on one date is within, 3 on a line is over', lines: [line('97530', { units: 2, minutes: 30 }), line('97530', { units: 2, minutes: 30 }), line('97530', { units: 3, minutes: 45, dateOfService: '2025-03-09' })], mue: ['MUE/mue-exceeded@3'] },
  ])('$note', async ({ lines, mue }) => {
    const r = await run({ ...base, id: 'M', dateOfService: '2025-03-02', lines });
    expect(findings(r, 'MUE')).toEqual(mue);
  });
});

describe('a claim across two versions: each line under its own date\'s version, KX totals restart on January 1', () => {
  const claim = {
    ...base,
    id: 'Y',
    dateOfService: '2025-12-30',
    history: { visitsThisYear: 0, therapyAllowedThisYear: { PT_SLP: 2400 } },
    lines: [line('97110', { minutes: 15, units: 1, allowed: 50 }), line('97110', { minutes: 15, units: 1, allowed: 50, dateOfService: '2026-01-05', modifiers: ['GP', 'KX'] })],
  };

  it('2025: $2,400 + $50 = $2,450 passes $2,410 → KX required; 2026: $50 of $2,480 → KX not needed', async () => {
    const r = await run(claim);
    expect(findings(r, 'KX-THRESHOLD')).toEqual(['KX-THRESHOLD/kx-required@1', 'KX-THRESHOLD/kx-not-needed@2']);
    expect(r.findings.find((f) => f.line === 1)!.message).toBe('97110 takes the year\'s therapy to $2,450.00, above $2,410.00: it needs KX');
  });

  it('the report names both versions and the version of each line', async () => {
    const r = await run(claim);
    expect(r.ruleset).toMatchObject({ id: 'test-payer', version: '2025.1' });
    expect(r.versions!.map((v) => v.version)).toEqual(['2025.1', '2026.1']);
    expect(r.lines.map((l) => [l.dateOfService, l.version])).toEqual([['2025-12-30', '2025.1'], ['2026-01-05', '2026.1']]);
  });

  it('without `allowed`, the fee schedule prices the line (97110 $29.29 non-facility), and the release is named', async () => {
    const r = await run({ ...claim, id: 'Y2', history: { visitsThisYear: 0, therapyAllowedThisYear: { PT_SLP: 2390 } }, lines: [line('97110', { minutes: 15, units: 1, allowed: undefined })] });
    expect(findings(r, 'KX-THRESHOLD')).toEqual(['KX-THRESHOLD/kx-required@1']);
    expect(r.findings[0]!.message).toContain('$2,419.29');
    expect(r.tables).toContainEqual({ table: 'test-fees', release: 'RVU25' });
  });

  it('the targeted-review threshold ($3,000) is reported once, on the first line past it', async () => {
    const r = await run({ ...claim, id: 'Y3', dateOfService: '2025-06-02', history: { visitsThisYear: 0, therapyAllowedThisYear: { PT_SLP: 2990 } }, lines: [line('97110', { minutes: 15, units: 1, allowed: 20, modifiers: ['GP', 'KX'] }), line('97112', { minutes: 15, units: 1, allowed: 20, modifiers: ['GP', 'KX'] })] });
    expect(findings(r, 'REVIEW')).toEqual(['REVIEW/targeted-review-threshold@1']);
  });

  it('a date no version covers is an error on that line, and the rest of the claim is judged', async () => {
    const r = await run({ ...claim, id: 'Y4', lines: [line('97110', { minutes: 15, units: 1 }), line('97110', { minutes: 15, units: 1, dateOfService: '2027-01-04' })] });
    expect(findings(r, 'NO-RULESET')).toEqual(['NO-RULESET/no-ruleset@2']);
    expect(r.notChecked).toContainEqual({ rule: 'NO-RULESET', line: 2, reason: expect.stringContaining('line 2') });
    expect(r.lines[1]!.explanation).toMatch(/no ruleset version covers/);
  });
});

describe('time-defined code pairs', () => {
  it.each([
    { note: '97129 ×2 for 30 min: 97129 ×1 + 97130 ×1', lines: [line('97129', { minutes: 30, units: 2 })], expected: [1], found: ['UNITS-TIME/units-exceed-time@1'], explain: '97129 and 97130 together: 30 min → 97129 ×1 + 97130 ×1' },
    { note: '97129 ×1 + 97130 ×1, 15 min each: as the pair defines', lines: [line('97129', { minutes: 15, units: 1 }), line('97130', { minutes: 15, units: 1 })], expected: [1, 1], found: [], explain: '97129 and 97130 together: 30 min → 97129 ×1 + 97130 ×1' },
    { note: '97550 for 20 min: at least 16 earns the first 30-minute period', lines: [line('97550', { minutes: 20, units: 1 })], expected: [1], found: [], explain: '97550 and 97551 together: 20 min → 97550 ×1' },
    { note: '97550 for 10 min: under the 16-minute minimum', lines: [line('97550', { minutes: 10, units: 1 })], expected: [0], found: ['UNITS-TIME/units-exceed-time@1'], explain: '97550 and 97551 together: 10 min → 97550 ×0' },
    { note: '97130 without 97129 on the same date', lines: [line('97129', { minutes: 15, units: 1, dateOfService: '2025-03-01' }), line('97130', { minutes: 15, units: 1 })], expected: [1, 0], found: ['UNITS-TIME/addon-without-primary@2', 'UNITS-TIME/units-exceed-time@2'], explain: undefined },
  ])('$note', async ({ lines, expected, found, explain }) => {
    const r = await run({ ...base, id: 'P', dateOfService: '2025-03-02', lines });
    expect(r.lines.map((l) => l.expectedUnits)).toEqual(expected);
    expect(findings(r).filter((f) => f.startsWith('UNITS-TIME'))).toEqual(found);
    if (explain) expect(r.lines[0]!.explanation).toBe(explain);
  });
});

describe('diagnosis sets and line diagnoses', () => {
  it.each([
    { note: 'M54.50 is under the pattern M54.5*', dx: ['M54.50'], fires: false },
    { note: 'M51.17 is the upper end of the range M51.16..M51.17', dx: ['M51.17'], fires: false },
    { note: 'M51.26 is past the range', dx: ['M51.26'], fires: true },
    { note: 'M62.81 (muscle weakness) is not a low back diagnosis', dx: ['M62.81'], fires: true },
    { note: 'a claim diagnosis the line does not point at does not count', dx: ['M62.81', 'M54.50'], fires: true },
  ])('$note', async ({ dx, fires }) => {
    const r = await run({ ...base, id: 'D', dateOfService: '2025-03-02', diagnoses: dx, lines: [line('97140', { minutes: 15, units: 1 })] });
    expect(findings(r, 'LOW-BACK')).toEqual(fires ? ['LOW-BACK/medical-necessity@1'] : []);
  });
});

describe('reference tables', () => {
  it.each([
    { note: '97110 with 97150 the same day (indicator 1) is bundled', lines: [line('97150', { units: 1 }), line('97110', { minutes: 15, units: 1 })], ncci: ['NCCI-PTP/ncci-bundled@2'] },
    { note: '59 on 97110 bypasses an indicator-1 edit', lines: [line('97150', { units: 1 }), line('97110', { minutes: 15, units: 1, modifiers: ['GP', '59'] })], ncci: [] },
    { note: 'an E/M code in column 2 is bypassed by 25 only: 99213-59 stays bundled', lines: [line('97161', { units: 1 }), line('99213', { modifiers: ['59'], units: 1 })], ncci: ['NCCI-PTP/ncci-bundled@2'] },
    { note: '99213-25 with a PT evaluation is paid', lines: [line('97161', { units: 1 }), line('99213', { modifiers: ['25'], units: 1 })], ncci: [] },
    { note: 'two PT evaluations (indicator 0) never bypass, even with 59', lines: [line('97162', { units: 1 }), line('97161', { units: 1, modifiers: ['GP', '59'] })], ncci: ['NCCI-PTP/ncci-bundled@2'] },
    { note: 'a deleted edit (97164/97110, deleted 2019-12-31) bundles nothing', lines: [line('97164', { units: 1 }), line('97110', { minutes: 15, units: 1 })], ncci: [] },
    { note: 'edits apply on the same date only', lines: [line('97150', { units: 1 }), line('97110', { minutes: 15, units: 1, dateOfService: '2025-03-03' })], ncci: [] },
  ])('$note', async ({ lines, ncci }) => {
    const r = await run({ ...base, id: 'N', dateOfService: '2025-03-02', lines });
    expect(findings(r, 'NCCI-PTP')).toEqual(ncci);
    // The release is named whenever a pair of the same date was looked up in it.
    const sameDay = lines.every((l) => !('dateOfService' in l));
    if (sameDay) expect(r.tables).toContainEqual({ table: 'test-ncci', release: '2025-01-01' });
    else expect((r.tables ?? []).map((t) => t.table)).not.toContain('test-ncci');
  });

  it('97001 (not in a release that lists every 97xxx code) and 97014 (status I) are invalid codes', async () => {
    const r = await run({ ...base, id: 'C', dateOfService: '2025-03-02', lines: [line('97001', { units: 1 }), line('97014', { units: 1 }), line('97110', { minutes: 15, units: 1 }), line('99213', { units: 1 })] });
    expect(findings(r, 'CODE-VALID')).toEqual(['CODE-VALID/invalid-code@1', 'CODE-VALID/invalid-code@2']);
    // 99213 is outside what the release lists: not found means not known, said as not checked.
    expect(r.notChecked).toContainEqual({ rule: 'CODE-VALID', line: 4, reason: expect.stringContaining('procedure-code release') });
  });

  it('M54 is a category, not billable; the fiscal year is chosen by the date of service', async () => {
    const r = await run({ ...base, id: 'X', dateOfService: '2025-10-02', diagnoses: ['M54', 'M54.50'], lines: [line('97110', { minutes: 15, units: 1, diagnosisPointers: [1, 2] })] });
    expect(findings(r, 'DX-VALID')).toEqual(['DX-VALID/invalid-diagnosis@-']);
    expect(r.findings.find((f) => f.rule === 'DX-VALID')!.message).toBe('M54: not a billable ICD-10-CM code on the date of service');
    expect(r.tables).toContainEqual({ table: 'test-icd', release: 'FY2026' });
  });

  it('a date past the newest release still uses it, and the report says the release is older than the date', async () => {
    const r = await run({ ...base, id: 'X2', dateOfService: '2026-11-02', lines: [line('97110', { minutes: 15, units: 1 })] });
    expect(r.tables).toContainEqual({ table: 'test-icd', release: 'FY2026', note: expect.stringContaining('older than a date of service') });
  });

  it('ICD-10-CM past the newest fiscal year is not judged: M54 on 2026-11-02 (FY2027, not loaded) is not checked, not an error', async () => {
    // CDC releases ICD-10-CM each October 1: FY2026 ends 2026-09-30 and cannot say what FY2027 added or split.
    const last = await run({ ...base, id: 'X3', dateOfService: '2026-09-30', diagnoses: ['M54'], lines: [line('97110', { minutes: 15, units: 1 })] });
    expect(findings(last, 'DX-VALID')).toEqual(['DX-VALID/invalid-diagnosis@-']);
    const after = await run({ ...base, id: 'X4', dateOfService: '2026-11-02', diagnoses: ['M54'], lines: [line('97110', { minutes: 15, units: 1 })] });
    expect(findings(after, 'DX-VALID')).toEqual([]);
    expect(after.notChecked).toContainEqual(expect.objectContaining({ rule: 'DX-VALID', reason: expect.stringContaining('ICD-10-CM release that covers the date of service') }));
  });
});

describe('nothing passes unchecked', () => {
  it('a timed line without minutes is units-unverifiable; a code outside the unit policy is said not checked', async () => {
    const r = await run({ ...base, id: 'N1', dateOfService: '2025-03-02', lines: [line('97110', { units: 2 }), line('97999', { units: 1 })] });
    expect(findings(r, 'UNITS-TIME')).toEqual(['UNITS-TIME/units-unverifiable@1']);
    expect(r.notChecked).toContainEqual({ rule: 'UNITS-TIME', line: 2, reason: '97999 is not a timed or untimed code in this payer\'s unit policy, so its units were not checked' });
  });

  it('without the amounts allowed earlier this year, KX is said not checked, never passed', async () => {
    const r = await run({ ...base, id: 'N2', dateOfService: '2025-03-02', history: { visitsThisYear: 0 }, lines: [line('97110', { minutes: 15, units: 1 })] });
    expect(findings(r, 'KX-THRESHOLD')).toEqual([]);
    expect(r.notChecked).toContainEqual({ rule: 'KX-THRESHOLD', line: 1, reason: expect.stringContaining('allowed amounts this year') });
  });
});
