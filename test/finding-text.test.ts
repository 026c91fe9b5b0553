// Finding text a biller acts on. The fix an NCCI finding gives depends on the pair, as the CMS NCCI policy manual says: a pair whose
// modifier indicator is 0 is never bypassed (the fix is to remove the line, not to add 59), and an
// E/M code in column 2 takes 25 (59 and X{EPSU} are not for E/M services). Pairs and indicators from
// the shipped CMS practitioner PTP table (2024 Q3): 97140 / 97124 indicator 0; 97161 / 99213
// indicator 1; both runtimes give the same text.
import { describe, expect, it } from 'vitest';
import { Evaluator, type ClaimReport } from '../engine/index.ts';
import { shippedRulesets, shippedTables } from './support.ts';

const evaluator = new Evaluator(shippedRulesets(), { tables: shippedTables() });
const claim = (id: string, lines: object[]) => ({ id, payer: 'medicare-part-b', provider: { npi: '1234567893', discipline: 'PT' }, dateOfService: '2024-09-03', placeOfService: '11', diagnoses: ['M62.81'], lines });

describe('NCCI fix text follows the pair', () => {
  it.each([
    [
      'indicator 0: remove the line, even with 59 on it',
      claim('N0', [{ code: '97140', modifiers: ['GP'], units: 1, minutes: 15, diagnosisPointers: [1] }, { code: '97124', modifiers: ['GP', '59'], units: 1, minutes: 15, diagnosisPointers: [1] }]),
      'remove the line: no modifier lets 97124 be paid with 97140 on the same day (NCCI modifier indicator 0)',
    ],
    [
      'E/M in column 2: modifier 25, not 59',
      claim('N1', [{ code: '97161', modifiers: ['GP'], units: 1, minutes: 30, diagnosisPointers: [1] }, { code: '99213', units: 1, diagnosisPointers: [1] }]),
      'add modifier 25 if 99213 was a separate and distinct service (and the record shows it), or remove the line',
    ],
  ])('%s', async (_name, c, fix) => {
    for (const runtime of ['compiled', 'json-rules-engine'] as const) {
      const r = (await evaluator.evaluate(c, { runtime })) as ClaimReport;
      const f = r.findings.filter((x) => x.kind === 'ncci-bundled');
      expect(f.map((x) => [x.line, x.fix])).toEqual([[2, fix]]);
      expect(f[0]!.fix).not.toMatch(/\b59\b|XE|XS/);
    }
  });
});

describe('a KX total priced from the fee schedule says it is an estimate', () => {
  // SSA §1833(g): the threshold counts allowed amounts. A line without one is priced from the
  // ruleset's fee-schedule table, which for 2026 claims is an older release: the message says so.
  const kx = (allowed?: number) => ({
    id: 'KX', payer: 'medicare-part-b', provider: { npi: '1234567893', discipline: 'OT' }, dateOfService: '2026-03-02', placeOfService: '11', diagnoses: ['I69.351'],
    history: { therapyAllowedThisYear: { OT: 2400 } },
    lines: [{ code: '97530', modifiers: ['GO', 'KX'], units: 1, minutes: 15, diagnosisPointers: [1], ...(allowed !== undefined ? { allowed } : {}) }],
  });
  it.each([
    ['no allowed amount: estimated from the fee schedule, the release named', undefined, /not above \$2,480\.00; the total is an estimate: lines without an allowed amount were priced from cms-mpfs RVU\w+ \(from \d{4}-\d{2}-\d{2}\)$/],
    ['the allowed amount given: no estimate', 40, /is \$2,440\.00 through this line, not above \$2,480\.00$/],
  ])('%s', async (_name, allowed, message) => {
    for (const runtime of ['compiled', 'json-rules-engine'] as const) {
      const r = (await evaluator.evaluate(kx(allowed), { runtime })) as ClaimReport;
      const f = r.findings.filter((x) => x.kind === 'kx-not-needed');
      expect(f).toHaveLength(1);
      expect(f[0]!.message).toMatch(message);
    }
  });
});

describe('the NCCI fix names what would bypass the pairs the finding names', async () => {
  // The NCCI policy manual: indicator 1 pairs are bypassed by an appropriate modifier, indicator 0
  // pairs never. A ruleset that lists no bypass for an indicator-1 table gives no modifier to add,
  // and a modifier already on the line that bypasses one pair does not bypass another.
  const { analyze, rulesetLoader } = await import('../dsl/index.ts');
  const { inlineTables } = await import('./support-tables.ts');
  const tables = inlineTables([{ table: 'ptp', kind: 'ncci-ptp', release: '2024-07-01', from: '2024-07-01', rows: [['97530', '97140', '2020-01-01', '', '1']] }]);
  const evaluatorFor = (body: string) => {
    const file = { name: 't/2024.payer', text: `ruleset t "T"\nversion 2024.1 effective 2024-01-01 through 2024-12-31\n\nmodifiers {\n${body}\n}\n` };
    const res = analyze(file, { loadRuleset: rulesetLoader([file]), tables: tables.tables() });
    if (!res.compiled) throw new Error(res.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
    return new Evaluator([res.compiled], { tables });
  };
  const claim = (lines: object[]) => ({ id: 'N', payer: 't', dateOfService: '2024-08-02', placeOfService: '11', diagnoses: ['M62.81'], lines });
  const fixes = async (ev: Evaluator, c: object) => {
    const out: (string | undefined)[][] = [];
    for (const runtime of ['compiled', 'json-rules-engine'] as const) {
      const r = (await ev.evaluate(c, { runtime })) as ClaimReport;
      out.push(r.findings.filter((f) => f.kind === 'ncci-bundled').map((f) => f.fix));
    }
    expect(out[1]).toEqual(out[0]);
    return out[0]!;
  };

  it('an indicator-1 pair under a statement with no bypass is not called indicator 0', async () => {
    const ev = evaluatorFor('  NCCI: ncci table ptp cite "test"');
    expect(await fixes(ev, claim([{ code: '97530', units: 1 }, { code: '97140', units: 1 }]))).toEqual([
      'remove the line, or name in the ruleset the modifiers that bypass this pair (its `ncci` statement has no `bypass`)',
    ]);
  });

  it('a modifier already on the line that bypasses one pair is not offered for the pair it does not bypass', async () => {
    const ev = evaluatorFor('  NCCI: ncci {\n    97161 / 97140 bypass 59\n    97530 / 97140 bypass XU\n  } cite "test"');
    const c = claim([{ code: '97161', units: 1 }, { code: '97530', units: 1 }, { code: '97140', modifiers: ['59'], units: 1 }]);
    expect(await fixes(ev, c)).toEqual(['add modifier XU if 97140 was a separate and distinct service (and the record shows it), or remove the line']);
  });
});
