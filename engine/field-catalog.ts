// The claim fields the rules language can read, derived from the claim schema's `fieldMeta`
// registrations plus a few computed fields. Checker, compiler, both runtimes and the editor use it.
import { z } from 'zod';
import { ClaimSchema, LineSchema, fieldMeta, type Claim, type ClaimLine } from './claim-schema.ts';
import { ageOn, parseDate } from './dates.ts';
import { npiCheckDigitValid } from './codes.ts';
import type { ValueType } from './types.ts';

export type FieldScope = 'claim' | 'line';

/** One readable field: `claim.dateOfService`, `line.code`, … */
export interface FieldInfo {
  /** Dotted name as written in rules, e.g. `claim.priorAuthorization.to`. */
  path: string;
  scope: FieldScope;
  type: ValueType;
  doc: string;
  /** Patient identity or an authorization number: never shown in traces or messages. */
  phi?: true;
  /** Reads the value, normalized: dates as day numbers, money as cents, absent as undefined. */
  get: (claim: Claim, line: ClaimLine | undefined, lineIndex: number) => unknown;
  /**
   * Set when `get` is no more than a read of these keys from the claim (claim fields) or the line
   * (line fields), absent as undefined: the generated runtime reads them inline (engine/codegen.ts).
   */
  keys?: readonly string[];
}

const DISCIPLINE_OF_MODIFIER: Record<string, string> = { GP: 'PT', GO: 'OT', GN: 'SLP' };
const DISCIPLINE_OF_RENDERER: Record<string, string> = { PT: 'PT', PTA: 'PT', OT: 'OT', OTA: 'OT', SLP: 'SLP' };

/** How many of GP, GO and GN a line carries (counted, not filtered into a list: asked per line and rule). */
function disciplineModifiers(mods: readonly string[]): number {
  let n = 0;
  for (const m of mods) if (DISCIPLINE_OF_MODIFIER[m]) n++;
  return n;
}

const lineDxMemo = new WeakMap<ClaimLine, string[]>();
/** The claim diagnoses a line's pointers reach, in pointer order. */
function lineDiagnoses(c: Claim, l: ClaimLine): string[] {
  let d = lineDxMemo.get(l);
  if (!d) {
    d = [];
    for (const p of l.diagnosisPointers) {
      const x = c.diagnoses[p - 1];
      if (x !== undefined) d.push(x);
    }
    lineDxMemo.set(l, d);
  }
  return d;
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault) cur = cur.unwrap() as z.ZodType;
  return cur;
}

function readPath(root: unknown, keys: readonly string[]): unknown {
  let cur = root;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** A reader for a key path, specialized for the short paths claims have (hot in evaluation). */
function reader(keys: readonly string[], date: boolean): (root: unknown) => unknown {
  const [a, b, c] = keys;
  let read: (root: unknown) => unknown;
  if (keys.length === 1) read = (r) => (r as Record<string, unknown> | undefined)?.[a!];
  else if (keys.length === 2) read = (r) => ((r as Record<string, Record<string, unknown> | undefined> | undefined)?.[a!])?.[b!];
  else if (keys.length === 3) read = (r) => (((r as Record<string, Record<string, Record<string, unknown> | undefined> | undefined> | undefined)?.[a!])?.[b!])?.[c!];
  else read = (r) => readPath(r, keys);
  if (!date) return read;
  return (r) => {
    const v = read(r);
    return typeof v === 'string' ? parseDate(v) : undefined;
  };
}

function walk(shape: z.ZodRawShape, prefix: string[], scope: FieldScope, out: FieldInfo[]): void {
  for (const [key, schema] of Object.entries(shape)) {
    const meta = fieldMeta.get(schema as z.ZodType);
    const keys = [...prefix, key];
    if (meta) {
      const read = reader(keys, meta.type === 'date');
      const info: FieldInfo = {
        path: `${scope}.${keys.join('.')}`,
        scope,
        type: meta.type,
        doc: meta.doc,
        get: scope === 'claim' ? (claim) => read(claim) : (_c, line) => read(line),
      };
      if (meta.type !== 'date') info.keys = keys;
      if (meta.phi) info.phi = true;
      out.push(info);
      continue;
    }
    const inner = unwrap(schema as z.ZodType);
    if (inner instanceof z.ZodObject) walk(inner.shape, keys, scope, out);
  }
}

function buildCatalog(): FieldInfo[] {
  const out: FieldInfo[] = [];
  const { lines: _lines, ...claimShape } = ClaimSchema.shape;
  walk(claimShape, [], 'claim', out);
  walk(LineSchema.shape, [], 'line', out);
  // A line's date and place of service default to the claim's.
  for (const f of out) {
    if (f.path === 'line.dateOfService') f.get = (c, l) => parseDate(l?.dateOfService ?? c.dateOfService);
    if (f.path === 'line.placeOfService') f.get = (c, l) => l?.placeOfService ?? c.placeOfService;
    if (f.path === 'line.dateOfService' || f.path === 'line.placeOfService') delete f.keys;
  }
  out.push(
    { path: 'line.number', scope: 'line', type: 'number', doc: 'the 1-based position of the line on the claim', get: (_c, _l, i) => i + 1 },
    {
      path: 'line.diagnoses',
      scope: 'line',
      type: 'list<diagnosis>',
      doc: "the claim's diagnoses this line points at, in pointer order (pointers to no diagnosis are left out)",
      get: (c, l) => (l ? lineDiagnoses(c, l) : undefined),
    },
    {
      path: 'line.primaryDiagnosis',
      scope: 'line',
      type: 'diagnosis',
      doc: "the diagnosis the line's first pointer reaches (the line's primary diagnosis)",
      get: (c, l) => (l && l.diagnosisPointers.length ? c.diagnoses[l.diagnosisPointers[0]! - 1] : undefined),
    },
    {
      path: 'line.discipline',
      scope: 'line',
      type: 'text',
      doc: "the discipline the line's modifier names: PT for GP, OT for GO, SLP for GN (missing without one)",
      get: (_c, l) => {
        if (!l) return undefined;
        for (const m of l.modifiers) if (DISCIPLINE_OF_MODIFIER[m]) return DISCIPLINE_OF_MODIFIER[m];
        return undefined;
      },
    },
    {
      path: 'line.disciplineModifiers',
      scope: 'line',
      type: 'number',
      doc: 'how many of GP, GO and GN the line carries (a line belongs to one plan of care)',
      get: (_c, l) => (l ? disciplineModifiers(l.modifiers) : undefined),
    },
    {
      path: 'line.renderedDiscipline',
      scope: 'line',
      type: 'text',
      doc: 'the discipline of who rendered the line: PT for a PT or PTA, OT for an OT or OTA, SLP',
      get: (_c, l) => (l?.renderedBy ? DISCIPLINE_OF_RENDERER[l.renderedBy] : undefined),
    },
    {
      path: 'line.visitNumber',
      scope: 'line',
      type: 'number',
      doc: "which visit of this claim the line's date of service is: 1 for the earliest date, 2 for the next, …",
      get: (c, l) => {
        if (!l) return undefined;
        const day = l.dateOfService ?? c.dateOfService;
        const dates = new Set(c.lines.map((x) => x.dateOfService ?? c.dateOfService));
        let n = 0;
        for (const d of dates) if (d <= day) n++;
        return n;
      },
    },
    {
      path: 'claim.provider.npiValid',
      scope: 'claim',
      type: 'boolean',
      doc: "whether the rendering provider's NPI passes its check digit (missing without an NPI)",
      get: (c) => (c.provider?.npi ? npiCheckDigitValid(c.provider.npi) : undefined),
    },
    {
      path: 'claim.referringProvider.npiValid',
      scope: 'claim',
      type: 'boolean',
      doc: "whether the referring provider's NPI passes its check digit (missing without an NPI)",
      get: (c) => (c.referringProvider?.npi ? npiCheckDigitValid(c.referringProvider.npi) : undefined),
    },
    {
      path: 'claim.patient.age',
      scope: 'claim',
      type: 'number',
      doc: "the patient's age in whole years on the date of service",
      phi: true,
      get: (c) => {
        const b = c.patient?.birthDate ? parseDate(c.patient.birthDate) : undefined;
        const d = parseDate(c.dateOfService);
        return b === undefined || d === undefined ? undefined : ageOn(b, d);
      },
    },
  );
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Every field, sorted by path. */
export const FIELDS: readonly FieldInfo[] = buildCatalog();
/** Fields by dotted path. */
export const FIELD_BY_PATH: ReadonlyMap<string, FieldInfo> = new Map(FIELDS.map((f) => [f.path, f]));
