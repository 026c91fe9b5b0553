// `payer-rules diff OLD-RELEASE NEW-RELEASE --claims`: claims evaluated with the rulesets beside the
// table store, once with each release pinned; the claims whose outcome changes, with the rows that
// explain it. The releases are small NCCI tables written here; the expected findings follow from
// their rows (modifier indicator 0 is never bypassed, 1 is bypassed by 59; a row applies to days
// in [effective, deletion)).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import type { TableClaimsImpact } from '../tables/impact.ts';

const tmp = mkdtempSync(join(tmpdir(), 'payer-rules-table-claims-'));
const rulesets = join(tmp, 'rulesets');
const store = join(rulesets, 'tables');
const release = (r: string) => join(store, 'cms-ncci-ptp-practitioner', r);
// A store with no rulesets around it.
const lone = mkdtempSync(join(tmpdir(), 'payer-rules-lone-store-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(lone, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const HEADER = 'column1,column2,prior_1996,effective,deletion,modifier_indicator,rationale';
const OLD = [HEADER, '97150,97110,,2020-01-01,,1,Mutually exclusive procedures', '97165,97168,,2020-01-01,,0,Mutually exclusive procedures', '97530,97116,,1999-07-01,2019-12-31,1,'];
// 97150/97110 no longer bypassed (1 → 0); 97165/97168 gone; 97530/97140 new from 2027-01-01.
const NEW = [HEADER, '97150,97110,,2020-01-01,,0,Mutually exclusive procedures', '97530,97116,,1999-07-01,2019-12-31,1,', '97530,97140,,2027-01-01,,1,Standards of medical/surgical practice'];

const line = (code: string, modifiers: string[] = ['GP']) => ({ code, modifiers, units: 1, minutes: 15, diagnosisPointers: [1] });
const claim = (id: string, dateOfService: string, lines: object[], extra: object = {}) => ({ id, provider: { npi: '1234567893', discipline: 'PT' }, dateOfService, placeOfService: '11', diagnoses: ['M62.81'], lines, ...extra });
const CLAIMS = [
  claim('BYPASSED-THEN-BUNDLED', '2026-11-02', [line('97150'), line('97110', ['GP', '59'])]),
  claim('BUNDLED-THEN-CLEAN', '2026-11-02', [line('97165', ['GO']), line('97168', ['GO'])]),
  claim('NEW-EDIT', '2027-02-01', [line('97530'), line('97140')]),
  claim('NEW-EDIT-NOT-YET-IN-FORCE', '2026-11-02', [line('97530'), line('97140')]),
  claim('ONE-LINE', '2026-11-02', [line('97110')]),
  claim('OTHER-PAYER', '2026-11-02', [line('97150'), line('97110')], { payer: 'another-payer' }),
  { id: 'NO-LINES', dateOfService: '2026-11-02' },
];

beforeAll(async () => {
  mkdirSync(rulesets, { recursive: true });
  writeFileSync(
    join(rulesets, 'test-payer.payer'),
    'ruleset test-payer "A payer that applies the NCCI table"\nversion 2026.1 effective 2026-01-01\n\nmodifiers {\n  NCCI-PTP: ncci table cms-ncci-ptp-practitioner bypass 59, XE, XS, XP, XU\n      cite "CMS NCCI practitioner PTP edits (release named in the report)"\n}\n',
  );
  writeFileSync(join(tmp, 'old.csv'), OLD.join('\n') + '\n');
  writeFileSync(join(tmp, 'new.csv'), NEW.join('\n') + '\n');
  writeFileSync(join(tmp, 'claims.json'), JSON.stringify(CLAIMS));
  for (const [file, rel] of [['old.csv', '2026-10-01'], ['new.csv', '2027-01-01']] as const) {
    for (const into of [store, join(lone, 'tables'), join(lone, 'other')]) expect((await run('import', 'ncci-ptp', join(tmp, file), '--release', rel, '--from', rel, '--into', into)).err).toBe('');
  }
  expect((await run('import', 'ncci-ptp', join(tmp, 'old.csv'), '--table', 'cms-ncci-ptp-hospital', '--release', '2026-10-01', '--from', '2026-10-01', '--into', store)).err).toBe('');
});

describe('diff of two table releases with --claims', () => {
  it('lists the claims that change outcome, each with the changed row that explains it', async () => {
    const r = await run('diff', release('2026-10-01'), release('2027-01-01'), '--claims', join(tmp, 'claims.json'));
    expect(r.code).toBe(0);
    const claims = r.out.slice(r.out.indexOf('claims:'));
    expect(claims.split('\n')).toEqual([
      'claims: 3 of 7 change outcome with cms-ncci-ptp-practitioner 2027-01-01 in place of 2026-10-01',
      '  evaluated with test-payer 2026.1',
      // NEW-EDIT-NOT-YET-IN-FORCE is checked (the pair is looked up; the new row starts after its date).
      '  4 of 7 checked against the table; not checked: 1 no ruleset version that uses the table covers (payer or date of service), 1 not valid claims, 1 with nothing the table\'s rules look at',
      '  BYPASSED-THEN-BUNDLED: clean → errors',
      expect.stringMatching(/^ {6}\+ NCCI-PTP ncci-bundled line 2: /),
      '      because ~ 97150 97110: modifier_indicator 1 → 0',
      '  BUNDLED-THEN-CLEAN: errors → clean',
      expect.stringMatching(/^ {6}- NCCI-PTP ncci-bundled line 2: /),
      '      because - 97165 97168: column1=97165 column2=97168 effective=2020-01-01 modifier_indicator=0 rationale=Mutually exclusive procedures',
      '  NEW-EDIT: clean → errors',
      expect.stringMatching(/^ {6}\+ NCCI-PTP ncci-bundled line 2: /),
      '      because + 97530 97140: column1=97530 column2=97140 effective=2027-01-01 modifier_indicator=1 rationale=Standards of medical/surgical practice',
    ]);
    // The row changes come first, as without --claims.
    expect(r.out.startsWith('cms-ncci-ptp-practitioner: 2026-10-01 (3 rows) → 2027-01-01 (3 rows)\n  1 added, 1 deleted, 1 modified, 1 unchanged')).toBe(true);
  });

  it('--format json gives the row changes and the claim impact', async () => {
    const r = await run('diff', release('2026-10-01'), release('2027-01-01'), '--claims', join(tmp, 'claims.json'), '--format', 'json');
    const d = JSON.parse(r.out) as { added: number; claims: TableClaimsImpact };
    expect(d.added).toBe(1);
    expect(d.claims).toMatchObject({ table: 'cms-ncci-ptp-practitioner', old: '2026-10-01', new: '2027-01-01', rulesets: ['test-payer 2026.1'], total: 7, checked: 4, notChecked: { invalid: 1, noRuleset: 1, tableNotNeeded: 1 } });
    expect(d.claims.changed.map((c) => [c.claimId, c.oldStatus, c.newStatus, c.added.map((f) => f.code), c.removed.map((f) => f.code)])).toEqual([
      ['BYPASSED-THEN-BUNDLED', 'clean', 'errors', ['97110'], []],
      ['BUNDLED-THEN-CLEAN', 'errors', 'clean', [], ['97168']],
      ['NEW-EDIT', 'clean', 'errors', ['97140'], []],
    ]);
  });

  it('the same release on both sides changes no claim', async () => {
    const r = await run('diff', release('2027-01-01'), release('2027-01-01'), '--claims', join(tmp, 'claims.json'));
    expect(r.out).toContain('claims: 0 of 7 change outcome');
  });

  it.each([
    { note: 'releases of two tables', argv: () => ['diff', release('2026-10-01'), join(store, 'cms-ncci-ptp-hospital', '2026-10-01'), '--claims', join(tmp, 'claims.json')], err: 'two releases of one table' },
    { note: 'no rulesets around the store', argv: () => ['diff', join(lone, 'tables', 'cms-ncci-ptp-practitioner', '2026-10-01'), join(lone, 'tables', 'cms-ncci-ptp-practitioner', '2027-01-01'), '--claims', join(tmp, 'claims.json')], err: 'there are none in' },
    { note: 'a store that is not a rulesets folder\'s tables/', argv: () => ['diff', join(lone, 'other', 'cms-ncci-ptp-practitioner', '2026-10-01'), join(lone, 'other', 'cms-ncci-ptp-practitioner', '2026-10-01'), '--claims', join(tmp, 'claims.json')], err: 'is not one' },
    { note: 'claims that cannot be read', argv: () => ['diff', release('2026-10-01'), release('2027-01-01'), '--claims', join(tmp, 'no-such-claims.json')], err: 'cannot read' },
  ])('exit 2: $note', async ({ argv, err }) => {
    const r = await run(...argv());
    expect(r.code).toBe(2);
    expect(r.err).toContain(err);
  });
});
