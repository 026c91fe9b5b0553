// The studio's first load, in a real headless Chromium: from navigation to an interactive editor
// (the ruleset's text on screen and a typed character in it), and to the first analysis (the
// problem badge filled in by the worker). Each run is a fresh browser (cold cache). The
// floor is the same browser loading a one-line page from the same kind of server in the same run.
// Run alone: node bin/run-ts.mjs bench/studio.ts   (STUDIO_BENCH_RUNS changes the count, default 5)
import { cpSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import chromium from '@sparticuz/chromium';
import { chromium as playwright } from 'playwright-core';
import { createStudio } from '../studio/server.ts';
import { buildEditorIfNeeded } from '../cli/studio-cmd.ts';
import { projectRoot } from '../workspace/files.ts';

const ROOT = projectRoot();
const RUNS = Number(process.env['STUDIO_BENCH_RUNS'] ?? 5);
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

const studio = await serve(rulesets, join(ROOT, 'dist', 'editor'));
const floor = await serve(rulesets, floorDir);
// A fresh browser per run (cold cache; this Chromium build runs single-process, so one context each).
const launch = async () => playwright.launch({ executablePath: await chromium.executablePath(), args: [...chromium.args], headless: true });

const interactive: number[] = [];
const analyzed: number[] = [];
const floors: number[] = [];
for (let i = 0; i < RUNS + 1; i++) {
  const browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  const t0 = performance.now();
  await page.goto(`${floor.url}`);
  await page.waitForSelector('#x');
  const tf = performance.now() - t0;

  const t1 = performance.now();
  await page.goto(`${studio.url}?file=${encodeURIComponent(FILE)}`);
  await page.waitForFunction(() => (document.querySelector('.monaco-editor .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ').includes('ruleset medicare-part-b'), undefined, { polling: 'raf', timeout: 60_000 });
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('#');
  await page.waitForFunction(() => (document.querySelector('[data-testid=current-file]')?.textContent ?? '').includes('●'), undefined, { polling: 'raf', timeout: 60_000 });
  const ti = performance.now() - t1;
  await page.waitForSelector('[data-testid=problem-count][data-analyzed=yes]', { timeout: 60_000 });
  const ta = performance.now() - t1;
  await browser.close();
  if (i === 0) continue; // the first run warms the server's caches and the browser's binary
  interactive.push(ti);
  analyzed.push(ta);
  floors.push(tf);
}
await studio.close();
await floor.close();

const ms = (x: number) => `${Math.round(x)} ms`;
console.log(`studio first load, ${RUNS} runs (medians), ${cpus().length} cores: ${cpus()[0]?.model ?? ''}; numbers are noisy on a shared machine`);
console.log('');
console.log('| what | measured | goal |');
console.log('|---|---|---|');
console.log(`| first load to an interactive editor (${FILE} on screen, a typed character in it) | ${ms(median(interactive))} | under 2 s |`);
console.log(`| first load to the first analysis shown (problem count, highlighting) | ${ms(median(analyzed))} | — |`);
console.log(`| floor: the same browser loads a one-line page from the same server | ${ms(median(floors))} | — |`);
console.log(`| interactive editor ÷ floor | ${(median(interactive) / median(floors)).toFixed(1)}× | — |`);
