// CST → AST. The only file that reads Chevrotain CST nodes or tokens. Every AST node gets a
// half-open span (Chevrotain's endOffset is inclusive, hence the +1). Items that error recovery
// left incomplete are dropped here; the parser has already reported why.
import type { CstNode, IToken } from 'chevrotain';
import type * as A from './ast.ts';
import type { Span } from './source.ts';

type Child = CstNode | IToken;

/** Thrown (and caught per item) when recovery left a required part out. */
class Incomplete extends Error {}

function isToken(c: Child): c is IToken {
  return (c as IToken).image !== undefined;
}

function tokSpan(t: IToken): Span {
  if (t.isInsertedInRecovery || Number.isNaN(t.startOffset) || t.startOffset < 0) throw new Incomplete();
  return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}

function nodeSpan(n: CstNode): Span {
  const l = n.location;
  if (!l || Number.isNaN(l.startOffset) || l.startOffset < 0 || l.endOffset === undefined || Number.isNaN(l.endOffset)) throw new Incomplete();
  return { start: l.startOffset, end: l.endOffset + 1 };
}

function tokens(n: CstNode, name: string): IToken[] {
  return (n.children[name] as IToken[] | undefined) ?? [];
}
function tok(n: CstNode, name: string, i = 0): IToken | undefined {
  const t = tokens(n, name)[i];
  return t && !t.isInsertedInRecovery ? t : undefined;
}
function needTok(n: CstNode, name: string, i = 0): IToken {
  const t = tok(n, name, i);
  if (!t) throw new Incomplete();
  return t;
}
function subs(n: CstNode, name: string): CstNode[] {
  return (n.children[name] as CstNode[] | undefined) ?? [];
}
function sub(n: CstNode, name: string, i = 0): CstNode | undefined {
  return subs(n, name)[i];
}
function needSub(n: CstNode, name: string, i = 0): CstNode {
  const s = sub(n, name, i);
  if (!s) throw new Incomplete();
  return s;
}
const offsetOf = (c: Child) => (isToken(c) ? c.startOffset : (c.location?.startOffset ?? NaN));

/** All children of a node in source order. */
function ordered(n: CstNode): Child[] {
  const lists = Object.values(n.children) as Child[][];
  // Most nodes have one kind of child, already in source order: no sort needed.
  if (lists.length === 1) return lists[0]!;
  const all: Child[] = [];
  for (const list of lists) for (const c of list) all.push(c);
  return all.sort((a, b) => offsetOf(a) - offsetOf(b));
}

/** The first child of a node in source order. */
function firstChild(n: CstNode): Child | undefined {
  let best: Child | undefined;
  let at = Infinity;
  for (const list of Object.values(n.children) as Child[][]) {
    const c = list[0];
    if (c === undefined) continue;
    const o = offsetOf(c);
    if (best === undefined || o < at) {
      best = c;
      at = o;
    }
  }
  return best;
}

function ruleId(n: CstNode): A.Name {
  const t = tok(n, 'RuleId') ?? needTok(n, 'CodeWord');
  return name(t);
}

// The leaf constructors below are also parse-valid.ts's: both parsers build leaves one way.
export function name(t: IToken): A.Name {
  return { kind: 'Name', text: t.image, span: tokSpan(t) };
}

/** Unquotes a string literal: \" \\ \n \t are the escapes. */
export function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

export function text(t: IToken): A.Text {
  return { kind: 'Text', value: unquote(t.image), span: tokSpan(t) };
}

export function date(t: IToken): A.DateLit {
  return { kind: 'Date', text: t.image, span: tokSpan(t) };
}

export function numberLit(t: IToken): A.NumberLit {
  return { kind: 'Number', text: t.image, value: Number(t.image), span: tokSpan(t) };
}

export function moneyLit(t: IToken): A.MoneyLit {
  const digits = t.image.slice(1).replace(/,/g, '');
  return { kind: 'Money', text: t.image, cents: Math.round(Number(digits) * 100), span: tokSpan(t) };
}

export function percentLit(t: IToken): A.PercentLit {
  return { kind: 'Percent', text: t.image, value: Number(t.image.slice(0, -1)) / 100, span: tokSpan(t) };
}

function code(n: CstNode): A.Code {
  const t = tok(n, 'NumberLit') ?? tok(n, 'DigitCode') ?? tok(n, 'CodeWord');
  if (!t) throw new Incomplete();
  return { kind: 'Code', text: t.image, span: tokSpan(t) };
}

function value(n: CstNode): A.Code {
  const c = sub(n, 'code');
  if (c) return code(c);
  const s = needTok(n, 'StringLit');
  return { kind: 'Code', text: unquote(s.image), span: tokSpan(s) };
}

function values(n: CstNode): A.Code[] {
  return subs(n, 'value').map(value);
}

function element(n: CstNode): A.Element {
  const pat = tok(n, 'DiagnosisPattern');
  if (pat) return { kind: 'CodePattern', prefix: pat.image.slice(0, -1), span: tokSpan(pat) };
  const id = tok(n, 'Identifier');
  if (id) return { kind: 'SetRef', name: id.image, span: tokSpan(id) };
  const codes = subs(n, 'code');
  const from = code(needSub(n, 'code'));
  if (codes.length > 1 || tok(n, 'DotDot')) {
    const to = code(needSub(n, 'code', 1));
    return { kind: 'CodeRange', from, to, span: { start: from.span.start, end: to.span.end } };
  }
  return from;
}

function elements(n: CstNode): A.Element[] {
  return subs(n, 'element').map(element);
}

function window(n: CstNode): A.Window {
  const from = date(needTok(n, 'DateLit'));
  const t = tok(n, 'DateLit', 1);
  const w: A.Window = { kind: 'Window', from, span: nodeSpan(n) };
  if (t) w.through = date(t);
  return w;
}

function dateSpan(n: CstNode): A.Window {
  return { kind: 'Window', from: date(needTok(n, 'DateLit')), through: date(needTok(n, 'DateLit', 1)), span: nodeSpan(n) };
}

function duration(within: CstNode): A.Duration {
  const amount = numberLit(needTok(within, 'NumberLit'));
  const unitNode = needSub(within, 'durationUnit');
  const unitTok = firstChild(unitNode) as IToken | undefined;
  if (!unitTok) throw new Incomplete();
  return { kind: 'Duration', amount, unit: unitTok.image as A.DurationUnit, span: nodeSpan(within) };
}

function severity(n: CstNode): A.SeverityLit {
  const t = firstChild(n) as IToken | undefined;
  if (!t) throw new Incomplete();
  return { kind: 'Severity', value: t.image as A.SeverityLit['value'], span: tokSpan(t) };
}

/** Reads suffix/clause nodes into Clauses; a clause written twice keeps the first (the checker reports it). */
function addClause(clauses: A.Clauses, dupes: Span[], n: CstNode): void {
  const sev = sub(n, 'severity');
  const win = sub(n, 'window');
  const put = <K extends keyof A.Clauses>(k: K, v: NonNullable<A.Clauses[K]>) => {
    if (clauses[k]) dupes.push(v.span);
    else clauses[k] = v;
  };
  if (sev) put('severity', severity(sev));
  else if (win) put('effective', window(win));
  else if (tok(n, 'KwCite')) put('cite', text(needTok(n, 'StringLit')));
  else if (tok(n, 'KwFix')) put('fix', text(needTok(n, 'StringLit')));
}

function body(n: CstNode): A.Body {
  const span = nodeSpan(n);
  if (tok(n, 'KwMethod')) return { kind: 'UnitsMethod', method: name(needTok(n, 'Identifier')), span };
  if (tok(n, 'KwTimed') || tok(n, 'KwUntimed')) return { kind: 'UnitCodes', timed: !!tok(n, 'KwTimed'), elements: elements(needSub(n, 'elements')), span };
  if (tok(n, 'KwPer') && tok(n, 'KwUnit')) return { kind: 'MinutesPerUnit', minutes: numberLit(needTok(n, 'NumberLit')), span };
  if (tok(n, 'KwMinimum')) return { kind: 'MinimumMinutes', minutes: numberLit(needTok(n, 'NumberLit')), span };
  const req = sub(n, 'requireBody');
  if (req) return requireBody(req);
  const ncci = sub(n, 'ncciTable');
  if (ncci) {
    const t = sub(ncci, 'tableRef');
    if (!t) return { kind: 'NcciTable', rows: subs(ncci, 'ncciRow').map(ncciRow), span };
    return { kind: 'NcciTable', rows: [], table: tableRef(t), bypass: subs(ncci, 'ncciBypass').map(ncciBypass), span };
  }
  const mue = sub(n, 'mueTable');
  if (mue) {
    const t = sub(mue, 'tableRef');
    return t ? { kind: 'MueTable', rows: [], table: tableRef(t), span } : { kind: 'MueTable', rows: subs(mue, 'mueRow').map(mueRow), span };
  }
  const pair = sub(n, 'pairBody');
  if (pair) {
    const nums = tokens(pair, 'NumberLit');
    const minimum = tok(pair, 'KwMinimum');
    const b: Extract<A.Body, { kind: 'UnitPair' }> = {
      kind: 'UnitPair',
      primary: code(needSub(pair, 'code')),
      first: numberLit(nums[0] ?? needTok(pair, 'NumberLit')),
      addon: code(needSub(pair, 'code', 1)),
      each: numberLit(nums[minimum ? 2 : 1] ?? needTok(pair, 'NumberLit', 2)),
      span,
    };
    if (minimum) b.minimum = numberLit(nums[1] ?? needTok(pair, 'NumberLit', 1));
    return b;
  }
  const table = sub(n, 'tableRef');
  if (table && tok(n, 'KwIn')) return tok(n, 'KwProcedure') ? { kind: 'ProcedureValidity', table: tableRef(table), span } : { kind: 'DiagnosisValidity', table: tableRef(table), span };
  if (tok(n, 'KwTargeted')) {
    const b: Extract<A.Body, { kind: 'TargetedReview' }> = { kind: 'TargetedReview', threshold: moneyLit(needTok(n, 'MoneyLit')), span };
    const priced = sub(n, 'pricedBy');
    if (priced) b.fees = tableRef(needSub(priced, 'tableRef'));
    return b;
  }
  if (tok(n, 'KwAuth')) {
    if (tok(n, 'KwCovers') && tok(n, 'KwVisits')) {
      const b: Extract<A.Body, { kind: 'AuthCoversVisits' }> = { kind: 'AuthCoversVisits', span };
      const codes = sub(n, 'elements');
      if (codes) b.codes = elements(codes);
      return b;
    }
    if (tok(n, 'KwCovers')) return { kind: 'AuthCovers', span };
    return { kind: 'AuthMax', visits: numberLit(needTok(n, 'NumberLit')), within: duration(needSub(n, 'within')), span };
  }
  if (tok(n, 'KwLimit')) {
    const b: Extract<A.Body, { kind: 'VisitLimit' }> = { kind: 'VisitLimit', visits: numberLit(needTok(n, 'NumberLit')), span };
    const codes = sub(n, 'elements');
    if (codes) b.codes = elements(codes);
    return b;
  }
  if (tok(n, 'KwPlaces')) return { kind: 'Places', elements: elements(needSub(n, 'elements')), span };
  if (tok(n, 'KwEligible')) return { kind: 'Eligible', elements: elements(needSub(n, 'elements')), span };
  if (tok(n, 'KwCovered')) return { kind: 'Covered', windows: subs(n, 'span').map(dateSpan), span };
  throw new Incomplete();
}

function requireBody(n: CstNode): A.Body {
  const span = nodeSpan(n);
  if (tok(n, 'KwAuth')) {
    const lists = subs(n, 'elements');
    const b: Extract<A.Body, { kind: 'RequireAuth' }> = { kind: 'RequireAuth', codes: elements(needSub(n, 'elements')), span };
    if (tok(n, 'KwExcept')) b.except = elements(lists[1] ?? needSub(n, 'elements', 1));
    const after = tok(n, 'KwAfter');
    if (after) {
      const visits = numberLit(needTok(n, 'NumberLit'));
      const w = sub(n, 'within');
      const endTok = tok(n, 'KwYear');
      const end = w ? nodeSpan(w).end : endTok ? tokSpan(endTok).end : visits.span.end;
      b.after = { visits, span: { start: tokSpan(after).start, end } };
      if (w) b.after.within = duration(w);
    }
    return b;
  }
  const spec = needSub(n, 'modSpec');
  const oneOf = !!tok(spec, 'KwOne');
  const modifiers = oneOf ? values(needSub(spec, 'values')) : [value(needSub(spec, 'value'))];
  if (tok(n, 'KwAbove') && tok(n, 'MoneyLit')) {
    const b: Extract<A.Body, { kind: 'RequireKx' }> = { kind: 'RequireKx', modifier: modifiers[0]!, threshold: moneyLit(needTok(n, 'MoneyLit')), span };
    const priced = sub(n, 'pricedBy');
    if (priced) b.fees = tableRef(needSub(priced, 'tableRef'));
    return b;
  }
  if (tok(n, 'KwWith')) {
    return { kind: 'RequireAssistant', modifier: modifiers[0]!, with: value(needSub(n, 'value')), above: percentLit(needTok(n, 'PercentLit')), span };
  }
  const b: Extract<A.Body, { kind: 'RequireModifier' }> = { kind: 'RequireModifier', oneOf, modifiers, span };
  if (tok(n, 'KwOn')) b.on = elements(needSub(n, 'elements'));
  return b;
}

function ncciRow(n: CstNode): A.NcciRow {
  const row: A.NcciRow = {
    kind: 'NcciRow',
    column1: elements(needSub(n, 'elements')),
    column2: elements(needSub(n, 'elements', 1)),
    bypass: tok(n, 'KwNever') ? [] : values(needSub(n, 'values')),
    never: !!tok(n, 'KwNever'),
    span: nodeSpan(n),
  };
  const dates = tokens(n, 'DateLit');
  if (tok(n, 'KwFrom')) row.from = date(dates[0] ?? needTok(n, 'DateLit'));
  if (tok(n, 'KwDeleted')) row.deleted = date(dates[row.from ? 1 : 0] ?? needTok(n, 'DateLit', 1));
  return row;
}

function tableRef(n: CstNode): A.Name {
  return name(needTok(n, 'Identifier'));
}

function ncciBypass(n: CstNode): A.NcciBypass {
  const b: A.NcciBypass = { kind: 'NcciBypass', modifiers: values(needSub(n, 'values')), span: nodeSpan(n) };
  const on = sub(n, 'elements');
  if (on) b.on = elements(on);
  return b;
}

function mueRow(n: CstNode): A.MueRow {
  return { kind: 'MueRow', codes: elements(needSub(n, 'elements')), max: numberLit(needTok(n, 'NumberLit')), per: tok(n, 'KwDay') ? 'day' : 'line', span: nodeSpan(n) };
}

function statement(n: CstNode): A.Statement {
  const clauses: A.Clauses = {};
  const dupes: Span[] = [];
  for (const s of subs(n, 'suffix')) addClause(clauses, dupes, s);
  const when = sub(n, 'expr');
  if (when) {
    const w = expr(when);
    if (subs(n, 'expr').length > 1) dupes.push(expr(subs(n, 'expr')[1]!).span);
    clauses.when = w;
  }
  const st: A.Statement = { kind: 'Statement', override: !!tok(n, 'KwOverride'), body: body(needSub(n, 'body')), clauses, span: nodeSpan(n) };
  const id = sub(n, 'ruleId');
  if (id) st.id = ruleId(id);
  if (dupes.length) duplicateClauses.push(...dupes);
  return st;
}

/** Spans of clauses written twice, collected during one toAst call and reported by the checker. */
let duplicateClauses: Span[] = [];

/** Most arithmetic operators (`+ - * /`) one item may hold. */
export const MAX_ARITHMETIC = 256;
/** Operators the item being converted may still hold. */
let arithBudget = MAX_ARITHMETIC;
/** Expressions past the limit, reported by parse() as PR1006. */
let tooLong: Span[] = [];

// ---- expressions ----

function expr(n: CstNode): A.Expr {
  const parts = subs(n, 'andExpr').map(andExpr);
  return parts.length === 1 ? parts[0]! : { kind: 'Logical', op: 'or', operands: parts, span: nodeSpan(n) };
}

function andExpr(n: CstNode): A.Expr {
  const parts = subs(n, 'notExpr').map(notExpr);
  return parts.length === 1 ? parts[0]! : { kind: 'Logical', op: 'and', operands: parts, span: nodeSpan(n) };
}

function notExpr(n: CstNode): A.Expr {
  const inner = sub(n, 'notExpr');
  if (inner) return { kind: 'Not', operand: notExpr(inner), span: nodeSpan(n) };
  return comparison(needSub(n, 'comparison'));
}

function comparison(n: CstNode): A.Expr {
  const left = additive(needSub(n, 'additive'));
  const span = nodeSpan(n);
  const op = sub(n, 'compareOp');
  if (op) {
    const t = firstChild(op) as IToken | undefined;
    if (!t) throw new Incomplete();
    return { kind: 'Compare', op: t.image as A.CompareOp, left, right: additive(needSub(n, 'additive', 1)), span };
  }
  if (tok(n, 'KwIn')) {
    const target = needSub(n, 'setTarget');
    const id = tok(target, 'Identifier');
    const set: Extract<A.Expr, { kind: 'InSet' }>['set'] = id
      ? { kind: 'SetRef', name: id.image, span: tokSpan(id) }
      : { kind: 'InlineSet', elements: elements(needSub(target, 'elements')), span: nodeSpan(target) };
    return { kind: 'InSet', negated: !!tok(n, 'KwNot'), operand: left, set, span };
  }
  if (tok(n, 'KwHas') || tok(n, 'KwLacks')) {
    const lacks = !!tok(n, 'KwLacks');
    let mode: 'has' | 'any' | 'all' | 'none' = tok(n, 'KwAny') ? 'any' : tok(n, 'KwAll') ? 'all' : tok(n, 'KwNone') ? 'none' : 'has';
    if (lacks) mode = 'none';
    const target = sub(n, 'setTarget');
    if (target) {
      const id = tok(target, 'Identifier');
      const set: NonNullable<Extract<A.Expr, { kind: 'Has' }>['set']> = id
        ? { kind: 'SetRef', name: id.image, span: tokSpan(id) }
        : { kind: 'InlineSet', elements: elements(needSub(target, 'elements')), span: nodeSpan(target) };
      return { kind: 'Has', mode, operand: left, values: [], set, span };
    }
    return { kind: 'Has', mode, operand: left, values: values(needSub(n, 'values')), span };
  }
  if (tok(n, 'KwIs')) return { kind: 'Presence', present: !!tok(n, 'KwPresent'), operand: left, span };
  return left;
}

function binaryChain(n: CstNode, operandRule: string, read: (c: CstNode) => A.Expr): A.Expr {
  let acc: A.Expr | undefined;
  let pending: A.ArithOp | undefined;
  for (const c of ordered(n)) {
    if (isToken(c)) {
      pending = c.image as A.ArithOp;
      continue;
    }
    if (c.name !== operandRule) continue;
    const e = read(c);
    if (!acc) acc = e;
    else {
      if (!pending) throw new Incomplete();
      if (--arithBudget < 0) {
        // The checker, compiler, formatter and both runtimes walk expressions recursively: a
        // bounded size keeps them all within the stack. The item is dropped and reported.
        tooLong.push({ start: acc.span.start, end: e.span.end });
        throw new Incomplete();
      }
      acc = { kind: 'Arith', op: pending, left: acc, right: e, span: { start: acc.span.start, end: e.span.end } };
    }
  }
  if (!acc) throw new Incomplete();
  return acc;
}

function additive(n: CstNode): A.Expr {
  return binaryChain(n, 'multiplicative', multiplicative);
}

function multiplicative(n: CstNode): A.Expr {
  return binaryChain(n, 'primary', primary);
}

function path(n: CstNode): A.FieldRef {
  const parts = ordered(n).filter((c): c is IToken => isToken(c) && c.tokenType.name !== 'Dot');
  for (const p of parts) tokSpan(p);
  return { kind: 'FieldRef', path: parts.map((p) => p.image).join('.'), span: nodeSpan(n) };
}

function primary(n: CstNode): A.Expr {
  const agg = sub(n, 'aggregate');
  if (agg) {
    const fnTok = firstChild(agg) as IToken;
    const a: Extract<A.Expr, { kind: 'Aggregate' }> = { kind: 'Aggregate', fn: fnTok.image as A.AggregateFn, over: path(needSub(agg, 'path')), span: nodeSpan(agg) };
    const where = sub(agg, 'expr');
    if (where) a.where = expr(where);
    if (tok(agg, 'KwPer')) a.per = 'day';
    return a;
  }
  let t: IToken | undefined;
  if ((t = tok(n, 'NumberLit'))) {
    const num = numberLit(t);
    const unit = sub(n, 'durationUnit');
    if (unit) {
      const u = firstChild(unit) as IToken | undefined;
      if (!u) throw new Incomplete();
      return { kind: 'Duration', amount: num, unit: u.image as A.DurationUnit, span: nodeSpan(n) };
    }
    return num;
  }
  if ((t = tok(n, 'MoneyLit'))) return moneyLit(t);
  if ((t = tok(n, 'PercentLit'))) return percentLit(t);
  if ((t = tok(n, 'DateLit'))) return date(t);
  if ((t = tok(n, 'StringLit'))) return text(t);
  if ((t = tok(n, 'CodeWord')) || (t = tok(n, 'DigitCode'))) return { kind: 'Code', text: t.image, span: tokSpan(t) };
  const p = sub(n, 'path');
  if (p) {
    const ref = path(p);
    if (ref.path === 'true' || ref.path === 'false') return { kind: 'Bool', value: ref.path === 'true', span: ref.span };
    return ref;
  }
  const inner = sub(n, 'expr');
  if (inner) return expr(inner);
  throw new Incomplete();
}

// ---- items ----

function item(n: CstNode): A.Item {
  const c = firstChild(n);
  if (!c || isToken(c)) throw new Incomplete();
  const span = nodeSpan(c);
  switch (c.name) {
    case 'rulesetDecl': {
      const h: A.RulesetHeader = { kind: 'RulesetHeader', id: name(needTok(c, 'Identifier')), span };
      const s = tok(c, 'StringLit');
      if (s) h.title = text(s);
      return h;
    }
    case 'versionDecl': {
      const v = tok(c, 'NumberLit') ?? tok(c, 'CodeWord') ?? needTok(c, 'Identifier');
      return { kind: 'VersionDecl', version: name(v), window: window(needSub(c, 'window')), span };
    }
    case 'extendsDecl':
      return { kind: 'ExtendsDecl', base: name(needTok(c, 'Identifier')), span };
    case 'disableDecl':
      return { kind: 'DisableDecl', ids: subs(c, 'ruleId').map(ruleId), span };
    case 'notCheckedDecl': {
      const d: A.NotCheckedDecl = { kind: 'NotCheckedDecl', override: !!tok(c, 'KwOverride'), id: ruleId(needSub(c, 'ruleId')), what: text(needTok(c, 'StringLit')), span };
      const cite = tok(c, 'StringLit', 1);
      if (cite) d.cite = text(cite);
      return d;
    }
    case 'codesDecl':
      return { kind: 'CodeSetDecl', of: tok(c, 'KwDiagnoses') ? 'diagnoses' : 'codes', override: !!tok(c, 'KwOverride'), name: name(needTok(c, 'Identifier')), elements: elements(needSub(c, 'elements')), span };
    case 'blockDecl': {
      const kwTok = firstChild(c) as IToken;
      const stmts: A.Statement[] = [];
      for (const s of subs(c, 'statement')) {
        try {
          stmts.push(statement(s));
        } catch (e) {
          if (!(e instanceof Incomplete)) throw e;
        }
      }
      return { kind: 'Block', block: kwTok.image as A.BlockKind, keyword: tokSpan(kwTok), statements: stmts, span };
    }
    case 'ruleDecl': {
      const clauses: A.Clauses = {};
      const dupes: Span[] = [];
      const r: A.RuleDecl = { kind: 'RuleDecl', override: !!tok(c, 'KwOverride'), id: ruleId(needSub(c, 'ruleId')), title: text(needTok(c, 'StringLit')), clauses, span };
      const sev = sub(c, 'severity');
      if (sev) r.severity = severity(sev);
      for (const cl of subs(c, 'clause')) {
        const w = sub(cl, 'expr');
        const k = tok(cl, 'Identifier');
        if (w) {
          if (r.when) dupes.push(nodeSpan(cl));
          else r.when = expr(w);
        } else if (k) {
          if (r.findingKind) dupes.push(tokSpan(k));
          else r.findingKind = name(k);
        } else {
          const sfx = sub(cl, 'suffix');
          if (sfx) addClause(clauses, dupes, sfx);
        }
      }
      if (clauses.severity) {
        if (r.severity) dupes.push(clauses.severity.span);
        else r.severity = clauses.severity;
        delete clauses.severity;
      }
      duplicateClauses.push(...dupes);
      return r;
    }
  }
  throw new Incomplete();
}

export interface AstOutput {
  ast: A.Ruleset;
  /** Clauses written twice (the checker reports them as PR2023). */
  duplicateClauses: Span[];
  /** Expressions with more than MAX_ARITHMETIC operators (their items are dropped). */
  tooLong: Span[];
}

/**
 * Builds the AST item by item as the parser hands items over (`add`), then the whole (`finish`).
 * Each item's CST is emptied once converted, so it can be collected while parsing goes on.
 * Incomplete items (from error recovery) are left out. `continueBlock()` says the next item is the
 * rest of the block added last (parse.ts cuts a large block between statements): its statements
 * are appended to that block, and the item's arithmetic budget carries on, as if the block had
 * been parsed in one piece.
 */
export function astBuilder(textLength: number): { add: (n: CstNode) => void; continueBlock: () => void; finish: () => AstOutput } {
  const items: A.Item[] = [];
  const dups: Span[] = [];
  const long: Span[] = [];
  let continuing = false;
  return {
    add(n) {
      duplicateClauses = dups;
      tooLong = long;
      const cont = continuing;
      continuing = false;
      if (!cont) arithBudget = MAX_ARITHMETIC;
      try {
        const it = item(n);
        const prev = items[items.length - 1];
        if (cont && it.kind === 'Block' && prev?.kind === 'Block') {
          for (const st of it.statements) prev.statements.push(st);
          prev.span = { start: prev.span.start, end: it.span.end };
        } else items.push(it);
      } catch (e) {
        if (!(e instanceof Incomplete)) throw e;
      } finally {
        duplicateClauses = [];
        tooLong = [];
        (n as { children: CstNode["children"] }).children = {};
      }
    },
    continueBlock() {
      continuing = true;
    },
    finish: () => ({ ast: { kind: 'Ruleset', items, span: { start: 0, end: textLength } }, duplicateClauses: dups, tooLong: long }),
  };
}
