// One NDJSON line → one report, formatted. Shared by the in-process path and the worker threads,
// so both give byte-identical output.
import type { Evaluator, Report, RuntimeName } from '../engine/index.ts';
import { renderText } from './report-text.ts';

export type Format = 'json' | 'ndjson' | 'text';

export interface LineJob {
  lineNo: number;
  text: string;
}

/** Where a JSON parse failed, without quoting the text (it may hold patient data). */
export function jsonError(e: unknown): string {
  const m = /position (\d+)/.exec(String((e as Error)?.message ?? ''));
  return m ? `not valid JSON (at character ${Number(m[1]) + 1})` : 'not valid JSON';
}

export function formatReport(r: Report, format: Format): string {
  if (format === 'ndjson') return JSON.stringify(r);
  if (format === 'text') return renderText(r);
  return JSON.stringify(r, null, 2);
}

export function isFailure(r: Report): boolean {
  return r.status === 'invalid' || r.status === 'errors';
}

/** The largest claim (one NDJSON line) evaluated; a larger one is reported invalid unread. */
export const MAX_CLAIM_CHARS = 1_000_000;

/** Parses one line; a report when the line is not a claim. */
function parseLine(job: LineJob): { raw: unknown } | { report: Report } {
  if (job.text.length > MAX_CLAIM_CHARS) {
    return { report: { claimId: null, status: 'invalid', errors: [{ path: '', message: `line ${job.lineNo} holds ${job.text.length} characters; a claim may have at most ${MAX_CLAIM_CHARS}` }] } };
  }
  try {
    return { raw: JSON.parse(job.text) };
  } catch (e) {
    return { report: { claimId: null, status: 'invalid', errors: [{ path: '', message: `line ${job.lineNo} is ${jsonError(e)}` }] } };
  }
}

/** The compiled runtime has no promises; the batch loop stays synchronous with it. */
function evaluateLineSync(ev: Evaluator, job: LineJob, explain: boolean): Report {
  const p = parseLine(job);
  return 'report' in p ? p.report : ev.evaluateSync(p.raw, { explain });
}

export async function evaluateLine(ev: Evaluator, job: LineJob, runtime: RuntimeName, explain: boolean): Promise<Report> {
  const p = parseLine(job);
  if ('report' in p) return p.report;
  return runtime === 'compiled' ? ev.evaluateSync(p.raw, { explain }) : ev.evaluate(p.raw, { runtime, explain });
}

/** The text between two reports of a batch in each output format. */
export const SEPARATOR: Record<Format, string> = { ndjson: '\n', text: '\n', json: ',\n' };

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
}

/** Encodes formatted reports into one buffer that owns its memory (safe to transfer). */
export function encodeBatch(texts: string[], ids: (string | null)[], failed: boolean, format: Format): BatchResult {
  const sep = SEPARATOR[format];
  const joined = texts.join(sep);
  const bytes = new Uint8Array(new ArrayBuffer(Buffer.byteLength(joined)));
  Buffer.from(bytes.buffer).write(joined);
  const ends: number[] = [];
  const sepLen = Buffer.byteLength(sep);
  let at = 0;
  for (const t of texts) {
    at += Buffer.byteLength(t);
    ends.push(at);
    at += sepLen;
  }
  return { bytes, ends, ids, failed };
}

/** Evaluates a batch of lines; returns the formatted reports and whether any claim failed. */
export async function evaluateBatch(ev: Evaluator, jobs: LineJob[], runtime: RuntimeName, explain: boolean, format: Format): Promise<BatchResult> {
  const texts: string[] = [];
  const ids: (string | null)[] = [];
  let failed = false;
  for (const j of jobs) {
    const r = runtime === 'compiled' ? evaluateLineSync(ev, j, explain) : await evaluateLine(ev, j, runtime, explain);
    if (isFailure(r)) failed = true;
    texts.push(formatReport(r, format));
    ids.push(r.claimId);
  }
  return encodeBatch(texts, ids, failed, format);
}

/** The report for a claim whose id already appeared earlier in the same batch of input. */
export function duplicateReport(id: string, firstAt: number, format: Format): string {
  return formatReport({ claimId: id, status: 'invalid', errors: [{ path: 'id', message: `claim id \`${id}\` appears more than once in this input (first as claim ${firstAt}); it was not evaluated again` }] }, format);
}
