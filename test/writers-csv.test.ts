// The biller's outputs as data: the CSV worklist parsed back (quoting, BOM, formula injection), the
// summary's counts and money at risk, and the text view never saying `ok` for an unchecked line.
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { Evaluator } from '../engine/index.ts';
import { CSV_BOM, CSV_HEADER, Summary, csvRows, csvStart, factsOf, renderSummaryText, renderText, type EvalReport } from '../writers/index.ts';
import { shippedRulesets } from './support.ts';

const claims = JSON.parse(readFileSync(new URL('../examples/claims.json', import.meta.url), 'utf8')) as Record<string, unknown>[];
const ev = new Evaluator(shippedRulesets());
const reports: EvalReport[] = claims.map((c) => ev.evaluateSync(structuredClone(c)));
const parse = (csv: string) => {
  expect(csv.startsWith(CSV_BOM)).toBe(true);
  const res = Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true });
  expect(res.errors).toEqual([]);
  return res.data;
};

describe('CSV worklist', () => {
  const csv = csvStart() + reports.map(csvRows).join('');
  const [header, ...rows] = parse(csv);

  it('a header, then a row per finding (or the claim\'s status row when it has none) and one per check that could not run (naming its lines), each cell as the report says', () => {
    expect(header).toEqual([...CSV_HEADER]);
    const want = reports.flatMap((r) => {
      if (r.status === 'invalid') return [];
      const code = (l: number) => r.lines.find((x) => x.line === l)?.code ?? '';
      return [
        ...(r.findings.length ? [] : [[r.claimId, r.status, '', '', '', '', '', '', '', '']]),
        ...r.findings.map((f) => [r.claimId, r.status, f.line === undefined ? '' : String(f.line), f.code ?? '', f.rule, f.kind, f.severity, f.message, f.fix ?? '', f.citation ?? '']),
        ...(r.notChecked ?? []).map((n) => {
          const ls = n.lines ?? (n.line !== undefined ? [n.line] : []);
          return [r.claimId, r.status, ls.join(', '), [...new Set(ls.map(code))].filter(Boolean).join(', '), n.rule, 'not-checked', '', `not checked: ${n.reason}`, '', ''];
        }),
      ];
    });
    expect(rows).toEqual(want);
    expect(rows.length).toBeGreaterThan(0);
    expect(csv).toContain('\r\n');
  });

  it.each([
    { note: 'clean, nothing else to say: one row, its status', report: { claimId: 'C-CLEAN', ruleset: { id: 'medicare-part-b', version: '2026.1' }, status: 'clean', findings: [], lines: [{ line: 1, code: '97110', billedUnits: 2, expectedUnits: 2, explanation: '' }] }, want: [['C-CLEAN', 'clean', '', '', '', '', '', '', '', '']] },
    {
      note: 'no findings but a check that could not run: the status row, then the not-checked row',
      report: { claimId: 'C-NC', ruleset: { id: 'medicare-part-b', version: '2026.1' }, status: 'clean', findings: [], lines: [{ line: 1, code: '97110', billedUnits: 2, expectedUnits: 2, explanation: '' }], notChecked: [{ rule: 'UNITS', line: 1, reason: 'needs `lines[].minutes`' }] },
      want: [['C-NC', 'clean', '', '', '', '', '', '', '', ''], ['C-NC', 'clean', '1', '97110', 'UNITS', 'not-checked', '', 'not checked: needs `lines[].minutes`', '', '']],
    },
    {
      note: 'a finding: its row only, no status row',
      report: { claimId: 'C-W', ruleset: { id: 'medicare-part-b', version: '2026.1' }, status: 'warnings', findings: [{ rule: 'R', kind: 'k', severity: 'warning', message: 'm', line: 1, code: '97110' }], lines: [{ line: 1, code: '97110', billedUnits: 2, expectedUnits: 2, explanation: '' }] },
      want: [['C-W', 'warnings', '1', '97110', 'R', 'k', 'warning', 'm', '', '']],
    },
  ])('every claim is in the worklist, a claim with no findings as its status row (a clean claim is not a dropped one): $note', ({ report, want }) => {
    const [header, ...got] = parse(csvStart() + csvRows(report as unknown as EvalReport));
    expect(header).toEqual(['claim', 'status', 'line', 'code', 'rule', 'kind', 'severity', 'message', 'fix', 'citation']);
    expect(got).toEqual(want);
  });

  it('every claim of a batch has at least one row', () => {
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(reports.map((r) => r.claimId)));
  });

  it('an invalid claim gives a row per error naming the line 1-based; input notes and unchecked lines get rows too', () => {
    const r: EvalReport = { claimId: 'BAD', status: 'invalid', errors: [{ path: 'lines[1].units', message: 'must be a whole number' }], input: [{ severity: 'warning', code: 'X12-DOS-RANGE', message: 'line 1: a range', where: 'ST 0001 segment 9 (DTP) DTP03, line 1' }] };
    const [, ...got] = parse(csvStart() + csvRows(r));
    expect(got).toEqual([
      ['BAD', 'invalid', '2', '', '', 'invalid-claim', 'error', 'line 2, units: must be a whole number', 'correct the claim file and run it again', ''],
      ['BAD', 'invalid', '1', '', '', 'X12-DOS-RANGE', 'warning', 'line 1: a range (at ST 0001 segment 9 (DTP) DTP03, line 1)', '', ''],
    ]);
  });

  it.each([
    ['=HYPERLINK("http://x.example","click")', "'=HYPERLINK"],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTAB', "'\tTAB"],
  ])('a claim id %j cannot run as a spreadsheet formula', (id, starts) => {
    const r: EvalReport = { claimId: id, status: 'invalid', errors: [{ path: '', message: 'x' }] };
    const [, row] = parse(csvStart() + csvRows(r));
    expect(row![0]!.startsWith(starts)).toBe(true);
  });

  it('commas, quotes and line breaks in a message survive the round trip', () => {
    const msg = 'a, "quoted"\nmessage';
    const r: EvalReport = { claimId: 'Q', status: 'invalid', errors: [{ path: '', message: msg }] };
    const [, row] = parse(csvStart() + csvRows(r));
    expect(row![7]).toBe(`the claim: ${msg}`);
  });
});

describe('summary', () => {
  it('claims by status, findings by rule and kind, and the money at risk as the claims say', () => {
    const s = new Summary();
    reports.forEach((r, i) => s.add(factsOf(r, claims[i])));
    const d = s.data();
    expect(d.claims).toBe(4);
    expect(d.byStatus).toEqual({ clean: reports.filter((r) => r.status === 'clean').length, warnings: 0, errors: reports.filter((r) => r.status === 'errors').length, invalid: 0 });
    // The charges on the claims, in cents (examples/claims.json).
    expect(d.money.charge).toBe((120 + 60 + 150 + 140 + 50 + 110 + 95) * 100);
    // At risk: MCR-OT-PROBLEMS's lines with an error finding, PT-UNKNOWN-PAYER whole (no ruleset applies), NCM-SLP-NO-AUTH's line.
    const problems = reports[1]!;
    const badLines = new Set(problems.status === 'invalid' ? [] : problems.findings.filter((f) => f.severity === 'error' && f.line).map((f) => f.line));
    const problemCharges = [150, 140, 50].filter((_c, i) => badLines.has(i + 1)).reduce((a, b) => a + b, 0);
    const ncm = reports[3]!;
    const ncmAtRisk = ncm.status !== 'invalid' && ncm.findings.some((f) => f.severity === 'error') ? 95 : 0;
    expect(d.money.chargeAtRisk).toBe((problemCharges + 110 + ncmAtRisk) * 100);
    const total = reports.reduce((n, r) => n + (r.status === 'invalid' ? 0 : r.findings.length), 0);
    expect(d.findingsByRule.reduce((n, r) => n + r.count, 0)).toBe(total);
    expect(d.findingsByKind.reduce((n, r) => n + r.count, 0)).toBe(total);
    const text = renderSummaryText(d);
    expect(text).toMatch(/charges at risk\s+\$/);
    expect(text).toContain('allowed amounts         not given');
  });
});

describe('text view', () => {
  it('a claim no ruleset applies to: its lines say not checked, never ok', () => {
    const r = reports[2]!;
    const text = renderText(r);
    expect(text).toContain('no ruleset applies');
    expect(text).toMatch(/line 1 {2}97110(?: {2}\d{4}-\d\d-\d\d)? {2}2 units {2}not checked: no ruleset applies/);
    expect(text).not.toMatch(/ {2}ok$/m);
  });

  it('lines the report lists as not checked say why instead of ok, and none is ok when a check was not made on the whole claim; units read "1 unit"', () => {
    const base = reports[0]!;
    if (base.status === 'invalid') throw new Error('expected a checked claim');
    const r: EvalReport = { ...base, notChecked: [{ line: 2, rule: 'UNITS-TIME', reason: 'no minutes documented' }, { rule: 'KX-THRESHOLD', reason: 'no allowed amounts this year' }] };
    const text = renderText(r);
    // A check not made on the whole claim (KX-THRESHOLD here) leaves no line "ok": line 1 has no findings.
    expect(text).toMatch(/line 1 {2}97110(?: {2}\d{4}-\d\d-\d\d)? {2}2 units {2}no findings$/m);
    expect(text).not.toMatch(/ {2}ok$/m);
    // With only line-level gaps, the other lines are "ok".
    const lineOnly = renderText({ ...r, notChecked: [{ line: 2, rule: 'UNITS-TIME', reason: 'no minutes documented' }] });
    expect(lineOnly).toMatch(/line 1 {2}97110(?: {2}\d{4}-\d\d-\d\d)? {2}2 units {2}ok$/m);
    expect(text).toMatch(/line 2 {2}97140(?: {2}\d{4}-\d\d-\d\d)? {2}1 unit {2}no findings; not checked: UNITS-TIME/);
    expect(text).toContain('  not checked\n    UNITS-TIME (line 2): no minutes documented\n    KX-THRESHOLD: no allowed amounts this year');
  });

  it('invalid claims name lines 1-based and keep the contract path beside it', () => {
    const text = renderText({ claimId: 'X', status: 'invalid', errors: [{ path: 'lines[1].code', message: 'is required' }, { path: 'diagnoses[0]', message: 'must be an ICD-10-CM code' }] });
    expect(text).toContain('line 2, code: is required  (lines[1].code)');
    expect(text).toContain('diagnosis 1: must be an ICD-10-CM code  (diagnoses[0])');
  });
});
