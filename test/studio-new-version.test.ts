// A new ruleset version in one step (issue 15, item 12): the planning as table tests over small
// folders, then the real command on a copy of the shipped rulesets (its result checks clean and
// its copied cases pass), and the studio's API route.
import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { NewVersionError, planNewVersion, type FileText } from '../studio/new-version.ts';
import { createStudio } from '../studio/server.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/payer-rules.mjs');

const payer = (id: string, version: string, window: string) => `# ${id}\nruleset ${id} "${id}"\nversion ${version} effective ${window}\n\ncodes timed = 97110\n`;
const yearly: FileText[] = [
  { path: 'acme/2025.payer', text: payer('acme', '2025.1', '2025-01-01 through 2025-12-31') },
  { path: 'acme/2026.payer', text: payer('acme', '2026.1', '2026-01-01 through 2026-12-31') },
  { path: 'acme/2026.cases.yaml', text: '# the 2026 cases\nbase: { dateOfService: "2026-03-02" }\ncases:\n  - name: a\n    claim: { id: A, priorAuthorization: { from: "2026-02-29", to: "2026-06-30" } }\n    expect: { status: clean }\n' },
  { path: 'acme/units.cases.yaml', text: 'base: { dateOfService: "2026-05-01" }\ncases: []\n' },
  { path: 'acme/mixed.cases.yaml', text: 'cases:\n  - claim: { dateOfService: "2025-05-01" }\n  - claim: { dateOfService: "2026-05-01" }\n' },
  { path: 'acme/2025.cases.yaml', text: 'base: { dateOfService: "2025-03-02" }\ncases: []\n' },
];

describe('planning a new version', () => {
  it('copies the latest version, sets version and window, and copies its cases with dates a year later', () => {
    const plan = planNewVersion(yearly, 'acme', '2027.1');
    expect(plan).toMatchObject({ newPath: 'acme/2027.payer', previousPath: 'acme/2026.payer', effective: '2027-01-01', through: '2027-12-31' });
    const byPath = new Map(plan.writes.map((w) => [w.path, w]));
    expect(byPath.get('acme/2027.payer')!.text).toBe(payer('acme', '2027.1', '2027-01-01 through 2027-12-31'));
    expect(byPath.get('acme/2027.payer')!.expect).toBeNull();
    // The 2026 version already ends the day before: it is not rewritten.
    expect(byPath.has('acme/2026.payer')).toBe(false);
    const cases = byPath.get('acme/2027.cases.yaml')!.text;
    expect(cases).toContain('dateOfService: "2027-03-02"');
    expect(cases).toContain('# the 2026 cases');
    // Every real date moves by a year (2026-02-29 is not a date and is left as written).
    expect(cases).toContain('to: "2027-06-30"');
    expect(byPath.get('acme/2027.units.cases.yaml')!.text).toContain('dateOfService: "2027-05-01"');
    expect(byPath.has('acme/2027.mixed.cases.yaml')).toBe(false);
    expect(plan.notes.join('\n')).toContain('acme/mixed.cases.yaml: not copied');
    expect(byPath.has('acme/2026.2025.cases.yaml')).toBe(false);
  });

  it.each([
    ['an open-ended latest version is ended the day before the new one', [{ path: 'b/2026.payer', text: payer('b', '2026.1', '2026-01-01') }], 'b', '2026.2', { effective: '2026-07-01' }, { 'b/2026.payer': 'version 2026.1 effective 2026-01-01 through 2026-06-30', 'b/2026.2.payer': 'version 2026.2 effective 2026-07-01\n' }],
    // A mid-year change replaces the rest of the year, no more: it ends where 2026.1 did (a yearly
    // amount such as the KX threshold stays that year's; 2027 gets its own version).
    ['an overlapping latest version is cut short, and the mid-year version ends where it did', [{ path: 'b/2026.payer', text: payer('b', '2026.1', '2026-01-01 through 2026-12-31') }], 'b', '2026.2', { effective: '2026-10-01' }, { 'b/2026.payer': 'through 2026-09-30', 'b/2026.2.payer': 'version 2026.2 effective 2026-10-01 through 2026-12-31' }],
    ['a quarter-long window stays a quarter long (in days)', [{ path: 'q/2026q1.payer', text: payer('q', '2026.1', '2026-01-01 through 2026-03-31') }], 'q', '2026.2', {}, { 'q/2026.2.payer': 'version 2026.2 effective 2026-04-01 through 2026-06-29' }],
    ['an explicit --through wins', [{ path: 'b/2026.payer', text: payer('b', '2026.1', '2026-01-01 through 2026-12-31') }], 'b', '2027.1', { through: '2028-06-30' }, { 'b/2027.payer': 'effective 2027-01-01 through 2028-06-30' }],
  ])('%s', (_note, files, id, version, opts, expected) => {
    const plan = planNewVersion(files, id, version, opts);
    for (const [path, snippet] of Object.entries(expected)) expect(plan.writes.find((w) => w.path === path)?.text, path).toContain(snippet);
  });

  it.each([
    ['an unknown ruleset', 'nope', '2027.1', {}, 'no ruleset `nope` in the rulesets folder (found: acme)'],
    ['a version that exists', 'acme', '2026.1', {}, 'version 2026.1 of `acme` already exists (acme/2026.payer)'],
    ['a start before the latest start', 'acme', '2027.1', { effective: '2025-06-01' }, 'the new version must start after 2026-01-01'],
    ['a bad date', 'acme', '2027.1', { effective: '2027-02-30' }, '--effective takes a date as YYYY-MM-DD'],
    ['an end before the start', 'acme', '2027.1', { through: '2026-12-01' }, 'would end (2026-12-01) before it starts (2027-01-01)'],
    ['a version name with a slash', 'acme', '../x', {}, 'is not a version name'],
  ])('refuses %s with a message a person can act on', (_note, id, version, opts, message) => {
    expect(() => planNewVersion(yearly, id, version, opts)).toThrow(NewVersionError);
    expect(() => planNewVersion(yearly, id, version, opts)).toThrow(message);
  });
});

describe('payer-rules new-version on the shipped rulesets', () => {
  it('creates medicare-part-b 2027.1 whose folder checks clean and whose copied cases pass; a second run exits 1', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'new-version-')), 'rulesets');
    cpSync(join(ROOT, 'rulesets'), dir, { recursive: true });
    const r = spawnSync(process.execPath, [BIN, 'new-version', 'medicare-part-b', '2027.1', '--rulesets', dir], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('medicare-part-b 2027.1, effective 2027-01-01 through 2027-12-31');
    expect(readFileSync(join(dir, 'medicare-part-b/2027.payer'), 'utf8')).toContain('version 2027.1 effective 2027-01-01 through 2027-12-31');
    expect(readdirSync(join(dir, 'medicare-part-b'))).toContain('2027.units.cases.yaml');
    const check = spawnSync(process.execPath, [BIN, 'check', join(dir, 'medicare-part-b')], { encoding: 'utf8', timeout: 120_000 });
    expect(check.stdout).toContain('0 errors');
    const test = spawnSync(process.execPath, [BIN, 'test', join(dir, 'medicare-part-b')], { encoding: 'utf8', timeout: 120_000 });
    expect(test.status).toBe(0);
    const again = spawnSync(process.execPath, [BIN, 'new-version', 'medicare-part-b', '2027.1', '--rulesets', dir], { encoding: 'utf8', timeout: 120_000 });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('version 2027.1 of `medicare-part-b` already exists');
  });

  it('the studio API creates a version the same way, from the page only', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'new-version-api-')), 'rulesets');
    cpSync(join(ROOT, 'rulesets', 'premera-commercial'), join(dir, 'premera-commercial'), { recursive: true });
    const srv = createStudio({ rulesetsDir: dir, staticDir: dir, port: 0 });
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    const post = (body: unknown, origin?: string) => fetch(`${url}/api/new-version`, { method: 'POST', headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) }, body: JSON.stringify(body) });
    try {
      expect((await post({ ruleset: 'premera-commercial', version: '2027.1' })).status).toBe(403);
      const ok = await post({ ruleset: 'premera-commercial', version: '2027.1' }, url);
      expect(ok.status).toBe(201);
      expect(await ok.json()).toMatchObject({ newPath: 'premera-commercial/2027.payer', previousPath: 'premera-commercial/2025.payer', effective: '2027-01-01', through: '2028-12-31' });
      const bad = await post({ ruleset: 'premera-commercial', version: '2027.1' }, url);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toContain('already exists');
    } finally {
      await new Promise<void>((ok) => srv.close(() => ok()));
    }
  });
});
