// eval's main thread makes each NCCI PTP release's index once, in shared memory, and its worker
// threads make their lookups over those arrays (tables/store.ts sharedLookups, cli/eval.ts
// serveTables): pinned here as structure (shared buffers, made once, narrow types) and as equal
// answers to the index made from the rows, never as time or memory figures.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_DAY } from '../tables/codes.ts';
import { NcciIndex, hasSharedParts, type NcciEditRow, type NcciParts } from '../tables/lookups.ts';
import { listReleases, loadTables, readReleaseRows, sharedLookups } from '../tables/store.ts';
import { ROOT } from './support.ts';

const DIR = join(ROOT, 'rulesets/tables');
const releases = listReleases(DIR);
const ptp = releases.filter((r) => r.manifest.kind === 'ncci-ptp');

describe('NCCI index arrays shared across threads', () => {
  it('the shipped store has PTP releases to share', () => expect(ptp.length).toBeGreaterThan(0));

  it.each(ptp.map((r) => ({ name: `${r.manifest.table} ${r.manifest.release}`, ...r })))('$name: made once, every array in a SharedArrayBuffer, rationales in bytes', ({ manifest, path }) => {
    const read = sharedLookups();
    const parts = read(manifest, path) as NcciParts;
    expect(parts.kind).toBe('ncci-ptp');
    // Asked again (another worker): the same arrays, not a second copy.
    expect(read(manifest, path)).toBe(parts);
    for (const a of [parts.c1hi, parts.c1lo, parts.start, parts.c2hi, parts.c2lo, parts.eff, parts.del, parts.mi, parts.rat]) if (a) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(parts.c2hi.length).toBe(manifest.rows);
    // CMS's rationales are a handful of sentences: one byte per row, not four.
    expect(parts.ratDict.length).toBeLessThan(256);
    expect(parts.rat).toBeInstanceOf(Uint8Array);
  });

  it.each(ptp.map((r) => ({ name: `${r.manifest.table} ${r.manifest.release}`, ...r })))('$name: every pair answers as the index made from the rows, on days around each edit', ({ manifest, path }) => {
    const rows = readReleaseRows(path, manifest);
    const fromRows = new NcciIndex(rows);
    const fromParts = new NcciIndex(sharedLookups()(manifest, path) as NcciParts);
    const key = (e: ReturnType<NcciIndex['edit']>) => (e ? `${e.effective} ${e.deleted} ${e.modifierIndicator} ${(e as NcciEditRow).rationale}` : 'none');
    const differ: string[] = [];
    let checked = 0;
    for (let i = 0; i < rows.length; i++) {
      const a = rows.text(i, 0);
      const b = rows.text(i, 1);
      const eff = rows.num(i, 3);
      const del = rows.num(i, 4);
      for (const d of [eff === NO_DAY ? 0 : eff, del === NO_DAY ? 30_000 : del - 1, del === NO_DAY ? 20_000 : del]) {
        if (key(fromParts.edit(a, b, d)) !== key(fromRows.edit(a, b, d))) differ.push(`${a} ${b} day ${d}`);
        checked++;
      }
    }
    expect(differ).toEqual([]);
    expect(checked).toBe(3 * manifest.rows);
  });

  it.each(releases.filter((r) => !hasSharedParts(r.manifest.kind)).map((r) => ({ name: `${r.manifest.table} ${r.manifest.release}`, ...r })))('$name: no shared arrays (built per thread from its rows)', ({ manifest, path }) => {
    expect(sharedLookups()(manifest, path)).toBeUndefined();
  });

  it('a table set given shared arrays makes its PTP lookups over them and asks nothing for other kinds', () => {
    const read = sharedLookups();
    const asked: string[] = [];
    const set = loadTables(DIR, undefined, (m, p) => {
      asked.push(m.kind);
      return read(m, p);
    });
    set.warm();
    expect(asked.length).toBe(ptp.length);
    expect(new Set(asked)).toEqual(new Set(['ncci-ptp']));
  });
});
