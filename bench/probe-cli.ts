// Probe for the eval ÷ floor ratio alone (the core bench's last rows): writes PROBE_CLAIMS claims
// (default 100,000) as the core bench does, then times `payer-rules eval` and the floor, interleaved.
// node bin/run-ts.mjs bench/probe-cli.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../workspace/files.ts';
import { FLOOR_SCRIPT, writeDatedCorpus } from './floor.ts';

const ROOT = projectRoot();
const dir = mkdtempSync(join(tmpdir(), 'payer-rules-probe-'));
const n = Number(process.env['PROBE_CLAIMS'] ?? 100_000);
const file = join(dir, 'claims.ndjson');
await writeDatedCorpus(file, n);
const wall = (args: string[]) => {
  const t = performance.now();
  const res = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (res.status !== 0 && res.status !== 1) throw new Error(res.stderr.toString());
  return performance.now() - t;
};
const bin = join(ROOT, 'bin/payer-rules.mjs');
const extra = (process.env['PROBE_ARGS'] ?? '').split(' ').filter(Boolean);
try { wall([bin, 'eval', '--ruleset', join(ROOT, 'rulesets'), join(dir, 'none.ndjson')]); } catch { /* warms the bundle and compile caches */ }
const runs = Number(process.env['PROBE_RUNS'] ?? 3);
const e: number[] = [];
const f: number[] = [];
for (let k = 0; k < runs; k++) {
  e.push(wall([bin, 'eval', '--ruleset', join(ROOT, 'rulesets'), ...extra, file]));
  f.push(wall(['-e', FLOOR_SCRIPT, file]));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`eval ${(med(e) / 1000).toFixed(2)} s, floor ${(med(f) / 1000).toFixed(2)} s, ratio ${(med(e) / med(f)).toFixed(2)}× (${e.map((x) => (x / 1000).toFixed(2)).join(' ')} / ${f.map((x) => (x / 1000).toFixed(2)).join(' ')})`);
rmSync(dir, { recursive: true, force: true });
