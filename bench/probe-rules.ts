// Profiling probe for the compiled runtime's rule loop as the benchmark's "rules only" row measures
// it (medicare-part-b 2026.1, no tables; not part of the benchmark table).
// node --cpu-prof bin/run-ts.mjs bench/probe-rules.ts
import { join } from 'node:path';
import { validateClaim } from '../engine/validate.ts';
import { prepareCompiled } from '../engine/runtime-compiled.ts';
import { projectRoot } from '../workspace/files.ts';
import { loadRulesets } from '../workspace/load.ts';
import { generateClaim, rng } from './generate.ts';
import { runCompiledRules, runJreRules } from './rules-loop.ts';
import { prepareJre } from '../engine/runtime-jre.ts';

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
for (const [name, xs] of Object.entries(rates).filter(([, xs]) => xs.length)) console.log(name, 'lines/s', xs.join(' '), 'median', [...xs].sort((a, b) => a - b)[4]);
// PROBE_JRE=1: the benchmark's ratio, json-rules-engine on the first 1,000 claims (as bench.ts runs it).
if (process.env['PROBE_JRE']) {
  const jrt = prepareJre(rs);
  const subset = claims.slice(0, 1000);
  const subsetLines = subset.reduce((n, c) => n + c.lines.length, 0);
  const jre: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    await runJreRules(jrt, subset);
    jre.push(Math.round((subsetLines / (performance.now() - t)) * 1000));
  }
  const m = [...jre].sort((a, b) => a - b)[1]!;
  const g = [...rates.generated].sort((a, b) => a - b)[4]!;
  console.log('json-rules-engine lines/s', jre.join(' '), `ratio ${(g / m).toFixed(0)}×`);
}
