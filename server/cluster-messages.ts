// What the primary process of `serve --processes N` and its worker processes say to each other
// over the cluster's IPC channel (structured clone: `serialization: 'advanced'`). Every message
// carries `pr`, so messages of node:cluster itself or of a library are told apart.
import type { CompiledRuleset } from '../engine/compiled.ts';
import type { MetricsJson } from './metrics.ts';
import type { Failure } from './rulesets.ts';

/**
 * A key's rate-limited requests on one route asking the primary for their allowance: `want` of
 * them are waiting now; the primary may grant more (a lease the process spends without asking).
 */
export interface CountItem {
  route: string;
  key: string;
  window: number;
  max: number;
  want: number;
}

/**
 * The primary's answer to one CountItem: `granted` requests (0 when the window is used up) of the
 * window that began at `start` (ms), which now counts `current` requests granted to all processes,
 * with `ttl` ms left.
 */
export interface Counted {
  granted: number;
  current: number;
  ttl: number;
  start: number;
}

/** Requests a process was granted and did not use: the primary counts them as not made. */
export interface Unused {
  route: string;
  key: string;
  start: number;
  unused: number;
}

export type ToWorker =
  /** A new set: build its evaluator and say `prepared`; it is served from `commit` on. */
  | { pr: 'prepare'; number: number; rulesets: CompiledRuleset[]; sourcesHash: string; loadedAt: string }
  | { pr: 'commit'; number: number }
  /** The folder's state: broken since `at` with these problems, or fine (null). */
  | { pr: 'failure'; failure: Failure | null }
  /** The set (if any) has been handed over: start listening. */
  | { pr: 'listen' }
  /** Send this process's metrics for a scrape. */
  | { pr: 'collect'; id: number }
  /** The answer to this worker's `scrape`. */
  | { pr: 'scraped'; id: number; text?: string; error?: string }
  /** The answer to this worker's `count`, one per item, in order. */
  | { pr: 'counted'; id: number; results: Counted[] }
  /** Finish the requests in flight and exit. */
  | { pr: 'shutdown' };

export type ToPrimary =
  /** The worker listens for messages: the primary hands it the current set, then says `listen`. */
  | { pr: 'hello' }
  | { pr: 'listening'; url: string; port: number }
  /** The worker cannot serve (a port in use…); `usage` when it is the user's to fix (exit code 2). */
  | { pr: 'fatal'; message: string; usage: boolean }
  | { pr: 'prepared'; number: number }
  | { pr: 'collected'; id: number; metrics: MetricsJson }
  /** A /metrics request: the primary gathers every process's metrics and answers `scraped`. */
  | { pr: 'scrape'; id: number }
  /** Rate-limited requests asking for their allowance under the limits all workers share. */
  | { pr: 'count'; id: number; items: CountItem[] }
  /** Leases given back (idle), so another process can use them within the window. */
  | { pr: 'unused'; items: Unused[] };

export function isMessage<T extends { pr: string }>(m: unknown): m is T {
  return typeof m === 'object' && m !== null && typeof (m as { pr?: unknown }).pr === 'string';
}
