// The compiled runtime's rules as generated JavaScript: each rule's condition tree written out once
// as one function (new Function), with plain field reads and the common operators inline, instead
// of a tree of closures calling closures. It means exactly what runtime-compiled.ts's closures mean
// (three-valued, the same leaves noting what they lacked, in the same order): the closures stay the
// definition, and the tests hold the two to the same answers on every rule, line and claim.
//
// Where code may not be generated (browser pages: the studio's Content-Security-Policy forbids
// eval), the caller keeps the closures.
//
// Nothing a ruleset says becomes code: its strings are written as JSON string literals, its numbers
// only when finite, its operators only when they are one of the known spellings; every other value
// (and every function) is passed in by reference (`X[n]`).
import type { Condition, ExprData } from './compiled.ts';
import type { Prepared } from './context.ts';
import { FIELD_BY_PATH } from './field-catalog.ts';
import { FACT_IMPLS } from './facts.ts';
import { setMatcher, type FactName, type OperatorName } from './operator-catalog.ts';
import { canGenerate, SourceWriter as Writer } from './can-generate.ts';

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

/** A catalog field read at the line (`i`) or the outer line (`o`); undefined for an unknown field. */
function fieldCode(w: Writer, path: string, outer: boolean): string | undefined {
  const f = FIELD_BY_PATH.get(path);
  if (!f) return undefined;
  const at = outer ? 'o' : 'i';
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

const ARITH = new Set(['+', '-', '*', '/']);

const isNumCode = (v: string) => `(typeof ${v} === 'number' && Number.isFinite(${v}))`;

/**
 * An expression's value as code (runtime-compiled.ts `compileExpr` is its meaning): literals, fields
 * and arithmetic inline; an aggregate over the lines as a generated function of its own with its
 * `where` inline; anything else (months, aggregates over list fields) by the closure.
 */
function exprCode(w: Writer, p: Prepared, fb: Fallbacks, e: ExprData): string {
  const closure = () => `${w.ref(fb.fact('expr', { expr: e }))}(ctx, i, o)`;
  if ('lit' in e) return isPrimitive(e.lit) ? lit(e.lit) : e.lit === null ? 'null' : w.ref(e.lit);
  if ('field' in e) return fieldCode(w, e.field, !!e.outer) ?? 'undefined';
  if ('arith' in e) {
    if (e.unit === 'months' || !ARITH.has(e.arith)) return closure();
    const a = w.tmp();
    const b = w.tmp();
    const result = e.arith === '/' ? `(${b} === 0 ? undefined : ${a} / ${b})` : `(${a} ${e.arith} ${b})`;
    return `((${a} = ${exprCode(w, p, fb, e.left)}), (${b} = ${exprCode(w, p, fb, e.right)}), ${isNumCode(a)} && ${isNumCode(b)} ? ${result} : undefined)`;
  }
  const f = FIELD_BY_PATH.get(e.over);
  const overLines = e.over === 'lines' || e.over === 'visits' || (f !== undefined && f.scope === 'line' && !f.type.startsWith('list<'));
  if (!overLines) {
    if (e.agg === 'count' && f) {
      const v = w.tmp();
      return `((${v} = ${fieldCode(w, e.over, false)}), Array.isArray(${v}) ? ${v}.length : 0)`;
    }
    return closure();
  }
  const fn = aggregateFunction(p, fb, e);
  return fn ? `${w.ref(fn)}(ctx, i, o)` : closure();
}

/** An aggregate over the claim's lines as one generated function of (ctx, line, outer). */
function aggregateFunction(p: Prepared, fb: Fallbacks, e: Extract<ExprData, { agg: unknown }>): unknown {
  const w = new Writer();
  const visits = e.over === 'visits';
  let body = '';
  if (e.per === 'day') body += 'if (day !== undefined && ctx.days[i] !== day) continue;\n';
  if (e.where) {
    const t = w.tmp();
    body += `${gen(w, p, fb, e.where, t)}\nif (${t} !== 1) continue;\n`;
  }
  if (visits) body += 'const d = ctx.days[i];\nif (!seen.includes(d)) seen.push(d);\n';
  else {
    body += 'count++;\n';
    if (e.over !== 'lines') {
      const better = e.agg === 'max' ? '>' : '<';
      body += `const v = ${fieldCode(w, e.over, false)};\nif (!${isNumCode('v')}) continue;\nsum += v;\nif (best === undefined || v ${better} best) best = v;\n`;
    }
  }
  const result = visits ? 'seen.length' : e.agg === 'count' ? 'count' : e.agg === 'sum' ? 'sum' : 'best';
  const vars = ['count = 0', 'sum = 0', 'best', 'seen = []', ...w.vars].join(', ');
  const day = e.per === 'day' ? 'o !== undefined ? ctx.days[o] : undefined' : 'undefined';
  const source = `return function aggregate(ctx, _i, o) {\nconst m = undefined;\nconst day = ${day};\nlet ${vars};\nconst n = ctx.claim.lines.length;\nfor (let i = 0; i < n; i++) {\n${body}}\nreturn ${result};\n};`;
  return w.build(source);
}

/** A fact's value as an expression over ctx, i (the line) and o (the outer line). */
function factExpr(w: Writer, p: Prepared, fb: Fallbacks, fact: FactName, params: Record<string, unknown>): string {
  // (A field the catalog does not know: the closures' reading of it.)
  if (fact === 'field') return fieldCode(w, String(params['field']), !!params['outer']) ?? `${w.ref(fb.fact(fact, params))}(ctx, i, o)`;
  if (fact === 'expr') return exprCode(w, p, fb, params['expr'] as ExprData);
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
  if ('all' in c || 'any' in c) {
    // `all` stops at the first false part, `any` at the first true one; an unknown part makes the
    // answer unknown unless a later one stops it. One part is that part; no parts is true (as the
    // closures have it for both).
    const [parts, stop] = 'all' in c ? [c.all, 0] : [c.any, 1];
    if (parts.length === 1) return gen(w, p, fb, parts[0]!, res);
    if (parts.length === 0) return `${res} = 1;`;
    const t = w.tmp();
    const b = w.name();
    let s = `${res} = ${1 - stop}; ${b}: {\n`;
    for (const x of parts) s += `${gen(w, p, fb, x, t)}\nif (${t} === ${stop}) { ${res} = ${stop}; break ${b}; }\nif (${t} === 2) ${res} = 2;\n`;
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
  const read = `${a} = ${factExpr(w, p, fb, fact, params)};`;
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
    const readB = `${b} = ${factExpr(w, p, fb, refFact, refParams)};`;
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
  return { source: sourceOf(w, p, fb, c, name), refs: w.refs };
}

function sourceOf(w: Writer, p: Prepared, fb: Fallbacks, c: Condition, name: string): string {
  const body = gen(w, p, fb, c, 'r');
  const vars = ['r = 2', ...w.vars].join(', ');
  const fname = name.replace(/[^A-Za-z0-9_$]/g, '_');
  return `return function rule_${fname}(ctx, i, o, m) {\nlet ${vars};\n${body}\nreturn r;\n};`;
}

/** A rule's test as a generated function, or undefined where code may not be generated. */
export function generateTest(p: Prepared, fb: Fallbacks, c: Condition, name: string): GeneratedTest | undefined {
  if (!canGenerate()) return undefined;
  const w = new Writer();
  return w.build<GeneratedTest>(sourceOf(w, p, fb, c, name));
}

/** What the generated runner needs of each rule (runtime-compiled.ts CompiledRuleFn). */
export interface RunnerRule {
  rule: unknown;
  test: unknown;
  line: boolean;
}

/**
 * Runs every rule on a claim (runtime-compiled.ts `runCompiled` without traces, its meaning): line
 * rules on the lines a code guard lets through, claim rules when asked; fired and unknown outcomes
 * pushed in rule order, then line order. Each rule's test is called from a call site of its own,
 * which the JavaScript engine can inline, instead of one call site for every rule.
 */
export type Runner = (
  ctx: unknown,
  lines: readonly number[],
  claimRules: boolean,
  applies: readonly Uint8Array[],
  fired: unknown[],
  unknown: unknown[],
  lacking: { n: number; namesFor: (r: never, ctx: never) => unknown },
) => void;

export function generateRunner(rules: readonly RunnerRule[]): Runner | undefined {
  if (!canGenerate()) return undefined;
  const w = new Writer();
  let body = 'const n = lines.length;\nlet x;\n';
  rules.forEach((r, k) => {
    const fn = w.ref(r);
    const test = w.ref(r.test);
    const rule = w.ref(r.rule);
    const one = (line: string) =>
      `lacking.n = 0;\nx = ${test}(ctx, ${line}, ${line}, lacking);\nif (x === 1) fired.push({ rule: ${rule}, line: ${line} });\nelse if (x === 2) unknown.push({ rule: ${rule}, line: ${line}, missing: lacking.namesFor(${fn}, ctx) });\n`;
    body += r.line ? `for (let k = 0; k < n; k++) {\nif (applies[k][${k}] === 0) continue;\nconst line = lines[k];\n${one('line')}}\n` : `if (claimRules) {\n${one('undefined')}}\n`;
  });
  return w.build<Runner>(`return function runRules(ctx, lines, claimRules, applies, fired, unknown, lacking) {\n${body}};`);
}
