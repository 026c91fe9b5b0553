// `payer-rules compile` writes the compiled JSON in pieces (dsl/compile/json.ts) so a 150 MB
// compiled ruleset is never one string, one entry per line (a rule, a code set, an origin) so a
// diff of two compiled files shows the rules that changed. Joined, the pieces must parse to the
// value JSON.stringify writes, whatever the batch size, with each entry on a line of its own.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyze, rulesetLoader } from '../dsl/index.ts';
import { compiledJsonChunks, jsonPieces } from '../dsl/compile/json.ts';

const join = (it: Iterable<string>) => [...it].join('');

describe('compiled JSON written in pieces', () => {
  it('any JSON value (and objects with undefined or function members) joins to text that parses as JSON.stringify(value) does, the same for every batch size', () => {
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), tie('obj'), tie('arr'), fc.constant(undefined)),
      obj: fc.dictionary(fc.string(), tie('any'), { maxKeys: 5 }),
      arr: fc.array(tie('any'), { maxLength: 5 }),
    }));
    // Any value but a top-level undefined (JSON.stringify gives no text for it; a compiled ruleset is an object).
    const top = fc.oneof(value.obj, value.arr, fc.jsonValue());
    fc.assert(
      fc.property(top, fc.integer({ min: 1, max: 4 }), (v, batch) => {
        const text = join(jsonPieces(v, batch));
        expect(JSON.parse(text)).toStrictEqual(JSON.parse(JSON.stringify(v)));
        expect(text).toBe(join(jsonPieces(v, 1000)));
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
    { note: 'a toJSON that gives undefined: left out of records, null in lists, at every level', v: { a: { toJSON: () => undefined }, b: 1, r: { x: { toJSON: () => undefined }, y: 2 }, l: [{ toJSON: () => undefined }, 3] } },
    { note: 'a toJSON is called with its key (or its index in a list), as JSON.stringify calls it', v: { k: { toJSON: (key: string) => key }, r: { inner: { toJSON: (key: string) => key } }, l: [{ toJSON: (key: string) => key }] } },
    { note: 'a record of more members than a batch, all of them left out (written {})', v: { a: { x: undefined, y: undefined } } },
    { note: 'a record of more members than a batch, but no more kept than a batch', v: { a: { x: undefined, y: 1 } } },
  ])('$note', ({ v }) => {
    for (const batch of [1, 2, 1000]) expect(JSON.parse(join(jsonPieces(v, batch)))).toStrictEqual(JSON.parse(JSON.stringify(v)));
  });

  it('writes each member of the top-level object on its line, and each entry of a list or record member on a line of its own', () => {
    const v = { format: 24, empty: [], none: {}, rules: [{ name: 'A', x: 'line\nbreak' }, { name: 'B' }, undefined], origins: { A: { file: 'a.payer', line: 3 }, gone: undefined, B: { file: 'a.payer', line: 9 } }, ruleset: { id: 'x' } };
    const expected = [
      '{',
      '  "format": 24,',
      '  "empty": [],',
      '  "none": {},',
      '  "rules": [',
      '    {"name":"A","x":"line\\nbreak"},',
      '    {"name":"B"},',
      '    null',
      '  ],',
      '  "origins": {',
      '    "A": {"file":"a.payer","line":3},',
      '    "B": {"file":"a.payer","line":9}',
      '  },',
      '  "ruleset": {',
      '    "id": "x"',
      '  }',
      '}',
      '',
    ].join('\n');
    for (const batch of [1, 2, 50]) expect(join(compiledJsonChunks(v, batch))).toBe(expected);
  });

  it('the shipped rulesets compile to the same file in pieces of 7 entries as in one piece: the compiled ruleset, one rule a line', () => {
    const names = ['rulesets/cms-outpatient-therapy/2020.payer', 'rulesets/medicare-part-b/2026.payer'];
    const files = names.map((name) => ({ name, text: readFileSync(name, 'utf8') }));
    const load = rulesetLoader(files);
    for (const f of files) {
      const { compiled } = analyze(f, { loadRuleset: load });
      expect(compiled).toBeDefined();
      const chunks = [...compiledJsonChunks(compiled, 7)];
      expect(chunks.length).toBeGreaterThan(2);
      const text = chunks.join('');
      expect(text).toBe(join(compiledJsonChunks(compiled, 1_000_000)));
      expect(JSON.parse(text)).toStrictEqual(JSON.parse(JSON.stringify(compiled)));
      // One line a rule, between the `"rules": [` and `]` lines.
      const lines = text.split('\n');
      const open = lines.indexOf('  "rules": [');
      expect(lines[open + compiled!.rules.length + 1]).toMatch(/^  \]/);
      expect(lines.slice(open + 1, open + 1 + compiled!.rules.length).every((l) => l.startsWith('    {"name":'))).toBe(true);
    }
  });
});
