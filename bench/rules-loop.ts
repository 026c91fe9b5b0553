// The compiled runtime's rules alone: each claim's context, then every rule on every line it
// applies to; returns how many fired. Measured by the benchmark, profiled by probe-rules.ts.
import type { Claim } from '../engine/claim-schema.ts';
import { makeContext } from '../engine/context.ts';
import type { CompiledRuntime } from '../engine/runtime-compiled.ts';

export function runCompiledRules(crt: CompiledRuntime, claims: readonly Claim[]): number {
  let fired = 0;
  for (const claim of claims) {
    const ctx = makeContext(crt.prepared, claim);
    for (const r of crt.rules) {
      if (r.line) {
        for (let i = 0; i < claim.lines.length; i++) if (r.test(ctx, i, i) === 1) fired++;
      } else if (r.test(ctx, undefined, undefined) === 1) fired++;
    }
  }
  return fired;
}
