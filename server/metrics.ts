// The service's Prometheus metrics (prom-client), on a registry of its own. Labels are route
// patterns, status codes, claim statuses and outcomes: never claim ids, keys or anything a client
// wrote, so the series stay few and carry no patient data.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'payer_rules_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({ name: 'payer_rules_http_requests_total', help: 'HTTP requests answered, by route pattern, method and status code', labelNames: ['route', 'method', 'status'], registers }),
    latency: new Histogram({
      name: 'payer_rules_http_request_duration_seconds',
      help: 'time from request to the end of the response, by route pattern',
      labelNames: ['route', 'method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers,
    }),
    claims: new Counter({ name: 'payer_rules_claims_total', help: 'claims evaluated, by report status (clean, warnings, errors, invalid) and endpoint', labelNames: ['status', 'endpoint'], registers }),
    reloads: new Counter({ name: 'payer_rules_ruleset_reloads_total', help: 'ruleset reloads: loaded (a new set swapped in) or failed (the folder has errors; the previous set keeps serving)', labelNames: ['outcome'], registers }),
    errors: new Counter({ name: 'payer_rules_errors_total', help: 'internal errors (5xx answers, batch streams cut short, service threads lost), by kind', labelNames: ['kind'], registers }),
    authFailures: new Counter({ name: 'payer_rules_auth_failures_total', help: 'requests refused for a missing or unknown API key', registers }),
    rulesetsLoaded: new Gauge({ name: 'payer_rules_rulesets_loaded', help: 'rulesets in the set being served', registers }),
    generation: new Gauge({ name: 'payer_rules_ruleset_generation', help: 'the generation of the set being served (increases with every swap)', registers }),
    stale: new Gauge({ name: 'payer_rules_rulesets_stale', help: '1 while the rulesets folder has errors and the previous set is still being served', registers }),
    batchesInFlight: new Gauge({ name: 'payer_rules_batches_in_flight', help: 'batch requests streaming now', registers }),
  };
}
