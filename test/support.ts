// Shared test helpers: the shipped rulesets, compiled once.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyze, rulesetLoader } from '../dsl/index.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';

export const ROOT = new URL('../', import.meta.url).pathname;

export function walk(d: string, ext: string): string[] {
  return readdirSync(d)
    .sort()
    .flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n), ext) : n.endsWith(ext) ? [join(d, n)] : []));
}

import { tablesFor } from '../workspace/tables.ts';
import type { TableProvider } from '../engine/tables.ts';

let cache: CompiledRuleset[] | undefined;

/** Every shipped ruleset, compiled (names relative to the project root, as the CLI shows them). */
export function shippedRulesets(): CompiledRuleset[] {
  if (cache) return cache;
  const files = walk(join(ROOT, 'rulesets'), '.payer').map((p) => ({ name: relative(ROOT, p), text: readFileSync(p, 'utf8') }));
  const load = rulesetLoader(files);
  const tables = shippedTables().tables();
  cache = files.map((f) => {
    const res = analyze(f, { loadRuleset: load, tables });
    if (!res.compiled) throw new Error(`${f.name} does not compile: ${res.diagnostics.map((d) => d.message).join('; ')}`);
    return res.compiled;
  });
  return cache;
}

/** The reference tables shipped beside the rulesets (rulesets/tables/). */
export function shippedTables(): TableProvider {
  return tablesFor(join(ROOT, 'rulesets'));
}
