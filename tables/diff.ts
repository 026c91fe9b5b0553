// What changed between two releases of a table: rows added, deleted and modified, paired on the
// kind's key columns (a key that repeats, as NCCI pairs deleted and added again do, is matched row
// for row: equal rows first, then the rest in order). Rows outside either release's scope are not
// compared, and the report says how many. `payer-rules import` and `payer-rules diff` print it.
// Browser-safe.
import type { TableKind } from '../engine/tables.ts';
import { KIND_FORMATS } from './kinds.ts';
import { ScopeMatcher } from './lookups.ts';
import type { ReleaseInfo } from './provider.ts';
import type { Rows } from './rows.ts';

export interface RowChange {
  change: 'added' | 'deleted' | 'modified';
  /** The key columns' values. */
  key: Record<string, string>;
  old?: Record<string, string>;
  new?: Record<string, string>;
  /** For `modified`: the columns whose value changed. */
  columns?: string[];
}

export interface TableDiff {
  table: string;
  kind: TableKind;
  /** The releases compared; `old` is absent for a table's first release (then `changes` is empty and `added` counts its rows). */
  old?: { release: string; from: string; through?: string; rows: number };
  new: { release: string; from: string; through?: string; rows: number };
  added: number;
  deleted: number;
  modified: number;
  unchanged: number;
  /** Rows left out because they are outside the other release's scope (a partial release). */
  notCompared: number;
  /** Columns a release says its source lacks (manifest `missing`, "column: why"): not compared. */
  columnsNotCompared?: { column: string; release: string; why: string }[];
  changes: RowChange[];
}

type Side = Pick<ReleaseInfo, 'release' | 'from' | 'through' | 'rows' | 'scope' | 'missing'>;

/** The columns of `kind` a release's manifest says its source lacks: entries written `column: why`. */
export function missingColumns(kind: TableKind, side: Side | undefined): { column: string; release: string; why: string }[] {
  const names = new Set(KIND_FORMATS[kind].columns.map((c) => c.name));
  return (side?.missing ?? []).flatMap((m) => {
    const at = m.indexOf(':');
    const column = at > 0 ? m.slice(0, at).trim() : '';
    return names.has(column) ? [{ column, release: side!.release, why: m.slice(at + 1).trim() }] : [];
  });
}

function inScope(rows: Rows, i: number, m: ScopeMatcher): boolean {
  return rows.kind === 'ncci-ptp' ? m.coversPairPacked(rows.num(i, 0), rows.num(i, 1)) : m.coversPacked(rows.num(i, 0));
}

/** Compares two releases of one table (`oldRows` undefined for a first release). */
export function diffReleases(table: string, kind: TableKind, oldSide: Side | undefined, oldRows: Rows | undefined, newSide: Side, newRows: Rows): TableDiff {
  const fmt = KIND_FORMATS[kind];
  const side = (s: Side) => ({ release: s.release, from: s.from, ...(s.through ? { through: s.through } : {}), rows: s.rows });
  const out: TableDiff = { table, kind, new: side(newSide), added: 0, deleted: 0, modified: 0, unchanged: 0, notCompared: 0, changes: [] };
  if (oldSide) out.old = side(oldSide);
  // A first release: every row is new, and listing 2.6 million of them says nothing the count does not.
  if (!oldRows) {
    out.added = newRows.length;
    return out;
  }
  // A column either source lacks differs only because one release could not fill it.
  const lacking = [...missingColumns(kind, oldSide), ...missingColumns(kind, newSide)];
  if (lacking.length) out.columnsNotCompared = lacking;
  const ignored = new Set(lacking.map((l) => newRows.col(l.column)));
  // Each side is compared only where the other side lists its codes completely.
  const keepNew = oldSide?.scope ? new ScopeMatcher(oldSide.scope) : undefined;
  const keepOld = newSide.scope ? new ScopeMatcher(newSide.scope) : undefined;
  let b = newRows.sorted();
  let a = oldRows?.sorted();
  if (a && keepOld) {
    const k = a.select((i) => inScope(a!, i, keepOld));
    out.notCompared += a.length - k.length;
    a = a.permute(k);
  }
  if (keepNew && oldRows) {
    const k = b.select((i) => inScope(b, i, keepNew));
    out.notCompared += b.length - k.length;
    b = b.permute(k);
  }
  const keyCols = fmt.key.map((n) => b.col(n));
  const allCols = b.orderColumns();
  const rec = (r: Rows, i: number) => r.record(i);
  const keyOf = (r: Rows, i: number) => Object.fromEntries(fmt.key.map((n) => [n, r.value(i, r.col(n))]));
  const push = (c: RowChange) => {
    out[c.change]++;
    out.changes.push(c);
  };
  let i = 0;
  let j = 0;
  const na = a?.length ?? 0;
  // Typed-array fast paths for the millions of unchanged rows of a national table: keys of codes
  // compared as numbers, and whole rows compared column array by column array.
  const codeKey = keyCols.every((c) => b.columns[c]!.type === 'code');
  const keysA = keyCols.map((c) => a!.data[c]!.values as Float64Array);
  const keysB = keyCols.map((c) => b.data[c]!.values as Float64Array);
  const cmpKey = (i: number, j: number) => (codeKey ? keyCmp(keysA, i, keysB, j) : a!.compareOn(keyCols, i, b, j));
  const sameKeyA = (i: number, i2: number) => (codeKey ? keyCmp(keysA, i, keysA, i2) === 0 : a!.compareOn(keyCols, i, a!, i2) === 0);
  const sameKeyB = (j: number, j2: number) => (codeKey ? keyCmp(keysB, j, keysB, j2) === 0 : b.compareOn(keyCols, j, b, j2) === 0);
  const equal = rowsEqual(a!, b, ignored);
  const compared = allCols.filter((c) => !ignored.has(c));
  while (i < na || j < b.length) {
    const cmp = i >= na ? 1 : j >= b.length ? -1 : cmpKey(i, j);
    if (cmp < 0) {
      push({ change: 'deleted', key: keyOf(a!, i), old: rec(a!, i) });
      i++;
      continue;
    }
    if (cmp > 0) {
      push({ change: 'added', key: keyOf(b, j), new: rec(b, j) });
      j++;
      continue;
    }
    // One key on both sides: the group of rows with it on each side.
    let i2 = i + 1;
    while (i2 < na && sameKeyA(i, i2)) i2++;
    let j2 = j + 1;
    while (j2 < b.length && sameKeyB(j, j2)) j2++;
    if (i2 === i + 1 && j2 === j + 1 && equal(i, j)) {
      out.unchanged++;
      i = i2;
      j = j2;
      continue;
    }
    const leftA: number[] = [];
    const leftB: number[] = [];
    if (ignored.size === 0) {
      let x = i;
      let y = j;
      while (x < i2 || y < j2) {
        const c = x >= i2 ? 1 : y >= j2 ? -1 : equal(x, y) ? 0 : a!.compareOn(allCols, x, b, y);
        if (c === 0) {
          out.unchanged++;
          x++;
          y++;
        } else if (c < 0) leftA.push(x++);
        else leftB.push(y++);
      }
    } else {
      // Rows are ordered on every column, ignored ones included: match equal rows by search.
      const taken = new Set<number>();
      for (let x = i; x < i2; x++) {
        let hit = -1;
        for (let y = j; y < j2 && hit < 0; y++) if (!taken.has(y) && equal(x, y)) hit = y;
        if (hit >= 0) {
          taken.add(hit);
          out.unchanged++;
        } else leftA.push(x);
      }
      for (let y = j; y < j2; y++) if (!taken.has(y)) leftB.push(y);
    }
    // Rows left on both sides pair up as modified, each with the row it agrees with most.
    const same = (p: number, q: number) => compared.reduce((n, c) => n + (a!.compareCell(p, b, q, c) === 0 ? 1 : 0), 0);
    const unpaired = [...leftB];
    const restA: number[] = [];
    for (const p of leftA) {
      if (unpaired.length === 0) {
        restA.push(p);
        continue;
      }
      let best = 0;
      for (let k = 1; k < unpaired.length; k++) if (same(p, unpaired[k]!) > same(p, unpaired[best]!)) best = k;
      const q = unpaired.splice(best, 1)[0]!;
      const columns = compared.filter((c) => a!.compareCell(p, b, q, c) !== 0).map((c) => b.columns[c]!.name);
      push({ change: 'modified', key: keyOf(b, q), old: rec(a!, p), new: rec(b, q), columns });
    }
    for (const p of restA) push({ change: 'deleted', key: keyOf(a!, p), old: rec(a!, p) });
    for (const q of unpaired) push({ change: 'added', key: keyOf(b, q), new: rec(b, q) });
    i = i2;
    j = j2;
  }
  return out;
}

/** Compares keys of code columns (packed numbers) of row `i` of one side and row `j` of the other. */
function keyCmp(ka: readonly Float64Array[], i: number, kb: readonly Float64Array[], j: number): number {
  for (let k = 0; k < ka.length; k++) {
    const x = ka[k]![i]!;
    const y = kb[k]![j]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Whether row `i` of `a` and row `j` of `b` hold the same values (text through each side's dictionary). */
function rowsEqual(a: Rows, b: Rows, ignored: ReadonlySet<number>): (i: number, j: number) => boolean {
  const fa: Float64Array[] = [];
  const fb: Float64Array[] = [];
  const ia: Int32Array[] = [];
  const ib: Int32Array[] = [];
  const ta: Uint32Array[] = [];
  const tb: Uint32Array[] = [];
  const toA: Int32Array[] = [];
  a.data.forEach((d, c) => {
    if (ignored.has(c)) return;
    const e = b.data[c]!;
    if (d.type === 'text' && e.type === 'text') {
      // b's dictionary index → a's (-1 when a never has that value).
      const index = new Map(d.dict.map((s, k) => [s, k]));
      ta.push(d.values);
      tb.push(e.values);
      toA.push(Int32Array.from(e.dict, (s) => index.get(s) ?? -1));
    } else if ((d.type === 'code' || d.type === 'decimal') && e.type === d.type) {
      fa.push(d.values);
      fb.push(e.values);
    } else if ((d.type === 'date' || d.type === 'int') && e.type === d.type) {
      ia.push(d.values);
      ib.push(e.values);
    }
  });
  return (i, j) => {
    for (let k = 0; k < fa.length; k++) {
      const x = fa[k]![i]!;
      const y = fb[k]![j]!;
      if (x !== y && !(x !== x && y !== y)) return false; // NaN (a blank decimal) equals itself
    }
    for (let k = 0; k < ia.length; k++) if (ia[k]![i] !== ib[k]![j]) return false;
    for (let k = 0; k < ta.length; k++) if (ta[k]![i] !== toA[k]![tb[k]![j]!]) return false;
    return true;
  };
}

const brief = (r: Record<string, string> | undefined) =>
  Object.entries(r ?? {})
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/** One changed row as a line of the report: `+ key: row`, `- key: row` or `~ key: column old → new`. */
export function renderChange(c: RowChange): string {
  const key = Object.values(c.key).filter(Boolean).join(' ');
  if (c.change === 'added') return `  + ${key}: ${brief(c.new)}`;
  if (c.change === 'deleted') return `  - ${key}: ${brief(c.old)}`;
  return `  ~ ${key}: ${c.columns!.map((n) => `${n} ${c.old![n] || '(blank)'} → ${c.new![n] || '(blank)'}`).join(', ')}`;
}

/** The change report as text; at most `limit` changed rows are listed. */
export function renderTableDiff(d: TableDiff, limit = 100): string {
  const head = d.old
    ? `${d.table}: ${d.old.release} (${d.old.rows} rows) → ${d.new.release} (${d.new.rows} rows)`
    : `${d.table}: first release ${d.new.release} (${d.new.rows} rows)`;
  const lines = [head, `  ${d.added} added, ${d.deleted} deleted, ${d.modified} modified, ${d.unchanged} unchanged${d.notCompared ? `; ${d.notCompared} not compared (outside the other release's scope)` : ''}`];
  for (const c of d.columnsNotCompared ?? []) lines.push(`  column ${c.column} not compared: release ${c.release} lacks it (${c.why})`);
  if (!d.old) return lines.join('\n');
  for (const c of d.changes.slice(0, limit)) lines.push(renderChange(c));
  if (d.changes.length > limit) lines.push(`  … and ${d.changes.length - limit} more (--format json lists every change)`);
  return lines.join('\n');
}
