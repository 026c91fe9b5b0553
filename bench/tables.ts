// Reference tables at national scale: a synthetic practitioner PTP text file of 2.6 million edits
// and an ICD-10-CM order file of 100,000 codes, generated here (never committed), imported as a
// user would (`payer-rules import` minus printing), then loaded from the cached form and looked up.
// Run alone: node bin/run-ts.mjs bench/tables.ts   (BENCH_PTP_ROWS changes the size)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DiagnosisLookup, NcciLookup } from '../engine/tables.ts';
import { importFiles } from '../tables/import/index.ts';
import { cacheRows, loadTables, writeRelease } from '../tables/store.ts';

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

// Deterministic pseudo-random numbers (the same tables every run).
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

// ~15,000 distinct codes, like the real table; each column-1 code gets a run of column-2 codes.
const codes = Array.from({ length: 15_000 }, (_, i) => String(10_000 + i * 6).padStart(5, '0'));
function ptpText(): string {
  const out: string[] = ['Synthetic practitioner PTP edits for the benchmark (not CMS data).', '', 'Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier\tPTP Edit Rationale'];
  let n = 0;
  // One pass over the column-1 codes, each with a run of distinct column-2 codes.
  const per = Math.ceil(PTP_ROWS / codes.length);
  for (let i = 0; n < PTP_ROWS; i++) {
    const start = Math.floor(rand() * codes.length);
    for (let k = 0; k < per && n < PTP_ROWS; k++, n++) {
      const c2 = codes[(start + k) % codes.length]!;
      const deleted = rand() < 0.35;
      out.push(`${codes[i]}\t${c2}\t\t${deleted ? '19960101' : '20200101'}\t${deleted ? '20191231' : '*'}\t${rand() < 0.8 ? 1 : 0}\tMutually exclusive procedures`);
    }
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
const icdFile = join(dir, 'icd10cm-order-2026.txt');
writeFileSync(ptpFile, ptpText());
writeFileSync(icdFile, icdText());

// Floor: node reads the same file and splits it into lines and fields.
const floor = median([0, 1, 2].map(() => time(() => {
  let f = 0;
  for (const l of readFileSync(ptpFile, 'utf8').split('\n')) f += l.split('\t').length;
  if (f < 0) throw new Error('unreachable');
})));

function importOne(file: string, kind: 'ncci-ptp' | 'icd10cm', from?: string): number {
  return time(() => {
    const res = importFiles([{ name: file, bytes: new Uint8Array(readFileSync(file)) }], { kind, ...(from ? { from } : {}) });
    if (res.problems.length || res.usage) throw new Error(`import failed: ${res.usage ?? res.problems[0]!.message}`);
    for (const rel of res.releases) cacheRows(writeRelease(store, rel), rel.rows);
  });
}
const ptpImport = importOne(ptpFile, 'ncci-ptp', '2026-10-01');
const icdImport = importOne(icdFile, 'icd10cm');

// Ready: manifests read, both releases' rows loaded from the cache, lookups built.
let tables = loadTables(store);
const ready = median([0, 1, 2].map(() => time(() => {
  tables = loadTables(store);
  tables.warm();
})));

const day = Math.floor(Date.UTC(2026, 10, 2) / 86_400_000);
const ncci = tables.release('cms-ncci-ptp-practitioner', day)!.lookup as NcciLookup;
const icd = tables.release('cdc-icd10cm', day)!.lookup as DiagnosisLookup;
const pairs = Array.from({ length: 4096 }, () => [codes[Math.floor(rand() * codes.length)]!, codes[Math.floor(rand() * codes.length)]!] as const);
const dx = Array.from({ length: 4096 }, (_, i) => `${String.fromCharCode(65 + (i % 26))}${String(i * 23).padStart(5, '0')}`);
const N = 1_000_000;
let found = 0;
const loop = () => {
  for (let i = 0; i < N; i++) {
    const p = pairs[i & 4095]!;
    if (ncci.edit(p[0], p[1], day)) found++;
    if (icd.diagnosis(dx[i & 4095]!) === 'billable') found++;
  }
};
loop(); // warm up
gc();
const heapBefore = process.memoryUsage().heapUsed;
const lookupMs = median([0, 1, 2].map(() => time(loop)));
const heapAfter = process.memoryUsage().heapUsed;
gc();

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`tables benchmark: ${PTP_ROWS.toLocaleString('en-US')} PTP edits, ${ICD_CODES.toLocaleString('en-US')} ICD-10-CM codes; Node ${process.version}; medians of 3 except the imports (1 run each); the machine is shared, so re-run when it is quiet\n`);
console.log('| what | measured | goal |');
console.log('|---|---|---|');
console.log(`| import ${PTP_ROWS.toLocaleString('en-US')} PTP edits (official text → validated, sorted, gzip CSV + manifest + cache) | ${s(ptpImport)} | under 20 s |`);
console.log(`| floor: node reads and splits the same PTP file | ${s(floor)} | — |`);
console.log(`| import ÷ floor | ${(ptpImport / floor).toFixed(1)}× | — |`);
console.log(`| import ${ICD_CODES.toLocaleString('en-US')} ICD-10-CM codes (order file) | ${s(icdImport)} | — |`);
console.log(`| both tables ready to evaluate from the cached form | ${s(ready)} | under 1.5 s |`);
console.log(`| lookups (one NCCI pair + one diagnosis per iteration) | ${Math.round((2 * N) / (lookupMs / 1000)).toLocaleString('en-US')} lookups/s | — |`);
console.log(`| heap growth over ${(3 * 2 * N).toLocaleString('en-US')} lookups (no GC in between) | ${((heapAfter - heapBefore) / 1024).toFixed(0)} KB | ≈ 0 (no allocation per lookup) |`);
if (found < 0) console.log(found);
rmSync(dir, { recursive: true, force: true });
