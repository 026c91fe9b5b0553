// Where a run lives in Redis, in one place. A run is a submitted claims file: its compiled
// rulesets (shared by content hash), its chunks of claims (one BullMQ job each), each chunk's
// result, and a list the workers push to when a chunk is done. Everything expires.
import { Redis } from 'ioredis';

export { DEFAULT_KEEP_SECONDS, DEFAULT_QUEUE, DEFAULT_REDIS } from './defaults.ts';

export function keysFor(queue: string, run: string) {
  const p = `payer-rules:${queue}`;
  return {
    /** Hash: rulesets (hash), chunks, claims, state (submitting | submitted), explain, keep, created. */
    run: `${p}:run:${run}`,
    /** One chunk's claims (see chunks.ts). */
    input: (chunk: number) => `${p}:in:${run}:${chunk}`,
    /** One chunk's reports: hash with `reports` (NDJSON), `ids` and `counts` (JSON). */
    output: (chunk: number) => `${p}:out:${run}:${chunk}`,
    /** While a chunk is retried claim by claim: each claim's encoded report so far. */
    partial: (chunk: number) => `${p}:partial:${run}:${chunk}`,
    /** While a chunk is retried claim by claim: how many attempts started on each claim. */
    tries: (chunk: number) => `${p}:tries:${run}:${chunk}`,
    /** List the workers push finished chunk numbers to (wakes the waiting submitter). */
    ready: `${p}:ready:${run}`,
  };
}

export const rulesetsKey = (queue: string, hash: string) => `payer-rules:${queue}:rulesets:${hash}`;

/** BullMQ job ids may not contain `:`. */
export const jobId = (run: string, chunk: number) => `${run}.${chunk}`;

export function connect(url: string, forWorker = false): Redis {
  // BullMQ's blocking connections must retry forever; commands fail fast elsewhere.
  return new Redis(url, { maxRetriesPerRequest: forWorker ? null : 3, lazyConnect: false, enableOfflineQueue: true });
}

/** The URL as it may be shown: without a password. */
export function shownUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** Whether Redis answers at the URL within a few seconds (for a clear exit 2 instead of a hang). */
export async function reachable(url: string, ms = 5000): Promise<string | undefined> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: ms });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(url, shownUrl(url));
  } finally {
    probe.disconnect();
  }
}
