// `payer-rules eval`: claims in (.json, .ndjson, 837P, CSV, or standard input), reports out (json,
// ndjson, text, csv, html, or a summary), in input order, one report per claim; exit 0 when every
// claim is clean, 1 when any has an error finding or is invalid, 2 for bad usage or unreadable
// input. NDJSON streams through in bounded memory, spread over worker threads for large inputs.
// Claims' patient data is never printed: reports carry the claim id, codes and findings only.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { Evaluator, type RuntimeName } from '../engine/index.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { asInputErrors, payerMapProblems, readClaims, unusedSupplements, type InputFormat, type Supplements, type ReaderDiagnostic, type ReaderRecord } from '../readers/index.ts';
import { HTML_MAX_ROWS, Summary, csvStart, renderHtml, renderSummaryText, type ClaimFacts, type InputNote } from '../writers/index.ts';
import { UnreadableError, UsageError, displayPath } from '../workspace/files.ts';
import { loadRulesets } from '../workspace/load.ts';
import { tablesFor } from '../workspace/tables.ts';
import { sharedCacheReader, sharedLookups, type CacheReader, type PartsReader } from '../tables/store.ts';
import type { LookupParts } from '../tables/lookups.ts';
import type { Manifest } from '../tables/provider.ts';
export { loadRulesets } from '../workspace/load.ts';
import { SEPARATOR, duplicateReport, evaluateBatch, formatReport, isRawLines, type BatchResult, type Format, type LineJob, type RawLines } from './eval-core.ts';
import { asOfFrom, formatOf, head, ndjsonBatches, readText, streamText, supplementsFrom } from './input.ts';

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

/** The flags `eval` takes (cli/main.ts parses them). */
export const EVAL_FLAGS = {
  '--ruleset': 'value', '--format': 'value', '--explain': 'bool', '--runtime': 'value', '--workers': 'value',
  '--minutes': 'value', '--overlay': 'value', '--payers': 'value', '--as-of': 'value', '--summary': 'bool', '--input': 'value',
} as const;

const OUTPUTS = ['json', 'ndjson', 'text', 'csv', 'html'] as const;

interface Processor {
  run(jobs: LineJob[] | RawLines): Promise<BatchResult>;
  close(): Promise<void>;
}

function inProcess(ev: Evaluator, runtime: RuntimeName, explain: boolean, format: Format, asOf: string | undefined): Processor {
  return { run: (jobs) => evaluateBatch(ev, jobs, runtime, explain, format, asOf ? { asOf } : {}), close: async () => {} };
}

/** What a worker asks the main thread for: a release's cached bytes, or its shared index arrays. */
export interface TableRequest {
  id: number;
  what: 'bytes' | 'parts';
  manifest: Manifest;
  path: string;
}

/**
 * Answers a worker's requests for a release's cached bytes or index arrays with the process's
 * shared copy. The worker waits on `flag` (Atomics) and then takes the answer off its port
 * synchronously, because it asks in the middle of evaluating a claim; an error answers "none" (the
 * worker reads the file and builds the index itself).
 */
function serveTables(port: MessagePort, flag: Int32Array, readCache: CacheReader, readParts: PartsReader): void {
  port.on('message', (req: TableRequest) => {
    let answer: { bytes?: Uint8Array; parts?: LookupParts } = {};
    try {
      answer = req.what === 'parts' ? { parts: readParts(req.manifest, req.path) } : { bytes: readCache(req.manifest, req.path) };
    } catch {
      answer = {};
    }
    port.postMessage({ id: req.id, ...answer });
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
  port.unref();
}

function workerPool(n: number, rulesets: CompiledRuleset[], tablesPath: string, runtime: RuntimeName, explain: boolean, format: Format, asOf: string | undefined, readCache: CacheReader, readParts: PartsReader): Processor {
  const url = new URL('./eval-worker.mjs', import.meta.url);
  // Each worker opens the reference tables itself (from the rulesets path), on first use, with the
  // releases' bytes and index arrays from this thread: one copy in memory however many workers there are.
  const workers = Array.from({ length: n }, () => {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    serveTables(port1, flag, readCache, readParts);
    return new Worker(url, { workerData: { rulesets, tablesPath, runtime, explain, format, asOf, tables: { port: port2, flag } }, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
  });
  const pending = new Map<number, { resolve: (v: BatchResult) => void; reject: (e: Error) => void }>();
  for (const w of workers) {
    w.on('message', (m: Partial<BatchResult> & { id: number; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined || !m.bytes || !m.ids || !m.ends) p?.reject(new Error(m.error ?? 'worker failed'));
      else p?.resolve({ bytes: m.bytes, ends: m.ends, ids: m.ids, failed: !!m.failed, ...(m.facts ? { facts: m.facts } : {}) });
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
        // Raw lines' bytes and index move to the worker without a copy.
        workers[id % workers.length]!.postMessage({ id, jobs }, isRawLines(jobs) ? [jobs.buf.buffer as ArrayBuffer, jobs.index.buffer as ArrayBuffer] : []);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

function stdoutWrite(s: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    process.stdout.once('error', onError);
    const done = () => {
      process.stdout.off('error', onError);
      resolve();
    };
    if (process.stdout.write(s)) done();
    else process.stdout.once('drain', done);
  });
}

/**
 * Without --workers, the first batches are evaluated in-process and the worker threads start only
 * once the input proves to hold more claims than this many batches: a small batch (or a file that is
 * large only because of one huge line) never pays for starting threads, nor for their memory.
 */
const IN_PROCESS_BATCHES = 8;
const BATCH = 256;
/**
 * An NDJSON file larger than this (about IN_PROCESS_BATCHES batches of 2 KB claims) starts the
 * worker threads at once: they load the rulesets and tables while the first batches are read, and
 * the main thread, which then only reads and writes, never loads the tables (one copy fewer: 200,000
 * claims, 2 workers: peak RSS ~615 → ~570 MB).
 */
const EARLY_POOL_BYTES = IN_PROCESS_BATCHES * BATCH * 2048;
/**
 * Each worker's young generation (V8's default is 3 × 16 MB semi-spaces on 64-bit). A batch's
 * claims, contexts and reports (~1.5 MB of report text) outlive several scavenges with the default
 * and get promoted, growing the old generation; with room for a few batches they die young:
 * 200,000 claims, 2 workers: peak RSS ~570 → ~470 MB and less CPU in GC (48 MB: ~570 MB; 192 MB: ~610 MB).
 */
const WORKER_YOUNG_MB = 96;

/**
 * Claim ids seen so far and the claim number each first came at: exact (every id's characters are
 * kept and compared), in flat typed arrays instead of a Map of strings. A million ids of ~10
 * characters take ~35 MB here against ~75 MB as a Map<string, number>, and the main thread's heap
 * holds no million small objects for the collector to walk again and again. Ids with a character
 * beyond U+00FF (rare) are kept in a Map.
 */
export class IdSet {
  private chars = new Uint8Array(1 << 16);
  private used = 0;
  /** Per entry: where its characters start, how many, and its claim number. */
  private start = new Uint32Array(1 << 12);
  private len = new Uint32Array(1 << 12);
  private claimNo = new Uint32Array(1 << 12);
  private count = 0;
  /** Open addressing: entry + 1 per slot, 0 for empty; at most half full. */
  private slots = new Uint32Array(1 << 13);
  private readonly wide = new Map<string, number>();

  /** The claim number `id` first came at, or undefined when it is new (it is then recorded as `claimNo`). */
  firstOrAdd(id: string, claimNo: number): number | undefined {
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c > 0xff) return this.wideFirstOrAdd(id, claimNo);
      h = Math.imul(h ^ c, 0x01000193);
    }
    const mask = this.slots.length - 1;
    let s = h & mask;
    for (let e = this.slots[s]!; e !== 0; s = (s + 1) & mask, e = this.slots[s]!) if (this.equals(e - 1, id)) return this.claimNo[e - 1]!;
    const n = this.count++;
    if (n === this.start.length) {
      this.start = grow(this.start, n * 2);
      this.len = grow(this.len, n * 2);
      this.claimNo = grow(this.claimNo, n * 2);
    }
    if (this.used + id.length > this.chars.length) this.chars = grow(this.chars, Math.max(Math.ceil(this.chars.length * 1.5), this.used + id.length));
    for (let i = 0; i < id.length; i++) this.chars[this.used + i] = id.charCodeAt(i);
    this.start[n] = this.used;
    this.len[n] = id.length;
    this.claimNo[n] = claimNo;
    this.used += id.length;
    this.slots[s] = n + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return undefined;
  }

  private equals(e: number, id: string): boolean {
    if (this.len[e] !== id.length) return false;
    const c = this.chars;
    for (let i = 0, at = this.start[e]!; i < id.length; i++) if (c[at + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  private wideFirstOrAdd(id: string, claimNo: number): number | undefined {
    const first = this.wide.get(id);
    if (first === undefined) this.wide.set(id, claimNo);
    return first;
  }

  private rehash(): void {
    this.slots = new Uint32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let n = 0; n < this.count; n++) {
      let h = 0x811c9dc5;
      for (let i = 0, at = this.start[n]!; i < this.len[n]!; i++) h = Math.imul(h ^ this.chars[at + i]!, 0x01000193);
      let s = h & mask;
      while (this.slots[s] !== 0) s = (s + 1) & mask;
      this.slots[s] = n + 1;
    }
  }
}

function grow<A extends Uint8Array | Uint32Array>(a: A, size: number): A {
  const out = new (a.constructor as new (n: number) => A)(size);
  out.set(a);
  return out;
}

/**
 * This process's peak resident memory in MB, worker threads included, for benchmarks
 * (PAYER_RULES_REPORT_RSS). On Linux, VmHWM: the peak since this program started. Not getrusage's
 * maxRSS there, which a child inherits from its parent: a process forked from one holding 1 GB (a
 * benchmark that has just imported a national table) reports at least that, whatever it uses
 * itself — what made bench/national.ts show ~1.1 GB for eval with any tables. Elsewhere, maxRSS.
 */
export function peakRssMb(): number {
  try {
    const kb = /^VmHWM:\s*(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Math.round(Number(kb) / 1024);
  } catch {
    // not Linux
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

const note = (d: ReaderDiagnostic): InputNote => ({ severity: d.severity, code: d.code, message: d.message, where: d.where });

/** A reader's record → the job that evaluates it (or reports why it cannot be). */
function jobOf(rec: ReaderRecord, n: number): LineJob {
  const notes = rec.diagnostics.map(note);
  const input = notes.filter((x) => x.severity !== 'error');
  const errors = asInputErrors(rec.diagnostics);
  const claimId = rec.claim && typeof rec.claim['id'] === 'string' ? rec.claim['id'] : null;
  const job: LineJob = { lineNo: rec.row ?? n };
  if (errors.length) Object.assign(job, { errors, claimId, ...(rec.claim ? { mapped: rec.claim } : {}) });
  else job.value = rec.claim ?? rec.raw;
  if (input.length) job.input = input;
  return job;
}

/**
 * A payer map naming a ruleset id no loaded ruleset has (a typo, or a payer this folder has no
 * ruleset for): said once on standard error, naming the map, before any claim is read. The claims
 * it routes there are still reported (no ruleset applies), so a map covering more payers than the
 * folder is not refused.
 */
function checkPayerMap(sup: Supplements, rulesets: readonly CompiledRuleset[], file: string, err: (s: string) => void): void {
  const ids = [...new Set(rulesets.map((r) => r.ruleset.id))];
  for (const p of payerMapProblems(sup.payers, ids)) err(`payer-rules: ${displayPath(file)}: ${p}`);
}

export async function evalCommand(flags: Record<string, string | true>, rest: string[], io: EvalIo): Promise<number> {
  const rulesetPath = flags['--ruleset'];
  if (typeof rulesetPath !== 'string') throw new UsageError('eval needs --ruleset FILE_OR_FOLDER');
  if (rest.length !== 1) throw new UsageError('eval needs one claims file (.json, .ndjson, .csv, an 837P file), or - for standard input');
  const input = rest[0]!;
  const runtime = (flags['--runtime'] ?? 'compiled') as RuntimeName;
  if (runtime !== 'compiled' && runtime !== 'json-rules-engine') throw new UsageError('--runtime is compiled or json-rules-engine');
  const workersFlag = flags['--workers'];
  if (workersFlag !== undefined && !(typeof workersFlag === 'string' && /^\d+$/.test(workersFlag) && Number(workersFlag) >= 1 && Number(workersFlag) <= 256)) throw new UsageError('--workers takes a whole number from 1 to 256');
  const outFlag = flags['--format'];
  if (outFlag !== undefined && !(OUTPUTS as readonly unknown[]).includes(outFlag)) throw new UsageError(`--format is ${OUTPUTS.slice(0, -1).join(', ')} or html`);
  const summaryOnly = flags['--summary'] === true;
  if (summaryOnly && outFlag !== undefined && outFlag !== 'text' && outFlag !== 'json') throw new UsageError('--summary prints the summary as text or, with --format json, as JSON; --format html includes it');
  const asOf = asOfFrom(flags);
  const explain = flags['--explain'] === true;
  const supplements = supplementsFrom(flags);
  const hasSupplements = Object.keys(supplements).length > 0;

  // Which reader: by --input, the name, or the first bytes (standard input is peeked).
  let size = 0;
  let first: Buffer | undefined;
  let stdinIter: AsyncIterator<Buffer> | undefined;
  let headText = '';
  if (input === '-') {
    stdinIter = (async function* () {
      for await (const c of io.stdin as AsyncIterable<Buffer | string>) yield typeof c === 'string' ? Buffer.from(c) : c;
    })();
    const r = await stdinIter.next();
    first = r.done ? undefined : r.value;
    headText = first ? first.subarray(0, 4096).toString('utf8') : '';
  } else {
    let st;
    try {
      st = statSync(input);
    } catch {
      throw new UnreadableError(`cannot read ${displayPath(input)}: no such file`);
    }
    if (st.isDirectory()) throw new UnreadableError(`cannot read ${displayPath(input)}: it is a folder`);
    size = st.size;
    headText = head(input);
  }
  const inFormat: InputFormat = formatOf(input, headText, flags['--input']);
  const output = summaryOnly ? 'summary' : ((outFlag as string | undefined) ?? (inFormat === 'ndjson' ? 'ndjson' : 'json'));
  const format: Format = output === 'summary' || output === 'html' ? 'facts' : (output as Format);

  const rulesets = loadRulesets(rulesetPath, io.err);
  checkPayerMap(supplements, rulesets, typeof flags['--payers'] === 'string' ? flags['--payers'] : '--payers', io.err);
  // Releases' cached bytes and index arrays are made once and shared by this thread's evaluator and the workers.
  const readCache = sharedCacheReader();
  const readParts = sharedLookups();
  const evaluator = new Evaluator(rulesets, { tables: tablesFor(rulesetPath, readCache, readParts) });
  const write = io.write ?? stdoutWrite;

  let failed = false;
  let count = 0;
  // A claim id seen before in this input is reported invalid in its place (1-based claim number).
  // Exact: every distinct id is kept (IdSet: about 35 bytes each; 1,000,000 claims ≈ 35 MB).
  const seen = new IdSet();
  const summary = format === 'facts' ? new Summary() : undefined;
  const rows: ClaimFacts[] = [];
  const encoder = new TextEncoder();
  const emit = async (r: BatchResult) => {
    const n = r.ends.length;
    if (n === 0) return;
    // Segments of the batch to write: everything, except duplicates swapped for their report.
    let from = 0;
    const parts: Uint8Array[] = [encoder.encode(count === 0 ? (format === 'json' ? '[\n' : format === 'csv' ? csvStart() : '') : SEPARATOR[format])];
    const sepLen = encoder.encode(SEPARATOR[format]).length;
    for (let i = 0; i < n; i++) {
      const id = r.ids[i];
      const claimNo = count + i + 1;
      if (id === null || id === undefined) continue;
      const firstAt = seen.firstOrAdd(id, claimNo);
      if (firstAt === undefined) continue;
      failed = true;
      const dup = duplicateReport(id, firstAt);
      if (r.facts) r.facts[i] = { ...r.facts[i]!, status: 'invalid', findings: [], errors: dup.status === 'invalid' ? dup.errors : [], chargeAtRiskCents: r.facts[i]!.chargeCents, allowedAtRiskCents: r.facts[i]!.allowedCents };
      const start = i === 0 ? 0 : r.ends[i - 1]! + sepLen;
      parts.push(r.bytes.subarray(from, start), encoder.encode(formatReport(dup, format)));
      from = r.ends[i]!;
    }
    parts.push(r.bytes.subarray(from));
    count += n;
    if (r.facts) {
      for (const f of r.facts) {
        summary!.add(f);
        if (output === 'html' && rows.length < HTML_MAX_ROWS) rows.push(f);
      }
      return;
    }
    for (const part of parts) if (part.length) await write(part);
  };

  // Progress on a terminal only: claims done, claims per second, time left.
  const tty = io.isTTY ?? process.stderr.isTTY === true;
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

  const streaming = inFormat === 'ndjson' && !hasSupplements;
  const nWorkers = workersFlag ? Number(workersFlag) : availableParallelism();
  const pool = () => workerPool(nWorkers, rulesets, rulesetPath, runtime, explain, format, asOf, readCache, readParts);
  const local = inProcess(evaluator, runtime, explain, format, asOf);
  const early = workersFlag === undefined && streaming && size > EARLY_POOL_BYTES;
  let proc = (workersFlag !== undefined || early) && nWorkers > 1 ? pool() : local;
  const inflight: Promise<BatchResult>[] = [];
  let maxInflight = proc === local ? 1 : nWorkers * 4;
  let batches = 0;
  const submit = async (jobs: LineJob[] | RawLines) => {
    // Batches stay in input order whichever processor runs them: results are awaited in order.
    if (proc === local && workersFlag === undefined && nWorkers > 1 && ++batches > IN_PROCESS_BATCHES) {
      proc = pool();
      maxInflight = nWorkers * 4;
    }
    inflight.push(proc.run(jobs));
    // In order, with a bounded number of batches in flight (bounded memory).
    while (inflight.length >= maxInflight) {
      const r = await inflight.shift()!;
      failed ||= r.failed;
      await emit(r);
      progress();
    }
  };
  const claimless: ReaderDiagnostic[] = [];
  try {
    if (streaming) {
      const chunks = stdinIter
        ? (async function* () {
            if (first) yield first;
            for (let r = await stdinIter.next(); !r.done; r = await stdinIter.next()) yield r.value;
          })()
        : (createReadStream(input, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>);
      for await (const b of ndjsonBatches(chunks, BATCH, (n) => (bytes += n))) await submit(b);
    } else {
      const text = stdinIter ? await streamText(first, stdinIter) : readText(input);
      bytes = size;
      let jobs: LineJob[] = [];
      let n = 0;
      for (const rec of readClaims(text, inFormat, { supplements, ...(asOf ? { asOf } : {}), reportUnused: false })) {
        n++;
        // A .json file that is not JSON cannot be read at all (exit 2), as before the readers.
        if (inFormat === 'json' && rec.diagnostics.some((d) => d.code === 'JSON-SYNTAX')) throw new UnreadableError(`${input === '-' ? 'standard input' : displayPath(input)}: ${rec.diagnostics[0]!.message}`);
        // Notes that belong to no claim go to standard error; errors among them take a report's place.
        if (!rec.claim && rec.raw === undefined && !rec.diagnostics.some((d) => d.severity === 'error')) {
          claimless.push(...rec.diagnostics);
          continue;
        }
        jobs.push(jobOf(rec, n));
        if (jobs.length >= BATCH) {
          await submit(jobs);
          jobs = [];
        }
      }
      if (jobs.length) await submit(jobs);
      claimless.push(...unusedSupplements(supplements));
    }
    while (inflight.length) {
      const r = await inflight.shift()!;
      failed ||= r.failed;
      await emit(r);
    }
  } finally {
    await proc.close();
    if (proc !== local) await local.close();
  }
  for (const d of claimless) io.err(`payer-rules: ${d.at.file ? '' : `${input === '-' ? 'standard input' : displayPath(input)}: `}${d.where}: ${d.severity} ${d.code} ${d.message}`);
  if (count === 0) io.err(`payer-rules: no claims in ${input === '-' ? 'standard input' : displayPath(input)}`);
  if (output === 'summary') await write(outFlag === 'json' ? JSON.stringify(summary!.data(), null, 2) + '\n' : renderSummaryText(summary!.data()));
  else if (output === 'html') await write(renderHtml(summary!.data(), rows, { title: 'Claim check report', subtitle: `${input === '-' ? 'standard input' : displayPath(input)} checked against ${displayPath(rulesetPath)}`, generatedOn: new Date().toISOString().slice(0, 10) }));
  else if (format === 'json') await write(count === 0 ? '[]\n' : '\n]\n');
  else if (format === 'csv' && count === 0) await write(csvStart());
  else if (count > 0 && format !== 'csv') await write('\n');
  progress(true);
  if (process.env['PAYER_RULES_REPORT_RSS']) io.err(`max RSS ${peakRssMb()} MB`);
  return failed ? 1 : 0;
}

