// The normalized CSV of each kind (header = the kind's columns, docs/tables.md): reading it with
// every problem named by file:line, writing it, and the cell reader the official-format importers
// share. Browser-safe.
import type { TableKind } from '../engine/tables.ts';
import { NO_CODE, NO_DAY, packRange, parseDayRange } from './codes.ts';
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

/**
 * Reads `text[start, end)` into row `r`, column `c`; returns a message when the value is not valid
 * for the column (the caller adds file:line). `text` columns take `decoded` (quotes undone).
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
      if (blank) {
        b.set(r, c, NO_CODE);
        return undefined;
      }
      const v = packRange(text, start, end);
      const n = end - start;
      const [lo, hi] = col.length ?? [1, 10];
      if (v === NO_CODE || n < lo || n > hi) {
        const s = text.slice(start, end);
        if (s.includes('.') && b.kind === 'icd10cm') return `${col.name} \`${short(s)}\`: write ICD-10-CM codes without the dot`;
        return `${col.name} \`${short(s)}\` is not a code (${lo === hi ? lo : `${lo} to ${hi}`} letters or digits)`;
      }
      b.set(r, c, v);
      return undefined;
    }
    case 'date': {
      const v = parseDayRange(text, start, end);
      if (Number.isNaN(v)) return `${col.name} \`${short(text.slice(start, end))}\` is not a date (YYYY-MM-DD)`;
      b.set(r, c, v);
      return undefined;
    }
    case 'int': {
      if (blank) {
        b.set(r, c, NO_DAY);
        return undefined;
      }
      const s = text.slice(start, end);
      const v = /^\d{1,9}$/.test(s) ? Number(s) : NaN;
      if (Number.isNaN(v) || (col.values && !col.values.includes(v))) return `${col.name} \`${short(s)}\` is not ${col.values ? `one of ${col.values.join(', ')}` : 'a whole number'}`;
      b.set(r, c, v);
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
      const s = decoded ?? text.slice(start, end);
      const v = s.trim();
      if (col.pattern && v && !col.pattern.test(v)) return `${col.name} \`${short(v)}\` is not valid here`;
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
  const order = rows.orderColumns();
  const perm = new Uint32Array(rows.length);
  for (let i = 0; i < perm.length; i++) perm[i] = i;
  perm.sort((a, c) => rows.compareOn(order, a, rows, c) || b.fileOf[a]! - b.fileOf[c]! || lines[a]! - lines[c]!);
  for (let k = 1; k < perm.length; k++) {
    const a = perm[k - 1]!;
    const c = perm[k]!;
    if (rows.compareOn(uniq, a, rows, c) === 0) {
      const what = fmt.unique.map((n) => rows.value(c, rows.col(n))).filter(Boolean).join(' ');
      const fa = b.files[b.fileOf[a]!];
      const fc = b.files[b.fileOf[c]!];
      problems.add(lines[c]!, `duplicate row: ${what} is already on ${fa !== fc && fa ? `${fa}:` : 'line '}${lines[a]}`, fc);
    }
  }
  return rows.permute(perm);
}

/** Reads a kind's normalized CSV; `#` lines before the header are comments. */
export function readNormalized(kind: TableKind, text: string, file: string): { rows: Rows; problems: Problems } {
  const problems = new Problems(file);
  const b = new RowsBuilder(kind);
  b.fromFile(file);
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
      const msg = f < 0 ? setCell(b, row, c, '', 0, 0) : setCell(b, row, c, r.text, r.start(f), r.end(f), columns[c]!.type === 'text' ? r.field(f) : undefined);
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

/** The normalized CSV of a row set (header, then rows in key order). */
export function writeNormalized(rows: Rows): string {
  const sorted = rows.sorted();
  const parts: string[] = [headerOf(rows.kind)];
  const n = rows.columns.length;
  for (let i = 0; i < sorted.length; i++) {
    let line = '';
    for (let c = 0; c < n; c++) line += (c ? ',' : '') + csvField(sorted.value(i, c));
    parts.push(line);
  }
  return parts.join('\n') + '\n';
}
