// eval's duplicate-claim detection (cli/eval.ts IdSet): exact, as a Map of the ids would be, for
// any ids — ASCII, Latin-1, beyond U+00FF, lone surrogates, empty — across its growth and rehashing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../cli/eval.ts';

describe('IdSet: claim ids seen before', () => {
  it('answers as a Map<string, number> would, for any sequence of ids (property)', () => {
    const id = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('GEN-1', 'GEN-10', 'gen-1', 'é', 'Ω', '\ud800', ''));
    fc.assert(
      fc.property(fc.array(id, { maxLength: 300 }), (ids) => {
        const set = new IdSet();
        const map = new Map<string, number>();
        ids.forEach((x, i) => {
          const want = map.get(x);
          if (want === undefined) map.set(x, i + 1);
          expect(set.firstOrAdd(x, i + 1)).toBe(want);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every id through many growths: 200,000 distinct ids, then each again names its first claim', () => {
    const set = new IdSet();
    const wrong: number[] = [];
    for (let i = 0; i < 200_000; i++) if (set.firstOrAdd(`CLM-${i}`, i + 1) !== undefined) wrong.push(i);
    for (let i = 0; i < 200_000; i++) if (set.firstOrAdd(`CLM-${i}`, 999_999) !== i + 1) wrong.push(i);
    expect(wrong).toEqual([]);
  });
});
