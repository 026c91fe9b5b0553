// The README's "language in one screen" is a ruleset a reader may copy: it checks clean against the
// shipped reference tables, is already in canonical form, and evaluates a claim the way its rules
// say (so the README never shows syntax the language does not accept).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { analyze, format } from '../dsl/index.ts';
import { Evaluator } from '../engine/index.ts';
import { shippedTables } from './support.ts';

const README = new URL('../README.md', import.meta.url).pathname;

function languageBlock(): string {
  const md = readFileSync(README, 'utf8');
  const at = md.indexOf('## The language in one screen');
  expect(at, 'the README has the language section').toBeGreaterThan(0);
  const m = /```\n([\s\S]*?)```/.exec(md.slice(at));
  return m![1]!;
}

describe("README's language section", () => {
  const text = languageBlock();
  const file = { name: 'readme.payer', text };
  const tables = shippedTables();

  it('checks with no errors and no warnings against the shipped tables', () => {
    expect(analyze(file, { tables: tables.tables() }).diagnostics).toEqual([]);
  });

  it('is in canonical form', () => {
    expect(format(file).text).toBe(text);
  });

  it('evaluates: a PT evaluation billed twice the same day, and 92526 without a dysphagia diagnosis', async () => {
    const compiled = analyze(file, { tables: tables.tables() }).compiled!;
    const ev = new Evaluator([compiled], { tables });
    const claim = {
      id: 'README-1',
      payer: 'medicare-part-b',
      dateOfService: '2026-03-02',
      diagnoses: ['M62.81'],
      lines: [
        { code: '97161', modifiers: ['GP'], units: 1, diagnosisPointers: [1] },
        { code: '97161', modifiers: ['GP'], units: 1, diagnosisPointers: [1] },
        { code: '92526', modifiers: ['GN'], units: 1, diagnosisPointers: [1] },
      ],
    };
    const report = await ev.evaluate(claim);
    if (report.status === 'invalid') throw new Error('the claim should be valid');
    const rules = report.findings.map((f) => `${f.rule}@${f.line ?? '-'}`);
    expect(rules).toEqual(expect.arrayContaining(['EVAL-ONE-PER-DAY@1', 'EVAL-ONE-PER-DAY@2', 'SWALLOWING-DX@3']));
    expect(await ev.evaluate(claim, { runtime: 'json-rules-engine' })).toEqual(await ev.evaluate(claim));
  });
});
