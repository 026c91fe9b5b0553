// One claim job → one report, formatted. Shared by the in-process path and the worker threads (and
// the evaluation service), so all give byte-identical output. A job is an NDJSON line (as text, or
// as bytes in its batch's buffer), a claim an input reader already read (837P, CSV, JSON), or a
// claim that could not be read (its errors, or a line too long to keep).
import type { Evaluator, Report, RuntimeName } from '../engine/index.ts';
import { applyAsOf, claimOfLine } from '../readers/index.ts';
import { csvRows, factsOf, renderText, type ClaimFacts, type EvalReport, type InputNote } from '../writers/index.ts';

/** Per-report encodings, plus `facts` (what the summary and HTML report add up; no text). */
export type Format = 'json' | 'ndjson' | 'text' | 'csv' | 'facts';

export interface LineJob {
  /** 1-based line of the input (NDJSON), or the claim's number for reader input. */
  lineNo: number;
  /** The NDJSON line. */
  text?: string;
  /** Or: the line's bytes in the batch buffer, [start, end). */
  span?: [number, number];
  /** Or: the claim as a reader read it. */
  value?: unknown;
  /** Or: the line was longer than the claim limit; its length in bytes (it was never kept). */
  tooLong?: number;
  /** Or: why the reader could not hand the claim on. */
  errors?: { path: string; message: string }[];
  claimId?: string | null;
  /** With `errors`: the claim as the reader mapped it, so a summary still counts its charges (at risk). */
  mapped?: unknown;
  /** What the reader noticed (warnings, notes), carried into the report as `input`. */
  input?: InputNote[];
}

export interface BatchOptions {
  /** Fills `submittedOn` for claims that lack it. */
  asOf?: string;
  /** The batch's bytes, when its jobs have spans. */
  buf?: Uint8Array;
}

/**
 * NDJSON lines as the bytes they were read as: no string and no object per line until a worker
 * needs one. `index` holds 3 numbers a line: start and end in `buf`, and the 1-based line number;
 * a line too long to keep has start -1 and its length in bytes as end.
 */
export interface RawLines {
  buf: Uint8Array;
  index: Float64Array;
}

export function isRawLines(x: LineJob[] | RawLines): x is RawLines {
  return !Array.isArray(x);
}

/** Where a JSON parse failed, without quoting the text (it may hold patient data). */
export function jsonError(e: unknown): string {
  const m = /position (\d+)/.exec(String((e as Error)?.message ?? ''));
  return m ? `not valid JSON (at character ${Number(m[1]) + 1})` : 'not valid JSON';
}

export function formatReport(r: EvalReport, format: Format): string {
  if (format === 'ndjson') return JSON.stringify(r);
  if (format === 'text') return renderText(r);
  if (format === 'csv') return csvRows(r);
  if (format === 'facts') return '';
  return JSON.stringify(r, null, 2);
}

export function isFailure(r: Report): boolean {
  return r.status === 'invalid' || r.status === 'errors';
}

/** The largest claim (one NDJSON line, in characters) evaluated; a longer line is reported invalid unread. */
export const MAX_CLAIM_CHARS = 1_000_000;

const invalid = (claimId: string | null, path: string, message: string): Report => ({ claimId, status: 'invalid', errors: [{ path, message }] });

function tooLongReport(lineNo: number, bytes: number): Report {
  return invalid(null, '', `line ${lineNo} holds more than ${MAX_CLAIM_CHARS} characters (${bytes} bytes); a claim may have at most ${MAX_CLAIM_CHARS}, so it was skipped unread`);
}

let decoder: TextDecoder | undefined;

/** The job's claim, parsed; or the report that takes its place. */
function rawOf(job: LineJob, opts: BatchOptions): { raw: unknown; input?: InputNote[] } | { report: Report } {
  if (job.errors) return { report: { claimId: job.claimId ?? null, status: 'invalid', errors: job.errors } };
  if (job.tooLong !== undefined) return { report: tooLongReport(job.lineNo, job.tooLong) };
  if (job.value !== undefined) return { raw: job.value };
  let text = job.text;
  if (text === undefined && job.span && opts.buf) text = (decoder ??= new TextDecoder()).decode(opts.buf.subarray(job.span[0], job.span[1]));
  if (text === undefined) return { report: invalid(null, '', `line ${job.lineNo} is empty`) };
  return parseText(text, job.lineNo);
}

function parseText(text: string, lineNo: number): { raw: unknown; input?: InputNote[] } | { report: Report } {
  if (text.length > MAX_CLAIM_CHARS) return { report: invalid(null, '', `line ${lineNo} holds ${text.length} characters; a claim may have at most ${MAX_CLAIM_CHARS}`) };
  try {
    return claimOfLine(JSON.parse(text));
  } catch (e) {
    return { report: invalid(null, '', `line ${lineNo} is ${jsonError(e)}`) };
  }
}


function withInput(r: Report, job: LineJob): EvalReport {
  const notes = r.status === 'invalid' ? job.input?.filter((n) => n.severity !== 'error') : job.input;
  return notes?.length ? { ...r, input: notes } : r;
}

export async function evaluateLine(ev: Evaluator, job: LineJob, runtime: RuntimeName, explain: boolean, opts: BatchOptions = {}): Promise<EvalReport> {
  const p = rawOf(job, opts);
  if ('report' in p) return withInput(p.report, job);
  applyAsOf(p.raw, opts.asOf);
  const r = runtime === 'compiled' ? ev.evaluateSync(p.raw, { explain }) : await ev.evaluate(p.raw, { runtime, explain });
  return withInput(r, p.input ? { ...job, input: p.input } : job);
}

/** The text between two reports of a batch in each output format. */
export const SEPARATOR: Record<Format, string> = { ndjson: '\n', text: '\n', json: ',\n', csv: '', facts: '' };

export interface BatchResult {
  /**
   * The batch's reports, formatted, joined with SEPARATOR and encoded as UTF-8 in a buffer of its
   * own, so a worker can hand it over without copying and the writer needs no string work.
   */
  bytes: Uint8Array;
  /** Byte offset where each report ends (its separator follows). */
  ends: number[];
  /** Each report's claim id, so the caller can find ids repeated across batches. */
  ids: (string | null)[];
  failed: boolean;
  /** With format `facts`: each claim's facts, in order. */
  facts?: ClaimFacts[];
}

/** Scratch space reused across batches (each thread has its own), grown as needed. */
let scratch = Buffer.allocUnsafeSlow(1 << 20);
/** Whether a batch is being written into `scratch` (see BatchWriter). */
let scratchTaken = false;

/**
 * A batch's reports written as they are formatted: each straight into a buffer (Node's native
 * UTF-8 writer, exact byte offsets, no joined string), so no report's text outlives its claim (a
 * batch's texts kept to the end would survive young-generation collections and be copied); `done`
 * copies them once into a buffer of the exact size it owns. The buffer is the thread's scratch,
 * unless another batch is writing into it: a batch of the json-rules-engine runtime awaits between
 * its claims, and a worker may start the next batch meanwhile.
 */
class BatchWriter {
  private at = 0;
  private buf: Buffer;
  private readonly shared: boolean;
  readonly ends: number[] = [];

  constructor(private readonly sep: string) {
    this.shared = !scratchTaken;
    if (this.shared) scratchTaken = true;
    this.buf = this.shared ? scratch : Buffer.allocUnsafeSlow(1 << 16);
  }

  add(text: string): void {
    // Room for the separator before it and the text at 3 bytes a UTF-16 unit at most; a larger
    // buffer keeps what is written so far.
    const need = this.at + this.sep.length + text.length * 3;
    if (this.buf.length < need) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.at);
      this.buf = grown;
      if (this.shared) scratch = grown;
    }
    if (this.sep && this.ends.length > 0) this.at += this.buf.write(this.sep, this.at);
    this.at += this.buf.write(text, this.at);
    this.ends.push(this.at);
  }

  done(ids: (string | null)[], failed: boolean): BatchResult {
    const bytes = new Uint8Array(this.buf.subarray(0, this.at));
    this.release();
    return { bytes, ends: this.ends, ids, failed };
  }

  /** Gives the scratch back (when done, or when the batch failed). */
  release(): void {
    if (this.shared) scratchTaken = false;
  }
}

/** Encodes formatted reports into one buffer that owns its memory (safe to transfer). */
export function encodeBatch(texts: string[], ids: (string | null)[], failed: boolean, format: Format): BatchResult {
  const w = new BatchWriter(SEPARATOR[format]);
  for (const t of texts) w.add(t);
  return w.done(ids, failed);
}

/** Evaluates a batch of jobs (or raw NDJSON lines); returns the formatted reports (or facts) and whether any claim failed. */
export async function evaluateBatch(ev: Evaluator, jobs: LineJob[] | RawLines, runtime: RuntimeName, explain: boolean, format: Format, opts: BatchOptions = {}): Promise<BatchResult> {
  const out = new BatchWriter(SEPARATOR[format]);
  const ids: (string | null)[] = [];
  const facts: ClaimFacts[] | undefined = format === 'facts' ? [] : undefined;
  let failed = false;
  const raw = isRawLines(jobs) ? jobs : undefined;
  // One Buffer view over the batch: each line decodes straight from it, with no view per line.
  const bytes = raw ? Buffer.from(raw.buf.buffer, raw.buf.byteOffset, raw.buf.byteLength) : undefined;
  const n = raw ? raw.index.length / 3 : (jobs as LineJob[]).length;
  try {
    for (let i = 0; i < n; i++) {
      let r: EvalReport;
      let claim: unknown;
      let job: LineJob | undefined;
      let p: { raw: unknown; input?: InputNote[] } | { report: Report };
      if (raw) {
        const start = raw.index[3 * i]!;
        const end = raw.index[3 * i + 1]!;
        const lineNo = raw.index[3 * i + 2]!;
        p = start < 0 ? { report: tooLongReport(lineNo, end) } : parseText(bytes!.toString('utf8', start, end), lineNo);
      } else {
        job = (jobs as LineJob[])[i]!;
        p = rawOf(job, opts);
      }
      if ('report' in p) r = job ? withInput(p.report, job) : p.report;
      else {
        claim = p.raw;
        applyAsOf(claim, opts.asOf);
        const rep = runtime === 'compiled' ? ev.evaluateSync(claim, { explain }) : await ev.evaluate(claim, { runtime, explain });
        r = p.input ? { ...rep, input: p.input } : job ? withInput(rep, job) : rep;
      }
      if (isFailure(r)) failed = true;
      out.add(formatReport(r, format));
      ids.push(r.claimId);
      facts?.push(factsOf(r, claim ?? job?.mapped));
    }
  } catch (e) {
    out.release();
    throw e;
  }
  const res = out.done(ids, failed);
  if (facts) res.facts = facts;
  return res;
}

/** The report for a claim whose id already appeared earlier in the same input. */
export function duplicateReport(id: string, firstAt: number): Report {
  return invalid(id, 'id', `claim id \`${id}\` appears more than once in this input (first as claim ${firstAt}); it was not evaluated again`);
}
