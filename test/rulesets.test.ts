// Every shipped ruleset's test cases pass; and the harness reports malformed case files, unknown
// rulesets and unknown rule ids as error cases with file:line, never skipping them.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { Evaluator } from '../engine/index.ts';
import { runCases, type CaseFileInput } from '../engine/harness.ts';
import { checkVersionOverlaps, peekHeader } from '../dsl/index.ts';
import { ROOT, shippedRulesets, shippedTables, walk } from './support.ts';

const evaluator = new Evaluator(shippedRulesets(), { tables: shippedTables() });
const payerOf = (file: string) => {
  const payer = walk(dirname(file), '.payer')[0];
  return payer ? peekHeader({ name: payer, text: readFileSync(payer, 'utf8') })?.id : undefined;
};

describe('shipped ruleset cases', () => {
  const files = walk(`${ROOT}rulesets`, '.cases.yaml');
  it('there are at least 15 cases for every payer (a base other rulesets extend needs only its own few)', () => {
    const counts = new Map<string, number>();
    for (const f of files) counts.set(payerOf(f)!, (counts.get(payerOf(f)!) ?? 0) + (readFileSync(f, 'utf8').match(/^ {2}- name:/gm)?.length ?? 0));
    const bases = new Set(shippedRulesets().flatMap((rs) => rs.ruleset.chain.slice(1)));
    const payers = new Set(shippedRulesets().map((rs) => rs.ruleset.id));
    for (const id of payers) {
      const onlyBase = bases.has(id) && !shippedRulesets().some((rs) => rs.ruleset.id === id && rs.ruleset.chain.length > 1) && id.startsWith('cms-');
      expect(counts.get(id) ?? 0, id).toBeGreaterThanOrEqual(onlyBase ? 1 : 15);
    }
  });
  for (const f of files) {
    it(relative(ROOT, f), async () => {
      const input: CaseFileInput = { name: relative(ROOT, f), text: readFileSync(f, 'utf8') };
      const id = payerOf(f);
      if (id) input.defaultRuleset = id;
      const res = await runCases([input], evaluator);
      const failures = res.cases.filter((c) => c.status !== 'pass').map((c) => `${c.file}:${c.line} ${c.name}\n  ${c.messages.join('\n  ')}`);
      expect(failures).toEqual([]);
      expect(res.passed).toBeGreaterThan(0);
    });
  }
});

describe('bad case files are error cases with a line', () => {
  const run = async (text: string, defaultRuleset = 'medicare-part-b') => (await runCases([{ name: 'x.cases.yaml', text, defaultRuleset }], evaluator)).cases;

  it('malformed YAML', async () => {
    const [c] = await run('cases:\n  - name: "a\n    claim: [\n');
    expect(c).toMatchObject({ status: 'error', file: 'x.cases.yaml' });
    expect(c!.messages[0]).toMatch(/not valid YAML/);
  });

  it('an unknown field in a case', async () => {
    const cases = await run('cases:\n  - name: ok\n    claim: { id: A }\n    expect: { status: clean }\n  - name: typo\n    claim: { id: B }\n    expekt: { status: clean }\n');
    expect(cases[0]!.status).not.toBe('error');
    expect(cases[1]).toMatchObject({ status: 'error', line: 5 });
  });

  it('an unknown ruleset', async () => {
    const [c] = await run('ruleset: medicare-part-z\ncases:\n  - name: a\n    claim: { id: A }\n    expect: { status: clean }\n');
    expect(c).toMatchObject({ status: 'error', line: 1 });
    expect(c!.messages[0]).toMatch(/no ruleset `medicare-part-z`/);
  });

  it('a rule id that does not exist', async () => {
    const cases = await run('cases:\n  - name: a\n    claim: { id: A, dateOfService: "2026-01-02", lines: [{ code: "97110" }] }\n    expect: { findings: [{ rule: KX-TRESHOLD }] }\n');
    expect(cases[0]).toMatchObject({ status: 'error', line: 2 });
    expect(cases[0]!.messages[0]).toMatch(/no rule `KX-TRESHOLD`/);
  });

  it('a failing case shows expected against actual findings', async () => {
    const cases = await run('cases:\n  - name: a\n    claim: { id: A, dateOfService: "2026-01-02", diagnoses: [M62.81], lines: [{ code: "97110", modifiers: [GP], units: 3, minutes: 15, diagnosisPointers: [1] }] }\n    expect: { status: clean, findings: [] }\n');
    expect(cases[0]!.status).toBe('fail');
    expect(cases[0]!.messages).toEqual(['status: expected clean, got errors', expect.stringMatching(/^\+ unexpected finding: UNITS-TIME \(units-exceed-time\) line 1 97110/)]);
  });
});

describe('version overlaps', () => {
  it('two versions of one ruleset whose windows overlap are a checker error', () => {
    const a = { name: 'p/2025.payer', text: 'ruleset p "P"\nversion 2025.1 effective 2025-01-01 through 2025-12-31\n' };
    const b = { name: 'p/2025b.payer', text: 'ruleset p "P"\nversion 2025.2 effective 2025-07-01 through 2026-06-30\n' };
    const c = { name: 'p/2027.payer', text: 'ruleset p "P"\nversion 2027.1 effective 2027-01-01\n' };
    const ds = checkVersionOverlaps([a, b, c]);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'PR2033', file: 'p/2025b.payer' });
  });

  it('the shipped rulesets do not overlap', () => {
    const files = walk(`${ROOT}rulesets`, '.payer').map((p) => ({ name: p, text: readFileSync(p, 'utf8') }));
    expect(checkVersionOverlaps(files)).toEqual([]);
  });
});
