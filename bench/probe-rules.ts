// Profiling probe for the compiled runtime's rule loop (not part of the benchmark table).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../dsl/index.ts';
import { validateClaim } from '../engine/validate.ts';
import { prepareCompiled } from '../engine/runtime-compiled.ts';
import { projectRoot } from '../workspace/files.ts';
import { generateClaim, rng } from './generate.ts';
import { runCompiledRules } from './rules-loop.ts';

const path = join(projectRoot(), 'rulesets/medicare-part-b/2026.payer');
const rs = analyze({ name: path, text: readFileSync(path, 'utf8') }).compiled!;
const r = rng(11);
const claims = Array.from({ length: 20000 }, (_, i) => {
  const c = generateClaim(r, i);
  c['dateOfService'] = '2026-03-02';
  return c;
}).map((c) => validateClaim(c)).flatMap((v) => (v.ok ? [v.claim] : []));
const crt = prepareCompiled(rs);
const lines = claims.reduce((n, c) => n + c.lines.length, 0);
for (let k = 0; k < 8; k++) {
  const t = performance.now();
  const fired = runCompiledRules(crt, claims);
  console.log(Math.round((lines / (performance.now() - t)) * 1000), 'lines/s', fired);
}
