// Checker goldens: each fixtures/check/**/*.payer → <name>.diagnostics.txt in TS-baseline layout.
// Files in one folder can extend each other. Shipped rulesets must check clean.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { check, rulesetLoader } from '../dsl/index.ts';
import type { SourceFile } from '../dsl/source.ts';
import { FIXTURES, FIXTURE_TABLES, baseline } from './golden.ts';

function payerFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...payerFiles(p));
    else if (n.endsWith('.payer')) out.push(p);
  }
  return out;
}

/** A loader over the .payer files of one folder. */
function folderLoader(dir: string, root: string): (id: string, day: number | undefined) => SourceFile | undefined {
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.payer'))
    .map((n) => ({ name: relative(root, join(dir, n)), text: readFileSync(join(dir, n), 'utf8') }));
  return rulesetLoader(files);
}

describe('checker goldens', () => {
  const root = join(FIXTURES, 'check');
  for (const path of payerFiles(root)) {
    const name = relative(root, path);
    it(name, async () => {
      const file = { name, text: readFileSync(path, 'utf8') };
      const res = check(file, { loadRuleset: folderLoader(join(path, '..'), root), tables: FIXTURE_TABLES });
      await expect(baseline(file, res.diagnostics)).toMatchFileSnapshot(path.replace(/\.payer$/, '.diagnostics.txt'));
    });
  }
});

describe('shipped rulesets', () => {
  const root = new URL('../rulesets/', import.meta.url).pathname;
  const all = payerFiles(root).map((p) => ({ name: relative(root, p), text: readFileSync(p, 'utf8') }));
  const load = rulesetLoader(all);
  for (const file of all) {
    it(`${file.name} checks clean`, () => {
      const res = check(file, { loadRuleset: load });
      expect(baseline(file, res.diagnostics)).not.toContain('!!!');
    });
  }
});
