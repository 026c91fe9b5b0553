// What every importer shares: bytes to text (zip members unpacked, UTF-8 or Windows-1252), and a
// reader for CSV files whose columns are found by their header names (CMS moves and renames
// columns between releases; a copyright preamble comes before the header).
//
// A file is decoded 64 KB at a time as it is read, never as one string: a 150 MB PTP file as one
// string is 150 MB of new memory, and new memory is most of what a national-scale import costs
// (the system zeroes each page on first use). Pieces this size are ordinary young-generation
// strings whose memory the engine reuses. Node-side (Buffer's ASCII/UTF-8 checks and latin1 decoding).
import { Buffer, isAscii, isUtf8 } from 'node:buffer';
import { unzipSync } from 'fflate';
import type { TableKind } from '../../engine/tables.ts';
import { DelimitedReader } from '../csv.ts';
import { KIND_FORMATS } from '../kinds.ts';
import { Problems, setCell } from '../normalized.ts';
import type { RowsBuilder } from '../rows.ts';

/** One input file's text, named as the user sees it (`ptp.zip:ccipra-v323r0-f1.txt`). */
export interface InputText {
  name: string;
  /** The start of the text (64 KB at most): what formats are recognized by. */
  head: string;
  /** The number of lines, or for a file over a megabyte an estimate on the high side (an importer reserves room for as many rows). */
  lines: number;
  /** A reader over the whole text, line by line (decoded as it goes). */
  reader(delimiter: string): DelimitedReader;
}

const PIECE = 64 * 1024;

/** An input whose text is already a string (a part of a file split by release, a test). */
export function textInput(name: string, text: string): InputText {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return { name, head: text.slice(0, PIECE), lines, reader: (d) => new DelimitedReader(text, d) };
}

/** An input read from bytes: UTF-8, or Windows-1252 when it is not valid UTF-8 (CMS text files with a curly quote). */
export function bytesInput(name: string, bytes: Uint8Array): InputText {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = isAscii(buf);
  const encoding = ascii ? 'latin1' : isUtf8(buf) ? 'utf-8' : 'windows-1252';
  const pieces = () => {
    let at = 0;
    const decoder = ascii ? undefined : new TextDecoder(encoding);
    return (): string | undefined => {
      if (at >= buf.length) {
        if (!decoder || at > buf.length) return undefined;
        at++;
        return decoder.decode(); // what a multi-byte sequence left at the end
      }
      const end = Math.min(buf.length, at + PIECE);
      const s = decoder ? decoder.decode(buf.subarray(at, end), { stream: true }) : buf.toString('latin1', at, end);
      at = end;
      return s;
    };
  };
  const head = pieces()() ?? '';
  return {
    name,
    head,
    lines: estimateLines(buf),
    reader: (d) => {
      const next = pieces();
      return new DelimitedReader(next() ?? '', d, next);
    },
  };
}

/**
 * The number of lines: counted in the first megabyte and scaled to the file, with a quarter more
 * for longer lines further on (room reserved for rows and not used is never touched, so it costs
 * no memory; counting every line of a 150 MB file would cost a pass over it).
 */
function estimateLines(buf: Buffer): number {
  const sample = Math.min(buf.length, 1 << 20);
  let n = 1;
  for (let i = buf.indexOf(10); i >= 0 && i < sample; i = buf.indexOf(10, i + 1)) n++;
  return sample === buf.length ? n : Math.ceil((n * buf.length * 1.25) / sample) + 16;
}

const isZip = (b: Uint8Array) => b.length > 3 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** The text files in one input: itself, or the .txt/.csv members of a zip (others are skipped). */
export function inputTexts(name: string, bytes: Uint8Array): InputText[] | string {
  if (!isZip(bytes)) return [bytesInput(name, bytes)];
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, { filter: (f) => /\.(txt|csv)$/i.test(f.name) && !/(^|\/)__MACOSX\//.test(f.name) });
  } catch (e) {
    return `${name} is not a readable zip file (${(e as Error).message})`;
  }
  const names = Object.keys(members).sort();
  if (names.length === 0) return `${name} holds no .txt or .csv file`;
  return names.map((m) => bytesInput(`${name}:${m}`, members[m]!));
}

/** How one normalized column is found in a source file, and how its value is read. */
export interface SourceColumn {
  /** Header names (compared trimmed and case-insensitively) or patterns. */
  names: readonly (string | RegExp)[];
  /** The source value as the normalized column's text (e.g. `*` → blank); a string is a problem. */
  map?: (s: string) => string | { problem: string };
  /** Whether the file must have the column (else the normalized column is left blank). */
  required?: boolean;
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

function matches(header: string, names: SourceColumn['names']): boolean {
  const h = norm(header);
  return names.some((n) => (typeof n === 'string' ? norm(n) === h : n.test(header.trim())));
}

/** Whether a line's fields name every required column (the header of a header-mapped file). */
export function findsHeader(fields: string[], columns: Record<string, SourceColumn>): boolean {
  return Object.values(columns).every((c) => !c.required || fields.some((f) => matches(f, c.names)));
}

/**
 * Reads a CSV whose header is found among the first lines (lines before it are a preamble), into
 * `b`. `columns` maps normalized column names to how they appear in the source; `extra` sees each
 * row's fields by header name (cross-checks) and returns a problem, null to skip the row, or undefined.
 */
export function readHeaderMapped(
  input: InputText,
  b: RowsBuilder,
  problems: Problems,
  columns: Record<string, SourceColumn>,
  opts: { delimiter?: string; extra?: (get: (header: string) => string, row: number) => string | null | undefined } = {},
): void {
  const r = input.reader(opts.delimiter ?? ',');
  const kindCols = KIND_FORMATS[b.kind as TableKind].columns;
  let fieldOf: number[] | undefined;
  let headers: string[] = [];
  let width = 0;
  while (r.next()) {
    if (!fieldOf) {
      if (r.line > 60) break;
      const f = r.fields();
      if (!findsHeader(f, columns)) continue;
      headers = f.map(norm);
      width = f.length;
      fieldOf = kindCols.map((c) => {
        const spec = columns[c.name];
        return spec ? f.findIndex((h) => matches(h, spec.names)) : -1;
      });
      continue;
    }
    if (r.isBlank() || r.raw().startsWith('#')) continue;
    if (r.problem) {
      problems.add(r.line, r.problem);
      continue;
    }
    if (r.count !== width) {
      problems.add(r.line, `expected ${width} columns, found ${r.count}${r.count < width ? ' (is the file cut short?)' : ''}`);
      continue;
    }
    const row = b.add(r.line);
    let bad: string | null | undefined = opts.extra?.((h) => r.field(headers.indexOf(norm(h))).trim(), row);
    for (let c = 0; c < kindCols.length && bad === undefined; c++) {
      const f = fieldOf[c]!;
      const spec = columns[kindCols[c]!.name];
      if (f < 0) bad = setCell(b, row, c, '', 0, 0);
      else if (spec?.map) {
        const v = spec.map(r.field(f).trim());
        bad = typeof v === 'string' ? setCell(b, row, c, v, 0, v.length, v) : `${kindCols[c]!.name} ${v.problem}`;
      } else bad = setCell(b, row, c, r.text, r.start(f), r.end(f), r.decoded(f));
    }
    if (bad === null) b.drop(); // a row the format says to skip (a continuation line, a modifier)
    else if (bad) {
      problems.add(r.line, bad);
      b.drop();
    }
  }
  if (!fieldOf) {
    const want = Object.entries(columns)
      .filter(([, c]) => c.required)
      .map(([, c]) => c.names.find((n) => typeof n === 'string') ?? String(c.names[0]));
    problems.add(1, `no header line with the columns ${want.map((w) => `\`${w}\``).join(', ')} in the first 60 lines`);
  }
}

/** CMS writes "not deleted" as `*`; blank is the normalized form. */
export const starIsBlank = (s: string) => (s === '*' ? '' : s);
