// The compiled fast path of claim validation accepts exactly what the zod schema accepts and
// returns the same claim; zod alone explains rejections.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ClaimSchema } from '../engine/claim-schema.ts';
import { fastValidator } from '../engine/fast-validate.ts';
import { generateClaim, rng } from '../bench/generate.ts';

const fast = fastValidator(ClaimSchema)!;

function agrees(v: unknown): void {
  const a = fast(v);
  const z = ClaimSchema.safeParse(v);
  expect(a.ok).toBe(z.success);
  if (a.ok && z.success) expect(a.value).toStrictEqual(z.data);
}

describe('fast claim validation', () => {
  it('compiles from the claim schema', () => {
    expect(fast).toBeTypeOf('function');
  });

  it('agrees with zod on 5,000 generated claims, valid and not', () => {
    const r = rng(42);
    for (let i = 0; i < 5000; i++) agrees(generateClaim(r, i));
  });

  it('agrees with zod on claims with fields replaced by arbitrary JSON', () => {
    const base = generateClaim(rng(1), 1);
    const keys = ['id', 'payer', 'dateOfService', 'placeOfService', 'diagnoses', 'lines', 'history', 'priorAuthorization', 'provider', 'patient'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), fc.nat(3), fc.jsonValue(), (k, v, li, lv) => {
        const c = structuredClone(base) as Record<string, unknown> & { lines: Record<string, unknown>[] };
        c[k] = v;
        if (Array.isArray(c.lines) && c.lines.length) {
          const line = c.lines[li % c.lines.length];
          if (line && typeof line === 'object') (line as Record<string, unknown>)[['code', 'units', 'minutes', 'modifiers', 'charge', 'diagnosisPointers'][li % 6]!] = lv;
        }
        agrees(c);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with zod on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), agrees), { numRuns: 1000 });
  });

  it.each([
    ['-0 minutes', { minutes: -0 }],
    ['1e308 minutes', { minutes: 1e308 }],
    ['a fractional unit', { units: 1.5 }],
    ['a charge with many decimals', { charge: 12.345 }],
    ['an empty modifier list', { modifiers: [] }],
  ])('edge: %s', (_n, line) => {
    agrees({ id: 'E', dateOfService: '2026-01-05', lines: [{ code: '97110', ...line }] });
  });
});
