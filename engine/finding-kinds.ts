// The finding kinds reports use (DESIGN.md "Report"): one table, with the default severity of each
// and what it means to a biller. The language's domain statements name which kinds they report.
import type { Severity } from './severity.ts';

export interface FindingKindInfo {
  severity: Severity;
  doc: string;
}

export const FINDING_KINDS = {
  'units-exceed-time': { severity: 'error', doc: 'more units billed than the treatment minutes support' },
  'units-below-time': { severity: 'warning', doc: 'fewer units billed than the treatment minutes support' },
  'missing-modifier': { severity: 'error', doc: 'a modifier the payer requires is not on the line' },
  'wrong-discipline-modifier': { severity: 'error', doc: 'the line carries another discipline\'s modifier (e.g. GP on an OT evaluation)' },
  'kx-required': { severity: 'error', doc: 'the yearly therapy threshold is exceeded and the line lacks KX' },
  'assistant-modifier-required': { severity: 'error', doc: 'an assistant furnished more than the de minimis share, and CQ/CO is missing' },
  'assistant-modifier-mismatch': { severity: 'error', doc: 'CQ without GP, or CO without GO' },
  'ncci-bundled': { severity: 'error', doc: 'an NCCI column 2 code billed with its column 1 code, without an allowed bypass modifier' },
  'mue-exceeded': { severity: 'error', doc: 'more units than the medically unlikely edit allows' },
  'telehealth-not-covered': { severity: 'error', doc: 'telehealth is not covered on the date of service' },
  'telehealth-code-not-eligible': { severity: 'error', doc: 'the code may not be delivered by telehealth' },
  'telehealth-modifier-missing': { severity: 'error', doc: 'a telehealth line lacks modifier 95 or 93' },
  'prior-auth-required': { severity: 'error', doc: 'the service needs prior authorization and the claim has none' },
  'prior-auth-expired': { severity: 'error', doc: 'the authorization does not cover the date of service' },
  'visit-limit-exceeded': { severity: 'error', doc: 'more visits than the payer or the authorization allows' },
  'too-many-diagnoses': { severity: 'error', doc: 'more than 12 diagnoses on the claim' },
  'too-many-pointers': { severity: 'error', doc: 'more than 4 diagnosis pointers on a line' },
  'dx-pointer-invalid': { severity: 'error', doc: 'a diagnosis pointer points at no diagnosis on the claim' },
  'no-ruleset': { severity: 'error', doc: 'no version of the payer\'s ruleset covers the date of service' },
  'units-unverifiable': { severity: 'warning', doc: 'a timed code without documented minutes: its units could not be checked' },
  'addon-without-primary': { severity: 'error', doc: 'an add-on code billed without its primary code on the same date of service' },
  'discipline-mismatch': { severity: 'error', doc: 'the line\'s GP/GO/GN disagrees with who rendered it or the provider\'s discipline, or it carries two' },
  'kx-not-needed': { severity: 'warning', doc: 'KX on a line that does not take the year past the threshold (an attestation the facts do not support)' },
  'targeted-review-threshold': { severity: 'info', doc: 'the year\'s therapy passes the targeted medical review threshold' },
  'certification-missing': { severity: 'error', doc: 'the plan of care has not been certified by the physician or NPP' },
  'certification-expired': { severity: 'error', doc: 'the date of service is past the plan of care\'s certification' },
  'certification-late': { severity: 'warning', doc: 'the plan of care was certified more than 30 days after the initial treatment' },
  'progress-report-due': { severity: 'warning', doc: 'a progress report is due (at least every 10 treatment days)' },
  'invalid-code': { severity: 'error', doc: 'a procedure code not valid on the date of service' },
  'invalid-diagnosis': { severity: 'error', doc: 'not a billable ICD-10-CM code on the date of service' },
  'missing-diagnosis': { severity: 'error', doc: 'no diagnosis on the claim, or a line that points at none' },
  'medical-necessity': { severity: 'error', doc: 'the line\'s diagnoses do not support the procedure under the payer\'s list' },
  'npi-invalid': { severity: 'error', doc: 'an NPI that fails the check digit' },
  'timely-filing-exceeded': { severity: 'error', doc: 'the claim is submitted after the payer\'s filing limit for the date of service' },
  'clinical-review-waived': { severity: 'info', doc: 'the visit falls where the payer waives clinical review (the authorization is still required)' },
} as const satisfies Record<string, FindingKindInfo>;

export type FindingKind = keyof typeof FINDING_KINDS;

export function isBuiltinKind(k: string): k is FindingKind {
  return Object.hasOwn(FINDING_KINDS, k);
}
