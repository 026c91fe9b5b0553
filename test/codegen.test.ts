// The generated rules (engine/codegen.ts) against the closures they replace (runtime-compiled.ts):
// for every rule of every shipped ruleset, and for random condition trees over every claim field
// and operator, the same three-valued answer and the same "lacked" names in the same order, on
// every line of thousands of generated claims.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Condition, ExprData } from '../engine/compiled.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { makeContext, type ClaimContext } from '../engine/context.ts';
import { prepareCompiled, runCompiled, type CompiledRuntime, type RunResult } from '../engine/runtime-compiled.ts';
import { generateSource } from '../engine/codegen.ts';
import { mayGenerate } from '../engine/can-generate.ts';
import { FIELDS } from '../engine/field-catalog.ts';
import { OPERATORS, type OperatorName } from '../engine/operator-catalog.ts';
import { validateClaim } from '../engine/validate.ts';
import type { Claim } from '../engine/claim-schema.ts';
import { generateClaim, rng } from '../bench/generate.ts';
import { shippedRulesets, shippedTables } from './support.ts';

const CLAIMS = Number(process.env['FUZZ_CLAIMS'] ?? 1500);
const rulesets = shippedRulesets();
const tables = shippedTables();
const payers = [...new Set(rulesets.map((r) => r.ruleset.id))];

function validClaims(n: number, seed: number, multiDate = 0): Claim[] {
  const r = rng(seed);
  const out: Claim[] = [];
  for (let i = 0; out.length < n && i < n * 3; i++) {
    const v = validateClaim(generateClaim(r, i, payers, { multiDate: i % 3 === 0 ? 1 : multiDate }));
    if (v.ok) out.push(v.claim);
  }
  return out;
}

type Test = CompiledRuntime['rules'][number]['test'];

/** A test's answer and what its leaves said they lacked (null when asked without a recorder). */
function answer(test: Test, ctx: ClaimContext, line: number | undefined, record: boolean): [number, string[] | null] {
  if (!record) return [test(ctx, line, line), null];
  const names: string[] = [];
  const m = { add: (fn: (c: ClaimContext, l: number | undefined, o: number | undefined) => string, l: number | undefined, o: number | undefined) => names.push(fn(ctx, l, o)) };
  return [test(ctx, line, line, m as never), names];
}

/** Where the two runtimes part, on a claim: undefined when they agree on every rule and line. */
function disagreement(gen: CompiledRuntime, clo: CompiledRuntime, claim: Claim): string | undefined {
  // Each its own context: facts memoize per claim, and neither may see the other's memo.
  const cg = makeContext(gen.prepared, claim);
  const cc = makeContext(clo.prepared, claim);
  for (let k = 0; k < gen.rules.length; k++) {
    const lines = gen.rules[k]!.line ? claim.lines.map((_, i) => i) : [undefined];
    for (const line of lines) {
      for (const record of [true, false]) {
        const a = answer(gen.rules[k]!.test, cg, line, record);
        const b = answer(clo.rules[k]!.test, cc, line, record);
        if (JSON.stringify(a) !== JSON.stringify(b)) return `${gen.rules[k]!.rule.name} line ${line}: generated ${JSON.stringify(a)}, closures ${JSON.stringify(b)}`;
      }
    }
  }
  return undefined;
}

const pair = (rs: CompiledRuleset) => ({ gen: prepareCompiled(rs, tables), clo: prepareCompiled(rs, tables, { generate: false }) });

describe('generated rules', () => {
  it('are generated in Node, never in a browser page or worker (whose security policy may forbid it)', () => {
    expect(mayGenerate(globalThis)).toBe(true);
    expect(mayGenerate({ document: {} })).toBe(false);
    expect(mayGenerate({ WorkerGlobalScope: function WorkerGlobalScope() {} })).toBe(false);
  });

  it('are generated here (Node allows it), so the tests below compare two different things', () => {
    const { gen, clo } = pair(rulesets[0]!);
    expect(gen.rules[0]!.test.name).toMatch(/^rule_/);
    expect(clo.rules[0]!.test.name).not.toMatch(/^rule_/);
  });

  it(`every shipped rule answers as its closure does on ${CLAIMS} generated claims (lines on one or several dates)`, () => {
    const claims = validClaims(CLAIMS, 20261203);
    const runtimes = rulesets.map(pair);
    for (const claim of claims) {
      for (const { gen, clo } of runtimes) expect(disagreement(gen, clo, claim), claim.id).toBeUndefined();
    }
  });

  it('the generated runner fires and leaves undecided what the rule loop does, in the same order', () => {
    const claims = validClaims(Math.min(CLAIMS, 800), 99);
    const runtimes = rulesets.map(pair);
    const outcome = (rt: CompiledRuntime, claim: Claim, lines: number[], claimRules: boolean) => {
      const res: RunResult = runCompiled(rt, makeContext(rt.prepared, claim), lines, claimRules, false);
      return [res.fired.map((f) => [f.rule.name, f.line]), res.unknown.map((f) => [f.rule.name, f.line, [...(f.missing ?? [])]])];
    };
    let fired = 0;
    for (const claim of claims) {
      const all = claim.lines.map((_, i) => i);
      for (const { gen, clo } of runtimes) {
        expect(gen.runner, 'a runner is generated').toBeDefined();
        expect(clo.runner).toBeUndefined();
        for (const [lines, claimRules] of [[all, true], [all.slice(1), false]] as const) {
          const a = outcome(gen, claim, [...lines], claimRules);
          expect(a, claim.id).toEqual(outcome(clo, claim, [...lines], claimRules));
          fired += a[0]!.length;
        }
      }
    }
    expect(fired).toBeGreaterThan(claims.length);
  });

  it('read as plain JavaScript: a field, an inline operator and what a missing value lacks', () => {
    const rs = rulesets.find((r) => r.ruleset.id === 'medicare-part-b')!;
    const c: Condition = {
      all: [
        { name: 'c1', fact: 'field', params: { field: 'line.units' }, operator: 'gt', value: 1 },
        { name: 'c2', fact: 'field', params: { field: 'line.modifiers' }, operator: 'hasNone', value: ['GO', 'GP'] },
      ],
    };
    const { source } = generateSource(prepareCompiled(rs).prepared, { fact: () => () => undefined, lacks: () => () => '' }, c, 'R-1');
    expect(source).toBe(
      [
        'return function rule_R_1(ctx, i, o, m) {',
        'let r = 2, v0, v2, v3;',
        'r = 1; v1: {',
        'v2 = (i === undefined ? undefined : ctx.claim.lines[i]?.["units"]);',
        "if (v2 === undefined) { if (m) m.add(X[0], i, o); v0 = 2; } else v0 = (typeof v2 === 'number' && v2 > 1 && Number.isFinite(v2)) ? 1 : 0;",
        'if (v0 === 0) { r = 0; break v1; }',
        'if (v0 === 2) r = 2;',
        'v3 = (i === undefined ? undefined : ctx.claim.lines[i]?.["modifiers"]);',
        'if (v3 === undefined) { if (m) m.add(X[1], i, o); v0 = 2; } else v0 = !(Array.isArray(v3) && (v3.includes("GO") || v3.includes("GP"))) ? 1 : 0;',
        'if (v0 === 0) { r = 0; break v1; }',
        'if (v0 === 2) r = 2;',
        '}',
        'return r;',
        '};',
      ].join('\n'),
    );
  });

  it('writes nothing a ruleset says as code: hostile strings stay strings, unknown operators stay data', () => {
    const rs = rulesets.find((r) => r.ruleset.id === 'medicare-part-b')!;
    const hostile = '"); globalThis.PWNED = 1; ("';
    const c: Condition = {
      any: [
        { name: 'h1', fact: 'field', params: { field: 'line.code' }, operator: 'eq', value: hostile },
        { name: 'h2', fact: 'field', params: { field: hostile }, operator: 'eq', value: 1 },
        { name: 'h3', fact: 'expr', params: { expr: { arith: '+ (globalThis.PWNED = 1) +' as '+', left: { lit: 1 }, right: { lit: 2 } } }, operator: 'eq', value: 3 },
        { name: 'h4', fact: 'field', params: { field: 'line.modifiers' }, operator: 'hasAny', value: [hostile] },
      ],
    };
    const ruleset: CompiledRuleset = { ...rs, rules: [{ ...rs.rules[0]!, name: `R${hostile}`, conditions: c, event: { ...rs.rules[0]!.event, params: { ...rs.rules[0]!.event.params, scope: 'line' } } }] };
    const { gen, clo } = pair(ruleset);
    expect(gen.rules[0]!.test.name).toMatch(/^rule_R/);
    for (const claim of validClaims(50, 3)) expect(disagreement(gen, clo, claim)).toBeUndefined();
    expect((globalThis as { PWNED?: number }).PWNED).toBeUndefined();
  });

  // Random trees of random leaves: every catalog field (read at the line or the outer line), every
  // operator with literal values of each kind, set names known and unknown, facts compared with
  // facts, and `all`/`any`/`not` nested, empty lists included.
  const rs = rulesets.find((r) => r.ruleset.id === 'medicare-part-b' && r.ruleset.version === '2026.1')!;
  const setNames = [...Object.keys(rs.codeSets).slice(0, 6), 'no-such-set'];
  const value = fc.oneof(
    fc.constantFrom<unknown>(0, 1, 2, 15, -1, 20089, 'GO', 'GP', 'PT', 'OT', '97110', '11', '02', true, false, null, '', ['GO'], ['GO', 'GP', 'GN'], [], ['KX', 'CQ'], ['M54.50']),
    fc.constantFrom(...setNames).map((set) => ({ set })),
    fc.constantFrom(...FIELDS.map((f) => f.path)).map((field) => ({ fact: 'field', params: { field } })),
    fc.constantFrom<unknown>(Number.NaN, 1.5, '2026-01-01'),
  );
  const otherFacts = ['unitsAllowed', 'unitsExpected', 'unitsUnverifiable', 'addonWithoutPrimary', 'assistantNeeded', 'ncciBundled', 'mueOver', 'invalidCode', 'invalidDiagnoses'];
  // Date windows are built by the compiler as [from, through] pairs; nothing else reaches these operators.
  const WINDOWS_OPS = new Set<string>(['inWindows', 'notInWindows']);
  const WINDOWS = [[20000, 20500], [20600, null]];
  const fieldArb = fc.constantFrom(...FIELDS.map((f) => f.path));
  const { node: tree } = fc.letrec<{ node: Condition; leaf: Condition; expr: ExprData }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom<unknown>(0, 1, 30, -2, 'GO', null, true).map((v) => ({ lit: v })),
      fc.record({ field: fieldArb, outer: fc.boolean() }).map(({ field, outer }) => (outer ? { field, outer: true as const } : { field })),
      fc
        .record({ arith: fc.constantFrom('+', '-', '*', '/'), left: tie('expr'), right: tie('expr'), unit: fc.constantFrom(undefined, 'days', 'months') })
        .map(({ unit, ...e }) => (unit ? { ...e, unit } : e) as ExprData),
      fc
        .record({
          agg: fc.constantFrom('count', 'sum', 'max', 'min'),
          over: fc.constantFrom('lines', 'visits', 'line.units', 'line.minutes', 'line.dateOfService', 'line.code', 'claim.diagnoses', 'line.diagnosisPointers', 'line.modifiers', 'line.diagnoses'),
          where: fc.option(tie('node'), { nil: undefined }),
          per: fc.option(fc.constant('day' as const), { nil: undefined }),
        })
        .map(({ where, per, ...e }) => ({ ...e, ...(where ? { where } : {}), ...(per ? { per } : {}) }) as ExprData),
    ),
    leaf: fc.oneof(
      fc
        .record({
          fact: fc.oneof(
            { weight: 4, arbitrary: fc.record({ field: fieldArb, outer: fc.boolean() }).map(({ field, outer }) => ({ fact: 'field', params: outer ? { field, outer: true } : { field } })) },
            { weight: 1, arbitrary: fc.constantFrom(...otherFacts).map((fact) => ({ fact, params: { table: 'cms-ncci-ptp' } })) },
          ),
          operator: fc.constantFrom(...(Object.keys(OPERATORS) as OperatorName[])),
          value,
        })
        .map(({ fact, operator, value: v }) => ({ name: 'leaf', ...fact, operator, value: WINDOWS_OPS.has(operator) ? WINDOWS : v }) as Condition),
      fc
        .record({ expr: tie('expr'), operator: fc.constantFrom<OperatorName>('eq', 'ne', 'gt', 'le', 'present', 'missing', 'hasAny'), value: fc.oneof(value, tie('expr').map((expr) => ({ fact: 'expr', params: { expr } }))) })
        .map(({ expr, operator, value: v }) => ({ name: 'expr-leaf', fact: 'expr', params: { expr }, operator, value: v }) as Condition),
    ),
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('leaf'),
      fc.array(tie('node'), { maxLength: 4 }).map((all) => ({ all })),
      fc.array(tie('node'), { maxLength: 4 }).map((any) => ({ any })),
      tie('node').map((not) => ({ not })),
    ),
  }));

  it('random condition trees answer as their closures do, on every line of generated claims', () => {
    const claims = validClaims(60, 7, 1);
    fc.assert(
      fc.property(tree, (c) => {
        const ruleset: CompiledRuleset = { ...rs, rules: [{ ...rs.rules[0]!, name: 'RANDOM', conditions: { all: [c] }, event: { ...rs.rules[0]!.event, params: { ...rs.rules[0]!.event.params, scope: 'line' } } }] };
        const { gen, clo } = pair(ruleset);
        for (const claim of claims) {
          const d = disagreement(gen, clo, claim);
          if (d) throw new Error(`${d}\n${JSON.stringify(c)}`);
        }
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 300) },
    );
  });
});
