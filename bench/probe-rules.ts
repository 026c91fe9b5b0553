// Profiling probe for the compiled runtime's rule loop as the benchmark's "rules only" row measures
// it (medicare-part-b 2026.1, no tables; not part of the benchmark table).
// node --cpu-prof bin/run-ts.mjs bench/probe-rules.ts
import { join } from 'node:path';
import { validateClaim } from '../engine/validate.ts';
import { prepareCompiled } from '../engine/runtime-compiled.ts';
import { projectRoot } from '../workspace/files.ts';
import { loadRulesets } from '../workspace/load.ts';
import { generateClaim, rng } from './generate.ts';
import { runCompiledRules } from './rules-loop.ts';

const rs = loadRulesets(join(projectRoot(), 'rulesets'), () => {}).find((r) => r.ruleset.id === 'medicare-part-b' && r.ruleset.version === '2026.1')!;
const r = rng(11);
const claims = Array.from({ length: 20000 }, (_, i) => generateClaim(r, i))
  .map((c) => validateClaim(c))
  .flatMap((v) => (v.ok ? [v.claim] : []));
// Generated rules and closures, interleaved (the machine's noise falls on both alike).
const generated = prepareCompiled(rs);
const closures = prepareCompiled(rs, undefined, { generate: false });
const lines = claims.reduce((n, c) => n + c.lines.length, 0);
const rates: Record<'generated' | 'closures', number[]> = { generated: [], closures: [] };
for (let k = 0; k < 9; k++) {
  for (const [name, crt] of ([['generated', generated], ['closures', closures]] as const).filter(([n]) => !process.env['PROBE_ONLY'] || process.env['PROBE_ONLY'] === n)) {
    const t = performance.now();
    runCompiledRules(crt, claims);
    rates[name].push(Math.round((lines / (performance.now() - t)) * 1000));
  }
}
for (const [name, xs] of Object.entries(rates)) console.log(name, 'lines/s', xs.join(' '), 'median', [...xs].sort((a, b) => a - b)[4]);
