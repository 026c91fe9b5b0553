// eval writes NDJSON reports as bytes without JSON.stringify (engine/report-json.ts, for speed); the
// bytes must be exactly JSON.stringify's, encoded as UTF-8. Pinned on real reports of every shipped
// ruleset (explain traces, invalid claims, reader notes) and on arbitrary values (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Evaluator } from '../engine/index.ts';
import { JsonBytes } from '../engine/report-json.ts';
import { evaluateBatch, type LineJob } from '../cli/eval-core.ts';
import { generateClaim, rng } from '../bench/generate.ts';
import { shippedRulesets, shippedTables } from './support.ts';

const rulesets = shippedRulesets();
const evaluator = new Evaluator(rulesets, { tables: shippedTables() });
const payers = [...new Set(rulesets.map((r) => r.ruleset.id))];
const utf8 = (s: string) => new TextEncoder().encode(s);
const bytesOf = (v: unknown, w = new JsonBytes(16)) => {
  w.reset();
  w.value(v);
  return w.take();
};

describe('NDJSON reports written as bytes', () => {
  it('eval batches (explain on every 7th claim) give the bytes of JSON.stringify of each report', async () => {
    const r = rng(20261202);
    const jobs: LineJob[] = [];
    for (let n = 0; n < 1500; n++) {
      const claim = generateClaim(r, n, payers);
      // A reader's notes travel into the report as `input` (with non-ASCII text and escapes).
      jobs.push({ lineNo: n + 1, text: JSON.stringify(claim), ...(n % 11 === 0 ? { input: [{ severity: 'warning', code: 'X12-NOTE', message: 'segment “NTE” ends early\t(§2)', where: 'NTE*01 \\ line 3' }] } : {}) });
    }
    jobs.push({ lineNo: 1501, text: '{"id": "bad' }, { lineNo: 1502, tooLong: 2_000_000 }, { lineNo: 1503, errors: [{ path: 'lines[0]', message: 'column “units” is not a number' }], claimId: 'C-\u2028' });
    for (const explain of [false, true]) {
      const batch = await evaluateBatch(evaluator, jobs.filter((_, i) => !explain || i % 7 === 0), 'compiled', explain, 'ndjson');
      const texts = (await evaluateBatch(evaluator, jobs.filter((_, i) => !explain || i % 7 === 0), 'compiled', explain, 'json')).bytes;
      // The `json` format is JSON.stringify(report, null, 2) per report: parse it back and stringify flat.
      const expected = JSON.parse(`[${new TextDecoder().decode(texts)}]`) as unknown[];
      const want = utf8(expected.map((x) => JSON.stringify(x)).join('\n'));
      expect(Buffer.from(batch.bytes).equals(Buffer.from(want))).toBe(true);
      expect(batch.ends.length).toBe(expected.length);
      expect(batch.ends.at(-1)).toBe(want.length);
    }
  });

  it('each report alone, straight from the evaluator: identical bytes', () => {
    const r = rng(7);
    const w = new JsonBytes(64);
    for (let n = 0; n < 500; n++) {
      const rep = evaluator.evaluateSync(generateClaim(r, n, payers), { explain: n % 5 === 0 });
      expect(Buffer.from(bytesOf(rep, w)).toString('utf8')).toBe(JSON.stringify(rep));
    }
  });

  it('fast-check: any value JSON.stringify accepts (unicode, lone surrogates, holes, boxed values, dates, -0, NaN)', () => {
    const w = new JsonBytes(8);
    const anything = fc.anything({ withBoxedValues: true, withDate: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true, withObjectString: true, withMap: true, withSet: true, stringUnit: 'binary', key: fc.string({ unit: 'binary' }) });
    fc.assert(
      fc.property(anything, (v) => {
        const json = JSON.stringify(v);
        expect(Buffer.from(bytesOf(v, w)).equals(Buffer.from(utf8(json ?? 'null')))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('fast-check: strings under the keys kept encoded (citation, fix, reason…) are exact and never stale', () => {
    const w = new JsonBytes(8);
    const keys = ['citation', 'fix', 'reason', 'explanation', 'note', 'file', 'message', 'rule'];
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('SSA §1834(v) — CQ', 'line "1"\n', 'x'.repeat(40), '\u2192 3 units'));
    fc.assert(
      fc.property(fc.array(fc.record(Object.fromEntries(keys.map((k) => [k, text])) as Record<string, fc.Arbitrary<string>>), { maxLength: 6 }), (v) => {
        expect(Buffer.from(bytesOf(v, w)).toString('utf8')).toBe(JSON.stringify(v));
      }),
      { numRuns: 1000 },
    );
  });
});
