// The statement forms of the four domain blocks: one table saying where each may appear, whether
// it is a rule (needs an id, reports findings) or a setting, and which finding kinds it reports.
import type { BlockKind, BodyKind } from './ast.ts';
import type { FindingKind } from '../engine/finding-kinds.ts';

export interface StatementInfo {
  /** How the statement reads, for messages. */
  words: string;
  blocks: readonly BlockKind[];
  /** Rules report findings and need a stable id; settings configure their block. */
  isRule: boolean;
  kinds: readonly FindingKind[];
}

export const STATEMENTS: Record<BodyKind, StatementInfo> = {
  UnitsMethod: { words: '`method`', blocks: ['units'], isRule: true, kinds: ['units-exceed-time', 'units-below-time', 'units-unverifiable', 'addon-without-primary'] },
  UnitPair: { words: '`pair … first … then … each …`', blocks: ['units'], isRule: false, kinds: [] },
  ProcedureValidity: { words: '`procedure codes in table …`', blocks: ['validity'], isRule: true, kinds: ['invalid-code'] },
  DiagnosisValidity: { words: '`diagnoses in table …`', blocks: ['validity'], isRule: true, kinds: ['invalid-diagnosis'] },
  TargetedReview: { words: '`targeted review above …`', blocks: ['modifiers'], isRule: true, kinds: ['targeted-review-threshold'] },
  AuthCoversVisits: { words: '`auth covers visits`', blocks: ['prior-auth'], isRule: true, kinds: ['visit-limit-exceeded'] },
  UnitCodes: { words: '`timed codes` / `untimed codes`', blocks: ['units'], isRule: false, kinds: [] },
  MinutesPerUnit: { words: '`minutes per unit`', blocks: ['units'], isRule: false, kinds: [] },
  MinimumMinutes: { words: '`minimum … minutes`', blocks: ['units'], isRule: false, kinds: [] },
  RequireModifier: { words: '`require … on …`', blocks: ['modifiers', 'telehealth'], isRule: true, kinds: ['missing-modifier', 'wrong-discipline-modifier', 'telehealth-modifier-missing'] },
  RequireKx: { words: '`require KX above …`', blocks: ['modifiers'], isRule: true, kinds: ['kx-required', 'kx-not-needed'] },
  RequireAssistant: { words: '`require … with … when assistant minutes above …`', blocks: ['modifiers'], isRule: true, kinds: ['assistant-modifier-required', 'assistant-modifier-mismatch'] },
  NcciTable: { words: '`ncci`', blocks: ['modifiers'], isRule: true, kinds: ['ncci-bundled'] },
  MueTable: { words: '`mue`', blocks: ['modifiers'], isRule: true, kinds: ['mue-exceeded'] },
  RequireAuth: { words: '`require auth for …`', blocks: ['prior-auth'], isRule: true, kinds: ['prior-auth-required'] },
  AuthCovers: { words: '`auth covers date of service`', blocks: ['prior-auth'], isRule: true, kinds: ['prior-auth-expired'] },
  AuthMax: { words: '`auth max … visits within …`', blocks: ['prior-auth'], isRule: true, kinds: ['visit-limit-exceeded'] },
  VisitLimit: { words: '`limit … visits per calendar year`', blocks: ['prior-auth'], isRule: true, kinds: ['visit-limit-exceeded'] },
  Places: { words: '`places`', blocks: ['telehealth'], isRule: false, kinds: [] },
  Eligible: { words: '`eligible`', blocks: ['telehealth'], isRule: true, kinds: ['telehealth-code-not-eligible'] },
  Covered: { words: '`covered`', blocks: ['telehealth'], isRule: true, kinds: ['telehealth-not-covered'] },
};

/** Unit counting methods (engine/units.ts implements each). */
export const UNIT_METHODS = {
  'total-time': 'CMS 8-minute rule: units from the total of timed minutes across codes (MCPM ch.5 §20.2)',
  'per-code': 'CPT midpoint rule: each timed code on its own minutes',
} as const;
export type UnitMethod = keyof typeof UNIT_METHODS;
