// The service's routes: one table. The Fastify routes are registered from it (server/app.ts), the
// OpenAPI document is generated from it (server/openapi.ts), and a test checks that the two agree.
import { z } from 'zod';
import { ClaimSchema } from '../engine/claim-schema.ts';
import { ErrorSchema, ExplainQuerySchema, HealthSchema, ReadySchema, ReportSchema, RulesetsSchema } from './schemas.ts';

export const NDJSON = 'application/x-ndjson';
/** NDJSON media types the batch endpoint accepts. */
export const NDJSON_TYPES = [NDJSON, 'application/ndjson', 'application/jsonl'] as const;
export const X12 = 'application/edi-x12';

export interface Response {
  description: string;
  /** Media type → schema; none for a response without a body. */
  content?: Record<string, z.ZodType>;
}

export interface RouteSpec {
  method: 'GET' | 'POST';
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'evaluation' | 'rulesets' | 'operations';
  /** Needs `Authorization: Bearer KEY` when keys are configured. */
  auth: boolean;
  /** Counted against the key's rate limit. */
  rateLimited: boolean;
  query?: z.ZodObject;
  /** Media type → schema of the request body. */
  body?: Record<string, z.ZodType>;
  responses: Record<number, Response>;
}

const json = (schema: z.ZodType) => ({ 'application/json': schema });
const err = (description: string): Response => ({ description, content: json(ErrorSchema) });
const AUTH_ERRORS = { 401: err('no API key, or a key the service does not know'), 429: err('the key has used up its rate limit; `Retry-After` says when to try again') };

export const ROUTES = {
  evaluate: {
    method: 'POST',
    url: '/v1/evaluate',
    operationId: 'evaluateClaim',
    summary: 'Evaluate one claim',
    description:
      'Checks one claim against the ruleset for its payer and date of service and returns its report. The report carries the ruleset version and content hash it used. The claim is JSON (the Claim schema) or an X12 837P (005010X222A1) interchange holding exactly one claim; an 837P has no treatment minutes, so timed units are reported as not checkable. The notes of the 837P reader (a payer id no ruleset maps, missing minutes) are in the `input` of the report, as `payer-rules eval` gives them; a line of `payer-rules convert` output is read as its claim.',
    tag: 'evaluation',
    auth: true,
    rateLimited: true,
    query: ExplainQuerySchema,
    body: { ...json(ClaimSchema), [X12]: z.string().describe('an 837P interchange (ISA … IEA) holding one claim') },
    responses: {
      200: { description: 'the claim\'s report (status clean, warnings or errors)', content: json(ReportSchema) },
      400: err('the body is not JSON, or the claim is not valid: `errors` lists each bad field with its JSON path (for an 837P, its segment and element)'),
      ...AUTH_ERRORS,
      413: err('the body is larger than the limit for one claim'),
      415: err('the body is neither application/json nor application/edi-x12'),
      503: err('no rulesets are loaded yet (see /readyz)'),
    },
  },
  batch: {
    method: 'POST',
    url: '/v1/evaluate/batch',
    operationId: 'evaluateBatch',
    summary: 'Evaluate claims streamed as NDJSON',
    description:
      'One claim (the Claim schema) per line in; one report (the Report schema) per line out, in input order, streamed as they are ready. Memory stays bounded whatever the size of the upload. A line that is not a valid claim, or repeats an earlier claim id, gets an `invalid` report in its place. A line of `payer-rules convert` output (`{"claim": …, "diagnostics": […]}`) is read as its claim, its reader notes as the `input` of the report, so a converted 837P or CSV file (written with `--with-patient-data`; a line whose patient data was withheld is refused, JSON-WITHHELD) can be sent as is. The whole batch uses one ruleset set, even when a new one is swapped in meanwhile.',
    tag: 'evaluation',
    auth: true,
    rateLimited: true,
    query: ExplainQuerySchema,
    body: { [NDJSON]: z.string().describe('claims, one JSON object per line (see the Claim schema)') },
    responses: {
      200: { description: 'reports, one JSON object per line (see the Report schema), in input order', content: { [NDJSON]: z.string() } },
      400: err('the query is not valid'),
      ...AUTH_ERRORS,
      413: err('the declared body is larger than the batch limit'),
      415: err('the body is not NDJSON'),
      503: err('no rulesets are loaded yet (see /readyz)'),
    },
  },
  rulesets: {
    method: 'GET',
    url: '/v1/rulesets',
    operationId: 'listRulesets',
    summary: 'The rulesets being served',
    description: 'Ids, versions, effective windows and content hashes of the set in use.',
    tag: 'rulesets',
    auth: true,
    rateLimited: true,
    responses: { 200: { description: 'the set in use', content: json(RulesetsSchema) }, ...AUTH_ERRORS, 503: err('no rulesets are loaded yet') },
  },
  healthz: {
    method: 'GET',
    url: '/healthz',
    operationId: 'health',
    summary: 'Liveness: the process answers',
    tag: 'operations',
    auth: false,
    rateLimited: false,
    responses: { 200: { description: 'alive', content: json(HealthSchema) } },
  },
  readyz: {
    method: 'GET',
    url: '/readyz',
    operationId: 'ready',
    summary: 'Readiness: rulesets compiled and loaded',
    description: '200 once a set is loaded. When a later change to the folder has errors, the previous set keeps serving: still 200, with `stale: true` and the problems.',
    tag: 'operations',
    auth: false,
    rateLimited: false,
    responses: { 200: { description: 'ready', content: json(ReadySchema) }, 503: { description: 'not ready: no set loaded yet, or shutting down', content: json(ReadySchema) } },
  },
  metrics: {
    method: 'GET',
    url: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    description: 'Requests, latency, claims by status, ruleset reloads and errors, in the Prometheus text format. Needs a key when keys are configured.',
    tag: 'operations',
    auth: true,
    rateLimited: false,
    responses: { 200: { description: 'the metrics', content: { 'text/plain; version=0.0.4': z.string() } }, 401: AUTH_ERRORS[401] },
  },
  openapi: {
    method: 'GET',
    url: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    tag: 'operations',
    auth: false,
    rateLimited: false,
    responses: { 200: { description: 'the OpenAPI 3.1 document', content: json(z.record(z.string(), z.unknown())) } },
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;
