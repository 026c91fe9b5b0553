// Patient identity and authorization numbers never appear in reports or traces: a rule may test
// them, and the trace says what was tested and the answer, never the value.
import { describe, expect, it } from 'vitest';
import { analyze } from '../dsl/index.ts';
import { Evaluator } from '../engine/index.ts';
import { prepareJre } from '../engine/runtime-jre.ts';
import { WITHHELD } from '../engine/report.ts';
import { PHI_CLAIM as claim, PHI_RULESET as RULESET } from './support.ts';

describe('--explain traces', () => {
  const rs = analyze({ name: 'phi.payer', text: RULESET }).compiled!;
  const ev = new Evaluator([rs]);

  it.each(['compiled', 'json-rules-engine'] as const)('%s: show the test and its answer, never the age, birth date or authorization number', async (runtime) => {
    const r = await ev.evaluate(claim, { explain: true, runtime });
    const text = JSON.stringify({ ...r, ruleset: null });
    for (const secret of ['PAT-SECRET-9', '1950-07-04', '75', 'PA-SECRET-4411']) expect(text).not.toContain(secret);
    if (!('explain' in r) || !r.explain) throw new Error('no trace');
    const age = r.explain.find((t) => t.rule === 'ADULT')!.conditions[0]!;
    expect(age).toMatchObject({ params: { field: 'claim.patient.age' }, operator: 'ge', expected: 21, actual: WITHHELD, result: true });
    const auth = r.explain.find((t) => t.rule === 'AUTH-NUMBER')!.conditions[0]!;
    expect(auth).toMatchObject({ actual: WITHHELD, result: true });
  });

  it('json-rules-engine keeps no fact cache (its key is a hash of the params, and two different expressions could share one)', () => {
    const jre = prepareJre(rs);
    for (const engine of [jre.claimEngine, jre.lineEngine]) {
      const facts = (engine as unknown as { facts: Map<string, { options: { cache: boolean } }> }).facts;
      const ours = [...facts.values()].filter((f) => (f as unknown as { id: string }).id !== 'success-events');
      expect(ours.length).toBeGreaterThan(0);
      for (const f of ours) expect(f.options.cache).toBe(false);
    }
  });
});

describe('a claim no version covers', () => {
  it('says so without printing the date of service in the message', async () => {
    const rs = analyze({ name: 'phi.payer', text: RULESET }).compiled!;
    const r = await new Evaluator([rs]).evaluate({ ...claim, dateOfService: '2025-11-17', lines: [{ code: '97110' }] });
    expect(r).toMatchObject({ status: 'errors', findings: [{ rule: 'NO-RULESET' }] });
    expect(JSON.stringify((r as { findings: unknown[] }).findings)).not.toContain('2025-11-17');
  });
});
