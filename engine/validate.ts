// Claim input → a validated claim, or the errors that make it invalid, each with its JSON path.
// Messages never quote the input's values: claims carry protected health information.
import type { z } from 'zod';
import { ClaimSchema, type Claim } from './claim-schema.ts';
import { fastValidator } from './fast-validate.ts';

export interface InputError {
  /** JSON path into the claim, e.g. `lines[0].code`; empty for the claim itself. */
  path: string;
  message: string;
}

export type Validated = { ok: true; claim: Claim } | { ok: false; claimId: string | null; errors: InputError[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out;
}

/** The value at a JSON path of the raw input (zod does not keep it: the input may be patient data). */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur = raw;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** What kind of JSON value something is, in words (never the value itself). */
function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true/false';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

const EXPECTED: Record<string, string> = { number: 'a number', int: 'a whole number', string: 'text', array: 'a list', object: 'an object', boolean: 'true or false' };

function message(issue: z.core.$ZodIssue, raw: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const v = valueAt(raw, issue.path);
      const want = EXPECTED[issue.expected] ?? article(issue.expected);
      if (v === undefined) return `is required (${want})`;
      // 1.5 where a whole number belongs: say the value, not its type (both are numbers).
      return typeof v === 'number' && issue.expected === 'int' ? `expected ${want}, got ${v}` : `expected ${want}, got ${jsonKind(v)}`;
    }
    case 'too_big':
      return issue.origin === 'array' ? `has more than ${issue.maximum} items` : `must be at most ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'array' ? `needs at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}` : issue.origin === 'string' ? 'must not be empty' : `must be at least ${issue.minimum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
    case 'custom':
      return issue.message;
    default:
      return issue.message;
  }
}

/** Paths are 0-based (the contract: `lines[1].units`); messages name lines as billers count them. */
function onLine(path: readonly PropertyKey[]): string {
  return path[0] === 'lines' && typeof path[1] === 'number' ? `line ${path[1] + 1}: ` : '';
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** The claim id when it is a usable string (it may appear in output; nothing else may). */
export function claimIdOf(raw: unknown): string | null {
  const id = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : null;
}

const fast = fastValidator(ClaimSchema);

export function validateClaim(raw: unknown): Validated {
  // Valid claims (the common case) take the compiled fast path; zod explains the rest.
  const quick = fast?.(raw);
  if (quick?.ok) return { ok: true, claim: quick.value };
  const res = ClaimSchema.safeParse(raw);
  if (res.success) return { ok: true, claim: res.data };
  const errors = res.error.issues.map((i) => ({ path: formatPath(i.path), message: onLine(i.path) + message(i, raw) }));
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) errors.splice(0, errors.length, { path: '', message: 'a claim must be a JSON object' });
  return { ok: false, claimId: claimIdOf(raw), errors };
}
