// Every row that names a code, across tables and releases, with its release and dates: what the
// studio's table search and the editor's hover on a code show. NCCI rows are found by either
// column. Browser-safe.
import type { TableKind } from '../engine/tables.ts';
import { NO_CODE, packCode } from './codes.ts';
import { KIND_FORMATS } from './kinds.ts';
import { orderByCode } from './order.ts';
import type { ReleaseInfo, TableSet } from './provider.ts';
import type { Rows } from './rows.ts';

export interface SearchHit {
  table: string;
  kind: TableKind;
  release: string;
  from: string;
  through?: string;
  /** The column that names the code (`column1` or `column2` for NCCI, else `code`). */
  column: string;
  row: Record<string, string>;
}

export interface SearchResult {
  /** The code as searched (upper case, dot removed). */
  code: string;
  hits: SearchHit[];
  /** Rows left out past the limit, per table and release ("table release": count). */
  truncated?: Record<string, number>;
}

/** Row order by one code column, built once per row set and column. */
const byColumn = new WeakMap<Rows, Map<number, Uint32Array>>();

function orderBy(rows: Rows, c: number): Uint32Array {
  let m = byColumn.get(rows);
  if (!m) byColumn.set(rows, (m = new Map()));
  let order = m.get(c);
  if (!order) {
    order = orderByCode(rows.data[c]!.values as Float64Array);
    m.set(c, order);
  }
  return order;
}

/** Row indexes whose code column `c` equals the packed code. */
function matching(rows: Rows, c: number, v: number): number[] {
  const values = rows.data[c]!.values;
  const order = orderBy(rows, c);
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[order[mid]!]! < v) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let k = lo; k < order.length && values[order[k]!] === v; k++) out.push(order[k]!);
  return out.sort((a, b) => a - b);
}

/** Every row naming `code` in every release of every table; at most `limit` rows per release. */
export function searchCode(set: TableSet, code: string, limit = 500): SearchResult {
  const clean = code.trim().toUpperCase().replaceAll('.', '');
  const v = packCode(clean);
  const result: SearchResult = { code: clean, hits: [] };
  if (v === NO_CODE) return result;
  for (const { table, kind } of set.tables()) {
    const codeCols = KIND_FORMATS[kind].columns.map((col, c) => (col.type === 'code' ? c : -1)).filter((c) => c >= 0);
    for (const info of set.releases(table) as readonly ReleaseInfo[]) {
      const rows = set.rows(table, info.release);
      if (!rows) continue;
      let n = 0;
      for (const c of codeCols) {
        for (const i of matching(rows, c, v)) {
          if (n++ >= limit) continue;
          const hit: SearchHit = { table, kind, release: info.release, from: info.from, column: rows.columns[c]!.name, row: rows.record(i) };
          if (info.through) hit.through = info.through;
          result.hits.push(hit);
        }
      }
      if (n > limit) (result.truncated ??= {})[`${table} ${info.release}`] = n - limit;
    }
  }
  return result;
}
