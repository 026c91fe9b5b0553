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
} as const satisfies Record<string, FindingKindInfo>;

export type FindingKind = keyof typeof FINDING_KINDS;

export function isBuiltinKind(k: string): k is FindingKind {
  return Object.hasOwn(FINDING_KINDS, k);
}
