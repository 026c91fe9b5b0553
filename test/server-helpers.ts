// Shared by the evaluation-service tests: a real service on 127.0.0.1 (an ephemeral port) over a
// copy of the shipped rulesets, its log lines captured, and small HTTP helpers.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest, type Agent } from 'node:http';
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

/**
 * One HTTP request with node:http (full control over headers and the body). `agent: false` opens a
 * connection of its own (the processes of `serve --processes N` take connections in turn).
 */
export function send(url: string, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; agent?: Agent | false }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(opts.path, url), { method: opts.method ?? 'GET', headers: opts.headers ?? {}, ...(opts.agent !== undefined ? { agent: opts.agent } : {}) }, (res) => {
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

export const postClaim = (url: string, claim: unknown, headers: Record<string, string> = {}, query = '', agent?: Agent | false) =>
  send(url, { method: 'POST', path: `/v1/evaluate${query}`, headers: { 'content-type': 'application/json', ...headers }, body: typeof claim === 'string' ? claim : JSON.stringify(claim), ...(agent !== undefined ? { agent } : {}) });

export const postBatch = (url: string, ndjson: string | Buffer, headers: Record<string, string> = {}, query = '') =>
  send(url, { method: 'POST', path: `/v1/evaluate/batch${query}`, headers: { 'content-type': 'application/x-ndjson', ...headers }, body: ndjson });

/** `payer-rules serve` as a real command (the way to run `--processes N`, which forks it). */
export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Its log lines (standard output, JSON), parsed, every process's. */
  logs: () => Record<string, unknown>[];
  stderr: () => string;
  /** The pid of the process that logged the request with this id. */
  pidOf: (requestId: string) => number | undefined;
  /** SIGTERM, then its exit code. */
  stop: () => Promise<number | null>;
}

export async function spawnServe(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/payer-rules.mjs'), 'serve', '--port', '0', '--poll', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    const parts = (rest + c).split('\n');
    rest = parts.pop()!;
    for (const l of parts) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 90_000);
    const look = () => {
      const m = /listening on (\S+)/.exec(err);
      if (m) return clearTimeout(timer), resolve(m[1]!);
      if (child.exitCode !== null) return clearTimeout(timer), reject(new Error(`serve exited ${child.exitCode}: ${err}`));
      setTimeout(look, 50);
    };
    look();
  });
  return {
    url,
    child,
    logs: () => lines,
    stderr: () => err,
    pidOf: (id) => lines.find((l) => l['reqId'] === id)?.['pid'] as number | undefined,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
