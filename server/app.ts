// The evaluation service as a Fastify app: the routes of server/routes.ts with their handlers, who
// may ask (API keys, loopback-only without keys, per-key rate limits), what is refused (sizes,
// media types), and what is recorded (one log line per request with its id and the key's name,
// metrics). Claim bodies, keys and patient data are never logged.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { destination } from 'pino';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { validateClaim } from '../engine/validate.ts';
import type { InputNote } from '../engine/report.ts';
import { claimOfLine, readClaims, type Supplements } from '../readers/index.ts';
import { jsonError } from '../cli/eval-core.ts';
import { bearerKey, type ApiKeys } from './api-keys.ts';
import { batchReports, type BatchProgress } from './batch.ts';
import { zeroCounts } from './batch-eval.ts';
import { stampHash } from './evaluator.ts';
import type { Metrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { NDJSON, NDJSON_TYPES, ROUTES, X12, type RouteName, type RouteSpec } from './routes.ts';
import type { RulesetsView } from './rulesets.ts';

export interface AppOptions {
  keys: ApiKeys;
  /** Requests per key (per client address without keys) per minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** The largest single-claim body, in bytes. */
  bodyLimit: number;
  /** The largest batch upload, in bytes; 0 for no limit. */
  maxBatchBytes: number;
  tls?: { cert: Buffer; key: Buffer };
  trustProxy: boolean;
  logLevel: string;
  /** Where log lines go (default stdout). */
  logStream?: NodeJS.WritableStream;
  version: string;
  /** For 837P bodies: payer id → ruleset id (`--payers FILE.json`, as for `eval`). */
  supplements?: Supplements;
  /** Where the rate limits are counted (default: in this process). */
  rateLimitStore?: FastifyRateLimitStoreCtor;
  /** The /metrics text (default: this process's registry). */
  metricsText?: () => Promise<string>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The name of the API key the request presented. */
    keyName: string | undefined;
  }
  interface FastifyContextConfig {
    route?: RouteName;
  }
}

/** An answer other than 200, with a stable code and a message a biller's IT person understands. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const REASON: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };
const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/**
 * The log's batches. Written line by line, every request's line was a write of its own, handed to
 * libuv's thread pool with a wake-up of the event loop when done: at an even 2,000 requests/s about
 * 10% of the service's CPU. A line is ~250 bytes, so a batch holds ~16 of them; at low traffic a line
 * is out within a quarter of a second.
 */
const LOG_BATCH_BYTES = 4096;
const LOG_FLUSH_MS = 250;

function errorBody(req: FastifyRequest, status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
  return { statusCode: status, error: REASON[status] ?? 'Error', code, message, ...extra, requestId: req.id };
}

/**
 * An 837P body, read to the one claim it must hold, with the reader's notes (the payer id no
 * ruleset maps, missing minutes…) that `payer-rules eval` puts in the report's `input`; a reader
 * error is a 400 with its segment and element.
 */
class X12Body {
  constructor(
    readonly text: string,
    readonly supplements: Supplements,
  ) {}
  claim(): { raw: unknown; input?: InputNote[] } {
    const records = [...readClaims(this.text, 'x12', { reportUnused: false, supplements: this.supplements })];
    const claims = records.filter((r) => r.claim);
    const errors = records.flatMap((r) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ path: d.where, message: `${d.code}: ${d.message}` })));
    if (errors.length) throw new HttpError(400, 'invalid-837p', `the 837P cannot be evaluated (${errors.length} error${errors.length === 1 ? '' : 's'}; see errors)`, { status: 'invalid', claimId: null, errors });
    if (claims.length !== 1) throw new HttpError(400, 'invalid-837p', `the 837P holds ${claims.length} claims; this endpoint takes one (convert a larger file with \`payer-rules convert\` and send it to ${ROUTES.batch.url})`, { status: 'invalid', claimId: null, errors: [] });
    // Notes of the envelope (no claim of their own) and of the claim, in file order, as eval gives them.
    const input = records.flatMap((r) => r.diagnostics.map((d): InputNote => ({ severity: d.severity, code: d.code, message: d.message, where: d.where })));
    return input.length ? { raw: claims[0]!.claim!, input } : { raw: claims[0]!.claim! };
  }
}

function explainOf(req: FastifyRequest): boolean {
  const e = (req.query as { explain?: string } | undefined)?.explain;
  return e === 'true' || e === '1';
}

export function buildApp(opts: AppOptions, store: RulesetsView, metrics: Metrics): FastifyInstance {
  const app = Fastify({
    ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
    // No serializer lets a body, a header or an error message (which can quote input) into the log.
    logger: {
      level: opts.logLevel,
      // Standard output, written asynchronously and in batches: lines wait for LOG_BATCH_BYTES of
      // them or LOG_FLUSH_MS, whichever comes first (flushed on close, see server/index.ts).
      stream: opts.logStream ?? destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_MS }),
      serializers: { req: () => ({}), res: () => ({}), err: (e: FastifyError) => ({ type: e?.name ?? 'Error', code: e?.code, statusCode: e?.statusCode, message: '(not logged)', stack: '' }) },
    },
    // Fastify's own per-request lines are off: the onResponse hook below writes one line instead.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    trustProxy: opts.trustProxy,
    bodyLimit: opts.bodyLimit,
    keepAliveTimeout: 75_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;

  app.decorateRequest('keyName', undefined);
  app.setValidatorCompiler(validatorCompiler);
  // Bodies are parsed only where a route says so (below); anything else is 415.
  app.removeAllContentTypeParsers();

  // Both hooks take a callback rather than returning a promise: they run on every request, and
  // neither waits for anything.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    if (opts.keys.size === 0) {
      // Without keys the service is for this machine only: refuse names a browser page could be
      // tricked into using (DNS rebinding) and requests a web page sends from another origin.
      if (!LOOPBACK_HOST.test(req.headers.host ?? '')) return done(new HttpError(403, 'forbidden-host', 'without API keys this service answers only requests addressed to localhost or 127.0.0.1'));
      if (req.headers.origin !== undefined) return done(new HttpError(403, 'forbidden-origin', 'requests from web pages are refused (CORS is off)'));
      return done();
    }
    const spec = req.routeOptions.config.route ? (ROUTES[req.routeOptions.config.route] as RouteSpec) : undefined;
    if (!spec?.auth) return done();
    const name = opts.keys.nameOf(bearerKey(req.headers.authorization) ?? '');
    if (!name) {
      metrics.authFailures.inc();
      reply.header('www-authenticate', 'Bearer realm="payer-rules"');
      return done(new HttpError(401, 'unauthorized', req.headers.authorization ? 'the API key is not valid' : 'an API key is required: send `Authorization: Bearer KEY`'));
    }
    req.keyName = name;
    done();
  });

  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.requests.inc({ route, method: req.method, status: String(status) });
    metrics.latency.observe({ route, method: req.method }, reply.elapsedTime / 1000);
    if (status >= 500) metrics.errors.inc({ kind: `http-${status}` });
    // One line per request: its id (bound by Fastify), the key's name, the route pattern, never the body.
    req.log.info({ key: req.keyName, method: req.method, route, status, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    done();
  });

  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) return reply.code(err.statusCode).send(errorBody(req, err.statusCode, err.code, err.message, err.extra));
    const e = err as FastifyError & { validation?: { instancePath: string; message?: string }[] };
    if (e.validation) {
      const errors = e.validation.map((v) => ({ path: `query${v.instancePath.replaceAll('/', '.')}`, message: v.message ?? 'is not valid' }));
      return reply.code(400).send(errorBody(req, 400, 'invalid-request', 'the request is not valid', { errors }));
    }
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(errorBody(req, 413, 'body-too-large', `the body is larger than ${opts.bodyLimit} bytes, the limit for one claim; send larger sets to ${ROUTES.batch.url}`));
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send(errorBody(req, 415, 'unsupported-media-type', 'this media type is not accepted here; see /openapi.json'));
    if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return reply.code(400).send(errorBody(req, 400, 'invalid-json', 'the body is empty; send a claim as JSON'));
    if (e.statusCode === 429) return reply.code(429).send(errorBody(req, 429, 'rate-limited', e.message));
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return reply.code(e.statusCode).send(errorBody(req, e.statusCode, 'bad-request', 'the request could not be read'));
    // Internal: the kind and where, never the message (it could quote input).
    req.log.error({ event: 'internal-error', errorType: e.name, errorCode: e.code }, 'internal error');
    return reply.code(500).send(errorBody(req, 500, 'internal', 'internal error; the request id identifies it in the service log'));
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(errorBody(req, 404, 'not-found', 'no such route; /openapi.json lists them'));
  });

  const handlers: Record<RouteName, (req: FastifyRequest, reply: FastifyReply) => unknown> = {
    // Not async: it waits for nothing, and the promise Fastify would otherwise wrap costs on every request.
    evaluate(req, reply) {
      const gen = store.current;
      if (!gen) throw notReady();
      // An 837P with its reader notes; a line of `payer-rules convert` output as the claim it holds
      // with its notes (readers/converted.ts); any other JSON as the claim.
      const body = req.body instanceof X12Body ? req.body.claim() : claimOfLine(req.body);
      if ('report' in body) {
        metrics.claims.inc({ status: 'invalid', endpoint: 'evaluate' });
        const n = body.report.errors.length;
        throw new HttpError(400, 'invalid-claim', `the claim could not be read (${n} problem${n === 1 ? '' : 's'}; see errors)`, { ...body.report });
      }
      // As eval: an invalid claim keeps the notes that are not errors.
      const input = body.input?.filter((x) => x.severity !== 'error');
      const v = validateClaim(body.raw);
      if (!v.ok) {
        metrics.claims.inc({ status: 'invalid', endpoint: 'evaluate' });
        const n = v.errors.length;
        throw new HttpError(400, 'invalid-claim', `the claim is not valid (${n} problem${n === 1 ? '' : 's'}; see errors)`, { claimId: v.claimId, status: 'invalid', errors: v.errors, ...(input?.length ? { input } : {}) });
      }
      const report = stampHash(gen.evaluator.evaluateClaimSync(v.claim, explainOf(req)), gen.hashes);
      metrics.claims.inc({ status: report.status, endpoint: 'evaluate' });
      return reply.send(body.input?.length ? { ...report, input: body.input } : report);
    },
    async batch(req, reply) {
      const gen = store.current;
      if (!gen) throw notReady();
      const declared = Number(req.headers['content-length'] ?? 0);
      if (opts.maxBatchBytes > 0 && declared > opts.maxBatchBytes) throw new HttpError(413, 'body-too-large', `the upload is larger than the batch limit of ${opts.maxBatchBytes} bytes; split it`);
      const release = gen.acquire();
      metrics.batchesInFlight.inc();
      const progress: BatchProgress = { counts: zeroCounts(), claims: 0, bytesIn: 0 };
      const source = batchReports(req.body as AsyncIterable<Buffer>, gen, explainOf(req), progress, opts.maxBatchBytes);
      const guarded = async function* () {
        try {
          yield* source;
        } catch (e) {
          metrics.errors.inc({ kind: 'batch-stream' });
          req.log.error({ event: 'batch-failed', claimsSent: progress.claims, errorType: (e as Error)?.name }, 'a batch stream was cut short');
          throw e;
        }
      };
      const out = Readable.from(guarded(), { objectMode: false });
      out.on('close', () => {
        release();
        metrics.batchesInFlight.dec();
        for (const [status, n] of Object.entries(progress.counts)) if (n) metrics.claims.inc({ status, endpoint: 'batch' }, n);
        req.log.info({ event: 'batch', claims: progress.claims, bytesIn: progress.bytesIn, generation: gen.number }, 'batch done');
      });
      reply.header('content-type', `${NDJSON}; charset=utf-8`);
      reply.header('x-ruleset-generation', String(gen.number));
      return reply.send(out);
    },
    async rulesets() {
      const gen = store.current;
      if (!gen) throw notReady();
      return { generation: gen.number, loadedAt: gen.loadedAt, rulesets: gen.info };
    },
    async healthz() {
      return { status: 'ok' };
    },
    async readyz(_req, reply) {
      const gen = store.current;
      const problems = store.failure?.problems ?? [];
      const body = {
        ready: !!gen,
        generation: gen?.number ?? null,
        loadedAt: gen?.loadedAt ?? null,
        rulesets: gen?.info.length ?? 0,
        stale: !!gen && !!store.failure,
        message: !gen ? 'no rulesets loaded yet' + (problems.length ? ': the folder has errors' : '') : store.failure ? `serving the previous set (generation ${gen.number}); the folder has errors since ${store.failure.at}` : 'ready',
        problems,
      };
      return reply.code(gen ? 200 : 503).send(body);
    },
    async metrics(_req, reply) {
      const text = await (opts.metricsText ? opts.metricsText() : metrics.registry.metrics());
      reply.header('content-type', metrics.registry.contentType);
      return text;
    },
    async openapi() {
      return document;
    },
  };
  const document = openApiDocument(opts.version);

  if (opts.rateLimitPerMinute > 0) {
    void app.register(rateLimit, {
      global: false,
      hook: 'preParsing',
      ...(opts.rateLimitStore ? { store: opts.rateLimitStore } : {}),
      keyGenerator: (req) => (req.keyName ? `key:${req.keyName}` : `ip:${req.ip}`),
      errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, message: `rate limit of ${ctx.max} requests per minute reached; retry in ${ctx.after}` }),
    });
  }

  const register = (names: RouteName[]) => (scope: FastifyInstance) => {
    for (const name of names) {
      const spec = ROUTES[name] as RouteSpec;
      scope.route({
        method: spec.method,
        url: spec.url,
        config: { route: name, ...(spec.rateLimited && opts.rateLimitPerMinute > 0 ? { rateLimit: { max: opts.rateLimitPerMinute, timeWindow: 60_000 } } : {}) },
        schema: spec.query ? { querystring: spec.query } : {},
        handler: handlers[name],
      });
    }
  };
  // Each body kind in a context of its own, so a route parses only the media types it documents.
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
      try {
        done(null, JSON.parse(text as string));
      } catch (e) {
        done(new HttpError(400, 'invalid-json', `the body is ${jsonError(e)}`, { status: 'invalid', claimId: null, errors: [{ path: '', message: jsonError(e) }] }), undefined);
      }
    });
    scope.addContentTypeParser([X12, 'application/x12'], { parseAs: 'string' }, (_req, text, done) => done(null, new X12Body(text as string, opts.supplements ?? {})));
    register(['evaluate'])(scope);
  });
  void app.register(async (scope) => {
    scope.addContentTypeParser([...NDJSON_TYPES], (_req, payload, done) => done(null, payload));
    register(['batch'])(scope);
  });
  void app.register(async (scope) => register(['rulesets', 'healthz', 'readyz', 'metrics', 'openapi'])(scope));
  return app;
}

function notReady(): HttpError {
  return new HttpError(503, 'not-ready', 'no rulesets are loaded yet; /readyz says why');
}
