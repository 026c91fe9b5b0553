// Profiling probe for issue 10 item 5: the generated 16 MB ruleset the benchmark compiles
// (bench/generate.ts bigRuleset, as the benchmark sizes it), written to a temporary folder and compiled
// by the real command, 3 runs: wall time, user+sys CPU and peak RSS (median). Also times the
// in-process rows that must not regress (5,000-line check + compile, 2,000-line editor analysis),
// and parse() (dsl/parse-valid.ts first) against Chevrotain alone at those sizes. The machine's
// load average before and after is printed: on a shared machine wall time moves with it.
// node bin/run-ts.mjs bench/probe-bigrules.ts   (PROBE_RUNS, default 3; PROBE_KEEP=DIR keeps the file there;
// PROBE_BIG=0 or PROBE_SMALL=0 leaves out the command or the in-process rows)
import { mkdtempSync, rmSync, writeFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { analyze } from '../dsl/index.ts';
import { parse, parseChevrotain, parseWhole } from '../dsl/parse.ts';
import { projectRoot } from '../workspace/files.ts';
import { bigRuleset, generateRuleset } from './generate.ts';

const runs = Number(process.env['PROBE_RUNS'] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rows: [string, string, string][] = [];
const keep = process.env['PROBE_KEEP'];
const dir = keep ?? mkdtempSync(join(tmpdir(), 'payer-rules-probe-big-'));
const load = () => (existsSync('/proc/loadavg') ? readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') : 'n/a');
const loadBefore = load();
if (process.env['PROBE_BIG'] !== '0') {
  if (keep && !existsSync(keep)) mkdirSync(keep, { recursive: true });
  const { text, lines } = bigRuleset();
  const file = join(dir, 'big.payer');
  writeFileSync(file, text);
  const bin = join(projectRoot(), 'bin/payer-rules.mjs');
  // /usr/bin/time -v gives peak RSS and CPU seconds of the child alone.
  const results = Array.from({ length: runs }, () => {
    const t = performance.now();
    const r = spawnSync('/usr/bin/time', ['-v', process.execPath, bin, 'compile', file, '-o', join(dir, 'big.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - t;
    const err = r.stderr.toString();
    if (r.status !== 0) throw new Error(`compile exited ${r.status}: ${err.slice(0, 400)}`);
    const user = Number(/User time \(seconds\): ([\d.]+)/.exec(err)?.[1]);
    const sys = Number(/System time \(seconds\): ([\d.]+)/.exec(err)?.[1]);
    const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1]) / 1024;
    return { ms, cpu: user + sys, rss };
  });
  const what = `payer-rules compile, generated ruleset of ${(text.length / 1e6).toFixed(1)} MB (${lines.toLocaleString('en-US')} lines)`;
  rows.push([`${what}: wall`, `${(median(results.map((r) => r.ms)) / 1000).toFixed(1)} s (runs ${results.map((r) => (r.ms / 1000).toFixed(1)).join(', ')})`, 'under 10 s']);
  rows.push([`${what}: user+sys CPU`, `${median(results.map((r) => r.cpu)).toFixed(1)} s (runs ${results.map((r) => r.cpu.toFixed(1)).join(', ')})`, '—']);
  rows.push([`${what}: peak RSS`, `${Math.round(median(results.map((r) => r.rss)))} MB (runs ${results.map((r) => Math.round(r.rss)).join(', ')})`, 'under 1 GB']);
}

function time(fn: () => unknown, n: number): number {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}
if (process.env['PROBE_SMALL'] !== '0') {
  const five = generateRuleset(5000);
  const two = generateRuleset(2000);
  const n5 = five.split('\n').length;
  rows.push([`check + compile, generated ruleset (${n5} lines)`, `${time(() => analyze({ name: 'bench.payer', text: five }), 9).toFixed(1)} ms`, 'under 300 ms']);
  rows.push([`editor analysis, generated ruleset (${two.split('\n').length} lines)`, `${time(() => analyze({ name: 'bench.payer', text: two }), 9).toFixed(1)} ms`, 'under 150 ms']);
  // parse() (the hand parser for valid text, dsl/parse-valid.ts) against Chevrotain's fast path
  // (64 KB chunks) and its whole-item parse (1 MB chunks) at these sizes, same run.
  const n2 = two.split('\n').length;
  for (const [n, text] of [[n5, five], [n2, two]] as const) {
    rows.push([`parse, generated ruleset (${n} lines), parse() (hand parser for valid text)`, `${time(() => parse({ name: 'bench.payer', text }), 9).toFixed(1)} ms`, '—']);
    rows.push([`parse, generated ruleset (${n} lines), Chevrotain fast path`, `${time(() => parseChevrotain({ name: 'bench.payer', text }), 9).toFixed(1)} ms`, '—']);
    rows.push([`parse, generated ruleset (${n} lines), Chevrotain whole items`, `${time(() => parseWhole({ name: 'bench.payer', text }), 9).toFixed(1)} ms`, '—']);
  }
}
if (!keep) rmSync(dir, { recursive: true, force: true });
rows.push(['machine load average (1, 5, 15 min) before / after', `${loadBefore} / ${load()}`, '—']);
console.log('| what | measured | goal |\n|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
