// `payer-rules convert` prints one `{"claim": …, "diagnostics": […]}` per claim (the contract).
// Billers feed that output straight to `eval` or to the service's batch endpoint, so every claim
// reader takes such a line as the claim it holds. A claim never has the keys `claim` and
// `diagnostics` (the claim schema has neither), so an object with exactly those two keys, the
// second an array, cannot be mistaken for a claim.
//
// The line is judged as `eval` judges the record it came from (cli/eval.ts, jobOf): its warnings
// and notes become the report's `input`, an error makes the claim `invalid` with the reader's
// errors (a null claim — an envelope error — too, so the user sees why, not "a claim must be a
// JSON object"). Only diagnostics under the readers' own codes are carried: convert writes no
// other, and a hand-edited file could hold anything there. Shared by the command line
// (cli/eval-core.ts), the readers (JSON arrays, the studio's batch view) and the service. No Node
// built-ins: the studio runs this in a browser worker.
import type { InputNote } from '../engine/report.ts';
import { PATIENT_DATA_PATHS, WITHHELD_VALUE } from '../engine/claim-schema.ts';
import { READER_CODES, type ReaderCode, type ReaderSeverity } from './diagnostics.ts';

/** An invalid report as the readers can build it (the engine's InvalidReport). */
export interface LineInvalid {
  claimId: string | null;
  status: 'invalid';
  errors: { path: string; message: string }[];
  input?: InputNote[];
}

/** What a claim reader makes of one parsed JSON value: the claim to evaluate (with notes), or its report. */
export type LineValue = { raw: unknown; input?: InputNote[] } | { report: LineInvalid };

/** A diagnostic of a convert line that a reader could have written. */
export interface ConvertedDiagnostic {
  severity: ReaderSeverity;
  code: ReaderCode;
  message: string;
  where: string;
}

/** True for a `payer-rules convert` line: an object whose keys are exactly `claim` and `diagnostics`, the latter an array. */
export function isConvertLine(v: unknown): v is { claim: unknown; diagnostics: unknown[] } {
  if (!v || typeof v !== 'object' || Array.isArray(v) || !('diagnostics' in v)) return false;
  const keys = Object.keys(v);
  return keys.length === 2 && keys.includes('claim') && keys.includes('diagnostics') && Array.isArray((v as { diagnostics: unknown }).diagnostics);
}

const SEVERITIES: readonly unknown[] = ['error', 'warning', 'info'];

/** The diagnostics of a convert line that are well formed and under a reader code; one more when a null claim has no error saying why. */
export function convertedDiagnostics(v: { claim: unknown; diagnostics: unknown[] }): ConvertedDiagnostic[] {
  const out: ConvertedDiagnostic[] = [];
  for (const d of v.diagnostics) {
    if (!d || typeof d !== 'object') continue;
    const { severity, code, message, where } = d as Record<string, unknown>;
    if (!SEVERITIES.includes(severity) || typeof code !== 'string' || !Object.hasOwn(READER_CODES, code) || typeof message !== 'string') continue;
    out.push({ severity: severity as ReaderSeverity, code: code as ReaderCode, message, where: typeof where === 'string' ? where : '' });
  }
  if ((v.claim === null || v.claim === undefined) && !out.some((d) => d.severity === 'error')) {
    out.push({ severity: 'error', code: 'JSON-NO-CLAIM', message: 'this line of `payer-rules convert` output holds no claim (its "claim" is null) and no error saying why', where: 'claim' });
  }
  const withheld = withheldPaths(v.claim);
  if (withheld.length) {
    out.push({
      severity: 'error',
      code: 'JSON-WITHHELD',
      message: `this claim's ${withheld.join(', ')} ${withheld.length > 1 ? 'were' : 'was'} withheld by \`payer-rules convert\`; convert the file again with --with-patient-data to evaluate its output`,
      where: withheld.map((p) => `claim.${p}`).join(', '),
    });
  }
  return out;
}

/** The patient-data fields of a converted claim that hold convert's placeholder instead of a value. */
function withheldPaths(claim: unknown): string[] {
  if (!claim || typeof claim !== 'object') return [];
  const out: string[] = [];
  for (const [group, key] of PATIENT_DATA_PATHS as [string, string][]) {
    const inner = (claim as Record<string, unknown>)[group];
    if (inner && typeof inner === 'object' && (inner as Record<string, unknown>)[key] === WITHHELD_VALUE) out.push(`${group}.${key}`);
  }
  return out;
}

/** The claim a parsed JSON value holds: a convert line's `claim` with its notes (or its invalid report), any other value as it is. */
export function claimOfLine(v: unknown): LineValue {
  if (!isConvertLine(v)) return { raw: v };
  const ds = convertedDiagnostics(v);
  const input: InputNote[] = ds.filter((d) => d.severity !== 'error').map((d) => ({ severity: d.severity, code: d.code, message: d.message, where: d.where }));
  const errors = ds.filter((d) => d.severity === 'error').map((d) => ({ path: d.where, message: `${d.message} [${d.code}]` }));
  if (errors.length) {
    const id = v.claim && typeof v.claim === 'object' ? (v.claim as Record<string, unknown>)['id'] : undefined;
    return { report: { claimId: typeof id === 'string' ? id : null, status: 'invalid', errors, ...(input.length ? { input } : {}) } };
  }
  // A claim that is not an object is handed on: the engine says it must be one.
  return input.length ? { raw: v.claim, input } : { raw: v.claim };
}
