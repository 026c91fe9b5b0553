// Profiling probe for the compiled runtime's rule loop (not part of the benchmark table).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, peekHeader } from '../dsl/index.ts';
import { validateClaim } from '../engine/validate.ts';
import { makeContext } from '../engine/context.ts';
import { prepareCompiled } from '../engine/runtime-compiled.ts';
import { projectRoot } from '../cli/files.ts';
import { generateClaim, rng } from './generate.ts';

const ROOT = projectRoot();
const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith('.payer') ? [join(d, n)] : []));
const sources = walk(join(ROOT, 'rulesets')).map((p) => ({ name: p, text: readFileSync(p, 'utf8') }));
const rs = analyze(sources.find((s) => s.name.endsWith('medicare-part-b/2026.payer'))!).compiled!;
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
  let fired = 0;
  for (const claim of claims) {
    const ctx = makeContext(crt.prepared, claim);
    for (const rule of crt.rules) {
      if (rule.line) {
        for (let i = 0; i < claim.lines.length; i++) if (rule.test(ctx, i)) fired++;
      } else if (rule.test(ctx, undefined)) fired++;
    }
  }
  console.log(Math.round((lines / (performance.now() - t)) * 1000), 'lines/s', fired);
}
void peekHeader;
