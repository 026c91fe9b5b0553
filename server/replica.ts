// A worker process of `serve --processes N`: the same Fastify app as a single process, on the
// port all workers share (node:cluster), but it neither compiles nor watches the rulesets: the
// primary process does (server/primary.ts) and hands each new set to every worker in two steps:
// `prepare` (the worker builds the set's evaluator while it keeps serving the old one) and, once
// every worker is prepared, `commit` (one assignment; a request keeps the set it started with).
// Rate limits are counted in the primary, so a key's limit holds across workers (each takes a key's
// allowance in small grants); /metrics asks the primary, which sums every process's metrics.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { UsageError } from '../workspace/files.ts';
import { buildApp } from './app.ts';
import { isMessage, type Counted, type ToPrimary, type ToWorker, type Unused } from './cluster-messages.ts';
import { checkHost, listen, setRulesetGauges, version, type ServiceOptions } from './index.ts';
import { createMetrics } from './metrics.ts';
import { Generation, type Failure, type RulesetsView } from './rulesets.ts';
import { threadScript } from './thread-script.ts';

/** The sets a worker serves: exactly what the primary sent, under the primary's generation numbers. */
export class ReplicaStore implements RulesetsView {
  current: Generation | undefined;
  failure: Failure | undefined;
  private prepared: Generation | undefined;

  constructor(
    private readonly dir: string,
    private readonly threads: { size: number; script: URL | undefined },
  ) {}

  prepare(m: Extract<ToWorker, { pr: 'prepare' }>): void {
    const g = new Generation(m.number, m.rulesets, m.sourcesHash, this.threads, this.dir, m.loadedAt);
    void g.evaluator; // built now, off the request path of the set it replaces
    this.prepared = g;
  }

  commit(n: number): boolean {
    const g = this.prepared;
    if (!g || g.number !== n) return false;
    this.prepared = undefined;
    const prev = this.current;
    // INVARIANT: the only write of `current`; requests read it once and keep what they read.
    this.current = g;
    prev?.retire();
    return true;
  }

  close(): void {
    this.current?.retire();
  }
}

function send(m: ToPrimary): void {
  // The callback keeps a channel closed meanwhile (the primary ended) from being an error event.
  if (process.connected) process.send?.(m, undefined, undefined, () => {});
}

/** A grant unused this long is given back to the primary, for another process to use. */
const IDLE_GRANT_MS = 250;

type Done = (e: Error | null, r?: { current: number; ttl: number }) => void;

/** What this process holds of a key's window: requests it may still let through without asking. */
interface Lease {
  route: string;
  key: string;
  left: number;
  /** The window's count as this process knows it: what the primary said, plus what it spent since. */
  current: number;
  start: number;
  resetAt: number;
  usedAt: number;
}

/** Requests of one key waiting for the primary's answer (one question per key at a time). */
interface Asking {
  route: string;
  key: string;
  window: number;
  max: number;
  waiting: Done[];
}

/**
 * Rate limits counted by the primary for all workers (server/primary.ts RateCounts): a request
 * spends this process's grant for its key when it has one; otherwise it asks the primary, together
 * with the other requests of that turn of the event loop (one message), and waits. A grant ends
 * with its window, and what is left of it is given back once it has been idle IDLE_GRANT_MS.
 */
function sharedRateStore(): { Store: FastifyRateLimitStoreCtor; answer: (m: Extract<ToWorker, { pr: 'counted' }>) => void; close: () => void } {
  let next = 0;
  const leases = new Map<string, Lease>();
  const asking = new Map<string, Asking>();
  let queued: Asking[] = [];
  const sent = new Map<number, Asking[]>();
  const flush = () => {
    const batch = queued;
    queued = [];
    const id = next++;
    sent.set(id, batch);
    send({ pr: 'count', id, items: batch.map((a) => ({ route: a.route, key: a.key, window: a.window, max: a.max, want: a.waiting.length })) });
  };
  const ask = (k: string, a: Asking) => {
    asking.set(k, a);
    if (queued.length === 0) setImmediate(flush);
    queued.push(a);
  };
  // Idle and ended grants: what is left of an idle one (of every one, when stopping) goes back to the primary.
  const giveBack = (all: boolean) => {
    const now = Date.now();
    const unused: Unused[] = [];
    for (const [k, l] of leases) {
      if (l.resetAt <= now) leases.delete(k);
      else if (all || now - l.usedAt >= IDLE_GRANT_MS) {
        leases.delete(k);
        if (l.left > 0) unused.push({ route: l.route, key: l.key, start: l.start, unused: l.left });
      }
    }
    if (unused.length) send({ pr: 'unused', items: unused });
  };
  const sweeper = setInterval(() => giveBack(false), IDLE_GRANT_MS).unref();

  class SharedStore implements FastifyRateLimitStore {
    constructor(private readonly route = '') {}
    incr(key: string, cb: Done, timeWindow: number, max: number): void {
      const k = `${this.route}\u0000${key}`;
      const now = Date.now();
      const lease = leases.get(k);
      if (lease && lease.resetAt > now && lease.left > 0) {
        lease.left--;
        lease.usedAt = now;
        return cb(null, { current: ++lease.current, ttl: lease.resetAt - now });
      }
      const waiting = asking.get(k);
      if (waiting) return void waiting.waiting.push(cb);
      if (!process.connected) return cb(new Error('the primary process is gone'));
      ask(k, { route: this.route, key, window: timeWindow, max, waiting: [cb] });
    }
    child(routeOptions: { method?: string | string[]; url?: string; routeInfo?: { method?: string | string[]; url?: string } }): FastifyRateLimitStore {
      const r = routeOptions.routeInfo ?? routeOptions;
      return new SharedStore(`${String(r.method ?? '')} ${r.url ?? ''}`);
    }
  }

  /** The primary's answer for one key: the waiting requests spend the grant in order; the rest are refused or ask again. */
  const granted = (a: Asking, c: Counted) => {
    const k = `${a.route}\u0000${a.key}`;
    asking.delete(k);
    const now = Date.now();
    let current = c.current - c.granted;
    let left = c.granted;
    const rest: Done[] = [];
    for (const cb of a.waiting) {
      if (left > 0) {
        left--;
        cb(null, { current: ++current, ttl: c.ttl });
      } else rest.push(cb);
    }
    if (left > 0) leases.set(k, { route: a.route, key: a.key, left, current, start: c.start, resetAt: now + c.ttl, usedAt: now });
    else leases.delete(k);
    if (rest.length === 0) return;
    // The window is used up: refused, counted past the limit as one process counts them.
    if (c.current >= a.max) rest.forEach((cb, i) => cb(null, { current: a.max + 1 + i, ttl: c.ttl }));
    // More arrived than were granted, and the window has room: ask for them.
    else ask(k, { ...a, waiting: rest });
  };

  return {
    Store: SharedStore as unknown as FastifyRateLimitStoreCtor,
    answer: (m) => {
      const batch = sent.get(m.id);
      sent.delete(m.id);
      batch?.forEach((a, i) => granted(a, m.results[i]!));
    },
    close: () => {
      clearInterval(sweeper);
      giveBack(true);
    },
  };
}

/** Runs this worker process until the primary says `shutdown`, the primary is gone, or a signal. */
export async function runWorker(opts: ServiceOptions): Promise<void> {
  checkHost(opts);
  const metrics = createMetrics('worker');
  const script = opts.batchThreads > 0 ? await threadScript() : undefined;
  const store = new ReplicaStore(opts.rulesetsDir, { size: opts.batchThreads, script });
  const rate = sharedRateStore();
  let scrapes = 0;
  const pendingScrapes = new Map<number, { resolve: (t: string) => void; reject: (e: Error) => void }>();
  const metricsText = () =>
    new Promise<string>((resolve, reject) => {
      const id = scrapes++;
      const timer = setTimeout(() => {
        pendingScrapes.delete(id);
        reject(new Error('the primary process did not answer a metrics scrape'));
      }, 10_000);
      pendingScrapes.set(id, {
        resolve: (t) => (clearTimeout(timer), resolve(t)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      send({ pr: 'scrape', id });
    });
  const app = buildApp({ ...opts, version: version(), metricsText, ...(opts.rateLimitPerMinute > 0 ? { rateLimitStore: rate.Store } : {}) }, store, metrics);

  let finished: () => void = () => {};
  const ended = new Promise<void>((resolve) => (finished = resolve));
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await app.close().catch(() => undefined);
      store.close();
      rate.close();
      (app.log as { flush?: () => void }).flush?.();
      process.disconnect?.();
      // Idle batch threads and timers must not keep the process.
      setTimeout(() => process.exit(0), 200).unref();
      finished();
    })();
    return stopping;
  };
  let startListening: () => void = () => {};
  const listenSignal = new Promise<void>((resolve) => (startListening = resolve));

  process.on('message', (m: unknown) => {
    if (!isMessage<ToWorker>(m)) return;
    switch (m.pr) {
      case 'prepare':
        store.prepare(m);
        send({ pr: 'prepared', number: m.number });
        break;
      case 'commit':
        if (store.commit(m.number)) setRulesetGauges(metrics, store);
        break;
      case 'failure':
        store.failure = m.failure ?? undefined;
        setRulesetGauges(metrics, store);
        break;
      case 'listen':
        startListening();
        break;
      case 'collect':
        void metrics.registry.getMetricsAsJSON().then((json) => send({ pr: 'collected', id: m.id, metrics: json }));
        break;
      case 'scraped': {
        const p = pendingScrapes.get(m.id);
        pendingScrapes.delete(m.id);
        if (m.text !== undefined) p?.resolve(m.text);
        else p?.reject(new Error(m.error ?? 'the metrics could not be gathered'));
        break;
      }
      case 'counted':
        rate.answer(m);
        break;
      case 'shutdown':
        void stop();
        break;
    }
  });
  // The primary went away (killed): nothing would hand over new sets or count limits; stop.
  process.on('disconnect', () => void stop());
  // Ctrl-C reaches every process of the group: finish the requests in flight, as the primary does.
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // SIGHUP (reload) is the primary's: the default action would end this process.
  process.on('SIGHUP', () => {});

  send({ pr: 'hello' });
  await listenSignal;
  try {
    const url = await listen(app, opts.host, opts.port);
    send({ pr: 'listening', url, port: (app.server.address() as { port: number }).port });
  } catch (e) {
    send({ pr: 'fatal', message: e instanceof Error ? e.message : String(e), usage: e instanceof UsageError });
    await app.close().catch(() => undefined);
    process.exit(e instanceof UsageError ? 2 : 1);
  }
  await ended;
}
