// What lets the tables run at national scale, checked against plain oracles: codes as two small
// integers (order and round trip), dates without Date objects, the radix row order, text read in
// pieces, CSV written in pieces, the stored release (hash, gzip, cache), and lookups that do not
// allocate. The timings themselves are in bench/tables.ts.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { TableKind } from '../engine/tables.ts';
import { HALF, NO_DAY, codeHi, codeLo, formatDay, packCode, parseDay, unpackCode } from '../tables/codes.ts';
import { DelimitedReader, csvField } from '../tables/csv.ts';
import { diffReleases } from '../tables/diff.ts';
import { importFiles } from '../tables/import/index.ts';
import { bytesInput } from '../tables/import/read.ts';
import { KIND_FORMATS } from '../tables/kinds.ts';
import { NormalizedEncoder, encodeNormalized, readNormalized, setCell, writeNormalized } from '../tables/normalized.ts';
import { RowsBuilder, type Rows } from '../tables/rows.ts';
import { loadTables, readReleaseRows, writeRelease } from '../tables/store.ts';

const rowsOf = (kind: TableKind, text: string) => {
  const r = readNormalized(kind, text, 'inline.csv');
  expect(r.problems.list).toEqual([]);
  return r.rows;
};
const tmp = mkdtempSync(join(tmpdir(), 'payer-rules-scale-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const codeArb = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 1, maxLength: 10 });

describe('codes as two halves', () => {
  it('pack, unpack and split agree, and packed order is code-book order (property)', () => {
    fc.assert(
      fc.property(codeArb, codeArb, (a, b) => {
        expect(unpackCode(packCode(a))).toBe(a);
        expect(codeHi(a) * HALF + codeLo(a)).toBe(packCode(a));
        expect(Math.sign(packCode(a) - packCode(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
      { numRuns: 500 },
    );
  });
  it.each(['', 'M54.5', '97110-', 'ABCDEFGHIJK'])('`%s` is not a code', (c) => expect(codeHi(c) < 0 || codeLo(c) < 0).toBe(true));
});

describe('dates without Date objects', () => {
  it('format and parse agree with the calendar for every day 1900–9999 (property)', () => {
    const first = parseDay('1900-01-01');
    fc.assert(
      fc.property(fc.integer({ min: first, max: parseDay('9999-12-31') }), (d) => {
        const iso = new Date(d * 86_400_000).toISOString().slice(0, 10);
        expect(formatDay(d)).toBe(iso);
        expect(parseDay(iso)).toBe(d);
        expect(parseDay(iso.replaceAll('-', ''))).toBe(d);
      }),
      { numRuns: 1000 },
    );
    expect(formatDay(NO_DAY)).toBe('');
  });
});

/** Rows in order by a comparison sort of the same columns, input order breaking ties: the oracle. */
function comparisonOrder(rows: Rows): number[] {
  const cols = rows.orderColumns();
  return Array.from({ length: rows.length }, (_, i) => i).sort((a, b) => rows.compareOn(cols, a, rows, b) || a - b);
}

describe('row order', () => {
  const day = fc.oneof(fc.constant(''), fc.constantFrom('2019-12-31', '2020-01-01', '2024-07-01'));
  it.each([
    {
      kind: 'ncci-ptp' as const,
      note: 'two code columns, then dates; repeated pairs and whole rows',
      row: fc.tuple(fc.constantFrom('97110', '97530', '0001F', 'G0283'), fc.constantFrom('97110', '97140', '99213'), day, day, fc.constantFrom('0', '1', '9'), fc.constantFrom('', 'Mutually exclusive')).map((r) => `${r[0]},${r[1]},,${r[2]},${r[3]},${r[4]},${r[5]}`),
      header: 'column1,column2,prior_1996,effective,deletion,modifier_indicator,rationale',
    },
    {
      kind: 'icd10cm' as const,
      note: 'codes of 3 to 7 characters (the second half in use)',
      row: fc.tuple(fc.constantFrom('M54', 'M545', 'M5450', 'S72001A', 'S72001D', 'A00'), fc.constantFrom('0', '1')).map((r) => `${r[0]},${r[1]},x`),
      header: 'code,billable,description',
    },
  ])('$kind: the radix order equals a comparison sort ($note; property)', ({ kind, row, header }) => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (lines) => {
        // Rows as read, unsorted (duplicate rows too: the order comes before duplicates are reported).
        expect(header.split(',')).toEqual(KIND_FORMATS[kind].columns.map((c) => c.name));
        const b = new RowsBuilder(kind);
        for (const l of lines) {
          const r = new DelimitedReader(l, ',');
          r.next();
          const row = b.add(1);
          for (let c = 0; c < r.count; c++) expect(setCell(b, row, c, r.text, r.start(c), r.end(c), r.decoded(c))).toBeUndefined();
        }
        const rows = b.build();
        expect(Array.from(rows.order())).toEqual(comparisonOrder(rows));
      }),
      { numRuns: 150 },
    );
  });
});

describe('text read in pieces', () => {
  const fieldArb = fc.oneof(fc.constantFrom('', '97110', '2024-07-01', 'a "quoted" word', 'x,y', ' spaced '), fc.string({ maxLength: 6 }).filter((s) => !/[\r\n"]/.test(s)));
  const lineArb = fc.array(fieldArb, { minLength: 1, maxLength: 5 }).map((f) => f.map(csvField).join(','));
  it('a reader fed pieces split anywhere gives the lines and fields of the whole text (property)', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 12 }), fc.boolean(), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 20 }), (lines, crlf, cuts) => {
        const text = lines.join(crlf ? '\r\n' : '\n');
        const read = (r: DelimitedReader) => {
          const out: string[][] = [];
          while (r.next()) out.push([String(r.line), ...r.fields()]);
          return out;
        };
        let at = 0;
        let k = 0;
        const next = () => (at >= text.length ? undefined : text.slice(at, (at += cuts[k++ % cuts.length]!)));
        expect(read(new DelimitedReader(next() ?? '', ',', next))).toEqual(read(new DelimitedReader(text, ',')));
      }),
      { numRuns: 300 },
    );
  });

  it('UTF-8 across 64 KB piece boundaries, and Windows-1252 when the file is not UTF-8, decode as the whole file does', () => {
    const line = (i: number) => `97110,97140,,2020-01-01,,1,Précis ${i} “standards” of medical/surgical practice\n`;
    const text = `column1,column2,prior_1996,effective,deletion,modifier_indicator,rationale\n${Array.from({ length: 3000 }, (_, i) => line(i)).join('')}`;
    const read = (bytes: Uint8Array) => {
      const r = bytesInput('x.csv', bytes).reader(',');
      const out: string[] = [];
      while (r.next()) out.push(r.raw());
      return out.join('\n');
    };
    expect(read(new TextEncoder().encode(text)).length).toBeGreaterThan(128 * 1024);
    expect(read(new TextEncoder().encode(text))).toBe(text.trimEnd());
    // The same text in Windows-1252: é is 0xE9, “ ” are 0x93 0x94.
    const cp1252 = Uint8Array.from(text, (c) => ({ é: 0xe9, '“': 0x93, '”': 0x94 })[c] ?? c.charCodeAt(0));
    expect(read(cp1252)).toBe(text.trimEnd());
  });
});

describe('CSV written in pieces', () => {
  const FEE = `code,modifier,locality,status,work_rvu,pe_rvu_nonfacility,pe_rvu_facility,mp_rvu,conversion_factor,amount_nonfacility,amount_facility,pctc,mult_proc
97110,,,A,0.45,0.42,0.42,0.01,33.2875,,,7,5
92540,26,,A,1.5,0.75,0.75,0.02,33.2875,,,1,0
97010,,01,B,0.06,0.12,0.12,0.01,33.2875,12.5,,9,"a, b"
`;
  // The oracle: each cell as text, quoted where CSV needs it.
  const plain = (rows: Rows) => [rows.columns.map((c) => c.name).join(','), ...Array.from({ length: rows.length }, (_, i) => rows.columns.map((_, c) => csvField(rows.value(i, c))).join(','))].join('\n') + '\n';
  it.each([1, 7, 64, 1 << 20])('pieces of %i bytes concatenate to the cell-by-cell CSV', (size) => {
    const rows = rowsOf('fee-schedule', FEE).sorted();
    const enc = new NormalizedEncoder(rows, size);
    const pieces: string[] = [];
    for (let p = enc.piece(); p; p = enc.piece()) pieces.push(new TextDecoder().decode(p));
    expect(pieces.join('')).toBe(plain(rows));
    expect(new TextDecoder().decode(encodeNormalized(rows))).toBe(plain(rows));
  });
});

describe('the stored release', () => {
  it('rows.csv.gz is the normalized CSV, the manifest has its sha256, and the cache gives back the same rows', async () => {
    const text = readFileSync(join(new URL('./fixtures/tables/', import.meta.url).pathname, 'ccipra-v323r0-f1.txt'));
    const rel = importFiles([{ name: 'f1.txt', bytes: text }], { kind: 'ncci-ptp', from: '2026-10-01' }).releases[0]!;
    const m = await writeRelease(join(tmp, 'store'), rel);
    const dir = join(tmp, 'store', m.table, m.release);
    const csv = gunzipSync(readFileSync(join(dir, m.file)));
    expect(csv.toString('utf8')).toBe(writeNormalized(rel.rows));
    expect(createHash('sha256').update(csv).digest('hex')).toBe(m.sha256);
    expect(writeNormalized(readReleaseRows(dir, m))).toBe(writeNormalized(rel.rows));
    expect(loadTables(join(tmp, 'store')).releases(m.table).map((r) => r.rows)).toEqual([5]);
  });

  it('the change report pairs rows as a multiset count says it should (property)', () => {
    const row = fc
      .tuple(fc.constantFrom('97110', '97530'), fc.constantFrom('97140', '99213'), fc.constantFrom('', '2020-01-01'), fc.constantFrom('', '2019-12-31'), fc.constantFrom('0', '1'), fc.constantFrom('', 'Mutually exclusive', 'Standards'))
      .map(([c1, c2, eff, del, mi, rat]) => [c1, c2, '', eff, del, mi, rat].join(','));
    // Rows repeated within a release are kept (the diff pairs whatever rows it is given).
    const parse = (lines: string[]) => readNormalized('ncci-ptp', ['column1,column2,prior_1996,effective,deletion,modifier_indicator,rationale', ...lines].join('\n'), 'x').rows;
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), fc.array(row, { maxLength: 12 }), (la, lb) => {
        const a = parse(la);
        const b = parse(lb);
        const d = diffReleases('t', 'ncci-ptp', { release: 'a', from: '2024-01-01', rows: a.length }, a, { release: 'b', from: '2024-04-01', rows: b.length }, b);
        // Equal rows are unchanged (as a multiset); per code pair, the rows left on both sides pair
        // up as modified, and the rest are deleted or added.
        const rowsA = writeNormalized(a).split('\n').slice(1, -1);
        const rowsB = writeNormalized(b).split('\n').slice(1, -1);
        const unmatched = (xs: string[], ys: string[]) => {
          const pool = [...ys];
          return xs.filter((x) => {
            const k = pool.indexOf(x);
            if (k < 0) return true;
            pool.splice(k, 1);
            return false;
          });
        };
        const pair = (r: string) => r.split(',').slice(0, 2).join(',');
        const leftA = unmatched(rowsA, rowsB).map(pair);
        const leftB = unmatched(rowsB, rowsA).map(pair);
        const same = rowsA.length - leftA.length;
        const modified = [...new Set(leftA)].reduce((n, k) => n + Math.min(leftA.filter((x) => x === k).length, leftB.filter((x) => x === k).length), 0);
        expect([d.unchanged, d.modified, d.deleted, d.added]).toEqual([same, modified, leftA.length - modified, leftB.length - modified]);
      }),
      { numRuns: 300 },
    );
  });

  it('the report for a first release counts its rows and lists none', () => {
    const rows = rowsOf('mue', 'code,value,mai,rationale\n97110,6,3,Clinical: Data\n97112,4,3,Clinical: Data\n');
    const d = diffReleases('t', 'mue', undefined, undefined, { release: 'r', from: '2024-07-01', rows: 2 }, rows);
    expect([d.added, d.changes.length]).toEqual([2, 0]);
  });
});

describe('lookups do not allocate', () => {
  // In a child process: the interpreter (`--jitless`) shows every boxed number and closure context;
  // the usual tiers show what the optimizing compiler leaves. A boxed number in every call would be
  // 16 bytes a call; the least of three rounds leaves out the compiler's one-time work.
  const script = new URL('./fixtures/tables/lookup-allocation.ts', import.meta.url).pathname;
  it.each([
    { mode: 'interpreter only', flags: ['--jitless'], calls: '50000' },
    { mode: 'optimizing compiler', flags: [], calls: '500000' },
  ])('$mode: under half a byte per call for every kind of lookup', ({ flags, calls }) => {
    const out = execFileSync(process.execPath, [...flags, '--import', 'tsx', script, calls], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const perCall = JSON.parse(out) as Record<string, number>;
    expect(Object.keys(perCall)).toHaveLength(7);
    for (const [what, bytes] of Object.entries(perCall)) expect(bytes, what).toBeLessThan(0.5);
  });
});
