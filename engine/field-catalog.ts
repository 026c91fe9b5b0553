// The claim fields the rules language can read, derived from the claim schema's `fieldMeta`
// registrations plus a few computed fields. Checker, compiler, both runtimes and the editor use it.
import { z } from 'zod';
import { ClaimSchema, LineSchema, fieldMeta, type Claim, type ClaimLine } from './claim-schema.ts';
import { ageOn, parseDate } from './dates.ts';
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
  }
  out.push(
    { path: 'line.number', scope: 'line', type: 'number', doc: 'the 1-based position of the line on the claim', get: (_c, _l, i) => i + 1 },
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
