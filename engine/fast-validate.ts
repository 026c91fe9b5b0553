// A fast path for claim validation, compiled once from the zod claim schema itself (so the schema
// stays the one definition): it accepts exactly what the schema accepts and returns the same
// output. It answers only "valid, here is the claim"; for anything it rejects, validate.ts asks zod,
// which produces the errors with their JSON paths. Schema constructs it does not know make it step
// aside entirely.
import type { z } from 'zod';
import { canGenerate, SourceWriter } from './can-generate.ts';

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

// ---- the same, generated as one JavaScript function ----
// Each schema node becomes statements over plain variables (objects built field by field with
// their own property names, strings and numbers tested inline); the checks themselves are the
// closures above, called by reference. Same answers as `compile`; the tests hold both to zod.

/** Statements that read `input` and set `out`, or `return F` (the FAIL symbol); undefined if unknown. */
function gen(g: SourceWriter, schema: unknown, input: string, out: string): string | undefined {
  const def = defOf(schema);
  const checksOf = (measure: (v: never) => number): string | undefined => {
    const checks = compileChecks(def, measure);
    return checks && checks.map((c) => `if (!${g.ref(c)}(${input})) return F;\n`).join('');
  };
  switch (def.type) {
    case 'object': {
      if (def['catchall'] !== undefined) return undefined;
      let s = `if (typeof ${input} !== 'object' || ${input} === null || Array.isArray(${input})) return F;\n${out} = {};\n`;
      for (const [k, field] of Object.entries(def['shape'] as Record<string, unknown>)) {
        const key = JSON.stringify(k);
        const i = g.name();
        const r = g.name();
        const body = gen(g, field, i, r);
        if (body === undefined) return undefined;
        s += `{\nconst ${i} = ${input}[${key}];\nlet ${r};\n${body}if (${r} !== undefined) ${out}[${key}] = ${r};\n}\n`;
      }
      return s;
    }
    case 'optional': {
      const inner = gen(g, def['innerType'], input, out);
      return inner && `if (${input} === undefined) ${out} = undefined;\nelse {\n${inner}}\n`;
    }
    case 'default': {
      const inner = gen(g, def['innerType'], input, out);
      const dv = def['defaultValue'];
      const fresh = Array.isArray(dv) ? `[...${g.ref(dv)}]` : g.ref(dv);
      return inner && `if (${input} === undefined) ${out} = ${fresh};\nelse {\n${inner}}\n`;
    }
    case 'array': {
      const checks = checksOf((v: unknown[]) => v.length);
      const e = g.name();
      const r = g.name();
      const j = g.name();
      const el = gen(g, def['element'], e, r);
      if (checks === undefined || el === undefined) return undefined;
      return `if (!Array.isArray(${input})) return F;\n${checks}${out} = new Array(${input}.length);\nfor (let ${j} = 0; ${j} < ${input}.length; ${j}++) {\nconst ${e} = ${input}[${j}];\nlet ${r};\n${el}${out}[${j}] = ${r};\n}\n`;
    }
    case 'string': {
      const checks = checksOf((v: string) => v.length);
      return checks === undefined ? undefined : `if (typeof ${input} !== 'string') return F;\n${checks}${out} = ${input};\n`;
    }
    case 'number': {
      const checks = checksOf((v: number) => v);
      return checks === undefined ? undefined : `if (typeof ${input} !== 'number' || !Number.isFinite(${input})) return F;\n${checks}${out} = ${input};\n`;
    }
    case 'enum': {
      const values = new Set(Object.values(def['entries'] as Record<string, unknown>));
      return `if (!${g.ref(values)}.has(${input})) return F;\n${out} = ${input};\n`;
    }
    case 'transform': {
      const fn = def['transform'] as (v: unknown, ctx: unknown) => unknown;
      return `${out} = ${g.ref(fn)}(${input}, { issues: [], value: ${input} });\n`;
    }
    case 'pipe': {
      const mid = g.name();
      const a = gen(g, def['in'], input, mid);
      const b = gen(g, def['out'], mid, out);
      return a === undefined || b === undefined ? undefined : `let ${mid};\n${a}${b}`;
    }
    default:
      return undefined;
  }
}

/** The schema's fast path as one generated function; undefined where code may not be generated. */
function generate(schema: unknown): Fast | undefined {
  if (!canGenerate()) return undefined;
  const g = new SourceWriter();
  const body = gen(g, schema, 'input', 'out');
  return body === undefined ? undefined : g.build<Fast>(`return function validate(input) {\nlet out;\n${body}return out;\n};`, { F: FAIL });
}

export interface FastValidator<T> {
  (v: unknown): { ok: true; value: T } | { ok: false };
  /** Whether it runs as a generated function (else as closures). */
  readonly generated: boolean;
}

/**
 * The fast validator of a schema, or undefined when the schema uses something it does not know.
 * Generated as one function where the environment allows it (unless `generate` is false), else
 * closures: the same answers.
 */
export function fastValidator<T>(schema: z.ZodType<T>, opts: { generate?: boolean } = {}): FastValidator<T> | undefined {
  const generated = opts.generate !== false ? generate(schema) : undefined;
  const f = generated ?? compile(schema);
  if (!f) return undefined;
  const run = (v: unknown): { ok: true; value: T } | { ok: false } => {
    const r = f(v);
    return r === FAIL ? { ok: false } : { ok: true, value: r as T };
  };
  return Object.assign(run, { generated: generated !== undefined });
}
