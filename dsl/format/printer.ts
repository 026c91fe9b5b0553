// AST + comments → canonical text. Layout: two-space indents, one statement per line, lists
// wrapped at 100 columns, blank lines kept (at most one) between top-level items, comments kept:
// a comment on its own line stays before the node that follows it, a comment at the end of a line
// stays at the end of that node's line.
import type { IToken } from 'chevrotain';
import type * as A from '../ast.ts';

const WIDTH = 100;

interface Comment {
  start: number;
  text: string;
  used: boolean;
}

class Printer {
  private out: string[] = [];
  private comments: Comment[];
  private next = 0;
  constructor(
    private readonly src: string,
    comments: IToken[],
  ) {
    this.comments = comments.map((c) => ({ start: c.startOffset, text: c.image.replace(/\s+$/, ''), used: false })).sort((a, b) => a.start - b.start);
  }

  /** Emits comments that start before `offset` as their own lines. */
  leading(offset: number, indent: string): void {
    while (this.next < this.comments.length && this.comments[this.next]!.start < offset) {
      const c = this.comments[this.next++]!;
      if (c.used) continue;
      c.used = true;
      this.out.push(indent + c.text);
    }
  }

  /** A comment on the same source line right after `end`, if any (consumed). */
  trailing(end: number): string {
    const c = this.comments[this.next];
    if (!c || c.used || c.start < end) return '';
    const between = this.src.slice(end, c.start);
    if (/[\r\n]/.test(between) || between.trim() !== '') return '';
    c.used = true;
    this.next++;
    return '  ' + c.text;
  }

  /** Whether a comment starts inside [start, end). */
  hasCommentIn(start: number, end: number): boolean {
    return this.comments.some((c) => !c.used && c.start >= start && c.start < end);
  }

  /**
   * Prints the source of [start, end) as written, re-indented to `indent` (later lines keep their
   * indentation relative to the first): for a statement or condition with a comment inside it,
   * whose comments would otherwise have to move away from the code they annotate.
   */
  verbatim(start: number, end: number, indent: string, prefix = ''): void {
    const lineStart = this.src.lastIndexOf('\n', start - 1) + 1;
    const base = /^[ \t]*/.exec(this.src.slice(lineStart, start))![0];
    // Two spaces before a comment at the end of a line, as everywhere else.
    let text = this.src.slice(start, end);
    const inside = this.comments.filter((c) => c.start >= start && c.start < end).reverse();
    for (const c of inside) {
      const at = c.start - start;
      const ws = /[ \t]*$/.exec(text.slice(0, at))![0].length;
      if (ws && !/(^|\n)[ \t]*$/.test(text.slice(0, at))) text = text.slice(0, at - ws) + '  ' + text.slice(at);
    }
    const lines = text.split(/\r?\n/);
    lines.forEach((l, i) => {
      const body = i === 0 ? l.trim() : l.startsWith(base) ? l.slice(base.length).replace(/\s+$/, '') : l.trim();
      this.out.push(body ? (i === 0 ? indent + prefix + body : indent + body) : '');
    });
    for (const c of this.comments) if (c.start >= start && c.start < end) c.used = true;
    while (this.next < this.comments.length && this.comments[this.next]!.start < end) this.next++;
    // A comment after the node on its last line still trails it.
    const t = this.trailing(end);
    if (t) this.out[this.out.length - 1] += t;
  }

  line(text: string, end?: number): void {
    this.out.push(text + (end !== undefined ? this.trailing(end) : ''));
  }

  blank(): void {
    if (this.out.length && this.out[this.out.length - 1] !== '') this.out.push('');
  }

  /** Prints items of a list, one per line, each with its own leading and trailing comments. */
  listPerLine(items: { text: string; start: number; end: number }[], indent: string, sep: string): void {
    items.forEach((it, i) => {
      this.leading(it.start, indent);
      const last = i === items.length - 1;
      this.out.push(indent + it.text + (last ? '' : sep) + this.trailing(last ? it.end : this.sepEnd(it.end)));
    });
  }

  /** The offset just past the separator after `end` (so a comment after `97110,` trails it). */
  private sepEnd(end: number): number {
    const m = /^\s*,/.exec(this.src.slice(end));
    return m ? end + m[0].length : end;
  }

  finish(): string {
    this.leading(Infinity, '');
    while (this.out.length && this.out[this.out.length - 1] === '') this.out.pop();
    return this.out.join('\n') + '\n';
  }
}

function quote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t') + '"';
}

function element(e: A.Element): string {
  if (e.kind === 'Code') return e.text;
  if (e.kind === 'CodeRange') return `${e.from.text}..${e.to.text}`;
  if (e.kind === 'CodePattern') return `${e.prefix}*`;
  return e.name;
}

function priced(fees: A.Name | undefined): string {
  return fees ? ` priced by table ${fees.text}` : '';
}

/** Joins items with ", ", wrapping at WIDTH; continuation lines get `cont` indent. */
function wrap(prefix: string, items: string[], cont: string, suffix = ''): string[] {
  const lines: string[] = [];
  let cur = prefix;
  items.forEach((it, i) => {
    const piece = it + (i < items.length - 1 ? ',' : suffix);
    const sep = cur === prefix || cur === cont ? '' : ' ';
    if (cur.length + sep.length + piece.length > WIDTH && cur !== prefix && cur !== cont) {
      lines.push(cur);
      cur = cont + piece;
    } else cur += sep + piece;
  });
  lines.push(cur);
  return lines;
}

function window(w: A.Window): string {
  return `effective ${w.from.text}` + (w.through ? ` through ${w.through.text}` : '');
}

function clauses(c: A.Clauses, withWhen = true): string {
  const parts: string[] = [];
  if (c.when && withWhen) parts.push(`when ${expr(c.when)}`);
  if (c.severity) parts.push(c.severity.value);
  if (c.effective) parts.push(window(c.effective));
  if (c.fix) parts.push(`fix ${quote(c.fix.value)}`);
  if (c.cite) parts.push(`cite ${quote(c.cite.value)}`);
  return parts.length ? ' ' + parts.join(' ') : '';
}

// ---- expressions ----

const PREC: Record<string, number> = { or: 1, and: 2, not: 3, cmp: 4, '+': 5, '-': 5, '*': 6, '/': 6 };

function precOf(e: A.Expr): number {
  switch (e.kind) {
    case 'Logical':
      return PREC[e.op]!;
    case 'Not':
      return PREC['not']!;
    case 'Compare':
    case 'InSet':
    case 'Has':
    case 'Presence':
      return PREC['cmp']!;
    case 'Arith':
      return PREC[e.op]!;
    default:
      return 10;
  }
}

function paren(e: A.Expr, min: number): string {
  const s = expr(e);
  return precOf(e) < min ? `(${s})` : s;
}

export function expr(e: A.Expr): string {
  switch (e.kind) {
    case 'Logical':
      return e.operands.map((o) => paren(o, PREC[e.op]! + 1)).join(` ${e.op} `);
    case 'Not':
      return `not ${paren(e.operand, PREC['not']!)}`;
    case 'Compare':
      return `${paren(e.left, 5)} ${e.op} ${paren(e.right, 5)}`;
    case 'InSet': {
      const target = e.set.kind === 'SetRef' ? e.set.name : `[${e.set.elements.map(element).join(', ')}]`;
      return `${paren(e.operand, 5)} ${e.negated ? 'not in' : 'in'} ${target}`;
    }
    case 'Has': {
      if (e.set) {
        const target = e.set.kind === 'SetRef' ? e.set.name : `[${e.set.elements.map(element).join(', ')}]`;
        return `${paren(e.operand, 5)} has ${e.mode === 'has' ? 'any' : e.mode} of ${target}`;
      }
      const vals = e.values.map((v) => v.text).join(', ');
      const head = e.mode === 'has' ? 'has' : e.mode === 'none' ? 'lacks' : `has ${e.mode} of`;
      return `${paren(e.operand, 5)} ${head} ${vals}`;
    }
    case 'Presence':
      return `${paren(e.operand, 5)} is ${e.present ? 'present' : 'missing'}`;
    case 'Arith': {
      const p = PREC[e.op]!;
      return `${paren(e.left, p)} ${e.op} ${paren(e.right, p + 1)}`;
    }
    case 'Aggregate':
      return `${e.fn}(${e.over.path}${e.where ? ` where ${expr(e.where)}` : ''})${e.per ? ` per ${e.per}` : ''}`;
    case 'FieldRef':
      return e.path;
    case 'Number':
    case 'Money':
    case 'Percent':
    case 'Date':
    case 'Code':
      return e.text;
    case 'Duration':
      return `${e.amount.text} ${e.unit}`;
    case 'Text':
      return quote(e.value);
    case 'Bool':
      return String(e.value);
  }
}

/** Breaks a long condition at its top-level `and`/`or`. */
function conditionLines(keyword: string, e: A.Expr, indent: string): string[] {
  const flat = `${indent}${keyword} ${expr(e)}`;
  if (flat.length <= WIDTH || e.kind !== 'Logical') return [flat];
  const parts = e.operands.map((o) => paren(o, PREC[e.op]! + 1));
  return [`${indent}${keyword} ${parts[0]}`, ...parts.slice(1).map((p) => `${indent}  ${e.op} ${p}`)];
}

function whenLines(e: A.Expr, indent: string): string[] {
  return conditionLines('when', e, indent);
}

// ---- statements ----

function bodyText(b: A.Body): string {
  switch (b.kind) {
    case 'UnitsMethod':
      return `method ${b.method.text}`;
    case 'UnitCodes':
      return `${b.timed ? 'timed' : 'untimed'} codes ${b.elements.map(element).join(', ')}`;
    case 'MinutesPerUnit':
      return `${b.minutes.text} minutes per unit`;
    case 'MinimumMinutes':
      return `minimum ${b.minutes.text} minutes`;
    case 'RequireModifier': {
      const mods = b.oneOf ? `one of ${b.modifiers.map((m) => m.text).join(', ')}` : b.modifiers[0]!.text;
      return `require ${mods}` + (b.on ? ` on ${b.on.map(element).join(', ')}` : '');
    }
    case 'RequireKx':
      return `require ${b.modifier.text} above ${b.threshold.text} per year${priced(b.fees)}`;
    case 'TargetedReview':
      return `targeted review above ${b.threshold.text} per year${priced(b.fees)}`;
    case 'UnitPair':
      return `pair ${b.primary.text} first ${b.first.text} minutes${b.minimum ? ` minimum ${b.minimum.text} minutes` : ''} then ${b.addon.text} each ${b.each.text} minutes`;
    case 'ProcedureValidity':
      return `procedure codes in table ${b.table.text}`;
    case 'DiagnosisValidity':
      return `diagnoses in table ${b.table.text}`;
    case 'AuthCoversVisits':
      return `auth covers visits${b.codes ? ` for ${b.codes.map(element).join(', ')}` : ''}`;
    case 'RequireAssistant':
      return `require ${b.modifier.text} with ${b.with.text} when assistant minutes above ${b.above.text}`;
    case 'RequireAuth': {
      let s = `require auth for ${b.codes.map(element).join(', ')}`;
      if (b.except) s += ` except ${b.except.map(element).join(', ')}`;
      if (b.after) s += ` after ${b.after.visits.text} visits ` + (b.after.within ? `within ${b.after.within.amount.text} ${b.after.within.unit}` : 'per calendar year');
      return s;
    }
    case 'AuthCovers':
      return 'auth covers date of service';
    case 'AuthMax':
      return `auth max ${b.visits.text} visits within ${b.within.amount.text} ${b.within.unit}`;
    case 'VisitLimit':
      return `limit ${b.visits.text} visits${b.codes ? ` for ${b.codes.map(element).join(', ')}` : ''} per calendar year`;
    case 'Places':
      return `places ${b.elements.map(element).join(', ')}`;
    case 'Eligible':
      return `eligible ${b.elements.map(element).join(', ')}`;
    case 'Covered':
      return `covered ${b.windows.map((w) => `${w.from.text} through ${w.through?.text ?? ''}`).join(', ')}`;
    case 'NcciTable':
      return b.table ? `ncci table ${b.table.text}${(b.bypass ?? []).map((x) => ` bypass ${x.modifiers.map((m) => m.text).join(', ')}${x.on ? ` on ${x.on.map(element).join(', ')}` : ''}`).join('')}` : 'ncci';
    case 'MueTable':
      return b.table ? `mue table ${b.table.text}` : 'mue';
  }
}

function ncciRow(r: A.NcciRow): string {
  let s = `${r.column1.map(element).join(', ')} / ${r.column2.map(element).join(', ')} ` + (r.never ? 'never bypass' : `bypass ${r.bypass.map((m) => m.text).join(', ')}`);
  if (r.from) s += ` from ${r.from.text}`;
  if (r.deleted) s += ` deleted ${r.deleted.text}`;
  return s;
}

function statement(p: Printer, st: A.Statement, indent: string): void {
  p.leading(st.span.start, indent);
  const head = `${indent}${st.override ? 'override ' : ''}${st.id ? `${st.id.text}: ` : ''}`;
  const b = st.body;
  if ((b.kind === 'NcciTable' || b.kind === 'MueTable') && !b.table) {
    p.line(`${head}${b.kind === 'NcciTable' ? 'ncci' : 'mue'} {`);
    for (const row of b.rows) {
      p.leading(row.span.start, indent + '  ');
      p.line(indent + '  ' + (row.kind === 'NcciRow' ? ncciRow(row) : `${row.codes.map(element).join(', ')} max ${row.max.text} per ${row.per}`), row.span.end);
    }
    p.leading(st.body.span.end - 1, indent + '  ');
    p.line(`${indent}}${clauses(st.clauses)}`, st.span.end);
    return;
  }
  if (b.kind === 'Covered' && b.windows.length > 1 && p.hasCommentIn(b.span.start, b.span.end)) {
    p.line(`${head}covered`);
    p.listPerLine(b.windows.map((w) => ({ text: `${w.from.text} through ${w.through?.text ?? ''}`, start: w.span.start, end: w.span.end })), indent + '    ', ',');
    const cl = clauses(st.clauses);
    if (cl) p.line(indent + '   ' + cl, st.span.end);
    return;
  }
  // A comment inside the statement stays where it was written: the statement is kept as written.
  if (p.hasCommentIn(st.span.start, st.span.end)) {
    p.verbatim(st.span.start, st.span.end, indent);
    return;
  }
  const text = head + bodyText(b) + clauses(st.clauses);
  if (text.length <= WIDTH) {
    p.line(text, st.span.end);
    return;
  }
  // Too long: wrap the body's list, then put the clauses on their own line.
  const lists: Partial<Record<A.BodyKind, [string, A.Element[]]>> = {
    UnitCodes: b.kind === 'UnitCodes' ? [`${b.timed ? 'timed' : 'untimed'} codes `, b.elements] : undefined,
    Eligible: b.kind === 'Eligible' ? ['eligible ', b.elements] : undefined,
    Places: b.kind === 'Places' ? ['places ', b.elements] : undefined,
  };
  const l = lists[b.kind];
  const bodyLines = l ? wrap(head + l[0], l[1].map(element), indent + '    ') : [head + bodyText(b)];
  // A `when` goes on a line of its own (broken at its `and`/`or` when long), the other clauses after.
  const whenLines = st.clauses.when ? conditionLines('when', st.clauses.when, indent + '    ') : [];
  const cl = clauses(st.clauses, false).trim();
  const tail = [...whenLines, ...(cl ? [`${indent}    ${cl}`] : [])];
  for (const [i, line] of bodyLines.entries()) p.line(line, i === bodyLines.length - 1 && !tail.length ? st.span.end : undefined);
  for (const [i, line] of tail.entries()) p.line(line, i === tail.length - 1 ? st.span.end : undefined);
}

function item(p: Printer, it: A.Item): void {
  switch (it.kind) {
    case 'RulesetHeader':
      p.line(`ruleset ${it.id.text}${it.title ? ' ' + quote(it.title.value) : ''}`, it.span.end);
      return;
    case 'VersionDecl':
      p.line(`version ${it.version.text} ${window(it.window)}`, it.span.end);
      return;
    case 'ExtendsDecl':
      p.line(`extends ${it.base.text}`, it.span.end);
      return;
    case 'DisableDecl':
      p.line(`disable ${it.ids.map((i) => i.text).join(', ')}`, it.span.end);
      return;
    case 'NotCheckedDecl': {
      if (p.hasCommentIn(it.span.start, it.span.end)) {
        p.verbatim(it.span.start, it.span.end, '');
        return;
      }
      const head = `${it.override ? 'override ' : ''}not checked ${it.id.text} ${quote(it.what.value)}`;
      if (!it.cite) p.line(head, it.span.end);
      else {
        p.line(head);
        p.line(`    cite ${quote(it.cite.value)}`, it.span.end);
      }
      return;
    }
    case 'CodeSetDecl': {
      const head = `${it.override ? 'override ' : ''}${it.of} ${it.name.text} =`;
      const first = it.elements[0];
      if (first && p.hasCommentIn(first.span.start, it.span.end)) {
        p.line(head);
        p.listPerLine(it.elements.map((e) => ({ text: element(e), start: e.span.start, end: e.span.end })), '    ', ',');
        return;
      }
      const lines = wrap(head + ' ', it.elements.map(element), '    ');
      lines.forEach((l, i) => p.line(l, i === lines.length - 1 ? it.span.end : undefined));
      return;
    }
    case 'Block': {
      p.line(`${it.block} {`);
      for (const st of it.statements) statement(p, st, '  ');
      p.leading(it.span.end - 1, '  ');
      p.line('}', it.span.end);
      return;
    }
    case 'RuleDecl': {
      p.line(`${it.override ? 'override ' : ''}rule ${it.id.text} ${quote(it.title.value)}${it.severity ? ' ' + it.severity.value : ''} {`);
      const parts: { start: number; end: number; lines: string[]; prefix?: string }[] = [];
      if (it.findingKind) parts.push({ start: it.findingKind.span.start, end: it.findingKind.span.end, lines: [`  kind ${it.findingKind.text}`] });
      if (it.when) parts.push({ start: it.when.span.start, end: it.when.span.end, lines: whenLines(it.when, '  '), prefix: 'when ' });
      const c = it.clauses;
      if (c.effective) parts.push({ start: c.effective.span.start, end: c.effective.span.end, lines: [`  ${window(c.effective)}`] });
      if (c.fix) parts.push({ start: c.fix.span.start, end: c.fix.span.end, lines: [`  fix ${quote(c.fix.value)}`] });
      if (c.cite) parts.push({ start: c.cite.span.start, end: c.cite.span.end, lines: [`  cite ${quote(c.cite.value)}`] });
      for (const part of parts) {
        p.leading(part.start, '  ');
        // A comment inside a condition stays where it was written: the condition is kept as written.
        if (p.hasCommentIn(part.start, part.end)) p.verbatim(part.start, part.end, '  ', part.prefix);
        else part.lines.forEach((l, i) => p.line(l, i === part.lines.length - 1 ? part.end : undefined));
      }
      p.leading(it.span.end - 1, '  ');
      p.line('}', it.span.end);
      return;
    }
  }
}

/** Items of one group sit on consecutive lines; blocks and rules stand apart. */
function group(it: A.Item): string | undefined {
  if (it.kind === 'RulesetHeader' || it.kind === 'VersionDecl' || it.kind === 'ExtendsDecl') return 'header';
  if (it.kind === 'Block' || it.kind === 'RuleDecl') return undefined;
  return it.kind;
}

/** Prints a whole ruleset. */
export function print(ast: A.Ruleset, comments: IToken[], src: string): string {
  const p = new Printer(src, comments);
  let prev: A.Item | undefined;
  for (const it of ast.items) {
    if (prev) {
      const gap = src.slice(prev.span.end, firstCommentOrStart(comments, prev.span.end, it.span.start));
      const blankInSource = /\n[ \t]*\r?\n/.test(gap);
      if (group(prev) === undefined || group(prev) !== group(it) || blankInSource) p.blank();
    }
    p.leading(it.span.start, '');
    item(p, it);
    prev = it;
  }
  return p.finish();
}

function firstCommentOrStart(comments: IToken[], from: number, to: number): number {
  for (const c of comments) if (c.startOffset >= from && c.startOffset < to) return c.startOffset;
  return to;
}
