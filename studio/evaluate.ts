// Claims checked by the studio server, with the reference tables, exactly as `payer-rules eval`,
// `test` and `diff` check them: the same compiled rulesets (compile.ts), the same tables (the
// folder `eval --ruleset DIR` finds), and the same per-claim code as `eval` (cli/eval-core.ts's
// evaluateLine: parsing, validation, "did you mean" for a payer, reader notes, duplicate ids).
//
// Why the server and not the page: the tables are national-size (2.6 M NCCI edits), their lookups
// read files, and a biller must get the same report in the studio as from `eval` for the same
// saved rulesets and claims. The page keeps its worker for what must be instant and needs no
// tables (diagnostics, completion, hover, formatting); everything that evaluates a claim —
// the claims panel, the claim form, the batch view, the test runner and the diff's claim
// impact — asks here. Reports carry codes and findings, never patient data, and nothing here logs.
import { z } from 'zod';
import { analyze, peekHeader, rulesetLoader } from '../dsl/index.ts';
import { diffRulesets, type RulesetDiff } from '../engine/diff.ts';
import { runCases, type CaseFileInput, type HarnessResult } from '../engine/harness.ts';
import { NO_TABLES, type TableProvider } from '../engine/index.ts';
import { duplicateReport, evaluateLine, type LineJob } from '../cli/eval-core.ts';
import { StoreError } from '../tables/store.ts';
import type { EvalReport } from '../writers/index.ts';
import { RulesetSets, type CompiledSet, type LeftOut, type Overlay } from './compile.ts';
import { HttpError, MAX_READ_BYTES, listTargets, readTarget, resolveTarget } from './files.ts';
import type { StudioTables, TablesStatus } from './tables.ts';

/** The most claims one request may carry (the page sends a batch in chunks). */
export const MAX_JOBS = 5000;

const Buffers = z.array(z.object({ path: z.string().min(1).max(1000), text: z.string() }).strict()).max(32);
const Note = z.object({ severity: z.enum(['error', 'warning', 'info']), code: z.string().max(64), message: z.string().max(4000), where: z.string().max(1000) }).strict();

/** One claim to check: as `eval`'s jobs are (cli/eval-core.ts LineJob), plus a duplicate's first place. */
const Job = z
  .object({
    lineNo: z.number().int().min(1),
    /** The claim as a reader read it (JSON, 837P, CSV), or a pasted claim. */
    value: z.unknown().optional(),
    /** An NDJSON line as written (parsed here, as `eval` parses a streamed line). */
    text: z.string().optional(),
    /** A line longer than a claim may be: its length in bytes (never sent). */
    tooLong: z.number().int().min(0).optional(),
    /** Why the reader could not hand the claim on. */
    errors: z.array(z.object({ path: z.string().max(1000), message: z.string().max(4000) }).strict()).max(200).optional(),
    claimId: z.string().nullable().optional(),
    /** What the reader noticed (warnings, notes). */
    input: z.array(Note).max(200).optional(),
    /** The claim's id appeared earlier in the same input, first as claim N (1-based): reported as `eval` reports it. */
    duplicateOf: z.number().int().min(1).optional(),
  })
  .strict();

export const EvaluateBody = z
  .object({
    /** Unsaved ruleset buffers, in place of their files. */
    buffers: Buffers.optional(),
    /** The buffer being run: an error when it does not compile (rather than silently left out). */
    run: z.string().max(1000).optional(),
    jobs: z.array(Job).max(MAX_JOBS),
    /** `eval --as-of`: fills submittedOn where a claim has none. */
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  })
  .strict();

export const TestsBody = z.object({ path: z.string().min(1).max(1000), text: z.string() }).strict();

export const DiffBody = z
  .object({
    path: z.string().min(1).max(1000),
    text: z.string(),
    /** The other version's text, and its file when it is another version (else the saved file of `path`). */
    against: z.string(),
    againstPath: z.string().max(1000).optional(),
    /** Claims files (inside claims/ folders); default: every claims file of the ruleset's folder. */
    claimsFiles: z.array(z.string().max(1000)).max(64).optional(),
  })
  .strict();

/**
 * A check that cannot run for a reason the person can fix (the buffer has errors, no case files):
 * answered 200 with `{ error }`, as the page shows it, not as a failed request.
 */
export class Refused extends Error {}

/** What every answer says about how it was checked. */
export interface Checked {
  tables: TablesStatus & { rules?: string[] };
  /** Ruleset files that did not compile and were left out (eval would refuse to run). */
  leftOut: LeftOut[];
}

export class StudioChecks {
  readonly sets: RulesetSets;

  constructor(
    private readonly root: string,
    private readonly tables: StudioTables,
  ) {
    this.sets = new RulesetSets(root);
  }

  /**
   * Runs `f` with the current tables; when a release's rows cannot be read midway, the tables are
   * marked unavailable and `f` runs again without them (and the answer says so).
   */
  private async withTables<T>(overlays: readonly Overlay[], f: (set: CompiledSet, tables: TableProvider) => Promise<T>): Promise<{ value: T; checked: Checked }> {
    const cur = this.tables.current();
    let status = cur.status;
    let provider = cur.provider;
    let set = this.sets.get(overlays, provider, status.available);
    let value: T;
    try {
      value = await f(set, provider);
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      status = this.tables.broken(e);
      provider = NO_TABLES;
      set = this.sets.get(overlays, provider, false);
      value = await f(set, provider);
    }
    return { value, checked: { tables: status.available ? status : { ...status, rules: set.tableRules }, leftOut: set.leftOut } };
  }

  /** Fails when the buffer being run (or tested, or compared) is among the files left out. */
  private mustCompile(set: CompiledSet, path: string | undefined, what: string): void {
    const out = path && set.leftOut.find((l) => l.path === path);
    if (out) throw new Refused(`the ruleset has errors; fix them to ${what} (${out.first})`);
  }

  async evaluate(body: z.infer<typeof EvaluateBody>): Promise<{ reports: EvalReport[] } & Checked> {
    const overlays = body.buffers ?? [];
    const { value, checked } = await this.withTables(overlays, async (set) => {
      this.mustCompile(set, body.run, 'run it');
      const reports: EvalReport[] = [];
      for (const job of body.jobs) {
        if (job.duplicateOf !== undefined && typeof job.claimId === 'string') reports.push(duplicateReport(job.claimId, job.duplicateOf));
        else reports.push(await evaluateLine(set.evaluator, job as LineJob, 'compiled', false, body.asOf ? { asOf: body.asOf } : {}));
      }
      return reports;
    });
    return { reports: value, ...checked };
  }

  /** `payer-rules test` for the studio: a ruleset's buffer runs every case file of its folder; a case file's buffer runs alone. */
  async tests(body: z.infer<typeof TestsBody>): Promise<{ result: HarnessResult } & Checked> {
    const fromRuleset = body.path.endsWith('.payer');
    const kind = resolveTarget(this.root, body.path).kind;
    if (kind === 'claims') throw new HttpError(400, 'tests run from a ruleset or a case file');
    const folder = body.path.split('/').slice(0, -1).join('/');
    const listed = listTargets(this.root).files;
    // As `payer-rules test FOLDER`: the case files in the folder and below it.
    const inFolder = (p: string) => folder === '' || p.startsWith(`${folder}/`);
    const caseFiles: CaseFileInput[] = [];
    for (const f of listed) {
      if (f.kind !== 'cases' || !inFolder(f.path) || (!fromRuleset && f.path !== body.path)) continue;
      const text = f.path === body.path ? body.text : readTarget(resolveTarget(this.root, f.path), MAX_READ_BYTES)?.toString('utf8');
      if (text !== undefined) caseFiles.push({ name: f.path, text });
    }
    if (!fromRuleset && !caseFiles.some((c) => c.name === body.path)) caseFiles.push({ name: body.path, text: body.text });
    if (!caseFiles.length) throw new Refused(`no *.cases.yaml files in ${folder || 'the rulesets folder'}/`);
    const overlays = fromRuleset ? [{ path: body.path, text: body.text }] : [];
    const { value, checked } = await this.withTables(overlays, async (set) => {
      this.mustCompile(set, fromRuleset ? body.path : undefined, 'run its cases');
      // As `payer-rules test`: a case file names its ruleset, else the one beside it (its folder or the one above).
      const id = fromRuleset ? peekHeader({ name: body.path, text: body.text })?.id : folderRuleset(set, folder);
      return runCases(id ? caseFiles.map((c) => ({ ...c, defaultRuleset: id })) : caseFiles, set.evaluator);
    });
    return { result: value, ...checked };
  }

  /** `payer-rules diff OLD NEW --claims`: the buffer against its saved text or another version, with the claims' changed outcomes. */
  async diff(body: z.infer<typeof DiffBody>): Promise<{ diff: RulesetDiff; otherIsOld: boolean; notes: string[] } & Checked> {
    if (resolveTarget(this.root, body.path).kind !== 'ruleset') throw new HttpError(400, 'a diff compares rulesets (.payer files)');
    if (body.againstPath !== undefined && resolveTarget(this.root, body.againstPath).kind !== 'ruleset') throw new HttpError(400, 'a diff compares rulesets (.payer files)');
    const folder = body.path.split('/').slice(0, -1).join('/');
    const listed = listTargets(this.root).files.filter((f) => f.kind === 'claims');
    for (const p of body.claimsFiles ?? []) if (resolveTarget(this.root, p).kind !== 'claims') throw new HttpError(400, `${p} is not a claims file`);
    const files = body.claimsFiles ?? listed.filter((f) => f.path.startsWith(`${folder}/claims/`)).map((f) => f.path);
    const notes: string[] = [];
    const claims: unknown[] = [];
    for (const p of files) {
      const text = readTarget(resolveTarget(this.root, p), MAX_READ_BYTES)?.toString('utf8');
      if (text === undefined) notes.push(`${p}: no such file`);
      else claims.push(...claimsOf(p, text, notes));
    }
    const { value, checked } = await this.withTables([{ path: body.path, text: body.text }], async (set, tables) => {
      const others = set.sources.filter((s) => s.name !== body.path);
      // As `payer-rules diff`: the two versions are compiled as they are (table names are checked by `check`).
      const mine = analyze({ name: body.path, text: body.text }, { loadRuleset: rulesetLoader(others) });
      if (!mine.compiled) throw new Refused('the ruleset has errors; fix them to compare it');
      const otherName = body.againstPath ?? `${body.path} (saved)`;
      const other = analyze({ name: otherName, text: body.against }, { loadRuleset: rulesetLoader(set.sources.filter((s) => s.name !== (body.againstPath ?? body.path))) });
      if (!other.compiled) throw new Refused(`the other version (${otherName}) has errors`);
      // Older version on the left: against another version, the earlier one is "old".
      const [a, b] = other.compiled.ruleset.effective.from <= mine.compiled.ruleset.effective.from ? [other.compiled, mine.compiled] : [mine.compiled, other.compiled];
      const otherIsOld = !body.againstPath || a === other.compiled;
      const diff = await diffRulesets(body.againstPath ? a : other.compiled, body.againstPath ? b : mine.compiled, claims, tables);
      return { diff, otherIsOld };
    });
    return { ...value, notes, ...checked };
  }
}

/** The ruleset id of the first `.payer` file in a case file's folder, or the folder above (as `payer-rules test`). */
function folderRuleset(set: CompiledSet, folder: string): string | undefined {
  const parent = folder.split('/').slice(0, -1).join('/');
  for (const dir of [folder, parent]) {
    const src = set.sources.find((s) => s.name.split('/').slice(0, -1).join('/') === dir);
    const id = src && peekHeader(src)?.id;
    if (id) return id;
  }
  return undefined;
}

/**
 * Claims of a claims file as `payer-rules diff --claims` reads them: a JSON claim or array, or
 * NDJSON (a line that is not JSON stays in place as an invalid claim). Other formats are noted.
 */
function claimsOf(path: string, text: string, notes: string[]): unknown[] {
  if (/\.(ndjson|jsonl)$/.test(path)) {
    return text.split('\n').filter((l) => l.trim()).map((l) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        return { notJson: true };
      }
    });
  }
  if (!path.endsWith('.json')) {
    notes.push(`${path}: the claim impact reads JSON and NDJSON claims files (as \`payer-rules diff --claims\`); open it in the batch view`);
    return [];
  }
  try {
    const data = JSON.parse(text) as unknown;
    return Array.isArray(data) ? data : [data];
  } catch {
    notes.push(`${path}: not valid JSON; its claims were left out`);
    return [];
  }
}
