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
