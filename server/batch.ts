// The batch endpoint's stream: NDJSON bytes in → reports out, in input order, in bounded memory.
// Lines are cut from the raw bytes (a line too long to be a claim is dropped as it arrives and
// reported in its place, never held); batches of lines go to the generation's threads with a
// bounded number in flight; the output is pulled by the response, so a client that reads slowly
// slows the reading of its upload (backpressure end to end).
import { MAX_CLAIM_CHARS, duplicateReport, formatReport } from '../cli/eval-core.ts';
import { evaluateLines, zeroCounts, type BatchLine, type BatchOut, type StatusCounts } from './batch-eval.ts';
import type { Generation } from './rulesets.ts';

/** Lines per message to a thread: large enough to amortize the hand-off, small enough to stream. */
export const BATCH_LINES = 256;
/** A line longer than this many bytes is certainly longer than a claim may be; it is not kept. */
const MAX_LINE_BYTES = 4 * MAX_CLAIM_CHARS;

/** Splits NDJSON bytes into batches of non-blank lines with their 1-based line numbers. */
export async function* ndjsonBatches(input: AsyncIterable<Buffer>, onBytes: (n: number) => void, size = BATCH_LINES): AsyncGenerator<BatchLine[]> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let lineNo = 0;
  let first = true;
  let batch: BatchLine[] = [];
  const finish = (piece: Buffer): BatchLine | undefined => {
    lineNo++;
    const total = partBytes + piece.length;
    const kept = parts;
    parts = [];
    partBytes = 0;
    if (total > MAX_LINE_BYTES) return { lineNo, text: null, bytes: total };
    let text = kept.length ? Buffer.concat([...kept, piece]).toString('utf8') : piece.toString('utf8');
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark some Windows tools write
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return text.trim() === '' ? undefined : { lineNo, text };
  };
  for await (const chunk of input) {
    onBytes(chunk.length);
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      const line = finish(chunk.subarray(start, nl));
      start = nl + 1;
      if (!line) continue;
      batch.push(line);
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    const rest = chunk.subarray(start);
    // Past the limit the rest of the line is only counted, not kept.
    if (partBytes + rest.length <= MAX_LINE_BYTES) parts.push(rest);
    else parts = [];
    partBytes += rest.length;
  }
  if (partBytes > 0) {
    const line = finish(Buffer.alloc(0));
    if (line) batch.push(line);
  }
  if (batch.length) yield batch;
}

export interface BatchProgress {
  counts: StatusCounts;
  claims: number;
  bytesIn: number;
}

/**
 * Batches of encoded reports → NDJSON output in order, each report on its own line. A claim id
 * seen earlier in the same input gets, in its place, the report `payer-rules eval` gives a repeat.
 * Shared by the batch endpoint and the queue's `submit` / `results`.
 */
export class ReportSequence {
  /** Claims written so far. */
  claims = 0;
  readonly counts: StatusCounts = zeroCounts();
  // Claim ids already reported, with the claim number that first used each.
  private seen = new Map<string, number>();

  take(r: BatchOut): Buffer {
    const n = r.ends.length;
    const parts: Buffer[] = [];
    const bytes = Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
    const counts = { ...r.counts };
    let from = 0;
    for (let i = 0; i < n; i++) {
      const claimNo = this.claims + i + 1;
      const id = r.ids[i];
      if (id === null || id === undefined) continue;
      const firstAt = this.seen.get(id);
      if (firstAt === undefined) {
        this.seen.set(id, claimNo);
        continue;
      }
      const start = i === 0 ? 0 : r.ends[i - 1]! + 1;
      parts.push(bytes.subarray(from, start), Buffer.from(formatReport(duplicateReport(id, firstAt), 'ndjson')));
      from = r.ends[i]!;
      const status = statusIn(bytes.subarray(start, r.ends[i]!));
      if (status) counts[status]--;
      counts.invalid++;
    }
    if (n > 0) parts.push(bytes.subarray(from), NEWLINE);
    this.claims += n;
    for (const k of Object.keys(counts) as (keyof StatusCounts)[]) this.counts[k] += counts[k];
    return Buffer.concat(parts);
  }
}

/**
 * Reports for an NDJSON upload as NDJSON bytes, in input order. `progress` is updated as reports
 * go out. Throws when the upload breaks off or a thread fails; the caller ends the response.
 */
export async function* batchReports(input: AsyncIterable<Buffer>, gen: Generation, explain: boolean, progress: BatchProgress, maxBytes: number): AsyncGenerator<Buffer> {
  const pool = gen.batchPool();
  const run = (lines: BatchLine[]): Promise<BatchOut> => (pool ? pool.run({ lines, explain }) : evaluateLines(gen.evaluator, gen.hashes, lines, explain));
  const maxInflight = pool ? pool.size * 2 : 1;
  const inflight: Promise<BatchOut>[] = [];
  const seq = new ReportSequence();
  progress.counts = seq.counts;
  let over = false;
  const emit = (r: BatchOut): Buffer => {
    const out = seq.take(r);
    progress.claims = seq.claims;
    return out;
  };

  const lines = ndjsonBatches(input, (n) => {
    progress.bytesIn += n;
    if (maxBytes > 0 && progress.bytesIn > maxBytes) over = true;
  });
  try {
    for await (const batch of lines) {
      if (over) break;
      const p = run(batch);
      p.catch(() => undefined); // awaited below, in order; this only marks it handled meanwhile
      inflight.push(p);
      while (inflight.length >= maxInflight) yield emit(await inflight.shift()!);
    }
    while (inflight.length) yield emit(await inflight.shift()!);
    if (over) {
      const r = { claimId: null, status: 'invalid', errors: [{ path: '', message: `the upload is larger than the batch limit of ${maxBytes} bytes; only the first ${progress.claims} claims were read` }] };
      seq.counts.invalid++;
      yield Buffer.from(JSON.stringify(r) + '\n');
    }
  } finally {
    await lines.return(undefined);
  }
}

const NEWLINE = Buffer.from('\n');

/** The status of one encoded report (only for the rare duplicate, to keep the counts right). */
function statusIn(report: Buffer): keyof StatusCounts | undefined {
  try {
    return (JSON.parse(report.toString('utf8')) as { status?: keyof StatusCounts }).status;
  } catch {
    return undefined;
  }
}
