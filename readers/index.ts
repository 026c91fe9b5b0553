// The readers' API: text of a claims file in, claims in the contract's JSON form out, each with the
// diagnostics of its own input. Synchronous and string-based with no Node built-ins, so the studio's
// batch view can run it in a browser worker; the command line does the file access.
//
//   detectFormat(name, head)                  → which reader a file needs, and why
//   loadSupplements({minutes, overlay, payers}) → parsed supplement files (ReaderError if unreadable)
//   readClaims(text, format, options)         → Iterable<{ claim, diagnostics }>
//   claimOfLine(value)                        → a parsed JSON claim, or a `convert` line's claim
import { diag, READER_CODES, type ReaderDiagnostic } from './diagnostics.ts';
import { readCsvClaims } from './csv-claims.ts';
import { read837p } from './x12-837p.ts';
import { applySupplements, parseMinutes, parseOverlay, parsePayerMap, unusedSupplements, type Supplements } from './supplements.ts';
import type { InputFormat, ReaderRecord } from './types.ts';
import { convertedDiagnostics, isConvertLine } from './converted.ts';

export type { InputFormat, ReaderRecord, PayerMap } from './types.ts';
export type { ReaderDiagnostic, ReaderCode, ReaderPosition, ReaderSeverity } from './diagnostics.ts';
export type { Supplements } from './supplements.ts';
export { READER_CODES, ReaderError, hasError, isFileReport } from './diagnostics.ts';
export { CSV_COLUMNS, type CsvColumn } from './csv-claims.ts';
export { tokenize } from './x12-tokenize.ts';
export { payerMapProblems, unusedSupplements } from './supplements.ts';
export { claimOfLine, isConvertLine, type LineValue, type LineInvalid } from './converted.ts';

const X12_EXT = ['.837', '.x12', '.edi'];

const extOf = (name: string) => {
  const m = /\.[^./\\]+$/.exec(name);
  return m ? m[0].toLowerCase() : '';
};

/**
 * The format of a claims file from its name and first characters: `.837`/`.x12`/`.edi` or any file
 * starting with `ISA` is X12; `.csv` is CSV; `.json` is JSON; `.ndjson`/`.jsonl` (and standard
 * input that is not X12 or CSV) is NDJSON; other names go by their content.
 */
export function detectFormat(name: string, head: string): { format: InputFormat; why: string } {
  const ext = extOf(name);
  const text = head.replace(/^[\uFEFF\s]+/, '');
  if (X12_EXT.includes(ext)) return { format: 'x12', why: `the name ends in ${ext}` };
  if (ext === '.csv') return { format: 'csv', why: 'the name ends in .csv' };
  if (ext === '.json') return { format: 'json', why: 'the name ends in .json' };
  if (ext === '.ndjson' || ext === '.jsonl') return { format: 'ndjson', why: `the name ends in ${ext}` };
  if (text.startsWith('ISA')) return { format: 'x12', why: 'it starts with ISA' };
  if (text.startsWith('[')) return { format: 'json', why: 'it starts with [' };
  if (text.startsWith('{')) return { format: 'ndjson', why: 'it starts with {' };
  if (/^[^\n]*claim[ _-]?id/i.test(text)) return { format: 'csv', why: 'its first line is a header with claim_id' };
  return { format: 'ndjson', why: 'no other format matched' };
}

export interface SupplementTexts {
  minutes?: { name: string; text: string };
  overlay?: { name: string; text: string };
  payers?: { name: string; text: string };
}

/** Parses the supplement files; throws ReaderError (with file and line) when one cannot be read. */
export function loadSupplements(t: SupplementTexts): Supplements {
  const s: Supplements = {};
  if (t.minutes) s.minutes = parseMinutes(t.minutes.text, t.minutes.name);
  if (t.overlay) s.overlay = parseOverlay(t.overlay.text, t.overlay.name);
  if (t.payers) s.payers = parsePayerMap(t.payers.text, t.payers.name);
  return s;
}

export interface ReadOptions {
  supplements?: Supplements;
  /** Claim ids seen so far (X12 duplicates are reported by the reader); share it across files. */
  seenIds?: Set<string>;
  /** Fills `submittedOn` (YYYY-MM-DD) for claims that lack it. */
  asOf?: string;
  /** Report supplement rows and entries no claim used, after the last claim (default true). */
  reportUnused?: boolean;
}

/** The largest claim (one NDJSON line or JSON element, in characters) the readers hand on. */
export const MAX_CLAIM_CHARS = 1_000_000;

/** Sets `submittedOn` when the claim has none (`eval --as-of DATE`). */
export function applyAsOf(claim: unknown, asOf: string | undefined): void {
  if (asOf && claim && typeof claim === 'object' && !Array.isArray(claim) && (claim as Record<string, unknown>)['submittedOn'] === undefined) (claim as Record<string, unknown>)['submittedOn'] = asOf;
}

function* jsonRecords(text: string, format: 'json' | 'ndjson'): Generator<ReaderRecord> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (format === 'json') {
    if (body.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(body);
    } catch (e) {
      const at = /position (\d+)/.exec(String((e as Error)?.message ?? ''));
      yield { claim: null, diagnostics: [diag('JSON-SYNTAX', `the file is not valid JSON${at ? ` (at character ${Number(at[1]) + 1})` : ''}; a JSON file holds one claim object or an array of them`, 'file', {})] };
      return;
    }
    for (const item of Array.isArray(v) ? v : [v]) yield record(item, undefined);
    return;
  }
  let row = 0;
  for (const raw of body.split('\n')) {
    row++;
    const t = raw.trim();
    if (!t) continue;
    if (t.length > MAX_CLAIM_CHARS) {
      yield { claim: null, row, diagnostics: [diag('JSON-SIZE', `line ${row} holds ${t.length} characters; a claim may have at most ${MAX_CLAIM_CHARS}`, `line ${row}`, { row })] };
      continue;
    }
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      yield { claim: null, row, diagnostics: [diag('JSON-SYNTAX', `line ${row} is not valid JSON`, `line ${row}`, { row })] };
      continue;
    }
    yield record(v, row);
  }
}

function record(value: unknown, row: number | undefined): ReaderRecord {
  // A line of `payer-rules convert` output is read as the record it was printed from
  // (readers/converted.ts): its claim, with its diagnostics.
  if (isConvertLine(value)) {
    const at = row === undefined ? {} : { row };
    const c = value.claim;
    const r: ReaderRecord = c && typeof c === 'object' && !Array.isArray(c) ? { claim: c as Record<string, unknown>, diagnostics: [] } : c === null || c === undefined ? { claim: null, diagnostics: [] } : { claim: null, raw: c, diagnostics: [] };
    r.diagnostics = convertedDiagnostics(value).map((d) => diag(d.code, d.message, d.where, at, d.severity));
    if (row !== undefined) r.row = row;
    return r;
  }
  const v = value;
  const r: ReaderRecord = v && typeof v === 'object' && !Array.isArray(v) ? { claim: v as Record<string, unknown>, diagnostics: [] } : { claim: null, raw: v, diagnostics: [] };
  if (row !== undefined) r.row = row;
  return r;
}

/** Reads a claims file's text in the given format; one record per claim, in file order. */
export function* readClaims(text: string, format: InputFormat, options: ReadOptions = {}): Generator<ReaderRecord> {
  const sup = options.supplements ?? {};
  // An empty file (nothing but a byte-order mark and white space) is a batch of no claims in every
  // format, as an empty .json or .ndjson is: not a CSV without a header, nor an 837P without an ISA.
  const empty = /^\uFEFF?\s*$/.test(text);
  const source: Iterable<ReaderRecord> = empty ? [] :
    format === 'x12' ? read837p(text, { ...(sup.payers ? { payers: sup.payers } : {}), ...(options.seenIds ? { seenIds: options.seenIds } : {}) }) : format === 'csv' ? readCsvClaims(text) : jsonRecords(text, format);
  for (const rec of source) {
    if (rec.claim) {
      applySupplements(rec, sup);
      if (format === 'x12' && !sup.minutes) noMinutes(rec);
      applyAsOf(rec.claim, options.asOf);
    }
    yield rec;
  }
  if (options.reportUnused !== false) for (const d of unusedSupplements(sup)) yield { claim: null, diagnostics: [d] };
}

function noMinutes(rec: ReaderRecord): void {
  const lines = (rec.claim?.['lines'] as Record<string, unknown>[] | undefined) ?? [];
  const without = lines.flatMap((l, i) => (l['minutes'] === undefined ? [i + 1] : []));
  if (without.length) rec.diagnostics.push(diag('X12-NO-MINUTES', `837P carries no treatment minutes: line${without.length === 1 ? '' : 's'} ${without.join(', ')} ha${without.length === 1 ? 's' : 've'} none, so a timed code's units cannot be checked (give them with a minutes file)`, 'claim', {}));
}

/** Reader diagnostics as the report's `errors` (for a claim the reader could not hand on). */
export function asInputErrors(ds: readonly ReaderDiagnostic[]): { path: string; message: string }[] {
  return ds.filter((d) => d.severity === 'error').map((d) => ({ path: d.where, message: `${d.message} [${d.code}]` }));
}

export function isReaderCode(code: string): boolean {
  return Object.hasOwn(READER_CODES, code);
}

