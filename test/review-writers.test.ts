// The new-user review's writer items: `--explain --format text` prints each finding's condition
// trace (item 5), with patient data still withheld; messages name where once (row and column for
// CSV, the line for JSON) and count units as "1 unit" (item 7).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../dsl/index.ts';
import { Evaluator } from '../engine/index.ts';
import { WITHHELD, type ConditionTrace } from '../engine/report.ts';
import { conditionLine } from '../writers/trace.ts';
import { renderText } from '../writers/index.ts';
import { PHI_CLAIM, PHI_RULESET, ROOT } from './support.ts';

const BIN = join(ROOT, 'bin/payer-rules.mjs');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
const cond = (over: Partial<ConditionTrace>): ConditionTrace => ({ name: 'R/c1', fact: 'field', operator: 'eq', expected: null, actual: null, result: true, ...over });

describe('--explain --format text: each finding with the conditions that made its rule fire', () => {
  it.each([
    { note: 'a comparison, with where the condition is written', c: cond({ params: { field: 'line.units' }, operator: 'gt', expected: 2, actual: 3, source: { file: 'a.payer', line: 37, column: 15 } }), want: 'true   line.units > 2; the claim had 3  (a.payer:37:15)' },
    { note: 'a date field as a date, not a day number', c: cond({ params: { field: 'line.dateOfService' }, operator: 'ge', expected: 20089, actual: 20514 }), want: 'true   line.dateOfService >= 2025-01-01; the claim had 2026-03-02' },
    { note: 'a condition that did not hold', c: cond({ params: { field: 'line.code' }, operator: 'inSet', expected: { set: 'pt-evaluations' }, actual: '97110', result: false }), want: 'false  line.code in code set pt-evaluations; the claim had 97110' },
    { note: 'a list', c: cond({ params: { field: 'line.modifiers' }, operator: 'hasNone', expected: ['GO', 'GP', 'GN'], actual: [] }), want: 'true   line.modifiers has none of GO, GP, GN; the claim had (none)' },
    { note: 'a field with no value', c: cond({ params: { field: 'claim.referringProvider.npi' }, operator: 'present', expected: true, actual: null, result: false }), want: 'false  claim.referringProvider.npi is present; the claim had (none)' },
    { note: 'a date window', c: cond({ params: { field: 'line.dateOfService' }, operator: 'inWindows', expected: [[18901, null]], actual: 20514 }), want: 'true   line.dateOfService falls in 2021-10-01 to open end; the claim had 2026-03-02' },
    { note: 'an aggregate', c: cond({ fact: 'expr', params: { expr: { agg: 'count', over: 'line.diagnosisPointers' } }, operator: 'gt', expected: 0, actual: 2 }), want: 'true   count(line.diagnosisPointers) > 0; the claim had 2' },
    { note: 'patient data stays withheld as the engine wrote it', c: cond({ params: { field: 'claim.patient.age' }, operator: 'ge', expected: 21, actual: WITHHELD }), want: `true   claim.patient.age >= 21; the claim had ${WITHHELD}` },
  ])('$note', ({ c, want }) => {
    expect(conditionLine(c)).toBe(want);
  });

  it('a rule reading patient age and the authorization number: the text trace says what was tested, never the values', () => {
    const rs = analyze({ name: 'phi.payer', text: PHI_RULESET }).compiled!;
    const claim = PHI_CLAIM;
    const text = renderText(new Evaluator([rs]).evaluateSync(claim, { explain: true }));
    expect(text).toContain(`claim.patient.age >= 21; the claim had ${WITHHELD}`);
    expect(text).toContain(`claim.priorAuthorization.number is present; the claim had ${WITHHELD}`);
    for (const secret of ['PAT-SECRET-9', '1950-07-04', '75', 'PA-SECRET-4411']) expect(text).not.toContain(secret);
  });

  it('the real command: with --explain every finding has its why, without it none; the units finding shows the billed units against what the minutes support', () => {
    const file = join(ROOT, 'examples/claims.json');
    const plain = cli(['eval', '--ruleset', 'rulesets', '--format', 'text', file]);
    const explained = cli(['eval', '--ruleset', 'rulesets', '--format', 'text', '--explain', file]);
    expect(explained.status).toBe(plain.status);
    expect(plain.stdout).not.toContain('why:');
    // Every finding line (ERROR/WARNING/INFO under a claim that has a ruleset) is followed, within its block, by a why.
    const blocks = explained.stdout.split(/\n(?=    (?:ERROR|WARNING|INFO) )/).slice(1);
    const withRuleset = blocks.filter((b) => !b.includes('[NO-RULESET'));
    expect(withRuleset.length).toBeGreaterThan(3);
    for (const b of withRuleset) expect(b.split('\n  line ')[0], b.slice(0, 120)).toMatch(/\n {12}why: /);
    // examples/claims.json, MCR-OT-PROBLEMS line 2: 97530 billed 3 units, 30 of 40 timed minutes → 2.
    expect(explained.stdout).toMatch(/why: UNITS-TIME on line 2 fired on these conditions:\n {14}true {3}line\.units > 2; the claim had 3/);
    for (const s of ['PAT-SAMPLE-1', '1948-02-11']) expect(explained.stdout + explained.stderr).not.toContain(s);
  });
});

describe('messages say where once, and count units as a person does (item 7)', () => {
  it.each([
    { note: 'an engine error on a line field', path: 'lines[0].units', message: 'line 1: expected a number, got text', want: 'line 1, units: expected a number, got text' },
    { note: 'a CSV reader error: position in where, message alone', path: 'row 3, column units', message: '`x` is not a number [CSV-VALUE]', want: 'row 3, column units: `x` is not a number [CSV-VALUE]' },
    { note: 'an old-style CSV message repeating its row', path: 'row 3, column units', message: 'row 3, units: `x` is not a number', want: 'row 3, column units: `x` is not a number' },
    { note: 'an 837P position ending with its line', path: 'ST 0001 segment 27 (SV1) SV104, line 1', message: 'line 1: SV104 `x` is not a number of units [X12-UNITS]', want: 'ST 0001 segment 27 (SV1) SV104, line 1: SV104 `x` is not a number of units [X12-UNITS]' },
    { note: 'another line is kept', path: 'lines[1].units', message: 'line 1: something', want: 'line 2, units: line 1: something' },
    { note: 'the claim itself', path: '', message: 'a claim must be a JSON object', want: 'the claim: a claim must be a JSON object' },
  ])('$note', async ({ path, message, want }) => {
    const { errorText } = await import('../writers/paths.ts');
    expect(errorText(path, message)).toBe(want);
  });

  it('the real command on a CSV with a bad date and a bad number, and on JSON with bad units: row and column named once; "1 unit"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'payer-rules-review-msg-'));
    writeFileSync(
      join(dir, 'c.csv'),
      'claim_id,payer,date_of_service,code,modifiers,units,minutes,diagnoses,diagnosis_pointers,place_of_service\n' +
        'C1,medicare-part-b,2026-13-45,97110,GP,2,30,M62.81,1,11\n' +
        'C2,medicare-part-b,2026-03-02,97110,GP,x,30,M62.81,1,11\n' +
        'C3,medicare-part-b,3/2/2026,97110,GP,1,10,M62.81,1,11\n',
    );
    const csv = cli(['eval', '--ruleset', 'rulesets', '--format', 'text', join(dir, 'c.csv')]);
    expect(csv.stdout).toContain('claim C1: INVALID');
    expect(csv.stdout).toMatch(/\n {4}row 2, column date_of_service: must be a real calendar date written YYYY-MM-DD \(the cell holds `2026-13-45`\) \[CSV-VALUE\]\n/);
    expect(csv.stdout).toMatch(/\n {4}row 3, column units: `x` is not a number \[CSV-VALUE\]\n/);
    // C3: one unit for 10 minutes of 97110 (8-minute rule), written "1 unit".
    expect(csv.stdout).toMatch(/line 1 {2}97110 {2}2026-03-02 {2}1 unit\b/);
    expect(csv.stdout).not.toMatch(/\b1 units\b/);
    const conv = cli(['convert', join(dir, 'c.csv')]);
    expect(conv.stdout.split('\n')[0]).toContain('"where":"row 2, column date_of_service"');

    writeFileSync(join(dir, 'j.ndjson'), JSON.stringify({ id: 'J1', payer: 'medicare-part-b', dateOfService: '2026-03-02', lines: [{ code: '97110', units: 'x' }] }) + '\n');
    const json = cli(['eval', '--ruleset', 'rulesets', '--format', 'text', join(dir, 'j.ndjson')]);
    expect(json.stdout).toContain('    line 1, units: expected a number, got text  (lines[0].units)');
    const csvOut = cli(['eval', '--ruleset', 'rulesets', '--format', 'csv', join(dir, 'j.ndjson')]);
    expect(csvOut.stdout).toContain('"line 1, units: expected a number, got text"');
  });

  it('a bad birth date in a CSV is named by row and column and never quoted (patient data)', async () => {
    const { readClaims } = await import('../readers/index.ts');
    const [rec] = [...readClaims('claim_id,date_of_service,code,patient_birth_date\nC1,2026-03-02,97110,1950-02-31\n', 'csv')];
    expect(rec!.diagnostics).toEqual([expect.objectContaining({ code: 'CSV-VALUE', where: 'row 2, column patient_birth_date', message: 'must be a real calendar date written YYYY-MM-DD' })]);
  });
});
