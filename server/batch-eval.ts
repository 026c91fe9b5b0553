// A batch of NDJSON lines → their reports, encoded as NDJSON bytes, with a count per status. The
// same function runs in a service thread and, with --workers 0, on the main thread. Lines are
// parsed and reported exactly as `payer-rules eval` does (cli/eval-core.ts), so the batch endpoint
// and the command line give byte-identical reports.
import type { Evaluator } from '../engine/index.ts';
import { encodeBatch, evaluateLine, formatReport } from '../cli/eval-core.ts';
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

export async function evaluateLines(ev: Evaluator, hashes: HashIndex, lines: readonly BatchLine[], explain: boolean): Promise<BatchOut> {
  const texts: string[] = [];
  const ids: (string | null)[] = [];
  const counts = zeroCounts();
  for (const line of lines) {
    const job = line.text === null ? { lineNo: line.lineNo, tooLong: line.bytes ?? 0 } : { lineNo: line.lineNo, text: line.text };
    const r = stampHash(await evaluateLine(ev, job, 'compiled', explain), hashes);
    counts[r.status]++;
    texts.push(formatReport(r, 'ndjson'));
    ids.push(r.claimId);
  }
  const enc = encodeBatch(texts, ids, counts.invalid + counts.errors > 0, 'ndjson');
  return { bytes: enc.bytes, ends: enc.ends, ids: enc.ids, counts };
}
