// Golden reports: each fixtures/reports/<name>.json (one claim or an array) evaluated against the
// shipped rulesets → <name>.report.json. Both runtimes must produce the same reports.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Evaluator } from '../engine/index.ts';
import { FIXTURES } from './golden.ts';
import { ROOT, shippedRulesets, shippedTables, walk } from './support.ts';

const evaluator = new Evaluator(shippedRulesets(), { tables: shippedTables() });
const dir = join(FIXTURES, 'reports');

describe('golden reports', () => {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json') && !n.endsWith('.report.json')).sort()) {
    it(name, async () => {
      const data = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      const claims = Array.isArray(data) ? data : [data];
      const explain = name.includes('explain');
      const reports = [];
      for (const c of claims) {
        const a = await evaluator.evaluate(c, { explain });
        const b = await evaluator.evaluate(c, { explain, runtime: 'json-rules-engine' });
        expect(b).toEqual(a);
        reports.push(a);
      }
      await expect(JSON.stringify(reports, null, 2) + '\n').toMatchFileSnapshot(join(dir, name.replace(/\.json$/, '.report.json')));
    });
  }
});

describe('sample claims shipped with rulesets', () => {
  // Claims files sit beside the rulesets; reference tables (rulesets/tables/) are not claims.
  for (const file of walk(join(ROOT, 'rulesets'), '.json').filter((f) => !f.includes('/rulesets/tables/'))) {
    it(file.slice(ROOT.length), async () => {
      const data = JSON.parse(readFileSync(file, 'utf8'));
      for (const c of Array.isArray(data) ? data : [data]) {
        const a = await evaluator.evaluate(c, { explain: true });
        expect(a.status).not.toBe('invalid');
        expect(await evaluator.evaluate(c, { explain: true, runtime: 'json-rules-engine' })).toEqual(a);
      }
    });
  }
});

describe('ruleset selection', () => {
  it('a date of service no version covers is an error finding, never a silent pass', async () => {
    const r = await evaluator.evaluate({ id: 'OLD', payer: 'medicare-part-b', dateOfService: '2019-05-01', lines: [{ code: '97110' }] });
    expect(r.status).toBe('errors');
    expect(r).toMatchObject({ ruleset: null, findings: [{ kind: 'no-ruleset', severity: 'error' }] });
  });

  it('an unknown payer is an error finding', async () => {
    const r = await evaluator.evaluate({ id: 'X', payer: 'nobody', dateOfService: '2026-05-01', lines: [{ code: '97110' }] });
    expect(r).toMatchObject({ status: 'errors', findings: [{ kind: 'no-ruleset' }] });
  });
});

describe('invalid claims', () => {
  it.each([
    { note: 'wrong types', claim: { id: 'A', dateOfService: '2026-03-02', lines: 'x' }, path: 'lines' },
    { note: 'missing lines', claim: { id: 'B', dateOfService: '2026-03-02' }, path: 'lines' },
    { note: 'a 13th diagnosis', claim: { id: 'C', dateOfService: '2026-03-02', diagnoses: Array(13).fill('M62.81'), lines: [{ code: '97110' }] }, path: 'diagnoses' },
    { note: 'a negative minute', claim: { id: 'D', dateOfService: '2026-03-02', lines: [{ code: '97110', minutes: -1 }] }, path: 'lines[0].minutes' },
    { note: 'an impossible date', claim: { id: 'E', dateOfService: '2026-02-30', lines: [{ code: '97110' }] }, path: 'dateOfService' },
    { note: 'a malformed code', claim: { id: 'F', dateOfService: '2026-03-02', lines: [{ code: '9711' }] }, path: 'lines[0].code' },
    { note: 'not an object', claim: [1, 2], path: '' },
  ])('$note → invalid with the JSON path', async ({ claim, path }) => {
    const r = await evaluator.evaluate(claim);
    expect(r.status).toBe('invalid');
    if (r.status !== 'invalid') return;
    expect(r.errors.map((e) => e.path)).toContain(path);
    expect(r.claimId).toBe(Array.isArray(claim) ? null : (claim as { id: string }).id);
  });
});
