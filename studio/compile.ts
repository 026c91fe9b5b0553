// Every ruleset of the studio's folder, compiled as `payer-rules eval` compiles them — the same
// checker and compiler (dsl/), the same reference tables for the table-name checks — with the
// page's unsaved buffers in place of their files. The page sends ruleset *text*, never compiled
// rules: the server's own compiler is what vouches for what the engine runs, exactly as on the
// command line, and source text is far smaller than its compiled form (31 KB against 640 KB for
// the shipped rulesets). A compiled set is kept (with its Evaluator and the runtimes it prepared)
// under a hash of every source and the table list, so a claim form typed into, or a batch sent in
// chunks, compiles once.
//
// One difference from `eval`, said in every answer: `eval` refuses to run when any ruleset has
// errors, while the studio leaves the broken files out (a ruleset being edited is often broken)
// and names them; a buffer the person asked to run that does not compile is an error.
import { createHash } from 'node:crypto';
import { analyze, checkVersionOverlaps, rulesetLoader } from '../dsl/index.ts';
import { lineColOf, type SourceFile } from '../dsl/source.ts';
import { Evaluator, type TableProvider } from '../engine/index.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { HttpError, MAX_READ_BYTES, listTargets, readTarget, resolveTarget } from './files.ts';

/** A ruleset file left out of a set, and its first error as `file:line:col CODE message`. */
export interface LeftOut {
  path: string;
  errors: number;
  first: string;
}

export interface CompiledSet {
  rulesets: CompiledRuleset[];
  /** The sources the set was compiled from (saved files with the buffers in place). */
  sources: SourceFile[];
  leftOut: LeftOut[];
  /** Rule ids that read a reference table (their checks need the tables). */
  tableRules: string[];
  evaluator: Evaluator;
}

/** A buffer the page has open, in place of the file of the same path. */
export interface Overlay {
  path: string;
  text: string;
}

const KEEP = 4;

export class RulesetSets {
  private cache = new Map<string, CompiledSet>();

  constructor(private readonly root: string) {}

  /** The ruleset sources: every `.payer` file the studio handles, with the overlays in place. */
  sources(overlays: readonly Overlay[] = []): SourceFile[] {
    const byPath = new Map<string, string>();
    for (const f of listTargets(this.root).files) {
      if (f.kind !== 'ruleset') continue;
      const buf = readTarget(resolveTarget(this.root, f.path), MAX_READ_BYTES);
      if (buf) byPath.set(f.path, buf.toString('utf8'));
    }
    for (const o of overlays) {
      // The same checks as a save: a path inside the folder, of a ruleset file.
      if (resolveTarget(this.root, o.path).kind !== 'ruleset') throw new HttpError(400, `${o.path} is not a ruleset (.payer) file`);
      byPath.set(o.path, o.text);
    }
    return [...byPath].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([name, text]) => ({ name, text }));
  }

  /**
   * The compiled set for these overlays and tables (cached). With `checkNames` (the tables are
   * there), a table name no release has is an error, as in `check` and `eval`; without the tables
   * the names cannot be checked, and the checks that need them report "not checked".
   */
  get(overlays: readonly Overlay[], tables: TableProvider, checkNames: boolean): CompiledSet {
    const sources = this.sources(overlays);
    const known = checkNames ? tables.tables() : undefined;
    const h = createHash('sha256').update(JSON.stringify(known ?? null));
    for (const s of sources) h.update(`\u0000${s.name}\u0000${s.text}`);
    const key = h.digest('hex');
    const hit = this.cache.get(key);
    // The evaluator belongs to one table provider: a reloaded table set is a new provider.
    if (hit && hit.evaluator.tables === tables) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const set = compileSet(sources, tables, checkNames);
    this.cache.set(key, set);
    while (this.cache.size > KEEP) this.cache.delete(this.cache.keys().next().value!);
    return set;
  }
}

function where(src: SourceFile | undefined, file: string, offset: number): string {
  if (!src) return file;
  const at = lineColOf(src, offset);
  return `${file}:${at.line}:${at.column}`;
}

/** Compiles every source; files with errors (or overlapping another version, PR2033) are left out and named. */
export function compileSet(sources: readonly SourceFile[], tables: TableProvider, checkNames = true): CompiledSet {
  const load = rulesetLoader(sources);
  const byName = new Map(sources.map((s) => [s.name, s]));
  const known = checkNames ? tables.tables() : undefined;
  const rulesets: CompiledRuleset[] = [];
  const leftOut: LeftOut[] = [];
  // Versions of one ruleset that overlap leave some dates with no single answer (eval refuses them).
  const overlaps = checkVersionOverlaps(sources).filter((d) => d.severity === 'error');
  for (const src of sources) {
    const res = analyze(src, known ? { loadRuleset: load, tables: known } : { loadRuleset: load });
    const errors = [...res.diagnostics.filter((d) => d.severity === 'error'), ...overlaps.filter((d) => d.file === src.name)];
    if (res.compiled && errors.length === 0) {
      rulesets.push(res.compiled);
      continue;
    }
    const d = errors[0];
    leftOut.push({ path: src.name, errors: errors.length, first: d ? `${where(byName.get(d.file), d.file, d.span.start)} ${d.code} ${d.message}` : `${src.name}: does not compile` });
  }
  const tableRules = [...new Set(rulesets.flatMap((rs) => Object.keys(rs.tables.refs ?? {})))].sort();
  return { rulesets, sources: [...sources], leftOut, tableRules, evaluator: new Evaluator(rulesets, { tables }) };
}
