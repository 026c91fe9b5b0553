// Types of rule conditions: resolves field names, checks operands against the operator table and
// gives every expression a type (literals take the type of what they are compared with).
import type * as A from '../ast.ts';
import type { DiagnosticBag } from '../diagnostics.ts';
import { FIELD_BY_PATH, FIELDS } from '../../engine/field-catalog.ts';
import { CODE_TYPES, describeType, elementType, type ScalarType, type ValueType } from '../../engine/types.ts';
import { parseDate } from '../../engine/dates.ts';
import type { CodeKind } from '../../engine/codes.ts';
import { checkCodeShape, checkElements } from './elements.ts';
import type { ResolvedSet } from './model.ts';
import { didYouMean } from '../../engine/suggest.ts';
import { flattenDiagnoses } from './diagnoses.ts';

/** A literal whose type is settled by its context: `97110` may be a number or a code. */
type Flexible = 'number-literal' | 'code-literal';
type T = ValueType | Flexible;

const ORDERED: ReadonlySet<ValueType> = new Set(['number', 'money', 'percent', 'date', 'duration']);
const NUMERIC: ReadonlySet<ValueType> = new Set(['number', 'percent']);

const CODE_KIND_OF: Partial<Record<ValueType, CodeKind>> = { code: 'procedure', modifier: 'modifier', pos: 'pos', diagnosis: 'diagnosis' };

export interface ExprContext {
  bag: DiagnosticBag;
  sets: ReadonlyMap<string, ResolvedSet>;
  types: Map<A.Expr, ValueType>;
  usedSets: Set<string>;
  /** True while inside an aggregate that iterates the claim's lines. */
  inLines: boolean;
  /** Set when a `line.` field is read outside such an aggregate: the rule runs per line. */
  perLine: boolean;
}

function show(t: T): string {
  if (t === 'number-literal') return 'a number';
  if (t === 'code-literal') return 'a code';
  return describeType(t);
}

function set(ctx: ExprContext, e: A.Expr, t: ValueType): ValueType {
  ctx.types.set(e, t);
  return t;
}

/** Settles a flexible literal against a concrete type; reports when it cannot be one. */
function coerce(ctx: ExprContext, e: A.Expr, t: T, target: ValueType): boolean {
  if (t === target) return true;
  if (t === 'number-literal') {
    if (NUMERIC.has(target)) return set(ctx, e, target), true;
    if (CODE_TYPES.has(target)) {
      const kind = CODE_KIND_OF[target];
      if (kind && e.kind === 'Number') checkCodeShape(ctx.bag, { kind: 'Code', text: e.text, span: e.span }, kind);
      set(ctx, e, target);
      return true;
    }
    return false;
  }
  if (t === 'code-literal') {
    if (!CODE_TYPES.has(target)) return false;
    const kind = CODE_KIND_OF[target];
    if (kind && (e.kind === 'Code' || e.kind === 'Text')) {
      const text = e.kind === 'Code' ? e.text : e.value;
      checkCodeShape(ctx.bag, { kind: 'Code', text, span: e.span }, kind);
    }
    set(ctx, e, target);
    return true;
  }
  if (NUMERIC.has(t) && NUMERIC.has(target)) return true;
  return false;
}

function mismatch(ctx: ExprContext, span: A.Expr['span'], what: string, a: T, b: T): void {
  ctx.bag.add('PR2012', span, `${what} ${show(a)} and ${show(b)}`, { help: 'both sides must be the same kind of value' });
}

/** Types a condition; reports PR2030 when it is not a yes/no question. */
export function checkCondition(ctx: ExprContext, e: A.Expr): void {
  const t = typeOf(ctx, e);
  if (t !== undefined && t !== 'boolean') {
    ctx.bag.add('PR2030', e.span, `this is ${show(t)}, not a yes/no condition`, { help: 'compare it with something, e.g. `line.units > 4`' });
  }
}

export function typeOf(ctx: ExprContext, e: A.Expr): T | undefined {
  switch (e.kind) {
    case 'Number':
      return 'number-literal';
    case 'Code':
      return 'code-literal';
    case 'Text':
      return set(ctx, e, 'text'), 'code-literal';
    case 'Money':
      return set(ctx, e, 'money');
    case 'Percent':
      return set(ctx, e, 'percent');
    case 'Bool':
      return set(ctx, e, 'boolean');
    case 'Duration':
      if (e.amount.value <= 0 || !Number.isInteger(e.amount.value)) ctx.bag.add('PR2029', e.amount.span, `a duration is a whole number of ${e.unit}`);
      return set(ctx, e, 'duration');
    case 'Date':
      if (parseDate(e.text) === undefined) ctx.bag.add('PR2010', e.span, `\`${e.text}\` is not a date on the calendar`);
      return set(ctx, e, 'date');
    case 'FieldRef':
      return field(ctx, e);
    case 'Logical': {
      for (const o of e.operands) checkCondition(ctx, o);
      return set(ctx, e, 'boolean');
    }
    case 'Not':
      checkCondition(ctx, e.operand);
      return set(ctx, e, 'boolean');
    case 'Presence': {
      if (e.operand.kind !== 'FieldRef') ctx.bag.add('PR2026', e.operand.span, '`is missing` and `is present` apply to claim and line fields');
      typeOf(ctx, e.operand);
      return set(ctx, e, 'boolean');
    }
    case 'Compare':
      return compare(ctx, e);
    case 'Arith':
      return arith(ctx, e);
    case 'InSet':
      return inSet(ctx, e);
    case 'Has':
      return has(ctx, e);
    case 'Aggregate':
      return aggregate(ctx, e);
  }
}

/** `this.code` reads the line the rule checks: the line field `line.code`, from inside a `where`. */
export function outerPath(path: string): string | undefined {
  return path.startsWith('this.') ? `line.${path.slice(5)}` : undefined;
}

function field(ctx: ExprContext, e: A.FieldRef): ValueType | undefined {
  const outer = outerPath(e.path);
  if (outer !== undefined || e.path === 'this') {
    const f = outer ? FIELD_BY_PATH.get(outer) : undefined;
    if (!f || f.scope !== 'line') {
      const help = didYouMean(outer ?? 'line.', FIELDS.filter((x) => x.scope === 'line').map((x) => x.path));
      ctx.bag.add('PR2002', e.span, `a line has no field \`${(outer ?? 'line.').slice(5)}\``, { help: help ? `did you mean \`this.${help.replace(/^did you mean `line\./, '').replace(/`\?$/, '')}\`?` : '`this.` reads a field of the line the rule checks, such as `this.dateOfService`' });
      return undefined;
    }
    if (!ctx.inLines) {
      ctx.bag.add('PR2038', e.span, `\`this.\` reads the line the rule checks, from inside \`where\`; here, write \`${outer}\``);
      return undefined;
    }
    ctx.perLine = true;
    return set(ctx, e, f.type);
  }
  const f = FIELD_BY_PATH.get(e.path);
  if (!f) {
    if (e.path === 'lines') {
      ctx.bag.add('PR2002', e.span, '`lines` can only be counted: `count(lines where …)`');
      return undefined;
    }
    const root = e.path.split('.')[0];
    const help = didYouMean(e.path, FIELDS.map((x) => x.path)) ?? (root !== 'claim' && root !== 'line' ? 'fields start with `claim.` or `line.`' : undefined);
    ctx.bag.add('PR2002', e.span, `the claim has no field \`${e.path}\``, help ? { help } : {});
    return undefined;
  }
  if (f.scope === 'line' && !ctx.inLines) ctx.perLine = true;
  return set(ctx, e, f.type);
}

function compare(ctx: ExprContext, e: Extract<A.Expr, { kind: 'Compare' }>): ValueType {
  const l = typeOf(ctx, e.left);
  const r = typeOf(ctx, e.right);
  set(ctx, e, 'boolean');
  if (l === undefined || r === undefined) return 'boolean';
  let t: T;
  if (l === 'number-literal' || l === 'code-literal') {
    if (r === 'number-literal' || r === 'code-literal') {
      ctx.bag.add('PR2012', e.span, 'this compares two fixed values, so its answer never changes', { help: 'compare a claim or line field with a value' });
      return 'boolean';
    }
    if (!coerce(ctx, e.left, l, r)) return mismatch(ctx, e.span, 'this compares', l, r), 'boolean';
    t = r;
  } else {
    if (!coerce(ctx, e.right, r, l) && !(NUMERIC.has(l) && NUMERIC.has(r as ValueType))) return mismatch(ctx, e.span, 'this compares', l, r), 'boolean';
    t = l;
  }
  if (e.op !== '=' && e.op !== '!=' && !ORDERED.has(t as ValueType)) {
    ctx.bag.add('PR2026', e.span, `\`${e.op}\` orders values, and ${show(t)} has no order`, { help: CODE_TYPES.has(t as ValueType) ? 'use `=`, `!=`, or `in` a code set' : undefined });
  }
  if (elementType(t as ValueType)) ctx.bag.add('PR2026', e.span, `\`${e.op}\` compares single values, and this is ${show(t)}`, { help: 'use `has`, `count(…)`, `max(…)` or `min(…)`' });
  return 'boolean';
}

function arith(ctx: ExprContext, e: Extract<A.Expr, { kind: 'Arith' }>): T | undefined {
  let l = typeOf(ctx, e.left);
  let r = typeOf(ctx, e.right);
  if (l === undefined || r === undefined) return undefined;
  // A bare number in arithmetic is a number.
  if (l === 'number-literal') l = set(ctx, e.left, 'number');
  if (r === 'number-literal') r = set(ctx, e.right, 'number');
  const num = (x: T) => x === 'number' || x === 'percent';
  const op = e.op;
  let out: ValueType | undefined;
  if (num(l) && num(r)) out = 'number';
  else if (l === 'money' && r === 'money' && (op === '+' || op === '-')) out = 'money';
  else if (l === 'money' && r === 'money' && op === '/') out = 'number';
  else if (l === 'money' && num(r) && (op === '*' || op === '/')) out = 'money';
  else if (num(l) && r === 'money' && op === '*') out = 'money';
  else if (l === 'date' && r === 'duration' && (op === '+' || op === '-')) out = 'date';
  else if (l === 'date' && r === 'date' && op === '-') out = 'number';
  else if (l === 'duration' && r === 'date' && op === '+') out = 'date';
  if (!out) {
    mismatch(ctx, e.span, `\`${op}\` cannot combine`, l, r);
    return undefined;
  }
  return set(ctx, e, out);
}

/** Checks that a set fits the values tested against it: diagnoses against a `diagnoses` set, codes against a `codes` set. */
function setFits(ctx: ExprContext, target: A.SetRef | { kind: 'InlineSet'; elements: A.Element[]; span: A.Expr['span'] }, valueType: ValueType | undefined): void {
  const diagnosis = valueType === 'diagnosis' || valueType === 'list<diagnosis>';
  if (target.kind === 'SetRef') {
    ctx.usedSets.add(target.name);
    const s = ctx.sets.get(target.name);
    if (!s) {
      checkElements([target], ctx.sets, ctx.bag);
      return;
    }
    if (diagnosis && s.kind !== 'diagnosis' && (s.codes.length || s.ranges.length)) {
      ctx.bag.add('PR2037', target.span, `\`${target.name}\` is a set of procedure codes, and this tests diagnoses`, { help: `define the diagnoses with \`diagnoses ${target.name} = …\`` });
    } else if (!diagnosis && valueType !== undefined && s.kind === 'diagnosis') {
      ctx.bag.add('PR2037', target.span, `\`${target.name}\` is a set of diagnoses, and this tests ${describeType(valueType)}`);
    }
    return;
  }
  for (const el of target.elements) if (el.kind === 'SetRef') ctx.usedSets.add(el.name);
  if (diagnosis) flattenDiagnoses(target.elements, ctx.sets, ctx.bag);
  else {
    const kind = valueType ? CODE_KIND_OF[(elementType(valueType) ?? valueType) as ValueType] : undefined;
    checkElements(target.elements, ctx.sets, ctx.bag, kind ?? 'set');
  }
}

function inSet(ctx: ExprContext, e: Extract<A.Expr, { kind: 'InSet' }>): ValueType {
  set(ctx, e, 'boolean');
  const t = typeOf(ctx, e.operand);
  if (e.set.kind === 'SetRef' || t === 'diagnosis') {
    setFits(ctx, e.set, t === 'number-literal' || t === 'code-literal' ? undefined : t);
  } else {
    const target = t && t !== 'number-literal' && t !== 'code-literal' ? CODE_KIND_OF[t] : undefined;
    checkElements(e.set.elements, ctx.sets, ctx.bag, target ?? 'set');
    for (const el of e.set.elements) if (el.kind === 'SetRef') ctx.usedSets.add(el.name);
  }
  if (t !== undefined && t !== 'code-literal' && !CODE_TYPES.has(t as ValueType)) {
    ctx.bag.add('PR2026', e.operand.span, `\`in\` asks whether a code is in a set, and this is ${show(t)}`, {
      help: elementType(t as ValueType) ? 'for a list, use `has any of …`' : undefined,
    });
  }
  return 'boolean';
}

function has(ctx: ExprContext, e: Extract<A.Expr, { kind: 'Has' }>): ValueType {
  set(ctx, e, 'boolean');
  const t = typeOf(ctx, e.operand);
  if (t === undefined) return 'boolean';
  const el = elementType(t as ValueType);
  if (!el) {
    ctx.bag.add('PR2026', e.operand.span, `\`has\` and \`lacks\` look inside a list, and this is ${show(t)}`, { help: 'for a single code, use `=` or `in`' });
    return 'boolean';
  }
  if (e.set) {
    if (e.mode === 'has') ctx.bag.add('PR2026', e.set.span, 'say how the list meets the set: `has any of`, `has all of` or `has none of`');
    setFits(ctx, e.set, t as ValueType);
    return 'boolean';
  }
  for (const v of e.values) {
    const isNum = /^\d+$/.test(v.text);
    if (el === 'number') {
      if (!isNum) ctx.bag.add('PR2012', v.span, `\`${v.text}\` is not a number, and this list holds numbers`);
      continue;
    }
    const kind = CODE_KIND_OF[el as ScalarType];
    if (kind) checkCodeShape(ctx.bag, v, kind);
  }
  return 'boolean';
}

export { setFits };

function aggregate(ctx: ExprContext, e: Extract<A.Expr, { kind: 'Aggregate' }>): T | undefined {
  const over = e.over;
  const f = FIELD_BY_PATH.get(over.path);
  const visits = over.path === 'visits';
  const iteratesLines = over.path === 'lines' || visits || (f?.scope === 'line' && !elementType(f.type));
  if (visits && e.fn !== 'count') {
    ctx.bag.add('PR2032', over.span, `visits can only be counted: \`count(visits where …)\``);
    return undefined;
  }
  if (e.per === 'day') {
    if (!iteratesLines) ctx.bag.add('PR2032', e.span, '`per day` keeps the lines of one date of service: use it with `lines` or a `line.` field');
    else if (ctx.inLines) ctx.bag.add('PR2038', e.span, '`per day` inside `where` is not supported: compare `line.dateOfService = this.dateOfService` instead');
    // The day is the date of service of the line the rule checks: the rule runs per line.
    ctx.perLine = true;
  }
  if (over.path !== 'lines' && !visits && !f) {
    field(ctx, over);
    return undefined;
  }
  if ((over.path === 'lines') && e.fn !== 'count') {
    ctx.bag.add('PR2032', over.span, `\`${e.fn}(lines)\` needs a field: write \`${e.fn}(line.units)\``);
    return undefined;
  }
  if (f && !iteratesLines && !elementType(f.type)) {
    ctx.bag.add('PR2032', over.span, `\`${over.path}\` is a single value, not a list`, { help: 'aggregate a list (`claim.diagnoses`) or a line field across lines (`line.units`)' });
    return undefined;
  }
  if (e.where && !iteratesLines) ctx.bag.add('PR2032', e.where.span, '`where` filters lines: use it with `lines` or a `line.` field');
  const saved = ctx.inLines;
  if (iteratesLines) ctx.inLines = true;
  if (f) {
    if (!iteratesLines && f.scope === 'line' && !saved) ctx.perLine = true;
    ctx.types.set(over, f.type);
  }
  if (e.where) checkCondition(ctx, e.where);
  ctx.inLines = saved;
  if (e.fn === 'count') return set(ctx, e, 'number');
  const el: ValueType | undefined = f ? (elementType(f.type) ?? f.type) : undefined;
  if (!el || !ORDERED.has(el) || (e.fn === 'sum' && el === 'date')) {
    ctx.bag.add('PR2032', over.span, `\`${e.fn}\` needs numbers, amounts or dates, and \`${over.path}\` holds ${show(f!.type)}`);
    return undefined;
  }
  return set(ctx, e, el);
}
