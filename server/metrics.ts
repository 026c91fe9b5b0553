// The service's Prometheus metrics (prom-client), on a registry of its own. Labels are route
// patterns, status codes, claim statuses and outcomes: never claim ids, keys or anything a client
// wrote, so the series stay few and carry no patient data.
//
// With `serve --processes N` each process keeps the metrics of what it does, and a scrape (which
// any worker may answer) is the primary's aggregation of all of them (server/primary.ts): counters
// and histograms are summed; the ruleset gauges come from the workers, each of which serves a
// set, as the lowest generation (a worker left behind shows) and the highest staleness; reloads are
// counted once, by the primary, which is the process that reloads.
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  latency: Histogram<'route' | 'method'>;
  claims: Counter<'status' | 'endpoint'>;
  reloads: Counter<'outcome'>;
  errors: Counter<'kind'>;
  authFailures: Counter;
  rulesetsLoaded: Gauge;
  generation: Gauge;
  stale: Gauge;
  batchesInFlight: Gauge;
  /** Worker processes answering requests (the primary's; 1 for a single process). */
  processes: Gauge;
}

/** `single`: one process does everything. `worker` / `primary`: the two sides of `--processes N`. */
export type MetricsRole = 'single' | 'worker' | 'primary';

export function createMetrics(role: MetricsRole = 'single'): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'payer_rules_' });
  const all = [registry];
  const none: Registry[] = [];
  // Which process registers what: a metric registered nowhere still counts, it is just never shown.
  const serving = role === 'primary' ? none : all;
  const reloading = role === 'worker' ? none : all;
  return {
    registry,
    requests: new Counter({ name: 'payer_rules_http_requests_total', help: 'HTTP requests answered, by route pattern, method and status code', labelNames: ['route', 'method', 'status'], registers: serving }),
    latency: new Histogram({
      name: 'payer_rules_http_request_duration_seconds',
      help: 'time from request to the end of the response, by route pattern',
      labelNames: ['route', 'method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers: serving,
    }),
    claims: new Counter({ name: 'payer_rules_claims_total', help: 'claims evaluated, by report status (clean, warnings, errors, invalid) and endpoint', labelNames: ['status', 'endpoint'], registers: serving }),
    reloads: new Counter({ name: 'payer_rules_ruleset_reloads_total', help: 'ruleset reloads: loaded (a new set swapped in) or failed (the folder has errors; the previous set keeps serving)', labelNames: ['outcome'], registers: reloading }),
    errors: new Counter({ name: 'payer_rules_errors_total', help: 'internal errors (5xx answers, batch streams cut short, service threads or worker processes lost), by kind', labelNames: ['kind'], registers: all }),
    authFailures: new Counter({ name: 'payer_rules_auth_failures_total', help: 'requests refused for a missing or unknown API key', registers: serving }),
    rulesetsLoaded: new Gauge({ name: 'payer_rules_rulesets_loaded', help: 'rulesets in the set being served', registers: serving, aggregator: 'min' }),
    generation: new Gauge({ name: 'payer_rules_ruleset_generation', help: 'the generation of the set being served (increases with every swap; with several processes, the lowest any of them serves)', registers: serving, aggregator: 'min' }),
    stale: new Gauge({ name: 'payer_rules_rulesets_stale', help: '1 while the rulesets folder has errors and the previous set is still being served', registers: serving, aggregator: 'max' }),
    batchesInFlight: new Gauge({ name: 'payer_rules_batches_in_flight', help: 'batch requests streaming now', registers: serving }),
    processes: new Gauge({ name: 'payer_rules_processes', help: 'processes answering HTTP requests (serve --processes)', registers: reloading }),
  };
}

/** A registry's metrics as data, to send to the primary process. */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** One scrape of several processes' registries (getMetricsAsJSON of each) as Prometheus text. */
export function aggregateMetrics(parts: MetricsJson[]): Promise<string> {
  return AggregatorRegistry.aggregate(parts).metrics();
}
