// The one place the service and its batch threads build an Evaluator from compiled rulesets, and
// the content hash each report carries. When the engine gains options (reference tables), they are
// added here once.
import { createHash } from 'node:crypto';
import { Evaluator, NO_TABLES, type Report } from '../engine/index.ts';
import { tablesFor } from '../workspace/tables.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';

/** The evaluator for a set, with the reference tables beside `tablesFrom` (a rulesets folder). */
export function makeEvaluator(rulesets: readonly CompiledRuleset[], tablesFrom?: string): Evaluator {
  return new Evaluator(rulesets, { tables: tablesFrom ? tablesFor(tablesFrom) : NO_TABLES });
}

/**
 * A ruleset's content hash: the engine's own when the compiled ruleset carries one, otherwise the
 * SHA-256 of the compiled ruleset (its `extends` chain resolved into it), so two replicas running
 * the same rules report the same hash and any change to a rule changes it.
 */
export function rulesetHash(rs: CompiledRuleset): string {
  const own = (rs.ruleset as { hash?: unknown }).hash;
  if (typeof own === 'string' && own) return own;
  return 'sha256:' + createHash('sha256').update(JSON.stringify(rs)).digest('hex').slice(0, 32);
}

/** `id@version` → content hash, for stamping reports. */
export type HashIndex = Map<string, string>;

export function hashIndex(rulesets: readonly CompiledRuleset[]): HashIndex {
  return new Map(rulesets.map((rs) => [`${rs.ruleset.id}@${rs.ruleset.version}`, rulesetHash(rs)]));
}

/** Fills in the content hash of the ruleset version(s) a report used, when the engine left it out. */
export function stampHash(report: Report, index: HashIndex): Report {
  if (report.status === 'invalid') return report;
  if (report.ruleset && report.ruleset.hash === undefined) {
    const h = index.get(`${report.ruleset.id}@${report.ruleset.version}`);
    if (h) report.ruleset.hash = h;
  }
  for (const v of report.versions ?? []) {
    if (v.hash === undefined) {
      const h = index.get(`${v.id}@${v.version}`);
      if (h) v.hash = h;
    }
  }
  return report;
}
