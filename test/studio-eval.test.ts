// The studio checks claims as `payer-rules eval` does: the same claims files, read by the batch
// view's own reader step (editor/src/batch-jobs.ts) and sent in chunks to the real studio server,
// get byte-for-byte the reports the real `payer-rules eval` process writes for the same saved
// rulesets and reference tables — the shipped sample claims, every examples/ file (837P with its
// minutes, overlay and payer map; CSV; JSON; NDJSON), and claims whose findings come only from
// the tables (an NCCI pair, an MUE excess, a category ICD-10-CM code, a line without `allowed`
// priced from the fee schedule over the KX threshold). The test runner and the diff's claim
// impact agree with `payer-rules test` and `payer-rules diff`. Without tables (where `eval`
// refuses rulesets that name them), the studio checks what it can, lists the table checks as not
// checked, and says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createStudio, TOKEN_HEADER, type Studio } from '../studio/server.ts';
import { batchJobs, chunksOf, type Job } from '../editor/src/batch-jobs.ts';
import type { EvalReport } from '../writers/index.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/payer-rules.mjs');
const dir = mkdtempSync(join(tmpdir(), 'studio-eval-'));
const rulesets = join(dir, 'rulesets');
const bare = join(dir, 'bare', 'rulesets');

/**
 * Claims whose findings come from the reference tables, with what CMS's rows say (the same rows
 * rulesets/medicare-part-b/tables.cases.yaml and modifiers.cases.yaml cite).
 */
const TABLE_CLAIMS = [
  // NCCI practitioner PTP 2024-07-01: 97150 / 97110, modifier indicator 1, no bypass modifier.
  { expect: { rule: 'NCCI-PTP', kind: 'ncci-bundled', line: 2 }, claim: { id: 'TBL-NCCI', payer: 'medicare-part-b', provider: { npi: '1234567893', discipline: 'PT' }, dateOfService: '2024-08-15', placeOfService: '11', diagnoses: ['M62.81'], lines: [{ code: '97150', modifiers: ['GP'], units: 1, minutes: 30, diagnosisPointers: [1] }, { code: '97110', modifiers: ['GP'], units: 1, minutes: 15, diagnosisPointers: [1] }] } },
  // MUE 97116 is 4 units per date of service (MAI 3): 3 + 2 on one day.
  { expect: { rule: 'MUE', kind: 'mue-exceeded', line: 2 }, claim: { id: 'TBL-MUE', payer: 'medicare-part-b', provider: { npi: '1234567893', discipline: 'PT' }, dateOfService: '2024-08-15', placeOfService: '11', diagnoses: ['M62.81'], lines: [{ code: '97116', modifiers: ['GP'], units: 3, minutes: 45, diagnosisPointers: [1] }, { code: '97116', modifiers: ['GP'], units: 2, minutes: 30, diagnosisPointers: [1] }] } },
  // ICD-10-CM FY2025: M54 is a category header, not a billable code.
  { expect: { rule: 'DX-VALID', kind: 'invalid-diagnosis' }, claim: { id: 'TBL-DX', payer: 'medicare-part-b', provider: { npi: '1234567893', discipline: 'PT' }, dateOfService: '2024-11-04', placeOfService: '11', diagnoses: ['M54', 'M54.50'], lines: [{ code: '97110', modifiers: ['GP'], units: 1, minutes: 15, diagnosisPointers: [1, 2] }] } },
  // 2026 KX threshold $2,480; no `allowed` on the line, so the fee schedule prices 97110 (~$29): $2,460 + $29 is over.
  { expect: { rule: 'KX-THRESHOLD', kind: 'kx-required', line: 1 }, claim: { id: 'TBL-KX', payer: 'medicare-part-b', provider: { npi: '1234567893', discipline: 'PT' }, dateOfService: '2026-03-02', placeOfService: '11', diagnoses: ['M62.81'], history: { visitsThisYear: 4, therapyAllowedThisYear: { PT_SLP: 2460 } }, lines: [{ code: '97110', modifiers: ['GP'], units: 1, minutes: 15, diagnosisPointers: [1], charge: 120 }] } },
];

let studio: Studio;
let bareStudio: Studio;

async function listen(s: Studio): Promise<string> {
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}
let base = '';
let bareBase = '';

beforeAll(async () => {
  cpSync(join(ROOT, 'rulesets'), rulesets, { recursive: true });
  // The same rulesets with no reference tables anywhere above them.
  mkdirSync(join(dir, 'bare'));
  cpSync(join(ROOT, 'rulesets'), bare, { recursive: true });
  renameSync(join(bare, 'tables'), join(dir, 'bare', 'tables-elsewhere'));
  mkdirSync(join(dir, 'in'));
  // The table claims, plus a repeated id (eval reports the second in its place as invalid).
  writeFileSync(join(dir, 'in', 'table-claims.json'), JSON.stringify([...TABLE_CLAIMS.map((t) => t.claim), { ...TABLE_CLAIMS[0]!.claim, lines: [] }], null, 2));
  // NDJSON as people's exports have it: CRLF line ends, a blank line, a line that is not JSON, an
  // array where a claim belongs, a repeated id.
  const [a, b] = [TABLE_CLAIMS[0]!.claim, TABLE_CLAIMS[1]!.claim].map((c) => JSON.stringify(c));
  writeFileSync(join(dir, 'in', 'rough.ndjson'), `${a}\r\n\r\n{"id": "CUT-OFF", "lines": [\r\n[1, 2]\r\n  \t \r\n${b}\r\n${a}\r\n`);
  mkdirSync(join(dir, 'static'));
  studio = createStudio({ rulesetsDir: rulesets, staticDir: join(dir, 'static'), port: 0 });
  bareStudio = createStudio({ rulesetsDir: bare, staticDir: join(dir, 'static'), port: 0 });
  base = await listen(studio);
  bareBase = await listen(bareStudio);
});

afterAll(async () => {
  await Promise.all([studio, bareStudio].map((s) => new Promise<void>((ok) => s.close(() => ok()))));
});

/** The real command, run in the rulesets folder so file names in reports read as the studio's. */
function cli(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

async function post<T>(at: string, route: string, body: unknown): Promise<{ status: number; body: T }> {
  const s = at === base ? studio : bareStudio;
  const r = await fetch(`${at}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: s.studioToken }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as T };
}

interface Answer {
  reports: EvalReport[];
  tables: { available: boolean; why?: string; rules?: string[] };
  leftOut: unknown[];
}

/** A claims file the way the batch view checks it: read into jobs, sent two claims a request. */
async function studioEval(at: string, file: string, supplements: Record<string, string> = {}): Promise<{ reports: EvalReport[]; tables: Answer['tables']; notes: string[] }> {
  const texts = Object.fromEntries(Object.entries(supplements).map(([k, p]) => [k, { name: p, text: readFileSync(p, 'utf8') }]));
  const read = batchJobs({ name: file, text: readFileSync(file, 'utf8'), supplements: texts });
  if ('error' in read) throw new Error(read.error);
  const reports: EvalReport[] = [];
  let tables: Answer['tables'] = { available: false };
  for (const chunk of chunksOf(read.jobs, 2)) {
    const r = await post<Answer>(at, '/api/evaluate', { jobs: chunk as Job[] });
    expect(r.status).toBe(200);
    reports.push(...r.body.reports);
    tables = r.body.tables;
  }
  return { reports, tables, notes: read.notes };
}

const SAMPLES = ['medicare-part-b/claims/sample.json', 'medicare-part-b/claims/review-2026.json', 'medicare-part-b/claims/kx-2025-2026.json'];
const EXAMPLES: [string, string, Record<string, string>][] = [
  ['837P with minutes, overlay and payer map', 'claims.837', { minutes: 'minutes.csv', overlay: 'overlay.ndjson', payers: 'payers.json' }],
  ['837P alone (minutes missing: units not checked)', 'claims.837', { payers: 'payers.json' }],
  ['CSV', 'claims.csv', {}],
  ['JSON', 'claims.json', {}],
  ['NDJSON (streamed by eval)', 'claims.ndjson', {}],
];
const FLAG = { minutes: '--minutes', overlay: '--overlay', payers: '--payers' } as const;

describe('the studio and `payer-rules eval` give the same reports', () => {
  it.each(SAMPLES)('shipped sample claims %s', async (file) => {
    const [mine, theirs] = await Promise.all([studioEval(base, join(rulesets, file)), cli(rulesets, ['eval', '--ruleset', '.', file, '--format', 'json'])]);
    expect(theirs.err).toBe('');
    expect(mine.tables.available).toBe(true);
    expect(mine.reports).toEqual(JSON.parse(theirs.out));
  });

  it.each(EXAMPLES)('examples: %s', async (_note, file, supp) => {
    const paths = Object.fromEntries(Object.entries(supp).map(([k, f]) => [k, join(ROOT, 'examples', f)]));
    const flags = Object.entries(paths).flatMap(([k, p]) => [FLAG[k as keyof typeof FLAG], p]);
    const [mine, theirs] = await Promise.all([studioEval(base, join(ROOT, 'examples', file), paths), cli(rulesets, ['eval', '--ruleset', '.', join(ROOT, 'examples', file), '--format', 'json', ...flags])]);
    const reports = JSON.parse(theirs.out) as EvalReport[];
    expect(reports.length).toBeGreaterThan(0);
    expect(mine.reports).toEqual(reports);
    // What belongs to no claim is said in both (eval on standard error).
    for (const n of mine.notes) expect(theirs.err).toContain(n.replace(/^[^:]+\.\w+: /, ''));
  });

  it('claims whose findings come from the tables: NCCI pair, MUE excess, category ICD-10-CM code, KX from the fee schedule, and a repeated id', async () => {
    const file = join(dir, 'in', 'table-claims.json');
    const [mine, theirs] = await Promise.all([studioEval(base, file), cli(rulesets, ['eval', '--ruleset', '.', file, '--format', 'json'])]);
    expect(mine.reports).toEqual(JSON.parse(theirs.out));
    TABLE_CLAIMS.forEach((t, i) => {
      const r = mine.reports[i]!;
      expect(r.status, t.claim.id).toBe('errors');
      if (r.status === 'invalid') return;
      expect(r.findings, t.claim.id).toContainEqual(expect.objectContaining(t.expect));
      // Checked, not skipped: the rule is not among what could not be checked.
      expect((r.notChecked ?? []).map((n) => n.rule), t.claim.id).not.toContain(t.expect.rule);
      expect(r.tables?.length, t.claim.id).toBeGreaterThan(0);
    });
    expect(mine.reports[4]).toMatchObject({ status: 'invalid', claimId: 'TBL-NCCI', errors: [{ path: 'id' }] });
  });

  it('NDJSON with CRLF line ends, blank lines, a line cut off, an array and a repeated id', async () => {
    const file = join(dir, 'in', 'rough.ndjson');
    const [mine, theirs] = await Promise.all([studioEval(base, file), cli(rulesets, ['eval', '--ruleset', '.', file, '--format', 'json'])]);
    expect(mine.reports).toEqual(JSON.parse(theirs.out));
    expect(mine.reports.map((r) => r.status)).toEqual(['errors', 'invalid', 'invalid', 'errors', 'invalid']);
  });
});

describe('without reference tables', () => {
  it('eval refuses the rulesets that name tables; the studio checks what it can and lists the table checks as not checked, saying why', async () => {
    const file = join(dir, 'in', 'table-claims.json');
    const [mine, withTables, theirs] = await Promise.all([studioEval(bareBase, file), studioEval(base, file), cli(bare, ['eval', '--ruleset', '.', file, '--format', 'json'])]);
    // `eval` stops at the table names it cannot check (PR2035) and evaluates nothing.
    expect(theirs.code).toBe(2);
    expect(theirs.err).toContain('PR2035');
    expect(mine.tables.available).toBe(false);
    expect(mine.tables.why).toContain('no reference-table folder');
    const tableRules = mine.tables.rules ?? [];
    expect(tableRules).toEqual(expect.arrayContaining(['NCCI-PTP', 'MUE', 'DX-VALID', 'CODE-VALID', 'KX-THRESHOLD']));
    TABLE_CLAIMS.forEach((t, i) => {
      const r = mine.reports[i]!;
      const full = withTables.reports[i]!;
      if (r.status === 'invalid' || full.status === 'invalid') throw new Error(`${t.claim.id} is invalid`);
      // The table's finding is not claimed, and the rule is listed as not checked (never "ok").
      expect(r.findings.map((f) => f.rule), t.claim.id).not.toContain(t.expect.rule);
      expect((r.notChecked ?? []).map((n) => n.rule), t.claim.id).toContain(t.expect.rule);
      // Everything that needs no table is found as with the tables.
      const other = (fs: typeof r.findings) => fs.filter((f) => !tableRules.includes(f.rule));
      expect(other(r.findings), t.claim.id).toEqual(other(full.findings));
    });
  });
});

describe('the test runner and the diff agree with `payer-rules test` and `payer-rules diff`', () => {
  it('a ruleset buffer runs its folder\'s cases with the tables, as `payer-rules test FOLDER`', async () => {
    const path = 'medicare-part-b/2026.payer';
    const [mine, theirs] = await Promise.all([post<{ result: { cases: { file: string; name: string; status: string; messages: string[] }[] } }>(base, '/api/tests', { path, text: readFileSync(join(rulesets, path), 'utf8') }), cli(rulesets, ['test', 'medicare-part-b', '--format', 'json'])]);
    expect(mine.status).toBe(200);
    const pick = (cs: { file: string; name: string; status: string; messages: string[] }[]) => cs.map(({ file, name, status, messages }) => ({ file, name, status, messages }));
    const cliCases = (JSON.parse(theirs.out) as { cases: { file: string; name: string; status: string; messages: string[] }[] }).cases;
    expect(pick(mine.body.result.cases)).toEqual(pick(cliCases));
    // The table cases ran against the tables and pass.
    expect(mine.body.result.cases.filter((c) => c.file.endsWith('tables.cases.yaml')).every((c) => c.status === 'pass')).toBe(true);
  });

  it('a version against the one before, with the claims whose outcome changes, as `payer-rules diff --claims`', async () => {
    const [a, b, claims] = ['medicare-part-b/2025.payer', 'medicare-part-b/2026.payer', 'medicare-part-b/claims/review-2026.json'];
    const [mine, theirs] = await Promise.all([
      post<{ diff: unknown }>(base, '/api/diff', { path: b, text: readFileSync(join(rulesets, b), 'utf8'), against: readFileSync(join(rulesets, a), 'utf8'), againstPath: a, claimsFiles: [claims] }),
      cli(rulesets, ['diff', a, b, '--claims', claims, '--format', 'json']),
    ]);
    expect(mine.status).toBe(200);
    expect(mine.body.diff).toEqual(JSON.parse(theirs.out));
  });
});
