// The rules language: text in, diagnostics and a compiled ruleset out. Browser-safe (no Node
// built-ins); the CLI and the editor's worker both call these.
import { check, type CheckOptions, type CheckResult } from './check/index.ts';
import { compile } from './compile/index.ts';
import { hasErrors, type Diagnostic } from './diagnostics.ts';
import type { SourceFile } from './source.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { parseDate } from '../engine/dates.ts';
import { parse } from './parse.ts';

export { parse };
export { check } from './check/index.ts';
export { compile } from './compile/index.ts';
export { format } from './format/index.ts';
export { tokenize } from './lexer.ts';
export { renderDiagnostic, renderDiagnostics, summary } from './render.ts';
export type { Diagnostic } from './diagnostics.ts';
export type { SourceFile, Span } from './source.ts';
export type { CheckOptions, CheckResult } from './check/index.ts';

export interface AnalyzeResult {
  check: CheckResult;
  diagnostics: Diagnostic[];
  /** Present only when the ruleset has no errors. */
  compiled?: CompiledRuleset;
}

/** Parse, check and (when error-free) compile one ruleset file. */
export function analyze(file: SourceFile, opts: CheckOptions = {}): AnalyzeResult {
  const res = check(file, opts);
  const out: AnalyzeResult = { check: res, diagnostics: res.diagnostics };
  if (!hasErrors(res.diagnostics) && res.checked) out.compiled = compile(res.checked);
  return out;
}

export interface RulesetHeaderInfo {
  id: string;
  version?: string;
  /** Effective window as day numbers. */
  from?: number;
  through?: number;
}

/** Reads a file's `ruleset` and `version` lines (for indexing files to resolve `extends`). */
export function peekHeader(file: SourceFile): RulesetHeaderInfo | undefined {
  const { ast } = parse(file);
  const h = ast.items.find((i) => i.kind === 'RulesetHeader');
  if (!h || h.kind !== 'RulesetHeader') return undefined;
  const v = ast.items.find((i) => i.kind === 'VersionDecl');
  const out: RulesetHeaderInfo = { id: h.id.text };
  if (v && v.kind === 'VersionDecl') {
    out.version = v.version.text;
    const from = parseDate(v.window.from.text);
    const through = v.window.through ? parseDate(v.window.through.text) : undefined;
    if (from !== undefined) out.from = from;
    if (through !== undefined) out.through = through;
  }
  return out;
}

/**
 * Resolves `extends` among a set of files: reads each file's header once, then picks the version
 * of a ruleset in force on a day (a day number) — the one whose window holds it, else the latest
 * that starts before it, else the earliest; with no day, the latest.
 */
export function rulesetLoader(files: readonly SourceFile[]): (id: string, day: number | undefined) => SourceFile | undefined {
  const byId = new Map<string, { file: SourceFile; from: number; through: number }[]>();
  for (const file of files) {
    const h = peekHeader(file);
    if (!h) continue;
    byId.set(h.id, [...(byId.get(h.id) ?? []), { file, from: h.from ?? -Infinity, through: h.through ?? Infinity }]);
  }
  for (const list of byId.values()) list.sort((a, b) => a.from - b.from);
  return (id, day) => {
    const list = byId.get(id);
    if (!list?.length) return undefined;
    if (day === undefined) return list[list.length - 1]!.file;
    const covering = list.find((x) => x.from <= day && day <= x.through);
    const before = list.filter((x) => x.from <= day).pop();
    return (covering ?? before ?? list[0]!).file;
  };
}

/**
 * Versions of one ruleset must not overlap: a date of service would not know which to use.
 * Reports PR2033 on the later-starting version of each overlapping pair.
 */
export function checkVersionOverlaps(files: readonly SourceFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byId = new Map<string, { file: SourceFile; h: RulesetHeaderInfo; span: { start: number; end: number } }[]>();
  for (const file of files) {
    const { ast } = parse(file);
    const h = peekHeader(file);
    const v = ast.items.find((i) => i.kind === 'VersionDecl');
    if (!h || h.from === undefined || !v) continue;
    byId.set(h.id, [...(byId.get(h.id) ?? []), { file, h, span: v.span }]);
  }
  for (const [id, versions] of byId) {
    versions.sort((a, b) => a.h.from! - b.h.from!);
    for (let i = 0; i < versions.length; i++) {
      for (let j = i + 1; j < versions.length; j++) {
        const a = versions[i]!;
        const b = versions[j]!;
        if ((a.h.through ?? Infinity) >= b.h.from!) {
          out.push({
            code: 'PR2033',
            severity: 'error',
            file: b.file.name,
            span: b.span,
            message: `this version of \`${id}\` overlaps version ${a.h.version} (${a.file.name}): a date of service in both would not know which to use`,
            help: 'end the earlier version the day before this one starts',
            related: [{ file: a.file.name, span: a.span, message: `version ${a.h.version}` }],
          });
        }
      }
    }
  }
  return out;
}
