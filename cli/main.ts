// `payer-rules <command>`: argv → command; exit codes as DESIGN.md's table says. No logic beyond
// wiring: the language lives in dsl/, the engine in engine/.
import { check, checkVersionOverlaps, format, renderDiagnostic, summary } from '../dsl/index.ts';
import { hasErrors, type Diagnostic } from '../dsl/diagnostics.ts';
import type { SourceFile } from '../dsl/source.ts';
import { EVAL_FLAGS, evalCommand } from './eval.ts';
import { studioCommand } from './studio-cmd.ts';
import { diffCommand } from './diff.ts';
import { renderResults, runTests, versionsWithoutCases } from './test-cmd.ts';
import { claimJsonSchema } from '../engine/claim-schema.ts';
import { RulesetLoader, UnreadableError, UsageError, onSkipped, readSource, rulesetFiles, writeFileAtomic } from '../workspace/files.ts';
import { tablesFor } from '../workspace/tables.ts';
import { parseFlags, stdio, type Io } from './args.ts';
import { convertCommand } from './convert.ts';
import { importCommand, importKindsHelp } from './import.ts';
import { newVersionCommand } from './new-version.ts';
import { SERVE_HELP, serveCommand } from './serve.ts';
import { compileCommand } from './compile.ts';
import { submitCommand, resultsCommand, workerCommand } from './queue.ts';

/**
 * Each command's usage: `payer-rules help` prints them all, `payer-rules CMD --help` (or `-h`, or
 * `payer-rules help CMD`) prints one. One table; the general help is built from it.
 */
const USAGE: Record<string, string> = {
  check: `  payer-rules check PATH...                 check rulesets; prints file:line:col diagnostics
                                            (--ruleset PATH / --rulesets PATH name a path too)`,
  fmt: `  payer-rules fmt PATH                      print a ruleset in canonical form
  payer-rules fmt --write PATH...           rewrite rulesets in canonical form
  payer-rules fmt --check PATH...           exit 1 if any ruleset is not in canonical form`,
  compile: `  payer-rules compile PATH [-o FILE]        print (or write) the compiled ruleset JSON`,
  eval: `  payer-rules eval --ruleset PATH CLAIMS    evaluate claims: .json, .ndjson, .csv, an 837P file
                                            (.837 .x12 .edi, or any file starting with ISA), or - for stdin
      [--format json|ndjson|text|csv|html] [--summary] [--explain] [--as-of DATE]
      [--minutes FILE.csv] [--overlay FILE.ndjson] [--payers FILE.json] [--input x12|csv|json|ndjson]
      [--runtime compiled|json-rules-engine] [--workers N]`,
  convert: `  payer-rules convert FILE... [--minutes F] [--overlay F] [--payers F] [--as-of DATE]
      [--with-patient-data]                 the claims a file maps to, as NDJSON {"claim", "diagnostics"};
                                            patient ids, birth dates and authorization numbers are
                                            withheld unless --with-patient-data (eval, submit and the
                                            service read that output as is)`,
  test: `  payer-rules test [PATH] [--format json]   run the rulesets' test cases (*.cases.yaml); rule coverage
                                            (--ruleset PATH / --rulesets PATH name the path too)`,
  diff: `  payer-rules diff OLD NEW [--claims PATH] [--ruleset DIR] [--format json]
                                            two rulesets, or two releases of a table (TABLE@RELEASE
                                            or release folders): what changed, claims that change outcome`,
  import: `  payer-rules import KIND FILE... [--release NAME] [--from DATE] [--through DATE] [--into DIR] [--replace]
                                            a CMS/CDC release file (ncci-ptp, mue, icd10cm,
                                            procedure-codes, fee-schedule) → a dated reference table;
                                            an existing release is replaced only with --replace`,
  'new-version': `  payer-rules new-version RULESET VERSION [--effective DATE] [--through DATE] [--rulesets DIR]
                                            start a ruleset's next version from its latest`,
  studio: `  payer-rules studio [--port N] [--rulesets DIR]
                                            the web editor on 127.0.0.1 (PORT also sets the port)`,
  serve: `  payer-rules serve --rulesets DIR [--port N] [--host H] [--api-keys FILE] [--processes N] [--workers N] ...
                                            the evaluation service (HTTP); \`payer-rules serve --help\` lists every flag`,
  submit: `  payer-rules submit --rulesets DIR CLAIMS [-o FILE | --detach] [--redis URL]
                                            queue a batch for workers; writes the reports in order`,
  worker: `  payer-rules worker [--redis URL] [--concurrency N] [--tables DIR]
                                            evaluate queued batches until stopped`,
  results: `  payer-rules results RUN [-o FILE] [--redis URL]
                                            the reports of a run submitted with --detach`,
  schema: `  payer-rules schema claim                  the claim input contract as JSON Schema`,
};

/** What `--help` adds for a command whose usage line cannot hold every flag. */
const MORE_USAGE: Record<string, () => string> = {
  serve: () => `\nevery flag:\n  ${SERVE_HELP}`,
  import: () => `\nkinds, and the files each reads:\n${importKindsHelp()}\nother flags: [--table ID] [--source TEXT] [--scope-any RANGES --scope-all RANGES --scope-note TEXT] [--missing TEXT] [--format json]`,
};

const EXIT_CODES = `exit codes: 0 success, 1 errors found (fmt --check: drift; eval, submit, results: a claim with an
error finding or an invalid claim; convert: a diagnostic error; test: a failing case), 2 bad usage,
unreadable input or (queue commands) no Redis at the URL`;

const HELP = `payer-rules: payer rules for outpatient therapy claims

usage:
${Object.values(USAGE).join('\n')}
  payer-rules help [COMMAND]                this text, or one command's (also: payer-rules COMMAND --help)

${EXIT_CODES}`;

/** One command's usage, for `payer-rules CMD --help`. */
export function commandHelp(cmd: string): string {
  return `usage:\n${USAGE[cmd] ?? ''}${MORE_USAGE[cmd]?.() ?? ''}\n\n${EXIT_CODES}`;
}

/** True when the arguments ask for help (`--help` or `-h` before any `--`). */
function asksHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

function checkCommand(args: string[], io: Io): number {
  const { flags, rest } = parseFlags(args, { '--ruleset': 'value' });
  // `check --ruleset PATH` (or --rulesets), as eval takes it, names one more path to check.
  if (typeof flags['--ruleset'] === 'string') rest.push(flags['--ruleset']);
  if (rest.length === 0) throw new UsageError('check needs at least one ruleset file or folder');
  const loader = new RulesetLoader();
  const paths = rest.flatMap((p) => rulesetFiles(p));
  if (paths.length === 0) throw new UsageError(`no ${'.payer'} files found in ${rest.join(', ')}`);
  let all: Diagnostic[] = [];
  let files = 0;
  const sources: SourceFile[] = [];
  for (const p of paths) {
    const src = readSource(p);
    sources.push(src);
    loader.scanAround(p);
    // Reference tables beside the rulesets (rulesets/tables/): table names are checked against them.
    const res = check(src, { loadRuleset: loader.load, tables: tablesFor(p).tables() });
    const related = loader.files();
    related.set(src.name, src);
    for (const d of res.diagnostics) io.out(renderDiagnostic(d, src, related) + '\n');
    all = all.concat(res.diagnostics);
    files++;
  }
  const byName = new Map(sources.map((s) => [s.name, s]));
  for (const d of checkVersionOverlaps(sources)) {
    io.out(renderDiagnostic(d, byName.get(d.file)!, byName) + '\n');
    all.push(d);
  }
  io.out(`${summary(all)} in ${files} file${files === 1 ? '' : 's'}`);
  return hasErrors(all) ? 1 : 0;
}

function fmtCommand(args: string[], io: Io): number {
  const { flags, rest } = parseFlags(args, { '--write': 'bool', '-w': 'bool', '--check': 'bool' });
  const write = !!(flags['--write'] || flags['-w']);
  const checkOnly = !!flags['--check'];
  if (rest.length === 0) throw new UsageError('fmt needs a ruleset file');
  if (!write && !checkOnly && rest.length !== 1) throw new UsageError('fmt prints one file; use --write or --check for several');
  const paths = write || checkOnly ? rest.flatMap((p) => rulesetFiles(p)) : rest;
  let status = 0;
  for (const p of paths) {
    const src = readSource(p);
    const res = format(src);
    if (res.diagnostics.length) {
      for (const d of res.diagnostics) io.err(renderDiagnostic(d, src));
      status = 1;
      continue;
    }
    if (checkOnly) {
      if (res.changed) {
        io.out(`${src.name}: not in canonical form`);
        status = 1;
      }
    } else if (write) {
      if (res.changed) {
        writeAtomically(p, res.text);
        io.out(`formatted ${src.name}`);
      }
    } else process.stdout.write(res.text);
  }
  return status;
}

/** Writes through an exclusively created temporary file and a rename (workspace/files.ts). */
export const writeAtomically = writeFileAtomic;

async function evalCmd(args: string[], io: Io): Promise<number> {
  const { flags, rest } = parseFlags(args, EVAL_FLAGS);
  // Called with another Io (tests, embedding), reports go there too, not to the process's stdout.
  const write = io === stdio ? undefined : async (s: string | Uint8Array) => io.out(typeof s === 'string' ? s : Buffer.from(s).toString('utf8'));
  return evalCommand(flags, rest, { ...io, stdin: process.stdin, ...(write ? { write } : {}) });
}

function schemaCommand(args: string[], io: Io): number {
  const { rest } = parseFlags(args, {});
  if (rest.length !== 1 || rest[0] !== 'claim') throw new UsageError('usage: payer-rules schema claim');
  io.out(JSON.stringify(claimJsonSchema(), null, 2));
  return 0;
}

async function testCmd(args: string[], io: Io): Promise<number> {
  const { flags, rest } = parseFlags(args, { '--format': 'value', '--ruleset': 'value' });
  // `test --ruleset PATH` (or --rulesets), as eval takes it, names the file or folder.
  if (typeof flags['--ruleset'] === 'string') rest.push(flags['--ruleset']);
  if (rest.length > 1) throw new UsageError('test takes one file or folder (default: rulesets)');
  const format = flags['--format'] ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format is text or json');
  const res = await runTests(rest[0] ?? 'rulesets', io.err);
  if (res.cases.length === 0) throw new UsageError(`no *.cases.yaml files found in ${rest[0] ?? 'rulesets'}`);
  const untested = versionsWithoutCases(res);
  io.out(format === 'json' ? JSON.stringify({ ...res, untestedVersions: untested }, null, 2) : renderResults(res));
  return res.failed || untested.length ? 1 : 0;
}

async function diffCmd(args: string[], io: Io): Promise<number> {
  const { flags, rest } = parseFlags(args, { '--claims': 'value', '--format': 'value', '--ruleset': 'value' });
  return diffCommand(flags, rest, io);
}

async function studioCmd(args: string[], io: Io): Promise<number> {
  const { flags, rest } = parseFlags(args, { '--port': 'value', '--rulesets': 'value' });
  if (rest.length) throw new UsageError('studio takes no files; use --rulesets DIR');
  return studioCommand(flags, io);
}

const COMMANDS: Record<string, (args: string[], io: Io) => number | Promise<number>> = {
  studio: studioCmd,
  test: testCmd,
  diff: diffCmd,
  check: checkCommand,
  fmt: fmtCommand,
  compile: compileCommand,
  eval: evalCmd,
  schema: schemaCommand,
  convert: convertCommand,
  import: importCommand,
  'new-version': newVersionCommand,
  serve: serveCommand,
  worker: workerCommand,
  submit: submitCommand,
  results: resultsCommand,
};

/** Every command's name (each has its usage in USAGE). */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/** Runs the command line; returns the exit code. Never lets a stack trace reach the user. */
export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [cmd, ...args] = argv;
  // Files skipped under a rulesets folder (FIFOs, sockets, dangling links, loops) are warned about here.
  const warned = new Set<string>();
  onSkipped((m) => {
    if (!warned.has(m)) io.err(`payer-rules: ${m}`);
    warned.add(m);
  });
  // `payer-rules eval … | head -1`: the reader went away; stop quietly, as other tools do.
  if (io === stdio) process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    // `payer-rules help eval`: that command's usage.
    const about = cmd === 'help' ? args[0] : undefined;
    if (about !== undefined && COMMANDS[about]) {
      io.out(commandHelp(about));
      return 0;
    }
    io.out(HELP);
    return cmd ? 0 : 2;
  }
  const run = COMMANDS[cmd];
  if (!run) {
    io.err(`payer-rules: unknown command \`${cmd}\` (try \`payer-rules help\`)`);
    return 2;
  }
  if (asksHelp(args)) {
    io.out(commandHelp(cmd));
    return 0;
  }
  try {
    return await run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const hint = /^unknown option /.test(e.message) ? ` (\`payer-rules ${cmd} --help\` lists the options)` : '';
      io.err(`payer-rules ${cmd}: ${e.message}${hint}`);
      return 2;
    }
    if (e instanceof UnreadableError) {
      io.err(`payer-rules: ${e.message}`);
      return 2;
    }
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'EPIPE') return 0;
    if (code === 'EADDRINUSE') {
      const port = (e as { port?: number }).port;
      io.err(`payer-rules ${cmd}: port ${port ?? ''} is already in use (another payer-rules or another program); choose another with --port N`.replace('port  is', 'the port is'));
      return 2;
    }
    io.err(`payer-rules: internal error in \`${cmd}\`: ${(e as Error)?.message ?? String(e)}`);
    io.err('this is a bug in payer-rules, not in your input; please report it');
    return 70;
  }
}

