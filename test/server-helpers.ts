// Shared by the evaluation-service tests: a real service on 127.0.0.1 (an ephemeral port) over a
// copy of the shipped rulesets, its log lines captured, and small HTTP helpers.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseApiKeys } from '../server/api-keys.ts';
import { startService, type Service, type ServiceOptions } from '../server/index.ts';
import { ROOT } from './support.ts';

/** A copy of rulesets/ (the folder is named `rulesets`, so `extends` finds its bases as in the repository). */
export function copyRulesets(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'payer-rules-serve-')), 'rulesets');
  cpSync(join(ROOT, 'rulesets'), dir, { recursive: true, filter: (p) => !p.endsWith('.yaml') });
  return dir;
}

export interface TestService extends Service {
  logs: string[];
}

export async function startTestService(over: Partial<ServiceOptions> = {}): Promise<TestService> {
  const logStream = new PassThrough();
  const logs: string[] = [];
  let rest = '';
  logStream.on('data', (c: Buffer) => {
    const parts = (rest + c.toString('utf8')).split('\n');
    rest = parts.pop()!;
    logs.push(...parts);
  });
  const svc = await startService({
    rulesetsDir: over.rulesetsDir ?? join(ROOT, 'rulesets'),
    host: '127.0.0.1',
    port: 0,
    keys: parseApiKeys([], () => ''),
    rateLimitPerMinute: 0,
    bodyLimit: 1024 * 1024,
    maxBatchBytes: 0,
    batchThreads: 1,
    pollSeconds: 0,
    trustProxy: false,
    logLevel: 'info',
    logStream,
    ...over,
  });
  return Object.assign(svc, { logs });
}

/** The shipped sample claims (two Medicare claims: one clean, one with errors). */
export function sampleClaims(): Record<string, unknown>[] {
  return JSON.parse(readFileSync(join(ROOT, 'rulesets/medicare-part-b/claims/sample.json'), 'utf8')) as Record<string, unknown>[];
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any;
}

/** One HTTP request with node:http (full control over headers and the body). */
export function send(url: string, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(opts.path, url), { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export const postClaim = (url: string, claim: unknown, headers: Record<string, string> = {}, query = '') =>
  send(url, { method: 'POST', path: `/v1/evaluate${query}`, headers: { 'content-type': 'application/json', ...headers }, body: typeof claim === 'string' ? claim : JSON.stringify(claim) });

export const postBatch = (url: string, ndjson: string | Buffer, headers: Record<string, string> = {}, query = '') =>
  send(url, { method: 'POST', path: `/v1/evaluate/batch${query}`, headers: { 'content-type': 'application/x-ndjson', ...headers }, body: ndjson });
