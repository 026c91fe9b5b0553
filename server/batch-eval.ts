// A batch of NDJSON lines → their reports, encoded as NDJSON bytes, with a count per status. The
// same function runs in a service thread and, with --workers 0, on the main thread. Lines are
// parsed and reported exactly as `payer-rules eval` does (cli/eval-core.ts), so the batch endpoint
// and the command line give byte-identical reports.
import type { Evaluator } from '../engine/index.ts';
import { MAX_CLAIM_CHARS, encodeBatch, evaluateLine, formatReport, type LineJob } from '../cli/eval-core.ts';
import { claimOfLine } from '../readers/converted.ts';
import { stampHash, type HashIndex } from './evaluator.ts';

export interface BatchLine {
  /** 1-based line number in the request body. */
  lineNo: number;
  /** The line's text; null when it was too long to keep (its length in bytes is `bytes`). */
  text: string | null;
  bytes?: number;
}

export const STATUSES = ['clean', 'warnings', 'errors', 'invalid'] as const;
export type StatusCounts = Record<(typeof STATUSES)[number], number>;

export interface BatchOut {
  /** The reports as NDJSON (no trailing newline), in a buffer of their own (transferable). */
  bytes: Uint8Array;
  /** Byte offset where each report ends. */
  ends: number[];
  /** Each report's claim id (to find ids repeated across batches). */
  ids: (string | null)[];
  counts: StatusCounts;
}

export function zeroCounts(): StatusCounts {
  return { clean: 0, warnings: 0, errors: 0, invalid: 0 };
}

/**
 * A line → the job eval-core evaluates. A line of `payer-rules convert` output is evaluated as the
 * claim it holds, its reader notes as the report's `input` (readers/converted.ts), so an 837P
 * converted and sent here gets the report `payer-rules eval` gives the 837P; a line that is not
 * JSON, or too long, goes as text so its report is the one `payer-rules eval` gives.
 */
function jobOf(line: BatchLine): LineJob {
  if (line.text === null) return { lineNo: line.lineNo, tooLong: line.bytes ?? 0 };
  if (line.text.length > MAX_CLAIM_CHARS) return { lineNo: line.lineNo, text: line.text };
  let v: unknown;
  try {
    v = JSON.parse(line.text);
  } catch {
    return { lineNo: line.lineNo, text: line.text };
  }
  const c = claimOfLine(v);
  const job: LineJob = 'report' in c ? { lineNo: line.lineNo, errors: c.report.errors, claimId: c.report.claimId } : { lineNo: line.lineNo, value: c.raw };
  const input = 'report' in c ? c.report.input : c.input;
  if (input) job.input = input;
  return job;
}

export async function evaluateLines(ev: Evaluator, hashes: HashIndex, lines: readonly BatchLine[], explain: boolean): Promise<BatchOut> {
  const texts: string[] = [];
  const ids: (string | null)[] = [];
  const counts = zeroCounts();
  for (const line of lines) {
    const job = jobOf(line);
    const r = stampHash(await evaluateLine(ev, job, 'compiled', explain), hashes);
    counts[r.status]++;
    texts.push(formatReport(r, 'ndjson'));
    ids.push(r.claimId);
  }
  const enc = encodeBatch(texts, ids, counts.invalid + counts.errors > 0, 'ndjson');
  return { bytes: enc.bytes, ends: enc.ends, ids: enc.ids, counts };
}
