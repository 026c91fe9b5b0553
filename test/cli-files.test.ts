// Files a command meets that are not what they seem: FIFOs, sockets, dangling links and link loops
// under a rulesets folder are skipped with a warning naming them (never a hang, never exit 70);
// names with control characters, line breaks or bidi overrides are printed escaped; `compile -o` and
// `fmt --write` write through an exclusive temporary file and never through a symbolic link.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'payer-rules-files-'));
const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('non-regular files under a rulesets folder', () => {
  const d = tmp();
  const rs = join(d, 'rulesets');
  cpSync(join(ROOT, 'rulesets'), rs, { recursive: true });
  const m = join(rs, 'medicare-part-b');
  spawnSync('mkfifo', [join(m, 'pipe.payer')]);
  symlinkSync(join(d, 'nowhere.payer'), join(m, 'dangling.payer'));
  symlinkSync('loop.payer', join(m, 'loop.payer'));
  symlinkSync('..', join(m, 'up')); // a folder link back up: walked once
  symlinkSync(join(d, 'nowhere.cases.yaml'), join(m, 'dangling.cases.yaml'));
  const sock = createServer();
  servers.push(sock);
  const ready = new Promise<void>((ok) => sock.listen(join(m, 'sock.payer'), ok));

  it.each([
    ['check', () => ['check', rs]],
    ['eval', () => ['eval', '--ruleset', rs, '--format', 'ndjson', join(ROOT, 'examples/claims.json')]],
    ['test', () => ['test', rs]],
  ])('%s skips each with a warning naming it, and runs on the rest', async (_c, argv) => {
    await ready;
    const r = await run(argv());
    expect(r.code).not.toBe(70);
    expect(r.code).toBeLessThanOrEqual(1);
    for (const [name, why] of [['pipe.payer', 'FIFO'], ['dangling.payer', 'dangling symbolic link'], ['loop.payer', 'symbolic link loop'], ['sock.payer', 'socket']] as const) {
      expect(r.err).toMatch(new RegExp(`skipped \\S*medicare-part-b/${name.replace('.', '\\.')}: .*${why}`));
    }
  });
});

describe('a port already in use', () => {
  it('studio says so and suggests --port, exit 2 (not an internal error)', async () => {
    const busy = createServer();
    servers.push(busy);
    await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
    const port = (busy.address() as { port: number }).port;
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/payer-rules.mjs'), 'studio', '--port', String(port), '--rulesets', join(ROOT, 'rulesets')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`port ${port} is already in use.*--port`));
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe('file names printed escaped', () => {
  it('a ruleset named with a line break and a right-to-left override shows as escapes, on one line', async () => {
    const d = tmp();
    const name = 'evil\nname\u202etxt.payer';
    writeFileSync(join(d, name), 'ruleset bad "Bad"\nversion 1 effective 2026-02-30\n');
    const r = await run(['check', d]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('evil\\nname\\u202etxt.payer:2:');
    expect(r.out).not.toContain('\u202e');
    expect(r.out.split('\n').filter((l) => l.includes('PR2010'))).toHaveLength(1);
  });
});

describe('writing files', () => {
  const medicare = join(ROOT, 'rulesets/medicare-part-b/2026.payer');
  // A ruleset of our own with formatting drift (`fmt` writes `codes a = 97110`).
  const DRIFT = 'ruleset tiny "Tiny"\nversion 1 effective 2026-01-01\ncodes   a=97110\n';

  it('compile -o refuses a symbolic link as the output and leaves its target untouched', async () => {
    const d = tmp();
    writeFileSync(join(d, 'victim.txt'), 'keep me\n');
    symlinkSync(join(d, 'victim.txt'), join(d, 'out.json'));
    const r = await run(['compile', medicare, '-o', join(d, 'out.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/out\.json: it is a symbolic link/);
    expect(readFileSync(join(d, 'victim.txt'), 'utf8')).toBe('keep me\n');
  });

  it('compile -o writes the file whole, with no temporary file left beside it', async () => {
    const d = tmp();
    const r = await run(['compile', medicare, '-o', join(d, 'out.json')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(d, 'out.json'), 'utf8')).ruleset.id).toBe('medicare-part-b');
    expect(readdirSync(d)).toEqual(['out.json']);
  });

  it('fmt --write keeps the file\'s permissions and leaves nothing else behind', async () => {
    const d = tmp();
    const f = join(d, 'r.payer');
    writeFileSync(f, DRIFT);
    chmodSync(f, 0o640);
    const r = await run(['fmt', '--write', f]);
    expect(r.code).toBe(0);
    expect(readFileSync(f, 'utf8')).toContain('codes a = 97110');
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(readdirSync(d)).toEqual(['r.payer']);
    expect(existsSync(join(d, `.r.payer.${process.pid}.tmp`))).toBe(false);
  });

  it('fmt --write on a symbolic link refuses rather than replacing the link or writing through it', async () => {
    const d = tmp();
    writeFileSync(join(d, 'real.payer'), DRIFT);
    symlinkSync(join(d, 'real.payer'), join(d, 'link.payer'));
    const before = readFileSync(join(d, 'real.payer'), 'utf8');
    const r = await run(['fmt', '--write', join(d, 'link.payer')]);
    expect(r.code).toBe(2);
    expect(readFileSync(join(d, 'real.payer'), 'utf8')).toBe(before);
  });
});
