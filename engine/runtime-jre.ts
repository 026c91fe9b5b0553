// The reference runtime: json-rules-engine itself, with the project's operators and facts
// registered. Slower (promises, an almanac per run), and the yardstick the compiled runtime is
// proved against.
import { Engine, type RuleResult } from 'json-rules-engine';
import type { Claim } from './claim-schema.ts';
import type { CompiledRule, CompiledRuleset } from './compiled.ts';
import { FACT_IMPLS, makeContext, prepareOperators, type ClaimContext, type Prepared } from './context.ts';
import { FACTS, type FactName } from './operator-catalog.ts';
import { buildReport, sourceOf, withholdPhi, type ClaimReport, type ConditionTrace, type Fired, type RuleTrace } from './report.ts';

export interface JreRuntime {
  prepared: Prepared;
  claimEngine: Engine;
  lineEngine: Engine;
  byName: Map<string, CompiledRule>;
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
        return FACT_IMPLS[name](ctx, line < 0 ? undefined : line, (params ?? {}) as Record<string, unknown>);
      },
      { cache: false },
    );
  }
  for (const r of rules) engine.addRule(structuredClone(r) as never);
  return engine;
}

export function prepareJre(rs: CompiledRuleset): JreRuntime {
  const prepared: Prepared = { rs, ops: prepareOperators(rs) };
  return {
    prepared,
    claimEngine: makeEngine(prepared, rs.rules.filter((r) => r.event.params.scope !== 'line')),
    lineEngine: makeEngine(prepared, rs.rules.filter((r) => r.event.params.scope === 'line')),
    byName: new Map(rs.rules.map((r) => [r.name, r])),
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

export async function evaluateJre(rt: JreRuntime, claim: Claim, explain = false): Promise<ClaimReport> {
  const ctx = makeContext(rt.prepared, claim);
  const fired: Fired[] = [];
  const traces: RuleTrace[] | undefined = explain ? [] : undefined;
  const take = (results: RuleResult[], line: number | undefined) => {
    for (const r of results) {
      const rule = rt.byName.get(String(r.name))!;
      if (r.result) fired.push({ rule, line });
      if (traces) {
        const conditions: ConditionTrace[] = [];
        collect(ctx, (r as unknown as { conditions: JreCondition }).conditions, conditions);
        const t: RuleTrace = { rule: rule.name, fired: r.result === true, conditions };
        if (line !== undefined) t.line = line + 1;
        traces.push(t);
      }
    }
  };
  const claimRun = await rt.claimEngine.run({ [CTX]: ctx, [LINE]: -1 });
  take([...claimRun.results, ...claimRun.failureResults], undefined);
  for (let i = 0; i < claim.lines.length; i++) {
    const run = await rt.lineEngine.run({ [CTX]: ctx, [LINE]: i });
    take([...run.results, ...run.failureResults], i);
  }
  // Order fired rules as the compiled runtime does: rule order, then line.
  const order = new Map(rt.prepared.rs.rules.map((r, i) => [r.name, i]));
  fired.sort((a, b) => order.get(a.rule.name)! - order.get(b.rule.name)! || (a.line ?? -1) - (b.line ?? -1));
  return buildReport(ctx, fired, traces);
}
