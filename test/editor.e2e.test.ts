// The studio end to end in a real headless Chromium (shipped inside the @sparticuz/chromium npm
// package: no browser download). Starts the studio on a copy of the rulesets, then edits, completes,
// runs a claim, jumps to a rule, saves, and survives a conflicting change on disk. Every request
// must stay on 127.0.0.1 and the page must log no errors. Screenshots go to test-output/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';

const ROOT = new URL('../', import.meta.url).pathname;
const SHOTS = join(ROOT, 'test-output', 'screenshots');
const FILE = 'medicare-part-b/2026.payer';

let studio: ChildProcess;
let browser: Browser;
let page: Page;
let base = '';
let rulesets = '';
const offsite: string[] = [];
const consoleErrors: string[] = [];
const consoleAll: string[] = [];
let studioOut = '';

async function startStudio(dir: string): Promise<string> {
  studio = spawn(process.execPath, [join(ROOT, 'bin/payer-rules.mjs'), 'studio', '--port', '0', '--rulesets', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`studio did not start: ${out}`)), 90_000);
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

const editorText = async () => (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  rulesets = join(mkdtempSync(join(tmpdir(), 'studio-e2e-')), 'rulesets');
  cpSync(join(ROOT, 'rulesets'), rulesets, { recursive: true });
  base = await startStudio(rulesets);
  browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: [...chromium.args, '--disable-background-networking', '--disable-component-update', '--no-first-run'], headless: true });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
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
}, 180_000);

afterAll(async () => {
  await browser?.close();
  studio?.kill('SIGTERM');
});

describe('studio in a real browser', () => {
  it('opens medicare-part-b with no problems', async () => {
    await page.goto(`${base}?file=${encodeURIComponent(FILE)}`);
    await page.locator('.monaco-editor .view-lines').waitFor();
    await expect.poll(() => page.getByTestId('current-file').innerText()).toContain(FILE);
    await expect.poll(() => page.getByTestId('problem-count').innerText(), { timeout: 30_000 }).toBe('0 errors, 0 warnings');
    // Highlighting comes from the lexer: keywords get their own token class (Monaco tokenizes lazily).
    await expect.poll(() => page.locator('.monaco-editor .view-lines span[class^="mtk"]').evaluateAll((els) => new Set(els.map((e) => e.className)).size), { timeout: 15_000 }).toBeGreaterThan(3);
    await shot('editor');
  });

  it('shows a mistake as a marker with its message, and clears it when fixed', async () => {
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\ncodes bad = 9711');
    await page.locator('.squiggly-error').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('problem-count').innerText()).toMatch(/^1 error/);
    const problems = await page.getByTestId('problems').innerText();
    expect(problems).toContain('PR2005');
    expect(problems).toContain('`9711` is not a CPT code');
    await shot('problems');
    await page.keyboard.press('Control+Shift+K');
    await expect.poll(() => page.getByTestId('problem-count').innerText(), { timeout: 15_000 }).toBe('0 errors, 0 warnings');
    expect(await page.locator('.squiggly-error').count()).toBe(0);
  });

  it('offers a quick fix for a misspelled name, and shows hover docs', async () => {
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\ncodes typo = pt-evaluatons');
    await expect.poll(() => page.getByTestId('problems').innerText(), { timeout: 15_000 }).toContain('did you mean `pt-evaluations`?');
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget').getByText('Change to `pt-evaluations`').click();
    await expect.poll(() => editorText()).toContain('codes typo = pt-evaluations');
    await page.locator('.monaco-editor .view-lines').getByText('pt-evaluations', { exact: true }).last().hover();
    await expect.poll(async () => (await page.locator('.monaco-hover').allInnerTexts()).join('\n'), { timeout: 10_000 }).toContain('code set pt-evaluations');
    await page.keyboard.press('Escape');
    for (let i = 0; i < 20 && (await page.getByTestId('current-file').innerText()).includes('●'); i++) {
      await page.keyboard.press('Control+Z');
      await page.waitForTimeout(50);
    }
    await expect.poll(() => page.getByTestId('current-file').innerText()).not.toContain('●');
  });

  it('offers completions in context and accepts one', async () => {
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nrule X-1 "completion" {\nwhen claim.');
    await page.locator('.suggest-widget.visible').waitFor({ timeout: 15_000 });
    await page.keyboard.type('dateOfSe');
    await expect.poll(() => page.locator('.suggest-widget.visible .monaco-list-row.focused').innerText()).toContain('dateOfService');
    await page.keyboard.press('Enter');
    await expect.poll(() => editorText()).toContain('when claim.dateOfService');
    // Undo back to the saved text.
    for (let i = 0; i < 40 && (await page.getByTestId('current-file').innerText()).includes('●'); i++) {
      await page.keyboard.press('Control+Z');
      await page.waitForTimeout(50);
    }
    await expect.poll(() => page.getByTestId('current-file').innerText()).not.toContain('●');
    await expect.poll(() => page.getByTestId('problem-count').innerText()).toBe('0 errors, 0 warnings');
  });

  it('runs a sample claim, shows its findings, and a click lands on the rule', async () => {
    await page.getByTestId('tab-claims').click();
    await page.getByTestId('sample-claims').selectOption({ label: 'MCR-OT-PROBLEMS — sample.json' });
    await page.getByTestId('run').click();
    await page.locator('[data-testid=finding][data-rule="MOD-EVAL-GO"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('reports').innerText()).toContain('MCR-OT-PROBLEMS: errors');
    await shot('claims');
    await page.locator('[data-testid=finding][data-rule="MOD-EVAL-GO"]').click();
    const lines = readFileSync(join(rulesets, FILE), 'utf8').split('\n');
    const ruleLine = lines.findIndex((l) => l.includes('MOD-EVAL-GO:')) + 1;
    await expect.poll(() => page.locator('.line-numbers.active-line-number').first().innerText()).toBe(String(ruleLine));
  });

  it('runs the test cases and the diff from their panels', async () => {
    await page.getByTestId('tab-tests').click();
    await page.getByTestId('run-tests').click();
    await expect.poll(() => page.getByTestId('tests-summary').innerText(), { timeout: 30_000 }).toMatch(/^\d+ passed, 0 failed$/);
    await shot('tests');
    await page.getByTestId('tab-diff').click();
    await page.getByTestId('diff-against').selectOption('medicare-part-b/2025.payer');
    await page.getByTestId('run-diff').click();
    await expect.poll(() => page.getByTestId('diff-output').innerText(), { timeout: 30_000 }).toContain('KX threshold $2,410.00 → $2,480.00');
    await shot('diff');
  });

  it('saves to disk, and a change on disk behind its back is a conflict where nothing is lost', async () => {
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('# edited in the studio\n');
    await page.keyboard.press('Control+S');
    await expect.poll(() => page.getByTestId('status').innerText()).toContain(`saved ${FILE}`);
    expect(readFileSync(join(rulesets, FILE), 'utf8').startsWith('# edited in the studio\n')).toBe(true);

    // Someone else changes the file on disk.
    const theirs = readFileSync(join(rulesets, FILE), 'utf8') + '# a change made outside the studio\n';
    writeFileSync(join(rulesets, FILE), theirs);
    await page.keyboard.type('# my second edit\n');
    await page.keyboard.press('Control+S');
    await page.getByTestId('conflict').waitFor({ timeout: 10_000 });
    expect(readFileSync(join(rulesets, FILE), 'utf8')).toBe(theirs);
    expect(await editorText()).toContain('# my second edit');
    await page.getByTestId('compare').click();
    await page.getByTestId('compare-view').waitFor();
    await shot('conflict');

    // A reload keeps the unsaved edit (local draft).
    await page.reload();
    await page.locator('.monaco-editor .view-lines').waitFor();
    await expect.poll(() => editorText(), { timeout: 15_000 }).toContain('# my second edit');
    expect(await page.getByTestId('status').innerText()).toContain('restored your unsaved changes');

    // Saving again still refuses to overwrite; keeping mine writes it.
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+S');
    await page.getByTestId('conflict').waitFor();
    await page.getByTestId('keep-mine').click();
    await expect.poll(() => page.getByTestId('status').innerText()).toContain(`saved ${FILE}`);
    const onDisk = readFileSync(join(rulesets, FILE), 'utf8');
    expect(onDisk).toContain('# my second edit');
    expect(onDisk).not.toContain('# a change made outside the studio');
  });

  it('creates a new ruleset file from the editor', async () => {
    page.once('dialog', (d) => void d.accept('acme-ppo/2026.payer'));
    await page.getByTestId('new-file').click();
    await expect.poll(() => page.getByTestId('current-file').innerText(), { timeout: 15_000 }).toContain('acme-ppo/2026.payer');
    expect(readFileSync(join(rulesets, 'acme-ppo/2026.payer'), 'utf8')).toContain('ruleset acme-ppo "acme-ppo"');
    await expect.poll(() => page.getByTestId('problem-count').innerText(), { timeout: 15_000 }).toBe('0 errors, 0 warnings');
  });

  it('warns before closing a tab with unsaved changes', async () => {
    await page.locator('.monaco-editor .view-lines').click();
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
    // The sample claims carry a patient id and birth date; neither the server nor the page logs them.
    for (const marker of ['PAT-SAMPLE-1', '1948-02-11']) {
      expect(studioOut).not.toContain(marker);
      expect(consoleAll.join('\n')).not.toContain(marker);
    }
    // The one expected failure: Chromium logs the server's 409 answer to the conflicting save.
    expect(consoleErrors.filter((e) => !/status of 409 \(Conflict\)/.test(e))).toEqual([]);
  });
});
