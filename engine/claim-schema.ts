// The claim input contract (DESIGN.md "Claim input"), as a zod schema. Types flow from here; the
// field catalog that the ruleset language and the editor use is derived from the `field` metadata
// attached below, so a claim field is declared once.
import { z } from 'zod';
import { CODE_SHAPES, canonicalDiagnosis } from './codes.ts';
import { parseDate } from './dates.ts';
import type { ValueType } from './types.ts';

/** Metadata for a claim field as the rules language sees it. */
export interface FieldMeta {
  type: ValueType;
  doc: string;
  /**
   * Patient identity or an authorization number: rules may test it, but its value never appears in
   * any output (traces show only what was tested and the answer).
   */
  phi?: true;
}

/** Registry that carries each field's rules-language type and documentation. */
export const fieldMeta = z.registry<FieldMeta>();

function field<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  (schema as z.ZodType).register(fieldMeta, meta);
  return schema;
}

/** A calendar date; a new schema per use, so each field's documentation stays its own. */
const date = () => z.string().refine((s) => parseDate(s) !== undefined, { message: 'must be a real calendar date written YYYY-MM-DD' });
const shaped = (kind: keyof typeof CODE_SHAPES) =>
  z.string().regex(CODE_SHAPES[kind].pattern, { message: `must be ${CODE_SHAPES[kind].describe}` });
/** Modifiers are read in capitals whatever case a practice system wrote them in (`go` is GO). */
const modifier = z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), shaped('modifier'));
/** Diagnoses are kept in their written form (M54.50), whether the claim had the dot or not. */
const diagnosis = z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), shaped('diagnosis').transform(canonicalDiagnosis));
/** Money is decimal dollars in JSON and integer cents inside. */
const money = z
  .number()
  .finite()
  .min(0)
  .max(1e9)
  .transform((dollars) => Math.round(dollars * 100));
const count = z.number().int().min(0).max(1e6);
const npi = z.string().regex(/^\d{10}$/, { message: 'must be a 10-digit NPI' });

export const Discipline = z.enum(['OT', 'PT', 'SLP']);
export const RenderedBy = z.enum(['OT', 'OTA', 'PT', 'PTA', 'SLP']);

export const LineSchema = z.object({
  code: field(shaped('procedure'), { type: 'code', doc: 'procedure code (CPT or HCPCS Level II) of the service line' }),
  modifiers: field(z.array(modifier).max(4).default([]), { type: 'list<modifier>', doc: 'modifiers on the line, in order (up to 4)' }),
  units: field(count.optional(), { type: 'number', doc: 'units of service billed on the line' }),
  minutes: field(count.optional(), { type: 'number', doc: 'treatment minutes for this code, from the documentation' }),
  renderedBy: field(RenderedBy.optional(), { type: 'text', doc: 'who furnished the service: OT, OTA, PT, PTA or SLP' }),
  assistantMinutes: field(count.optional(), { type: 'number', doc: 'minutes the assistant (OTA/PTA) furnished independently' }),
  // More than 4 pointers is a finding (too-many-pointers), not a malformed claim.
  diagnosisPointers: field(z.array(z.number().int().min(1).max(12)).max(12).default([]), {
    type: 'list<number>',
    doc: 'which claim diagnoses (1-based) this line points at (payers allow up to 4)',
  }),
  charge: field(money.optional(), { type: 'money', doc: 'billed charge for the line' }),
  allowed: field(money.optional(), {
    type: 'money',
    doc: "the allowed amount the practice expects for the line (KX accrual uses it; without it, the ruleset's fee schedule estimates it)",
  }),
  dateOfService: field(date().optional(), { type: 'date', doc: "the line's date of service (defaults to the claim's)" }),
  placeOfService: field(shaped('pos').optional(), { type: 'pos', doc: "the line's place of service (defaults to the claim's)" }),
});

export const ClaimSchema = z.object({
  id: field(z.string().min(1).max(200), { type: 'text', doc: 'the claim id' }),
  payer: field(z.string().min(1).max(200).optional(), { type: 'text', doc: 'the payer ruleset id the claim is billed to' }),
  patient: z
    .object({
      id: z.string().max(200).optional().describe("the practice's patient or member id (never printed in reports, logs or traces)"),
      birthDate: date().optional().describe('the patient\'s date of birth (rules read only the age it gives; never printed)'),
    })
    .optional(),
  provider: z
    .object({
      npi: field(npi.optional(), { type: 'text', doc: "the rendering provider's NPI" }),
      discipline: field(Discipline.optional(), { type: 'text', doc: "the provider's discipline: OT, PT or SLP" }),
    })
    .optional(),
  dateOfService: field(date(), { type: 'date', doc: 'date of service of the claim' }),
  placeOfService: field(shaped('pos').optional(), { type: 'pos', doc: 'place of service (2 digits; 02 and 10 are telehealth)' }),
  diagnoses: field(z.array(diagnosis).max(12).default([]), { type: 'list<diagnosis>', doc: 'ICD-10-CM diagnoses on the claim, up to 12' }),
  priorAuthorization: z
    .object({
      number: field(z.string().min(1).max(50).optional(), { type: 'text', doc: 'prior authorization number', phi: true }),
      from: field(date().optional(), { type: 'date', doc: 'first day the authorization covers' }),
      to: field(date().optional(), { type: 'date', doc: 'last day the authorization covers' }),
      visits: field(count.optional(), { type: 'number', doc: 'visits the authorization allows' }),
      visitsUsed: field(count.optional(), { type: 'number', doc: 'visits already used under this authorization, before this claim' }),
    })
    .optional(),
  history: z
    .object({
      visitsThisYear: field(count.optional(), { type: 'number', doc: 'visits earlier this calendar year, before this claim' }),
      visitsThisEpisode: field(count.optional(), { type: 'number', doc: 'visits in the current plan of care, before this claim' }),
      treatmentDaysSinceProgressReport: field(count.optional(), {
        type: 'number',
        doc: 'treatment days since the last progress report, before this claim (a report is due at least every 10 treatment days)',
      }),
      episodeStart: field(date().optional(), { type: 'date', doc: 'first date of service of the current plan of care (for "first N visits within W weeks" rules)' }),
      therapyAllowedThisYear: z
        .object({
          OT: field(money.optional(), { type: 'money', doc: 'allowed OT amount accrued this year before this claim (KX bucket OT)' }),
          PT_SLP: field(money.optional(), { type: 'money', doc: 'allowed PT and SLP amount accrued this year before this claim (KX bucket PT+SLP)' }),
        })
        .optional(),
    })
    .optional(),
  planOfCare: z
    .object({
      start: field(date().optional(), { type: 'date', doc: 'the day the plan of care began (the initial evaluation or treatment)' }),
      certifiedOn: field(date().optional(), { type: 'date', doc: 'the day the physician or NPP certified (signed) the plan of care' }),
      certifiedThrough: field(date().optional(), { type: 'date', doc: 'the last day the certification covers' }),
    })
    .optional(),
  referringProvider: z
    .object({
      npi: field(npi.optional(), { type: 'text', doc: 'the NPI of the referring or certifying physician or NPP' }),
    })
    .optional(),
  coverage: z
    .object({
      program: field(z.string().min(1).max(100).optional(), {
        type: 'text',
        doc: 'the program within the payer, e.g. `medicaid-direct` or `managed-care`',
      }),
      benefit: field(z.enum(['rehabilitative', 'habilitative']).optional(), {
        type: 'text',
        doc: 'the benefit the visit counts against: rehabilitative or habilitative',
      }),
      state: field(
        z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.string().regex(/^[A-Z]{2}$/, { message: 'must be a two-letter state code' })).optional(),
        { type: 'text', doc: "the state of the member's plan (two letters), for programs that start state by state" },
      ),
    })
    .optional(),
  submittedOn: field(date().optional(), {
    type: 'date',
    doc: 'the day the claim is (or will be) submitted; `eval --as-of DATE` supplies it for a batch',
  }),
  lines: z.array(LineSchema).min(1).max(50),
});

/** A validated claim: money in integer cents, defaults filled in. */
export type Claim = z.output<typeof ClaimSchema>;
/** A validated service line. */
export type ClaimLine = z.output<typeof LineSchema>;
/** A claim as written in JSON. */
export type ClaimInput = z.input<typeof ClaimSchema>;

/** The claim contract as JSON Schema (draft 2020-12), for other systems. */
export function claimJsonSchema(): unknown {
  return z.toJSONSchema(ClaimSchema, {
    io: 'input',
    unrepresentable: 'any',
    // Each field's documentation becomes its description, so other systems read what rules read.
    override: (ctx) => {
      const meta = fieldMeta.get(ctx.zodSchema as unknown as z.ZodType);
      if (meta) ctx.jsonSchema.description = meta.doc;
    },
  });
}

/**
 * The claim fields that identify a patient or an authorization: never printed by reports, logs or
 * traces, and withheld from `convert` output unless the user asks for them. One list; `convert`
 * and the readers of its output (JSON-WITHHELD) read it, and every key under `patient` is withheld
 * with these.
 */
export const PATIENT_DATA_PATHS: readonly (readonly string[])[] = [
  ['patient', 'id'],
  ['patient', 'birthDate'],
  ['priorAuthorization', 'number'],
];

/** What a withheld value is replaced with. */
export const WITHHELD_VALUE = '(patient data: not shown)';

const CLAIM_KEYS = new Set(Object.keys(ClaimSchema.shape));
const LINE_KEYS = new Set(Object.keys(LineSchema.shape));

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * A copy of a claim (or of an unreadable claim's raw object) fit to print: every value under
 * `patient` (the schema's id and birth date, and any other key a file put there, such as a name)
 * and the authorization number replaced by WITHHELD_VALUE, and keys the claim format does not have
 * (a subscriber's SSN at the top level, a note on a line) left out, since nothing says what they
 * hold. The input is not changed.
 */
export function withholdPatientData<T>(claim: T): T {
  if (!isObject(claim)) return claim;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(claim)) {
    if (!CLAIM_KEYS.has(k)) continue;
    if (k === 'patient' && isObject(v)) out[k] = Object.fromEntries(Object.keys(v).map((key) => [key, WITHHELD_VALUE]));
    else if (k === 'lines' && Array.isArray(v)) out[k] = v.map((l) => (isObject(l) ? Object.fromEntries(Object.entries(l).filter(([lk]) => LINE_KEYS.has(lk))) : l));
    else out[k] = v;
  }
  for (const [group, key] of PATIENT_DATA_PATHS as [string, string][]) {
    const inner = out[group];
    if (group !== 'patient' && isObject(inner) && key in inner) out[group] = { ...inner, [key]: WITHHELD_VALUE };
  }
  return out as T;
}
