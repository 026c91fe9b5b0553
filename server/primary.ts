// `serve --processes N`: the primary process. It forks N worker processes that share the port
// (node:cluster; the primary hands out connections round-robin) and answer every request
// (server/replica.ts), and it keeps what must be one per service:
// - the rulesets: it compiles and watches the folder (in a thread, as a single process does) and
//   hands each new set to every worker in two steps, prepare (each builds the set's evaluator while
//   serving the old one) then commit, so no request fails or sees half a set during a reload, and
//   the workers change sets within a message's delivery of each other. A broken folder is reported
//   to every worker, whose /readyz then says stale with the problems, as a single process does;
// - the metrics: a scrape answered by any worker is the sum over every process;
// - the rate limits: counted here, so a key's limit holds whichever worker its requests reach (a
//   worker takes a key's allowance in small grants and spends them without asking each time);
// - the workers themselves: one that dies is logged, counted in payer_rules_errors_total and
//   replaced (after a pause that grows while they keep dying); it starts serving only once it holds
//   the current set.
import cluster, { type Worker } from 'node:cluster';
import pino, { destination } from 'pino';
import { UsageError } from '../workspace/files.ts';
import { isMessage, type Counted, type CountItem, type ToPrimary, type ToWorker, type Unused } from './cluster-messages.ts';
import { checkHost, type ServiceOptions } from './index.ts';
import { aggregateMetrics, createMetrics, type Metrics, type MetricsJson } from './metrics.ts';
import { RulesetStore } from './rulesets.ts';
import { threadScript } from './thread-script.ts';

export interface ClusterService {
  url: string;
  port: number;
  store: RulesetStore;
  metrics: Metrics;
  processes: number;
  close(): Promise<void>;
}

interface Member {
  worker: Worker;
  startedAt: number;
  /** Handed the current set and told to listen. */
  joined: boolean;
  /** Where it listens, once it does. */
  address?: { url: string; port: number };
  /** Resolvers waiting for `prepared` (by generation) or for the process to end. */
  waiting: Map<number, () => void>;
  onExit: (() => void)[];
}

/** Fixed-window counts per route and key, as @fastify/rate-limit counts them in one process. */
interface Window {
  count: number;
  start: number;
  window: number;
}

/** The most requests one grant holds: a process asks the primary once per this many of a key's requests. */
export const MAX_GRANT = 64;

/**
 * A key's requests per window, for every worker: each asks for an allowance (a grant) and spends
 * it without asking again, so a request waits for the primary once per grant rather than every
 * time. A grant is never more than what is left of the window, so a key never gets more than its
 * limit across the processes; it is small next to the limit (an eighth of it shared among the
 * processes, at most MAX_GRANT; one request for limits under 16 per process), and a process gives
 * back what it has not used once idle (server/replica.ts), so a key's requests are refused early
 * only while another process still holds part of its allowance, for a fraction of a second.
 */
export class RateCounts {
  private windows = new Map<string, Window>();
  private sweeper = setInterval(() => {
    const now = Date.now();
    for (const [k, w] of this.windows) if (w.start + w.window <= now) this.windows.delete(k);
  }, 60_000).unref();

  constructor(private readonly processes: () => number) {}

  grant(item: CountItem, now: number): Counted {
    const k = `${item.route}\u0000${item.key}`;
    let w = this.windows.get(k);
    if (!w || w.start + w.window <= now) {
      w = { count: 0, start: now, window: item.window };
      this.windows.set(k, w);
    }
    const left = Math.max(0, item.max - w.count);
    const share = Math.floor(Math.min(left, item.max / 8) / (2 * Math.max(1, this.processes())));
    const granted = Math.min(left, Math.max(item.want, Math.min(MAX_GRANT, Math.max(1, share))));
    w.count += granted;
    return { granted, current: w.count, ttl: w.window - (now - w.start), start: w.start };
  }

  /** Requests granted and not used: counted as not made, if their window is still the key's. */
  giveBack(item: Unused): void {
    const w = this.windows.get(`${item.route}\u0000${item.key}`);
    if (w && w.start === item.start) w.count = Math.max(0, w.count - item.unused);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}

const PREPARE_TIMEOUT_MS = 120_000;

/**
 * The young generation of each worker process, in MB per semi-space. A single-claim request
 * allocates about 100 KB (the parsed claim, the report and its JSON) that is garbage once the
 * answer is written, so a worker under load collects its young generation (a scavenge: a pause of
 * a few milliseconds whatever its size, its cost being the objects still alive) every 16 MB of
 * allocation by default, about 150 requests. At 32 MB it collects half as often for the same
 * pauses (measured with --trace-gc under load: ~310 requests a scavenge; with 64 MB V8 had not
 * grown it further); the young generation is three semi-spaces, so this costs up to 48 MB a worker.
 */
export const WORKER_SEMI_SPACE_MB = 32;

/**
 * The Node options of a worker process: the primary's own, and the young-generation size unless
 * the primary was started with one (on its command line or in NODE_OPTIONS, which workers inherit).
 */
export function workerExecArgv(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => /^--(max|min)[-_]semi[-_]space[-_]size\b/.test(a));
  // Only the most: V8 starts small and grows the young generation under load, shrinks it when idle.
  return given ? [...execArgv] : [...execArgv, `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`];
}
const COLLECT_TIMEOUT_MS = 3_000;

export async function startCluster(opts: ServiceOptions, processes: number): Promise<ClusterService> {
  checkHost(opts);
  const log = pino(
    { level: opts.logLevel, serializers: { err: (e: Error) => ({ type: e?.name ?? 'Error', message: '(not logged)' }) } },
    (opts.logStream as pino.DestinationStream | undefined) ?? destination({ dest: 1, sync: false }),
  );
  const metrics = createMetrics('primary');
  const members = new Set<Member>();
  let closing = false;
  let chain: Promise<void> = Promise.resolve();
  /** The generation every joined worker serves. */
  let published = 0;
  let startupFailed: ((e: Error) => void) | undefined;

  const store = new RulesetStore({
    dir: opts.rulesetsDir,
    batchThreads: 0,
    script: await threadScript(),
    evaluates: false,
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m), error: (o, m) => log.error(o, m) },
    onReload: (outcome) => metrics.reloads.inc({ outcome }),
    onStateChange: () => {
      chain = chain.then(publish);
    },
  });

  // A worker can end between the check and the send; the callback keeps that from being an error event.
  const tell = (m: Member, msg: ToWorker) => {
    if (m.worker.isConnected()) m.worker.send(msg, undefined, () => {});
  };
  const joined = () => [...members].filter((m) => m.joined && m.worker.isConnected());
  const failureMessage = (): ToWorker => ({ pr: 'failure', failure: store.failure ?? null });

  /** Hands the current set to `targets`: prepare, wait for every one (or its end), commit. */
  async function handOver(targets: Member[]): Promise<void> {
    const g = store.current;
    if (!g || targets.length === 0) return;
    await Promise.all(
      targets.map(
        (m) =>
          new Promise<void>((resolve) => {
            // A worker that has not prepared in time is committed anyway (it then keeps its set).
            const timer = setTimeout(done, PREPARE_TIMEOUT_MS);
            function done() {
              clearTimeout(timer);
              m.waiting.delete(g!.number);
              m.onExit = m.onExit.filter((f) => f !== done);
              resolve();
            }
            m.waiting.set(g.number, done);
            m.onExit.push(done);
            tell(m, { pr: 'prepare', number: g.number, rulesets: g.rulesets, sourcesHash: g.sourcesHash, loadedAt: g.loadedAt });
          }),
      ),
    );
    for (const m of targets) tell(m, { pr: 'commit', number: g.number });
  }

  async function publish(): Promise<void> {
    const g = store.current;
    if (g && g.number !== published) {
      await handOver(joined());
      published = g.number;
      log.info({ event: 'rulesets-published', generation: g.number, processes: joined().length }, `every worker serves generation ${g.number}`);
    }
    for (const m of joined()) tell(m, failureMessage());
  }

  async function join(m: Member): Promise<void> {
    if (!m.worker.isConnected()) return;
    // The newest set, even one whose publishing to the others is queued behind this: a worker
    // never answers (503) without a set when there is one.
    if (store.current) await handOver([m]);
    tell(m, failureMessage());
    m.joined = true;
    metrics.processes.set(joined().length);
    tell(m, { pr: 'listen' });
  }

  const rates = new RateCounts(() => joined().length);
  let collects = 0;
  const collecting = new Map<number, (json: MetricsJson) => void>();

  async function scrape(): Promise<string> {
    const parts: MetricsJson[] = [await metrics.registry.getMetricsAsJSON()];
    await Promise.all(
      joined().map(
        (m) =>
          new Promise<void>((resolve) => {
            const id = collects++;
            // A worker that does not answer in time is left out of this scrape (its counters come back with the next).
            const timer = setTimeout(() => (collecting.delete(id), resolve()), COLLECT_TIMEOUT_MS);
            collecting.set(id, (json) => {
              clearTimeout(timer);
              collecting.delete(id);
              parts.push(json);
              resolve();
            });
            tell(m, { pr: 'collect', id });
          }),
      ),
    );
    return aggregateMetrics(parts);
  }

  let restartDelay = 100;
  function fork(): Member {
    const worker = cluster.fork();
    const m: Member = { worker, startedAt: Date.now(), joined: false, waiting: new Map(), onExit: [] };
    members.add(m);
    worker.on('message', (msg: unknown) => {
      if (!isMessage<ToPrimary>(msg)) return;
      switch (msg.pr) {
        case 'hello':
          chain = chain.then(() => join(m));
          break;
        case 'listening':
          m.address = { url: msg.url, port: msg.port };
          listeningChanged?.();
          break;
        case 'fatal':
          startupFailed?.(msg.usage ? new UsageError(msg.message) : new Error(msg.message));
          break;
        case 'prepared':
          m.waiting.get(msg.number)?.();
          break;
        case 'collected':
          collecting.get(msg.id)?.(msg.metrics);
          break;
        case 'scrape':
          scrape().then(
            (text) => tell(m, { pr: 'scraped', id: msg.id, text }),
            (e: Error) => tell(m, { pr: 'scraped', id: msg.id, error: e.message }),
          );
          break;
        case 'count': {
          const now = Date.now();
          tell(m, { pr: 'counted', id: msg.id, results: msg.items.map((item) => rates.grant(item, now)) });
          break;
        }
        case 'unused':
          for (const item of msg.items) rates.giveBack(item);
          break;
      }
    });
    worker.on('error', (e: Error) => log.warn({ event: 'worker-channel-error', pid: worker.process.pid, errorType: e.name }, 'a message to a worker process was lost'));
    worker.on('exit', (code, signal) => {
      members.delete(m);
      for (const f of [...m.onExit]) f();
      metrics.processes.set(joined().length);
      if (closing) return;
      metrics.errors.inc({ kind: 'worker-exit' });
      // A worker that keeps dying soon after its start is restarted less and less often (up to 30 s).
      restartDelay = Date.now() - m.startedAt < 10_000 ? Math.min(restartDelay * 2, 30_000) : 100;
      log.error({ event: 'worker-exit', pid: worker.process.pid, code, signal, restartInMs: restartDelay }, `a worker process ended (${signal ?? `exit code ${code}`}); starting another`);
      setTimeout(() => {
        if (!closing) fork();
      }, restartDelay).unref();
    });
    return m;
  }

  let listeningChanged: (() => void) | undefined;
  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    await store.close();
    const ends = [...members].map((m) => new Promise<void>((resolve) => (m.worker.isDead() ? resolve() : m.onExit.push(resolve))));
    for (const m of members) tell(m, { pr: 'shutdown' });
    const force = setTimeout(() => {
      for (const m of members) m.worker.process.kill('SIGKILL');
    }, 30_000);
    await Promise.all(ends);
    clearTimeout(force);
    rates.close();
    log.flush();
  }

  cluster.setupPrimary({ serialization: 'advanced', execArgv: workerExecArgv(process.execArgv, process.env['NODE_OPTIONS']) });
  try {
    const started = new Promise<Member>((resolve, reject) => {
      startupFailed = reject;
      listeningChanged = () => {
        const all = [...members];
        if (all.length >= processes && all.every((m) => m.address)) resolve(all[0]!);
      };
      for (let i = 0; i < processes; i++) fork();
    });
    // Compiling starts at once, beside the workers' start-up; they answer 503 on /readyz until it is done.
    const loaded = store.reload('start');
    const [first] = await Promise.all([started, loaded]);
    await chain;
    await store.watch(opts.pollSeconds);
    startupFailed = undefined;
    const onHangup = () => void store.reload('SIGHUP');
    process.on('SIGHUP', onHangup);
    return {
      ...first.address!,
      store,
      metrics,
      processes,
      async close() {
        process.off('SIGHUP', onHangup);
        await close();
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}
