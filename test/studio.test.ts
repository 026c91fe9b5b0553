// The studio server behind a hostile browser, with real HTTP requests, real files and real
// processes: it answers only to its own host names and page, writes only rulesets, cases and
// claims files inside the rulesets folder (never package.json or dotfiles), never follows a link,
// never opens a FIFO, bounds request bodies per request and in total, and says so when its port
// is taken. The older guarantees stay: traversal refused in every encoding, one winner among
// concurrent saves, no prototype pollution.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createStudio, versionOf, MAX_BODY_BYTES, TOKEN_HEADER, type Studio } from '../studio/server.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'studio-api-'));
const rulesets = join(dir, 'rulesets');
const outside = join(dir, 'outside');
let base = '';
let origin = '';
const server: Studio = createStudio({ rulesetsDir: rulesets, staticDir: join(dir, 'static'), port: 0, bodyTimeoutMs: 1500, maxBodiesInFlight: 8 * 1024 * 1024 });

beforeAll(async () => {
  mkdirSync(join(rulesets, 'p', 'claims'), { recursive: true });
  mkdirSync(outside);
  mkdirSync(join(dir, 'static'));
  writeFileSync(join(dir, 'static', 'index.html'), '<html><head></head></html>');
  writeFileSync(join(rulesets, 'p', 'a.payer'), 'ruleset p "P"\n');
  writeFileSync(join(rulesets, 'p', 'claims', 'sample.json'), '[]');
  writeFileSync(join(outside, 'secret.payer'), 'secret');
  symlinkSync(outside, join(rulesets, 'escape'));
  symlinkSync(join(outside, 'secret.payer'), join(rulesets, 'p', 'link.payer'));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  origin = base;
});

afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const get = (path: string) => fetch(`${base}/api/file?path=${path}`);
const put = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json', origin }) => fetch(`${base}/api/file`, { method: 'PUT', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** A raw request, for headers fetch will not let us set (Host) or bodies it will not send (chunked, slow). */
function raw(opts: { method?: string; path: string; headers?: Record<string, string>; body?: (write: (s: string | Buffer) => boolean) => Promise<void> }): Promise<{ status: number; headers: Record<string, unknown>; body: string } | { error: string }> {
  return new Promise((ok) => {
    const u = new URL(base);
    const req = request({ host: u.hostname, port: u.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers ?? {} }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body: b }));
      res.on('error', (e) => ok({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    });
    req.on('error', (e) => ok({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    if (opts.body) void opts.body((s) => req.write(s)).then(() => req.end(), () => undefined);
    else req.end();
  });
}

describe('the file API', () => {
  it('lists and reads the files it handles, never through symlinks out', async () => {
    const r = (await (await fetch(`${base}/api/files`)).json()) as { files: { path: string }[]; warnings: string[] };
    expect(r.files.map((f) => f.path)).toEqual(['p/a.payer', 'p/claims/sample.json']);
    expect(r.warnings.join('\n')).toContain('escape: skipped, a symbolic link');
    const a = await get('p/a.payer');
    expect(a.status).toBe(200);
    expect(await a.json()).toMatchObject({ text: 'ruleset p "P"\n', version: versionOf('ruleset p "P"\n') });
  });

  it.each([
    ['..%2Foutside%2Fsecret.payer', 403],
    ['%2e%2e/outside/secret.payer', 403],
    ['p/..%2F..%2Foutside%2Fsecret.payer', 403],
    [encodeURIComponent(join(outside, 'secret.payer')), 403],
    ['escape/secret.payer', 403],
    ['p/link.payer', 403],
    ['p/a.txt', 403],
    ['p%5C..%5Ca.payer', 403],
    ['p/missing.payer', 404],
    ['', 400],
  ])('traversal in every encoding: GET %s → %i', async (path, status) => {
    expect((await get(path)).status).toBe(status);
  });

  it('saves with the version it loaded, and answers 409 when the file changed', async () => {
    const v = versionOf('ruleset p "P"\n');
    expect((await put({ path: 'p/a.payer', text: 'ruleset p "P2"\n', baseVersion: v })).status).toBe(200);
    expect(readFileSync(join(rulesets, 'p', 'a.payer'), 'utf8')).toBe('ruleset p "P2"\n');
    expect(readdirSync(join(rulesets, 'p')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const stale = await put({ path: 'p/a.payer', text: 'mine', baseVersion: v });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ text: 'ruleset p "P2"\n', version: versionOf('ruleset p "P2"\n') });
  });

  it('creates a file only when it does not exist yet, in new folders too', async () => {
    expect((await put({ path: 'p/new.payer', text: 'x', baseVersion: null })).status).toBe(201);
    expect((await put({ path: 'p/new.payer', text: 'y', baseVersion: null })).status).toBe(409);
    expect((await put({ path: 'q/brand-new.cases.yaml', text: 'cases: []', baseVersion: null })).status).toBe(201);
    expect((await put({ path: 'q/claims/batch.ndjson', text: '{}\n', baseVersion: null })).status).toBe(201);
  });

  it('300 concurrent saves of one file: one winner, 299 conflicts', async () => {
    const v = versionOf(readFileSync(join(rulesets, 'p', 'a.payer'), 'utf8'));
    const rs = await Promise.all(Array.from({ length: 300 }, (_, i) => put({ path: 'p/a.payer', text: `# save ${i}\n`, baseVersion: v })));
    const codes = rs.map((r) => r.status);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(299);
    expect(readFileSync(join(rulesets, 'p', 'a.payer'), 'utf8')).toMatch(/^# save \d+\n$/);
  });

  it('no prototype pollution: a body with __proto__ or constructor keys is refused', async () => {
    for (const body of ['{"path":"p/z.payer","text":"x","baseVersion":null,"__proto__":{"polluted":true}}', '{"path":"p/z.payer","text":"x","baseVersion":null,"constructor":{"prototype":{"polluted":true}}}']) {
      expect((await put(body)).status).toBe(400);
    }
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(existsSync(join(rulesets, 'p', 'z.payer'))).toBe(false);
  });

  it.each([
    ['traversal in a save', { path: '../outside/x.payer', text: 'x', baseVersion: null }, 403],
    ['absolute path in a save', { path: join(outside, 'x.payer'), text: 'x', baseVersion: null }, 403],
    ['symlinked folder in a save', { path: 'escape/x.payer', text: 'x', baseVersion: null }, 403],
    ['symlink at the final name in a save', { path: 'p/link.payer', text: 'x', baseVersion: versionOf('secret') }, 403],
    ['no text', { path: 'p/a.payer' }, 400],
  ])('%s → %i and nothing written outside', async (_n, body, status) => {
    expect((await put(body)).status).toBe(status);
    expect(readdirSync(outside)).toEqual(['secret.payer']);
    expect(readFileSync(join(outside, 'secret.payer'), 'utf8')).toBe('secret');
  });

  it('refuses malformed JSON, non-JSON bodies, oversized bodies and wrong methods', async () => {
    expect((await put('{"path": ')).status).toBe(400);
    expect((await put('x', { 'content-type': 'text/plain', origin })).status).toBe(415);
    expect((await put({ path: 'p/a.payer', text: 'x'.repeat(MAX_BODY_BYTES + 10), baseVersion: null })).status).toBe(413);
    expect((await fetch(`${base}/api/file?path=p/a.payer`, { method: 'DELETE', headers: { origin } })).status).toBe(405);
    expect((await fetch(`${base}/api/files`, { method: 'POST', headers: { origin } })).status).toBe(405);
    expect((await fetch(`${base}/index.html`, { method: 'POST', headers: { origin } })).status).toBe(405);
  });

  it('serves the editor only from its own folder, with the per-launch token in the page', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<meta name="studio-token" content="${server.studioToken}" />`);
    expect((await fetch(`${base}/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });

  it('listens on 127.0.0.1 only', () => {
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
  });
});

describe('DNS rebinding and other sites (issue 10, item 1)', () => {
  const port = () => (server.address() as AddressInfo).port;

  it.each([
    ['GET', '/api/files'],
    ['GET', '/api/file?path=p/a.payer'],
    ['GET', '/'],
  ])('a rebinding page (Host attacker.example) cannot %s %s', async (method, path) => {
    const r = await raw({ method, path, headers: { host: `attacker.example:${port()}` } });
    expect('status' in r && r.status).toBe(421);
  });

  it('a rebinding page cannot write either, and nothing is written', async () => {
    const body = JSON.stringify({ path: 'p/rebound.payer', text: 'x', baseVersion: null });
    const r = await raw({ method: 'PUT', path: '/api/file', headers: { host: `attacker.example:${port()}`, origin: `http://attacker.example:${port()}`, 'content-type': 'application/json', 'content-length': String(body.length) }, body: async (w) => void w(body) });
    expect('status' in r && r.status).toBe(421);
    expect(existsSync(join(rulesets, 'p', 'rebound.payer'))).toBe(false);
  });

  it.each([`127.0.0.1`, `localhost`, `LOCALHOST`, `[::1]`])('Host %s with the studio port is answered', async (h) => {
    const r = await raw({ path: '/api/files', headers: { host: `${h}:${port()}` } });
    expect('status' in r && r.status).toBe(200);
  });

  it('Host 127.0.0.1 on another port, or with no port, is refused', async () => {
    for (const host of [`127.0.0.1:${port() + 1}`, '127.0.0.1', 'localhost']) {
      const r = await raw({ path: '/api/files', headers: { host } });
      expect('status' in r && r.status, host).toBe(421);
    }
  });

  it('another site (foreign Origin or Sec-Fetch-Site: cross-site) can neither read nor write', async () => {
    expect((await fetch(`${base}/api/files`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await fetch(`${base}/api/files`, { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await put({ path: 'p/evil.payer', text: 'x', baseVersion: null }, { 'content-type': 'application/json', origin: 'https://evil.example' })).status).toBe(403);
    expect((await put({ path: 'p/evil.payer', text: 'x', baseVersion: null }, { 'content-type': 'application/json', origin: 'null' })).status).toBe(403);
    expect(existsSync(join(rulesets, 'p', 'evil.payer'))).toBe(false);
  });

  it('a write with neither the page Origin nor the launch token is refused; with the token it is accepted', async () => {
    expect((await put({ path: 'p/tok.payer', text: 'x', baseVersion: null }, { 'content-type': 'application/json' })).status).toBe(403);
    expect((await put({ path: 'p/tok.payer', text: 'x', baseVersion: null }, { 'content-type': 'application/json', [TOKEN_HEADER]: 'wrong' })).status).toBe(403);
    expect(existsSync(join(rulesets, 'p', 'tok.payer'))).toBe(false);
    expect((await put({ path: 'p/tok.payer', text: 'x', baseVersion: null }, { 'content-type': 'application/json', [TOKEN_HEADER]: server.studioToken })).status).toBe(201);
  });

  it('pages and answers forbid framing (frame-ancestors none, X-Frame-Options DENY)', async () => {
    for (const path of ['/', '/api/files', '/api/nothing']) {
      const r = await fetch(`${base}${path}`);
      expect(r.headers.get('x-frame-options'), path).toBe('DENY');
      expect(r.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });
});

describe('only rulesets, cases and claims files, even when --rulesets is a project root', () => {
  const project = join(dir, 'project');
  let srv: Studio;
  let url = '';
  beforeAll(async () => {
    mkdirSync(join(project, 'src'), { recursive: true });
    mkdirSync(join(project, 'acme'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{"name":"x"}');
    writeFileSync(join(project, '.env'), 'SECRET=1');
    writeFileSync(join(project, 'src', 'index.ts'), 'export {}');
    writeFileSync(join(project, 'acme', '2026.payer'), 'ruleset acme "A"\n');
    srv = createStudio({ rulesetsDir: project, staticDir: join(dir, 'static'), port: 0 });
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => srv.close(() => ok())));
  const save = (path: string) => fetch(`${url}/api/file`, { method: 'PUT', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ path, text: 'pwned', baseVersion: null }) });

  it('lists only the ruleset', async () => {
    const r = (await (await fetch(`${url}/api/files`)).json()) as { files: { path: string }[] };
    expect(r.files.map((f) => f.path)).toEqual(['acme/2026.payer']);
  });

  it.each([
    ['package.json', 403],
    ['src/index.ts', 403],
    ['acme/notes.json', 403],
    ['tsconfig.json', 403],
    ['.env', 400],
    ['.hidden.payer', 400],
    ['acme/.git/config.payer', 400],
    ['acme/.x.cases.yaml', 400],
  ])('never writes %s (%i)', async (path, status) => {
    expect((await save(path)).status).toBe(status);
    expect(readFileSync(join(project, 'package.json'), 'utf8')).toBe('{"name":"x"}');
    expect(readFileSync(join(project, '.env'), 'utf8')).toBe('SECRET=1');
  });

  it('reads neither package.json nor dotfiles', async () => {
    expect((await fetch(`${url}/api/file?path=package.json`)).status).toBe(403);
    expect((await fetch(`${url}/api/file?path=.env`)).status).toBe(400);
  });
});

describe('files that are not regular files, and names that lie (issue 10, item 9)', () => {
  const odd = join(dir, 'odd');
  let srv: Studio;
  let url = '';
  beforeAll(async () => {
    mkdirSync(join(odd, 'p'), { recursive: true });
    writeFileSync(join(odd, 'p', 'ok.payer'), 'ruleset p "P"\n');
    execFileSync('mkfifo', [join(odd, 'p', 'fifo.payer')]);
    symlinkSync(join(odd, 'p', 'missing.payer'), join(odd, 'p', 'dangling.payer'));
    symlinkSync(join(odd, 'p', 'loop-b.payer'), join(odd, 'p', 'loop-a.payer'));
    symlinkSync(join(odd, 'p', 'loop-a.payer'), join(odd, 'p', 'loop-b.payer'));
    symlinkSync(join(odd, 'p'), join(odd, 'p', 'self'));
    writeFileSync(join(odd, 'p', 'new\nline.payer'), 'x');
    writeFileSync(join(odd, 'p', 'evil\u202Ereyap.payer'), 'x');
    srv = createStudio({ rulesetsDir: odd, staticDir: join(dir, 'static'), port: 0 });
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => srv.close(() => ok())));

  it('lists the regular file and names every skipped entry in a warning, without freezing on the FIFO', async () => {
    const r = (await (await fetch(`${url}/api/files`, { signal: AbortSignal.timeout(5000) })).json()) as { files: { path: string }[]; warnings: string[] };
    expect(r.files.map((f) => f.path)).toEqual(['p/ok.payer']);
    const w = r.warnings.join('\n');
    expect(w).toContain('p/fifo.payer: skipped, not a regular file');
    expect(w).toContain('p/dangling.payer: skipped, a symbolic link');
    expect(w).toContain('p/loop-a.payer: skipped, a symbolic link');
    expect(w).toContain('p/self: skipped, a symbolic link');
    expect(w).toContain('p/new\\u{a}line.payer: skipped, its name has control or bidirectional-override characters');
    expect(w).toContain('p/evil\\u{202e}reyap.payer: skipped');
    expect(w).not.toMatch(/[\n\u202e]line|evil\u202e/);
  });

  it.each([
    ['p/fifo.payer', 400],
    ['p/dangling.payer', 403],
    ['p/loop-a.payer', 403],
    ['p/self/ok.payer', 403],
  ])('GET %s → %i at once', async (path, status) => {
    const r = await fetch(`${url}/api/file?path=${encodeURIComponent(path)}`, { signal: AbortSignal.timeout(5000) });
    expect(r.status).toBe(status);
  });

  it('a save onto a FIFO is refused without blocking', async () => {
    const r = await fetch(`${url}/api/file`, { method: 'PUT', signal: AbortSignal.timeout(5000), headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ path: 'p/fifo.payer', text: 'x', baseVersion: null }) });
    expect(r.status).toBe(400);
  });

  it.each([
    ['a newline', 'p/a\nb.payer'],
    ['a carriage return', 'p/a\rb.payer'],
    ['an escape character', 'p/a\u001b[31mb.payer'],
    ['a right-to-left override', 'p/evil\u202Ereyap.payer'],
    ['a left-to-right isolate', 'p/x\u2066y.payer'],
    ['a control character in a folder name', 'p\u0007/x.payer'],
  ])('a name with %s is refused (400) and not created', async (_n, path) => {
    const r = await fetch(`${url}/api/file`, { method: 'PUT', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ path, text: 'x', baseVersion: null }) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/control or bidirectional-override/);
  });
});

describe('request bodies are bounded (issue 10, item 10)', () => {
  it('an oversized chunked body gets 413, not a reset', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const r = await raw({
      method: 'PUT',
      path: '/api/file',
      headers: { 'content-type': 'application/json', origin, 'transfer-encoding': 'chunked' },
      body: async (w) => {
        for (let i = 0; i < 64; i++) if (!w(chunk)) await new Promise((ok) => setTimeout(ok, 1));
      },
    });
    expect(r).toMatchObject({ status: 413 });
  });

  it('an oversized declared Content-Length gets 413 before any byte is read', async () => {
    const r = await raw({ method: 'PUT', path: '/api/file', headers: { 'content-type': 'application/json', origin, 'content-length': String(MAX_BODY_BYTES * 50) }, body: async (w) => void w('{') });
    expect(r).toMatchObject({ status: 413 });
  });

  it('a body that stalls gets 408 after the body time limit', async () => {
    const r = await raw({ method: 'PUT', path: '/api/file', headers: { 'content-type': 'application/json', origin, 'content-length': '1000' }, body: async (w) => {
        w('{"path": "p/slow.payer", ');
        await new Promise<void>(() => undefined); // never sends the rest
      },
    });
    expect(r).toMatchObject({ status: 408 });
  });

  it('slow uploads together cannot hold more than the total budget: the excess gets 503, the studio keeps answering', async () => {
    // 8 MB budget in this server; 8 uploads of 1.5 MB each that stay open.
    const part = Buffer.alloc(1_500_000, 'a');
    const uploads = Array.from({ length: 8 }, () =>
      raw({ method: 'PUT', path: '/api/file', headers: { 'content-type': 'application/json', origin, 'content-length': String(part.length + 10) }, body: async (w) => void w(part) }),
    );
    const first = await Promise.race(uploads);
    expect(first).toMatchObject({ status: 503 });
    expect((await fetch(`${base}/api/files`)).status).toBe(200);
    const all = await Promise.all(uploads);
    // The rest time out (408) as their bodies never complete.
    expect(all.every((r) => 'status' in r && (r.status === 503 || r.status === 408))).toBe(true);
  });
});

describe('a symlink swapped between check and write (issue 10, item 2)', () => {
  it('racing saves against a process that swaps the folder and the file for links never write outside', async () => {
    const race = join(dir, 'race');
    const out = join(dir, 'race-outside');
    mkdirSync(join(race, 'p'), { recursive: true });
    mkdirSync(out);
    const swapper = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); const p = ${JSON.stringify(join(race, 'p'))}; const real = p + '-real'; const out = ${JSON.stringify(out)};
         fs.mkdirSync(real, { recursive: true }); const end = Date.now() + 6000;
         while (Date.now() < end) {
           try { fs.rmSync(p, { recursive: true, force: true }); fs.symlinkSync(out, p); } catch {}
           try { fs.unlinkSync(p); fs.mkdirSync(p); fs.symlinkSync(out + '/f.payer', p + '/f.payer'); } catch {}
         }`,
      ],
      { stdio: 'ignore' },
    );
    const srv = createStudio({ rulesetsDir: race, staticDir: join(dir, 'static'), port: 0 });
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    const statuses = new Map<number, number>();
    const deadline = Date.now() + 5000;
    let n = 0;
    while (Date.now() < deadline && n < 3000) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`${url}/api/file`, { method: 'PUT', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ path: `p/f${i % 2 ? '' : i}.payer`, text: 'raced', baseVersion: null }) }).then((r) => r.status),
        ),
      );
      for (const s of batch) statuses.set(s, (statuses.get(s) ?? 0) + 1);
      n += batch.length;
    }
    swapper.kill('SIGKILL');
    await new Promise<void>((ok) => srv.close(() => ok()));
    expect(readdirSync(out)).toEqual([]);
    expect(n).toBeGreaterThan(200);
    expect([...statuses.keys()].every((s) => [200, 201, 400, 403, 409].includes(s)), JSON.stringify([...statuses])).toBe(true);
  });
});

describe('payer-rules studio as a process', () => {
  it('a port already in use: says so, suggests --port, exits 2', async () => {
    const busy = createServer(() => undefined);
    await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
    const port = (busy.address() as AddressInfo).port;
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/payer-rules.mjs'), 'studio', '--port', String(port), '--rulesets', rulesets], { encoding: 'utf8', timeout: 120_000});
    busy.close();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`port ${port} is already in use`);
    expect(r.stderr).toContain('--port');
    expect(r.stderr).not.toContain('internal error');
  });
});
