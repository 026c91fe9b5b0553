// `payer-rules serve`, assembled: the rulesets store (compiled in a thread, watched, swapped
// atomically), the metrics, the Fastify app, and a listener that refuses to start where it should
// not (another host without keys, a port in use).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { UsageError, projectRoot } from '../workspace/files.ts';
import type { ApiKeys } from './api-keys.ts';
import { buildApp, type AppOptions } from './app.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { RulesetStore, type RulesetsView } from './rulesets.ts';
import { threadScript } from './thread-script.ts';

export interface ServiceOptions extends Omit<AppOptions, 'version'> {
  rulesetsDir: string;
  host: string;
  port: number;
  /** Batch threads per ruleset generation (0: batches run on the main thread). */
  batchThreads: number;
  /** Seconds between checks of the folder besides file-system events (0: events only). */
  pollSeconds: number;
  keys: ApiKeys;
}

export interface Service {
  app: FastifyInstance;
  store: RulesetStore;
  metrics: Metrics;
  /** The address it listens on, e.g. `http://127.0.0.1:4880`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4880;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export function version(): string {
  try {
    return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** Refuses another host without API keys (before anything starts). */
export function checkHost(opts: Pick<ServiceOptions, 'host' | 'keys'>): void {
  if (opts.keys.size === 0 && !isLoopback(opts.host)) {
    throw new UsageError(`refusing to listen on ${opts.host} without API keys: anyone who can reach it could send claims. Give --api-keys FILE (or PAYER_RULES_API_KEYS), or listen on 127.0.0.1`);
  }
}

/** Listens; a port in use, a privileged port or an address this machine lacks is a UsageError. */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    return await app.listen({ host, port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is in use (another payer-rules serve, or another program); choose another with --port`);
    if (code === 'EACCES') throw new UsageError(`not allowed to listen on port ${port} on ${host}; ports below 1024 need privileges, choose another with --port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on ${host}: this machine has no such address`);
    throw e;
  }
}

/** The ruleset gauges of a process serving `view`. */
export function setRulesetGauges(metrics: Metrics, view: RulesetsView): void {
  metrics.stale.set(view.current && view.failure ? 1 : 0);
  if (view.current) {
    metrics.rulesetsLoaded.set(view.current.info.length);
    metrics.generation.set(view.current.number);
  }
}

export async function startService(opts: ServiceOptions): Promise<Service> {
  checkHost(opts);
  const metrics = createMetrics();
  metrics.processes.set(1);
  const script = opts.batchThreads > 0 ? await threadScript() : undefined;
  let app: FastifyInstance | undefined;
  const log = {
    info: (o: object, m: string) => app?.log.info(o, m),
    warn: (o: object, m: string) => app?.log.warn(o, m),
    error: (o: object, m: string) => app?.log.error(o, m),
  };
  const store = new RulesetStore({
    dir: opts.rulesetsDir,
    batchThreads: opts.batchThreads,
    script,
    log,
    onReload: (outcome) => metrics.reloads.inc({ outcome }),
    onStateChange: () => setRulesetGauges(metrics, store),
  });
  app = buildApp({ ...opts, version: version() }, store, metrics);
  // Listen first (a port in use is reported at once; /readyz answers 503 until the set is loaded),
  // then compile.
  let address: string;
  try {
    address = await listen(app, opts.host, opts.port);
  } catch (e) {
    await store.close();
    await app.close().catch(() => undefined);
    throw e;
  }
  await store.reload('start');
  await store.watch(opts.pollSeconds);
  const reloadOnHangup = () => void store.reload('SIGHUP');
  process.on('SIGHUP', reloadOnHangup);
  const flush = () => (app.log as { flush?: () => void }).flush?.();
  const port = (app.server.address() as { port: number }).port;
  return {
    app,
    store,
    metrics,
    url: address,
    port,
    async close() {
      process.off('SIGHUP', reloadOnHangup);
      await app.close();
      await store.close();
      flush();
    },
  };
}
