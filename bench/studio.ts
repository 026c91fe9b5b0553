// The studio's first load, in a real headless Chromium: from navigation to an interactive editor
// (the ruleset's text in Monaco and a typed character in it), and to the first analysis (the
// problem badge filled in by the worker). Each run is a fresh browser (cold cache). The floor is
// the same browser loading a one-line page from the same kind of server in the same run. The
// page's own marks (App.tsx: studio:text, studio:editor-loaded, …) give where the time went.
// Run alone: node bin/run-ts.mjs bench/studio.ts   (STUDIO_BENCH_RUNS changes the count, default 5;
// STUDIO_BENCH_COMPARE=DIR also measures another build of the editor, e.g. an older one, run for
// run interleaved with this one, so both see the same machine load)
import { cpSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Page } from 'playwright-core';
import { createStudio } from '../studio/server.ts';
import { buildEditorIfNeeded } from '../cli/studio-cmd.ts';
import { projectRoot } from '../workspace/files.ts';

const ROOT = projectRoot();
const RUNS = Number(process.env['STUDIO_BENCH_RUNS'] ?? 5);
const COMPARE = process.env['STUDIO_BENCH_COMPARE'];
const FILE = 'medicare-part-b/2026.payer';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function serve(rulesetsDir: string, staticDir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const s = createStudio({ rulesetsDir, staticDir, port: 0 });
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/`, close: () => new Promise((ok) => s.close(() => ok())) };
}

await buildEditorIfNeeded((s) => process.stderr.write(s + '\n'));
const work = mkdtempSync(join(tmpdir(), 'bench-studio-'));
const rulesets = join(work, 'rulesets');
cpSync(join(ROOT, 'rulesets'), rulesets, { recursive: true });
const floorDir = join(work, 'floor');
mkdirSync(floorDir);
writeFileSync(join(floorDir, 'index.html'), '<!doctype html><html><head><title>floor</title></head><body><p id="x">ready</p></body></html>');

const builds = [{ name: 'this build', dir: join(ROOT, 'dist', 'editor') }, ...(COMPARE ? [{ name: `compared build (${COMPARE})`, dir: COMPARE }] : [])];
const servers = await Promise.all(builds.map((b) => serve(rulesets, b.dir)));
const floor = await serve(rulesets, floorDir);
// A fresh browser per run (cold cache; this Chromium build runs single-process, so one context each).
const launch = async () => playwright.launch({ executablePath: await chromium.executablePath(), args: [...chromium.args], headless: true });

interface Sample {
  interactive: number;
  analyzed: number;
  marks: Record<string, number>;
}

async function firstLoad(page: Page, url: string): Promise<Sample> {
  const t1 = performance.now();
  await page.goto(`${url}?file=${encodeURIComponent(FILE)}`);
  await page.waitForFunction(() => (document.querySelector('.monaco-editor .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ').includes('ruleset medicare-part-b'), undefined, { polling: 'raf', timeout: 60_000 });
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('#');
  await page.waitForFunction(() => (document.querySelector('[data-testid=current-file]')?.textContent ?? '').includes('●'), undefined, { polling: 'raf', timeout: 60_000 });
  const interactive = performance.now() - t1;
  await page.waitForSelector('[data-testid=problem-count][data-analyzed=yes]', { timeout: 60_000 });
  const analyzed = performance.now() - t1;
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('studio:')).map((m) => [m.name, m.startTime])));
  return { interactive, analyzed, marks };
}

const samples: Sample[][] = builds.map(() => []);
const floors: number[] = [];
for (let i = 0; i < RUNS + 1; i++) {
  for (let b = 0; b < builds.length; b++) {
    const browser = await launch();
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    if (b === 0) {
      const t0 = performance.now();
      await page.goto(floor.url);
      await page.waitForSelector('#x');
      if (i > 0) floors.push(performance.now() - t0);
    }
    const s = await firstLoad(page, servers[b]!.url);
    await browser.close();
    if (i > 0) samples[b]!.push(s); // the first round warms the server's caches and the browser's binary
  }
}
await Promise.all([...servers, floor].map((s) => s.close()));

const ms = (x: number) => `${Math.round(x)} ms`;
console.log(`studio first load, ${RUNS} runs (medians), ${cpus().length} cores: ${cpus()[0]?.model ?? ''}; numbers are noisy on a shared machine`);
console.log('');
console.log('| what | measured | goal |');
console.log('|---|---|---|');
builds.forEach((b, k) => {
  const ss = samples[k]!;
  const tag = builds.length > 1 ? ` — ${b.name}` : '';
  console.log(`| first load to an interactive editor (${FILE} in Monaco, a typed character in it)${tag} | ${ms(median(ss.map((s) => s.interactive)))} | under 2 s |`);
  console.log(`| first load to the first analysis shown (problem count, highlighting)${tag} | ${ms(median(ss.map((s) => s.analyzed)))} | — |`);
  for (const [mark, what] of [['studio:text', 'the file\'s text on screen (plain, before Monaco)'], ['studio:editor-loaded', 'Monaco loaded'], ['studio:editor-text', 'the text in Monaco']] as const) {
    const xs = ss.map((s) => s.marks[mark]).filter((x): x is number => x !== undefined);
    if (xs.length) console.log(`| ${what}${tag} (page mark) | ${ms(median(xs))} | — |`);
  }
  console.log(`| interactive editor ÷ floor${tag} | ${(median(ss.map((s) => s.interactive)) / median(floors)).toFixed(1)}× | — |`);
});
console.log(`| floor: the same browser loads a one-line page from the same server | ${ms(median(floors))} | — |`);
