// The HTML report in a real headless Chromium (shipped inside the @sparticuz/chromium npm package),
// opened from a file with every network request refused: it must need nothing from outside, show
// the summary as charts, sort its claims table, print, and log no errors. Screenshots go to
// test-output/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';
import { Evaluator } from '../engine/index.ts';
import { Summary, factsOf, renderHtml, type ClaimFacts } from '../writers/index.ts';
import { shippedRulesets } from './support.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const OUT = join(ROOT, 'test-output');
const SHOTS = join(OUT, 'screenshots');
let browser: Browser;
let page: Page;
const requests: string[] = [];
const errors: string[] = [];
let facts: ClaimFacts[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const claims = JSON.parse(readFileSync(join(ROOT, 'examples/claims.json'), 'utf8')) as unknown[];
  const ev = new Evaluator(shippedRulesets());
  // A claim id with markup: it must show as text, never run.
  claims.push({ id: '<img src=x onerror=alert(1)>', payer: 'medicare-part-b', dateOfService: '2026-03-02', lines: [{ code: '97110', units: 1, minutes: 15, charge: 10 }] });
  const summary = new Summary();
  facts = claims.map((c) => factsOf(ev.evaluateSync(structuredClone(c)), c));
  for (const f of facts) summary.add(f);
  const file = join(OUT, 'report.html');
  writeFileSync(file, renderHtml(summary.data(), facts, { subtitle: 'examples/claims.json checked against rulesets/', generatedOn: '2026-03-09' }));
  browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: [...chromium.args, '--disable-background-networking', '--disable-component-update', '--no-first-run'], headless: true });
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    return url.startsWith('file:') ? route.continue() : route.abort();
  });
  page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

describe('HTML report in a browser', () => {
  it('loads from a file with no other request, no error, and the markup in a claim id shown as text', async () => {
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    expect(await page.title()).toBe('Claim check report');
    expect(await page.locator('#claims tbody tr').count()).toBe(facts.length);
    expect(await page.locator('#claims').innerText()).toContain('<img src=x onerror=alert(1)>');
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'html-report.png'), fullPage: true });
  });

  it('the summary as three SVG charts; claims by status add up to the claims', async () => {
    expect(await page.locator('figure.chart svg').count()).toBe(3);
    const bars = await page.locator('#chart-status svg g title').evaluateAll((ts) => ts.map((t) => t.textContent ?? ''));
    const total = bars.map((t) => Number(t.split(': ')[1])).reduce((a, b) => a + b, 0);
    expect(total).toBe(facts.length);
  });

  it('a click on a column heading sorts the claims table, a second click reverses it', async () => {
    const atRisk = async () => (await page.locator('#claims tbody tr td:nth-child(8)').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v')))));
    await page.locator('#claims th', { hasText: 'at risk' }).click();
    const asc = await atRisk();
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await page.locator('#claims th', { hasText: 'at risk' }).click();
    const desc = await atRisk();
    expect(desc).toEqual([...asc].sort((a, b) => b - a));
    await page.screenshot({ path: join(SHOTS, 'html-report-sorted.png') });
  });

  it('prints: the print layout opens every claim\'s details', async () => {
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    const open = await page.locator('details').evaluateAll((ds) => ds.every((d) => (d as HTMLDetailsElement).open));
    expect(open).toBe(true);
    const pdf = await page.pdf({ format: 'Letter' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.screenshot({ path: join(SHOTS, 'html-report-print.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
