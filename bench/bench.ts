// `npm run bench`: timings a reader can trust (median of several runs, machine noted). Speed is
// measured here, never asserted in tests.
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { analyze, format } from '../dsl/index.ts';

/** A realistic ruleset of about `lines` lines: code sets, domain blocks and general rules. */
export function generateRuleset(lines: number): string {
  const out = ['# generated for the benchmark', 'ruleset bench-plan "Benchmark"', 'version 2026.1 effective 2026-01-01 through 2026-12-31', ''];
  const sets = Math.max(1, Math.floor(lines / 10));
  for (let i = 0; i < sets; i++) out.push(`codes set-${i} = ${97000 + (i % 900)}, ${97100 + (i % 800)}..${97105 + (i % 800)}, G0${String(283 + (i % 700)).padStart(3, '0')}`);
  out.push('', 'units {', '  timed codes set-0', '  untimed codes set-1', '  UNITS-TIME: method total-time cite "MCPM ch.5 §20.2"', '}', '', 'modifiers {');
  for (let i = 0; out.length < lines * 0.5; i++) out.push(`  MOD-${i}: require one of GO, GP, GN on set-${i % sets} cite "MCPM ch.5 §20.1"`);
  out.push('}', '');
  for (let i = 0; out.length < lines - 6; i++) {
    out.push(`rule R-${i} "generated rule ${i}" warning {`, `  when line.code in set-${i % sets} and line.units > ${1 + (i % 6)} and claim.dateOfService >= 2026-0${1 + (i % 9)}-01`, `  cite "generated"`, '}', '');
  }
  return out.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, runs: number): { median: number; min: number } {
  fn(); // warm-up
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  return { median: median(ts), min: Math.min(...ts) };
}

const rows: [string, string, string][] = [];
const big = generateRuleset(5000);
const medicare = readFileSync(new URL('../rulesets/medicare-part-b/2026.payer', import.meta.url), 'utf8');
const row = (what: string, r: { median: number; min: number }, goal: string) => rows.push([what, `${r.median.toFixed(1)} ms (min ${r.min.toFixed(1)})`, goal]);

row(`check + compile, generated ruleset (${big.split('\n').length} lines)`, time(() => analyze({ name: 'bench.payer', text: big }), 9), 'under 300 ms');
const twoK = generateRuleset(2000);
row(`editor analysis (what the worker runs per edit), generated ruleset (${twoK.split('\n').length} lines)`, time(() => analyze({ name: 'bench.payer', text: twoK }), 9), 'under 150 ms');
row(`format, generated ruleset (${big.split('\n').length} lines)`, time(() => format({ name: 'bench.payer', text: big }), 5), '—');
row(`check + compile, medicare-part-b 2026 (${medicare.split('\n').length} lines)`, time(() => analyze({ name: 'm.payer', text: medicare }), 15), '—');

console.log(`payer-rules benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
console.log('');
console.log('| what | median of runs | goal |');
console.log('|---|---|---|');
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);

const sanity = analyze({ name: 'bench.payer', text: big });
console.log('');
console.log(`generated ruleset: ${sanity.diagnostics.filter((d) => d.severity === 'error').length} errors, ${sanity.compiled?.rules.length ?? 0} compiled rules`);
