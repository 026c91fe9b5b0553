// A release's rows, stored by column: codes as packed doubles, dates and integers as Int32, decimals
// as exact scaled integers, text as indexes into a per-column dictionary. 2.6 million NCCI rows
// are ~60 MB of typed arrays instead of ~20 million strings, sort as numbers, and go to and from
// the binary cache without parsing. Every other module reads rows through this class.
// Browser-safe.
import type { TableKind } from '../engine/tables.ts';
import { NO_CODE, NO_DAY, formatDay, unpackCode } from './codes.ts';
import { KIND_FORMATS, type Column } from './kinds.ts';
import { orderRows } from './order.ts';

export type ColumnData =
  | { type: 'code'; values: Float64Array }
  | { type: 'date' | 'int'; values: Int32Array }
  | { type: 'decimal'; values: Float64Array }
  | { type: 'text'; values: Uint32Array; dict: string[] };

/** Blank decimal. */
export const NO_DECIMAL = NaN;

export class Rows {
  readonly columns: readonly Column[];
  /** Known to be in key order (set by `sorted()` and kept by the cache), so sorting is skipped. */
  isSorted = false;
  constructor(
    readonly kind: TableKind,
    readonly length: number,
    readonly data: readonly ColumnData[],
  ) {
    this.columns = KIND_FORMATS[kind].columns;
  }

  /** The column index of a column name of this kind. */
  col(name: string): number {
    const i = this.columns.findIndex((c) => c.name === name);
    if (i < 0) throw new Error(`${this.kind} has no column ${name}`);
    return i;
  }

  /** The number stored for row `i`, column `c` (code, date, int, decimal, or text index). */
  num(i: number, c: number): number {
    return this.data[c]!.values[i]!;
  }

  text(i: number, c: number): string {
    const d = this.data[c]!;
    return d.type === 'text' ? d.dict[d.values[i]!]! : this.value(i, c);
  }

  /** Row `i`, column `c` as written in the normalized CSV. */
  value(i: number, c: number): string {
    const d = this.data[c]!;
    const v = d.values[i]!;
    switch (d.type) {
      case 'code':
        return v === NO_CODE ? '' : unpackCode(v);
      case 'date':
        return formatDay(v);
      case 'int':
        return v === NO_DAY ? '' : String(v);
      case 'decimal':
        return Number.isNaN(v) ? '' : formatScaled(v, this.columns[c]!.scale ?? 0);
      case 'text':
        return d.dict[v]!;
    }
  }

  /** Row `i` as { column: value }. */
  record(i: number): Record<string, string> {
    const out: Record<string, string> = {};
    this.columns.forEach((col, c) => (out[col.name] = this.value(i, c)));
    return out;
  }

  /** Compares two rows' column `c` (numbers as numbers, text as text). */
  compareCell(i: number, other: Rows, j: number, c: number): number {
    const a = this.data[c]!;
    const b = other.data[c]!;
    if (a.type === 'text' && b.type === 'text') {
      const x = a.dict[a.values[i]!]!;
      const y = b.dict[b.values[j]!]!;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const x = a.values[i]!;
    const y = b.values[j]!;
    // NaN (blank decimal) sorts first and equals itself.
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }

  compareOn(cols: readonly number[], i: number, other: Rows, j: number): number {
    for (const c of cols) {
      const r = this.compareCell(i, other, j, c);
      if (r) return r;
    }
    return 0;
  }

  /** Column indexes of the kind's key, then every other column (a total order). */
  orderColumns(): number[] {
    // Dates right after the key: rows of one key (an NCCI pair deleted and added again) in date order.
    const key = KIND_FORMATS[this.kind].key.map((n) => this.col(n));
    const rest = this.columns.map((_, c) => c).filter((c) => !key.includes(c));
    return [...key, ...rest.filter((c) => this.columns[c]!.type === 'date'), ...rest.filter((c) => this.columns[c]!.type !== 'date')];
  }

  /** The permutation that puts the rows in order (`orderColumns`); stable, so equal rows keep input order. */
  order(): Uint32Array {
    return orderRows(this, this.orderColumns());
  }

  /** The rows in key order (then by every column), as a new Rows; `this` when already sorted. */
  sorted(): Rows {
    if (this.isSorted) return this;
    const perm = this.order();
    let identity = true;
    for (let i = 0; i < perm.length && identity; i++) identity = perm[i] === i;
    if (identity) {
      this.isSorted = true;
      return this;
    }
    const out = this.permute(perm);
    out.isSorted = true;
    return out;
  }

  /** The rows at `order` (a permutation or a subset), in that order. */
  permute(order: Uint32Array): Rows {
    const data = this.data.map((d): ColumnData => {
      switch (d.type) {
        case 'code':
        case 'decimal':
          return { type: d.type, values: gatherInto64(d.values, order, new Float64Array(order.length)) };
        case 'date':
        case 'int':
          return { type: d.type, values: gatherInto32(d.values, order, new Int32Array(order.length)) };
        case 'text':
          return { type: 'text', values: gatherIntoU32(d.values, order, new Uint32Array(order.length)), dict: d.dict };
      }
    });
    return new Rows(this.kind, order.length, data);
  }

  /**
   * Puts the rows in `order` (a permutation) in place, through one scratch array: for rows just
   * built, which nothing else holds, this spares a second copy of every column.
   */
  reorder(order: Uint32Array): void {
    const n = this.length;
    const scratch = new ArrayBuffer(n * 8);
    const f64 = new Float64Array(scratch);
    const i32 = new Int32Array(scratch, 0, n);
    const u32 = new Uint32Array(scratch, 0, n);
    for (const d of this.data) {
      switch (d.type) {
        case 'code':
        case 'decimal':
          d.values.set(gatherInto64(d.values, order, f64));
          break;
        case 'date':
        case 'int':
          d.values.set(gatherInto32(d.values, order, i32));
          break;
        case 'text':
          d.values.set(gatherIntoU32(d.values, order, u32));
          break;
      }
    }
  }

  /** Indexes of the rows for which `keep` is true. */
  select(keep: (i: number) => boolean): Uint32Array {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) if (keep(i)) out.push(i);
    return Uint32Array.from(out);
  }
}

// One gather per array type: a single function would see three kinds of typed array and read them
// through V8's generic (slow) path.
function gatherInto64(src: Float64Array, order: Uint32Array, out: Float64Array): Float64Array {
  for (let k = 0; k < order.length; k++) out[k] = src[order[k]!]!;
  return out;
}
function gatherInto32(src: Int32Array, order: Uint32Array, out: Int32Array): Int32Array {
  for (let k = 0; k < order.length; k++) out[k] = src[order[k]!]!;
  return out;
}
function gatherIntoU32(src: Uint32Array, order: Uint32Array, out: Uint32Array): Uint32Array {
  for (let k = 0; k < order.length; k++) out[k] = src[order[k]!]!;
  return out;
}

/** A scaled integer (e.g. 29 with scale 2) as decimal text ("0.29"), trailing zeros dropped. */
export function formatScaled(v: number, scale: number): string {
  if (scale === 0) return String(v);
  const neg = v < 0;
  const s = String(Math.abs(v)).padStart(scale + 1, '0');
  let frac = s.slice(s.length - scale).replace(/0+$/, '');
  const int = s.slice(0, s.length - scale);
  frac = frac ? `.${frac}` : '';
  return `${neg ? '-' : ''}${int}${frac}`;
}

/** Decimal text as an integer of `scale` places; undefined when not a number or too precise. */
export function parseScaled(s: string, scale: number): number | undefined {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  let frac = m[3] ?? '';
  if (frac.length > scale) {
    if (/[^0]/.test(frac.slice(scale))) return undefined;
    frac = frac.slice(0, scale);
  }
  const v = Number((m[2] || '0') + frac.padEnd(scale, '0'));
  return m[1] ? -v : v;
}

/** Builds Rows one row at a time (importers and the normalized reader). */
export class RowsBuilder {
  length = 0;
  private cap = 1024;
  private values: (Float64Array | Int32Array | Uint32Array)[];
  private dicts: (Map<string, number> | undefined)[];
  private lastText: (string | undefined)[] = [];
  private lastId: number[] = [];
  /** The source line of each row, for duplicate-row messages. */
  lines = new Int32Array(1024);
  /** The source file of each row (an index into `files`), when rows come from several files. */
  fileOf = new Uint16Array(1024);
  readonly files: string[] = [];
  private file = 0;
  readonly columns: readonly Column[];

  constructor(readonly kind: TableKind) {
    this.columns = KIND_FORMATS[kind].columns;
    this.values = this.columns.map((c) => this.alloc(c, this.cap));
    this.dicts = this.columns.map((c) => (c.type === 'text' ? new Map([['', 0]]) : undefined));
  }

  private alloc(c: Column, n: number): Float64Array | Int32Array | Uint32Array {
    return c.type === 'code' || c.type === 'decimal' ? new Float64Array(n) : c.type === 'text' ? new Uint32Array(n) : new Int32Array(n);
  }

  /** Rows added from now on come from this file. */
  fromFile(name: string): void {
    this.file = this.files.indexOf(name);
    if (this.file < 0) this.file = this.files.push(name) - 1;
  }

  /**
   * Makes room for `n` more rows at once (an importer knows the line count): growing by doubling
   * copies every column into new memory several times, and new memory is what a 2.6-million-row
   * import spends its time on (each page is zeroed by the system when first written).
   */
  reserve(n: number): void {
    if (this.length + n > this.cap) this.grow(this.length + n);
  }

  private grow(cap: number): void {
    this.cap = cap;
    this.values = this.values.map((v, c) => {
      const next = this.alloc(this.columns[c]!, cap);
      next.set(v.subarray(0, this.length));
      return next;
    });
    const l = new Int32Array(cap);
    l.set(this.lines.subarray(0, this.length));
    this.lines = l;
    const f = new Uint16Array(cap);
    f.set(this.fileOf.subarray(0, this.length));
    this.fileOf = f;
  }

  /** Starts a row read from `line`; returns its index. Set every column before the next call. */
  add(line: number): number {
    if (this.length === this.cap) this.grow(this.cap * 2);
    this.lines[this.length] = line;
    this.fileOf[this.length] = this.file;
    return this.length++;
  }

  /** Sets a numeric column (code, date, int, decimal) of row `i`. */
  set(i: number, c: number, v: number): void {
    this.values[c]![i] = v;
  }

  /** The typed array column `c` is being written to (valid until the next `add`). */
  column(c: number): Float64Array | Int32Array | Uint32Array {
    return this.values[c]!;
  }

  /** Sets a text column of row `i`. */
  setText(i: number, c: number, s: string): void {
    const dict = this.dicts[c]!;
    let id = dict.get(s);
    if (id === undefined) {
      id = dict.size;
      dict.set(s, id);
    }
    this.values[c]![i] = id;
    this.lastText[c] = s;
    this.lastId[c] = id;
  }

  /** Whether `s` is already a value of text column `c` (it passed the column's checks then). */
  hasText(c: number, s: string): boolean {
    return this.dicts[c]!.has(s);
  }

  /**
   * Sets text column `c` of row `i` to `text[start, end)` when it equals the value the column was
   * last given (rows of a release mostly repeat their neighbour's rationale or status), without
   * slicing the text; false when it differs, and the caller sets it with `setText`.
   */
  repeatText(i: number, c: number, text: string, start: number, end: number): boolean {
    const last = this.lastText[c];
    if (last === undefined || last.length !== end - start || !text.startsWith(last, start)) return false;
    this.values[c]![i] = this.lastId[c]!;
    return true;
  }

  /** Drops the last row (a row found invalid after it was started). */
  drop(): void {
    this.length--;
  }

  /** The rows, as views of the builder's arrays (no copy): add nothing after this. */
  build(): Rows {
    const data = this.columns.map((col, c): ColumnData => {
      const values = this.values[c]!.subarray(0, this.length);
      if (col.type === 'text') return { type: 'text', values: values as Uint32Array, dict: [...this.dicts[c]!.keys()] };
      return { type: col.type, values } as ColumnData;
    });
    return new Rows(this.kind, this.length, data);
  }
}

/** Concatenates row sets of one kind (the parts of a multi-file release). */
export function concatRows(kind: TableKind, parts: readonly Rows[]): Rows {
  if (parts.length === 1) return parts[0]!;
  const b = new RowsBuilder(kind);
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      const r = b.add(0);
      p.columns.forEach((col, c) => (col.type === 'text' ? b.setText(r, c, p.text(i, c)) : b.set(r, c, p.num(i, c))));
    }
  }
  return b.build();
}
