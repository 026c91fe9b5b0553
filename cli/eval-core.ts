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

export async function evaluateLine(ev: Evaluator, job: LineJob, runtime: RuntimeName, explain: boolean): Promise<Report> {
  if (job.text.length > MAX_CLAIM_CHARS) {
    return { claimId: null, status: 'invalid', errors: [{ path: '', message: `line ${job.lineNo} holds ${job.text.length} characters; a claim may have at most ${MAX_CLAIM_CHARS}` }] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(job.text);
  } catch (e) {
    return { claimId: null, status: 'invalid', errors: [{ path: '', message: `line ${job.lineNo} is ${jsonError(e)}` }] };
  }
  return runtime === 'compiled' ? ev.evaluateSync(raw, { explain }) : ev.evaluate(raw, { runtime, explain });
}

/** The text between two reports of a batch in each output format. */
export const SEPARATOR: Record<Format, string> = { ndjson: '\n', text: '\n', json: ',\n' };

export interface BatchResult {
  /** The batch's reports, formatted, in order. */
  texts: string[];
  /** Each report's claim id, so the caller can find ids repeated across batches. */
  ids: (string | null)[];
  failed: boolean;
}

/** Evaluates a batch of lines; returns the formatted reports and whether any claim failed. */
export async function evaluateBatch(ev: Evaluator, jobs: LineJob[], runtime: RuntimeName, explain: boolean, format: Format): Promise<BatchResult> {
  const texts: string[] = [];
  const ids: (string | null)[] = [];
  let failed = false;
  for (const j of jobs) {
    const r = await evaluateLine(ev, j, runtime, explain);
    if (isFailure(r)) failed = true;
    texts.push(formatReport(r, format));
    ids.push(r.claimId);
  }
  return { texts, ids, failed };
}

/** The report for a claim whose id already appeared earlier in the same batch of input. */
export function duplicateReport(id: string, firstAt: number, format: Format): string {
  return formatReport({ claimId: id, status: 'invalid', errors: [{ path: 'id', message: `claim id \`${id}\` appears more than once in this input (first as claim ${firstAt}); it was not evaluated again` }] }, format);
}
