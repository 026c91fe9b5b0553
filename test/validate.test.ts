// The compiled fast path of claim validation accepts exactly what the zod schema accepts and
// returns the same claim; zod alone explains rejections.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ClaimSchema } from '../engine/claim-schema.ts';
import { fastValidator } from '../engine/fast-validate.ts';
import { validateClaim } from '../engine/validate.ts';
import { claimJsonSchema } from '../engine/claim-schema.ts';
import { generateClaim, rng } from '../bench/generate.ts';

// The fast path as eval runs it (one generated function) and as closures (where code may not be generated).
const fast = fastValidator(ClaimSchema)!;
const closures = fastValidator(ClaimSchema, { generate: false })!;

function agrees(v: unknown): void {
  const z = ClaimSchema.safeParse(v);
  for (const f of [fast, closures]) {
    const a = f(v);
    expect(a.ok).toBe(z.success);
    if (a.ok && z.success) expect(a.value).toStrictEqual(z.data);
  }
}

describe('fast claim validation', () => {
  it('compiles from the claim schema, generated and as closures', () => {
    expect(fast).toBeTypeOf('function');
    expect(fast.generated).toBe(true);
    expect(closures.generated).toBe(false);
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
    // (Not from JSON, but a caller in JavaScript may pass them.)
    ['Infinity minutes', { minutes: Infinity }],
    ['NaN units', { units: Number.NaN }],
    ['an Infinity charge', { charge: Infinity }],
  ])('edge: %s', (_n, line) => {
    agrees({ id: 'E', dateOfService: '2026-01-05', lines: [{ code: '97110', ...line }] });
  });
});

describe('claim input a practice system writes', () => {
  const claim = (line: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id: 'N', dateOfService: '2026-03-02', lines: [{ code: '97110', ...line }], ...extra });

  it.each([
    ['lower-case modifiers are read in capitals', claim({ modifiers: ['go', 'Kx'] }), { modifiers: ['GO', 'KX'] }],
    ['a diagnosis without its dot is kept with the dot', claim({}, { diagnoses: ['M5450'] }), { diagnoses: ['M54.50'] }],
    ['a lower-case diagnosis is read in capitals', claim({}, { diagnoses: ['i69.351'] }), { diagnoses: ['I69.351'] }],
    ['U09.9 (post COVID-19 condition) is a valid diagnosis', claim({}, { diagnoses: ['U09.9'] }), { diagnoses: ['U09.9'] }],
    ['a three-character category keeps no dot', claim({}, { diagnoses: ['R26'] }), { diagnoses: ['R26'] }],
  ])('%s', (_note, input, want) => {
    const v = validateClaim(input);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    if ('modifiers' in want) expect(v.claim.lines[0]!.modifiers).toEqual(want.modifiers);
    if ('diagnoses' in want) expect(v.claim.diagnoses).toEqual(want.diagnoses);
    agrees(input);
  });

  it.each([
    ['units given as text', claim({ units: '1' }), 'lines[0].units', 'line 1: expected a number, got text'],
    ['units missing where a number is needed is not "required"', claim({ minutes: null }), 'lines[0].minutes', 'line 1: expected a number, got null'],
    ['the second line is named line 2 while the path stays 0-based', { id: 'N', dateOfService: '2026-03-02', lines: [{ code: '97110' }, { code: 97110 }] }, 'lines[1].code', 'line 2: expected text, got a number'],
    ['a required field that is absent', { id: 'N', lines: [{ code: '97110' }] }, 'dateOfService', 'is required (text)'],
  ])('%s', (_note, input, path, message) => {
    const v = validateClaim(input);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors).toContainEqual({ path, message });
  });

  it('the JSON Schema carries every field\'s description', () => {
    const schema = claimJsonSchema() as { properties: Record<string, { description?: string; properties?: Record<string, { description?: string }> }> };
    expect(schema.properties['dateOfService']!.description).toMatch(/date of service/);
    expect(schema.properties['planOfCare']!.properties!['certifiedThrough']!.description).toMatch(/certification covers/);
  });
});
