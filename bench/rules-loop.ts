// The compiled runtime's rules alone, as eval runs them: each claim's context, then every rule on
// every line it applies to (runCompiled: rules a line's code rules out are skipped, fired and
// undecided rules recorded); returns how many fired. Measured by the benchmark, profiled by
// probe-rules.ts.
import type { Claim } from '../engine/claim-schema.ts';
import { makeContext } from '../engine/context.ts';
import { runCompiled, type CompiledRuntime } from '../engine/runtime-compiled.ts';
import { CTX, LINE, type JreRuntime } from '../engine/runtime-jre.ts';

export function runCompiledRules(crt: CompiledRuntime, claims: readonly Claim[]): number {
  let fired = 0;
  for (const claim of claims) {
    const ctx = makeContext(crt.prepared, claim);
    const lines = claim.lines.map((_, i) => i);
    fired += runCompiled(crt, ctx, lines, true, false).fired.length;
  }
  return fired;
}

/** The same rules under json-rules-engine: each claim's context, its claim rules, then each line's. */
export async function runJreRules(jrt: JreRuntime, claims: readonly Claim[]): Promise<void> {
  for (const claim of claims) {
    const ctx = makeContext(jrt.prepared, claim);
    await jrt.claimEngine.run({ [CTX]: ctx, [LINE]: -1 });
    for (let i = 0; i < claim.lines.length; i++) await jrt.lineEngine.run({ [CTX]: ctx, [LINE]: i });
  }
}
