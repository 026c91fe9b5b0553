// `payer-rules worker | submit | results`: flags → the queue (queue/) → exit codes. submit and
// results exit like eval: 0 every claim clean, 1 any claim with an error finding or invalid, 2 bad
// usage, unreadable input or no Redis at the URL. worker runs until SIGINT or SIGTERM (it finishes
// the chunk in hand) and exits 0.
import { createReadStream, createWriteStream, readFileSync, statSync, type WriteStream } from 'node:fs';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { UnreadableError, UsageError, displayPath } from '../workspace/files.ts';
import { loadRulesets } from '../workspace/load.ts';
import { parseFlags, type Io } from './args.ts';
import { DEFAULT_KEEP_SECONDS, DEFAULT_QUEUE, DEFAULT_REDIS } from '../queue/defaults.ts';
import type { Outcome } from '../queue/submit.ts';
import type { StatusCounts } from '../server/batch-eval.ts';

// The queue's modules (BullMQ, ioredis) are loaded by the commands that use them, so that other
// commands do not pay for their start-up.
const keysModule = () => import('../queue/keys.ts');

const COMMON = { '--redis': 'value', '--queue': 'value' } as const;

function whole(flags: Record<string, string | true>, name: string, dflt: number, min: number, max: number): number {
  const v = flags[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${name} takes a whole number from ${min} to ${max}`);
  return Number(v);
}

async function redisOf(flags: Record<string, string | true>): Promise<{ redis: string; queue: string }> {
  const { reachable, shownUrl } = await keysModule();
  const redis = typeof flags['--redis'] === 'string' ? flags['--redis'] : (process.env['PAYER_RULES_REDIS'] ?? DEFAULT_REDIS);
  const queue = typeof flags['--queue'] === 'string' ? flags['--queue'] : DEFAULT_QUEUE;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(queue)) throw new UsageError('--queue takes a name of letters, digits, dots, dashes and underscores');
  if (!/^rediss?:\/\//.test(redis)) throw new UsageError('--redis takes a URL: redis://HOST:PORT (or rediss:// for TLS)');
  const why = await reachable(redis);
  if (why) throw new UsageError(`cannot reach Redis at ${shownUrl(redis)} (${why}); start it, or give --redis URL`);
  return { redis, queue };
}

function signals(): Promise<string> {
  return new Promise((resolve) => {
    const done = (s: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(s);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

export async function workerCommand(args: string[], io: Io): Promise<number> {
  const { flags, rest } = parseFlags(args, { ...COMMON, '--concurrency': 'value', '--lock-seconds': 'value', '--max-claim-crashes': 'value', '--tables': 'value' });
  if (rest.length) throw new UsageError('worker takes no files: it takes its work from the queue');
  const tablesFrom = typeof flags['--tables'] === 'string' ? flags['--tables'] : undefined;
  const { redis, queue } = await redisOf(flags);
  const { DEFAULT_MAX_CLAIM_CRASHES, startWorker } = await import('../queue/worker.ts');
  const { shownUrl } = await keysModule();
  const w = await startWorker({
    redis,
    queue,
    concurrency: whole(flags, '--concurrency', 1, 1, 64),
    lockSeconds: whole(flags, '--lock-seconds', 30, 1, 3600),
    maxClaimCrashes: whole(flags, '--max-claim-crashes', DEFAULT_MAX_CLAIM_CRASHES, 1, 20),
    ...(tablesFrom ? { tablesFrom } : {}),
    log: (line) => io.err(`payer-rules worker: ${line}`),
  });
  io.err(`payer-rules worker: taking chunks from queue \`${queue}\` at ${shownUrl(redis)} (pid ${process.pid}); Ctrl-C stops it`);
  const signal = await signals();
  io.err(`payer-rules worker: ${signal}: finishing the chunk in hand`);
  await w.close();
  return 0;
}

/** Writes to a file or standard output, waiting when the consumer is slower (backpressure). */
function sink(path: string | undefined): { write: (b: Buffer) => Promise<void>; end: () => Promise<void> } {
  const out: NodeJS.WritableStream = path ? createWriteStream(path) : process.stdout;
  return {
    write: (b) =>
      new Promise((resolve, reject) => {
        if (out.write(b, (e?: Error | null) => (e ? reject(e) : undefined))) resolve();
        else out.once('drain', () => resolve());
      }),
    end: () => (path ? new Promise<void>((resolve) => (out as WriteStream).end(() => resolve())) : Promise.resolve()),
  };
}

/** The claims as NDJSON bytes: an .ndjson file or standard input as it is; a .json array, one claim a line. */
function claimsInput(input: string): AsyncIterable<Buffer> {
  if (input === '-') return process.stdin;
  try {
    if (statSync(input).isDirectory()) throw new UnreadableError(`cannot read ${displayPath(input)}: it is a folder`);
  } catch (e) {
    if (e instanceof UnreadableError) throw e;
    throw new UnreadableError(`cannot read ${displayPath(input)}: no such file`);
  }
  if (extname(input).toLowerCase() !== '.json') return createReadStream(input, { highWaterMark: 1 << 20 });
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(input, 'utf8'));
  } catch {
    throw new UnreadableError(`${displayPath(input)} is not valid JSON`);
  }
  const claims = Array.isArray(data) ? data : [data];
  return Readable.from(claims.map((c) => Buffer.from(JSON.stringify(c) + '\n')));
}

const exitOf = (c: StatusCounts) => (c.errors + c.invalid > 0 ? 1 : 0);

export async function submitCommand(args: string[], io: Io): Promise<number> {
  const { flags, rest } = parseFlags(args, { ...COMMON, '--rulesets': 'value', '--ruleset': 'value', '--chunk': 'value', '--detach': 'bool', '-o': 'value', '--output': 'value', '--explain': 'bool', '--keep': 'value', '--window': 'value' });
  if (rest.length !== 1) throw new UsageError('submit needs one claims file (.ndjson, .json, or - for standard input)');
  const dir = flags['--rulesets'] ?? flags['--ruleset'];
  if (typeof dir !== 'string') throw new UsageError('submit needs --rulesets DIR (the rules the claims are checked against travel with the run)');
  const input = claimsInput(rest[0]!);
  const { redis, queue } = await redisOf(flags);
  const rulesets = loadRulesets(dir, io.err);
  const { submit } = await import('../queue/submit.ts');
  const detach = flags['--detach'] === true;
  const outPath = (flags['-o'] ?? flags['--output']) as string | undefined;
  if (detach && outPath) throw new UsageError('--detach writes no reports; give -o to `payer-rules results RUN` instead');
  const out = sink(outPath);
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let res: Outcome;
  try {
    res = await submit({
      redis,
      queue,
      rulesets,
      input,
      chunkSize: whole(flags, '--chunk', 1000, 1, 100_000),
      explain: flags['--explain'] === true,
      keepSeconds: whole(flags, '--keep', DEFAULT_KEEP_SECONDS, 60, 30 * 86_400),
      detach,
      window: whole(flags, '--window', 32, 1, 10_000),
      write: out.write,
      progress: tty ? (claims) => process.stderr.write(`\r${claims} claims queued, ${Math.round(claims / Math.max(0.001, (Date.now() - started) / 1000))}/s   `) : undefined,
    });
  } finally {
    await out.end();
  }
  if (tty) process.stderr.write('\n');
  if (detach) {
    io.out(res.run);
    io.err(`payer-rules submit: ${res.claims} claims queued as run ${res.run}; \`payer-rules results ${res.run}\` writes their reports (kept ${whole(flags, '--keep', DEFAULT_KEEP_SECONDS, 60, 30 * 86_400)} s)`);
    return 0;
  }
  return exitOf(res.counts);
}

export async function resultsCommand(args: string[], io: Io): Promise<number> {
  const { flags, rest } = parseFlags(args, { ...COMMON, '-o': 'value', '--output': 'value', '--delete': 'bool' });
  if (rest.length !== 1 || !/^[A-Za-z0-9._-]{1,100}$/.test(rest[0]!)) throw new UsageError('results needs the run id that `submit --detach` printed');
  const { redis, queue } = await redisOf(flags);
  const { collectRun } = await import('../queue/submit.ts');
  const out = sink((flags['-o'] ?? flags['--output']) as string | undefined);
  try {
    const seq = await collectRun({ redis, queue, run: rest[0]!, write: out.write, deleteAfter: flags['--delete'] === true });
    return exitOf(seq.counts);
  } finally {
    await out.end();
  }
}
