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

/** A ruleset whose rules test patient age and the authorization number (PHI tests: traces withhold the values). */
export const PHI_RULESET = `ruleset phi-test "PHI"
version 1 effective 2026-01-01
rule ADULT "adult" info {
  when claim.patient.age >= 21
  cite "test"
}
rule AUTH-NUMBER "authorization number given" info {
  when claim.priorAuthorization.number is present
  cite "test"
}
`;
/** A claim with marked patient identity and authorization number that must never be printed. */
export const PHI_CLAIM = {
  id: 'PHI-1',
  patient: { id: 'PAT-SECRET-9', birthDate: '1950-07-04' },
  dateOfService: '2026-03-02',
  priorAuthorization: { number: 'PA-SECRET-4411', from: '2026-01-01', to: '2026-06-30' },
  lines: [{ code: '97110', units: 1, minutes: 15 }],
};
