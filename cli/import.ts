// `payer-rules import KIND FILE… [--table ID] [--release NAME] [--from DATE] [--through DATE]
// [--into DIR] [--replace]`: official CMS/CDC release files → a dated table release in the store,
// and what changed against the previous release. Any problem in any row: every problem listed with
// file:line, nothing written, exit 2. A release that already exists is replaced only with
// `--replace`: rulesets and past reports name releases, so overwriting one silently would change
// what they mean.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KINDS, isKind } from '../tables/kinds.ts';
import { diffReleases, renderTableDiff, type TableDiff } from '../tables/diff.ts';
import { importFiles, type ImportOptions } from '../tables/import/index.ts';
import { IMPORT_FORMATS } from '../tables/import/formats.ts';
import { renderProblem } from '../tables/normalized.ts';
import { ScopeMatcher } from '../tables/lookups.ts';
import { infoOf } from '../tables/provider.ts';
import { StoreError, previousRelease, readReleaseRows, writeRelease } from '../tables/store.ts';
import { UnreadableError, UsageError, displayPath } from '../workspace/files.ts';
import { parseFlags, type Io } from './args.ts';

export const DEFAULT_TABLES_DIR = 'rulesets/tables';

const FLAGS = {
  '--table': 'value',
  '--release': 'value',
  '--from': 'value',
  '--through': 'value',
  '--into': 'value',
  '--source': 'value',
  '--scope-any': 'value',
  '--scope-all': 'value',
  '--scope-note': 'value',
  '--missing': 'value',
  '--format': 'value',
  '--replace': 'bool',
} as const;

/** The table kinds and the release files each reads (for `import --help` and a bad import). */
export function importKindsHelp(): string {
  return KINDS.map((k) => `  ${k}:\n${IMPORT_FORMATS.filter((f) => f.kind === k).map((f) => `    - ${f.doc}`).join('\n')}`).join('\n');
}

function usage(): string {
  return `import needs a table kind and at least one file: payer-rules import KIND FILE… (kinds and the files each reads:\n${importKindsHelp()})`;
}

export async function importCommand(args: string[], io: Io): Promise<number> {
  const { flags, rest } = parseFlags(args, FLAGS);
  const [kind, ...files] = rest;
  if (!kind || files.length === 0) throw new UsageError(usage());
  if (!isKind(kind)) throw new UsageError(`\`${kind}\` is not a table kind; the kinds are ${KINDS.join(', ')}`);
  const format = flags['--format'] ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format is text or json');
  const str = (k: keyof typeof FLAGS) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  const opts: ImportOptions = { kind };
  for (const [k, f] of [['table', '--table'], ['release', '--release'], ['from', '--from'], ['through', '--through'], ['source', '--source']] as const) {
    const v = str(f);
    if (v !== undefined) opts[k] = v;
  }
  const any = str('--scope-any');
  const all = str('--scope-all');
  if (any || all) {
    const note = str('--scope-note');
    if (!note) throw new UsageError('--scope-any/--scope-all need --scope-note: say in words which codes the release lists');
    opts.scope = { ...(any ? { anyOf: any } : {}), ...(all ? { allOf: all } : {}), note };
    try {
      new ScopeMatcher(opts.scope);
    } catch (e) {
      throw new UsageError(`--scope-any/--scope-all: ${(e as Error).message}`);
    }
  }
  const missing = str('--missing');
  if (missing) opts.missing = [missing];
  const into = str('--into') ?? DEFAULT_TABLES_DIR;

  const inputs = files.map((f) => {
    try {
      return { name: displayPath(f), bytes: readFileSync(f) as Uint8Array };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UnreadableError(`cannot read ${displayPath(f)}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unreadable')}`);
    }
  });
  const res = importFiles(inputs, opts);
  if (res.usage) throw new UsageError(res.usage);
  if (res.problems.length) {
    for (const p of res.problems) io.err(renderProblem(p));
    if (res.moreProblems) io.err(`… and ${res.moreProblems} more problems`);
    io.err(`payer-rules import: ${res.problems.length + res.moreProblems} problem${res.problems.length + res.moreProblems === 1 ? '' : 's'}; nothing was written (the tables in ${displayPath(into)} are unchanged)`);
    return 2;
  }
  // Every release is checked before any is written: a refused import writes nothing.
  if (!flags['--replace']) {
    const existing = res.releases.filter((rel) => existsSync(join(into, rel.table, rel.release)));
    if (existing.length) {
      const names = existing.map((rel) => `${rel.table} release ${rel.release}`).join(', ');
      const list = existing.map((rel) => `  ${displayPath(join(into, rel.table, rel.release))}`).join('\n');
      throw new UsageError(
        `${names} already exist${existing.length === 1 ? 's' : ''} in ${displayPath(into)}; nothing was written:\n${list}\n` +
          `pass --replace to replace ${existing.length === 1 ? 'it' : 'them'} (the change report lists what is added, deleted and modified), or choose another --release NAME`,
      );
    }
  }
  const diffs: TableDiff[] = [];
  try {
    for (const rel of res.releases) {
      const prev = previousRelease(into, rel.table, rel.release, rel.from);
      const prevRows = prev && readReleaseRows(prev.path, prev.manifest);
      const manifest = await writeRelease(into, rel);
      diffs.push(diffReleases(rel.table, rel.kind, prev && infoOf(prev.manifest), prevRows, infoOf(manifest), rel.rows));
    }
  } catch (e) {
    if (e instanceof StoreError) throw new UnreadableError(e.message);
    throw e;
  }
  if (format === 'json') io.out(JSON.stringify(diffs, null, 2));
  else for (const d of diffs) io.out(`wrote ${displayPath(into)}/${d.table}/${d.new.release}\n${renderTableDiff(d)}`);
  return 0;
}
