// Short cuts the checker takes on large rulesets must answer exactly what the long way answers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type * as A from '../dsl/ast.ts';
import type { ResolvedSet } from '../dsl/check/model.ts';
import { elementsEmpty, flatten, isEmpty } from '../dsl/check/elements.ts';

const span = { start: 0, end: 0 };
const code = (text: string): A.Code => ({ kind: 'Code', text, span });
const element: fc.Arbitrary<A.Element> = fc.oneof(
  fc.constantFrom('97110', 'G0283', '1125F').map(code),
  fc.constant<A.Element>({ kind: 'CodeRange', from: code('97161'), to: code('97163'), span }),
  fc.constant<A.Element>({ kind: 'CodePattern', prefix: 'M54.5', span }),
  fc.constantFrom('empty', 'full', 'ranges-only', 'dx', 'dx-empty', 'unknown').map((name): A.Element => ({ kind: 'SetRef', name, span })),
);
const origin = { file: 'x.payer', span };
const set = (name: string, codes: string[], ranges: [string, string][], kind?: 'diagnosis'): [string, ResolvedSet] => [name, { name, codes, ranges, origin, definedIn: 'x', ...(kind ? { kind } : {}) }];
const sets = new Map<string, ResolvedSet>([set('empty', [], []), set('full', ['97110'], []), set('ranges-only', [], [['97161', '97163']]), set('dx', ['M54.50'], [], 'diagnosis'), set('dx-empty', [], [], 'diagnosis')]);

describe('the lint for rules over an empty code set', () => {
  it('elementsEmpty answers what flattening the elements and looking answers, on any element list', () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 5 }), (els) => {
        expect(elementsEmpty(els, sets)).toBe(isEmpty(flatten(els, sets, undefined)));
      }),
      { numRuns: 300 },
    );
  });
});
