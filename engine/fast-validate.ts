// A fast path for claim validation, compiled once from the zod claim schema itself (so the schema
// stays the one definition): it accepts exactly what the schema accepts and returns the same
// output. It answers only "valid, here is the claim"; for anything it rejects, validate.ts asks zod,
// which produces the errors with their JSON paths. Schema constructs it does not know make it step
// aside entirely.
import type { z } from 'zod';

const FAIL: unique symbol = Symbol('fail');
type Fast = (v: unknown) => unknown | typeof FAIL;

interface Def {
  type: string;
  checks?: { _zod: { def: Record<string, unknown> } }[];
  [k: string]: unknown;
}

function defOf(s: unknown): Def {
  return (s as { _zod: { def: Def } })._zod.def;
}

/** Compiles the checks shared by strings, numbers and arrays; undefined if one is unknown. */
function compileChecks(def: Def, measure: (v: never) => number): ((v: never) => boolean)[] | undefined {
  const out: ((v: never) => boolean)[] = [];
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    switch (d['check']) {
      case 'min_length': {
        const n = d['minimum'] as number;
        out.push((v) => measure(v) >= n);
        break;
      }
      case 'max_length': {
        const n = d['maximum'] as number;
        out.push((v) => measure(v) <= n);
        break;
      }
      case 'string_format': {
        if (d['format'] !== 'regex') return undefined;
        const re = d['pattern'] as RegExp;
        out.push((v) => {
          re.lastIndex = 0;
          return re.test(v as string);
        });
        break;
      }
      case 'custom': {
        const fn = d['fn'] as (v: unknown) => unknown;
        out.push((v) => fn(v) === true);
        break;
      }
      case 'number_format':
        if (d['format'] !== 'safeint') return undefined;
        out.push((v) => Number.isSafeInteger(v));
        break;
      case 'greater_than': {
        const x = d['value'] as number;
        out.push(d['inclusive'] ? (v) => (v as number) >= x : (v) => (v as number) > x);
        break;
      }
      case 'less_than': {
        const x = d['value'] as number;
        out.push(d['inclusive'] ? (v) => (v as number) <= x : (v) => (v as number) < x);
        break;
      }
      default:
        return undefined;
    }
  }
  return out;
}

function compile(schema: unknown): Fast | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const shape = def['shape'] as Record<string, unknown>;
      const keys: string[] = [];
      const fields: Fast[] = [];
      for (const [k, s] of Object.entries(shape)) {
        const f = compile(s);
        if (!f) return undefined;
        keys.push(k);
        fields.push(f);
      }
      if (def['catchall'] !== undefined) return undefined;
      const n = keys.length;
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return FAIL;
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = keys[i]!;
          const r = fields[i]!((v as Record<string, unknown>)[k]);
          if (r === FAIL) return FAIL;
          if (r !== undefined) out[k] = r;
        }
        return out;
      };
    }
    case 'optional': {
      const inner = compile(def['innerType']);
      return inner && ((v) => (v === undefined ? undefined : inner(v)));
    }
    case 'default': {
      const inner = compile(def['innerType']);
      const dv = def['defaultValue'];
      const fresh = Array.isArray(dv) ? () => [...dv] : () => dv;
      return inner && ((v) => (v === undefined ? fresh() : inner(v)));
    }
    case 'array': {
      const el = compile(def['element']);
      const checks = compileChecks(def, (v: unknown[]) => v.length);
      if (!el || !checks) return undefined;
      return (v) => {
        if (!Array.isArray(v)) return FAIL;
        for (const c of checks) if (!c(v as never)) return FAIL;
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const r = el(v[i]);
          if (r === FAIL) return FAIL;
          out[i] = r;
        }
        return out;
      };
    }
    case 'string': {
      const checks = compileChecks(def, (v: string) => v.length);
      if (!checks) return undefined;
      // (Most strings have one check or none: no loop for them.)
      const [only] = checks;
      if (checks.length === 0) return (v) => (typeof v === 'string' ? v : FAIL);
      if (checks.length === 1) return (v) => (typeof v === 'string' && only!(v as never) ? v : FAIL);
      return (v) => {
        if (typeof v !== 'string') return FAIL;
        for (const c of checks) if (!c(v as never)) return FAIL;
        return v;
      };
    }
    case 'number': {
      const checks = compileChecks(def, (v: number) => v);
      if (!checks) return undefined;
      return (v) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) return FAIL;
        for (const c of checks) if (!c(v as never)) return FAIL;
        return v;
      };
    }
    case 'enum': {
      const values = new Set(Object.values(def['entries'] as Record<string, unknown>));
      return (v) => (values.has(v) ? v : FAIL);
    }
    case 'transform': {
      // A transform (alone, or either side of a pipe: `.transform()` and `z.preprocess()`).
      const fn = def['transform'] as (v: unknown, ctx: unknown) => unknown;
      return (v) => fn(v, { issues: [], value: v });
    }
    case 'pipe': {
      const inner = compile(def['in']);
      const outer = compile(def['out']);
      if (!inner || !outer) return undefined;
      return (v) => {
        const r = inner(v);
        return r === FAIL ? FAIL : outer(r);
      };
    }
    default:
      return undefined;
  }
}

/** The fast validator of a schema, or undefined when the schema uses something it does not know. */
export function fastValidator<T>(schema: z.ZodType<T>): ((v: unknown) => { ok: true; value: T } | { ok: false }) | undefined {
  const f = compile(schema);
  if (!f) return undefined;
  return (v) => {
    const r = f(v);
    return r === FAIL ? { ok: false } : { ok: true, value: r as T };
  };
}
