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
const crt = prepareCompiled(rs);
const lines = claims.reduce((n, c) => n + c.lines.length, 0);
const rates: number[] = [];
for (let k = 0; k < 9; k++) {
  const t = performance.now();
  runCompiledRules(crt, claims);
  rates.push(Math.round((lines / (performance.now() - t)) * 1000));
}
console.log('lines/s', rates.join(' '), 'median', [...rates].sort((a, b) => a - b)[4]);
