// Shared test helpers: the shipped rulesets, compiled once.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyze, peekHeader } from '../dsl/index.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';

export const ROOT = new URL('../', import.meta.url).pathname;

export function walk(d: string, ext: string): string[] {
  return readdirSync(d)
    .sort()
    .flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n), ext) : n.endsWith(ext) ? [join(d, n)] : []));
}

let cache: CompiledRuleset[] | undefined;

/** Every shipped ruleset, compiled (names relative to the project root, as the CLI shows them). */
export function shippedRulesets(): CompiledRuleset[] {
  if (cache) return cache;
  const files = walk(join(ROOT, 'rulesets'), '.payer').map((p) => ({ name: relative(ROOT, p), text: readFileSync(p, 'utf8') }));
  cache = files.map((f) => {
    const res = analyze(f, { loadRuleset: (id, day) => pickVersion(files, id, day) });
    if (!res.compiled) throw new Error(`${f.name} does not compile: ${res.diagnostics.map((d) => d.message).join('; ')}`);
    return res.compiled;
  });
  return cache;
}

function pickVersion(files: { name: string; text: string }[], id: string, day: number | undefined) {
  const versions = files.map((f) => ({ f, h: peekHeader(f) })).filter((x) => x.h?.id === id);
  return (versions.find((x) => day !== undefined && (x.h!.from ?? -Infinity) <= day && day <= (x.h!.through ?? Infinity)) ?? versions[versions.length - 1])?.f;
}
