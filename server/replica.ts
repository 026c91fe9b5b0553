// A worker process of `serve --processes N`: the same Fastify app as a single process, on the
// port all workers share (node:cluster), but it neither compiles nor watches the rulesets: the
// primary process does (server/primary.ts) and hands each new set to every worker in two steps:
// `prepare` (the worker builds the set's evaluator while it keeps serving the old one) and, once
// every worker is prepared, `commit` (one assignment; a request keeps the set it started with).
// Rate limits are counted in the primary, so a key's limit holds across workers; /metrics asks the
// primary, which sums every process's metrics.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { UsageError } from '../workspace/files.ts';
import { buildApp } from './app.ts';
import { isMessage, type CountItem, type Counted, type ToPrimary, type ToWorker } from './cluster-messages.ts';
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

/**
 * Counts rate-limited requests in the primary: the requests of one turn of the event loop go in one
 * message, and the primary counts them in order, so a key's limit is exact across workers.
 */
function sharedRateStore(): { Store: FastifyRateLimitStoreCtor; answer: (m: Extract<ToWorker, { pr: 'counted' }>) => void } {
  let next = 0;
  let queued: { item: CountItem; cb: (e: Error | null, r?: Counted) => void }[] = [];
  const waiting = new Map<number, typeof queued>();
  const flush = () => {
    const batch = queued;
    queued = [];
    const id = next++;
    waiting.set(id, batch);
    send({ pr: 'count', id, items: batch.map((b) => b.item) });
  };
  class SharedStore implements FastifyRateLimitStore {
    constructor(private readonly route = '') {}
    incr(key: string, cb: (e: Error | null, r?: Counted) => void, timeWindow: number): void {
      if (!process.connected) return cb(new Error('the primary process is gone'));
      if (queued.length === 0) setImmediate(flush);
      queued.push({ item: { route: this.route, key, window: timeWindow }, cb });
    }
    child(routeOptions: { method?: string | string[]; url?: string; routeInfo?: { method?: string | string[]; url?: string } }): FastifyRateLimitStore {
      const r = routeOptions.routeInfo ?? routeOptions;
      return new SharedStore(`${String(r.method ?? '')} ${r.url ?? ''}`);
    }
  }
  return {
    Store: SharedStore as unknown as FastifyRateLimitStoreCtor,
    answer: (m) => {
      const batch = waiting.get(m.id);
      waiting.delete(m.id);
      batch?.forEach((b, i) => b.cb(null, m.results[i]));
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
