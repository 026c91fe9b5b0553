// `payer-rules diff OLD NEW [--claims PATH]`: what changed between two rulesets, and which claims
// change outcome under the new one. OLD and NEW are .payer files (or compiled .json).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { analyze } from '../dsl/index.ts';
import { renderDiagnostic } from '../dsl/render.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { diffRulesets, renderDiff } from '../engine/diff.ts';
import { RulesetLoader, UnreadableError, UsageError, readSource } from '../workspace/files.ts';
import { jsonError } from './eval-core.ts';

function loadOne(path: string, err: (s: string) => void): CompiledRuleset {
  const src = readSource(path);
  if (extname(path) === '.json') {
    try {
      return JSON.parse(src.text) as CompiledRuleset;
    } catch (e) {
      throw new UnreadableError(`${src.name} is ${jsonError(e)}`);
    }
  }
  const loader = new RulesetLoader();
  loader.scanAround(path);
  const res = analyze(src, { loadRuleset: loader.load });
  if (!res.compiled) {
    for (const d of res.diagnostics.filter((x) => x.severity === 'error')) err(renderDiagnostic(d, src, loader.files()));
    throw new UsageError(`${src.name} has errors; fix them first`);
  }
  return res.compiled;
}

/** Claims from a .json (one or an array), .ndjson, or a folder of those. Bad lines stay in place. */
export function readClaims(path: string): unknown[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UnreadableError(`cannot read ${path}: no such file or folder`);
  }
  if (st.isDirectory()) {
    return readdirSync(path)
      .sort()
      .filter((n) => /\.(json|ndjson|jsonl)$/.test(n))
      .flatMap((n) => readClaims(join(path, n)));
  }
  const text = readFileSync(path, 'utf8');
  if (/\.(ndjson|jsonl)$/.test(path)) {
    return text.split('\n').filter((l) => l.trim()).map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return { notJson: true };
      }
    });
  }
  try {
    const data = JSON.parse(text);
    return Array.isArray(data) ? data : [data];
  } catch (e) {
    throw new UnreadableError(`${path} is ${jsonError(e)}`);
  }
}

export async function diffCommand(flags: Record<string, string | true>, rest: string[], io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  if (rest.length !== 2) throw new UsageError('diff needs two rulesets: OLD NEW');
  const format = flags['--format'] ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format is text or json');
  const a = loadOne(rest[0]!, io.err);
  const b = loadOne(rest[1]!, io.err);
  const claims = typeof flags['--claims'] === 'string' ? readClaims(flags['--claims']) : undefined;
  const d = await diffRulesets(a, b, claims);
  io.out(format === 'json' ? JSON.stringify(d, null, 2) : renderDiff(d));
  return 0;
}
