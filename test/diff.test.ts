// Ruleset diff: rule, code-set, threshold, window and table changes by id, and claim impact.
import { describe, expect, it } from 'vitest';
import { analyze } from '../dsl/index.ts';
import { diffRulesets } from '../engine/diff.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { shippedRulesets } from './support.ts';

const compileText = (text: string): CompiledRuleset => {
  const r = analyze({ name: 'x.payer', text });
  if (!r.compiled) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.compiled;
};

const OLD = `ruleset p "P"
version 1 effective 2025-01-01 through 2025-12-31
codes timed = 97110, 97112
units {
  timed codes timed
  U: method total-time cite "MCPM"
}
modifiers {
  KX: require KX above $2,410 per year cite "old"
  MUE: mue {
    97110 max 6 per day
  } cite "MUE"
}
rule GONE "removed" {
  when line.units > 10
  cite "x"
}
`;
const NEW = OLD.replace('version 1 effective 2025-01-01 through 2025-12-31', 'version 2 effective 2026-01-01 through 2026-12-31')
  .replace('97110, 97112', '97110, 97112, 97116')
  .replace('$2,410', '$2,480')
  .replace('97110 max 6 per day', '97110 max 5 per day')
  .replace('rule GONE "removed" {', 'rule NEW-1 "added" {');

describe('diff', () => {
  it('names every kind of change', async () => {
    const d = await diffRulesets(compileText(OLD), compileText(NEW));
    expect(d.header).toEqual(['version 1 → 2', 'effective 2025-01-01 through 2025-12-31 → 2026-01-01 through 2026-12-31']);
    expect(d.rules.map((r) => [r.rule, r.change])).toEqual([['GONE', 'removed'], ['KX', 'changed'], ['MUE', 'changed'], ['NEW-1', 'added']]);
    expect(d.rules.find((r) => r.rule === 'KX')!.details).toContain('KX threshold $2,410.00 → $2,480.00');
    expect(d.codeSets).toEqual(expect.arrayContaining([{ set: 'timed', added: ['97116'], removed: [] }]));
    expect(d.tables).toContain('~ MUE 97110: max 6 per day → max 5 per day');
  });

  it('identical rulesets have no changes', async () => {
    const d = await diffRulesets(compileText(OLD), compileText(OLD), []);
    expect(d.rules).toEqual([]);
    expect(d.codeSets).toEqual([]);
    expect(d.claims).toEqual({ total: 0, changed: [] });
  });

  it('medicare 2025 → 2026: a claim between the two KX thresholds changes outcome, and why', async () => {
    const rs = shippedRulesets().filter((r) => r.ruleset.id === 'medicare-part-b');
    const y2025 = rs.find((r) => r.ruleset.version === '2025.1')!;
    const y2026 = rs.find((r) => r.ruleset.version === '2026.1')!;
    const claim = (id: string, ot: number) => ({ id, payer: 'medicare-part-b', provider: { discipline: 'OT' }, dateOfService: '2026-01-15', diagnoses: ['I69.351'], history: { therapyAllowedThisYear: { OT: ot } }, lines: [{ code: '97530', modifiers: ['GO'], units: 1, minutes: 15, diagnosisPointers: [1], allowed: 50 }] });
    const d = await diffRulesets(y2025, y2026, [claim('BETWEEN', 2400), claim('UNDER', 100), 'not a claim']);
    expect(d.claims!.total).toBe(3);
    expect(d.claims!.changed).toHaveLength(1);
    expect(d.claims!.changed[0]).toMatchObject({ claimId: 'BETWEEN', oldStatus: 'errors', newStatus: 'clean', removed: [{ rule: 'KX-THRESHOLD' }] });
    expect(d.claims!.changed[0]!.because[0]).toBe('KX-THRESHOLD changed: KX threshold $2,410.00 → $2,480.00');
  });
});
