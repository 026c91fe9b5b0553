// The language's documented limits: each pathological ruleset gets a clear diagnostic at its limit
// and never a crash, and what the checker accepts at the limit runs the same on both runtimes.
// (Speed on these inputs is measured in `npm run bench`, never asserted here.)
import { describe, expect, it } from 'vitest';
import { analyze, check, rulesetLoader } from '../dsl/index.ts';
import { MAX_ARITHMETIC } from '../dsl/cst-to-ast.ts';
import { MAX_EXTENDS_DEPTH } from '../dsl/check/index.ts';
import { normalize } from '../dsl/check/elements.ts';
import { Evaluator } from '../engine/index.ts';

const header = (id: string) => `ruleset ${id} "${id}"\nversion 1 effective 2026-01-01\n`;
const sumRule = (terms: number) => `${header('sums')}rule R-SUM "sum" warning {\n  when ${Array.from({ length: terms }, () => 'line.units').join(' + ')} > 5\n  cite "test"\n}\n`;

describe('arithmetic expressions', () => {
  it(`a sum of 3,000 terms is refused with PR1006, not a stack overflow`, () => {
    const res = analyze({ name: 'sum.payer', text: sumRule(3000) });
    expect(res.diagnostics.map((d) => d.code)).toEqual(['PR1006']);
    expect(res.diagnostics[0]!.message).toContain(`more than ${MAX_ARITHMETIC}`);
  });

  it(`a sum at the limit (${MAX_ARITHMETIC} operators) checks, compiles and gives the same answer on both runtimes`, async () => {
    const res = analyze({ name: 'sum.payer', text: sumRule(MAX_ARITHMETIC + 1) });
    expect(res.diagnostics).toEqual([]);
    const ev = new Evaluator([res.compiled!]);
    const claim = { id: 'S', dateOfService: '2026-03-02', lines: [{ code: '97110', units: 1 }] };
    const compiled = await ev.evaluate(claim);
    const jre = await ev.evaluate(claim, { runtime: 'json-rules-engine' });
    expect(jre).toEqual(compiled);
    expect(compiled).toMatchObject({ status: 'warnings', findings: [{ rule: 'R-SUM' }] });
  });
});

describe('chains of extends', () => {
  const chain = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}.payer`, text: `${header(`c${i}`)}${i ? `extends c${i - 1}\n` : ''}rule R-${i} "r" warning {\n  when line.units > 1\n  cite "c"\n}\n` }));

  it(`a ruleset that builds on ${MAX_EXTENDS_DEPTH} others checks clean; one more is PR2034`, () => {
    const files = chain(MAX_EXTENDS_DEPTH + 2);
    const load = rulesetLoader(files);
    expect(check(files[MAX_EXTENDS_DEPTH]!, { loadRuleset: load }).diagnostics).toEqual([]);
    expect(check(files[MAX_EXTENDS_DEPTH + 1]!, { loadRuleset: load }).diagnostics.map((d) => d.code)).toEqual(['PR2034']);
  });

  it('a 2,000-deep chain reports an error on the deepest file instead of overflowing the stack', () => {
    const files = chain(2000);
    const res = check(files[1999]!, { loadRuleset: rulesetLoader(files) });
    expect(res.diagnostics.map((d) => d.code)).toEqual(['PR2014']);
  });

  it('checking every file of a long chain gives each the same answer as checking it alone', () => {
    const files = chain(60);
    const shared = rulesetLoader(files);
    const together = files.map((f) => check(f, { loadRuleset: shared }).diagnostics.length > 0);
    const alone = files.map((f) => check(f, { loadRuleset: rulesetLoader(files) }).diagnostics.length > 0);
    expect(together).toEqual(alone);
    expect(together.indexOf(true)).toBe(MAX_EXTENDS_DEPTH + 1);
  });
});

describe('code-set normalization', () => {
  // The reference: every code not inside a range of its own shape, sorted.
  const naive = (codes: string[], ranges: [string, string][]) =>
    [...new Set(codes)].filter((c) => !ranges.some(([lo, hi]) => lo.replace(/\d/g, '9') === c.replace(/\d/g, '9') && lo <= c && c <= hi)).sort();

  it('drops codes inside ranges and merges ranges, for a large mixed set', () => {
    const codes: string[] = [];
    const ranges: [string, string][] = [];
    for (let i = 0; i < 1500; i++) codes.push(String(10000 + ((i * 7919) % 60000)), `G${String(i % 10000).padStart(4, '0')}`);
    for (let i = 0; i < 400; i++) ranges.push([String(20000 + i * 31), String(20010 + i * 31)], [`G${String(i * 7).padStart(4, '0')}`, `G${String(i * 7 + 3).padStart(4, '0')}`]);
    const out = normalize({ codes, ranges });
    expect(out.codes).toEqual(naive(codes, ranges));
    for (let i = 1; i < out.ranges.length; i++) {
      const [a, b] = [out.ranges[i - 1]!, out.ranges[i]!];
      // Sorted, and ranges of one shape never overlap after merging.
      expect(a[0] <= b[0]).toBe(true);
      if (a[0].replace(/\d/g, '9') === b[0].replace(/\d/g, '9')) expect(a[1] < b[0]).toBe(true);
    }
  });
});
