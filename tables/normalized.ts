// The normalized CSV of each kind (header = the kind's columns, docs/tables.md): reading it with
// every problem named by file:line, writing it, and the cell reader the official-format importers
// share. Browser-safe.
import type { TableKind } from '../engine/tables.ts';
import { HALF, NO_CODE, NO_DAY, hiRange, loRange, parseDayRange, writeCode, writeDay } from './codes.ts';
import { DelimitedReader, csvField } from './csv.ts';
import { KIND_FORMATS, headerOf, type Column } from './kinds.ts';
import { Rows, RowsBuilder, parseScaled } from './rows.ts';

/** A problem in an input file: where, and what, in words a biller or compliance lead reads. */
export interface Problem {
  file: string;
  /** 1-based line. */
  line: number;
  message: string;
}

export function renderProblem(p: Problem): string {
  return `${p.file}:${p.line}: ${p.message}`;
}

/** At most this many problems are listed per file; then a count. */
export const MAX_PROBLEMS = 50;

/** Collects problems, keeping the first MAX_PROBLEMS and counting the rest. */
export class Problems {
  readonly list: Problem[] = [];
  more = 0;
  constructor(public file: string) {}
  add(line: number, message: string, file = this.file): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push({ file, line, message });
    else this.more++;
  }
  get count(): number {
    return this.list.length + this.more;
  }
}

const short = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** Whether a character is one `String.prototype.trim` removes. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(String.fromCharCode(c)));
}

/**
 * Reads `text[start, end)` into row `r`, column `c`; returns a message when the value is not valid
 * for the column (the caller adds file:line). A `text` column takes `decoded` when the field was
 * quoted (quotes undone); otherwise the range is read as is. The hot path (millions of NCCI rows)
 * reads numbers from the range and slices a string only for a text value its column has not had
 * just before, or for a message.
 */
export function setCell(b: RowsBuilder, r: number, c: number, text: string, start: number, end: number, decoded?: string): string | undefined {
  const col: Column = b.columns[c]!;
  // Values are trimmed: fixed-width and hand-edited files pad with spaces.
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  const blank = start === end;
  if (blank && col.required) return `${col.name} is empty`;
  switch (col.type) {
    case 'code': {
      const values = b.column(c) as Float64Array;
      if (blank) {
        values[r] = NO_CODE;
        return undefined;
      }
      const n = end - start;
      const lo = col.length ? col.length[0] : 1;
      const hi = col.length ? col.length[1] : 10;
      const h = hiRange(text, start, end);
      const l = loRange(text, start, end);
      if (h < 0 || l < 0 || n < lo || n > hi) {
        const s = text.slice(start, end);
        if (s.includes('.') && b.kind === 'icd10cm') return `${col.name} \`${short(s)}\`: write ICD-10-CM codes without the dot`;
        return `${col.name} \`${short(s)}\` is not a code (${lo === hi ? lo : `${lo} to ${hi}`} letters or digits)`;
      }
      values[r] = h * HALF + l;
      return undefined;
    }
    case 'date': {
      const v = parseDayRange(text, start, end);
      if (Number.isNaN(v)) return `${col.name} \`${short(text.slice(start, end))}\` is not a date (YYYY-MM-DD)`;
      (b.column(c) as Int32Array)[r] = v;
      return undefined;
    }
    case 'int': {
      const values = b.column(c) as Int32Array;
      if (blank) {
        values[r] = NO_DAY;
        return undefined;
      }
      // 1 to 9 digits.
      let v = end - start <= 9 ? 0 : -1;
      for (let i = start; i < end && v >= 0; i++) {
        const d = text.charCodeAt(i) - 48;
        v = d >= 0 && d <= 9 ? v * 10 + d : -1;
      }
      if (v < 0 || (col.values && !col.values.includes(v))) return `${col.name} \`${short(text.slice(start, end))}\` is not ${col.values ? `one of ${col.values.join(', ')}` : 'a whole number'}`;
      values[r] = v;
      return undefined;
    }
    case 'decimal': {
      if (blank) {
        b.set(r, c, NaN);
        return undefined;
      }
      const s = text.slice(start, end);
      const v = parseScaled(s, col.scale ?? 0);
      if (v === undefined) return `${col.name} \`${short(s)}\` is not a number with at most ${col.scale} decimal places`;
      b.set(r, c, v);
      return undefined;
    }
    case 'text': {
      if (decoded === undefined) {
        // Trimmed as String.prototype.trim does, on the range.
        while (start < end && isSpace(text.charCodeAt(start))) start++;
        while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
        if (b.repeatText(r, c, text, start, end)) return undefined;
      }
      const v = decoded === undefined ? text.slice(start, end) : decoded.trim();
      // A value the column already has passed its pattern when it was first seen.
      if (col.pattern && v && !b.hasText(c, v) && !col.pattern.test(v)) return `${col.name} \`${short(v)}\` is not valid here`;
      b.setText(r, c, v);
      return undefined;
    }
  }
}

/** Reports rows that repeat the kind's unique columns (both lines named); returns the rows sorted. */
export function checkDuplicates(b: RowsBuilder, problems: Problems): Rows {
  const rows = b.build();
  const lines = b.lines;
  const fmt = KIND_FORMATS[rows.kind];
  const uniq = fmt.unique.map((n) => rows.col(n));
  // Rows come in file then line order, and the order is stable: of two equal rows the first read comes first.
  const perm = rows.order();
  // The unique columns include the key's codes: neighbours that differ in one are not duplicates,
  // which is checked on the typed arrays before the general comparison.
  const codes = fmt.key.map((n) => rows.col(n)).filter((c) => rows.columns[c]!.type === 'code').map((c) => rows.data[c]!.values as Float64Array);
  for (let k = 1; k < perm.length; k++) {
    const a = perm[k - 1]!;
    const c = perm[k]!;
    let differ = false;
    for (let j = 0; j < codes.length && !differ; j++) differ = codes[j]![a] !== codes[j]![c];
    if (differ || rows.compareOn(uniq, a, rows, c) !== 0) continue;
    const what = fmt.unique.map((n) => rows.value(c, rows.col(n))).filter(Boolean).join(' ');
    const fa = b.files[b.fileOf[a]!];
    const fc = b.files[b.fileOf[c]!];
    problems.add(lines[c]!, `duplicate row: ${what} is already on ${fa !== fc && fa ? `${fa}:` : 'line '}${lines[a]}`, fc);
  }
  let identity = true;
  for (let k = 0; k < perm.length && identity; k++) identity = perm[k] === k;
  if (!identity) rows.reorder(perm);
  rows.isSorted = true;
  return rows;
}

/** The number of lines in a text (the rows an importer reserves room for). */
export function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Reads a kind's normalized CSV; `#` lines before the header are comments. */
export function readNormalized(kind: TableKind, text: string, file: string): { rows: Rows; problems: Problems } {
  const problems = new Problems(file);
  const b = new RowsBuilder(kind);
  b.fromFile(file);
  b.reserve(lineCount(text));
  const r = new DelimitedReader(text, ',');
  const columns = KIND_FORMATS[kind].columns;
  let map: number[] | undefined; // column index → field index
  let width = 0;
  while (r.next()) {
    if (!map) {
      if (r.raw().startsWith('#') || r.isBlank()) continue;
      const names = r.fields().map((s) => s.trim());
      const missing = columns.filter((c) => c.required && !names.includes(c.name)).map((c) => c.name);
      const unknown = names.filter((n) => !columns.some((c) => c.name === n));
      if (missing.length || unknown.length) {
        problems.add(r.line, `not a ${kind} table: the header should be \`${headerOf(kind)}\`${missing.length ? `; missing ${missing.join(', ')}` : ''}${unknown.length ? `; unknown column ${unknown.join(', ')}` : ''}`);
        break;
      }
      map = columns.map((c) => names.indexOf(c.name));
      width = names.length;
      continue;
    }
    if (r.isBlank()) continue;
    if (r.problem) {
      problems.add(r.line, r.problem);
      continue;
    }
    if (r.count !== width) {
      problems.add(r.line, `expected ${width} columns, found ${r.count}`);
      continue;
    }
    const row = b.add(r.line);
    for (let c = 0; c < columns.length; c++) {
      const f = map[c]!;
      const msg = f < 0 ? setCell(b, row, c, '', 0, 0) : setCell(b, row, c, r.text, r.start(f), r.end(f), r.decoded(f));
      if (msg) {
        problems.add(r.line, msg);
        b.drop();
        break;
      }
    }
  }
  if (!map && problems.count === 0) problems.add(Math.max(1, r.line), `no header line: expected \`${headerOf(kind)}\``);
  return { rows: checkDuplicates(b, problems), problems };
}

/** Writes one cell of row `i` into `out` at `pos`; returns the position after it. */
type CellWriter = (out: Uint8Array, pos: number, i: number) => number;

/** Copies `bytes` into `out` at `pos` (short values copy faster in a loop than through set()). */
function put(out: Uint8Array, pos: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (n < 32) for (let k = 0; k < n; k++) out[pos + k] = bytes[k]!;
  else out.set(bytes, pos);
  return pos + n;
}

/**
 * A writer per column, each its own function over its own typed array: one function for every
 * column would see three kinds of array and read them through V8's slow generic path.
 */
function cellWriter(rows: Rows, c: number, enc: TextEncoder): { write: CellWriter; widest: number } {
  const d = rows.data[c]!;
  switch (d.type) {
    case 'code': {
      const v = d.values;
      return { write: (out, pos, i) => writeCode(out, pos, v[i]!), widest: 10 };
    }
    case 'date': {
      const v = d.values;
      return { write: (out, pos, i) => writeDay(out, pos, v[i]!), widest: 10 };
    }
    case 'int': {
      const v = d.values;
      return { write: (out, pos, i) => (v[i] === NO_DAY ? pos : writeInt(out, pos, v[i]!)), widest: 11 };
    }
    case 'decimal': {
      return { write: (out, pos, i) => put(out, pos, enc.encode(rows.value(i, c))), widest: 24 };
    }
    case 'text': {
      // Each distinct value encoded once.
      const v = d.values;
      const bytes = d.dict.map((s) => enc.encode(csvField(s)));
      return { write: (out, pos, i) => put(out, pos, bytes[v[i]!]!), widest: Math.max(0, ...bytes.map((b) => b.length)) };
    }
  }
}

/**
 * The normalized CSV of a row set as UTF-8 bytes (header, then rows in key order), in pieces:
 * what the store hashes, compresses and writes. Cells are written straight from the typed arrays
 * into reused buffers, so 2.6 million NCCI rows take no string per cell or line and no new memory
 * for the whole text; two buffers alternate, so a piece stays valid while the next is written
 * (the store compresses one on another thread while the next is encoded).
 */
export class NormalizedEncoder {
  private readonly rows: Rows;
  private readonly writers: CellWriter[];
  private readonly rowMax: number;
  private readonly buffers: Uint8Array[];
  private turn = 0;
  private next = 0;
  private header: Uint8Array | undefined;

  constructor(rows: Rows, pieceSize = 1 << 20) {
    this.rows = rows.sorted();
    const enc = new TextEncoder();
    const cells = this.rows.columns.map((_, c) => cellWriter(this.rows, c, enc));
    this.writers = cells.map((w) => w.write);
    this.rowMax = cells.reduce((sum, w) => sum + w.widest + 1, 0);
    this.header = enc.encode(`${headerOf(rows.kind)}\n`);
    const size = Math.max(pieceSize, this.rowMax, this.header.length);
    this.buffers = [new Uint8Array(size), new Uint8Array(size)];
  }

  /** The next piece (a view of a buffer reused two calls later), or undefined after the last row. */
  piece(): Uint8Array | undefined {
    const out = this.buffers[this.turn]!;
    this.turn ^= 1;
    let pos = 0;
    if (this.header) {
      out.set(this.header);
      pos = this.header.length;
      this.header = undefined;
    } else if (this.next >= this.rows.length) return undefined;
    const w = this.writers;
    const n = w.length;
    const limit = out.length - this.rowMax;
    let i = this.next;
    for (; i < this.rows.length && pos <= limit; i++) {
      pos = w[0]!(out, pos, i);
      for (let c = 1; c < n; c++) {
        out[pos++] = 44;
        pos = w[c]!(out, pos, i);
      }
      out[pos++] = 10;
    }
    this.next = i;
    return out.subarray(0, pos);
  }
}

/** The normalized CSV of a row set as UTF-8 bytes in one array. */
export function encodeNormalized(rows: Rows): Uint8Array {
  const pieces: Uint8Array[] = [];
  const enc = new NormalizedEncoder(rows);
  for (let p = enc.piece(); p; p = enc.piece()) pieces.push(p.slice());
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of pieces) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Writes a whole number in decimal; returns the position after it. */
function writeInt(out: Uint8Array, pos: number, v: number): number {
  if (v < 0) {
    out[pos++] = 45;
    v = -v;
  }
  let digits = 1;
  for (let p = 10; p <= v; p *= 10) digits++;
  for (let k = digits - 1; k >= 0; k--) {
    out[pos + k] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return pos + digits;
}

/** The normalized CSV of a row set as text (header, then rows in key order). */
export function writeNormalized(rows: Rows): string {
  return new TextDecoder().decode(encodeNormalized(rows));
}
