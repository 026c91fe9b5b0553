// The browser-safe core: codes as numbers, the NCCI lookup's dating rules (table and property
// tests against a plain scan), release choice by date, release diff, the binary cache and search.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NcciLookup } from '../engine/tables.ts';
import { NO_DAY, packCode, parseDay, unpackCode } from '../tables/codes.ts';
import { decodeRows, encodeRows } from '../tables/cache.ts';
import { diffReleases } from '../tables/diff.ts';
import { NcciIndex, buildLookup } from '../tables/lookups.ts';
import { readNormalized, writeNormalized } from '../tables/normalized.ts';
import { MANIFEST_FORMAT, TableSet, type Manifest } from '../tables/provider.ts';
import { searchCode } from '../tables/search.ts';

const day = (s: string) => parseDay(s);
const rowsOf = (kind: Parameters<typeof readNormalized>[0], text: string) => {
  const r = readNormalized(kind, text, 'inline.csv');
  expect(r.problems.list).toEqual([]);
  return r.rows;
};

// CMS v32.3 rows for 97530/97116 and 97161/99213, and a row without an effective date as the
// 2024-07-01 extract has them (92507/97530: deleted 2019-12-31, and active again).
const PTP = `column1,column2,prior_1996,effective,deletion,modifier_indicator,rationale
97530,97116,*,1996-01-01,1996-01-01,9,
97530,97116,,1999-07-01,2019-12-31,1,
97530,97116,,2020-10-01,2020-10-01,9,
97161,99213,,2017-01-01,2019-12-31,1,
97161,99213,,2020-10-01,,1,
97165,97168,,,2019-12-31,0,Mutually exclusive procedures
97165,97168,,,,0,Mutually exclusive procedures
97110,97164,,,2019-12-31,1,Standards of medical/surgical practice
97110,97164,,,2020-10-01,9,Standards of medical/surgical practice
`;

describe('codes and dates', () => {
  it.each(['97110', 'G0283', 'M5450', 'M54', 'S72001A', '0008T'])('%s packs and unpacks', (c) => expect(unpackCode(packCode(c))).toBe(c));
  it('packed codes keep code-book order (M54 < M540 < M5450 < M55)', () => expect([packCode('M54'), packCode('M540'), packCode('M5450')].every((v, i, a) => !i || a[i - 1]! < v) && packCode('M5450') < packCode('M55')).toBe(true));
  it.each([
    { s: '2024-02-29', ok: true, note: 'leap day' },
    { s: '2023-02-29', ok: false, note: 'not a leap year' },
    { s: '20191231', ok: true, note: 'CMS YYYYMMDD' },
    { s: '2024-13-01', ok: false, note: 'month 13' },
  ])('$s: $note', ({ s, ok }) => expect(Number.isNaN(parseDay(s))).toBe(!ok));
});

describe('NCCI edit in force on a day', () => {
  const ncci = new NcciIndex(rowsOf('ncci-ptp', PTP));
  it.each([
    { pair: '97530/97116', on: '2019-06-01', mi: 1, note: 'in [1999-07-01, 2019-12-31)' },
    { pair: '97530/97116', on: '2019-12-31', mi: undefined, note: 'the deletion day itself is not covered' },
    { pair: '97530/97116', on: '2024-08-01', mi: undefined, note: 'deleted; the 2020-10-01 row (9) was never in force' },
    { pair: '97530/97116', on: '1999-06-30', mi: undefined, note: 'before the edit took effect' },
    { pair: '97116/97530', on: '2019-06-01', mi: undefined, note: 'column order matters' },
    { pair: '97161/99213', on: '2018-05-01', mi: 1, note: 'first window' },
    { pair: '97161/99213', on: '2020-05-01', mi: undefined, note: 'the gap between deletion and re-adding' },
    { pair: '97161/99213', on: '2024-08-01', mi: 1, note: 'added again 2020-10-01' },
    { pair: '97165/97168', on: '2024-08-01', mi: 0, note: 'no effective date: the undeleted row applies' },
    { pair: '97165/97168', on: '2019-06-01', mi: 0, note: 'no effective date: the row deleted soonest after the day' },
    { pair: '97110/97164', on: '2024-08-01', mi: undefined, note: 'the edit was deleted' },
    { pair: '97110/97164', on: '2020-05-01', mi: undefined, note: 'indicator 9 is never returned' },
    { pair: '97110/97164', on: '2019-06-01', mi: 1, note: 'before its 2019-12-31 deletion' },
    { pair: 'XXXXXXXXXXXX/97110', on: '2024-08-01', mi: undefined, note: 'not a code' },
  ])('$pair on $on: $note', ({ pair, on, mi }) => {
    const [a, b] = pair.split('/') as [string, string];
    expect(ncci.edit(a, b, day(on))?.modifierIndicator).toBe(mi);
  });

  it('agrees with a plain scan of the rows on random tables and days (property)', () => {
    const codes = ['97110', '97112', '97140', '97530'];
    const dayArb = fc.integer({ min: 10_000, max: 10_060 });
    const rowArb = fc.record({ a: fc.constantFrom(...codes), b: fc.constantFrom(...codes), eff: dayArb, len: fc.integer({ min: 0, max: 30 }), open: fc.boolean(), mi: fc.constantFrom(0, 1, 9) });
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 30 }), dayArb, (rows, d) => {
        // Known effective dates; windows of one pair must not overlap (as in CMS files).
        const kept: typeof rows = [];
        for (const r of rows) if (!kept.some((k) => k.a === r.a && k.b === r.b && r.eff < k.eff + (k.open ? 1e9 : k.len) && k.eff < r.eff + (r.open ? 1e9 : r.len))) kept.push(r);
        const csv = ['column1,column2,prior_1996,effective,deletion,modifier_indicator,rationale', ...kept.map((r) => `${r.a},${r.b},,${fmt(r.eff)},${r.open ? '' : fmt(r.eff + r.len)},${r.mi},`)].join('\n');
        const idx = new NcciIndex(rowsOf('ncci-ptp', csv));
        for (const a of codes)
          for (const b of codes) {
            const hit = kept.find((r) => r.a === a && r.b === b && r.eff <= d && (r.open || d < r.eff + r.len));
            expect(idx.edit(a, b, d)?.modifierIndicator).toBe(hit && hit.mi !== 9 ? hit.mi : undefined);
          }
      }),
      { numRuns: 200 },
    );
  });
});

const fmt = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);

describe('other lookups', () => {
  it('fee schedule: (work + PE + MP) × CF in cents; 26/TC rows by modifier; B pays 0; I has no amount', () => {
    const fee = buildLookup(
      'fee-schedule',
      rowsOf(
        'fee-schedule',
        `code,modifier,locality,status,work_rvu,pe_rvu_nonfacility,pe_rvu_facility,mp_rvu,conversion_factor,amount_nonfacility,amount_facility,pctc,mult_proc
97110,,,A,0.45,0.42,0.42,0.01,33.2875,,,7,5
92540,,,A,1.5,1.67,1.67,0.03,33.2875,,,1,0
92540,26,,A,1.5,0.75,0.75,0.02,33.2875,,,1,0
97010,,,B,0.06,0.12,0.12,0.01,33.2875,,,9,9
97014,,,I,0.18,0.18,0.18,0.01,33.2875,,,9,9
`,
      ),
    );
    const d = day('2024-08-01');
    expect([fee.amount('97110', ['GP'], d, false), fee.amount('92540', ['26'], d, false), fee.amount('92540', [], d, false), fee.amount('97010', [], d, false), fee.amount('97014', [], d, false)]).toEqual([2929, 7556, 10652, 0, undefined]);
  });

  it('procedure codes: status window, HCPCS termination, days after the last window read the last one', () => {
    const p = buildLookup('procedure-codes', rowsOf('procedure-codes', 'code,from,through,status,added,terminated\n97014,2020-01-01,2024-09-30,I,,\n92559,2020-01-01,2021-12-31,N,,\nG0515,,,,2018-01-01,2019-12-31\n'));
    expect(p.procedure('97014', day('2025-02-01'))?.status).toBe('I');
    expect(p.procedure('92559', day('2022-03-01'))).toBeUndefined();
    expect(p.procedure('G0515', day('2024-01-01'))?.terminated).toBe(day('2019-12-31'));
  });

  it('a lookup allocates no object per call: the same frozen row comes back', () => {
    const mue = buildLookup('mue', rowsOf('mue', 'code,value,mai,rationale\n97110,6,3,Clinical: Data\n'));
    const a = mue.mue('97110', 0);
    expect(a).toBe(mue.mue('97110', 1));
    expect(Object.isFrozen(a)).toBe(true);
  });
});

function manifest(table: string, kind: Manifest['kind'], release: string, from: string, rows: number): Manifest {
  return { format: MANIFEST_FORMAT, table, kind, release, from, source: 'test', rows, sha256: '-', file: '-' };
}

describe('releases, diff, cache and search', () => {
  const r1 = rowsOf('mue', 'code,value,mai,rationale\n97110,6,3,Clinical: Data\n97112,4,3,Clinical: Data\n97116,4,3,Clinical: Data\n');
  const r2 = rowsOf('mue', 'code,value,mai,rationale\n97110,5,3,Clinical: Data\n97116,4,3,Clinical: Data\n97530,6,3,Clinical: Data\n');
  const set = new TableSet([
    { manifest: manifest('cms-mue-practitioner', 'mue', '2026-04-01', '2026-04-01', 3), rows: () => r2 },
    { manifest: manifest('cms-mue-practitioner', 'mue', '2024-07-01', '2024-07-01', 3), rows: () => r1 },
  ]);

  it.each([
    { on: '2024-06-30', release: undefined, note: 'before every release' },
    { on: '2024-07-01', release: '2024-07-01', note: 'first day of the first' },
    { on: '2026-03-31', release: '2024-07-01', note: 'the newest that started' },
    { on: '2027-06-01', release: '2026-04-01', note: 'past every release: the newest' },
  ])('$on → $release ($note)', ({ on, release }) => expect(set.release('cms-mue-practitioner', day(on))?.info.release).toBe(release));

  it('diff: added, deleted, modified and unchanged rows by code', () => {
    const d = diffReleases('cms-mue-practitioner', 'mue', { release: 'a', from: '2024-07-01', rows: 3 }, r1, { release: 'b', from: '2026-04-01', rows: 3 }, r2);
    expect([d.added, d.deleted, d.modified, d.unchanged]).toEqual([1, 1, 1, 1]);
    expect(d.changes.find((c) => c.change === 'modified')).toMatchObject({ key: { code: '97110' }, columns: ['value'] });
  });

  it('the binary cache gives back the same rows', () => {
    const rows = rowsOf('ncci-ptp', PTP);
    expect(writeNormalized(decodeRows(encodeRows(rows), 'ncci-ptp')!)).toBe(writeNormalized(rows));
    expect(decodeRows(encodeRows(rows).subarray(0, 40), 'ncci-ptp')).toBeUndefined();
  });

  it('search finds every row naming a code, in every release', () => {
    const s = searchCode(set, ' 97116 ');
    expect(s.hits.map((h) => `${h.release} ${h.row['value']}`)).toEqual(['2024-07-01 4', '2026-04-01 4']);
    expect(searchCode(set, 'M54.50').code).toBe('M5450');
  });
});

describe('the browser-safe core', () => {
  it('tables/ outside import/ and store.ts imports no Node built-ins', () => {
    const root = new URL('../tables/', import.meta.url).pathname;
    const files = readdirSync(root).filter((n) => n.endsWith('.ts') && n !== 'store.ts' && !statSync(join(root, n)).isDirectory());
    expect(files.length).toBeGreaterThan(8);
    for (const f of files) expect(readFileSync(join(root, f), 'utf8'), f).not.toMatch(/from ['"](node:|fs['"]|path['"]|os['"]|zlib['"])/);
  });
  it('NO_DAY is below every real day', () => expect(NO_DAY < day('1900-01-01')).toBe(true));
});

export type { NcciLookup };
