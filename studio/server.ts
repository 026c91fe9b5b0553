// The studio server: serves the editor and a small file API on 127.0.0.1 only. It answers only
// requests addressed to itself (Host 127.0.0.1, localhost or [::1] with its port: a DNS-rebinding
// page on another name is refused), refuses other sites (a foreign Origin or Sec-Fetch-Site), and
// a state-changing request must come from its own page (same Origin, or the per-launch token the
// page carries). Pages cannot be framed. Request bodies are bounded per request and in total.
// Routes and their inputs are one table of zod schemas.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { z } from 'zod';
import { HttpError, MAX_BODY_BYTES, listTargets, readTarget, resolveTarget, versionOf, writeTarget } from './files.ts';
import { NewVersionError } from './new-version.ts';
import { createNewVersion } from './versions.ts';
import { searchCode } from '../tables/index.ts';
import { studioTables, type StudioTables } from './tables.ts';
import { DiffBody, EvaluateBody, Refused, StudioChecks, TestsBody } from './evaluate.ts';
import { SaveCaseBody, saveCase } from './cases.ts';

export { MAX_BODY_BYTES, versionOf } from './files.ts';

/** Request bodies held in memory at once, across all requests (slow uploads cannot add up). */
export const MAX_BODIES_IN_FLIGHT = 32 * 1024 * 1024;
/** A request body must arrive within this time. */
export const BODY_TIMEOUT_MS = 20_000;

const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.png': 'image/png' };

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** File-system errors that mean something changed the folder under us (a race, not a bug). */
const RACED = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'EEXIST', 'EISDIR', 'ENOTEMPTY']);

/** The header the studio's page sends its per-launch token in. */
export const TOKEN_HEADER = 'x-studio-token';

const PathQuery = z.object({ path: z.string() });
const SaveBody = z.object({ path: z.string(), text: z.string(), baseVersion: z.string().nullable().optional() }).strict();
const NewVersionBody = z.object({ ruleset: z.string().min(1), version: z.string().min(1), effective: z.string().optional(), through: z.string().optional() }).strict();

interface Ctx {
  root: string;
  tables: StudioTables;
  checks: StudioChecks;
  url: URL;
  req: IncomingMessage;
  body: () => Promise<unknown>;
}

type Handler = (ctx: Ctx) => Promise<[number, unknown]> | [number, unknown];

/** The API: `METHOD /path` → handler. Anything else under /api/ is 404 (or 405 for a known path). */
const ROUTES: Record<string, Handler> = {
  // ?texts=1: every file's text too (up to MAX_LISTED_TEXT), so the page loads the folder in one request.
  'GET /api/files': ({ root, url }) => [200, listTargets(root, { texts: url.searchParams.get('texts') === '1' })],
  'GET /api/file': ({ root, url }) => {
    const q = PathQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!q.success) throw new HttpError(400, 'a file path is required');
    const buf = readTarget(resolveTarget(root, q.data.path));
    if (!buf) throw new HttpError(404, 'no such file');
    const text = buf.toString('utf8');
    return [200, { path: q.data.path, text, version: versionOf(text) }];
  },
  'PUT /api/file': async ({ root, body }) => {
    const b = parseWith(SaveBody, await body(), 'send {path, text, baseVersion}');
    const t = resolveTarget(root, b.path);
    // From here to the write nothing awaits: concurrent saves of one file are decided one at a time.
    const cur = readTarget(t, MAX_BODY_BYTES)?.toString('utf8');
    const base = b.baseVersion ?? null;
    if (cur !== undefined && base !== versionOf(cur)) return [409, { error: 'the file changed on disk since you opened it', path: b.path, text: cur, version: versionOf(cur) }];
    if (cur === undefined && base !== null) return [409, { error: 'the file was deleted on disk since you opened it', path: b.path, text: null, version: null }];
    writeTarget(root, t, b.text);
    return [cur === undefined ? 201 : 200, { path: b.path, version: versionOf(b.text) }];
  },
  'GET /api/tables': ({ tables }) => {
    const { set, status } = tables.current();
    if (!set || !status.available) return [200, { tables: [], note: `reference tables unavailable: ${status.available ? '' : status.why}` }];
    return [200, { tables: set.tables().map((t) => ({ ...t, releases: set.releases(t.table) })) }];
  },
  'GET /api/tables/search': ({ tables, url }) => {
    const code = url.searchParams.get('code') ?? '';
    if (!/^[A-Za-z0-9.]{1,10}$/.test(code)) throw new HttpError(400, 'search for one code: letters, digits and dots, up to 10 characters');
    const { set, status } = tables.current();
    if (!set || !status.available) return [200, { code, hits: [], note: `reference tables unavailable: ${status.available ? '' : status.why}` }];
    return [200, searchCode(set, code, 200)];
  },
  // Claims checked with the reference tables, as `payer-rules eval` / `test` / `diff` check them (evaluate.ts).
  // A check the person must fix something for first answers 200 with { error } (Refused).
  'POST /api/evaluate': async ({ checks, body }) => refusable(checks.evaluate(parseWith(EvaluateBody, await body(), 'send {jobs: [{lineNo, value}], buffers?}'))),
  'POST /api/tests': async ({ checks, body }) => refusable(checks.tests(parseWith(TestsBody, await body(), 'send {path, text}'))),
  'POST /api/diff': async ({ checks, body }) => refusable(checks.diff(parseWith(DiffBody, await body(), 'send {path, text, against}'))),
  // Save as a test case: de-identified here (deidentify.ts), whatever the page sent.
  'POST /api/cases': async ({ root, checks, body }) => saveCase(root, checks, parseWith(SaveCaseBody, await body(), 'send {path, baseVersion, name, claim, buffers?, run?}')),
  'POST /api/new-version': async ({ root, body }) => {
    const b = parseWith(NewVersionBody, await body(), 'send {ruleset, version}');
    let plan;
    try {
      plan = createNewVersion(root, b.ruleset, b.version, { ...(b.effective ? { effective: b.effective } : {}), ...(b.through ? { through: b.through } : {}) });
    } catch (e) {
      if (e instanceof NewVersionError) throw new HttpError(400, e.message);
      throw e;
    }
    return [201, { ...plan, writes: plan.writes.map((w) => ({ path: w.path, created: w.expect === null, version: versionOf(w.text) })) }];
  },
};

async function refusable(p: Promise<unknown>): Promise<[number, unknown]> {
  try {
    return [200, await p];
  } catch (e) {
    if (e instanceof Refused) return [200, { error: e.message }];
    throw e;
  }
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown, usage: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw new HttpError(400, `${usage}: ${r.error.issues[0]?.path.join('.') || 'body'} ${r.error.issues[0]?.message ?? ''}`.trim());
  return r.data;
}

export interface StudioOptions {
  rulesetsDir: string;
  staticDir: string;
  port: number;
  /** The per-launch token (random when not given). */
  token?: string;
  log?: (s: string) => void;
  /** Limits (tests lower them): body time, bytes buffered across requests. */
  bodyTimeoutMs?: number;
  maxBodiesInFlight?: number;
}

export interface Studio extends Server {
  /** The token the page carries for state-changing requests. */
  studioToken: string;
}

interface Budget {
  /** Bytes of request bodies currently buffered, across requests. */
  inFlight: number;
  max: number;
  timeoutMs: number;
}

function readJsonBody(req: IncomingMessage, budget: Budget): Promise<unknown> {
  return new Promise((ok, fail) => {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return fail(new HttpError(415, 'send JSON (content-type: application/json)'));
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return fail(new HttpError(413, `requests are limited to ${MAX_BODY_BYTES} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (e?: Error, v?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      budget.inFlight -= size;
      chunks.length = 0;
      req.removeListener('data', onData);
      if (e) {
        // Stop buffering but keep reading (and dropping) what is still coming, so the client gets
        // the error answer instead of a reset; the connection closes after the answer.
        req.resume();
        fail(e);
      } else ok(v);
    };
    const timer = setTimeout(() => finish(new HttpError(408, `the request body did not arrive within ${budget.timeoutMs / 1000} s`)), budget.timeoutMs);
    const onData = (c: Buffer) => {
      size += c.length;
      budget.inFlight += c.length;
      if (size > MAX_BODY_BYTES) return finish(new HttpError(413, `requests are limited to ${MAX_BODY_BYTES} bytes`));
      if (budget.inFlight > budget.max) return finish(new HttpError(503, 'the studio is receiving too much at once; try again'));
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (done) return;
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        finish(undefined, JSON.parse(text));
      } catch {
        finish(new HttpError(400, 'the request body is not valid JSON'));
      }
    });
    req.on('error', (e) => finish(e));
    req.on('close', () => finish(new HttpError(400, 'the request was cut off')));
  });
}

export function createStudio(opts: StudioOptions): Studio {
  const root = resolve(opts.rulesetsDir);
  const staticRoot = resolve(opts.staticDir);
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const budget: Budget = { inFlight: 0, max: opts.maxBodiesInFlight ?? MAX_BODIES_IN_FLIGHT, timeoutMs: opts.bodyTimeoutMs ?? BODY_TIMEOUT_MS };
  // Reference tables load on first use (rows on first lookup), and again when a release changes.
  const tables = studioTables(root);
  const checks = new StudioChecks(root, tables);
  const portOf = () => {
    const a = server.address();
    return typeof a === 'object' && a ? a.port : opts.port;
  };

  /** Who is asking: refuses other host names, other sites, and writes not from our page. */
  const guard = (req: IncomingMessage, isApi: boolean): void => {
    const port = portOf();
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    const host = String(req.headers.host ?? '').toLowerCase();
    if (!hosts.includes(host)) throw new HttpError(421, `this studio answers only at http://127.0.0.1:${port}/`);
    const origins = hosts.map((h) => `http://${h}`);
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.includes(origin.toLowerCase())) throw new HttpError(403, 'requests from other sites are refused');
    if (isApi && req.headers['sec-fetch-site'] === 'cross-site') throw new HttpError(403, 'requests from other sites are refused');
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      const sameOrigin = origin !== undefined && origins.includes(origin.toLowerCase());
      if (!sameOrigin && req.headers[TOKEN_HEADER] !== token) throw new HttpError(403, 'changes are accepted only from the studio page itself');
    }
  };

  const send = (res: ServerResponse, status: number, body: unknown, close = false) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...(close ? { connection: 'close' } : {}) });
    res.end(JSON.stringify(body));
  };

  const serveStatic = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'use GET');
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || rel === '') rel = '/index.html';
    if (rel.includes('\0')) throw new HttpError(404, 'not found');
    const full = resolve(staticRoot, '.' + rel);
    if (!full.startsWith(staticRoot + sep) || !existsSync(full) || !statSync(full).isFile()) throw new HttpError(404, 'not found');
    const real = realpathSync(full);
    if (!real.startsWith(realpathSync(staticRoot) + sep)) throw new HttpError(404, 'not found');
    let body: Buffer | string = readFileSync(real);
    if (rel === '/index.html') body = body.toString('utf8').replace('<head>', `<head>\n    <meta name="studio-token" content="${token}" />`);
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': MIME[extname(full)] ?? 'application/octet-stream', 'cache-control': rel === '/index.html' ? 'no-store' : 'max-age=3600' });
    res.end(method === 'HEAD' ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const isApi = url.pathname.startsWith('/api/');
    guard(req, isApi);
    if (!isApi) return serveStatic(req, res, url);
    const route = ROUTES[`${req.method} ${url.pathname}`];
    if (!route) {
      const known = Object.keys(ROUTES).filter((k) => k.endsWith(` ${url.pathname}`));
      if (known.length) throw new HttpError(405, `use ${known.map((k) => k.split(' ')[0]).join(' or ')}`);
      throw new HttpError(404, 'no such API');
    }
    const [status, body] = await route({ root, url, req, tables, checks, body: () => readJsonBody(req, budget) });
    send(res, status, body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return res.end();
      // An answer before the whole body was read closes the connection after it, and drops the
      // rest of the body without holding it.
      const early = !req.complete;
      if (early) {
        req.resume();
        res.on('finish', () => setTimeout(() => req.socket.destroy(), 2000).unref());
      }
      if (e instanceof HttpError) send(res, e.status, { error: e.message }, early);
      else if (e instanceof URIError) send(res, 400, { error: 'malformed path' }, early);
      else if (RACED.has((e as NodeJS.ErrnoException)?.code ?? '')) send(res, 409, { error: 'the file or its folder changed on disk while the studio was using it; reload and try again' }, early);
      else {
        // Only the error's class and code: messages may quote file contents or paths with claims.
        const err = e as NodeJS.ErrnoException;
        opts.log?.(`studio: internal error (${err?.name ?? 'Error'}${err?.code ? ` ${err.code}` : ''})`);
        send(res, 500, { error: 'internal error' }, early);
      }
    });
  }) as Studio;
  server.studioToken = token;
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  server.maxHeadersCount = 100;
  server.maxConnections = 1024;
  return server;
}
