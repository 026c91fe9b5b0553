// The compiled runtime (default): each compiled rule's conditions turned once into plain closures.
// Same operators and facts as the json-rules-engine runtime; no promises, no JSON paths.
import type { CompiledRule, CompiledRuleset, Condition } from './compiled.ts';
import { FACT_IMPLS, makeContext, prepareOperators, resolveValue, type ClaimContext, type Prepared } from './context.ts';
import { setMatcher, type FactName, type OperatorName } from './operator-catalog.ts';
import { buildReport, sourceOf, type ClaimReport, type ConditionTrace, type Fired, type RuleTrace } from './report.ts';
import type { Claim } from './claim-schema.ts';
import { FIELD_BY_PATH } from './field-catalog.ts';

type Test = (ctx: ClaimContext, line: number | undefined) => boolean;

function compileCondition(p: Prepared, c: Condition): Test {
  if ('all' in c) {
    const parts = c.all.map((x) => compileCondition(p, x));
    if (parts.length === 1) return parts[0]!;
    return (ctx, i) => {
      for (const t of parts) if (!t(ctx, i)) return false;
      return true;
    };
  }
  if ('any' in c) {
    const parts = c.any.map((x) => compileCondition(p, x));
    if (parts.length === 0) return () => true;
    return (ctx, i) => {
      for (const t of parts) if (t(ctx, i)) return true;
      return false;
    };
  }
  if ('not' in c) {
    const inner = compileCondition(p, c.not);
    return (ctx, i) => !inner(ctx, i);
  }
  const op = p.ops[c.operator as OperatorName];
  const params = c.params ?? {};
  let fact = FACT_IMPLS[c.fact as FactName];
  // Plain fields are read straight from the claim, without the fact table's lookup.
  const field = c.fact === 'field' ? FIELD_BY_PATH.get(String(params['field'])) : undefined;
  if (field) {
    const get = field.get;
    fact = field.scope === 'line' ? (ctx, i) => (i === undefined ? undefined : get(ctx.claim, ctx.claim.lines[i], i)) : (ctx, i) => get(ctx.claim, undefined, i ?? -1);
  }
  const v = c.value;
  // Set membership binds the set's matcher once, instead of looking the set up per test.
  const setName = (v as { set?: unknown } | null)?.set;
  if ((c.operator === 'inSet' || c.operator === 'notInSet') && typeof setName === 'string') {
    const has = setMatcher(p.rs, setName);
    return c.operator === 'inSet'
      ? (ctx, i) => {
          const x = fact(ctx, i, params);
          return typeof x === 'string' && has(x);
        }
      : (ctx, i) => {
          const x = fact(ctx, i, params);
          return typeof x === 'string' && !has(x);
        };
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { fact?: unknown }).fact === 'string') {
    const rf = FACT_IMPLS[(v as { fact: FactName }).fact];
    const rp = (v as { params?: Record<string, unknown> }).params ?? {};
    return (ctx, i) => op(fact(ctx, i, params), rf(ctx, i, rp));
  }
  return (ctx, i) => op(fact(ctx, i, params), v);
}

interface CompiledRuleFn {
  rule: CompiledRule;
  test: Test;
  line: boolean;
}

export interface CompiledRuntime {
  prepared: Prepared;
  rules: CompiledRuleFn[];
}

export function prepareCompiled(rs: CompiledRuleset): CompiledRuntime {
  const prepared: Prepared = { rs, ops: prepareOperators(rs) };
  return { prepared, rules: rs.rules.map((rule) => ({ rule, test: compileCondition(prepared, rule.conditions), line: rule.event.params.scope === 'line' })) };
}

/** Traces a condition tree like json-rules-engine does: every leaf evaluated, results recorded. */
export function traceConditions(ctx: ClaimContext, c: Condition, line: number | undefined, out: ConditionTrace[]): boolean {
  if ('all' in c) {
    const rs = c.all.map((x) => traceConditions(ctx, x, line, out));
    return rs.every(Boolean);
  }
  if ('any' in c) {
    const rs = c.any.map((x) => traceConditions(ctx, x, line, out));
    return rs.length === 0 || rs.some(Boolean);
  }
  if ('not' in c) return !traceConditions(ctx, c.not, line, out);
  const actual = FACT_IMPLS[c.fact as FactName](ctx, line, c.params ?? {});
  const expected = resolveValue(ctx, c.value, line);
  const result = ctx.p.ops[c.operator as OperatorName](actual, expected);
  const t: ConditionTrace = { name: c.name, fact: c.fact, operator: c.operator, expected, actual, result };
  if (c.params) t.params = c.params;
  const src = sourceOf(ctx.p.rs, c.name);
  if (src) t.source = src;
  out.push(t);
  return result;
}

export function evaluateCompiled(rt: CompiledRuntime, claim: Claim, explain = false): ClaimReport {
  const ctx = makeContext(rt.prepared, claim);
  const fired: Fired[] = [];
  const traces: RuleTrace[] | undefined = explain ? [] : undefined;
  const n = claim.lines.length;
  for (const r of rt.rules) {
    const lines = r.line ? n : 1;
    for (let k = 0; k < lines; k++) {
      const line = r.line ? k : undefined;
      let ok: boolean;
      if (traces) {
        const conditions: ConditionTrace[] = [];
        ok = traceConditions(ctx, r.rule.conditions, line, conditions);
        const t: RuleTrace = { rule: r.rule.name, fired: ok, conditions };
        if (line !== undefined) t.line = line + 1;
        traces.push(t);
      } else ok = r.test(ctx, line);
      if (ok) fired.push({ rule: r.rule, line });
    }
  }
  return buildReport(ctx, fired, traces);
}
