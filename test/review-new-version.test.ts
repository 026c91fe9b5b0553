// `payer-rules new-version` warns about year-specific lines it copies forward (new-user review,
// item 6): the lines of the new file that name the previous version's year, listed after writing,
// the copy itself unchanged. Table tests of the shared function, then the real command on a copy of
// the shipped rulesets.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDate } from '../engine/dates.ts';
import { planNewVersion, yearWarnings } from '../studio/new-version.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/payer-rules.mjs');
const day = (s: string) => parseDate(s)!;

describe('yearWarnings: which lines of the new file name the previous version\'s year', () => {
  it.each([
    { note: 'a header comment', line: '# dates of service in 2026', want: 'names 2026 — check it still holds for 2027' },
    { note: 'a citation', line: '  cite "CY 2026 amount $2,480"', want: 'names 2026 — check it still holds for 2027' },
    { note: 'a date', line: '  covered 2020-03-01 through 2026-12-31', want: 'names 2026 — check it still holds for 2027' },
    { note: 'a file name in a comment', line: '# see 2026.payer', want: 'names 2026 — check it still holds for 2027' },
    { note: 'a longer number is not a year', line: '  rule R "x" error { when line.charge > 120260 }', want: undefined },
    { note: 'a year inside a longer number', line: '# code 12026', want: undefined },
    { note: 'another year', line: '  ncci 97161 / 97163 never bypass since 2020-10-01', want: undefined },
    { note: 'the new year itself', line: '# dates of service in 2027', want: undefined },
  ])('$note', ({ line, want }) => {
    const got = yearWarnings('acme/2027.payer', `ruleset acme "Acme"\n${line}\n`, day('2026-01-01'), day('2026-12-31'), day('2027-01-01'));
    expect(got).toEqual(want ? [{ path: 'acme/2027.payer', line: 2, text: line.trim(), message: want }] : []);
  });

  it('a window over two years warns about both', () => {
    const got = yearWarnings('a.payer', '# FY2026: 2025-10-01 to 2026-09-30', day('2025-10-01'), day('2026-09-30'), day('2026-10-01'));
    // 2026 is also the new version's first year: only 2025 is out of date for it.
    expect(got.map((w) => w.message)).toEqual(['names 2025 — check it still holds for 2026']);
  });

  it('the plan carries the warnings for the studio too, and its new file is the copy as it was (version line aside)', () => {
    const prev = '# Acme, dates of service in 2026\nruleset acme "Acme"\nversion 2026.1 effective 2026-01-01 through 2026-12-31\n\nrule KX "CY 2026 amount" warning {\n  when claim.history.visitsThisYear > 20\n  cite "CY 2026 policy"\n}\n';
    const plan = planNewVersion([{ path: 'acme/2026.payer', text: prev }], 'acme', '2027.1');
    expect(plan.warnings.map((w) => [w.line, w.text])).toEqual([
      [1, '# Acme, dates of service in 2026'],
      [5, 'rule KX "CY 2026 amount" warning {'],
      [7, 'cite "CY 2026 policy"'],
    ]);
    expect(plan.writes[0]!.text).toBe(prev.replace('version 2026.1 effective 2026-01-01 through 2026-12-31', 'version 2027.1 effective 2027-01-01 through 2027-12-31'));
  });
});

describe('payer-rules new-version medicare-part-b 2027.1 (real command, copy of the shipped rulesets)', () => {
  it('exit 0, the new file as copied, and a warning listing every line that names 2026', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'payer-rules-review-nv-')), 'rulesets');
    cpSync(join(ROOT, 'rulesets'), dir, { recursive: true });
    const r = spawnSync(process.execPath, [BIN, 'new-version', 'medicare-part-b', '2027.1', '--rulesets', dir], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/\nwarning: \d+ lines of medicare-part-b\/2027\.payer name a year of 2026\.1, copied as they were:\n/);
    expect(r.status).toBe(0);
    const prev = readFileSync(join(dir, 'medicare-part-b/2026.payer'), 'utf8');
    const text = readFileSync(join(dir, 'medicare-part-b/2027.payer'), 'utf8');
    // The copy is not changed beyond its version line.
    const versionLine = (t: string) => t.split('\n').findIndex((l) => l.startsWith('version '));
    expect(text.split('\n').filter((_, i) => i !== versionLine(text))).toEqual(prev.split('\n').filter((_, i) => i !== versionLine(prev)));
    // Every line naming 2026 is listed, with its number, and nothing else.
    const naming = text.split('\n').flatMap((l, i) => (/(?<!\d)2026(?!\d)/.test(l) ? [i + 1] : []));
    expect(naming.length).toBeGreaterThan(0);
    const listed = [...r.stdout.matchAll(/^ {2}medicare-part-b\/2027\.payer:(\d+): names 2026 — check it still holds for 2027$/gm)].map((m) => Number(m[1]));
    expect(listed).toEqual(naming);
    // The ones the review named: the header comment and the KX amount's citation.
    expect(r.stdout).toContain('dates of service in 2026');
    expect(r.stdout).toContain('CY 2026 amount');
  });
});
