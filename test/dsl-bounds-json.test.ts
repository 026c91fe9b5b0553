// `payer-rules compile` writes the compiled JSON in pieces (dsl/compile/json.ts) so a 270 MB
// compiled ruleset is never one string. Joined, the pieces must be JSON.stringify(value, null, 2)
// and a line break, byte for byte: the file users and caches compare is unchanged.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyze, rulesetLoader } from '../dsl/index.ts';
import { compiledJsonChunks, jsonPieces } from '../dsl/compile/json.ts';

const join = (it: Iterable<string>) => [...it].join('');

describe('compiled JSON written in pieces', () => {
  it('any JSON value (and objects with undefined or function members) joins to JSON.stringify(value, null, 2)', () => {
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), tie('obj'), tie('arr'), fc.constant(undefined)),
      obj: fc.dictionary(fc.string(), tie('any'), { maxKeys: 5 }),
      arr: fc.array(tie('any'), { maxLength: 5 }),
    }));
    // Any value but a top-level undefined (JSON.stringify gives no text for it; a compiled ruleset is an object).
    const top = fc.oneof(value.obj, value.arr, fc.jsonValue());
    fc.assert(
      fc.property(top, fc.integer({ min: 1, max: 4 }), (v, batch) => {
        expect(join(jsonPieces(v, batch))).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    { note: 'strings with line breaks, quotes and § inside nested records', v: { a: { b: ['x\ny', '"§"', { c: 'd\r\n' }] }, e: [] } },
    { note: 'empty records and lists at every level', v: { a: {}, b: [], c: [{}, []], d: { e: {} } } },
    { note: 'members JSON leaves out, and undefined in a list (written null)', v: { a: undefined, b: () => 1, c: [undefined, 1], d: { e: undefined } } },
    { note: 'a value with toJSON is written as its JSON', v: { when: new Date(0), list: [new Date(86_400_000)] } },
    { note: 'a record with a member named __proto__, cut in batches', v: JSON.parse('{"a": {"x": 1, "__proto__": {"y": 2}, "z": [3]}, "b": [1, 2, 3]}') as unknown },
    { note: 'records with integer-like keys (which JavaScript orders first)', v: { a: { b: 1, '10': 2, '2': 3, c: 4 } } },
    { note: 'a record of more members than a batch, all of them left out (written {})', v: { a: { x: undefined, y: undefined } } },
    { note: 'a record of more members than a batch, but no more kept than a batch', v: { a: { x: undefined, y: 1 } } },
  ])('$note', ({ v }) => {
    for (const batch of [1, 2, 1000]) expect(join(jsonPieces(v, batch))).toBe(JSON.stringify(v, null, 2));
  });

  it('the shipped rulesets compile to the same file text in pieces as in one string (batches of 7 rules or records)', () => {
    const names = ['rulesets/cms-outpatient-therapy/2020.payer', 'rulesets/medicare-part-b/2026.payer'];
    const files = names.map((name) => ({ name, text: readFileSync(name, 'utf8') }));
    const load = rulesetLoader(files);
    for (const f of files) {
      const { compiled } = analyze(f, { loadRuleset: load });
      expect(compiled).toBeDefined();
      const chunks = [...compiledJsonChunks(compiled, 7)];
      expect(chunks.length).toBeGreaterThan(2);
      expect(chunks.join('')).toBe(JSON.stringify(compiled, null, 2) + '\n');
    }
  });
});
