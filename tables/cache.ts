// The cached form of a release: its columns' typed arrays laid end to end after a small JSON header
// (kind, row count, text dictionaries). Decoding makes views on the bytes, so a 2.6-million-row
// table is ready as fast as it is read. The normalized CSV stays the source of truth; the cache is
// rebuilt from it whenever its hash changes. Browser-safe.
import type { TableKind } from '../engine/tables.ts';
import { KIND_FORMATS } from './kinds.ts';
import { Rows, type ColumnData } from './rows.ts';

const MAGIC = 'PRTC1';

interface Header {
  magic: typeof MAGIC;
  kind: TableKind;
  length: number;
  sorted?: boolean;
  /** Per column: byte offset of its array (from the start of the data), and its text dictionary. */
  columns: { offset: number; dict?: string[] }[];
}

const align8 = (n: number) => (n + 7) & ~7;

/**
 * The cached form as pieces to write one after another: the header, then each column's bytes as
 * a view of the rows' own array (no copy) with zero padding to 8 bytes between.
 */
export function encodeRowsParts(rows: Rows): Uint8Array[] {
  let size = 0;
  const columns: Header['columns'] = rows.data.map((d) => {
    const offset = size;
    size = align8(size + d.values.byteLength);
    return d.type === 'text' ? { offset, dict: d.dict } : { offset };
  });
  const header: Header = { magic: MAGIC, kind: rows.kind, length: rows.length, sorted: rows.isSorted, columns };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const first = new Uint8Array(align8(8 + head.length));
  new DataView(first.buffer).setUint32(0, head.length, true);
  first.set(head, 8);
  const parts: Uint8Array[] = [first];
  const zeros = new Uint8Array(8);
  for (const d of rows.data) {
    parts.push(new Uint8Array(d.values.buffer, d.values.byteOffset, d.values.byteLength));
    const pad = align8(d.values.byteLength) - d.values.byteLength;
    if (pad) parts.push(zeros.subarray(0, pad));
  }
  return parts;
}

export function encodeRows(rows: Rows): Uint8Array {
  const parts = encodeRowsParts(rows);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Rows over the cached bytes (views, no copy); undefined when the bytes are not a cache of `kind`. */
export function decodeRows(bytes: Uint8Array, kind: TableKind): Rows | undefined {
  if (bytes.byteLength < 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLen = view.getUint32(0, true);
  if (8 + headLen > bytes.byteLength) return undefined;
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headLen))) as Header;
  } catch {
    return undefined;
  }
  const cols = KIND_FORMATS[kind].columns;
  if (header.magic !== MAGIC || header.kind !== kind || header.columns.length !== cols.length) return undefined;
  // Typed-array views need their byte offset aligned; copy once when the buffer is not.
  const base = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const dataStart = base.byteOffset + align8(8 + headLen);
  const n = header.length;
  const make = (): ColumnData[] => cols.map((col, c): ColumnData => {
    const off = dataStart + header.columns[c]!.offset;
    switch (col.type) {
      case 'code':
      case 'decimal':
        return { type: col.type, values: new Float64Array(base.buffer, off, n) };
      case 'date':
      case 'int':
        return { type: col.type, values: new Int32Array(base.buffer, off, n) };
      case 'text':
        return { type: 'text', values: new Uint32Array(base.buffer, off, n), dict: header.columns[c]!.dict ?? [''] };
    }
  });
  try {
    const rows = new Rows(kind, n, make());
    rows.isSorted = header.sorted === true;
    return rows;
  } catch {
    return undefined; // a truncated cache file: the caller rebuilds it
  }
}
