// The reference runtime: json-rules-engine itself, with the project's operators and facts
// registered. Slower (promises, an almanac per run), and the yardstick the compiled runtime is
// proved against.
import { Engine, type RuleResult } from 'json-rules-engine';
import type { Claim } from './claim-schema.ts';
import type { CompiledRule, CompiledRuleset } from './compiled.ts';
import { evalCondition3, prepare, type ClaimContext, type Prepared } from './context.ts';
import type { RunResult } from './runtime-compiled.ts';
import { FACT_IMPLS } from './facts.ts';
import { FACTS, type FactName } from './operator-catalog.ts';
import { sourceOf, withholdPhi, type ConditionTrace, type Fired, type RuleTrace } from './report.ts';
import type { TableProvider } from './tables.ts';

export interface JreRuntime {
  prepared: Prepared;
  claimEngine: Engine;
  lineEngine: Engine;
  byName: Map<string, CompiledRule>;
  /** The last run queued on these engines (see runJre). */
  last: Promise<unknown>;
}

export const CTX = '__payerRulesContext';
export const LINE = '__payerRulesLine';

function makeEngine(p: Prepared, rules: CompiledRule[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true, replaceFactsInEventParams: false });
  for (const [name, fn] of Object.entries(p.ops)) engine.addOperator(name, fn);
  for (const name of Object.keys(FACTS) as FactName[]) {
    // No fact cache: json-rules-engine keys it by a hash of the params, and two different
    // expressions can hash alike (one rule then reads the other's value). The facts are cheap.
    engine.addFact(
      name,
      async (params, almanac) => {
        const ctx = (await almanac.factValue(CTX)) as ClaimContext;
        const line = (await almanac.factValue(LINE)) as number;
        const l = line < 0 ? undefined : line;
        return FACT_IMPLS[name](ctx, l, (params ?? {}) as Record<string, unknown>, l);
      },
      { cache: false },
    );
  }
  for (const r of rules) engine.addRule(structuredClone(r) as never);
  return engine;
}

export function prepareJre(rs: CompiledRuleset, tables?: TableProvider): JreRuntime {
  const prepared = prepare(rs, tables);
  return {
    prepared,
    claimEngine: makeEngine(prepared, rs.rules.filter((r) => r.event.params.scope !== 'line')),
    lineEngine: makeEngine(prepared, rs.rules.filter((r) => r.event.params.scope === 'line')),
    byName: new Map(rs.rules.map((r) => [r.name, r])),
    last: Promise.resolve(),
  };
}

interface JreCondition {
  name?: string;
  fact?: string;
  params?: Record<string, unknown>;
  operator?: string;
  value?: unknown;
  factResult?: unknown;
  valueResult?: unknown;
  result?: boolean;
  all?: JreCondition[];
  any?: JreCondition[];
  not?: JreCondition;
}

function collect(ctx: ClaimContext, c: JreCondition | undefined, out: ConditionTrace[]): void {
  if (!c) return;
  if (c.all) return c.all.forEach((x) => collect(ctx, x, out));
  if (c.any) return c.any.forEach((x) => collect(ctx, x, out));
  if (c.not) return collect(ctx, c.not, out);
  const isRef = c.value && typeof c.value === 'object' && !Array.isArray(c.value) && typeof (c.value as { fact?: unknown }).fact === 'string';
  const t: ConditionTrace = { name: c.name!, fact: c.fact!, operator: c.operator!, expected: isRef ? c.valueResult : c.value, actual: c.factResult, result: c.result === true };
  if (c.params) t.params = c.params;
  const src = sourceOf(ctx.p.rs, c.name!);
  if (src) t.source = src;
  out.push(withholdPhi(t, c.value));
}

/**
 * Runs the rules on a claim, as runCompiled does: line rules on `lines`, claim rules when
 * `claimRules`. One claim at a time per runtime: a json-rules-engine Engine is not reentrant (a run
 * that finishes marks the engine finished, and a run still going on it skips its remaining rules),
 * and batches evaluated side by side in one thread share these engines.
 */
export function runJre(rt: JreRuntime, ctx: ClaimContext, lines: readonly number[], claimRules: boolean, explain: boolean): Promise<RunResult> {
  const run = rt.last.then(() => runJreAlone(rt, ctx, lines, claimRules, explain));
  rt.last = run.catch(() => undefined);
  return run;
}

async function runJreAlone(rt: JreRuntime, ctx: ClaimContext, lines: readonly number[], claimRules: boolean, explain: boolean): Promise<RunResult> {
  const fired: Fired[] = [];
  const unknown: Fired[] = [];
  const traces: RuleTrace[] | undefined = explain ? [] : undefined;
  const take = (results: RuleResult[], line: number | undefined) => {
    for (const r of results) {
      const rule = rt.byName.get(String(r.name))!;
      // json-rules-engine answers in two values; a condition that hinged on a missing value is
      // neither fired nor passed: the shared three-valued evaluation says which it was.
      let ok = r.result === true;
      const three = evalCondition3(ctx, rule.conditions, line, new Set());
      if (three === undefined) {
        ok = false;
        unknown.push({ rule, line });
      } else if (three !== ok) throw new Error(`json-rules-engine and the three-valued evaluation disagree on ${rule.name}`);
      if (ok) fired.push({ rule, line });
      if (traces) {
        const conditions: ConditionTrace[] = [];
        collect(ctx, (r as unknown as { conditions: JreCondition }).conditions, conditions);
        const t: RuleTrace = { rule: rule.name, fired: ok, conditions };
        if (line !== undefined) t.line = line + 1;
        traces.push(t);
      }
    }
  };
  if (claimRules) {
    const claimRun = await rt.claimEngine.run({ [CTX]: ctx, [LINE]: -1 });
    take([...claimRun.results, ...claimRun.failureResults], undefined);
  }
  for (const i of lines) {
    const run = await rt.lineEngine.run({ [CTX]: ctx, [LINE]: i });
    take([...run.results, ...run.failureResults], i);
  }
  // Order results as the compiled runtime does: rule order, then line.
  const order = new Map(rt.prepared.rs.rules.map((r, i) => [r.name, i]));
  const byRule = (a: Fired, b: Fired) => order.get(a.rule.name)! - order.get(b.rule.name)! || (a.line ?? -1) - (b.line ?? -1);
  fired.sort(byRule);
  unknown.sort(byRule);
  return traces ? { fired, unknown, traces } : { fired, unknown };
}
