// The ruleset test harness: case files (YAML, written by compliance leads) → pass/fail per case
// with a readable diff, and rule coverage (rules no case fires; rules no case shows not firing).
// Browser-safe: it takes file texts and an Evaluator, and reads no files itself.
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import type { Evaluator } from './index.ts';
import type { Finding, Report } from './report.ts';
import type { CompiledRuleset } from './compiled.ts';

const FindingExpect = z
  .object({
    rule: z.string().optional(),
    kind: z.string().optional(),
    line: z.number().int().min(1).optional(),
    code: z.string().optional(),
    modifier: z.string().optional(),
    severity: z.enum(['error', 'warning', 'info']).optional(),
  })
  .strict();

export const CaseSchema = z
  .object({
    name: z.string().min(1),
    claim: z.record(z.string(), z.unknown()).optional(),
    claimRef: z.string().optional(),
    expect: z
      .object({
        status: z.enum(['clean', 'warnings', 'errors', 'invalid']).optional(),
        findings: z.array(FindingExpect).optional(),
        notFired: z.array(z.string()).optional(),
        units: z.array(z.number().int().min(0).nullable()).optional(),
        /** Checks the report must say it could not make (rule id, and the line when given). */
        notChecked: z.array(z.object({ rule: z.string(), line: z.number().int().min(1).optional() }).strict()).optional(),
        errors: z.array(z.object({ path: z.string() }).strict()).optional(),
      })
      .strict(),
  })
  .strict();

export const CaseFileSchema = z
  .object({
    ruleset: z.string().optional(),
    base: z.record(z.string(), z.unknown()).optional(),
    claims: z.array(z.record(z.string(), z.unknown())).optional(),
    cases: z.array(z.unknown()).min(1),
  })
  .strict();

export type CaseExpect = z.infer<typeof CaseSchema>['expect'];

export interface CaseResult {
  file: string;
  /** 1-based line of the case in its file. */
  line: number;
  name: string;
  status: 'pass' | 'fail' | 'error';
  /** Why it failed or could not run, as lines for people. */
  messages: string[];
  report?: Report;
}

export interface RuleCoverage {
  ruleset: string;
  version: string;
  rules: string[];
  neverFired: string[];
  neverShownNotFiring: string[];
}

export interface HarnessResult {
  cases: CaseResult[];
  coverage: RuleCoverage[];
  passed: number;
  failed: number;
}

/** Deep merge for claims: objects merge, a `null` removes the key, anything else replaces. */
function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return structuredClone(base);
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(structuredClone(base) as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over)) {
      if (v === null) delete out[k];
      else out[k] = merge(out[k], v);
    }
    return out;
  }
  return structuredClone(over);
}

function lineOf(node: YamlNode | null | undefined, lc: LineCounter): number {
  const off = node?.range?.[0];
  return off === undefined ? 1 : lc.linePos(off).line;
}

function describeFinding(f: Partial<Finding>): string {
  const parts = [f.rule, f.kind && `(${f.kind})`, f.line !== undefined && `line ${f.line}`, f.code, f.modifier && `modifier ${f.modifier}`, f.severity].filter(Boolean);
  return parts.join(' ');
}

function matches(actual: Finding, exp: z.infer<typeof FindingExpect>): boolean {
  return (Object.keys(exp) as (keyof typeof exp)[]).every((k) => exp[k] === undefined || actual[k] === exp[k]);
}

/** Compares a report with what the case expects; returns the differences, empty when it passes. */
export function compareExpect(report: Report, exp: CaseExpect): string[] {
  const out: string[] = [];
  if (exp.status && report.status !== exp.status) out.push(`status: expected ${exp.status}, got ${report.status}`);
  if (report.status === 'invalid') {
    if (exp.errors) {
      for (const e of exp.errors) if (!report.errors.some((a) => a.path === e.path)) out.push(`expected an input error at \`${e.path}\``);
    }
    if (exp.findings?.length || exp.units) out.push(`the claim is invalid: ${report.errors.map((e) => `${e.path || '(claim)'} ${e.message}`).join('; ')}`);
    return out;
  }
  if (exp.findings) {
    const left = [...report.findings];
    const missing: string[] = [];
    for (const e of exp.findings) {
      const i = left.findIndex((a) => matches(a, e));
      if (i < 0) missing.push(describeFinding(e));
      else left.splice(i, 1);
    }
    for (const m of missing) out.push(`- expected finding not reported: ${m}`);
    for (const a of left) out.push(`+ unexpected finding: ${describeFinding(a)}: ${a.message}`);
  }
  for (const rule of exp.notFired ?? []) {
    const hit = report.findings.find((f) => f.rule === rule);
    if (hit) out.push(`+ ${rule} fired but should not: ${describeFinding(hit)}: ${hit.message}`);
  }
  for (const n of exp.notChecked ?? []) {
    const hit = (report.notChecked ?? []).some((a) => a.rule === n.rule && (n.line === undefined || a.line === n.line || (a.lines ?? []).includes(n.line)));
    if (!hit) out.push(`- expected "not checked" not reported: ${n.rule}${n.line !== undefined ? ` line ${n.line}` : ''}`);
  }
  if (exp.units) {
    exp.units.forEach((u, i) => {
      const l = report.lines[i];
      if (u === null) return;
      if (!l) out.push(`units: expected line ${i + 1} to exist`);
      else if (l.expectedUnits !== u) out.push(`units: line ${i + 1} (${l.code}) expected ${u}, the policy gives ${l.expectedUnits} — ${l.explanation}`);
    });
  }
  return out;
}

export interface CaseFileInput {
  name: string;
  text: string;
  /** The ruleset id of the folder the file sits in (used when the file names none). */
  defaultRuleset?: string;
}

/** Runs every case of every file. Malformed files and cases become `error` results with a line. */
export async function runCases(files: readonly CaseFileInput[], evaluator: Evaluator): Promise<HarnessResult> {
  const results: CaseResult[] = [];
  const rulesets = evaluator.rulesets;
  const ruleIds = new Map<string, Set<string>>();
  for (const rs of rulesets) {
    const ids = ruleIds.get(rs.ruleset.id) ?? new Set<string>();
    for (const r of rs.rules) ids.add(r.event.params.rule);
    ruleIds.set(rs.ruleset.id, ids);
  }
  // Coverage is counted per rule definition (the file and id it was written with): a rule a base
  // defines once is covered by a case under any version that inherits it.
  const fired = new Set<string>();
  const shownNot = new Set<string>();
  const defOf = (rs: CompiledRuleset, rule: string) => `${rs.origins[rule]?.file ?? rs.ruleset.id}\u0000${rule}`;
  const byVersion = new Map(rulesets.map((rs) => [`${rs.ruleset.id}@${rs.ruleset.version}`, rs]));

  for (const file of files) {
    const lc = new LineCounter();
    const doc = parseDocument(file.text, { lineCounter: lc, prettyErrors: false });
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      results.push({ file: file.name, line: e.linePos?.[0]?.line ?? 1, name: '(file)', status: 'error', messages: [`not valid YAML: ${e.message.split('\n')[0]}`] });
      continue;
    }
    const parsed = CaseFileSchema.safeParse(doc.toJS());
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const node = doc.getIn(issue.path as (string | number)[], true) as YamlNode | undefined;
      results.push({ file: file.name, line: lineOf(node ?? doc.contents, lc), name: '(file)', status: 'error', messages: [`${issue.path.join('.') || 'the file'}: ${issue.message}`] });
      continue;
    }
    const cf = parsed.data;
    const rulesetId = cf.ruleset ?? file.defaultRuleset;
    const casesNode = doc.get('cases', true);
    if (rulesetId && !ruleIds.has(rulesetId)) {
      results.push({ file: file.name, line: lineOf(doc.get('ruleset', true) as YamlNode, lc), name: '(file)', status: 'error', messages: [`no ruleset \`${rulesetId}\` was loaded (known: ${[...ruleIds.keys()].join(', ')})`] });
      continue;
    }
    for (let i = 0; i < cf.cases.length; i++) {
      const node = isSeq(casesNode) ? (casesNode.items[i] as YamlNode) : undefined;
      const line = lineOf(node, lc);
      const c = CaseSchema.safeParse(cf.cases[i]);
      const rawName = (cf.cases[i] as { name?: unknown })?.name;
      const name = typeof rawName === 'string' ? rawName : `case ${i + 1}`;
      if (!c.success) {
        const issue = c.error.issues[0]!;
        const at = isMap(node) ? (node.getIn(issue.path as (string | number)[], true) as YamlNode | undefined) : undefined;
        results.push({ file: file.name, line: at ? lineOf(at, lc) : line, name, status: 'error', messages: [`${issue.path.join('.') || 'case'}: ${issue.message}`] });
        continue;
      }
      const cs = c.data;
      const known = rulesetId ? ruleIds.get(rulesetId)! : new Set([...ruleIds.values()].flatMap((s) => [...s]));
      const unknownRules = [...(cs.expect.findings ?? []).map((f) => f.rule), ...(cs.expect.notFired ?? [])].filter((r): r is string => !!r && r !== 'NO-RULESET' && !known.has(r));
      if (unknownRules.length) {
        results.push({ file: file.name, line, name, status: 'error', messages: unknownRules.map((r) => `no rule \`${r}\` in ${rulesetId ?? 'the loaded rulesets'}`) });
        continue;
      }
      let claim: unknown;
      if (cs.claimRef) {
        const shared = cf.claims?.find((x) => x['id'] === cs.claimRef);
        if (!shared) {
          results.push({ file: file.name, line, name, status: 'error', messages: [`claimRef \`${cs.claimRef}\` is not among this file's claims`] });
          continue;
        }
        claim = merge(merge(cf.base ?? {}, shared), cs.claim);
      } else claim = merge(cf.base ?? {}, cs.claim ?? {});
      if (claim && typeof claim === 'object' && rulesetId && !(claim as { payer?: unknown }).payer) (claim as Record<string, unknown>)['payer'] = rulesetId;
      const report = evaluator.evaluateSync(claim, { explain: true });
      const diff = compareExpect(report, cs.expect);
      if (report.status !== 'invalid' && report.ruleset) {
        for (const x of report.findings) if (x.source) fired.add(`${x.source.file}\u0000${x.rule}`);
        if (diff.length === 0) {
          const used = [report.ruleset, ...(report.versions ?? [])].map((v) => byVersion.get(`${v.id}@${v.version}`)).filter((v): v is CompiledRuleset => !!v);
          for (const r of cs.expect.notFired ?? []) for (const rs of used) shownNot.add(defOf(rs, r));
          // A near miss also shows a rule not firing: some of its conditions held, not all.
          for (const t of report.explain ?? []) {
            const file = t.conditions.find((x) => x.source)?.source?.file;
            if (!t.fired && file && t.conditions.some((x) => x.result)) shownNot.add(`${file}\u0000${t.rule.split(':')[0]!}`);
          }
        }
        delete (report as { explain?: unknown }).explain;
      }
      results.push({ file: file.name, line, name, status: diff.length ? 'fail' : 'pass', messages: diff, report });
    }
  }
  const coverage: RuleCoverage[] = rulesets.map((rs) => {
    const rules = [...new Set(rs.rules.map((r) => r.event.params.rule))].sort();
    return {
      ruleset: rs.ruleset.id,
      version: rs.ruleset.version,
      rules,
      neverFired: rules.filter((r) => !fired.has(defOf(rs, r))),
      neverShownNotFiring: rules.filter((r) => !shownNot.has(defOf(rs, r))),
    };
  });
  const passed = results.filter((r) => r.status === 'pass').length;
  return { cases: results, coverage, passed, failed: results.length - passed };
}
