// The OpenAPI 3.1 document, generated from the route table (server/routes.ts) and the zod schemas,
// the claim contract's among them (engine/claim-schema.ts). zod writes the JSON Schemas (draft
// 2020-12, the dialect of OpenAPI 3.1); this file only lays them out as paths and components.
import { z } from 'zod';
import { ROUTES, type RouteSpec } from './routes.ts';
import { components } from './schemas.ts';

const REF = '#/components/schemas/';
type Json = Record<string, unknown>;

/**
 * Drops what a component embedded in the document must not repeat ($schema, $id) and, for
 * responses, `additionalProperties: false`: responses describe what is sent today, and clients
 * must accept fields added later.
 */
function tidy(node: unknown, io: 'input' | 'output'): unknown {
  if (Array.isArray(node)) return node.map((n) => tidy(n, io));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$schema' || k === '$id' || (io === 'output' && k === 'additionalProperties' && v === false)) continue;
    out[k] = tidy(v, io);
  }
  return out;
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const id = components.get(schema)?.id;
  if (id) return { $ref: REF + id };
  const js = z.toJSONSchema(schema, { target: 'draft-2020-12', io, metadata: components, unrepresentable: 'any' }) as Json;
  // Named schemas zod lifted into $defs are the document's components: point there instead.
  delete js['$defs'];
  const text = JSON.stringify(js).replaceAll('"#/$defs/', `"${REF}`);
  return tidy(JSON.parse(text), io) as Json;
}

function componentSchemas(): Json {
  const inputs = z.toJSONSchema(components, { target: 'draft-2020-12', io: 'input', uri: (id) => REF + id, unrepresentable: 'any' }).schemas;
  const outputs = z.toJSONSchema(components, { target: 'draft-2020-12', io: 'output', uri: (id) => REF + id, unrepresentable: 'any' }).schemas;
  const out: Json = {};
  // The claim is read (input); everything else is written (output).
  for (const id of Object.keys(outputs)) out[id] = id === 'Claim' ? tidy(inputs[id], 'input') : tidy(outputs[id], 'output');
  return out;
}

function operation(r: RouteSpec): Json {
  const op: Json = { operationId: r.operationId, summary: r.summary, tags: [r.tag] };
  if (r.description) op['description'] = r.description;
  if (r.query) {
    op['parameters'] = Object.entries(r.query.shape).map(([name, s]) => {
      const js = schemaOf(s as z.ZodType, 'input');
      const p: Json = { name, in: 'query', required: !(s as z.ZodType).safeParse(undefined).success, schema: js };
      if (typeof js['description'] === 'string') p['description'] = js['description'];
      return p;
    });
  }
  if (r.body) op['requestBody'] = { required: true, content: Object.fromEntries(Object.entries(r.body).map(([type, s]) => [type, { schema: schemaOf(s, 'input') }])) };
  op['responses'] = Object.fromEntries(
    Object.entries(r.responses).map(([status, res]) => {
      const out: Json = { description: res.description };
      if (status === '429') out['headers'] = { 'Retry-After': { description: 'seconds until the key may send again', schema: { type: 'integer' } } };
      if (res.content) out['content'] = Object.fromEntries(Object.entries(res.content).map(([type, s]) => [type, { schema: schemaOf(s, 'output') }]));
      return [status, out];
    }),
  );
  if (r.auth) op['security'] = [{ bearerKey: [] }];
  return op;
}

/** The service's OpenAPI 3.1 document. */
export function openApiDocument(version: string): Json {
  const paths: Record<string, Json> = {};
  for (const r of Object.values(ROUTES) as RouteSpec[]) (paths[r.url] ??= {})[r.method.toLowerCase()] = operation(r);
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'payer-rules evaluation service',
      version,
      description:
        'Checks outpatient therapy claims (OT, PT, SLP) against payer rulesets. Reports carry claim ids, codes and findings, never patient data. Keys are sent as `Authorization: Bearer KEY`; a service started without keys listens on 127.0.0.1 only.',
    },
    tags: [
      { name: 'evaluation', description: 'claims in, reports out' },
      { name: 'rulesets', description: 'the rules being applied' },
      { name: 'operations', description: 'health, readiness, metrics' },
    ],
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: { bearerKey: { type: 'http', scheme: 'bearer', description: 'an API key from --api-keys or PAYER_RULES_API_KEYS' } },
    },
  };
}
