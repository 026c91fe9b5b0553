// Reference tables at national scale: a synthetic practitioner PTP text file of 2.6 million edits
// (and its next quarter, ~1% changed) and an ICD-10-CM order file of 100,000 codes, generated here
// (never committed), imported as a user imports them (`payer-rules import`, output discarded),
// then loaded from the cached form and looked up.
// Run alone: node bin/run-ts.mjs bench/tables.ts   (BENCH_PTP_ROWS changes the size)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { importCommand } from '../cli/import.ts';
import type { DiagnosisLookup, NcciLookup } from '../engine/tables.ts';
import { dropCached, listReleases, loadTables } from '../tables/store.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const PTP_ROWS = Number(process.env.BENCH_PTP_ROWS ?? 2_600_000);
const ICD_CODES = 100_000;
const dir = mkdtempSync(join(tmpdir(), 'bench-tables-'));
const store = join(dir, 'store');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const time = (f: () => void) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
const timeAsync = async (f: () => Promise<unknown>) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

// Deterministic pseudo-random numbers (the same tables every run).
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

// ~15,000 distinct codes, like the real table; each column-1 code gets a run of column-2 codes.
const codes = Array.from({ length: 15_000 }, (_, i) => String(10_000 + i * 6).padStart(5, '0'));
/** The PTP text file; `next` makes the following quarter: ~0.5% of edits deleted, ~0.5% end-dated, 10,000 added. */
function ptpText(next: boolean): string {
  seed = 12345;
  const out: string[] = ['Synthetic practitioner PTP edits for the benchmark (not CMS data).', '', 'Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier\tPTP Edit Rationale'];
  let n = 0;
  // One pass over the column-1 codes, each with a run of distinct column-2 codes.
  const per = Math.ceil(PTP_ROWS / codes.length);
  for (let i = 0; n < PTP_ROWS; i++) {
    const start = Math.floor(rand() * codes.length);
    for (let k = 0; k < per && n < PTP_ROWS; k++, n++) {
      const c2 = codes[(start + k) % codes.length]!;
      const deleted = rand() < 0.35;
      const mi = rand() < 0.8 ? 1 : 0;
      if (next && n % 199 === 7) continue;
      const endDated = next && !deleted && n % 211 === 3;
      out.push(`${codes[i]}\t${c2}\t\t${deleted ? '19960101' : '20200101'}\t${deleted ? '20191231' : endDated ? '20270101' : '*'}\t${mi}\tMutually exclusive procedures`);
    }
    // New edits: pairs beyond the run of column-2 codes.
    if (next && i < 10_000) out.push(`${codes[i]}\t${codes[(start + per) % codes.length]}\t\t20270101\t*\t1\tStandards of medical / surgical practice`);
  }
  return out.join('\n') + '\n';
}
function icdText(): string {
  const out: string[] = [];
  for (let i = 0; i < ICD_CODES; i++) {
    const code = `${String.fromCharCode(65 + (i % 26))}${String(i).padStart(5, '0')}`;
    out.push(`${String((i % 99_999) + 1).padStart(5, '0')} ${code.padEnd(7)} ${i % 4 ? 1 : 0} ${'Synthetic diagnosis'.padEnd(60)} Synthetic diagnosis ${i}`);
  }
  return out.join('\n') + '\n';
}

const ptpFile = join(dir, 'ccipra-synthetic-f1.txt');
const ptpNext = join(dir, 'ccipra-synthetic-next-f1.txt');
const icdFile = join(dir, 'icd10cm-order-2026.txt');
writeFileSync(ptpFile, ptpText(false));
writeFileSync(ptpNext, ptpText(true));
writeFileSync(icdFile, icdText());

// Floor: node reads the same file and splits it into lines and fields.
const floor = median([0, 1, 2].map(() => time(() => {
  let f = 0;
  for (const l of readFileSync(ptpFile, 'utf8').split('\n')) f += l.split('\t').length;
  if (f < 0) throw new Error('unreachable');
})));

/** `payer-rules import` as a user runs it; the change report is produced and discarded. */
async function importOne(kind: 'ncci-ptp' | 'icd10cm', file: string, ...flags: string[]): Promise<number> {
  const err: string[] = [];
  const ms = await timeAsync(async () => {
    const code = await importCommand([kind, file, '--into', store, ...flags], { out: () => {}, err: (s) => err.push(s) });
    if (code !== 0) throw new Error(`import failed: ${err.join('\n')}`);
  });
  return ms;
}
const ptpImport = await importOne('ncci-ptp', ptpFile, '--release', '2026-10-01', '--from', '2026-10-01');
const ptpNextImport = await importOne('ncci-ptp', ptpNext, '--release', '2027-01-01', '--from', '2027-01-01');
const icdImport = await importOne('icd10cm', icdFile);

// Ready: manifests read, both tables' newest releases loaded from the cache, lookups built.
const day = Math.floor(Date.UTC(2027, 1, 2) / 86_400_000);
let tables = loadTables(store);
const ready = median([0, 1, 2].map(() => time(() => {
  tables = loadTables(store);
  tables.release('cms-ncci-ptp-practitioner', day);
  tables.release('cdc-icd10cm', day);
})));

const ncci = tables.release('cms-ncci-ptp-practitioner', day)!.lookup as NcciLookup;
const icd = tables.release('cdc-icd10cm', day)!.lookup as DiagnosisLookup;
const pairs = Array.from({ length: 4096 }, () => [codes[Math.floor(rand() * codes.length)]!, codes[Math.floor(rand() * codes.length)]!] as const);
const dx = Array.from({ length: 4096 }, (_, i) => `${String.fromCharCode(65 + (i % 26))}${String(i * 23).padStart(5, '0')}`);
let found = 0;
const loop = (n: number) => {
  for (let i = 0; i < n; i++) {
    const p = pairs[i & 4095]!;
    if (ncci.edit(p[0], p[1], day)) found++;
    if (icd.diagnosis(dx[i & 4095]!) === 'billable') found++;
  }
};
const N = 1_000_000;
loop(N); // warm up
const lookupMs = median([0, 1, 2].map(() => time(() => loop(N))));

// Allocation: the heap's growth over a stretch of lookups during which no garbage collection ran
// (a collection would hide what was allocated); stretches with one are measured again.
let gcs = 0;
const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
obs.observe({ entryTypes: ['gc'] });
const tick = () => new Promise((r) => setTimeout(r, 5));
const STRETCH = 100_000;
const perLookup: number[] = [];
for (let tries = 0; perLookup.length < 5 && tries < 20; tries++) {
  gc();
  await tick();
  gcs = 0;
  const before = process.memoryUsage().heapUsed;
  loop(STRETCH);
  const after = process.memoryUsage().heapUsed;
  await tick();
  if (gcs === 0) perLookup.push((after - before) / (2 * STRETCH));
}
obs.disconnect();

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`tables benchmark: ${PTP_ROWS.toLocaleString('en-US')} PTP edits, ${ICD_CODES.toLocaleString('en-US')} ICD-10-CM codes; Node ${process.version}; medians of 3 except the imports (1 run each); the machine is shared, so re-run when it is quiet\n`);
console.log('| what | measured | goal |');
console.log('|---|---|---|');
console.log(`| import ${PTP_ROWS.toLocaleString('en-US')} PTP edits (official text → validated, sorted, gzip CSV + manifest + cache) | ${s(ptpImport)} | under 20 s |`);
console.log(`| floor: node reads and splits the same PTP file | ${s(floor)} | — |`);
console.log(`| import ÷ floor | ${(ptpImport / floor).toFixed(1)}× | — |`);
console.log(`| import the next quarter over it (~1% of edits changed; the change report against the previous ${PTP_ROWS.toLocaleString('en-US')} rows included) | ${s(ptpNextImport)} | under 20 s |`);
console.log(`| import ${ICD_CODES.toLocaleString('en-US')} ICD-10-CM codes (order file) | ${s(icdImport)} | — |`);
console.log(`| both tables ready to evaluate from the cached form | ${s(ready)} | under 1.5 s |`);
console.log(`| lookups (one NCCI pair + one diagnosis per iteration) | ${Math.round((2 * N) / (lookupMs / 1000)).toLocaleString('en-US')} lookups/s | — |`);
console.log(`| bytes allocated per lookup (heap growth over ${STRETCH.toLocaleString('en-US')}-iteration stretches with no GC; least of ${perLookup.length}, so the compiler's one-time work is not counted) | ${perLookup.length ? Math.min(...perLookup).toFixed(2) : 'not measured (a GC ran in every stretch)'} | 0 |`);
if (found < 0) console.log(found);
// The synthetic releases' binary caches (~100 MB each) go with them.
for (const r of listReleases(store)) dropCached(r.manifest);
rmSync(dir, { recursive: true, force: true });
