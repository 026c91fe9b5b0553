// The OpenAPI document: valid OpenAPI 3.1 (checked with a validator built on the official
// schemas), the same routes the service really serves, and schemas that real answers satisfy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildApp } from '../server/app.ts';
import { parseApiKeys } from '../server/api-keys.ts';
import { createMetrics } from '../server/metrics.ts';
import type { RulesetStore } from '../server/rulesets.ts';
import { postBatch, postClaim, sampleClaims, send, startTestService, type TestService } from './server-helpers.ts';

let svc: TestService;
let doc: Record<string, any>;
beforeAll(async () => {
  svc = await startTestService();
  doc = (await send(svc.url, { path: '/openapi.json' })).json();
});
afterAll(() => svc.close());

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const res = await new Validator().validate(doc);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
  });

  it('lists exactly the routes the service registers', async () => {
    const app = buildApp(
      { keys: parseApiKeys([], () => ''), rateLimitPerMinute: 10, bodyLimit: 1024, maxBatchBytes: 0, trustProxy: false, logLevel: 'silent', version: '0' },
      { current: undefined, failure: undefined } as unknown as RulesetStore,
      createMetrics(),
    );
    const served: string[] = [];
    app.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD') served.push(`${m} ${r.url}`);
    });
    await app.ready();
    await app.close();
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(served.sort()).toEqual(documented.sort());
  });

  it('takes the claim schema from the claim contract, and marks which routes need a key', () => {
    const claim = doc.components.schemas.Claim;
    expect(claim.required).toEqual(expect.arrayContaining(['id', 'dateOfService', 'lines']));
    expect(claim.properties.lines.maxItems).toBe(50);
    expect(doc.paths['/v1/evaluate'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Claim' });
    expect(doc.paths['/v1/evaluate'].post.security).toEqual([{ bearerKey: [] }]);
    expect(doc.paths['/healthz'].get.security).toBeUndefined();
    expect(Object.keys(doc.paths['/v1/evaluate/batch'].post.requestBody.content)).toEqual(['application/x-ndjson']);
  });

  it('describes what the service really answers: reports, errors, listings and readiness validate against it', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema(doc, 'api');
    const check = (ref: string, value: unknown) => {
      const v = ajv.getSchema(`api#${ref}`)!;
      const ok = v(value);
      return ok ? [] : v.errors;
    };
    const op = (path: string, method: string, status: number) => `/paths/${path.replaceAll('/', '~1')}/${method}/responses/${status}/content/application~1json/schema`;
    const [clean, problems] = sampleClaims();
    expect(check(op('/v1/evaluate', 'post', 200), (await postClaim(svc.url, clean)).json())).toEqual([]);
    expect(check(op('/v1/evaluate', 'post', 200), (await postClaim(svc.url, problems, {}, '?explain=true')).json())).toEqual([]);
    expect(check(op('/v1/evaluate', 'post', 400), (await postClaim(svc.url, { id: 'X', lines: [] })).json())).toEqual([]);
    expect(check(op('/v1/rulesets', 'get', 200), (await send(svc.url, { path: '/v1/rulesets' })).json())).toEqual([]);
    expect(check(op('/readyz', 'get', 200), (await send(svc.url, { path: '/readyz' })).json())).toEqual([]);
    expect(check(op('/healthz', 'get', 200), (await send(svc.url, { path: '/healthz' })).json())).toEqual([]);
    const lines = (await postBatch(svc.url, [clean, problems, { id: 'BAD' }].map((c) => JSON.stringify(c)).join('\n'))).text.trimEnd().split('\n');
    for (const l of lines) expect(check('/components/schemas/Report', JSON.parse(l))).toEqual([]);
    // And the schema is not vacuous: a report missing its findings does not pass.
    expect(check('/components/schemas/ClaimReport', { ...JSON.parse(lines[0]!), findings: undefined })).not.toEqual([]);
  });
});
