// The command line as a user runs it: output format, exit codes, unreadable files, junk input.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../bin/payer-rules.mjs', import.meta.url).pathname;
const medicare = new URL('../rulesets/medicare-part-b/2026.payer', import.meta.url).pathname;
const run = (args: string[], cwd?: string) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, timeout: 60_000, maxBuffer: 1 << 26 });
const tmp = () => mkdtempSync(join(tmpdir(), 'payer-rules-cli-'));

describe('payer-rules check', () => {
  it('exits 0 on a shipped ruleset', () => {
    const r = run(['check', medicare]);
    expect(r.stdout).toContain('0 errors, 0 warnings in 1 file');
    expect(r.status).toBe(0);
  });

  it('prints file:line:col: severity CODE message with a code frame, exits 1', () => {
    const d = tmp();
    const f = join(d, 'broken.payer');
    writeFileSync(f, readFileSync(medicare, 'utf8') + '\n\n§§ this line is not the language\n');
    const r = run(['check', 'broken.payer'], d);
    const lines = readFileSync(f, 'utf8').split('\n').length;
    expect(r.stdout).toMatch(new RegExp(`^broken\\.payer:${lines - 1}:1: error PR1001 unexpected characters \`§§\``, 'm'));
    expect(r.stdout).toMatch(/\| §§ this line is not the language\n\s+\| \^\^/);
    expect(r.status).toBe(1);
  });

  it('a file that cannot be read is one line and exit 2', () => {
    const r = run(['check', join(tmp(), 'missing.payer')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot read .*missing\.payer/);
  });

  it('binary junk and a 5 MB file give diagnostics and exit 1, never a stack trace', () => {
    const d = tmp();
    writeFileSync(join(d, 'junk.payer'), Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 131) % 256)));
    writeFileSync(join(d, 'big.payer'), 'codes a = 97110 ~\n'.repeat(300_000));
    for (const f of ['junk.payer', 'big.payer']) {
      const r = run(['check', f], d);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^\S+\.payer:\d+:\d+: error PR1\d{3} /m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('unknown commands and options are usage errors (exit 2)', () => {
    expect(run(['nonsense']).status).toBe(2);
    expect(run(['check', '--bogus', medicare]).status).toBe(2);
  });
});

describe('payer-rules fmt', () => {
  it('--check passes on canonical files and fails on drift; --write fixes it', () => {
    const d = tmp();
    const f = join(d, 'r.payer');
    copyFileSync(medicare, f);
    expect(run(['fmt', '--check', f]).status).toBe(0);
    // A ruleset of our own, so the test does not depend on how a shipped one is written.
    const canonical = 'ruleset tiny "Tiny"\nversion 1 effective 2026-01-01\n\ncodes a = 97110, 97112\n';
    writeFileSync(f, canonical.replace('codes a = 97110, 97112', 'codes   a=97110 ,97112'));
    const drift = run(['fmt', '--check', f]);
    expect(drift.status).toBe(1);
    expect(drift.stdout).toContain('not in canonical form');
    expect(run(['fmt', '--write', f]).status).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe(canonical);
    expect(run(['fmt', f]).stdout).toBe(canonical);
  });
});

describe('payer-rules compile', () => {
  it('prints the compiled JSON, or writes it with -o', () => {
    const r = run(['compile', medicare]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.ruleset).toMatchObject({ id: 'medicare-part-b', version: '2026.1' });
    const out = join(tmp(), 'out.json');
    expect(run(['compile', medicare, '-o', out]).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
  });

  it('exits 1 on a ruleset with errors', () => {
    const d = tmp();
    writeFileSync(join(d, 'bad.payer'), 'ruleset bad "Bad"\nversion 1 effective 2026-02-30\n');
    const r = run(['compile', 'bad.payer'], d);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PR2010');
  });
});

describe('payer-rules eval', () => {
  const rulesets = new URL('../rulesets/', import.meta.url).pathname;
  const sample = new URL('../rulesets/medicare-part-b/claims/sample.json', import.meta.url).pathname;
  const runIn = (args: string[], input?: string) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  const clean = { id: 'CLEAN-1', payer: 'medicare-part-b', patient: { id: 'PAT-SECRET-42', birthDate: '1931-07-04' }, provider: { discipline: 'PT' }, dateOfService: '2026-03-02', placeOfService: '11', diagnoses: ['M62.81'], lines: [{ code: '97110', modifiers: ['GP'], units: 1, minutes: 15, diagnosisPointers: [1] }] };

  it('a JSON array in gives a JSON array of reports in order; exit 1 when a claim has an error', () => {
    const r = runIn(['eval', '--ruleset', rulesets, '--format', 'json', sample]);
    expect(r.status).toBe(1);
    const reports = JSON.parse(r.stdout);
    expect(reports.map((x: { claimId: string }) => x.claimId)).toEqual(['MCR-OT-CLEAN', 'MCR-OT-PROBLEMS']);
    expect(reports[0].status).toBe('clean');
  });

  it('stdin NDJSON with bad lines: one report per line, in place, never a dropped claim', () => {
    const lines = [JSON.stringify(clean), 'not json at all PAT-SECRET-42', JSON.stringify({ ...clean, id: 'BAD-TYPES', lines: [{ code: 97110 }] }), '{"id": "TRUNC', JSON.stringify({ ...clean, id: 'CLEAN-2' })];
    const r = runIn(['eval', '--ruleset', rulesets, '-'], lines.join('\n') + '\n');
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((x) => [x.claimId, x.status])).toEqual([['CLEAN-1', 'clean'], [null, 'invalid'], ['BAD-TYPES', 'invalid'], [null, 'invalid'], ['CLEAN-2', 'clean']]);
    expect(out[2].errors[0]).toMatchObject({ path: 'lines[0].code' });
    expect(out[1].errors[0].message).toMatch(/^line 2 is not valid JSON/);
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).not.toContain('PAT-SECRET-42');
    expect(r.stdout + r.stderr).not.toContain('1931-07-04');
  });

  it('exit 0 when every claim is clean; text format is the biller view', () => {
    const r = runIn(['eval', '--ruleset', rulesets, '--format', 'text', '-'], JSON.stringify(clean));
    expect(r.status).toBe(0);
    // No findings, but the claim carries no plan of care, history or submission date: not "CLEAN".
    expect(r.stdout).toContain('claim CLEAN-1: NO FINDINGS, NOT FULLY CHECKED under medicare-part-b 2026.1 (6 checks could not run)');
    const bad = runIn(['eval', '--ruleset', rulesets, '--format', 'text', sample]);
    expect(bad.stdout).toMatch(/line 2 {2}97530(?: {2}\d{4}-\d\d-\d\d)? {2}billed 3 units, policy allows 2 units/);
    expect(bad.stdout).toContain('fix: add modifier CO');
  });

  it('both runtimes print identical output; --explain adds per-rule traces', () => {
    const a = runIn(['eval', '--ruleset', rulesets, '--format', 'ndjson', '--explain', sample]);
    const b = runIn(['eval', '--ruleset', rulesets, '--format', 'ndjson', '--explain', '--runtime', 'json-rules-engine', sample]);
    expect(b.stdout).toBe(a.stdout);
    const first = JSON.parse(a.stdout.split('\n')[1]!);
    const trace = first.explain.find((t: { rule: string; line?: number }) => t.rule === 'UNITS-TIME' && t.line === 2);
    expect(trace).toMatchObject({ fired: true, conditions: [{ fact: 'field', actual: 3, expected: 2, operator: 'gt', result: true }] });
  });

  it('bad usage and unreadable input exit 2', () => {
    expect(runIn(['eval', sample]).status).toBe(2);
    expect(runIn(['eval', '--ruleset', rulesets, '/nonexistent/claims.json']).status).toBe(2);
    expect(runIn(['eval', '--ruleset', rulesets, '--format', 'xml', sample]).status).toBe(2);
    const d = tmp();
    writeFileSync(join(d, 'broken.json'), '[{"id": "X", ');
    const r = runIn(['eval', '--ruleset', rulesets, join(d, 'broken.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON/);
  });

  it('schema claim prints the JSON Schema', () => {
    const r = runIn(['schema', 'claim']);
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout);
    const claim = schema.$ref ? schema.$defs[schema.$ref.split('/').pop()] : schema;
    expect(claim.required).toEqual(expect.arrayContaining(['id', 'dateOfService', 'lines']));
  });
});

describe('payer-rules test and diff', () => {
  const rulesets = new URL('../rulesets/', import.meta.url).pathname;

  it('test: a pass line per case, coverage, the closing count; exit 0 when all pass', () => {
    const r = run(['test', rulesets]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}pass {2}CMS example 1: /m);
    expect(r.stdout).toContain('rule coverage:');
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  });

  it('test: a failing case prints a diff and exits 1; --format json for machines', () => {
    const d = tmp();
    const payer = join(d, 'rulesets', 'tiny');
    mkdirSync(payer, { recursive: true });
    // A ruleset of our own (the shipped ones need their reference tables beside them).
    writeFileSync(join(payer, '2026.payer'), 'ruleset tiny "Tiny"\nversion 2026.1 effective 2026-01-01\n\nrule NO-UNITS "a line states its units" error {\n  kind no-units\n  when line.units is missing\n  cite "test"\n}\n');
    writeFileSync(join(payer, 'x.cases.yaml'), 'cases:\n  - name: wrong on purpose\n    claim: { id: A, dateOfService: "2026-02-02", lines: [{ code: "97110" }] }\n    expect: { status: clean }\n');
    const r = run(['test', join(d, 'rulesets')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}wrong on purpose {2}\(.*x\.cases\.yaml:2\)/);
    expect(r.stdout).toContain('status: expected clean, got errors');
    const j = run(['test', '--format', 'json', join(d, 'rulesets')]);
    expect(JSON.parse(j.stdout)).toMatchObject({ passed: 0, failed: 1 });
  });

  it('diff: medicare 2025 → 2026 with the sample claims', () => {
    const r = run(['diff', join(rulesets, 'medicare-part-b/2025.payer'), join(rulesets, 'medicare-part-b/2026.payer'), '--claims', join(rulesets, 'medicare-part-b/claims')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('KX threshold $2,410.00 → $2,480.00');
    expect(r.stdout).toMatch(/KX-BETWEEN: errors → clean/);
    const j = JSON.parse(run(['diff', '--format', 'json', join(rulesets, 'medicare-part-b/2025.payer'), join(rulesets, 'medicare-part-b/2026.payer')]).stdout);
    expect(j.rules.map((x: { rule: string }) => x.rule)).toContain('KX-THRESHOLD');
  });
});
