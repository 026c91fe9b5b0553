// Warnings: code sets nothing uses, rules that can never fire, rules without a citation.
import type * as A from '../ast.ts';
import { parseDate } from '../../engine/dates.ts';
import { elementsEmpty } from './elements.ts';
import type { State } from './index.ts';

export function lint(s: State): void {
  const self = s.header?.id.text ?? '';
  for (const [name, d] of s.ownSets) {
    if (!s.usedSets.has(name)) s.bag.add('PR3001', d.name.span, `the ${d.of === 'diagnoses' ? 'diagnosis' : 'code'} set \`${name}\` is not used by any rule`, { help: 'use it in a rule or remove it' });
  }
  for (const r of s.rules.values()) {
    if (r.definedIn !== self || r.origin.file !== s.file.name) continue;
    // A `not checked` line describes this ruleset, not a policy: it needs no citation and never fires.
    if (r.node.kind === 'NotCheckedDecl') continue;
    const idSpan = r.node.kind === 'RuleDecl' ? r.node.id.span : (r.node.id?.span ?? r.origin.span);
    if (!r.cite) s.bag.add('PR3004', idSpan, `rule \`${r.id}\` cites no source`, { help: 'add `cite "<manual section, bulletin or statute>"` so reviewers can check it' });
    const why = neverFires(s, r.node, r.effective);
    if (why) s.bag.add('PR3002', idSpan, `rule \`${r.id}\` can never fire: ${why}`);
  }
}

function neverFires(s: State, node: A.Statement | A.RuleDecl, eff: { from: number; through?: number } | undefined): string | undefined {
  const v = s.version?.window;
  const vFrom = v ? parseDate(v.from.text) : undefined;
  const vThrough = v?.through ? parseDate(v.through.text) : undefined;
  if (eff && vFrom !== undefined) {
    if (vThrough !== undefined && eff.from > vThrough) return 'it takes effect after this version of the ruleset ends';
    if (eff.through !== undefined && eff.through < vFrom) return 'it ends before this version of the ruleset starts';
  }
  if (node.kind === 'RuleDecl') return node.when ? impossible(s, node.when) : undefined;
  const b = node.body;
  const resolved = (els: readonly A.Element[]) => els.every((e) => e.kind !== 'SetRef' || s.sets.has(e.name));
  const empty = (els: readonly A.Element[] | undefined) => els !== undefined && resolved(els) && elementsEmpty(els, s.sets);
  if (b.kind === 'RequireModifier' && empty(b.on)) return 'the codes it applies to are an empty set';
  if (b.kind === 'RequireAuth' && empty(b.codes)) return 'the codes it applies to are an empty set';
  if ((b.kind === 'NcciTable' || b.kind === 'MueTable') && !b.table && b.rows.length === 0) return 'its table has no rows';
  return undefined;
}

/** Finds contradictions a reader would miss: `x > 5 and x < 3`, `in` an empty set, `false`. */
function impossible(s: State, e: A.Expr): string | undefined {
  if (e.kind === 'Bool' && !e.value) return 'its condition is `false`';
  if (e.kind === 'InSet' && !e.negated && e.set.kind === 'SetRef') {
    const set = s.sets.get(e.set.name);
    if (set && set.codes.length === 0 && set.ranges.length === 0 && !set.prefixes?.length) return `the code set \`${e.set.name}\` is empty`;
  }
  if (e.kind === 'Logical' && e.op === 'and') {
    for (const o of e.operands) {
      const why = impossible(s, o);
      if (why) return why;
    }
    const bounds = new Map<string, { lo: number; loIncl: boolean; hi: number; hiIncl: boolean }>();
    for (const o of e.operands) {
      if (o.kind !== 'Compare' || o.left.kind !== 'FieldRef') continue;
      const n = literalNumber(o.right);
      if (n === undefined) continue;
      const b = bounds.get(o.left.path) ?? { lo: -Infinity, loIncl: false, hi: Infinity, hiIncl: false };
      if (o.op === '>' || o.op === '>=') {
        if (n > b.lo || (n === b.lo && o.op === '>')) Object.assign(b, { lo: n, loIncl: o.op === '>=' });
      } else if (o.op === '<' || o.op === '<=') {
        if (n < b.hi || (n === b.hi && o.op === '<')) Object.assign(b, { hi: n, hiIncl: o.op === '<=' });
      } else if (o.op === '=') {
        Object.assign(b, n > b.lo || (n === b.lo && b.loIncl) ? { lo: n, loIncl: true } : {}, n < b.hi || (n === b.hi && b.hiIncl) ? { hi: n, hiIncl: true } : {});
        if (n < b.lo || n > b.hi) b.lo = Infinity;
      }
      bounds.set(o.left.path, b);
      if (b.lo > b.hi || (b.lo === b.hi && !(b.loIncl && b.hiIncl))) return `no value of \`${o.left.path}\` meets all its comparisons`;
    }
  }
  if (e.kind === 'Logical' && e.op === 'or') {
    const whys = e.operands.map((o) => impossible(s, o));
    if (whys.every(Boolean)) return whys[0];
  }
  return undefined;
}

function literalNumber(e: A.Expr): number | undefined {
  if (e.kind === 'Number') return e.value;
  if (e.kind === 'Money') return e.cents;
  if (e.kind === 'Percent') return e.value;
  if (e.kind === 'Date') return parseDate(e.text);
  return undefined;
}
