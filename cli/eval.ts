// `payer-rules eval`: claims in (.json, .ndjson or stdin), reports out (json, ndjson or text), in
// input order, one report per claim; exit 0 when every claim is clean, 1 when any has an error
// finding or is invalid, 2 for bad usage or unreadable input. NDJSON streams through in bounded
// memory, spread over worker threads for large inputs. Claims' patient data is never printed:
// reports carry the claim id, codes and findings only.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Evaluator, type RuntimeName } from '../engine/index.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { UnreadableError, UsageError } from '../workspace/files.ts';
import { loadRulesets } from '../workspace/load.ts';
export { loadRulesets } from '../workspace/load.ts';
import { SEPARATOR, duplicateReport, encodeBatch, evaluateBatch, formatReport, isFailure, jsonError, type BatchResult, type Format, type LineJob } from './eval-core.ts';


export interface EvalIo {
  out: (s: string) => void;
  err: (s: string) => void;
  stdin: NodeJS.ReadableStream;
  /** Raw output with backpressure (defaults to process.stdout). */
  write?: (s: string | Uint8Array) => Promise<void>;
  isTTY?: boolean;
  /** Where the progress line goes (defaults to stderr). */
  progress?: (s: string) => void;
}

/** Reads NDJSON in chunks and yields batches of non-empty lines with their 1-based line numbers. */
async function* ndjsonBatches(stream: NodeJS.ReadableStream, size: number, onBytes: (n: number) => void): AsyncGenerator<LineJob[]> {
  let rest = '';
  let lineNo = 0;
  let batch: LineJob[] = [];
  stream.setEncoding?.('utf8');
  for await (const chunk of stream as AsyncIterable<string>) {
    onBytes(Buffer.byteLength(chunk));
    const text = rest + chunk;
    let start = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
      lineNo++;
      let line = text.slice(start, i);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      start = i + 1;
      if (line.trim() === '') continue;
      batch.push({ lineNo, text: line });
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    rest = text.slice(start);
  }
  if (rest.trim() !== '') batch.push({ lineNo: lineNo + 1, text: rest.replace(/\r$/, '') });
  if (batch.length) yield batch;
}

interface Processor {
  run(jobs: LineJob[]): Promise<BatchResult>;
  close(): Promise<void>;
}

function inProcess(ev: Evaluator, runtime: RuntimeName, explain: boolean, format: Format): Processor {
  return { run: (jobs) => evaluateBatch(ev, jobs, runtime, explain, format), close: async () => {} };
}

function workerPool(n: number, rulesets: CompiledRuleset[], runtime: RuntimeName, explain: boolean, format: Format): Processor {
  const url = new URL('./eval-worker.mjs', import.meta.url);
  const workers = Array.from({ length: n }, () => new Worker(url, { workerData: { rulesets, runtime, explain, format } }));
  const pending = new Map<number, { resolve: (v: BatchResult) => void; reject: (e: Error) => void }>();
  for (const w of workers) {
    w.on('message', (m: Partial<BatchResult> & { id: number; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined || !m.bytes || !m.ids || !m.ends) p?.reject(new Error(m.error ?? 'worker failed'));
      else p?.resolve({ bytes: m.bytes, ends: m.ends, ids: m.ids, failed: !!m.failed });
    });
    w.on('error', (e) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
  }
  let next = 0;
  return {
    run(jobs) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        workers[id % workers.length]!.postMessage({ id, jobs });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

function stdoutWrite(s: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(s)) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

/** Two FNV-1a hashes of a string folded into one 52-bit number (exact as a double). */
export function idHash(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) >>> 12);
}

/** Below this size a file is evaluated in-process: starting workers would cost more than it saves. */
const WORKER_THRESHOLD_BYTES = 4 * 1024 * 1024;
const BATCH = 256;

export async function evalCommand(flags: Record<string, string | true>, rest: string[], io: EvalIo): Promise<number> {
  const rulesetPath = flags['--ruleset'];
  if (typeof rulesetPath !== 'string') throw new UsageError('eval needs --ruleset FILE_OR_FOLDER');
  if (rest.length !== 1) throw new UsageError('eval needs one claims file (.json or .ndjson), or - for standard input');
  const input = rest[0]!;
  const runtime = (flags['--runtime'] ?? 'compiled') as RuntimeName;
  if (runtime !== 'compiled' && runtime !== 'json-rules-engine') throw new UsageError('--runtime is compiled or json-rules-engine');
  const workersFlag = flags['--workers'];
  if (workersFlag !== undefined && !(typeof workersFlag === 'string' && /^\d+$/.test(workersFlag) && Number(workersFlag) >= 1 && Number(workersFlag) <= 256)) throw new UsageError('--workers takes a whole number from 1 to 256');
  const isNdjson = input === '-' || ['.ndjson', '.jsonl'].includes(extname(input).toLowerCase());
  const format = (flags['--format'] ?? (isNdjson ? 'ndjson' : 'json')) as Format;
  if (!['json', 'ndjson', 'text'].includes(format)) throw new UsageError('--format is json, ndjson or text');
  const explain = flags['--explain'] === true;
  let size = 0;
  if (input !== '-') {
    let st;
    try {
      st = statSync(input);
    } catch {
      throw new UnreadableError(`cannot read ${input}: no such file`);
    }
    if (st.isDirectory()) throw new UnreadableError(`cannot read ${input}: it is a folder`);
    size = st.size;
  }
  const rulesets = loadRulesets(rulesetPath, io.err);
  const evaluator = new Evaluator(rulesets);
  const write = io.write ?? stdoutWrite;

  let failed = false;
  let count = 0;
  // A claim id seen before in this input is reported as invalid in its place (1-based claim number).
  // Ids are kept as 52-bit hashes, not strings, so memory grows by a few bytes per claim at most.
  const seen = new Map<number, number>();
  const encoder = new TextEncoder();
  const emit = async (r: BatchResult) => {
    const n = r.ends.length;
    if (n === 0) return;
    // Segments of the batch to write: everything, except duplicates swapped for their report.
    let from = 0;
    const parts: Uint8Array[] = [encoder.encode(count === 0 ? (format === 'json' ? '[\n' : '') : SEPARATOR[format])];
    for (let i = 0; i < n; i++) {
      const id = r.ids[i];
      const claimNo = count + i + 1;
      if (id === null || id === undefined) continue;
      const key = idHash(id);
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, claimNo);
        continue;
      }
      failed = true;
      const start = i === 0 ? 0 : r.ends[i - 1]! + Buffer.byteLength(SEPARATOR[format]);
      parts.push(r.bytes.subarray(from, start), encoder.encode(duplicateReport(id, first, format)));
      from = r.ends[i]!;
    }
    parts.push(r.bytes.subarray(from));
    count += n;
    for (const part of parts) if (part.length) await write(part);
  };

  // Progress on a terminal only: claims done, claims per second, time left.
  const tty = io.isTTY ?? (process.stderr.isTTY === true);
  const started = Date.now();
  let bytes = 0;
  let lastProgress = 0;
  const progress = (final = false) => {
    if (!tty) return;
    const now = Date.now();
    if (!final && now - lastProgress < 500) return;
    lastProgress = now;
    const rate = count / Math.max(0.001, (now - started) / 1000);
    const eta = size && bytes ? ((size - bytes) / Math.max(1, bytes)) * ((now - started) / 1000) : undefined;
    (io.progress ?? ((x: string) => process.stderr.write(x)))(`\r${count} claims, ${Math.round(rate)}/s${eta !== undefined && !final ? `, about ${Math.ceil(eta)} s left` : ''}   ${final ? '\n' : ''}`);
  };

  if (isNdjson) {
    const nWorkers = workersFlag ? Number(workersFlag) : availableParallelism();
    const useWorkers = nWorkers > 1 && (workersFlag !== undefined || size > WORKER_THRESHOLD_BYTES);
    const proc = useWorkers ? workerPool(nWorkers, rulesets, runtime, explain, format) : inProcess(evaluator, runtime, explain, format);
    const stream = input === '-' ? io.stdin : createReadStream(input, { highWaterMark: 1 << 20 });
    const inflight: Promise<BatchResult>[] = [];
    const maxInflight = useWorkers ? nWorkers * 4 : 1;
    try {
      for await (const jobs of ndjsonBatches(stream, BATCH, (n) => (bytes += n))) {
        inflight.push(proc.run(jobs));
        // In order, with a bounded number of batches in flight (bounded memory).
        while (inflight.length >= maxInflight) {
          const r = await inflight.shift()!;
          failed ||= r.failed;
          await emit(r);
          progress();
        }
      }
      while (inflight.length) {
        const r = await inflight.shift()!;
        failed ||= r.failed;
        await emit(r);
      }
    } finally {
      await proc.close();
    }
  } else {
    let text: string;
    try {
      text = readFileSync(input, 'utf8');
    } catch {
      throw new UnreadableError(`cannot read ${input}`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new UnreadableError(`${input} is ${jsonError(e)}`);
    }
    const claims = Array.isArray(data) ? data : [data];
    for (const raw of claims) {
      const r = runtime === 'compiled' ? evaluator.evaluateSync(raw, { explain }) : await evaluator.evaluate(raw, { runtime, explain });
      failed ||= isFailure(r);
      await emit(encodeBatch([formatReport(r, format)], [r.claimId], false, format));
      progress();
    }
  }
  if (format === 'json') await write(count === 0 ? '[]\n' : '\n]\n');
  else if (count > 0) await write('\n');
  progress(true);
  if (process.env['PAYER_RULES_REPORT_RSS']) io.err(`max RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  return failed ? 1 : 0;
}
