// `payer-rules import` never replaces an existing release without `--replace` (new-user review,
// item 1): real processes, a store in a temporary folder, and the README's own import example run
// as written against a copy of the shipped tables.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/payer-rules.mjs');
const FIX = join(ROOT, 'test/fixtures/tables');
const tmp = mkdtempSync(join(tmpdir(), 'payer-rules-review-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every file of a folder tree with its bytes, to compare a store before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      const p = join(e.parentPath, e.name);
      out[p.slice(dir.length)] = readFileSync(p).toString('base64');
    }
  }
  return out;
}

describe('import refuses to replace an existing release unless --replace is given', () => {
  const into = join(tmp, 'store');
  const f1 = join(FIX, 'ccipra-v323r0-f1.txt');
  const f2 = join(FIX, 'ccipra-v323r0-f2.txt');

  it('first import of a release writes it (5 rows)', () => {
    const r = run(['import', 'ncci-ptp', f1, '--release', '2026-10-01', '--from', '2026-10-01', '--into', into]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('first release 2026-10-01 (5 rows)');
  });

  it('the same release again without --replace: exit 2, names the release, says --replace or another --release, store unchanged', () => {
    const before = snapshot(into);
    const r = run(['import', 'ncci-ptp', f2, '--release', '2026-10-01', '--from', '2026-10-01', '--into', into]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('cms-ncci-ptp-practitioner release 2026-10-01 already exists');
    expect(r.err).toContain('nothing was written');
    expect(r.err).toContain('--replace');
    expect(r.err).toContain('another --release');
    expect(snapshot(into)).toEqual(before);
  });

  it('a release named by the file itself (no --release) is refused the same way', () => {
    // Without --release the release is named after --from: the same 2026-10-01.
    const r = run(['import', 'ncci-ptp', f1, '--from', '2026-10-01', '--into', into]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('release 2026-10-01 already exists');
  });

  it('with --replace: replaced, and the report lists what was deleted against the release it replaced', () => {
    // f2 alone holds 3 rows, none of f1's 5: replacing deletes those 5 and adds 3.
    const r = run(['import', 'ncci-ptp', f2, '--release', '2026-10-01', '--from', '2026-10-01', '--into', into, '--replace']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('cms-ncci-ptp-practitioner: 2026-10-01 (5 rows) → 2026-10-01 (3 rows)');
    expect(r.out).toContain('3 added, 5 deleted, 0 modified, 0 unchanged');
  });

  it('another --release is written beside it, no --replace needed', () => {
    const r = run(['import', 'ncci-ptp', f1, f2, '--release', '2027-01-01', '--from', '2027-01-01', '--into', into]);
    expect(r.code).toBe(0);
    expect(readdirSync(join(into, 'cms-ncci-ptp-practitioner')).sort()).toEqual(['2026-10-01', '2027-01-01']);
  });
});

describe("the README's import example, run as written from a fresh clone, leaves the shipped tables as they are", () => {
  it('every shipped release is byte for byte unchanged afterwards', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const line = readme.split('\n').find((l) => l.startsWith('npx payer-rules import '));
    expect(line, 'README has an `npx payer-rules import` example').toBeDefined();
    const argv = line!.replace(/\s+#.*$/, '').trim().split(/\s+/).slice(2);
    // A fresh clone: the shipped tables where the README's command looks for them, and the release
    // file it names (our small v32.3 fixture under that name) in the working folder.
    const clone = join(tmp, 'clone');
    cpSync(join(ROOT, 'rulesets/tables'), join(clone, 'rulesets/tables'), { recursive: true });
    const file = argv.find((a) => /\.(txt|csv|zip)$/i.test(a))!;
    copyFileSync(join(FIX, 'ccipra-v323r0-f1.txt'), join(clone, file));
    const before = snapshot(join(clone, 'rulesets/tables'));
    const r = run(argv, clone);
    expect([0, 2]).toContain(r.code);
    const after = snapshot(join(clone, 'rulesets/tables'));
    for (const [path, bytes] of Object.entries(before)) expect(after[path], path).toBe(bytes);
  });
});
