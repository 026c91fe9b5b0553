// The compiled runtime (default): each compiled rule's conditions turned once into plain closures.
// Same operators and facts as the json-rules-engine runtime; no promises, no JSON paths. Closures
// take (context, line, outer): `outer` is the line the rule checks (for `this.` and `per day`).
import type { CompiledRule, CompiledRuleset, Condition, ExprData } from './compiled.ts';
import { describeExpr, evalExpr, prepare, resolveValue, type ClaimContext, type Prepared } from './context.ts';
import { FACT_IMPLS, lackedName } from './facts.ts';
import { setMatcher, type FactName, type OperatorName } from './operator-catalog.ts';
import { sourceOf, withholdPhi, type ConditionTrace, type Fired, type RuleTrace } from './report.ts';
import { FIELD_BY_PATH } from './field-catalog.ts';
import type { TableProvider } from './tables.ts';
import { generateRunner, generateTest, type Fallbacks, type Runner } from './codegen.ts';

/**
 * A condition in three values: 0 false, 1 true, 2 unknown (a value it needed is missing). Given
 * `missing`, a leaf that answers 2 notes what it lacked; the names (context.ts `evalCondition3`'s,
 * so "not checked" reads the same whichever runtime ran the rule) are made only for rules that end
 * unknown.
 */
type Test = (ctx: ClaimContext, line: number | undefined, outer: number | undefined, missing?: Lacking) => 0 | 1 | 2;
type LackFn = (ctx: ClaimContext, line: number | undefined, outer: number | undefined) => string;

/** What the leaves of one test lacked, noted without allocating (reset per test). */
class Lacking {
  n = 0;
  readonly fns: LackFn[] = [];
  readonly lines: (number | undefined)[] = [];
  readonly outers: (number | undefined)[] = [];
  add(fn: LackFn, line: number | undefined, outer: number | undefined): void {
    this.fns[this.n] = fn;
    this.lines[this.n] = line;
    this.outers[this.n] = outer;
    this.n++;
  }
  /**
   * The names for a rule that ended unknown. One name, or the rule's last ones (a claim field missing
   * for every line of a line rule, most often), reuse the rule's set: no set and no reason is made
   * again per line or claim. The sets are never changed once made.
   */
  namesFor(r: CompiledRuleFn, ctx: ClaimContext): ReadonlySet<string> {
    const n = this.n;
    // (The scratch list keeps its length: only its first n are this rule's.)
    const now = this.scratch;
    for (let k = 0; k < n; k++) now[k] = this.fns[k]!(ctx, this.lines[k], this.outers[k]);
    // One name, the most common outcome: the rule's set of it, made once (a rule lacks few names).
    if (n === 1) {
      const name = now[0]!;
      const byName = (r.byName ??= new Map());
      let set = byName.get(name);
      if (!set) {
        set = new Set([name]);
        if (byName.size < 64) byName.set(name, set);
      }
      return set;
    }
    const last = r.lastList;
    if (last && last.length === n) {
      let same = true;
      for (let k = 0; k < n && same; k++) same = last[k] === now[k];
      if (same) return r.lastNames!;
    }
    const list = now.slice(0, n);
    r.lastList = list;
    return (r.lastNames = new Set(list));
  }
  private readonly scratch: string[] = [];
}

type Value = (ctx: ClaimContext, line: number | undefined, outer: number | undefined) => unknown;

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** An expression as a closure; the same meaning as context.ts `evalExpr`, decided once. */
function compileExpr(p: Prepared, e: ExprData): Value {
  if ('lit' in e) {
    const v = e.lit;
    return () => v;
  }
  if ('field' in e) return fieldReader(e.field, !!e.outer) ?? (() => undefined);
  if ('arith' in e) {
    // Dates with months, and anything unusual, go through the shared interpreter.
    if (e.unit === 'months') return (ctx, i, o) => evalExpr(ctx, e, i, o);
    const l = compileExpr(p, e.left);
    const r = compileExpr(p, e.right);
    const op = e.arith;
    return (ctx, i, o) => {
      const a = l(ctx, i, o);
      const b = r(ctx, i, o);
      if (!isNum(a) || !isNum(b)) return undefined;
      return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : b === 0 ? undefined : a / b;
    };
  }
  const f = FIELD_BY_PATH.get(e.over);
  if (e.over === 'visits') {
    // Visits: the distinct dates of the lines kept (on the checked line's date with `per day`).
    const where = e.where ? compileCondition(p, e.where) : undefined;
    const perDay = e.per === 'day';
    return (ctx, _i, o) => {
      const day = perDay && o !== undefined ? ctx.days[o] : undefined;
      const seen: number[] = [];
      const n = ctx.claim.lines.length;
      for (let j = 0; j < n; j++) {
        const d = ctx.days[j]!;
        if (day !== undefined && d !== day) continue;
        if (where && where(ctx, j, o) !== 1) continue;
        if (!seen.includes(d)) seen.push(d);
      }
      return seen.length;
    };
  }
  const overLines = e.over === 'lines' || (f !== undefined && f.scope === 'line' && !f.type.startsWith('list<'));
  if (!overLines) {
    // An aggregate over a list field of the claim or the line (`count(claim.diagnoses)`).
    const list = fieldReader(e.over, false);
    if (!list) return (ctx, i, o) => evalExpr(ctx, e, i, o);
    const agg = e.agg;
    return (ctx, i, o) => {
      const v = list(ctx, i, o);
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
  // `where` keeps the lines its condition holds for (unknown is not kept), as evalExpr does;
  // `per day` keeps the lines on the checked line's date of service.
  const where = e.where ? compileCondition(p, e.where) : undefined;
  const read = e.over === 'lines' ? undefined : fieldReader(e.over, false);
  const agg = e.agg;
  const perDay = e.per === 'day';
  return (ctx, _i, o) => {
    let count = 0;
    let sum = 0;
    let best: number | undefined;
    const day = perDay && o !== undefined ? ctx.days[o] : undefined;
    const n = ctx.claim.lines.length;
    for (let j = 0; j < n; j++) {
      if (day !== undefined && ctx.days[j] !== day) continue;
      if (where && where(ctx, j, o) !== 1) continue;
      count++;
      if (!read) continue;
      const v = read(ctx, j, o);
      if (!isNum(v)) continue;
      sum += v;
      if (best === undefined || (agg === 'max' ? v > best : v < best)) best = v;
    }
    return agg === 'count' ? count : agg === 'sum' ? sum : best;
  };
}

function fieldReader(path: string, outer: boolean): Value | undefined {
  const field = FIELD_BY_PATH.get(path);
  if (!field) return undefined;
  const get = field.get;
  // Dates of service are parsed once per claim (ctx.days, ctx.claimDay): the same day numbers the
  // catalog's readers give for a validated claim.
  if (path === 'claim.dateOfService') return (ctx) => ctx.claimDay;
  if (path === 'line.dateOfService') return outer ? (ctx, _i, o) => (o === undefined ? undefined : ctx.days[o]) : (ctx, i) => (i === undefined ? undefined : ctx.days[i]);
  if (field.scope !== 'line') return (ctx, i) => get(ctx.claim, undefined, i ?? -1);
  return outer ? (ctx, _i, o) => (o === undefined ? undefined : get(ctx.claim, ctx.claim.lines[o], o)) : (ctx, i) => (i === undefined ? undefined : get(ctx.claim, ctx.claim.lines[i], i));
}

/** A fact of a condition as a closure: fields and expressions compiled, other facts from the table. */
function compileFact(p: Prepared, fact: FactName, params: Record<string, unknown>): Value {
  if (fact === 'field') {
    const r = fieldReader(String(params['field']), !!params['outer']);
    if (r) return r;
  }
  if (fact === 'expr') return compileExpr(p, params['expr'] as ExprData);
  const impl = FACT_IMPLS[fact];
  return (ctx, i, o) => impl(ctx, i, params, o);
}

/** Operators whose answer does not depend on the value being known (context.ts TOTAL_OPERATORS). */
const TOTAL = new Set(['present', 'missing']);

/** A condition as a three-valued closure; the same meaning as context.ts `evalCondition3`. */
function compileCondition(p: Prepared, c: Condition): Test {
  if ('all' in c) {
    const parts = c.all.map((x) => compileCondition(p, x));
    if (parts.length === 1) return parts[0]!;
    return (ctx, i, o, m) => {
      let r: 0 | 1 | 2 = 1;
      for (const t of parts) {
        const x = t(ctx, i, o, m);
        if (x === 0) return 0;
        if (x === 2) r = 2;
      }
      return r;
    };
  }
  if ('any' in c) {
    const parts = c.any.map((x) => compileCondition(p, x));
    if (parts.length === 0) return () => 1;
    return (ctx, i, o, m) => {
      let r: 0 | 1 | 2 = 0;
      for (const t of parts) {
        const x = t(ctx, i, o, m);
        if (x === 1) return 1;
        if (x === 2) r = 2;
      }
      return r;
    };
  }
  if ('not' in c) {
    const inner = compileCondition(p, c.not);
    return (ctx, i, o, m) => {
      const x = inner(ctx, i, o, m);
      return x === 2 ? 2 : x === 1 ? 0 : 1;
    };
  }
  const op = p.ops[c.operator as OperatorName];
  const params = c.params ?? {};
  const fact = compileFact(p, c.fact as FactName, params);
  const lacks = missingName(c.fact, params);
  const v = c.value;
  const total = TOTAL.has(c.operator);
  // Set membership binds the set's matcher once, instead of looking the set up per test.
  const setName = (v as { set?: unknown } | null)?.set;
  if ((c.operator === 'inSet' || c.operator === 'notInSet') && typeof setName === 'string') {
    const has = setMatcher(p.rs, setName);
    const want = c.operator === 'inSet';
    return (ctx, i, o, m) => {
      const x = fact(ctx, i, o);
      if (x === undefined) {
        if (m) m.add(lacks, i, o);
        return 2;
      }
      return typeof x === 'string' && has(x) === want ? 1 : 0;
    };
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { fact?: unknown }).fact === 'string') {
    const refFact = (v as { fact: FactName }).fact;
    const refParams = (v as { params?: Record<string, unknown> }).params ?? {};
    const rf = compileFact(p, refFact, refParams);
    const refLacks = missingName(refFact, refParams);
    return (ctx, i, o, m) => {
      const a = fact(ctx, i, o);
      if (a === undefined && !total && !m) return 2;
      const b = rf(ctx, i, o);
      if (!total && (a === undefined || b === undefined)) {
        if (m && a === undefined) m.add(lacks, i, o);
        if (m && b === undefined) m.add(refLacks, i, o);
        return 2;
      }
      return op(a, b) ? 1 : 0;
    };
  }
  if (total) return (ctx, i, o) => (op(fact(ctx, i, o), v) ? 1 : 0);
  return (ctx, i, o, m) => {
    const a = fact(ctx, i, o);
    if (a === undefined) {
      if (m) m.add(lacks, i, o);
      return 2;
    }
    return op(a, v) ? 1 : 0;
  };
}

/** How a missing value of a fact is named in "not checked" (as context.ts `evalCondition3` names it). */
function missingName(fact: string, params: Record<string, unknown>): LackFn {
  if (fact === 'field') {
    const name = String(params['field']);
    return () => name;
  }
  if (fact === 'expr') return (ctx, i, o) => describeExpr(ctx, params['expr'] as ExprData, i, o);
  return (ctx, i) => lackedName(ctx, fact, i);
}

interface CompiledRuleFn {
  rule: CompiledRule;
  test: Test;
  line: boolean;
  /** The names of the rule's last unknown outcome, as listed and as a set (see Lacking.namesFor). */
  lastList?: string[];
  lastNames?: ReadonlySet<string>;
  /** The rule's sets of one name, by the name. */
  byName?: Map<string, ReadonlySet<string>>;
}

export interface CompiledRuntime {
  prepared: Prepared;
  rules: CompiledRuleFn[];
  /** Which line rules can hold for a procedure code (see `codeGuard`), by code. */
  applies: (code: string) => Uint8Array;
  /** Scratch for the leaves' lacks, reused by every run (runs are synchronous and never nested). */
  lacking: Lacking;
  /** Every rule run in one generated function (engine/codegen.ts), where code may be generated: runs without traces use it. */
  runner?: Runner;
}

/**
 * The test a line's code must pass for a line rule to hold at all: the first leaf of the rule's
 * top-level `all` (or the rule's only leaf) when it tests `line.code` (`in`, `not in`, `=`, `!=`).
 * A line whose code fails it makes the whole `all` false, and the rule's closure would stop there
 * (codes are required strings, so the leaf is never unknown): the rule is not run on that line.
 * Only the first leaf: a later one would come after leaves that may have run (and, for table
 * facts, recorded the releases the report lists).
 */
function codeGuard(p: Prepared, c: Condition): ((code: string) => boolean) | undefined {
  // The first leaf evaluated: through nested `all`s (`all(all(line.code in treatment, …))`).
  let x: Condition | undefined = c;
  while (x && 'all' in x) x = x.all[0];
  if (!x || !('fact' in x) || x.fact !== 'field' || x.params?.['field'] !== 'line.code' || x.params?.['outer']) return undefined;
  const value = x.value;
  const setName = (value as { set?: unknown } | null)?.set;
  if ((x.operator === 'inSet' || x.operator === 'notInSet') && typeof setName === 'string') {
    const has = setMatcher(p.rs, setName);
    return x.operator === 'inSet' ? has : (code) => !has(code);
  }
  if (x.operator === 'eq' && typeof value === 'string') return (code) => code === value;
  if (x.operator === 'ne' && typeof value === 'string') return (code) => code !== value;
  return undefined;
}

export interface CompiledOptions {
  /**
   * Whether each rule's test is generated as one JavaScript function (engine/codegen.ts: same
   * answers, faster) where the environment allows it; otherwise, or with false, closures.
   */
  generate?: boolean;
}

export function prepareCompiled(rs: CompiledRuleset, tables?: TableProvider, opts: CompiledOptions = {}): CompiledRuntime {
  const prepared = prepare(rs, tables);
  const fb: Fallbacks = { fact: (fact, params) => compileFact(prepared, fact, params) as ReturnType<Fallbacks['fact']>, lacks: missingName };
  const testOf = (rule: CompiledRule): Test =>
    (opts.generate !== false ? (generateTest(prepared, fb, rule.conditions, rule.name) as Test | undefined) : undefined) ?? compileCondition(prepared, rule.conditions);
  const rules: CompiledRuleFn[] = rs.rules.map((rule) => ({ rule, test: testOf(rule), line: rule.event.params.scope === 'line' }));
  const guards = rules.map((r) => (r.line ? codeGuard(prepared, r.rule.conditions) : undefined));
  // Per code, 1 where the rule may hold: one lookup per line instead of a set test per rule.
  const byCode = new Map<string, Uint8Array>();
  const applies = (code: string): Uint8Array => {
    let a = byCode.get(code);
    if (!a) {
      a = new Uint8Array(rules.length);
      for (let k = 0; k < rules.length; k++) a[k] = guards[k] === undefined || guards[k]!(code) ? 1 : 0;
      if (byCode.size > 20_000) byCode.clear();
      byCode.set(code, a);
    }
    return a;
  };
  const runner = opts.generate !== false ? generateRunner(rules) : undefined;
  return runner ? { prepared, rules, applies, lacking: new Lacking(), runner } : { prepared, rules, applies, lacking: new Lacking() };
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
  const actual = FACT_IMPLS[c.fact as FactName](ctx, line, c.params ?? {}, line);
  const expected = resolveValue(ctx, c.value, line);
  const result = ctx.p.ops[c.operator as OperatorName](actual, expected);
  const t: ConditionTrace = { name: c.name, fact: c.fact, operator: c.operator, expected, actual, result };
  if (c.params) t.params = c.params;
  const src = sourceOf(ctx.p.rs, c.name);
  if (src) t.source = src;
  out.push(withholdPhi(t, c.value));
  return result;
}

/** What the runtimes return: rules that fired, rules that could not be decided, and traces. */
export interface RunResult {
  fired: Fired[];
  /** Rules whose condition needed a value the claim lacks (reported as not checked). */
  unknown: Fired[];
  traces?: RuleTrace[];
}

/**
 * Runs the rules on a claim: line rules on `lines` (the lines judged under this version), claim
 * rules when `claimRules`. A rule fires when its condition is true; when it depends on a missing
 * value it is "unknown". Results come in rule order, then line order.
 */
export function runCompiled(rt: CompiledRuntime, ctx: ClaimContext, lines: readonly number[], claimRules: boolean, explain: boolean): RunResult {
  const fired: Fired[] = [];
  const unknown: Fired[] = [];
  const traces: RuleTrace[] | undefined = explain ? [] : undefined;
  const lacking = rt.lacking;
  const applies = lines.map((i) => rt.applies(ctx.claim.lines[i]!.code));
  if (rt.runner && !traces) {
    rt.runner(ctx, lines, claimRules, applies, fired, unknown, lacking as never);
    return { fired, unknown };
  }
  for (let ri = 0; ri < rt.rules.length; ri++) {
    const r = rt.rules[ri]!;
    if (!r.line && !claimRules) continue;
    const count = r.line ? lines.length : 1;
    for (let k = 0; k < count; k++) {
      const line = r.line ? lines[k] : undefined;
      // A line whose code the rule's guard rules out: false without running it (traced as usual).
      if (r.line && applies[k]![ri] === 0) {
        if (traces) trace(ctx, r, line, 0, traces);
        continue;
      }
      lacking.n = 0;
      const x = r.test(ctx, line, line, lacking);
      if (x === 1) fired.push({ rule: r.rule, line });
      else if (x === 2) unknown.push({ rule: r.rule, line, missing: lacking.namesFor(r, ctx) });
      if (traces) trace(ctx, r, line, x, traces);
    }
  }
  return traces ? { fired, unknown, traces } : { fired, unknown };
}

function trace(ctx: ClaimContext, r: CompiledRuleFn, line: number | undefined, x: 0 | 1 | 2, traces: RuleTrace[]): void {
  const conditions: ConditionTrace[] = [];
  traceConditions(ctx, r.rule.conditions, line, conditions);
  const t: RuleTrace = { rule: r.rule.name, fired: x === 1, conditions };
  if (line !== undefined) t.line = line + 1;
  traces.push(t);
}
