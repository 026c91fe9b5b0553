// "Save as a test case" (the claims panel): the server de-identifies the claim (deidentify.ts),
// checks the de-identified claim as `payer-rules eval` would (with the page's unsaved ruleset
// buffer in place of its file), and appends it to a case file with that report as the starting
// expectation. The claim the page sent is never written as it came, whatever the page does.
import { z } from 'zod';
import { Document as YamlDocument, parseDocument } from 'yaml';
import { peekHeader } from '../dsl/index.ts';
import type { Report } from '../engine/report.ts';
import { DeidentifyError, deidentifyClaim } from './deidentify.ts';
import type { StudioChecks } from './evaluate.ts';
import { HttpError, MAX_BODY_BYTES, readTarget, resolveTarget, versionOf, writeTarget } from './files.ts';

export const SaveCaseBody = z
  .object({
    /** The case file (`*.cases.yaml`) to add the case to; created when it does not exist. */
    path: z.string().min(1).max(1000),
    /** The version of the case file the page has (null: a new file). */
    baseVersion: z.string().nullable(),
    name: z.string().min(1).max(200),
    claim: z.unknown(),
    /** The open ruleset's unsaved text, in place of its file, as the claims panel ran it. */
    buffers: z.array(z.object({ path: z.string().min(1).max(1000), text: z.string() }).strict()).max(32).optional(),
    /** The ruleset the claims panel runs (a claim without a payer is checked against it). */
    run: z.string().max(1000).optional(),
  })
  .strict();

/** A case file with one more case; the expectation is marked as what the studio reported. */
export function caseText(existing: string | null, name: string, claim: unknown, report: Report, today: string): string {
  const doc = existing ? parseDocument(existing) : new YamlDocument({ cases: [] });
  if (existing && doc.errors.length) throw new HttpError(400, 'the case file is not valid YAML; fix it first');
  const expect: Record<string, unknown> = { status: report.status };
  if (report.status === 'invalid') expect['errors'] = report.errors.map((e) => ({ path: e.path }));
  else expect['findings'] = report.findings.map((f) => ({ rule: f.rule, kind: f.kind, ...(f.line !== undefined ? { line: f.line } : {}) }));
  const node = doc.createNode({ name, claim, expect });
  node.commentBefore = ` saved from the studio's claims panel (de-identified); the expectation is what the studio reported on ${today}: check it against the policy`;
  let cases = doc.get('cases', true);
  if (!cases) {
    doc.set('cases', doc.createNode([]));
    cases = doc.get('cases', true);
  }
  (cases as { items: unknown[] }).items.push(node);
  return doc.toString({ lineWidth: 0 });
}

export async function saveCase(root: string, checks: StudioChecks, b: z.infer<typeof SaveCaseBody>): Promise<[number, unknown]> {
  const t = resolveTarget(root, b.path);
  if (t.kind !== 'cases') throw new HttpError(400, 'a test case is saved into a *.cases.yaml file');
  let safe;
  try {
    safe = deidentifyClaim(b.claim);
  } catch (e) {
    if (e instanceof DeidentifyError) throw new HttpError(400, e.message);
    throw e;
  }
  // As the claims panel runs it: a claim without a payer is checked against the open ruleset.
  const runText = b.run ? b.buffers?.find((x) => x.path === b.run)?.text : undefined;
  const own = b.run && runText !== undefined ? peekHeader({ name: b.run, text: runText })?.id : undefined;
  const value = own && !safe.claim['payer'] ? { ...safe.claim, payer: own } : safe.claim;
  const { reports } = await checks.evaluate({ jobs: [{ lineNo: 1, value }], ...(b.buffers ? { buffers: b.buffers } : {}), ...(b.run ? { run: b.run } : {}) });
  const report = reports[0]!;
  // Read after the check (which awaits): from here to the write nothing awaits, as for a save.
  const cur = readTarget(t, MAX_BODY_BYTES)?.toString('utf8');
  if (cur !== undefined && b.baseVersion !== versionOf(cur)) return [409, { error: 'the case file changed on disk since the studio read it; reload it first', path: b.path, version: versionOf(cur) }];
  if (cur === undefined && b.baseVersion !== null) return [409, { error: 'the case file was deleted on disk since the studio read it', path: b.path, version: null }];
  const text = caseText(cur ?? null, b.name, safe.claim, report, new Date().toISOString().slice(0, 10));
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new HttpError(413, `the case file would be larger than ${MAX_BODY_BYTES} bytes`);
  writeTarget(root, t, text);
  return [cur === undefined ? 201 : 200, { path: b.path, version: versionOf(text), changes: safe.changes, status: report.status }];
}
