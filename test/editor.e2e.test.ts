// The studio end to end in a real headless Chromium (shipped inside the @sparticuz/chromium npm
// package: no browser download), on a copy of the rulesets: every flow of issue 15 a person
// drives — first load, editing with markers, completion and quick fixes, case and claims files,
// the claim form, the test runner, the diff, a new version, the batch view with 10,000 claims,
// reference tables, themes, the command palette — plus an axe-core accessibility check, with
// screenshots in test-output/screenshots (the README's in docs/ with `npm run screenshots`). Claims are checked by the
// studio server with the reference tables: findings only the tables give (NCCI pairs, MUEs,
// ICD-10-CM validity, KX priced from the fee schedule) show in the claim form and the batch view,
// and with the tables gone the studio says "not checked: reference tables unavailable". Every
// request must stay on 127.0.0.1 and the page must log no errors and no patient data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { generateClaim, rng } from '../bench/generate.ts';
import { peekHeader } from '../dsl/index.ts';
import { walk } from './support.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const SHOTS = join(ROOT, 'test-output', 'screenshots');
// The README's pictures (docs/*.png) are rewritten only by `npm run screenshots`, so `npm test`
// leaves the working tree as it found it; otherwise they land beside the other screenshots.
const DOC_SHOTS = process.env['UPDATE_DOCS_SCREENSHOTS'] === '1' ? join(ROOT, 'docs') : SHOTS;
const FILE = 'medicare-part-b/2026.payer';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * A Medicare PT claim whose problems only the reference tables show (rows as CMS publishes them,
 * the same rulesets/medicare-part-b/tables.cases.yaml cites): 97150 with 97110 (NCCI PTP edit,
 * modifier indicator 1, no bypass), 97116 five units in a day (MUE 4, MAI 3), M54 (an ICD-10-CM
 * category in FY2025, not billable), and lines without `allowed` priced from the fee schedule past
 * the 2024 KX threshold ($2,330) from $2,300 allowed so far.
 */
const TABLES_CLAIM = {
  id: 'TABLES-DEMO', payer: 'medicare-part-b', provider: { npi: '1234567893', discipline: 'PT' }, dateOfService: '2024-11-04', placeOfService: '11', diagnoses: ['M54', 'M62.81'],
  history: { visitsThisYear: 6, therapyAllowedThisYear: { PT_SLP: 2300 } },
  lines: [
    { code: '97150', modifiers: ['GP'], units: 1, minutes: 30, diagnosisPointers: [2], charge: 60 },
    { code: '97110', modifiers: ['GP', 'KX'], units: 1, minutes: 15, diagnosisPointers: [1, 2], charge: 120 },
    { code: '97116', modifiers: ['GP'], units: 3, minutes: 45, diagnosisPointers: [2], charge: 150 },
    { code: '97116', modifiers: ['GP'], units: 2, minutes: 30, diagnosisPointers: [2], charge: 100 },
  ],
};
const TABLE_FINDINGS = [['NCCI-PTP', 'ncci-bundled'], ['MUE', 'mue-exceeded'], ['DX-VALID', 'invalid-diagnosis'], ['KX-THRESHOLD', 'kx-required']] as const;

let studio: ChildProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base = '';
let rulesets = '';
let work = '';
const offsite: string[] = [];
const consoleErrors: string[] = [];
const consoleAll: string[] = [];
let studioOut = '';

async function startStudio(dir: string): Promise<string> {
  studio = spawn(process.execPath, [join(ROOT, 'bin/payer-rules.mjs'), 'studio', '--port', '0', '--rulesets', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`studio did not start: ${out}`)), 150_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      studioOut += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    studio.stdout!.on('data', onData);
    studio.stderr!.on('data', onData);
    studio.on('exit', (code) => reject(new Error(`studio exited ${code}: ${out}`)));
  });
}

const editorText = async () => (await page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
const count = () => page.getByTestId('problem-count').innerText();
const openFromTree = async (path: string) => {
  await page.locator(`nav.files [data-path="${path}"]`).click();
  await expect.poll(() => page.getByTestId('current-file').innerText()).toContain(path);
};
/** Types lines as written (Monaco's auto-indent after Enter is replaced by the line's own). */
const typeLines = async (lines: string[]) => {
  for (const l of lines) {
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type(l.length ? l : ' ');
    if (!l.length) await page.keyboard.press('Backspace');
  }
};
const undoAll = async () => {
  await page.keyboard.press('Escape');
  await page.locator('.monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
  for (let i = 0; i < 80 && (await page.getByTestId('current-file').innerText()).includes('●'); i++) {
    await page.keyboard.press('Control+Z');
    await page.waitForTimeout(20);
  }
  if ((await page.getByTestId('current-file').innerText()).includes('●')) {
    // Undo could not get back (a test failed midway): drop the drafts and reload the file from disk.
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.getByTestId('problem-count').and(page.locator('[data-analyzed=yes]')).waitFor({ timeout: 30_000 });
  }
  await expect.poll(() => page.getByTestId('current-file').innerText()).not.toContain('●');
};

/** axe-core on the page as it is; serious and critical violations fail. Monaco's own text layers are left out. */
async function axeCheck(where: string): Promise<void> {
  await page.evaluate(AXE);
  const res = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run({ exclude: [['.monaco-editor .view-lines'], ['.monaco-editor .margin'], ['.monaco-editor .minimap']] }, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${where}: ${JSON.stringify(bad, null, 1)}`).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'studio-e2e-'));
  rulesets = join(work, 'rulesets');
  cpSync(join(ROOT, 'rulesets'), rulesets, { recursive: true });
  base = await startStudio(rulesets);
  browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: [...chromium.args, '--disable-background-networking', '--disable-component-update', '--no-first-run'], headless: true });
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  // Only 127.0.0.1 may be reached; anything else is recorded and refused.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    offsite.push(route.request().url());
    return route.abort();
  });
  page = await context.newPage();
  page.on('console', (m) => {
    consoleAll.push(m.text());
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  studio?.kill('SIGTERM');
});

describe('studio in a real browser', () => {
  it('first load opens the newest version of the first payer claims are billed to (not a base), says "checking…" until analyzed, and the URL names it', async () => {
    // Expected from the files themselves: the first ruleset id that no other ruleset extends (or
    // that has sample claims of its own), its latest effective date. cms-outpatient-therapy is a
    // base medicare-part-b extends, with no claims: passed over.
    const headers = walk(rulesets, '.payer').map((p) => {
      const text = readFileSync(p, 'utf8');
      return { path: p.slice(rulesets.length + 1), h: peekHeader({ name: p, text })!, extends: /^extends\s+(\S+)/m.exec(text)?.[1] };
    });
    const extended = new Set(headers.map((x) => x.extends));
    const billed = (id: string) => !extended.has(id) || headers.some((x) => x.h.id === id && existsSync(join(rulesets, x.path, '..', 'claims')));
    const firstId = headers.map((x) => x.h.id).filter(billed).sort()[0];
    expect(extended.has('cms-outpatient-therapy') && !billed('cms-outpatient-therapy')).toBe(true);
    const expected = headers.filter((x) => x.h.id === firstId).sort((a, b) => b.h.from! - a.h.from!)[0]!.path;
    // What the badge and the problems panel say on every frame until the first analysis.
    await page.addInitScript(() => {
      const seen: string[] = ((window as unknown as { __before: string[] }).__before = []);
      const t0 = performance.now();
      const look = () => {
        const badge = document.querySelector('[data-testid=problem-count]');
        if (badge?.getAttribute('data-analyzed') === 'yes' || performance.now() - t0 > 30_000) return;
        const panel = document.querySelector('.panel');
        seen.push(`${badge?.textContent ?? ''} | ${panel?.textContent ?? ''}`);
        requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    });
    await page.goto(base);
    await expect.poll(() => page.getByTestId('current-file').innerText(), { timeout: 30_000 }).toContain(expected);
    expect(new URL(page.url()).searchParams.get('file')).toBe(expected);
    await expect.poll(() => page.getByTestId('problem-count').getAttribute('data-analyzed'), { timeout: 30_000 }).toBe('yes');
    const before = await page.evaluate(() => (window as unknown as { __before: string[] }).__before);
    expect(before.some((t) => t.includes('checking…'))).toBe(true);
    for (const t of before) expect(t).not.toMatch(/\d+ errors?,|No problems in this file/);
    await openFromTree(FILE);
    await expect.poll(count, { timeout: 30_000 }).toBe('0 errors, 0 warnings');
    // Highlighting comes from the lexer: keywords get their own token class (Monaco tokenizes lazily).
    await expect.poll(() => page.locator('.monaco-editor .view-lines span[class^="mtk"]').evaluateAll((els) => new Set(els.map((e) => e.className)).size), { timeout: 15_000 }).toBeGreaterThan(3);
    await shot('editor');
    await page.screenshot({ path: join(DOC_SHOTS, 'studio.png') });
  });

  it('keyboard: focus does not start in the editor, 45 Tabs walk the page controls and leave the file unmodified', async () => {
    await page.goto(`${base}?file=${encodeURIComponent(FILE)}`);
    await page.locator('[data-testid=editor][data-loaded=yes]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('problem-count').getAttribute('data-analyzed'), { timeout: 30_000 }).toBe('yes');
    const inEditor = () => page.evaluate(() => !!document.activeElement?.closest('.monaco-editor'));
    expect(await inEditor()).toBe(false);
    const reached = new Set<string>();
    for (let i = 0; i < 45; i++) {
      await page.keyboard.press('Tab');
      const where = await page.evaluate(() => { const el = document.activeElement as HTMLElement | null; return el?.closest('.monaco-editor') ? 'editor' : (el?.dataset['testid'] ?? el?.dataset['path'] ?? el?.tagName ?? ''); });
      reached.add(where);
      // Inside the editor Tab inserts (Monaco's behaviour for people typing): the walk stops there.
      if (where === 'editor') break;
    }
    for (const control of ['view-rules', 'save', 'new-file', 'theme']) expect(reached, `Tab reaches ${control}`).toContain(control);
    expect(await page.getByTestId('current-file').innerText()).not.toContain('●');
    expect(await editorText()).toContain(readFileSync(join(rulesets, FILE), 'utf8').split('\n')[4]!);
    // Focus alone (a click in the editor, then out of it) does not mark the file modified.
    await page.locator('.monaco-editor .view-lines').first().click();
    expect(await inEditor()).toBe(true);
    await page.getByTestId('tab-problems').click();
    expect(await page.getByTestId('current-file').innerText()).not.toContain('●');
  });

  it('the header shows the whole file name when there is room, and the unsaved marker ● always', async () => {
    const LONG = 'cms-outpatient-therapy/2020.payer';
    await openFromTree(LONG);
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' ');
    await page.getByTestId('unsaved').waitFor({ timeout: 5_000 });
    const header = () => page.evaluate(() => {
      const box = (s: string) => document.querySelector(s)!.getBoundingClientRect();
      const name = document.querySelector('header .file-name') as HTMLElement;
      const dot = box('[data-testid=unsaved]');
      const file = box('[data-testid=current-file]');
      return { nameCut: name.scrollWidth > name.clientWidth + 1, dotShown: dot.width > 4 && dot.right <= file.right + 1 && dot.right <= window.innerWidth && dot.left >= file.left };
    });
    for (const [width, cut] of [[1920, false], [1400, false], [900, undefined], [1400, false]] as const) {
      await page.setViewportSize({ width, height: 900 });
      await expect.poll(async () => (await header()).dotShown, { timeout: 5_000 }).toBe(true);
      if (cut !== undefined) expect((await header()).nameCut, `name cut at ${width}`).toBe(cut);
      if (width === 900) await page.locator('header').screenshot({ path: join(SHOTS, 'header-narrow.png') });
    }
    expect(await page.locator('header .file-name').textContent()).toBe(LONG);
    expect(await page.getByTestId('unsaved').innerText()).toContain('●');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('unsaved').count(), { timeout: 5_000 }).toBe(0);
    await openFromTree(FILE);
  });

  it('a reload (or a link) returns to the file in the URL', async () => {
    await page.goto(`${base}?file=${encodeURIComponent('nc-medicaid/2025.payer')}`);
    await expect.poll(() => page.getByTestId('current-file').innerText(), { timeout: 30_000 }).toContain('nc-medicaid/2025.payer');
    await page.reload();
    await expect.poll(() => page.getByTestId('current-file').innerText(), { timeout: 30_000 }).toContain('nc-medicaid/2025.payer');
    await openFromTree(FILE);
    expect(new URL(page.url()).searchParams.get('file')).toBe(FILE);
  });

  it('shows a mistake as a marker with its message, and clears it when fixed', async () => {
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    try {
    await page.keyboard.type('\ncodes bad = 9711');
    await page.locator('.squiggly-error').first().waitFor({ timeout: 15_000 });
    // Polled, not read once: on a busy machine an analysis of the half-typed line (`codes `, a
    // syntax error) can be what shows first, and the one of the whole line follows.
    await expect.poll(() => page.getByTestId('problems').innerText(), { timeout: 15_000 }).toContain('PR2005');
    expect(await page.getByTestId('problems').innerText()).toContain('`9711` is not a CPT code');
    await expect.poll(count).toMatch(/^1 error/);
    await shot('problems');
    await page.keyboard.press('Control+Shift+K');
    await expect.poll(count, { timeout: 15_000 }).toBe('0 errors, 0 warnings');
    } finally {
      await undoAll();
    }
  });

  it('offers a quick fix for a misspelled name, and shows hover docs', async () => {
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    try {
    // A code set of the open file, misspelled by one letter.
    const chain = [join(rulesets, FILE), ...walk(rulesets, '.payer')];
    const set = chain.map((p) => /^codes ([a-z][a-z0-9-]{4,}) =/m.exec(readFileSync(p, 'utf8'))?.[1]).find((x) => x && !FILE.includes(x))!;
    const typo = set.slice(0, -2) + set.slice(-1);
    await page.getByTestId('tab-problems').click();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(`\ncodes typo = ${typo}`);
    await expect.poll(() => page.getByTestId('problems').innerText(), { timeout: 15_000 }).toContain(`did you mean \`${set}\`?`);
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget').getByText(`Change to \`${set}\``).click();
    await expect.poll(() => editorText()).toContain(`codes typo = ${set}`);
    // Hover from the keyboard (Ctrl+K Ctrl+I) with the cursor on the name.
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await expect.poll(async () => (await page.locator('.monaco-hover').allInnerTexts()).join('\n'), { timeout: 10_000 }).toContain(`code set ${set}`);
    } finally {
      await page.keyboard.press('Escape');
      await undoAll();
    }
  });

  it('completes fields after `claim.`, code sets right after `in ` without typing a letter, `checked` after a top-level `not`, and indents new lines by 2', async () => {
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    try {
    // Outside any block, `not` starts `not checked ID "…"`: the space after it offers `checked` alone.
    await page.keyboard.type('\nnot ');
    await page.locator('.suggest-widget.visible .monaco-list-row').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('.suggest-widget.visible .monaco-list-row').allInnerTexts()).toEqual([expect.stringContaining('checked')]);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Delete');
    await page.keyboard.type('\nrule X-1 "completion" {\nwhen claim.');
    await page.locator('.suggest-widget.visible').waitFor({ timeout: 15_000 });
    await page.keyboard.type('dateOfSe');
    await expect.poll(() => page.locator('.suggest-widget.visible .monaco-list-row.focused').innerText()).toContain('dateOfService');
    await page.keyboard.press('Enter');
    await expect.poll(() => editorText()).toContain('when claim.dateOfService');
    // Issue 15, item 5: right after `in ` the list is there, not "Loading…".
    await page.keyboard.type(' and line.code in ');
    await page.locator('.suggest-widget.visible .monaco-list-row').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('.suggest-widget.visible').innerText()).not.toContain('Loading');
    // Code sets (names) come first, then codes.
    expect(await page.locator('.suggest-widget.visible .monaco-list-row').first().innerText()).toMatch(/^[a-z]/);
    await page.keyboard.press('Escape');
    // Issue 15, item 8: a new line inside a block indents by 2, the canonical style.
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('cite');
    // Two spaces, not four (what follows `cite` is not this test's business).
    await expect.poll(() => editorText()).toMatch(/line\.code in *\n {2}cite\n/);
    } finally {
      await page.keyboard.press('Escape');
      await undoAll();
    }
    await expect.poll(count).toBe('0 errors, 0 warnings');
  });

  it('the layout shrinks back after the window grows (1400 → 1920 → 1400): no sideways scroll, nothing clipped', async () => {
    for (const width of [1920, 1400]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(300);
    }
    const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth, tree: document.querySelector('nav.files')!.getBoundingClientRect().width, tabs: document.querySelector('.tabs')!.getBoundingClientRect().right }));
    expect(m.scroll).toBeLessThanOrEqual(m.inner);
    expect(m.tree).toBeGreaterThan(100);
    expect(m.tabs).toBeLessThanOrEqual(1400);
  });

  it('runs a sample claim: findings grouped by line, a click lands on the rule, Ctrl+Enter runs the JSON', async () => {
    await openFromTree(FILE);
    await page.getByTestId('tab-claims').click();
    await page.getByTestId('sample-claims').selectOption({ label: 'MCR-OT-PROBLEMS — sample.json' });
    await page.locator('[data-testid=finding][data-rule="MOD-EVAL-GO"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('reports').innerText()).toContain('MCR-OT-PROBLEMS: errors');
    expect(await page.getByTestId('policy-line').first().innerText()).toMatch(/\.payer:\d+\n\S/);
    await shot('claims');
    // The editor lands on the rule's line, in whichever file of the chain defines it (read before
    // the click: the panel then follows the file opened, which may be another payer's).
    const where = (await page.locator('[data-testid=finding][data-rule="MOD-EVAL-GO"] [data-testid=policy-line] .where').innerText()).split(':');
    await page.locator('[data-testid=finding][data-rule="MOD-EVAL-GO"] button').click();
    await expect.poll(() => page.getByTestId('current-file').innerText()).toContain(where[0]!);
    await expect.poll(() => page.locator('.line-numbers.active-line-number').first().innerText()).toBe(where[1]);
    await openFromTree(FILE);
    await page.getByTestId('tab-claims').click();
    // Issue 15, item 4: Ctrl+Enter in the claim box runs it.
    await page.getByTestId('mode-json').click();
    const json = page.getByTestId('claim-json');
    const claim = JSON.parse(await json.inputValue()) as { id: string };
    claim.id = 'EDITED-IN-JSON';
    await json.fill(JSON.stringify(claim, null, 2));
    await json.press('Control+Enter');
    await expect.poll(() => page.getByTestId('reports').innerText(), { timeout: 10_000 }).toContain('EDITED-IN-JSON: errors');
  });

  it('the claim form chooses the version by payer and date, completes codes, and shows live findings in sync with the JSON', async () => {
    await page.getByTestId('tab-claims').click();
    await page.getByTestId('mode-form').click();
    await page.getByTestId('form-dos').fill('2025-06-02');
    await expect.poll(() => page.getByTestId('form-version').innerText()).toContain('version 2025.1');
    await page.getByTestId('form-dos').fill('2026-03-02');
    await expect.poll(() => page.getByTestId('form-version').innerText()).toContain('version 2026.1');
    expect(await page.locator('#form-codes option[value="97110"]').count()).toBe(1);
    // Live findings: too many units for the minutes is an error at once; fixing the units clears it.
    await page.getByTestId('sample-claims').selectOption({ label: 'MCR-OT-CLEAN — sample.json' });
    await expect.poll(() => page.getByTestId('report-status').first().innerText(), { timeout: 10_000 }).toContain('MCR-OT-CLEAN: clean');
    // The picker shows the sample in the box, not its prompt.
    expect(await page.getByTestId('sample-claims').locator('option:checked').innerText()).toBe('MCR-OT-CLEAN — sample.json');
    const units = page.getByTestId('form-units').first();
    const before = await units.inputValue();
    await units.fill('9');
    await expect.poll(() => page.getByTestId('report-status').first().innerText(), { timeout: 10_000 }).toContain('MCR-OT-CLEAN: errors');
    expect(await page.locator('[data-testid=finding][data-rule="UNITS-TIME"]').count()).toBeGreaterThan(0);
    await units.fill(before);
    await expect.poll(() => page.getByTestId('report-status').first().innerText(), { timeout: 10_000 }).toContain('MCR-OT-CLEAN: clean');
    await units.fill('9');
    await expect.poll(() => page.getByTestId('report-status').first().innerText(), { timeout: 10_000 }).toContain('MCR-OT-CLEAN: errors');
    await shot('claim-form');
    await page.getByTestId('mode-json').click();
    const inJson = JSON.parse(await page.getByTestId('claim-json').inputValue()) as { id: string; lines: { units: number }[] };
    expect(inJson.id).toBe('MCR-OT-CLEAN');
    expect(inJson.lines[0]!.units).toBe(9);
    // Findings only the reference tables give, checked by the studio server as `payer-rules eval` would.
    await page.getByTestId('claim-json').fill(JSON.stringify(TABLES_CLAIM, null, 2));
    await page.getByTestId('mode-form').click();
    for (const [rule, kind] of TABLE_FINDINGS) await expect.poll(() => page.locator(`[data-testid=finding][data-rule="${rule}"]`).first().innerText().catch(() => ''), { timeout: 15_000 }).toContain(kind);
    const reports = await page.getByTestId('reports').innerText();
    expect(reports).toContain('TABLES-DEMO: errors');
    expect(reports).toMatch(/tables: cdc-icd10cm FY2025/);
    // Checked, so not listed as "not checked".
    for (const [rule] of TABLE_FINDINGS) expect(await page.locator(`[data-testid=not-checked][data-rule="${rule}"]`).count()).toBe(0);
    await shot('claim-form-tables');
    await page.locator('.panels').screenshot({ path: join(DOC_SHOTS, 'claim-form.png') });
  });

  it('without the reference tables, the table checks say "not checked: reference tables unavailable", never ok', async () => {
    renameSync(join(rulesets, 'tables'), join(work, 'tables-away'));
    try {
      await page.getByTestId('run').click();
      await expect.poll(() => page.getByTestId('tables-unavailable').innerText().catch(() => ''), { timeout: 15_000 }).toContain('Not checked: reference tables unavailable');
      for (const [rule] of TABLE_FINDINGS) {
        expect(await page.locator(`[data-testid=finding][data-rule="${rule}"]`).count()).toBe(0);
        expect(await page.locator(`[data-testid=not-checked][data-rule="${rule}"]`).first().innerText()).toContain('reference tables unavailable');
      }
      await shot('claim-tables-unavailable');
    } finally {
      renameSync(join(work, 'tables-away'), join(rulesets, 'tables'));
    }
    await page.getByTestId('run').click();
    await expect.poll(() => page.locator('[data-testid=finding][data-rule="NCCI-PTP"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('tables-unavailable').count()).toBe(0);
  });

  it("saves the claim as a test case, and another payer's file starts from that payer's claims", async () => {
    await page.getByTestId('save-case-name').fill('saved from the form');
    await page.getByTestId('save-case').click();
    await expect.poll(() => page.getByTestId('save-case-status').innerText(), { timeout: 10_000 }).toContain('added to medicare-part-b/studio.cases.yaml');
    const saved = readFileSync(join(rulesets, 'medicare-part-b/studio.cases.yaml'), 'utf8');
    expect(saved).toContain('name: saved from the form');
    expect(saved).toContain('check it against the policy');
    // Issue 15, item 7.
    await openFromTree('premera-commercial/2025.payer');
    await page.getByTestId('tab-claims').click();
    await page.getByTestId('run').click();
    await expect.poll(() => page.getByTestId('reports').innerText(), { timeout: 10_000 }).toContain('premera-commercial');
    expect(await page.getByTestId('reports').innerText()).not.toContain('medicare-part-b');
    await openFromTree(FILE);
  });

  it('the claim form: the payer in use, who rendered each line, a new line pointing at the first diagnosis, and it fits at 1400×900', async () => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.getByTestId('tab-claims').click();
    await page.getByTestId('mode-json').click();
    // No payer: checked against the open ruleset (medicare-part-b), as the form now says.
    const claim = { id: 'FORM-1', dateOfService: '2026-03-02', placeOfService: '11', provider: { npi: '1234567893', discipline: 'PT' }, diagnoses: ['M62.81'], lines: [{ code: '97110', modifiers: ['GP'], units: 1, minutes: 15, renderedBy: 'OTA', diagnosisPointers: [1], charge: 40 }] };
    await page.getByTestId('claim-json').fill(JSON.stringify(claim, null, 2));
    await page.getByTestId('mode-form').click();
    expect(await page.getByTestId('form-payer').locator('option:checked').innerText()).toContain('medicare-part-b');
    await expect.poll(() => page.getByTestId('form-version').innerText()).toContain('version 2026.1');
    await expect.poll(() => page.getByTestId('reports').innerText(), { timeout: 10_000 }).toContain('medicare-part-b 2026.1');
    // Who rendered the line is shown and editable (an OTA on a PT line is a finding; PT is not).
    expect(await page.getByTestId('form-rendered-by').first().inputValue()).toBe('OTA');
    await page.getByTestId('form-rendered-by').first().selectOption('PT');
    await page.getByTestId('form-add-line').click();
    await page.getByTestId('form-code').nth(1).fill('97112');
    await page.getByTestId('form-modifiers').nth(1).fill('GP');
    await page.getByTestId('form-minutes').nth(1).fill('15');
    await expect.poll(() => page.getByTestId('report-status').first().innerText(), { timeout: 10_000 }).toContain('FORM-1: no findings, not fully checked');
    expect(await page.locator('[data-testid=finding][data-rule="DX-LINE-POINTER"]').count()).toBe(0);
    await page.getByTestId('mode-json').click();
    const lines = (JSON.parse(await page.getByTestId('claim-json').inputValue()) as { lines: { renderedBy?: string; diagnosisPointers?: number[] }[] }).lines;
    expect(lines.map((l) => [l.renderedBy, l.diagnosisPointers])).toEqual([['PT', [1]], [undefined, [1]]]);
    await page.getByTestId('mode-form').click();
    // It fits: no sideways scroll, every ✕ inside the column, also with a code field focused.
    const fits = () => page.evaluate(() => {
      const col = document.querySelector('.claim-input') as HTMLElement;
      const box = col.getBoundingClientRect();
      const rm = [...col.querySelectorAll('button[aria-label^="remove line"]')].map((b) => b.getBoundingClientRect());
      return { scroll: col.scrollWidth - col.clientWidth, scrolled: col.scrollLeft, removeInside: rm.length > 0 && rm.every((r) => r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1) };
    });
    expect(await fits()).toEqual({ scroll: 0, scrolled: 0, removeInside: true });
    await page.getByTestId('form-code').nth(1).focus();
    expect(await fits()).toEqual({ scroll: 0, scrolled: 0, removeInside: true });
    await page.locator('.panels').screenshot({ path: join(SHOTS, 'claim-form-1400.png') });
  });

  it('claims files are highlighted as JSON: keys, strings and numbers each in their own color', async () => {
    await openFromTree('medicare-part-b/claims/sample.json');
    const classOf = (text: string) => page.locator('.monaco-editor .view-lines span[class^="mtk"]', { hasText: text }).first().getAttribute('class');
    // Monaco colors lines as it tokenizes them (in the background): wait until it has.
    const classes = async () => new Set(await Promise.all([classOf('"dateOfService"'), classOf('"MCR-OT-CLEAN"'), page.locator('.monaco-editor .view-lines span[class^="mtk"]').filter({ hasText: /^\d+$/ }).first().getAttribute('class')])).size;
    await expect.poll(classes, { timeout: 15_000 }).toBe(3);
  });

  it('case files: highlighted, checked against the case schema, completed, saved without phantom errors, and run as tests', async () => {
    await openFromTree('medicare-part-b/units.cases.yaml');
    await page.getByTestId('tab-problems').click();
    await expect.poll(count, { timeout: 15_000 }).toBe('0 errors, 0 warnings');
    await expect.poll(() => page.locator('.monaco-editor .view-lines span[class^="mtk"]').evaluateAll((els) => new Set(els.map((e) => e.className)).size), { timeout: 15_000 }).toBeGreaterThan(2);
    // Issue 15, item 2: saving a valid case file reports no errors, and its cases run.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('# saved from the studio\n');
    await page.keyboard.press('Control+S');
    await expect.poll(() => page.getByTestId('status').innerText(), { timeout: 15_000 }).toBe('saved medicare-part-b/units.cases.yaml');
    await page.getByTestId('tab-tests').click();
    await page.getByTestId('run-tests').click();
    await expect.poll(() => page.getByTestId('tests-summary').innerText(), { timeout: 30_000 }).toMatch(/^[1-9]\d* passed, \d+ failed$/);
    // Only this file's cases ran, against the saved rulesets (never "the ruleset has errors").
    expect(await page.locator('.tests').innerText()).not.toContain('has errors');
    for (const t of await page.getByTestId('case').allInnerTexts()) expect(t).toContain('units.cases.yaml');
    // A new case file: a mistyped key is marked at the key, and completion offers the case's keys.
    await page.getByTestId('new-file').click();
    await page.getByTestId('new-file-kind').selectOption('cases');
    await page.getByTestId('new-file-payer').fill('medicare-part-b');
    await page.getByTestId('new-file-name').fill('scratch');
    await page.getByTestId('new-file-create').click();
    await expect.poll(() => page.getByTestId('current-file').innerText(), { timeout: 15_000 }).toContain('medicare-part-b/scratch.cases.yaml');
    await page.getByTestId('tab-problems').click();
    await expect.poll(count, { timeout: 15_000 }).toBe('0 errors, 0 warnings');
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Backspace');
    await typeLines(['  - name: typo', '    expct: { status: clean }']);
    await expect.poll(() => page.getByTestId('problems').innerText(), { timeout: 15_000 }).toContain('PR5002');
    await shot('case-file-problem');
    await typeLines(['  - name: completion', '    x']);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Control+Space');
    await expect.poll(() => page.locator('.suggest-widget.visible').innerText(), { timeout: 10_000 }).toContain('claimRef');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+S');
  });

  it('the test runner: failures first, grouped by version, filter, a click opens the case; coverage in the margin', async () => {
    await openFromTree(FILE);
    writeFileSync(join(rulesets, 'medicare-part-b', 'zz-failing.cases.yaml'), 'cases:\n  - name: deliberately failing\n    claim: { id: F1, dateOfService: "2026-03-02", lines: [{ code: "97110", units: 3, minutes: 15 }] }\n    expect: { status: clean }\n');
    await page.reload();
    await expect.poll(() => page.getByTestId('current-file').innerText(), { timeout: 30_000 }).toContain(FILE);
    await page.getByTestId('tab-tests').click();
    await page.getByTestId('run-tests').click();
    await expect.poll(() => page.getByTestId('tests-summary').innerText(), { timeout: 30_000 }).toMatch(/^\d+ passed, \d+ failed$/);
    const failing = (await page.locator('[data-testid=case].fail, [data-testid=case].error').allInnerTexts()).map((t) => t.split('\n')[0]!);
    expect(failing.some((t) => t.includes('deliberately failing'))).toBe(true);
    // Failures first: in each version's group, no passing case above a failing one; groups with failures first.
    const groups = await page.getByTestId('case-group').evaluateAll((gs) => gs.map((g) => [...g.querySelectorAll('[data-testid=case]')].map((e) => e.className)));
    for (const g of groups) expect(g.indexOf('pass') === -1 || g.slice(g.indexOf('pass')).every((c) => c === 'pass')).toBe(true);
    const withFailures = groups.map((g) => g.some((c) => c !== 'pass'));
    expect(withFailures.indexOf(false) === -1 || withFailures.slice(withFailures.indexOf(false)).every((x) => !x)).toBe(true);
    const first = page.locator('[data-testid=case]', { hasText: 'deliberately failing' });
    expect(await page.getByTestId('case-group').allInnerTexts()).toContainEqual(expect.stringContaining('medicare-part-b 2026.1'));
    await page.getByTestId('tests-filter').fill('KX');
    expect(await page.getByTestId('case').count()).toBeGreaterThan(0);
    for (const t of await page.getByTestId('case').allInnerTexts()) expect(t.toLowerCase()).toContain('kx');
    await page.getByTestId('tests-filter').fill('');
    await shot('tests');
    await first.locator('button').click();
    await expect.poll(() => page.getByTestId('current-file').innerText()).toContain('medicare-part-b/zz-failing.cases.yaml');
    await expect.poll(() => page.locator('.line-numbers.active-line-number').first().innerText()).toBe('2');
    // A rule no case covers gets a dot in the margin of its line (the tests run on the unsaved buffer).
    await openFromTree(FILE);
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    // Monaco closes the brace itself.
    await typeLines(['rule ZZ-UNTESTED "no case covers this" warning {', '  when count(claim.diagnoses) > 11', '  cite "e2e"']);
    await expect.poll(() => editorText(), { timeout: 15_000 }).toMatch(/cite "e2e"\n\}/);
    await page.getByTestId('tab-tests').click();
    await page.getByTestId('run-tests').click();
    await expect.poll(() => page.getByTestId('coverage').innerText(), { timeout: 30_000 }).toContain('ZZ-UNTESTED');
    await expect.poll(() => page.locator('.cov-never-fired').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await undoAll();
  });

  it('the diff as a picture: text side by side, the change list, and the claims whose outcome changes', async () => {
    await page.getByTestId('tab-diff').click();
    await page.getByTestId('diff-against').selectOption('medicare-part-b/2025.payer');
    await expect.poll(() => page.getByTestId('diff-output').innerText(), { timeout: 30_000 }).toContain('2025.1 → 2026.1');
    expect(await page.getByTestId('rule-change').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('diff-claims-impact').innerText()).toMatch(/\d+ of [1-9]\d* claims change outcome/);
    await page.locator('[data-testid=diff-text] .monaco-diff-editor').waitFor({ timeout: 15_000 });
    // The text diff shows what changed (2025.1 → 2026.1: the version line, the KX amount, the
    // citation): changed lines and characters highlighted, two readable panes side by side.
    const panes = () => page.evaluate(() => {
      const q = (s: string) => document.querySelectorAll(`[data-testid=diff-text] ${s}`);
      const width = (s: string) => (q(s)[0] as HTMLElement | undefined)?.getBoundingClientRect().width ?? 0;
      return { original: width('.original-in-monaco-diff-editor'), modified: width('.modified-in-monaco-diff-editor'), host: width('.monaco-diff-editor'), inserted: q('.line-insert').length, deleted: q('.line-delete').length, chars: q('.char-insert').length + q('.char-delete').length };
    });
    for (const width of [1920, 1400]) {
      await page.setViewportSize({ width, height: 900 });
      await expect.poll(async () => (await panes()).inserted, { timeout: 15_000 }).toBeGreaterThan(0);
      await expect.poll(async () => { const p = await panes(); return p.original > 0.4 * p.host && p.modified > 0.4 * p.host; }, { timeout: 10_000 }).toBe(true);
      const p = await panes();
      expect(p.deleted, `at ${width}`).toBeGreaterThan(0);
      expect(p.chars, `at ${width}`).toBeGreaterThan(0);
      expect(p.original, `at ${width}`).toBeGreaterThan(300);
    }
    await page.locator('[data-testid=diff-text]').scrollIntoViewIfNeeded();
    await shot('diff-text');
    // Inline: one pane with the deleted lines above the inserted ones, both highlighted.
    await page.getByTestId('diff-side-by-side').uncheck();
    await expect.poll(async () => { const p = await panes(); return p.inserted > 0 && p.deleted > 0 && p.modified > 0.8 * p.host; }, { timeout: 15_000 }).toBe(true);
    await shot('diff-inline');
    await page.getByTestId('diff-side-by-side').check();
    await page.getByTestId('diff-claims').selectOption('medicare-part-b/claims/kx-2025-2026.json');
    await expect.poll(() => page.getByTestId('diff-claims-impact').innerText(), { timeout: 15_000 }).toMatch(/of 3 claims change outcome/);
    await shot('diff');
  });

  it('a new version in one step: copies the latest, ends nothing that does not overlap, copies its cases, opens the diff', async () => {
    await page.getByTestId('new-version').click();
    await page.getByTestId('new-version-ruleset').selectOption('medicare-part-b');
    await page.getByTestId('new-version-version').fill('2027.1');
    await page.getByTestId('new-version-create').click();
    await expect.poll(() => page.getByTestId('current-file').innerText(), { timeout: 30_000 }).toContain('medicare-part-b/2027.payer');
    expect(readFileSync(join(rulesets, 'medicare-part-b/2027.payer'), 'utf8')).toContain('version 2027.1 effective 2027-01-01 through 2027-12-31');
    expect(existsSync(join(rulesets, 'medicare-part-b/2027.units.cases.yaml'))).toBe(true);
    await expect.poll(() => page.getByTestId('diff-output').innerText(), { timeout: 30_000 }).toContain('2026.1 → 2027.1');
    await shot('new-version');
    // Issue 15, item 1: a version that overlaps another is an error in the studio, as in `check`.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    // The version line, wherever the file's header comment ends.
    const versionLine = readFileSync(join(rulesets, 'medicare-part-b/2027.payer'), 'utf8').split('\n').findIndex((l) => l.startsWith('version '));
    for (let i = 0; i < versionLine; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type('version 2027.1 effective 2026-06-01 through 2027-12-31');
    await page.getByTestId('tab-problems').click({ noWaitAfter: true });
    await expect.poll(() => page.getByTestId('problems').innerText(), { timeout: 15_000 }).toContain('PR2033');
    await undoAll();
  });

  it('the text diff shown, rebuilt and left many times: the editor\'s find widget, hovers and lists still work, with no "disposed" errors', async () => {
    // Monaco leaves its global hover factory holding the services of the last diff editor made;
    // a disposed one breaks every later widget of the main editor (microsoft/monaco-editor#4612).
    // The find widget is built on first use, so Ctrl+F after the diff is gone shows it at once.
    if (page.isClosed() || !page.url().includes('127.0.0.1')) await page.goto(base);
    await page.getByTestId('problem-count').and(page.locator('[data-analyzed=yes]')).waitFor({ timeout: 30_000 });
    await openFromTree(FILE);
    const before = consoleErrors.length;
    for (let i = 0; i < 3; i++) {
      await page.getByTestId('tab-diff').click();
      await page.locator('[data-testid=diff-text] .monaco-diff-editor').waitFor({ timeout: 15_000 });
      await page.getByTestId('diff-against').selectOption(i % 2 ? 'saved' : 'medicare-part-b/2025.payer');
      await page.getByTestId('diff-side-by-side').uncheck();
      await page.getByTestId('diff-side-by-side').check();
      await page.getByTestId('tab-problems').click();
      await expect.poll(() => page.locator('[data-testid=diff-text]').count()).toBe(0);
    }
    await page.getByTestId('tab-diff').click();
    await page.locator('[data-testid=diff-text] .monaco-diff-editor').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=diff-text] .monaco-diff-editor').count()).toBe(1);
    await page.getByTestId('tab-problems').click();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+F');
    await page.locator('.monaco-editor .find-widget.visible').waitFor({ timeout: 10_000 });
    await page.keyboard.type('version');
    await expect.poll(() => page.locator('.monaco-editor .find-widget .matchesCount').innerText()).toMatch(/of/);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Space');
    await page.locator('.monaco-editor .suggest-widget.visible').waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    expect(consoleErrors.slice(before)).toEqual([]);
  });

  it('New file: 2028.payer in a new payer folder writes version 2028.1 for 2028', async () => {
    await page.getByTestId('new-file').click();
    await page.getByTestId('new-file-payer').fill('acme-ppo');
    await page.getByTestId('new-file-name').fill('2028');
    await expect.poll(() => page.getByTestId('new-file-path').innerText()).toBe('acme-ppo/2028.payer');
    await axeCheck('new file dialog');
    await page.getByTestId('new-file-create').click();
    await expect.poll(() => page.getByTestId('current-file').innerText(), { timeout: 15_000 }).toContain('acme-ppo/2028.payer');
    expect(readFileSync(join(rulesets, 'acme-ppo/2028.payer'), 'utf8')).toContain('version 2028.1 effective 2028-01-01 through 2028-12-31');
    await expect.poll(count, { timeout: 15_000 }).toBe('0 errors, 0 warnings');
    await openFromTree(FILE);
  });

  it('the batch view: 10,000 claims evaluated in a worker with progress, sorted, filtered, charted, a claim beside its policy lines, CSV out', async () => {
    const r = rng(15);
    const ndjson = Array.from({ length: 10_000 }, (_, i) => JSON.stringify(generateClaim(r, i, ['medicare-part-b', 'uhc-medicare-advantage', 'nc-medicaid']))).join('\n') + '\n';
    await page.getByTestId('view-batch').click();
    // A run can be cancelled: the claims checked so far stay, and the view says how far it got.
    await page.getByTestId('batch-file').setInputFiles({ name: 'march.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(ndjson) });
    await expect.poll(() => page.getByTestId('batch-progress').innerText().catch(() => ''), { timeout: 60_000 }).toMatch(/[1-9][\d,]* of 10,000 claims checked/);
    await page.getByTestId('batch-cancel').click();
    await expect.poll(() => page.getByTestId('batch-info').innerText().catch(() => ''), { timeout: 60_000 }).toMatch(/cancelled after [\d,]+ of 10,000 claims/);
    expect(Number((await page.getByTestId('batch-shown').innerText()).split(' of ')[1]!.split(' ')[0]!.replace(/,/g, ''))).toBeLessThan(10_000);
    await page.getByTestId('batch-file').setInputFiles({ name: 'march.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(ndjson) });
    await expect.poll(() => page.getByTestId('batch-info').innerText().catch(() => ''), { timeout: 120_000 }).toMatch(/^march\.ndjson: 10,000 claims read as ndjson/);
    // The page stayed responsive while the worker ran: typing in the filter works at once.
    await page.getByTestId('batch-filter').fill('');
    expect(await page.getByTestId('batch-shown').innerText()).toBe('10,000 of 10,000 claims');
    // Virtualized: only the rows in view are in the page.
    expect(await page.getByTestId('batch-row').count()).toBeLessThan(100);
    // The Rules column is inside the table at 1400 px, and the charts' boxes are not cut at the bottom.
    const layout = await page.evaluate(() => {
      const grid = document.querySelector('[data-testid=batch-rows]')!.getBoundingClientRect();
      const rules = document.querySelector('[data-testid=batch-row] .col-rules')!.getBoundingClientRect();
      const summary = document.querySelector('.batch-summary') as HTMLElement;
      const box = summary.getBoundingClientRect();
      const below = [...summary.querySelectorAll('*')].map((e) => [`${e.tagName}.${e.className}`, Math.round(e.getBoundingClientRect().bottom - box.bottom)] as const).filter(([, d]) => d > 1);
      return { rulesInside: rules.right <= grid.right + 1 && rules.width >= 80, summaryCut: summary.scrollHeight - summary.clientHeight, below: JSON.stringify(below.slice(0, 8)), height: box.height };
    });
    expect(layout.rulesInside).toBe(true);
    expect(layout.summaryCut, `${layout.height}: ${layout.below}`).toBeLessThanOrEqual(1);
    // Clean claims on which checks could not be made are told apart from the clean ones, and filterable.
    const clean = Number((await page.getByTestId('tile-clean').innerText()).split(' ')[0]!.replace(/,/g, ''));
    const unchecked = Number((await page.getByTestId('tile-clean-unchecked').innerText()).split(' ')[0]!.replace(/,/g, ''));
    expect(unchecked).toBeGreaterThan(0);
    expect(unchecked).toBeLessThanOrEqual(clean);
    expect(await page.getByTestId('tile-clean-unchecked').innerText()).toContain('with checks not made');
    await page.getByTestId('tile-clean-unchecked').click();
    expect(await page.getByTestId('batch-shown').innerText()).toBe(`${unchecked.toLocaleString('en-US')} of 10,000 claims`);
    expect(await page.getByTestId('batch-row').first().innerText()).toContain('clean');
    await page.getByTestId('tile-clean-unchecked').click();
    expect(await page.getByTestId('batch-shown').innerText()).toBe('10,000 of 10,000 claims');
    await page.getByTestId('sort-atRiskCents').click();
    await page.getByTestId('sort-atRiskCents').click();
    const top = await page.getByTestId('batch-row').first().innerText();
    expect(top).toMatch(/\$[\d,]+\.\d\d/);
    await page.getByTestId('tile-errors').click();
    const shown = Number((await page.getByTestId('batch-shown').innerText()).split(' ')[0]!.replace(/,/g, ''));
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10_000);
    // A claim with a finding only the NCCI table gives (among the errors), beside the policy line that checks it.
    await page.getByTestId('batch-filter').fill('NCCI-PTP');
    await page.getByTestId('batch-row').first().click();
    await page.getByTestId('batch-detail').locator('[data-testid=finding][data-rule="NCCI-PTP"]').first().waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('batch-detail').locator('[data-testid=finding][data-rule="NCCI-PTP"]').first().innerText()).toContain('ncci-bundled');
    expect(await page.getByTestId('batch-detail').getByTestId('policy-line').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('tables-unavailable').count()).toBe(0);
    await shot('batch');
    await page.screenshot({ path: join(DOC_SHOTS, 'batch.png') });
    await page.getByTestId('batch-filter').fill('');
    await page.getByTestId('tile-errors').click();
    expect(await page.getByTestId('tile-errors').getAttribute('aria-pressed')).toBe('false');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('batch-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('claim,status,line,code,rule,kind,severity,message,fix,citation');
    expect(csv.split('\r\n').length).toBeGreaterThan(100);
    await axeCheck('batch view');
  });

  it('the batch view reads X12 837P with the minutes, claim facts and payer map eval takes (--minutes, --overlay, --payers)', async () => {
    const ex = (f: string) => ({ name: f, mimeType: 'text/plain', buffer: readFileSync(join(ROOT, 'examples', f)) });
    await page.getByTestId('batch-file').setInputFiles(ex('claims.837'));
    await expect.poll(() => page.getByTestId('batch-info').innerText(), { timeout: 30_000 }).toMatch(/claims? read as x12/);
    expect(await page.getByTestId('batch-row').count()).toBeGreaterThan(0);
    // Without the payer map the 837P payer ids name no ruleset; with the extra files, as eval reads them.
    const before = await page.getByTestId('batch-summary').innerText();
    await page.getByTestId('batch-payers').setInputFiles(ex('payers.json'));
    await page.getByTestId('batch-minutes').setInputFiles(ex('minutes.csv'));
    await page.getByTestId('batch-overlay').setInputFiles(ex('overlay.ndjson'));
    await expect.poll(() => page.getByTestId('batch-info').innerText(), { timeout: 30_000 }).toContain('with --minutes minutes.csv, --overlay overlay.ndjson, --payers payers.json');
    expect(await page.getByTestId('batch-summary').innerText()).not.toBe(before);
    // The rows fill as the run goes: wait for the mapped payer's ruleset to show.
    await expect
      .poll(async () => (await page.locator('[data-testid=batch-row] .col-ruleset').allInnerTexts()).some((r) => r.startsWith('medicare-part-b')), { timeout: 30_000 })
      .toBe(true);
    await shot('batch-837-supplements');
    await page.getByTestId('batch-payers-clear').click();
    await page.getByTestId('batch-minutes-clear').click();
    await page.getByTestId('batch-overlay-clear').click();
    await page.getByTestId('view-rules').click();
  });

  it('reference tables: a code across NCCI, MUE, validity and fee tables with release and dates', async () => {
    await page.getByTestId('tab-tables').click();
    await page.getByTestId('tables-code').fill('97110');
    await page.getByTestId('tables-search').click();
    await expect.poll(() => page.getByTestId('tables-count').innerText(), { timeout: 30_000 }).toMatch(/^\d+ rows?$/);
    const text = await page.locator('.tables-panel').innerText();
    expect(text).toContain('cms-mue-practitioner');
    expect(text).toMatch(/\d{4}-\d{2}-\d{2}/);
    await shot('tables');
  });

  it('the command palette runs studio commands; the shortcut sheet lists them; keyboard users see focus', async () => {
    await page.getByTestId('view-rules').click();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('F1');
    await page.keyboard.type('Studio: Keyboard');
    await page.keyboard.press('Enter');
    await page.getByTestId('shortcuts').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('shortcuts').innerText()).toContain('Run the claim against this ruleset');
    await axeCheck('shortcut sheet');
    await shot('shortcuts');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts').waitFor({ state: 'detached' });
    // Tab from the top of the page reaches the header's buttons with a visible focus ring.
    await page.getByTestId('view-rules').focus();
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const s = getComputedStyle(el);
      return { tag: el.tagName, outline: s.outlineStyle, width: s.outlineWidth };
    });
    expect(ring.tag).toBe('BUTTON');
    expect(ring.outline).toBe('solid');
    expect(ring.width).toBe('2px');
  });

  it('a dark theme that follows the system, with no serious accessibility violations', async () => {
    await page.getByTestId('view-rules').click();
    await page.getByTestId('tab-claims').click();
    await axeCheck('rules view, light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    expect(await page.locator('.monaco-editor').first().evaluate((e) => e.classList.contains('vs-dark'))).toBe(true);
    await shot('dark');
    await axeCheck('rules view, dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('saves to disk, and a change on disk behind its back is a conflict where nothing is lost', async () => {
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('# edited in the studio\n');
    await page.keyboard.press('Control+S');
    await expect.poll(() => page.getByTestId('status').innerText()).toContain(`saved ${FILE}`);
    expect(readFileSync(join(rulesets, FILE), 'utf8').startsWith('# edited in the studio\n')).toBe(true);
    const theirs = readFileSync(join(rulesets, FILE), 'utf8') + '# a change made outside the studio\n';
    writeFileSync(join(rulesets, FILE), theirs);
    await page.keyboard.type('# my second edit\n');
    await page.keyboard.press('Control+S');
    await page.getByTestId('conflict').waitFor({ timeout: 10_000 });
    expect(readFileSync(join(rulesets, FILE), 'utf8')).toBe(theirs);
    await page.getByTestId('compare').click();
    await page.getByTestId('compare-view').waitFor();
    await shot('conflict');
    await page.reload();
    await expect.poll(() => editorText(), { timeout: 30_000 }).toContain('# my second edit');
    expect(await page.getByTestId('status').innerText()).toContain('restored your unsaved changes');
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+S');
    await page.getByTestId('conflict').waitFor();
    await page.getByTestId('keep-mine').click();
    await expect.poll(() => page.getByTestId('status').innerText(), { timeout: 15_000 }).toContain(`saved ${FILE}`);
    const onDisk = readFileSync(join(rulesets, FILE), 'utf8');
    expect(onDisk).toContain('# my second edit');
    expect(onDisk).not.toContain('# a change made outside the studio');
  });

  it('warns before closing a tab with unsaved changes', async () => {
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.type('# unsaved\n');
    let asked = false;
    page.once('dialog', async (d) => {
      asked = d.type() === 'beforeunload';
      await d.dismiss();
    });
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => asked).toBe(true);
  });

  it('made no request beyond 127.0.0.1 and logged no errors or patient data', () => {
    expect(offsite).toEqual([]);
    for (const marker of ['PAT-SAMPLE-1', '1948-02-11']) {
      expect(studioOut).not.toContain(marker);
      expect(consoleAll.join('\n')).not.toContain(marker);
    }
    // The one expected failure: Chromium logs the server's 409 answer to the conflicting save.
    expect(consoleErrors.filter((e) => !/status of 409 \(Conflict\)/.test(e))).toEqual([]);
  });
});
