// De-identification of a claim before the studio writes it into a test-case file (a repository):
// the patient's identity, member ids and authorization numbers never reach a case file, and what
// the rules judge stays the same. Driven by the claim contract (engine/claim-schema.ts):
//   - a field the schema marks `phi: true` keeps its presence but gets a placeholder
//     (priorAuthorization.number → AUTH-1), so "has an authorization number" rules judge alike;
//   - the patient object keeps only a synthetic birth date giving the same age in whole years on
//     the claim's date of service (the only thing rules read from it: claim.patient.age), so age
//     rules judge alike; its id and anything else (names, member ids) are dropped;
//   - keys the contract does not have (a member id, a name, a subscriber block…) are dropped: the
//     engine never reads them, so the case judges the same without them.
// Runs on the server, so no page or script can write a case around it. Messages name fields only,
// never their values.
import { z } from 'zod';
import { ClaimSchema, LineSchema, fieldMeta } from '../engine/claim-schema.ts';
import { addMonths, ageOn, formatDate, parseDate } from '../engine/dates.ts';

/** Placeholders for PHI fields, by path; any other `phi` field gets `REDACTED-1`. */
const PLACEHOLDER: Record<string, string> = { 'priorAuthorization.number': 'AUTH-1' };

export class DeidentifyError extends Error {}

export interface Deidentified {
  claim: Record<string, unknown>;
  /** What was changed, by field path (never a value), for the person to see. */
  changes: string[];
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodPipe) {
    cur = (cur instanceof z.ZodPipe ? (cur as z.ZodPipe).in : (cur as z.ZodOptional).unwrap()) as z.ZodType;
  }
  return cur;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The synthetic birth date: the date of service minus the age in whole years (same age that day). */
export function syntheticBirthDate(birthDate: string, dateOfService: string): string {
  const b = parseDate(birthDate);
  const d = parseDate(dateOfService);
  if (b === undefined) throw new DeidentifyError("the patient's birth date is not a real date written YYYY-MM-DD; fix it before saving the claim as a test case");
  if (d === undefined) throw new DeidentifyError('the claim has no valid date of service, so the birth date cannot be replaced by one giving the same age; fix it first');
  if (b > d) throw new DeidentifyError("the patient's birth date is after the date of service; fix it first");
  const age = ageOn(b, d);
  const synthetic = addMonths(d, -12 * age);
  // addMonths clamps 29 February to the 28th, which on the date of service gives the same age.
  if (ageOn(synthetic, d) !== age) throw new Error('synthetic birth date does not keep the age');
  return formatDate(synthetic);
}

function walk(value: Record<string, unknown>, shape: z.ZodRawShape, prefix: string, claim: Record<string, unknown>, changes: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const schema = shape[key] as z.ZodType | undefined;
    if (!schema) {
      changes.push(`dropped ${path} (not a claim field)`);
      continue;
    }
    if (!prefix && key === 'patient') {
      const p = isObject(v) ? v : {};
      for (const k of Object.keys(p)) if (k !== 'birthDate') changes.push(`dropped patient.${k}`);
      if (typeof p['birthDate'] === 'string') {
        out['patient'] = { birthDate: syntheticBirthDate(p['birthDate'], String(claim['dateOfService'] ?? '')) };
        changes.push('replaced patient.birthDate with a synthetic date giving the same age on the date of service');
      } else if (p['birthDate'] !== undefined) changes.push('dropped patient.birthDate (not a date)');
      continue;
    }
    if (fieldMeta.get(schema)?.phi) {
      if (v === undefined || v === null || v === '') out[key] = v;
      else {
        out[key] = PLACEHOLDER[path] ?? 'REDACTED-1';
        changes.push(`replaced ${path} with ${String(out[key])}`);
      }
      continue;
    }
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject && isObject(v)) out[key] = walk(v, inner.shape, path, claim, changes);
    else if (path === 'lines' && Array.isArray(v)) out[key] = v.map((l, i) => (isObject(l) ? walk(l, LineSchema.shape, `lines[${i}]`, claim, changes) : l));
    else out[key] = v;
  }
  return out;
}

/** The claim as it may be written into a case file. Throws DeidentifyError when it cannot be made safe. */
export function deidentifyClaim(claim: unknown): Deidentified {
  if (!isObject(claim)) throw new DeidentifyError('a test case holds one claim object');
  const changes: string[] = [];
  const out = walk(claim, ClaimSchema.shape, '', claim, changes);
  // Line paths: say a change once, not once per line.
  return { claim: out, changes: [...new Set(changes.map((c) => c.replace(/lines\[\d+\]/, 'lines[…]')))] };
}
