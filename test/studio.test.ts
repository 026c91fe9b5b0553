// The studio server's file API: it touches files inside the rulesets folder and nowhere else,
// refuses oversized bodies, wrong methods and malformed JSON with 4xx, writes atomically, answers
// a stale save with 409, and listens on 127.0.0.1 only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createStudio, versionOf, MAX_BODY_BYTES } from '../cli/studio.ts';

const dir = mkdtempSync(join(tmpdir(), 'studio-api-'));
const rulesets = join(dir, 'rulesets');
const outside = join(dir, 'outside');
let base = '';
const server = createStudio({ rulesetsDir: rulesets, staticDir: join(dir, 'static'), port: 0 });

beforeAll(async () => {
  mkdirSync(join(rulesets, 'p'), { recursive: true });
  mkdirSync(outside);
  mkdirSync(join(dir, 'static'));
  writeFileSync(join(dir, 'static', 'index.html'), '<html></html>');
  writeFileSync(join(rulesets, 'p', 'a.payer'), 'ruleset p "P"\n');
  writeFileSync(join(outside, 'secret.payer'), 'secret');
  symlinkSync(outside, join(rulesets, 'escape'));
  symlinkSync(join(outside, 'secret.payer'), join(rulesets, 'p', 'link.payer'));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const get = (path: string) => fetch(`${base}/api/file?path=${path}`);
const put = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) => fetch(`${base}/api/file`, { method: 'PUT', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('studio file API', () => {
  it('lists and reads files inside the rulesets folder, never through symlinks out', async () => {
    const files = ((await (await fetch(`${base}/api/files`)).json()) as { files: { path: string }[] }).files.map((f) => f.path);
    expect(files).toEqual(['p/a.payer']);
    const r = await get('p/a.payer');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ text: 'ruleset p "P"\n', version: versionOf('ruleset p "P"\n') });
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
  ])('GET %s → %i', async (path, status) => {
    expect((await get(path)).status).toBe(status);
  });

  it('saves atomically with the version it loaded, and answers 409 when the file changed', async () => {
    const v = versionOf('ruleset p "P"\n');
    const ok = await put({ path: 'p/a.payer', text: 'ruleset p "P2"\n', baseVersion: v });
    expect(ok.status).toBe(200);
    expect(readFileSync(join(rulesets, 'p', 'a.payer'), 'utf8')).toBe('ruleset p "P2"\n');
    expect(readdirSync(join(rulesets, 'p')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const stale = await put({ path: 'p/a.payer', text: 'mine', baseVersion: v });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ text: 'ruleset p "P2"\n', version: versionOf('ruleset p "P2"\n') });
    expect(readFileSync(join(rulesets, 'p', 'a.payer'), 'utf8')).toBe('ruleset p "P2"\n');
  });

  it('creates a new file only when it does not exist yet', async () => {
    expect((await put({ path: 'p/new.payer', text: 'x', baseVersion: null })).status).toBe(201);
    expect((await put({ path: 'p/new.payer', text: 'y', baseVersion: null })).status).toBe(409);
    expect((await put({ path: 'q/brand-new.cases.yaml', text: 'cases: []', baseVersion: null })).status).toBe(201);
  });

  it.each([
    ['traversal in a save', { path: '../outside/x.payer', text: 'x', baseVersion: null }, 403],
    ['absolute path in a save', { path: join(outside, 'x.payer'), text: 'x', baseVersion: null }, 403],
    ['symlinked folder in a save', { path: 'escape/x.payer', text: 'x', baseVersion: null }, 403],
    ['no text', { path: 'p/a.payer' }, 400],
  ])('%s → %i and nothing written', async (_n, body, status) => {
    expect((await put(body)).status).toBe(status);
    expect(readdirSync(outside)).toEqual(['secret.payer']);
  });

  it('refuses malformed JSON, non-JSON bodies, oversized bodies and wrong methods', async () => {
    expect((await put('{"path": ')).status).toBe(400);
    expect((await put('x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await put({ path: 'p/a.payer', text: 'x'.repeat(MAX_BODY_BYTES + 10), baseVersion: null })).status).toBe(413);
    expect((await fetch(`${base}/api/file?path=p/a.payer`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${base}/api/files`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/index.html`, { method: 'POST' })).status).toBe(405);
  });

  it('serves the editor only from its own folder', async () => {
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect((await fetch(`${base}/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });

  it('listens on 127.0.0.1 only', () => {
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
  });
});
