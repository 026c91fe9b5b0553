// Probe for the eval ÷ floor ratio alone (the core bench's last rows): writes PROBE_CLAIMS claims
// (default 100,000) as the core bench does, then times `payer-rules eval` and the floor, interleaved.
// node bin/run-ts.mjs bench/probe-cli.ts
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../workspace/files.ts';
import { generateClaim, rng } from './generate.ts';

const ROOT = projectRoot();
const dir = mkdtempSync(join(tmpdir(), 'payer-rules-probe-'));
const n = Number(process.env['PROBE_CLAIMS'] ?? 100_000);
const file = join(dir, 'claims.ndjson');
const out = createWriteStream(file);
const r = rng(5);
for (let i = 0; i < n; i++) {
  const c = generateClaim(r, i);
  c['dateOfService'] = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
  if (!out.write(JSON.stringify(c) + '\n')) await new Promise<void>((ok) => out.once('drain', () => ok()));
}
await new Promise<void>((ok) => out.end(() => ok()));
const floorScript = "const rl=require('readline').createInterface({input:require('fs').createReadStream(process.argv[1]),crlfDelay:Infinity});let b='';rl.on('line',l=>{if(!l.trim())return;b+=JSON.stringify(JSON.parse(l))+'\\n';if(b.length>65536){process.stdout.write(b);b=''}});rl.on('close',()=>process.stdout.write(b));";
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
  f.push(wall(['-e', floorScript, file]));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`eval ${(med(e) / 1000).toFixed(2)} s, floor ${(med(f) / 1000).toFixed(2)} s, ratio ${(med(e) / med(f)).toFixed(2)}× (${e.map((x) => (x / 1000).toFixed(2)).join(' ')} / ${f.map((x) => (x / 1000).toFixed(2)).join(' ')})`);
rmSync(dir, { recursive: true, force: true });
