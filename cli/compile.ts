// `payer-rules compile PATH [-o FILE]`: check a ruleset and write its compiled JSON, one rule,
// code set or origin a line. The JSON is written in pieces as it is produced (dsl/compile/json.ts):
// the compiled form of a 16 MB ruleset is about 150 MB of text, which as one string (and its UTF-8
// copy) would more than double the command's memory.
import { analyze, renderDiagnostic, summary } from '../dsl/index.ts';
import { compiledJsonChunks } from '../dsl/compile/json.ts';
import type { SourceFile } from '../dsl/source.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { RulesetLoader, UsageError, readSource, writeFileAtomic } from '../workspace/files.ts';
import { tablesFor } from '../workspace/tables.ts';
import { parseFlags, type Io } from './args.ts';

/**
 * Checks and compiles one file, printing its diagnostics. Only the compiled ruleset outlives this
 * call: the syntax tree and the checker's model are garbage before the JSON is written.
 */
function checkAndCompile(p: string, io: Io): CompiledRuleset | undefined {
  const src: SourceFile = readSource(p);
  const loader = new RulesetLoader();
  loader.scanAround(p, src);
  const res = analyze(src, { loadRuleset: loader.load, tables: tablesFor(p).tables() });
  const related = loader.files();
  for (const d of res.diagnostics) io.err(renderDiagnostic(d, src, related) + '\n');
  if (!res.compiled) io.err(`${summary(res.diagnostics)}: not compiled`);
  return res.compiled;
}

export function compileCommand(args: string[], io: Io): number {
  const { flags, rest } = parseFlags(args, { '-o': 'value', '--output': 'value' });
  if (rest.length !== 1) throw new UsageError('compile needs exactly one ruleset file');
  const compiled = checkAndCompile(rest[0]!, io);
  if (!compiled) return 1;
  const outPath = (flags['-o'] ?? flags['--output']) as string | undefined;
  if (outPath) writeFileAtomic(outPath, compiledJsonChunks(compiled));
  // process.stdout writes synchronously to files and (on Linux) pipes, so the chunks are not queued.
  else for (const chunk of compiledJsonChunks(compiled)) process.stdout.write(chunk);
  return 0;
}
