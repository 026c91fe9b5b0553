// `payer-rules test [PATH]`: runs the ruleset test cases (*.cases.yaml) under PATH against the
// rulesets under PATH; a pass/fail line per case, a diff for each failure, then rule coverage.
// Exit 0 only when every case passes.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tablesFor } from '../workspace/tables.ts';
import { Evaluator } from '../engine/index.ts';
import { runCases, type CaseFileInput, type HarnessResult } from '../engine/harness.ts';
import { peekHeader } from '../dsl/index.ts';
import { loadRulesets } from '../workspace/load.ts';
import { displayPath, filesUnder, rulesetFiles } from '../workspace/files.ts';

export function caseFiles(path: string): string[] {
  return filesUnder(path, (name) => /\.cases\.ya?ml$/.test(name));
}

/** The ruleset id of the .payer files beside a case file (its folder or the folder above). */
function folderRuleset(file: string): string | undefined {
  for (const dir of [dirname(file), dirname(dirname(file))]) {
    try {
      for (const n of readdirSync(dir).sort()) {
        if (!n.endsWith('.payer')) continue;
        const h = peekHeader({ name: n, text: readFileSync(join(dir, n), 'utf8') });
        if (h) return h.id;
      }
    } catch {
      // not a folder we can read: try the next one
    }
  }
  return undefined;
}

export async function runTests(path: string, err: (s: string) => void): Promise<HarnessResult> {
  const isDir = statSync(path).isDirectory();
  const rulesetRoot = isDir ? path : dirname(path);
  const root = rulesetFiles(rulesetRoot).length ? rulesetRoot : dirname(rulesetRoot);
  const rulesets = loadRulesets(root, err);
  const files: CaseFileInput[] = caseFiles(path).map((f) => {
    const input: CaseFileInput = { name: displayPath(f), text: readFileSync(f, 'utf8') };
    const id = folderRuleset(f);
    if (id) input.defaultRuleset = id;
    return input;
  });
  return runCases(files, new Evaluator(rulesets, { tables: tablesFor(root) }));
}

/** Ruleset versions no case ran under: a version with no cases is untested, and `test` fails. */
export function versionsWithoutCases(res: HarnessResult): { ruleset: string; version: string }[] {
  const ran = new Set(res.cases.flatMap((c) => (c.report && c.report.status !== 'invalid' && c.report.ruleset ? [`${c.report.ruleset.id}@${c.report.ruleset.version}`] : [])));
  return res.coverage.filter((c) => !ran.has(`${c.ruleset}@${c.version}`)).map((c) => ({ ruleset: c.ruleset, version: c.version }));
}

export function renderResults(res: HarnessResult): string {
  const out: string[] = [];
  let lastFile = '';
  for (const c of res.cases) {
    if (c.file !== lastFile) {
      out.push(c.file);
      lastFile = c.file;
    }
    const mark = c.status === 'pass' ? 'pass' : c.status === 'fail' ? 'FAIL' : 'ERROR';
    out.push(`  ${mark}  ${c.name}${c.status === 'pass' ? '' : `  (${c.file}:${c.line})`}`);
    for (const m of c.messages) out.push(`        ${m}`);
  }
  out.push('', 'rule coverage:');
  for (const cov of res.coverage) {
    out.push(`  ${cov.ruleset} ${cov.version}: ${cov.rules.length} rules`);
    out.push(`    no case fires: ${cov.neverFired.length ? cov.neverFired.join(', ') : 'none'}`);
    out.push(`    no case shows not firing: ${cov.neverShownNotFiring.length ? cov.neverShownNotFiring.join(', ') : 'none'}`);
  }
  const untested = versionsWithoutCases(res);
  if (untested.length) {
    out.push('', 'versions with no test case (each version needs at least one):');
    for (const u of untested) out.push(`  ${u.ruleset} ${u.version}`);
  }
  out.push('', `${res.passed} passed, ${res.failed} failed${untested.length ? `, ${untested.length} version${untested.length === 1 ? '' : 's'} untested` : ''}`);
  return out.join('\n');
}
