// What the eval ÷ floor rows share (core and inputs suites, probe-cli): the claims file they time,
// and the floor itself, a node script that reads, parses and writes the same NDJSON.
import { createWriteStream } from 'node:fs';
import { generateClaim, rng } from './generate.ts';

/** `node -e FLOOR_SCRIPT FILE`: each NDJSON line parsed and written back, in 64 KB writes. */
export const FLOOR_SCRIPT =
  "const rl=require('readline').createInterface({input:require('fs').createReadStream(process.argv[1]),crlfDelay:Infinity});let b='';rl.on('line',l=>{if(!l.trim())return;b+=JSON.stringify(JSON.parse(l))+'\\n';if(b.length>65536){process.stdout.write(b);b=''}});rl.on('close',()=>process.stdout.write(b));";

/** `n` medicare-part-b claims as NDJSON, each dated in 2026 so every one meets a ruleset version. */
export async function writeDatedCorpus(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const r = rng(5);
  for (let i = 0; i < n; i++) {
    const c = generateClaim(r, i);
    c['dateOfService'] = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    if (!out.write(JSON.stringify(c) + '\n')) await new Promise<void>((ok) => out.once('drain', () => ok()));
  }
  await new Promise<void>((ok) => out.end(() => ok()));
}
