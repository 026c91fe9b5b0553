// What the primary process of `serve --processes N` and its worker processes say to each other
// over the cluster's IPC channel (structured clone: `serialization: 'advanced'`). Every message
// carries `pr`, so messages of node:cluster itself or of a library are told apart.
import type { CompiledRuleset } from '../engine/compiled.ts';
import type { MetricsJson } from './metrics.ts';
import type { Failure } from './rulesets.ts';

/** One rate-limited request to count: the route (its method and pattern) and the key or address. */
export interface CountItem {
  route: string;
  key: string;
  window: number;
}

export interface Counted {
  current: number;
  ttl: number;
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
  /** Rate-limited requests to count against the limits all workers share. */
  | { pr: 'count'; id: number; items: CountItem[] };

export function isMessage<T extends { pr: string }>(m: unknown): m is T {
  return typeof m === 'object' && m !== null && typeof (m as { pr?: unknown }).pr === 'string';
}
