// The compiled runtime (default): each compiled rule's conditions turned once into plain closures.
// Same operators and facts as the json-rules-engine runtime; no promises, no JSON paths.
import type { CompiledRule, CompiledRuleset, Condition, ExprData } from './compiled.ts';
import { FACT_IMPLS, evalExpr, makeContext, prepareOperators, resolveValue, type ClaimContext, type Prepared } from './context.ts';
import { setMatcher, type FactName, type OperatorName } from './operator-catalog.ts';
import { buildReport, sourceOf, withholdPhi, type ClaimReport, type ConditionTrace, type Fired, type RuleTrace } from './report.ts';
import type { Claim } from './claim-schema.ts';
import { FIELD_BY_PATH } from './field-catalog.ts';

type Test = (ctx: ClaimContext, line: number | undefined) => boolean;
type Value = (ctx: ClaimContext, line: number | undefined) => unknown;

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** An expression as a closure; the same meaning as context.ts `evalExpr`, decided once. */
function compileExpr(p: Prepared, e: ExprData): Value {
  if ('lit' in e) {
    const v = e.lit;
    return () => v;
  }
  if ('field' in e) return fieldReader(e.field) ?? (() => undefined);
  if ('arith' in e) {
    // Dates with months, and anything unusual, go through the shared interpreter.
    if (e.unit === 'months') return (ctx, i) => evalExpr(ctx, e, i);
    const l = compileExpr(p, e.left);
    const r = compileExpr(p, e.right);
    const op = e.arith;
    return (ctx, i) => {
      const a = l(ctx, i);
      const b = r(ctx, i);
      if (!isNum(a) || !isNum(b)) return undefined;
      return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : b === 0 ? undefined : a / b;
    };
  }
  const f = FIELD_BY_PATH.get(e.over);
  const overLines = e.over === 'lines' || (f !== undefined && f.scope === 'line' && !f.type.startsWith('list<'));
  if (!overLines) {
    // An aggregate over a list field of the claim or the line (`count(claim.diagnoses)`).
    const list = fieldReader(e.over);
    if (!list) return (ctx, i) => evalExpr(ctx, e, i);
    const agg = e.agg;
    return (ctx, i) => {
      const v = list(ctx, i);
      const xs = Array.isArray(v) ? v : [];
      if (agg === 'count') return xs.length;
      let sum = 0;
      let best: number | undefined;
      for (const x of xs) {
        if (!isNum(x)) continue;
        sum += x;
        if (best === undefined || (agg === 'max' ? x > best : x < best)) best = x;
      }
      return agg === 'sum' ? sum : best;
    };
  }
  const where = e.where ? compileCondition(p, e.where) : undefined;
  const read = e.over === 'lines' ? undefined : fieldReader(e.over);
  const agg = e.agg;
  return (ctx) => {
    let count = 0;
    let sum = 0;
    let best: number | undefined;
    const n = ctx.claim.lines.length;
    for (let j = 0; j < n; j++) {
      if (where && !where(ctx, j)) continue;
      count++;
      if (!read) continue;
      const v = read(ctx, j);
      if (!isNum(v)) continue;
      sum += v;
      if (best === undefined || (agg === 'max' ? v > best : v < best)) best = v;
    }
    return agg === 'count' ? count : agg === 'sum' ? sum : best;
  };
}

function fieldReader(path: string): Value | undefined {
  const field = FIELD_BY_PATH.get(path);
  if (!field) return undefined;
  const get = field.get;
  return field.scope === 'line' ? (ctx, i) => (i === undefined ? undefined : get(ctx.claim, ctx.claim.lines[i], i)) : (ctx, i) => get(ctx.claim, undefined, i ?? -1);
}

/** A fact of a condition as a closure: fields and expressions compiled, other facts from the table. */
function compileFact(p: Prepared, fact: FactName, params: Record<string, unknown>): Value {
  if (fact === 'field') {
    const r = fieldReader(String(params['field']));
    if (r) return r;
  }
  if (fact === 'expr') return compileExpr(p, params['expr'] as ExprData);
  const impl = FACT_IMPLS[fact];
  return (ctx, i) => impl(ctx, i, params);
}

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
  const fact = compileFact(p, c.fact as FactName, params);
  const v = c.value;
  // Set membership binds the set's matcher once, instead of looking the set up per test.
  const setName = (v as { set?: unknown } | null)?.set;
  if ((c.operator === 'inSet' || c.operator === 'notInSet') && typeof setName === 'string') {
    const has = setMatcher(p.rs, setName);
    return c.operator === 'inSet'
      ? (ctx, i) => {
          const x = fact(ctx, i);
          return typeof x === 'string' && has(x);
        }
      : (ctx, i) => {
          const x = fact(ctx, i);
          return typeof x === 'string' && !has(x);
        };
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { fact?: unknown }).fact === 'string') {
    const rf = compileFact(p, (v as { fact: FactName }).fact, (v as { params?: Record<string, unknown> }).params ?? {});
    return (ctx, i) => op(fact(ctx, i), rf(ctx, i));
  }
  return (ctx, i) => op(fact(ctx, i), v);
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
  out.push(withholdPhi(t, c.value));
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
