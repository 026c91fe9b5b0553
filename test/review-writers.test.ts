// The new-user review's writer items: `--explain --format text` prints each finding's condition
// trace (item 5), with patient data still withheld; messages count units as "1 unit" (item 7).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../dsl/index.ts';
import { Evaluator } from '../engine/index.ts';
import { WITHHELD, type ConditionTrace } from '../engine/report.ts';
import { conditionLine } from '../writers/trace.ts';
import { renderText } from '../writers/index.ts';
import { ROOT } from './support.ts';

const BIN = join(ROOT, 'bin/payer-rules.mjs');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
const cond = (over: Partial<ConditionTrace>): ConditionTrace => ({ name: 'R/c1', fact: 'field', operator: 'eq', expected: null, actual: null, result: true, ...over });

describe('--explain --format text: each finding with the conditions that made its rule fire', () => {
  it.each([
    { note: 'a comparison, with where the condition is written', c: cond({ params: { field: 'line.units' }, operator: 'gt', expected: 2, actual: 3, source: { file: 'a.payer', line: 37, column: 15 } }), want: 'true   line.units > 2; the claim had 3  (a.payer:37:15)' },
    { note: 'a date field as a date, not a day number', c: cond({ params: { field: 'line.dateOfService' }, operator: 'ge', expected: 20089, actual: 20514 }), want: 'true   line.dateOfService >= 2025-01-01; the claim had 2026-03-02' },
    { note: 'a condition that did not hold', c: cond({ params: { field: 'line.code' }, operator: 'inSet', expected: { set: 'pt-evaluations' }, actual: '97110', result: false }), want: 'false  line.code in code set pt-evaluations; the claim had 97110' },
    { note: 'a list', c: cond({ params: { field: 'line.modifiers' }, operator: 'hasNone', expected: ['GO', 'GP', 'GN'], actual: [] }), want: 'true   line.modifiers has none of GO, GP, GN; the claim had (none)' },
    { note: 'a field with no value', c: cond({ params: { field: 'claim.referringProvider.npi' }, operator: 'present', expected: true, actual: null, result: false }), want: 'false  claim.referringProvider.npi is present; the claim had (none)' },
    { note: 'a date window', c: cond({ params: { field: 'line.dateOfService' }, operator: 'inWindows', expected: [[18901, null]], actual: 20514 }), want: 'true   line.dateOfService falls in 2021-10-01 to open end; the claim had 2026-03-02' },
    { note: 'an aggregate', c: cond({ fact: 'expr', params: { expr: { agg: 'count', over: 'line.diagnosisPointers' } }, operator: 'gt', expected: 0, actual: 2 }), want: 'true   count(line.diagnosisPointers) > 0; the claim had 2' },
    { note: 'patient data stays withheld as the engine wrote it', c: cond({ params: { field: 'claim.patient.age' }, operator: 'ge', expected: 21, actual: WITHHELD }), want: `true   claim.patient.age >= 21; the claim had ${WITHHELD}` },
  ])('$note', ({ c, want }) => {
    expect(conditionLine(c)).toBe(want);
  });

  it('a rule reading patient age and the authorization number: the text trace says what was tested, never the values', () => {
    const rs = analyze({
      name: 'phi.payer',
      text: `ruleset phi-test "PHI"
version 1 effective 2026-01-01
rule ADULT "adult" warning {
  when claim.patient.age >= 21
  cite "test"
}
rule AUTH-NUMBER "authorization number given" warning {
  when claim.priorAuthorization.number is present
  cite "test"
}
`,
    }).compiled!;
    const claim = { id: 'PHI-1', patient: { id: 'PAT-SECRET-9', birthDate: '1950-07-04' }, dateOfService: '2026-03-02', priorAuthorization: { number: 'PA-SECRET-4411', from: '2026-01-01', to: '2026-06-30' }, lines: [{ code: '97110', units: 1, minutes: 15 }] };
    const text = renderText(new Evaluator([rs]).evaluateSync(claim, { explain: true }));
    expect(text).toContain(`claim.patient.age >= 21; the claim had ${WITHHELD}`);
    expect(text).toContain(`claim.priorAuthorization.number is present; the claim had ${WITHHELD}`);
    for (const secret of ['PAT-SECRET-9', '1950-07-04', '75', 'PA-SECRET-4411']) expect(text).not.toContain(secret);
  });

  it('the real command: with --explain every finding has its why, without it none; the units finding shows the billed units against what the minutes support', () => {
    const file = join(ROOT, 'examples/claims.json');
    const plain = cli(['eval', '--ruleset', 'rulesets', '--format', 'text', file]);
    const explained = cli(['eval', '--ruleset', 'rulesets', '--format', 'text', '--explain', file]);
    expect(explained.status).toBe(plain.status);
    expect(plain.stdout).not.toContain('why:');
    // Every finding line (ERROR/WARNING/INFO under a claim that has a ruleset) is followed, within its block, by a why.
    const blocks = explained.stdout.split(/\n(?=    (?:ERROR|WARNING|INFO) )/).slice(1);
    const withRuleset = blocks.filter((b) => !b.includes('[NO-RULESET'));
    expect(withRuleset.length).toBeGreaterThan(3);
    for (const b of withRuleset) expect(b.split('\n  line ')[0], b.slice(0, 120)).toMatch(/\n {12}why: /);
    // examples/claims.json, MCR-OT-PROBLEMS line 2: 97530 billed 3 units, 30 of 40 timed minutes → 2.
    expect(explained.stdout).toMatch(/why: UNITS-TIME on line 2 fired on these conditions:\n {14}true {3}line\.units > 2; the claim had 3/);
    for (const s of ['PAT-SAMPLE-1', '1948-02-11']) expect(explained.stdout + explained.stderr).not.toContain(s);
  });
});
