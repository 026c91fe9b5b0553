// New versions on disk, shared by `payer-rules new-version` and the studio's API: reads the
// rulesets and case files of the folder, plans with new-version.ts, and writes the plan all or
// nothing (every file checked before any is written).
import { MAX_BODY_BYTES, applyWrites, listTargets, readTarget, resolveTarget } from './files.ts';
import { planNewVersion, type NewVersionOptions, type NewVersionPlan } from './new-version.ts';

/** Plans and writes a new version of `rulesetId` in the rulesets folder `root`. */
export function createNewVersion(root: string, rulesetId: string, version: string, opts: NewVersionOptions = {}): NewVersionPlan {
  const texts = listTargets(root)
    .files.filter((f) => f.kind !== 'claims' && f.size <= MAX_BODY_BYTES)
    .map((f) => ({ path: f.path, text: readTarget(resolveTarget(root, f.path), MAX_BODY_BYTES)?.toString('utf8') ?? '' }));
  const plan = planNewVersion(texts, rulesetId, version, opts);
  applyWrites(root, plan.writes);
  return plan;
}
