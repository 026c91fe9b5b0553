// Profiling probe for `eval`'s per-claim path (parse, validate, evaluate, report, serialize).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../dsl/index.ts';
import { Evaluator } from '../engine/index.ts';
import { evaluateBatch } from '../cli/eval-core.ts';
import { projectRoot } from '../workspace/files.ts';
import { generateClaim, rng } from './generate.ts';

const src = join(projectRoot(), 'rulesets/medicare-part-b/2026.payer');
const rs = analyze({ name: src, text: readFileSync(src, 'utf8') }).compiled!;
const r = rng(11);
const jobs = Array.from({ length: 30000 }, (_, i) => {
  const c = generateClaim(r, i);
  c['dateOfService'] = '2026-03-02';
  return { lineNo: i + 1, text: JSON.stringify(c) };
});
const ev = new Evaluator([rs]);
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  for (let i = 0; i < jobs.length; i += 256) await evaluateBatch(ev, jobs.slice(i, i + 256), 'compiled', false, 'ndjson');
  console.log(Math.round((jobs.length / (performance.now() - t)) * 1000), 'claims/s');
}
