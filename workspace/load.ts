// Loading a rulesets folder for evaluation: every ruleset compiled (its `extends` resolved), with
// the compiled output cached by the sources' content hash so a second run skips the compiler.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, checkVersionOverlaps } from '../dsl/index.ts';
import { renderDiagnostic } from '../dsl/render.ts';
import { COMPILED_FORMAT, type CompiledRuleset } from '../engine/compiled.ts';
import { tablesFor } from './tables.ts';
import { RulesetLoader, UsageError, displayPath, newestMtime, projectRoot, readSource, rulesetFiles } from './files.ts';

const CACHE_DIR = join(projectRoot(), 'node_modules', '.cache', 'payer-rules', 'compiled');

/** Compiles every ruleset under a path, reusing compiled output cached by the sources' content hash. */
export function loadRulesets(path: string, err: (s: string) => void): CompiledRuleset[] {
  const files = rulesetFiles(path);
  if (files.length === 0) throw new UsageError(`no .payer rulesets found in ${path}`);
  const loader = new RulesetLoader();
  const sources = files.map((f) => {
    loader.scanAround(f);
    return readSource(f);
  });
  // The reference tables the rulesets may name: their ids and kinds are checked, so they are part
  // of what the compiled output depends on.
  const tables = tablesFor(path).tables();
  const hash = createHash('sha256').update(COMPILED_FORMAT).update(JSON.stringify(tables));
  for (const f of [...sources, ...loader.files().values()].sort((a, b) => (a.name < b.name ? -1 : 1))) hash.update(`\u0000${f.name}\u0000${f.text}`);
  // The compiler's own sources are part of the key: a changed compiler recompiles.
  for (const src of ['dsl', 'engine']) hash.update(String(newestMtime(join(projectRoot(), src))));
  const cacheFile = join(CACHE_DIR, `${hash.digest('hex').slice(0, 32)}.json`);
  if (existsSync(cacheFile)) {
    try {
      return JSON.parse(readFileSync(cacheFile, 'utf8')) as CompiledRuleset[];
    } catch {
      // a damaged cache entry is recompiled below
    }
  }
  // Two versions of one ruleset that overlap leave some dates with no single answer: refuse, with
  // the same diagnostics `payer-rules check` prints, rather than evaluate or test against them.
  // Checked only when the sources are not in the cache (a set that overlaps is never cached): the
  // check parses every file, which costs more than the rest of a small run.
  const byName = new Map([...loader.files().values(), ...sources].map((s) => [s.name, s]));
  const overlaps = checkVersionOverlaps(sources).filter((d) => d.severity === 'error');
  if (overlaps.length) {
    for (const d of overlaps) err(renderDiagnostic(d, byName.get(d.file) ?? sources[0]!, byName));
    throw new UsageError(`the rulesets in ${displayPath(path)} do not pass \`payer-rules check\` (${overlaps.length} error${overlaps.length === 1 ? '' : 's'} above); fix them first`);
  }
  const out: CompiledRuleset[] = [];
  let broken = 0;
  for (const src of sources) {
    const res = analyze(src, { loadRuleset: loader.load, tables });
    if (!res.compiled) {
      for (const d of res.diagnostics.filter((x) => x.severity === 'error')) err(renderDiagnostic(d, src, loader.files()));
      broken++;
      continue;
    }
    out.push(res.compiled);
  }
  if (broken) throw new UsageError(`${broken} ruleset${broken === 1 ? ' has' : 's have'} errors; fix them first (see \`payer-rules check ${displayPath(path)}\`)`);
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(out));
  } catch {
    // the cache is an optimization; a read-only install still works
  }
  return out;
}
