// Both runtimes, one meaning: json-rules-engine and the compiled closures give identical reports
// (explain traces included) on thousands of generated claims against every shipped ruleset.
// `npm run fuzz` runs many more (FUZZ_CLAIMS).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Evaluator } from '../engine/index.ts';
import { generateClaim, rng } from '../bench/generate.ts';
import { shippedRulesets, shippedTables } from './support.ts';

const CLAIMS = Number(process.env['FUZZ_CLAIMS'] ?? 2000);
const rulesets = shippedRulesets();
const evaluator = new Evaluator(rulesets, { tables: shippedTables() });
const payers = [...new Set(rulesets.map((r) => r.ruleset.id))];

describe('runtime equivalence', () => {
  it(`${CLAIMS} generated claims: identical reports from both runtimes`, async () => {
    const r = rng(20261128);
    for (let n = 0; n < CLAIMS; n++) {
      const claim = generateClaim(r, n, payers);
      const explain = n % 10 === 0;
      const a = await evaluator.evaluate(claim, { explain });
      const b = await evaluator.evaluate(claim, { explain, runtime: 'json-rules-engine' });
      expect(b, `claim ${n}`).toEqual(a);
      expect(evaluator.evaluateSync(claim, { explain })).toEqual(a);
    }
  });

  // A json-rules-engine Engine is not reentrant: a run that finishes marks it finished and a run
  // still going on it skips its remaining rules. Claims evaluated side by side (two batches in one
  // eval worker, requests in the service) must still each get every rule.
  it('claims evaluated side by side under json-rules-engine get the same reports as one at a time', async () => {
    const r = rng(7);
    const claims = Array.from({ length: 200 }, (_, n) => generateClaim(r, n, payers));
    const alone: unknown[] = [];
    for (const c of claims) alone.push(await evaluator.evaluate(c, { runtime: 'json-rules-engine' }));
    const together = await Promise.all(claims.map((c) => evaluator.evaluate(c, { runtime: 'json-rules-engine' })));
    expect(together).toEqual(alone);
    expect(together).toEqual(claims.map((c) => evaluator.evaluateSync(c)));
  });

  it('fast-check: arbitrary seeds and shapes agree', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.nat(1000), async (seed, n) => {
        const claim = generateClaim(rng(seed), n, payers);
        const a = await evaluator.evaluate(claim);
        const b = await evaluator.evaluate(claim, { runtime: 'json-rules-engine' });
        expect(b).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  // A rule whose code test is not its first leaf (CODE-VALID: the procedure-code table, then
  // `line.code != 97014`) still consults its table on a 97014 line, so the report lists the release
  // (and says when it is older than the date of service) whichever runtime ran the rule.
  const base = { payer: 'medicare-part-b', provider: { npi: '1234567893', discipline: 'PT' }, placeOfService: '11', diagnoses: ['M62.81'], history: { therapyAllowedThisYear: { OT: 0, PT_SLP: 100 } } };
  it.each([
    ['a 97014 line alone, after the newest procedure-code release', { ...base, id: 'A1', dateOfService: '2025-03-03', lines: [{ code: '97014', modifiers: ['GP'], units: 1, minutes: 15, diagnosisPointers: [1], charge: 50 }] }],
    [
      'a 97014 line on a later date than the claim',
      { ...base, id: 'A2', dateOfService: '2024-08-01', lines: [{ code: '97110', modifiers: ['GP'], units: 1, minutes: 15, diagnosisPointers: [1], charge: 50 }, { code: '97014', modifiers: ['GP'], units: 1, diagnosisPointers: [1], charge: 20, dateOfService: '2024-12-02' }] },
    ],
  ])('%s: the same tables listed by both runtimes, with and without explain', async (_note, claim) => {
    const a = await evaluator.evaluate(claim);
    expect(await evaluator.evaluate(claim, { runtime: 'json-rules-engine' })).toEqual(a);
    const tables = (r: unknown) => (r as { tables?: unknown }).tables;
    expect(tables(await evaluator.evaluate(claim, { explain: true }))).toEqual(tables(a));
    expect(tables(a)).toContainEqual(expect.objectContaining({ table: 'cms-procedure-codes', note: expect.stringContaining('older than a date of service') }));
  });

  it('never throws on arbitrary JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (v) => {
        const a = await evaluator.evaluate(v);
        expect(a.status).toBe('invalid');
      }),
      { numRuns: 200 },
    );
  });
});
