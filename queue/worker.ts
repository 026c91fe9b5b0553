// `payer-rules worker`: takes chunks of claims from the BullMQ queue, evaluates them against the
// rulesets their run was submitted with, and writes each chunk's reports once.
//
// Exactly once in the output, whatever dies when: a chunk's job id never changes across retries;
// its result is written in one Lua step that only succeeds while the chunk's input still exists
// (and deletes it), so a second worker that picked up the same chunk after a stall writes nothing;
// the result is keyed by chunk number, so `submit` assembles every claim once, in input order.
//
// A claim that crashes its worker: a chunk that is retried (after a crash or a thrown error) is
// evaluated claim by claim, each claim's report saved as it is made and each claim's attempts
// counted before it starts. A claim that has started more than `maxClaimCrashes` times without
// finishing is reported `invalid` in place, and the rest of the chunk goes on.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Evaluator } from '../engine/index.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { claimIdOf } from '../engine/validate.ts';
import { claimOfLine } from '../readers/converted.ts';
import { evaluateLines, zeroCounts, type BatchLine, type BatchOut } from '../server/batch-eval.ts';
import { hashIndex, makeEvaluator, type HashIndex } from '../server/evaluator.ts';
import { join } from 'node:path';
import { projectRoot } from '../workspace/files.ts';
import { decodeChunk } from './chunks.ts';
import { connect, keysFor, rulesetsKey } from './keys.ts';

export interface ChunkJob {
  run: string;
  chunk: number;
}

export interface WorkerOptions {
  redis: string;
  queue: string;
  /** Jobs in progress at once in this process (evaluation is CPU work: 1 or 2). */
  concurrency: number;
  /** How long a job's lock lasts without renewal; a worker that stops renewing is presumed dead. */
  lockSeconds: number;
  /** Attempts a claim may start without finishing before it is reported invalid. */
  maxClaimCrashes: number;
  /**
   * The rulesets folder whose reference tables (its tables/ folder) the claims are checked against;
   * default: this installation's own rulesets/. Tables are dated data every machine carries.
   */
  tablesFrom?: string;
  log: (line: string) => void;
}

export const DEFAULT_MAX_CLAIM_CRASHES = 3;

/** Job attempts: enough for a poison claim to reach its limit on a retried chunk, and no more. */
export const jobAttempts = (maxClaimCrashes: number) => maxClaimCrashes + 3;

/** Encoded reports of one chunk, as the result hash stores them. */
export function packOut(out: BatchOut): Record<string, string | Buffer> {
  return { reports: Buffer.from(out.bytes.buffer, out.bytes.byteOffset, out.bytes.byteLength), ends: JSON.stringify(out.ends), ids: JSON.stringify(out.ids), counts: JSON.stringify(out.counts) };
}

export function unpackOut(h: Record<string, Buffer>): BatchOut {
  const reports = h['reports'] ?? Buffer.alloc(0);
  return { bytes: new Uint8Array(reports.buffer, reports.byteOffset, reports.byteLength), ends: JSON.parse(String(h['ends'])), ids: JSON.parse(String(h['ids'])), counts: JSON.parse(String(h['counts'])) };
}

/** One claim's result, saved while a chunk is retried claim by claim. */
function toSaved(one: BatchOut): string {
  return JSON.stringify({ report: Buffer.from(one.bytes).toString('utf8'), id: one.ids[0] ?? null, counts: one.counts });
}

function fromSaved(saved: Buffer): BatchOut {
  const s = JSON.parse(saved.toString('utf8')) as { report: string; id: string | null; counts: BatchOut['counts'] };
  const bytes = Buffer.from(s.report);
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), ends: [bytes.byteLength], ids: [s.id], counts: s.counts };
}

/** Joins single-claim results into one chunk result, in order. */
export function joinOuts(outs: BatchOut[]): BatchOut {
  const counts = zeroCounts();
  const parts: Buffer[] = [];
  const ends: number[] = [];
  const ids: (string | null)[] = [];
  let at = 0;
  outs.forEach((o, i) => {
    if (i > 0) {
      parts.push(Buffer.from('\n'));
      at += 1;
    }
    parts.push(Buffer.from(o.bytes.buffer, o.bytes.byteOffset, o.bytes.byteLength));
    for (const e of o.ends) ends.push(at + e);
    at += o.bytes.byteLength;
    ids.push(...o.ids);
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += o.counts[k];
  });
  const bytes = Buffer.concat(parts);
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), ends, ids, counts };
}

/** The report for a claim that never finished: reported in its place, never retried forever. */
export function gaveUp(line: BatchLine, why: string): BatchOut {
  let id: string | null = null;
  try {
    if (line.text !== null) {
      // A `payer-rules convert` line names its claim's id inside.
      const v = claimOfLine(JSON.parse(line.text));
      id = 'raw' in v ? claimIdOf(v.raw) : v.report.claimId;
    }
  } catch {
    // not JSON: no id to report
  }
  const text = JSON.stringify({ claimId: id, status: 'invalid', errors: [{ path: '', message: `the claim on line ${line.lineNo} ${why}; it was not evaluated (a fault in payer-rules, not in the claim: please report it with the worker log)` }] });
  const bytes = Buffer.from(text);
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), ends: [bytes.byteLength], ids: [id], counts: { ...zeroCounts(), invalid: 1 } };
}

// Writes a chunk's result only while its input exists, and deletes the input and the claim-by-claim
// state in the same step: of two workers that evaluated the same chunk, one writes.
const WRITE_ONCE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'reports', ARGV[1], 'ends', ARGV[2], 'ids', ARGV[3], 'counts', ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
redis.call('RPUSH', KEYS[5], ARGV[6])
redis.call('EXPIRE', KEYS[5], ARGV[5])
return 1`;

// Fault injection for the tests, never set in production: on the claim with the given id, a
// worker kills itself (SIGKILL), or stops and waits to be killed (so a test can SIGKILL it mid-job).
const CRASH_ON = process.env['PAYER_RULES_TEST_CRASH_ON_CLAIM'];
const HOLD_ON = process.env['PAYER_RULES_TEST_HOLD_ON_CLAIM'];
const FAULTS = !!(CRASH_ON || HOLD_ON);
async function faults(line: BatchLine, log: (s: string) => void, firstAttempt: boolean): Promise<void> {
  if (CRASH_ON && line.text?.includes(`"id":"${CRASH_ON}"`)) process.kill(process.pid, 'SIGKILL');
  if (HOLD_ON && firstAttempt && line.text?.includes(`"id":"${HOLD_ON}"`)) {
    log(`holding on line ${line.lineNo} (test fault injection)`);
    await new Promise(() => undefined);
  }
}

export async function startWorker(opts: WorkerOptions): Promise<{ close: () => Promise<void> }> {
  const redis: Redis = connect(opts.redis);
  const evaluators = new Map<string, { ev: Evaluator; hashes: HashIndex }>();
  const evaluatorFor = async (queue: string, hash: string) => {
    let hit = evaluators.get(hash);
    if (!hit) {
      const text = await redis.get(rulesetsKey(queue, hash));
      if (!text) throw new UnrecoverableError('the rulesets of this run have expired');
      const rulesets = JSON.parse(text) as CompiledRuleset[];
      hit = { ev: makeEvaluator(rulesets, opts.tablesFrom ?? join(projectRoot(), 'rulesets')), hashes: hashIndex(rulesets) };
      if (evaluators.size >= 4) evaluators.delete(evaluators.keys().next().value!);
      evaluators.set(hash, hit);
    }
    return hit;
  };

  const process_ = async (job: Job<ChunkJob>): Promise<string> => {
    const started = performance.now();
    const { run, chunk } = job.data;
    const k = keysFor(opts.queue, run);
    const [meta, payload] = await Promise.all([redis.hgetall(k.run), redis.getBuffer(k.input(chunk))]);
    if (!payload) return (await redis.exists(k.output(chunk))) ? 'already written' : Promise.reject(new UnrecoverableError('the run has expired or was deleted'));
    if (!meta['rulesets']) throw new UnrecoverableError('the run has expired or was deleted');
    const { ev, hashes } = await evaluatorFor(opts.queue, meta['rulesets']);
    const explain = meta['explain'] === '1';
    const keep = Number(meta['keep'] ?? 86_400);
    const lines = decodeChunk(payload);
    const retried = job.attemptsStarted > 1;
    let out: BatchOut;
    if (!retried) {
      const parts: BatchOut[] = [];
      for (let i = 0; i < lines.length; i += 256) {
        const slice = lines.slice(i, i + 256);
        if (FAULTS) for (const l of slice) await faults(l, opts.log, true);
        parts.push(await evaluateLines(ev, hashes, slice, explain));
        await nextTurn(); // lets the job's lock be renewed on a long chunk
      }
      out = joinOuts(parts);
    } else {
      const outs: BatchOut[] = [];
      const saved = await redis.hgetallBuffer(k.partial(chunk));
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        const have = saved[String(i)];
        if (have) {
          outs.push(fromSaved(have));
          continue;
        }
        const started = await redis.multi().hincrby(k.tries(chunk), String(i), 1).expire(k.tries(chunk), keep).exec();
        const n = Number(started?.[0]?.[1] ?? 1);
        if (FAULTS && n <= opts.maxClaimCrashes) await faults(line, opts.log, false);
        const one = n > opts.maxClaimCrashes ? gaveUp(line, `stopped the worker evaluating it ${n - 1 === 1 ? 'once' : `${n - 1} times`}`) : await evaluateLines(ev, hashes, [line], explain);
        outs.push(one);
        await redis.multi().hset(k.partial(chunk), String(i), toSaved(one)).expire(k.partial(chunk), keep).exec();
      }
      out = joinOuts(outs);
    }
    const p = packOut(out);
    const wrote = await redis.eval(WRITE_ONCE, 5, k.input(chunk), k.output(chunk), k.partial(chunk), k.tries(chunk), k.ready, p['reports']!, p['ends']!, p['ids']!, p['counts']!, String(keep), String(chunk));
    opts.log(`chunk ${job.id}: ${lines.length} claims in ${Math.round(performance.now() - started)} ms${retried ? ` (attempt ${job.attemptsStarted}, claim by claim)` : ''}${wrote ? '' : ' (already written by another worker)'}`);
    return wrote ? 'written' : 'already written';
  };

  const workerConn = connect(opts.redis, true);
  const worker = new Worker<ChunkJob>(opts.queue, process_, {
    connection: workerConn,
    concurrency: opts.concurrency,
    lockDuration: opts.lockSeconds * 1000,
    stalledInterval: opts.lockSeconds * 1000,
    maxStalledCount: jobAttempts(opts.maxClaimCrashes),
  });
  worker.on('failed', (job, err) => opts.log(`chunk ${job?.id ?? '?'}: attempt ${job?.attemptsMade ?? '?'} failed (${err.name}${err instanceof UnrecoverableError ? `: ${err.message}` : ''})`));
  worker.on('error', (err) => opts.log(`queue connection problem (${err.name}: ${err.message})`));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      workerConn.disconnect();
      redis.disconnect();
    },
  };
}
