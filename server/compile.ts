// A rulesets folder → every ruleset compiled, or the problems that stop it (file, line, column,
// code, message). Never throws on a user's mistake: the service keeps serving the previous set
// and shows these problems in /readyz and the log. Runs in a service thread, off the request path.
import { createHash } from 'node:crypto';
import { analyze } from '../dsl/index.ts';
import { lineColOf, type SourceFile } from '../dsl/source.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { RulesetLoader, UnreadableError, readSource, rulesetFiles } from '../workspace/files.ts';
import { tablesFor } from '../workspace/tables.ts';

export interface Problem {
  file: string;
  /** 1-based; 0 when the problem is about the folder rather than a position. */
  line: number;
  column: number;
  code: string;
  message: string;
}

export type FolderResult =
  | { ok: true; rulesets: CompiledRuleset[]; sourcesHash: string; files: number }
  | { ok: false; problems: Problem[]; sourcesHash: string; files: number };

/** A hash of every ruleset file's name and text: unchanged sources need no recompiling. */
export function sourcesHashOf(sources: readonly SourceFile[]): string {
  const h = createHash('sha256');
  for (const s of [...sources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) h.update(`\u0000${s.name}\u0000${s.text}`);
  return h.digest('hex');
}

/** Reads the folder's ruleset files; a file that cannot be read is a problem, not an exception. */
export function readFolder(dir: string): { sources: SourceFile[]; loader: RulesetLoader; problems: Problem[] } {
  const problems: Problem[] = [];
  const loader = new RulesetLoader();
  let files: string[] = [];
  try {
    files = rulesetFiles(dir);
  } catch (e) {
    problems.push({ file: dir, line: 0, column: 0, code: 'unreadable', message: e instanceof UnreadableError ? e.message : 'cannot read the rulesets folder' });
  }
  const sources: SourceFile[] = [];
  for (const f of files) {
    try {
      loader.scanAround(f);
      sources.push(readSource(f));
    } catch (e) {
      problems.push({ file: f, line: 0, column: 0, code: 'unreadable', message: e instanceof UnreadableError ? e.message : 'cannot read this file' });
    }
  }
  if (files.length === 0 && problems.length === 0) problems.push({ file: dir, line: 0, column: 0, code: 'no-rulesets', message: 'the folder holds no .payer rulesets' });
  return { sources, loader, problems };
}

/** Compiles every ruleset in the folder; all of them, or the problems (errors only). */
export function compileFolder(dir: string): FolderResult {
  const { sources, loader, problems } = readFolder(dir);
  const sourcesHash = sourcesHashOf(sources);
  const rulesets: CompiledRuleset[] = [];
  for (const src of sources) {
    const res = analyze(src, { loadRuleset: loader.load, tables: tablesFor(dir).tables() });
    if (res.compiled) {
      rulesets.push(res.compiled);
      continue;
    }
    const related = loader.files();
    for (const d of res.diagnostics) {
      if (d.severity !== 'error') continue;
      const file = related.get(d.file) ?? (d.file === src.name ? src : undefined);
      const at = file ? lineColOf(file, d.span.start) : { line: 0, column: 0 };
      problems.push({ file: d.file, line: at.line, column: at.column, code: d.code, message: d.message });
    }
  }
  if (problems.length) return { ok: false, problems, sourcesHash, files: sources.length };
  return { ok: true, rulesets, sourcesHash, files: sources.length };
}
