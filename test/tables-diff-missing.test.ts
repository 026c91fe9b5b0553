// A column a release's source lacks (manifest `missing`, written "column: why") is not compared in
// a release diff: blank on one side is not a change. Found on the shipped NCCI releases, whose
// 2024 extract has no effective dates and whose 2026 extract has no rationale: 134 "modified"
// rows that had not changed.
import { describe, expect, it } from 'vitest';
import { diffReleases, missingColumns, renderTableDiff } from '../tables/diff.ts';
import { readNormalized } from '../tables/normalized.ts';

const HEAD = 'column1,column2,prior_1996,effective,deletion,modifier_indicator,rationale\n';
const rows = (text: string) => {
  const r = readNormalized('ncci-ptp', HEAD + text, 'inline.csv');
  expect(r.problems.count).toBe(0);
  return r.rows;
};
const OLD = rows('97110,97140,,,2019-12-31,1,Standards of medical/surgical practice\n97140,97530,,,,1,Mutually exclusive procedures\n97150,97110,,,,1,Misuse of column two code with column one code\n');
const NEW = rows('97110,97140,,1999-04-01,2019-12-31,1,\n97140,97530,,2000-01-01,2026-12-31,1,\n97150,97110,,2001-01-01,,1,\n');
const old = { release: '2024-07-01', from: '2024-07-01', rows: 3, missing: ['effective: the extract has no effective-date column'] };
const neu = { release: '2026-10-01', from: '2026-10-01', rows: 3, missing: ['rationale: the extract did not carry it'] };

describe('columns a release lacks', () => {
  it.each([
    { missing: ['effective: no dates'], columns: ['effective'], note: 'a column name before the colon' },
    { missing: ['effective dates: no dates'], columns: [], note: 'not a column name: a sentence only' },
    { missing: ['RVU24D is not in the source'], columns: [], note: 'no colon' },
  ])('$note', ({ missing, columns }) => {
    expect(missingColumns('ncci-ptp', { release: 'r', from: '2024-01-01', rows: 0, missing }).map((m) => m.column)).toEqual(columns);
  });

  it('blank against a value in a column either side lacks is not a change; a real change still is, naming only its column', () => {
    const d = diffReleases('cms-ncci-ptp-practitioner', 'ncci-ptp', old, OLD, neu, NEW);
    expect([d.added, d.deleted, d.modified, d.unchanged]).toEqual([0, 0, 1, 2]);
    expect(d.changes[0]).toMatchObject({ change: 'modified', key: { column1: '97140', column2: '97530' }, columns: ['deletion'] });
    expect(d.columnsNotCompared?.map((c) => `${c.column}@${c.release}`)).toEqual(['effective@2024-07-01', 'rationale@2026-10-01']);
    expect(renderTableDiff(d)).toContain('column effective not compared: release 2024-07-01 lacks it (the extract has no effective-date column)');
  });

  it('without the manifests saying so, the same rows are all modified (the blanks count)', () => {
    const d = diffReleases('cms-ncci-ptp-practitioner', 'ncci-ptp', { ...old, missing: [] }, OLD, { ...neu, missing: [] }, NEW);
    expect(d.modified).toBe(3);
  });
});
