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

export async function evaluateLine(ev: Evaluator, job: LineJob, runtime: RuntimeName, explain: boolean): Promise<Report> {
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
  /** The batch's reports, formatted and joined with SEPARATOR (one string crosses threads cheaply). */
  text: string;
  count: number;
  failed: boolean;
}

/** Evaluates a batch of lines; returns the formatted reports and whether any claim failed. */
export async function evaluateBatch(ev: Evaluator, jobs: LineJob[], runtime: RuntimeName, explain: boolean, format: Format): Promise<BatchResult> {
  const out: string[] = [];
  let failed = false;
  for (const j of jobs) {
    const r = await evaluateLine(ev, j, runtime, explain);
    if (isFailure(r)) failed = true;
    out.push(formatReport(r, format));
  }
  return { text: out.join(SEPARATOR[format]), count: out.length, failed };
}
