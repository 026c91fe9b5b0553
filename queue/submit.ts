// `payer-rules submit` and `payer-rules results`: a claims file split into chunks (one BullMQ job
// each, job id = run + chunk number, so a retry is the same job), and the chunks' reports written
// back in input order as they finish. Without --detach, submit keeps a bounded window of chunks in
// Redis (memory stays flat whatever the file's size) and deletes each result once written; with
// --detach, the whole file is queued and `results RUN` writes the reports later (kept --keep long).
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { ndjsonBatches, ReportSequence } from '../server/batch.ts';
import type { StatusCounts } from '../server/batch-eval.ts';
import { UsageError } from '../workspace/files.ts';
import { decodeChunk, encodeChunk } from './chunks.ts';
import { connect, jobId, keysFor, rulesetsKey } from './keys.ts';
import { DEFAULT_MAX_CLAIM_CRASHES, gaveUp, joinOuts, jobAttempts, unpackOut, type ChunkJob } from './worker.ts';

export interface SubmitOptions {
  redis: string;
  queue: string;
  rulesets: CompiledRuleset[];
  input: AsyncIterable<Buffer>;
  /** Claims per job. */
  chunkSize: number;
  explain: boolean;
  keepSeconds: number;
  detach: boolean;
  /** Chunks queued but not yet written, at most (without --detach). */
  window: number;
  write: (b: Buffer) => Promise<void>;
  progress?: (claims: number, chunks: number) => void;
}

export interface Outcome {
  run: string;
  claims: number;
  counts: StatusCounts;
}

export function newRunId(): string {
  return `${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${randomBytes(4).toString('hex')}`;
}

export async function submit(opts: SubmitOptions): Promise<Outcome> {
  const redis = connect(opts.redis);
  // BullMQ closes only connections it made; this one is closed below.
  const queueConn = connect(opts.redis);
  const queue = new Queue<ChunkJob>(opts.queue, { connection: queueConn });
  try {
    const run = newRunId();
    const k = keysFor(opts.queue, run);
    const text = JSON.stringify(opts.rulesets);
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 32);
    await redis.set(rulesetsKey(opts.queue, hash), text, 'EX', opts.keepSeconds);
    await redis.multi().hset(k.run, { rulesets: hash, state: 'submitting', chunks: '0', claims: '0', explain: opts.explain ? '1' : '0', keep: String(opts.keepSeconds), created: new Date().toISOString() }).expire(k.run, opts.keepSeconds).exec();

    const produced = { chunks: 0, claims: 0, done: false };
    let written = 0;
    let wake: (() => void) | undefined;
    const attempts = jobAttempts(DEFAULT_MAX_CLAIM_CRASHES);
    const produce = async () => {
      for await (const lines of ndjsonBatches(opts.input, () => undefined, opts.chunkSize)) {
        while (!opts.detach && produced.chunks - written >= opts.window) await new Promise<void>((r) => (wake = r));
        const chunk = produced.chunks;
        await redis.set(k.input(chunk), encodeChunk(lines), 'EX', opts.keepSeconds);
        await queue.add('chunk', { run, chunk }, { jobId: jobId(run, chunk), attempts, backoff: { type: 'fixed', delay: 200 }, removeOnComplete: true, removeOnFail: { age: opts.keepSeconds } });
        produced.chunks++;
        produced.claims += lines.length;
        await redis.hset(k.run, { chunks: String(produced.chunks), claims: String(produced.claims) });
        opts.progress?.(produced.claims, produced.chunks);
      }
      await redis.hset(k.run, { state: 'submitted' });
      produced.done = true;
    };
    if (opts.detach) {
      await produce();
      return { run, claims: produced.claims, counts: { clean: 0, warnings: 0, errors: 0, invalid: 0 } };
    }
    const producing = produce();
    producing.catch(() => undefined);
    const seq = await collectRun({
      redis: opts.redis,
      queue: opts.queue,
      run,
      write: opts.write,
      deleteAfter: true,
      known: () => ({ chunks: produced.chunks, done: produced.done }),
      onWritten: (n) => {
        written = n;
        wake?.();
      },
      failed: () => producing,
    });
    await producing;
    await redis.del(k.run, k.ready);
    return { run, claims: seq.claims, counts: seq.counts };
  } finally {
    await queue.close();
    queueConn.disconnect();
    redis.disconnect();
  }
}

export interface CollectOptions {
  redis: string;
  queue: string;
  run: string;
  write: (b: Buffer) => Promise<void>;
  /** Delete each chunk's result once written (submit without --detach). */
  deleteAfter: boolean;
  /** How many chunks exist so far, and whether that is all (submit); read from Redis otherwise. */
  known?: () => { chunks: number; done: boolean };
  onWritten?: (chunks: number) => void;
  /** Rejects when the producer fails (stops the wait). */
  failed?: () => Promise<void>;
  progress?: (claims: number, chunks: number, total: number | undefined) => void;
}

/** Writes a run's reports in input order as its chunks finish; resolves when all are written. */
export async function collectRun(opts: CollectOptions): Promise<ReportSequence> {
  const redis = connect(opts.redis);
  const blocking: Redis = redis.duplicate();
  const queueConn = connect(opts.redis);
  const queue = new Queue<ChunkJob>(opts.queue, { connection: queueConn });
  const k = keysFor(opts.queue, opts.run);
  const seq = new ReportSequence();
  let failure: unknown;
  opts.failed?.().catch((e) => (failure = e));
  try {
    const state = async () => {
      if (opts.known) return opts.known();
      const h = await redis.hgetall(k.run);
      if (!h['state']) throw new UsageError(`no run \`${opts.run}\` in this Redis (its results may have expired, or been written already by \`submit\` without --detach)`);
      return { chunks: Number(h['chunks']), done: h['state'] === 'submitted' };
    };
    let next = 0;
    let lastProgress = Date.now();
    for (;;) {
      if (failure) throw failure;
      const s = await state();
      if (s.done && next >= s.chunks) break;
      if (next < s.chunks) {
        const h = await redis.hgetallBuffer(k.output(next));
        if (h['reports']) {
          await opts.write(seq.take(unpackOut(h)));
          if (opts.deleteAfter) await redis.del(k.output(next));
          next++;
          lastProgress = Date.now();
          opts.onWritten?.(next);
          opts.progress?.(seq.claims, next, s.done ? s.chunks : undefined);
          continue;
        }
        // No result yet. Now and then, ask whether its job gave up for good.
        if (Date.now() - lastProgress > 2000) {
          lastProgress = Date.now();
          const job = await queue.getJob(jobId(opts.run, next));
          if (job && (await job.getState()) === 'failed') {
            const input = await redis.getBuffer(k.input(next));
            const lines = input ? decodeChunk(input) : [];
            await opts.write(seq.take(joinOuts(lines.map((l) => gaveUp(l, `could not be evaluated: its job failed ${job.attemptsMade} times (see the worker logs for job ${job.id})`)))));
            await redis.del(k.input(next));
            next++;
            opts.onWritten?.(next);
            continue;
          }
        }
        await blocking.blpop(k.ready, 1);
      } else {
        await sleep(20);
      }
    }
    return seq;
  } finally {
    await queue.close();
    queueConn.disconnect();
    blocking.disconnect();
    redis.disconnect();
  }
}
