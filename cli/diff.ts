// `payer-rules diff OLD NEW [--claims PATH]`: what changed between two rulesets, and which claims
// change outcome under the new one. OLD and NEW are .payer files (or compiled .json) — or two
// releases of a reference table (a release folder, or `TABLE@RELEASE` in rulesets/tables), which
// gives the same change report as `payer-rules import`; with --claims, the claims that change
// outcome between the two releases (tables/impact.ts), evaluated with the rulesets beside the
// table store that use the table.
import { tablesFor } from '../workspace/tables.ts';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { analyze } from '../dsl/index.ts';
import { renderDiagnostic } from '../dsl/render.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { diffRulesets, renderDiff } from '../engine/diff.ts';
import { RulesetLoader, UnreadableError, UsageError, displayPath, readSource, rulesetFiles } from '../workspace/files.ts';
import { loadRulesets } from '../workspace/load.ts';
import { jsonError } from './eval-core.ts';
import { diffReleases, renderTableDiff } from '../tables/diff.ts';
import { claimsImpact, renderClaimsImpact } from '../tables/impact.ts';
import { infoOf, releaseOf, type Manifest } from '../tables/provider.ts';
import { MANIFEST_FILE, StoreError, listReleases, loadTables, readReleaseRows } from '../tables/store.ts';
import { DEFAULT_TABLES_DIR } from './import.ts';

/** A table release named on the command line: a release folder, or TABLE@RELEASE in the store. */
function tableRelease(arg: string): { manifest: Manifest; path: string } | undefined {
  if (existsSync(join(arg, MANIFEST_FILE))) {
    const dir = join(arg, '..', '..');
    return listReleases(dir).find((r) => statSync(r.path).ino === statSync(arg).ino);
  }
  const m = /^([a-z0-9-]+)@([A-Za-z0-9._-]+)$/.exec(arg);
  if (!m || existsSync(arg)) return undefined;
  const found = listReleases(DEFAULT_TABLES_DIR).find((r) => r.manifest.table === m[1] && r.manifest.release === m[2]);
  if (!found) throw new UnreadableError(`no release ${m[2]} of table ${m[1]} in ${DEFAULT_TABLES_DIR}`);
  return found;
}

/** Where a release lives: `<store>/<table>/<release>`; the rulesets that use it sit beside the store. */
const storeOf = (r: { path: string }) => dirname(dirname(r.path));

function tableDiffCommand(a: { manifest: Manifest; path: string }, b: { manifest: Manifest; path: string }, flags: Record<string, string | true>, io: { out: (s: string) => void; err: (s: string) => void }): number {
  if (a.manifest.table !== b.manifest.table && a.manifest.kind !== b.manifest.kind) throw new UsageError(`${a.manifest.table} (${a.manifest.kind}) and ${b.manifest.table} (${b.manifest.kind}) are different kinds of table`);
  const format = flags['--format'] ?? 'text';
  const claimsPath = flags['--claims'];
  if (claimsPath !== undefined && typeof claimsPath !== 'string') throw new UsageError('--claims needs a claims file or folder');
  if (claimsPath && a.manifest.table !== b.manifest.table) throw new UsageError(`--claims compares two releases of one table (rulesets name a table by id): ${a.manifest.table} and ${b.manifest.table} are two tables`);
  try {
    const rowsA = readReleaseRows(a.path, a.manifest);
    const rowsB = readReleaseRows(b.path, b.manifest);
    const d = diffReleases(b.manifest.table, b.manifest.kind, infoOf(a.manifest), rowsA, infoOf(b.manifest), rowsB);
    if (!claimsPath) {
      io.out(format === 'json' ? JSON.stringify(d, null, 2) : renderTableDiff(d, 1000));
      return 0;
    }
    // The rulesets whose `tables/` folder the new release is in (`rulesets/` for rulesets/tables),
    // as the other commands find tables beside rulesets; or --ruleset.
    const store = storeOf(b);
    const rulesetDir = typeof flags['--ruleset'] === 'string' ? flags['--ruleset'] : basename(store) === 'tables' ? dirname(store) : undefined;
    if (!rulesetDir) throw new UsageError(`--claims evaluates claims with the rulesets that use ${b.manifest.table}: a rulesets folder's tables/ holds them (rulesets/tables), and ${displayPath(store)} is not one`);
    if (rulesetFiles(rulesetDir).length === 0) throw new UsageError(`--claims evaluates claims with the rulesets that use ${b.manifest.table}, and there are none in ${displayPath(rulesetDir)}`);
    const rulesets = loadRulesets(rulesetDir, io.err);
    const claims = readClaims(claimsPath);
    const impact = claimsImpact(rulesets, loadTables(store), releaseOf({ manifest: a.manifest, rows: () => rowsA }), releaseOf({ manifest: b.manifest, rows: () => rowsB }), claims, d);
    io.out(format === 'json' ? JSON.stringify({ ...d, claims: impact }, null, 2) : `${renderTableDiff(d, 1000)}\n\n${renderClaimsImpact(impact)}`);
  } catch (e) {
    if (e instanceof StoreError) throw new UnreadableError(e.message);
    throw e;
  }
  return 0;
}

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
  const ta = tableRelease(rest[0]!);
  const tb = tableRelease(rest[1]!);
  if (ta || tb) {
    if (!ta || !tb) throw new UsageError('diff compares two rulesets or two releases of a table, not one of each');
    return tableDiffCommand(ta, tb, flags, io);
  }
  const a = loadOne(rest[0]!, io.err);
  const b = loadOne(rest[1]!, io.err);
  const claims = typeof flags['--claims'] === 'string' ? readClaims(flags['--claims']) : undefined;
  const d = await diffRulesets(a, b, claims, tablesFor(rest[1]!));
  io.out(format === 'json' ? JSON.stringify(d, null, 2) : renderDiff(d));
  return 0;
}
