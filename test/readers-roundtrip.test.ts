// Round trip: generated claims → 837P (and the minutes CSV, overlay and payer map beside it) written
// by the test writer → the reader → the same claims. Delimiters and line breaks vary per file.
// FUZZ_RUNS raises the count (npm run fuzz).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadSupplements, readClaims } from '../readers/index.ts';
import { write837p, type WriterStyle } from './x12-writer.ts';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 300);

const day = fc.integer({ min: Date.UTC(2020, 0, 1) / 864e5, max: Date.UTC(2027, 11, 31) / 864e5 }).map((d) => new Date(d * 864e5).toISOString().slice(0, 10));
const alnum = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Z0-9]{${min},${max}}$`));
const npi = fc.stringMatching(/^\d{10}$/);
const dx = fc.tuple(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTVWXYZ'), fc.integer({ min: 0, max: 9 }), alnum(1, 1), fc.option(alnum(1, 4), { nil: undefined })).map(([a, b, c, d]) => `${a}${b}${c}${d ? `.${d}` : ''}`);
const pos = fc.constantFrom('11', '12', '22', '02', '10', '19');
const who = { OT: ['OT', 'OTA'], PT: ['PT', 'PTA'], SLP: ['SLP'] } as const;

const claimArb = fc
  .record({
    payer: fc.constantFrom('medicare-part-b', 'nc-medicaid', 'premera-commercial'),
    patientId: fc.option(alnum(3, 12), { nil: undefined }),
    birthDate: fc.option(day, { nil: undefined }),
    discipline: fc.constantFrom('OT', 'PT', 'SLP') as fc.Arbitrary<'OT' | 'PT' | 'SLP'>,
    npi,
    referring: fc.option(npi, { nil: undefined }),
    pos,
    submittedOn: day,
    diagnoses: fc.array(dx, { minLength: 1, maxLength: 12 }),
    auth: fc.option(fc.record({ number: alnum(4, 12), from: day, to: day, visits: fc.integer({ min: 1, max: 60 }) }), { nil: undefined }),
    history: fc.option(fc.record({ visitsThisYear: fc.integer({ min: 0, max: 90 }) }), { nil: undefined }),
    lines: fc.array(
      fc.record({
        code: fc.constantFrom('97110', '97112', '97140', '97530', '97535', '97161', '92507', 'G0283'),
        modifiers: fc.array(fc.constantFrom('GO', 'GP', 'GN', 'KX', 'CQ', 'CO', '59', '95'), { maxLength: 4 }).map((m) => [...new Set(m)]),
        units: fc.integer({ min: 0, max: 12 }),
        minutes: fc.option(fc.integer({ min: 0, max: 180 }), { nil: undefined }),
        assistant: fc.option(fc.integer({ min: 0, max: 180 }), { nil: undefined }),
        assistantRenders: fc.boolean(),
        pointers: fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 4 }),
        cents: fc.integer({ min: 0, max: 9_999_999 }),
        date: day,
        pos: fc.option(pos, { nil: undefined }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
  })
  .map((g) => {
    const lines = g.lines.map((l) => {
      const line: Record<string, unknown> = { code: l.code, modifiers: l.modifiers, units: l.units };
      if (l.minutes !== undefined) line['minutes'] = l.minutes;
      line['renderedBy'] = l.assistantRenders ? who[g.discipline][who[g.discipline].length - 1] : g.discipline;
      if (l.assistant !== undefined) line['assistantMinutes'] = Math.min(l.assistant, l.minutes ?? l.assistant);
      line['diagnosisPointers'] = l.pointers;
      line['charge'] = l.cents / 100;
      line['dateOfService'] = l.date;
      if (l.pos && l.pos !== g.pos) line['placeOfService'] = l.pos;
      return line;
    });
    const claim: Record<string, unknown> = { payer: g.payer };
    const patient: Record<string, string> = {};
    if (g.patientId) patient['id'] = g.patientId;
    if (g.birthDate) patient['birthDate'] = g.birthDate;
    if (Object.keys(patient).length) claim['patient'] = patient;
    claim['provider'] = { npi: g.npi, discipline: g.discipline };
    if (g.referring) claim['referringProvider'] = { npi: g.referring };
    claim['dateOfService'] = lines.map((l) => l['dateOfService'] as string).sort()[0];
    claim['placeOfService'] = g.pos;
    claim['submittedOn'] = g.submittedOn;
    claim['diagnoses'] = g.diagnoses;
    if (g.auth) claim['priorAuthorization'] = g.auth;
    if (g.history) claim['history'] = g.history;
    claim['lines'] = lines;
    return claim;
  });

const styleArb: fc.Arbitrary<WriterStyle> = fc.record({
  element: fc.constantFrom('*', '|'),
  component: fc.constantFrom(':', '>'),
  segment: fc.constantFrom('~', "'"),
  newline: fc.constantFrom('', '\n', '\r\n'),
});

describe('837P round trip', () => {
  it(`claims → 837P writer → reader → the same claims (${RUNS} files of 1–20 claims)`, () => {
    let total = 0;
    fc.assert(
      fc.property(fc.array(claimArb, { minLength: 1, maxLength: 20 }), styleArb, (gen, style) => {
        const claims = gen.map((c, i) => ({ id: `CLM-${i}`, ...c }));
        const w = write837p(claims, style);
        const supplements = loadSupplements({ minutes: { name: 'm.csv', text: w.minutesCsv }, overlay: { name: 'o.ndjson', text: w.overlay }, payers: { name: 'p.json', text: w.payers } });
        const recs = [...readClaims(w.x12, 'x12', { supplements })];
        const got = recs.filter((r) => r.claim);
        // Nothing the reader could complain about: a clean file gives only notes about dates and lines without minutes.
        for (const r of recs) for (const d of r.diagnostics) expect(['X12-MULTI-DOS', 'X12-NO-MINUTES'], `${d.code}: ${d.message}`).toContain(d.code);
        expect(got.map((r) => r.claim)).toEqual(claims);
        total += claims.length;
      }),
      { numRuns: RUNS },
    );
    expect(total).toBeGreaterThan(RUNS);
  });
});
