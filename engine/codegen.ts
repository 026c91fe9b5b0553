// The compiled runtime's rules as generated JavaScript: each rule's condition tree written out once
// as one function (new Function), with plain field reads and the common operators inline, instead
// of a tree of closures calling closures. It means exactly what runtime-compiled.ts's closures mean
// (three-valued, the same leaves noting what they lacked, in the same order): the closures stay the
// definition, and the tests hold the two to the same answers on every rule, line and claim.
//
// Where code may not be generated (a page whose Content-Security-Policy forbids eval), `new
// Function` throws and the caller keeps the closures; the studio's pages never evaluate claims.
import type { Condition } from './compiled.ts';
import type { Prepared } from './context.ts';
import { FIELD_BY_PATH } from './field-catalog.ts';
import { FACT_IMPLS } from './facts.ts';
import { setMatcher, type FactName, type OperatorName } from './operator-catalog.ts';

/** What a generated rule refers to: values it cannot write as literals. */
export interface Refs {
  /** Anything: fact implementations, params, closures, operators, matchers, values. */
  x: unknown[];
}

/** How the closures compile what the generator leaves to them (runtime-compiled.ts). */
export interface Fallbacks {
  /** A fact as the closures read it: (ctx, line, outer) → value. */
  fact: (fact: FactName, params: Record<string, unknown>) => (ctx: unknown, i: number | undefined, o: number | undefined) => unknown;
  /** How a missing value of a fact is named in "not checked". */
  lacks: (fact: string, params: Record<string, unknown>) => unknown;
}

const TOTAL = new Set(['present', 'missing']);

const isPrimitive = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** A JavaScript literal for a primitive value (strings through JSON, which JavaScript reads the same). */
function lit(v: string | number | boolean): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

class Writer {
  private n = 0;
  readonly refs: unknown[] = [];
  readonly vars: string[] = [];

  ref(v: unknown): string {
    this.refs.push(v);
    return `X[${this.refs.length - 1}]`;
  }

  tmp(): string {
    const v = `v${this.n++}`;
    this.vars.push(v);
    return v;
  }

  label(): string {
    return `b${this.n++}`;
  }
}

/** A fact's value as an expression over ctx, i (the line) and o (the outer line). */
function factExpr(w: Writer, fb: Fallbacks, fact: FactName, params: Record<string, unknown>): string {
  if (fact === 'field') {
    const path = String(params['field']);
    const outer = !!params['outer'];
    const f = FIELD_BY_PATH.get(path);
    const at = outer ? 'o' : 'i';
    if (f) {
      if (path === 'claim.dateOfService') return 'ctx.claimDay';
      if (path === 'line.dateOfService') return `(${at} === undefined ? undefined : ctx.days[${at}])`;
      if (f.keys && f.keys.length <= 3) {
        const chain = f.keys.map((k) => `?.[${JSON.stringify(k)}]`).join('');
        return f.scope === 'claim' ? `ctx.claim${chain}` : `(${at} === undefined ? undefined : ctx.claim.lines[${at}]${chain})`;
      }
      const get = w.ref(f.get);
      if (f.scope !== 'line') return `${get}(ctx.claim, undefined, i ?? -1)`;
      return `(${at} === undefined ? undefined : ${get}(ctx.claim, ctx.claim.lines[${at}], ${at}))`;
    }
  }
  if (fact === 'field' || fact === 'expr') return `${w.ref(fb.fact(fact, params))}(ctx, i, o)`;
  return `${w.ref(FACT_IMPLS[fact])}(ctx, i, ${w.ref(params)}, o)`;
}

/** An operator applied to `a` and a literal value, inline where its meaning is plain JavaScript. */
function opExpr(w: Writer, p: Prepared, op: OperatorName, a: string, v: unknown): string {
  switch (op) {
    case 'eq':
      if (isPrimitive(v)) return `(${a} === ${lit(v)})`;
      break;
    case 'ne':
      if (isPrimitive(v)) return `(${a} !== undefined && ${a} !== ${lit(v)})`;
      break;
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      if (typeof v === 'number' && Number.isFinite(v)) {
        const sign = { lt: '<', le: '<=', gt: '>', ge: '>=' }[op];
        return `(typeof ${a} === 'number' && ${a} ${sign} ${lit(v)} && Number.isFinite(${a}))`;
      }
      break;
    case 'hasAny':
    case 'hasNone':
      if (Array.isArray(v) && v.every(isPrimitive)) {
        const any = v.length ? `(Array.isArray(${a}) && (${v.map((x) => `${a}.includes(${lit(x)})`).join(' || ')}))` : 'false';
        return op === 'hasAny' ? any : `!${any}`;
      }
      break;
    case 'present':
      return `(${a} !== undefined && ${a} !== null && ${a} !== '')`;
    case 'missing':
      return `(${a} === undefined || ${a} === null || ${a} === '')`;
    case 'isTrue':
      return `(${a} === true)`;
    case 'notEmpty':
      return `(Array.isArray(${a}) && ${a}.length > 0)`;
    default:
      break;
  }
  return `${w.ref(p.ops[op])}(${a}, ${w.ref(v)})`;
}

/** Statements that set `res` to the condition's three-valued answer (0 false, 1 true, 2 unknown). */
function gen(w: Writer, p: Prepared, fb: Fallbacks, c: Condition, res: string): string {
  if ('all' in c) {
    if (c.all.length === 1) return gen(w, p, fb, c.all[0]!, res);
    const t = w.tmp();
    const b = w.label();
    let s = `${res} = 1; ${b}: {\n`;
    for (const x of c.all) s += `${gen(w, p, fb, x, t)}\nif (${t} === 0) { ${res} = 0; break ${b}; }\nif (${t} === 2) ${res} = 2;\n`;
    return s + '}';
  }
  if ('any' in c) {
    if (c.any.length === 0) return `${res} = 1;`;
    const t = w.tmp();
    const b = w.label();
    let s = `${res} = 0; ${b}: {\n`;
    for (const x of c.any) s += `${gen(w, p, fb, x, t)}\nif (${t} === 1) { ${res} = 1; break ${b}; }\nif (${t} === 2) ${res} = 2;\n`;
    return s + '}';
  }
  if ('not' in c) {
    const t = w.tmp();
    return `${gen(w, p, fb, c.not, t)}\n${res} = ${t} === 2 ? 2 : ${t} === 1 ? 0 : 1;`;
  }
  const op = c.operator as OperatorName;
  const params = c.params ?? {};
  const fact = c.fact as FactName;
  const v = c.value;
  const a = w.tmp();
  const read = `${a} = ${factExpr(w, fb, fact, params)};`;
  const lacks = () => w.ref(fb.lacks(fact, params));
  const setName = (v as { set?: unknown } | null)?.set;
  if ((op === 'inSet' || op === 'notInSet') && typeof setName === 'string') {
    const has = w.ref(setMatcher(p.rs, setName));
    const test = op === 'inSet' ? `${has}(${a})` : `!${has}(${a})`;
    return `${read}\nif (${a} === undefined) { if (m) m.add(${lacks()}, i, o); ${res} = 2; } else ${res} = typeof ${a} === 'string' && ${test} ? 1 : 0;`;
  }
  const total = TOTAL.has(op);
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { fact?: unknown }).fact === 'string') {
    const refFact = (v as { fact: FactName }).fact;
    const refParams = (v as { params?: Record<string, unknown> }).params ?? {};
    const b = w.tmp();
    const readB = `${b} = ${factExpr(w, fb, refFact, refParams)};`;
    const fn = w.ref(p.ops[op]);
    if (total) return `${read}\n${readB}\n${res} = ${fn}(${a}, ${b}) ? 1 : 0;`;
    const la = lacks();
    const lb = w.ref(fb.lacks(refFact, refParams));
    return `${read}\nif (${a} === undefined && !m) ${res} = 2; else {\n${readB}\nif (${a} === undefined || ${b} === undefined) { if (m && ${a} === undefined) m.add(${la}, i, o); if (m && ${b} === undefined) m.add(${lb}, i, o); ${res} = 2; }\nelse ${res} = ${fn}(${a}, ${b}) ? 1 : 0;\n}`;
  }
  if (total) return `${read}\n${res} = ${opExpr(w, p, op, a, v)} ? 1 : 0;`;
  return `${read}\nif (${a} === undefined) { if (m) m.add(${lacks()}, i, o); ${res} = 2; } else ${res} = ${opExpr(w, p, op, a, v)} ? 1 : 0;`;
}

export type GeneratedTest = (ctx: unknown, line: number | undefined, outer: number | undefined, missing?: { add: (fn: unknown, line: number | undefined, outer: number | undefined) => void }) => 0 | 1 | 2;

/** The source of one rule's test (exported for the tests, which read it). */
export function generateSource(p: Prepared, fb: Fallbacks, c: Condition, name: string): { source: string; refs: unknown[] } {
  const w = new Writer();
  const body = gen(w, p, fb, c, 'r');
  const vars = ['r = 2', ...w.vars].join(', ');
  const fname = name.replace(/[^A-Za-z0-9_$]/g, '_');
  return { source: `return function rule_${fname}(ctx, i, o, m) {\nlet ${vars};\n${body}\nreturn r;\n};`, refs: w.refs };
}

let allowed: boolean | undefined;

/** Whether this environment lets code be generated (a CSP may forbid it); asked once. */
export function canGenerate(): boolean {
  if (allowed === undefined) {
    try {
      allowed = new Function('return 1')() === 1;
    } catch {
      allowed = false;
    }
  }
  return allowed;
}

/** A rule's test as a generated function, or undefined where code may not be generated. */
export function generateTest(p: Prepared, fb: Fallbacks, c: Condition, name: string): GeneratedTest | undefined {
  if (!canGenerate()) return undefined;
  const { source, refs } = generateSource(p, fb, c, name);
  try {
    return new Function('X', source)(refs) as GeneratedTest;
  } catch {
    return undefined;
  }
}
