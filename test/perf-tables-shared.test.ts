// eval's worker threads share one in-memory copy of each table release (tables/store.ts
// sharedCacheReader, handed out by cli/eval.ts): pinned here as structure and equality, never time.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listReleases, readReleaseRows, sharedCacheReader } from '../tables/store.ts';
import { writeNormalized } from '../tables/normalized.ts';
import { generateClaim, rng } from '../bench/generate.ts';
import { ROOT } from './support.ts';

const DIR = join(ROOT, 'rulesets/tables');
const releases = listReleases(DIR);

describe('table releases shared across threads', () => {
  it.each(releases.map((r) => ({ name: `${r.manifest.table} ${r.manifest.release}`, ...r })))('$name: one SharedArrayBuffer copy, read once, the same rows as the cache file', ({ manifest, path }) => {
    const read = sharedCacheReader();
    const a = read(manifest, path);
    expect(a?.buffer).toBeInstanceOf(SharedArrayBuffer);
    // Asked again (another worker): the same bytes, not a second copy.
    expect(read(manifest, path)).toBe(a);
    const shared = readReleaseRows(path, manifest, () => a);
    expect(shared.length).toBe(manifest.rows);
    expect(writeNormalized(shared)).toBe(writeNormalized(readReleaseRows(path, manifest)));
  });

  it('eval with 2 worker threads (sharing the releases) gives the bytes of 1 thread', () => {
    const dir = mkdtempSync(join(tmpdir(), 'payer-rules-shared-'));
    try {
      const r = rng(4242);
      const file = join(dir, 'claims.ndjson');
      writeFileSync(file, Array.from({ length: 3000 }, (_, i) => JSON.stringify(generateClaim(r, i))).join('\n') + '\n');
      const run = (workers: string) => spawnSync(process.execPath, [join(ROOT, 'bin/payer-rules.mjs'), 'eval', '--ruleset', join(ROOT, 'rulesets'), '--workers', workers, file], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 180_000 });
      const one = run('1');
      const two = run('2');
      expect(one.status).toBe(1);
      expect(two.status).toBe(1);
      expect(two.stdout.split('\n').length).toBe(3001);
      expect(two.stdout).toBe(one.stdout);
      // The table checks ran in the workers (not "not checked" for want of tables).
      expect(two.stdout).toContain('"kind":"ncci-bundled"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
