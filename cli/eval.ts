// `payer-rules eval`: claims in (.json, .ndjson or stdin), reports out (json, ndjson or text), in
// input order, one report per claim; exit 0 when every claim is clean, 1 when any has an error
// finding or is invalid, 2 for bad usage or unreadable input. Claims' patient data is never
// printed: reports carry the claim id, codes and findings only.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { extname } from 'node:path';
import { analyze } from '../dsl/index.ts';
import { renderDiagnostic } from '../dsl/render.ts';
import { Evaluator, type Report, type RuntimeName } from '../engine/index.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { RulesetLoader, UnreadableError, UsageError, readSource, rulesetFiles } from './files.ts';
import { renderText } from './report-text.ts';

export interface EvalIo {
  out: (s: string) => void;
  err: (s: string) => void;
  stdin: NodeJS.ReadableStream;
}

/** Compiles every ruleset under a path; any ruleset error is a usage error (exit 2). */
export function loadRulesets(path: string, err: (s: string) => void): CompiledRuleset[] {
  const files = rulesetFiles(path);
  if (files.length === 0) throw new UsageError(`no .payer rulesets found in ${path}`);
  const loader = new RulesetLoader();
  const out: CompiledRuleset[] = [];
  let broken = 0;
  for (const f of files) {
    const src = readSource(f);
    loader.scanAround(f);
    const res = analyze(src, { loadRuleset: loader.load });
    if (!res.compiled) {
      for (const d of res.diagnostics.filter((x) => x.severity === 'error')) err(renderDiagnostic(d, src, loader.files()));
      broken++;
      continue;
    }
    out.push(res.compiled);
  }
  if (broken) throw new UsageError(`${broken} ruleset${broken === 1 ? ' has' : 's have'} errors; fix them first (see \`payer-rules check ${path}\`)`);
  return out;
}

/** Where a JSON parse failed, without quoting the text (it may hold patient data). */
export function jsonError(e: unknown): string {
  const m = /position (\d+)/.exec(String((e as Error)?.message ?? ''));
  return m ? `not valid JSON (at character ${Number(m[1]) + 1})` : 'not valid JSON';
}

type Format = 'json' | 'ndjson' | 'text';

export async function evalCommand(flags: Record<string, string | true>, rest: string[], io: EvalIo): Promise<number> {
  const rulesetPath = flags['--ruleset'];
  if (typeof rulesetPath !== 'string') throw new UsageError('eval needs --ruleset FILE_OR_FOLDER');
  if (rest.length !== 1) throw new UsageError('eval needs one claims file (.json or .ndjson), or - for standard input');
  const input = rest[0]!;
  const runtime = (flags['--runtime'] ?? 'compiled') as RuntimeName;
  if (runtime !== 'compiled' && runtime !== 'json-rules-engine') throw new UsageError('--runtime is compiled or json-rules-engine');
  const workers = flags['--workers'];
  if (workers !== undefined && !(typeof workers === 'string' && /^\d+$/.test(workers) && Number(workers) >= 1)) throw new UsageError('--workers takes a whole number of at least 1');
  const isNdjson = input === '-' || extname(input).toLowerCase() === '.ndjson' || extname(input).toLowerCase() === '.jsonl';
  const format = (flags['--format'] ?? (isNdjson ? 'ndjson' : 'json')) as Format;
  if (!['json', 'ndjson', 'text'].includes(format)) throw new UsageError('--format is json, ndjson or text');
  const explain = flags['--explain'] === true;

  if (input !== '-') {
    try {
      if (statSync(input).isDirectory()) throw new UnreadableError(`cannot read ${input}: it is a folder`);
    } catch (e) {
      if (e instanceof UnreadableError) throw e;
      throw new UnreadableError(`cannot read ${input}: no such file`);
    }
  }
  const evaluator = new Evaluator(loadRulesets(rulesetPath, io.err));

  let worst = 0;
  let count = 0;
  const emit = (r: Report, first: boolean) => {
    if (r.status === 'invalid' || r.status === 'errors') worst = 1;
    count++;
    if (format === 'ndjson') io.out(JSON.stringify(r));
    else if (format === 'text') io.out(renderText(r));
    else io.out((first ? '[\n' : ',\n') + JSON.stringify(r, null, 2));
  };
  const run = (raw: unknown) => evaluator.evaluate(raw, { runtime, explain });

  if (isNdjson) {
    const stream = input === '-' ? io.stdin : createReadStream(input);
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    let lineNo = 0;
    for await (const line of rl) {
      lineNo++;
      if (line.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (e) {
        emit({ claimId: null, status: 'invalid', errors: [{ path: '', message: `line ${lineNo} is ${jsonError(e)}` }] }, count === 0);
        continue;
      }
      emit(await run(raw), count === 0);
    }
  } else {
    let text: string;
    try {
      text = readFileSync(input, 'utf8');
    } catch {
      throw new UnreadableError(`cannot read ${input}`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new UnreadableError(`${input} is ${jsonError(e)}`);
    }
    const claims = Array.isArray(data) ? data : [data];
    for (const raw of claims) emit(await run(raw), count === 0);
  }
  if (format === 'json') io.out(count === 0 ? '[]' : '\n]');
  return worst;
}
