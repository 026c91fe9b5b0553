// `payer-rules studio`: serves the editor and a small file API on 127.0.0.1 only. The API reads and
// writes files inside the rulesets folder and nowhere else: no `..`, no absolute paths, no symlink
// leading out; request bodies are capped; saves are atomic (temp file + rename) and refuse to
// overwrite a file that changed on disk since the editor loaded it (409 with the current text).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, realpathSync, renameSync, statSync, writeSync, unlinkSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;
const EDITABLE = /\.(payer|ya?ml|json|ndjson)$/;
const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.png': 'image/png' };

export function versionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Resolves a client path (relative to the rulesets root, `/` separated) to a real path inside the
 * root, or throws 400/403. For a file that does not exist yet, its folder must exist inside the root.
 */
export function safePath(root: string, rel: unknown): string {
  if (typeof rel !== 'string' || rel.length === 0 || rel.length > 500) throw new HttpError(400, 'a file path is required');
  if (rel.includes('\0') || rel.includes('\\') || rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) throw new HttpError(403, 'only paths inside the rulesets folder are allowed');
  const parts = rel.split('/');
  if (parts.some((p) => p === '..' || p === '.' || p === '' || p.startsWith('.'))) throw new HttpError(403, 'only paths inside the rulesets folder are allowed');
  if (!EDITABLE.test(rel)) throw new HttpError(403, 'only .payer, .yaml, .json and .ndjson files can be opened');
  const realRoot = realpathSync(root);
  const full = resolve(realRoot, ...parts);
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot + sep);
  if (!inside(full)) throw new HttpError(403, 'only paths inside the rulesets folder are allowed');
  // Symlinks: the real path of the file (or of its folder, for a new file) must stay inside.
  let probe = full;
  while (!existsSync(probe)) probe = dirname(probe);
  if (!inside(realpathSync(probe))) throw new HttpError(403, 'only paths inside the rulesets folder are allowed');
  if (existsSync(full) && !statSync(full).isFile()) throw new HttpError(400, 'that path is a folder');
  return full;
}

function listFiles(root: string): { path: string; version: string; size: number }[] {
  const realRoot = realpathSync(root);
  const out: { path: string; version: string; size: number }[] = [];
  const walk = (d: string, depth: number) => {
    if (depth > 6) return;
    for (const n of readdirSync(d).sort()) {
      if (n.startsWith('.')) continue;
      const p = join(d, n);
      let real: string;
      try {
        real = realpathSync(p);
      } catch {
        continue;
      }
      if (!(real === realRoot || real.startsWith(realRoot + sep))) continue;
      const st = statSync(real);
      if (st.isDirectory()) walk(p, depth + 1);
      else if (EDITABLE.test(n) && st.size <= MAX_BODY_BYTES) out.push({ path: relative(realRoot, p).split(sep).join('/'), version: versionOf(readFileSync(real, 'utf8')), size: st.size });
    }
  };
  walk(realRoot, 0);
  return out;
}

/** Writes through a temp file in the same folder, fsynced, then renamed over the target. */
export function atomicWrite(path: string, text: string): void {
  const tmp = join(dirname(path), `.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return reject(new HttpError(413, `requests are limited to ${MAX_BODY_BYTES} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `requests are limited to ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

export interface StudioOptions {
  rulesetsDir: string;
  staticDir: string;
  port: number;
  log?: (s: string) => void;
}

export function createStudio(opts: StudioOptions) {
  const root = resolve(opts.rulesetsDir);
  const staticRoot = resolve(opts.staticDir);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith('/api/')) {
      if (url.pathname === '/api/files') {
        if (method !== 'GET') throw new HttpError(405, 'use GET');
        return send(res, 200, { files: listFiles(root) });
      }
      if (url.pathname === '/api/file') {
        if (method === 'GET') {
          const full = safePath(root, url.searchParams.get('path'));
          if (!existsSync(full)) throw new HttpError(404, 'no such file');
          const text = readFileSync(full, 'utf8');
          return send(res, 200, { path: url.searchParams.get('path'), text, version: versionOf(text) });
        }
        if (method === 'PUT') {
          if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpError(415, 'send JSON');
          const raw = await readBody(req);
          let body: { path?: unknown; text?: unknown; baseVersion?: unknown };
          try {
            body = JSON.parse(raw);
          } catch {
            throw new HttpError(400, 'the request body is not valid JSON');
          }
          if (!body || typeof body !== 'object' || typeof body.text !== 'string') throw new HttpError(400, 'send {path, text, baseVersion}');
          const full = safePath(root, body.path);
          const exists = existsSync(full);
          const current = exists ? readFileSync(full, 'utf8') : undefined;
          const base = body.baseVersion ?? null;
          if (exists && base !== versionOf(current!)) return send(res, 409, { error: 'the file changed on disk since you opened it', path: body.path, text: current, version: versionOf(current!) });
          if (!exists && base !== null) return send(res, 409, { error: 'the file was deleted on disk since you opened it', path: body.path, text: null, version: null });
          if (!exists) mkdirSync(dirname(full), { recursive: true });
          atomicWrite(full, body.text);
          return send(res, exists ? 200 : 201, { path: body.path, version: versionOf(body.text) });
        }
        throw new HttpError(405, 'use GET or PUT');
      }
      throw new HttpError(404, 'no such API');
    }
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'use GET');
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || rel === '') rel = '/index.html';
    const full = resolve(staticRoot, '.' + rel);
    if (!(full.startsWith(staticRoot + sep)) || !existsSync(full) || !statSync(full).isFile()) throw new HttpError(404, 'not found');
    res.writeHead(200, { 'content-type': MIME[extname(full)] ?? 'application/octet-stream', 'cache-control': rel === '/index.html' ? 'no-store' : 'max-age=3600', 'x-content-type-options': 'nosniff' });
    res.end(method === 'HEAD' ? undefined : readFileSync(full));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return res.end();
      if (e instanceof HttpError) send(res, e.status, { error: e.message });
      else if (e instanceof URIError) send(res, 400, { error: 'malformed path' });
      else {
        opts.log?.(`studio: internal error: ${(e as Error).message}`);
        send(res, 500, { error: 'internal error' });
      }
    });
  });
  server.requestTimeout = 30_000;
  return server;
}
