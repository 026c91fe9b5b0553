// Code elements (codes, ranges, set references) → flattened {codes, ranges}, and the shape checks
// that codes get wherever they are written.
import type * as A from '../ast.ts';
import type { DiagnosticBag } from '../diagnostics.ts';
import { CODE_SHAPES, compareCodes, isCode, type CodeKind } from '../../engine/codes.ts';
import type { ResolvedSet } from './model.ts';
import { closest, didYouMean } from '../../engine/suggest.ts';
import { MODIFIERS } from '../../engine/modifiers.ts';

const SHAPE_CODE = { procedure: 'PR2005', modifier: 'PR2006', pos: 'PR2007', diagnosis: 'PR2008' } as const;

/** Checks one code against a code system; reports PR2005–PR2008 with a hint. Returns whether it fits. */
export function checkCodeShape(bag: DiagnosticBag, code: A.Code, kind: CodeKind): boolean {
  if (isCode(kind, code.text)) {
    if (kind === 'modifier' && !MODIFIERS.has(code.text)) {
      // Well formed but not a modifier we know: most often a typo (`G0` for `GO`) that would never
      // match a claim. A payer's own modifier is allowed; the warning says so.
      const oh = (m: string) => m.replace(/0/g, 'O');
      const near = [...MODIFIERS.keys()].find((m) => oh(m) === oh(code.text)) ?? closest(code.text, MODIFIERS.keys());
      bag.add('PR3007', code.span, `\`${code.text}\` is not a modifier payer-rules knows (CPT, HCPCS Level II or a Medicaid program modifier)`, {
        help: near ? `did you mean \`${near}\`? If \`${code.text}\` is the payer's own modifier, keep it and say so in the rule's citation` : `if \`${code.text}\` is the payer's own modifier, keep it and say so in the rule's citation`,
      });
    }
    return true;
  }
  let help: string | undefined;
  const upper = code.text.toUpperCase();
  if (upper !== code.text && isCode(kind, upper)) help = `codes are written in capitals: \`${upper}\``;
  else if (kind === 'procedure' && /^\d+$/.test(code.text)) help = `CPT codes have 5 digits; \`${code.text}\` has ${code.text.length}`;
  else if (kind === 'pos' && /^\d$/.test(code.text)) help = `write it with 2 digits: \`0${code.text}\``;
  bag.add(SHAPE_CODE[kind], code.span, `\`${code.text}\` is not ${CODE_SHAPES[kind].describe}`, help ? { help } : {});
  return false;
}

/** A procedure code set may also hold diagnoses (ICD-10-CM); anything else is malformed. */
export function checkSetCode(bag: DiagnosticBag, code: A.Code): boolean {
  if (isCode('procedure', code.text) || isCode('diagnosis', code.text)) return true;
  return checkCodeShape(bag, code, 'procedure');
}

export function checkRange(bag: DiagnosticBag, r: A.CodeRange, kind: CodeKind | 'set'): boolean {
  const ok = kind === 'set' ? checkSetCode(bag, r.from) && checkSetCode(bag, r.to) : checkCodeShape(bag, r.from, kind) && checkCodeShape(bag, r.to, kind);
  if (!ok) return false;
  const c = compareCodes(r.from.text, r.to.text);
  if (c === undefined) {
    bag.add('PR2009', r.span, `\`${r.from.text}..${r.to.text}\` mixes codes of different kinds`, { help: 'a range runs between two codes of the same shape, like `97161..97163` or `G0281..G0283`' });
    return false;
  }
  if (c > 0) {
    bag.add('PR2009', r.span, `the range \`${r.from.text}..${r.to.text}\` runs from high to low, so it holds no codes`, { help: `write it low to high: \`${r.to.text}..${r.from.text}\`` });
    return false;
  }
  return true;
}

export interface Flat {
  codes: string[];
  ranges: [string, string][];
}

/**
 * Flattens elements against resolved sets. Reports unknown set names (PR2001) when a bag is given.
 * Codes are checked for shape as `kind` ('set' = procedure or diagnosis).
 */
export function flatten(elements: readonly A.Element[], sets: ReadonlyMap<string, ResolvedSet>, bag: DiagnosticBag | undefined, kind: CodeKind | 'set' = 'set'): Flat {
  const codes = new Set<string>();
  const ranges: [string, string][] = [];
  for (const e of elements) {
    if (e.kind === 'Code') {
      if (!bag || (kind === 'set' ? checkSetCode(bag, e) : checkCodeShape(bag, e, kind))) codes.add(e.text);
    } else if (e.kind === 'CodeRange') {
      if (!bag || checkRange(bag, e, kind)) ranges.push([e.from.text, e.to.text]);
    } else if (e.kind === 'CodePattern') {
      bag?.add('PR2005', e.span, `\`${e.prefix}*\` is a diagnosis pattern; patterns belong in a \`diagnoses\` set`);
    } else {
      const s = sets.get(e.name);
      if (!s) {
        if (bag) {
          const help = didYouMean(e.name, sets.keys());
          bag.add('PR2001', e.span, `no code set is named \`${e.name}\``, help ? { help } : { help: 'define it with `codes ' + e.name + ' = …`' });
        }
        continue;
      }
      if (s.kind === 'diagnosis') {
        bag?.add('PR2037', e.span, `\`${e.name}\` is a set of diagnoses, and procedure codes are expected here`);
        continue;
      }
      for (const c of s.codes) codes.add(c);
      ranges.push(...s.ranges);
    }
  }
  return normalize({ codes: [...codes], ranges });
}

/**
 * Checks elements without building the flattened set: codes for shape, ranges for order, set names
 * for existence. Costs the elements written, not the size of the sets they name.
 */
export function checkElements(elements: readonly A.Element[], sets: ReadonlyMap<string, ResolvedSet>, bag: DiagnosticBag, kind: CodeKind | 'set' = 'set'): void {
  for (const e of elements) {
    if (e.kind === 'Code') {
      if (kind === 'set') checkSetCode(bag, e);
      else checkCodeShape(bag, e, kind);
    } else if (e.kind === 'CodeRange') checkRange(bag, e, kind);
    else if (e.kind === 'CodePattern') bag.add('PR2005', e.span, `\`${e.prefix}*\` is a diagnosis pattern; patterns belong in a \`diagnoses\` set`);
    else if (!sets.has(e.name)) {
      const help = didYouMean(e.name, sets.keys());
      bag.add('PR2001', e.span, `no code set is named \`${e.name}\``, help ? { help } : { help: 'define it with `codes ' + e.name + ' = …`' });
    } else if (sets.get(e.name)!.kind === 'diagnosis') {
      bag.add('PR2037', e.span, `\`${e.name}\` is a set of diagnoses, and procedure codes are expected here`);
    }
  }
}

/** The shape of a code: digits as 9, letters as themselves (97110 → 99999, G0283 → G9999). */
function shapeOf(code: string): string {
  return code.replace(/\d/g, '9');
}

/**
 * Sorts, dedupes, drops codes already inside a range, and merges overlapping ranges. Ranges only
 * hold codes of their own shape, so each shape is merged on its own and a code is looked up by
 * binary search among the ranges of its shape: n log n, whatever the mix of codes and ranges.
 */
export function normalize(f: Flat): Flat {
  const byShape = new Map<string, [string, string][]>();
  for (const r of f.ranges) {
    const k = `${shapeOf(r[0])}\u0000${r[0].replace(/\d/g, '')}`;
    const list = byShape.get(k);
    if (list) list.push(r);
    else byShape.set(k, [r]);
  }
  const merged: [string, string][] = [];
  const groups = new Map<string, [string, string][]>();
  for (const [k, list] of byShape) {
    list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    const out: [string, string][] = [];
    for (const r of list) {
      const last = out[out.length - 1];
      if (last && r[0] <= last[1]) {
        if (r[1] > last[1]) last[1] = r[1];
      } else out.push([r[0], r[1]]);
    }
    groups.set(k, out);
    merged.push(...out);
  }
  merged.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const covered = (c: string): boolean => {
    const g = groups.get(`${shapeOf(c)}\u0000${c.replace(/\d/g, '')}`);
    if (!g) return false;
    // The last range starting at or before c.
    let lo = 0;
    let hi = g.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (g[mid]![0] <= c) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at >= 0 && c <= g[at]![1];
  };
  const codes = [...new Set(f.codes)].filter((c) => !covered(c)).sort();
  return { codes, ranges: merged };
}

export function inRange(code: string, r: readonly [string, string]): boolean {
  const lo = compareCodes(r[0], code);
  const hi = compareCodes(code, r[1]);
  return lo !== undefined && hi !== undefined && lo <= 0 && hi <= 0;
}

export function isEmpty(f: Flat): boolean {
  return f.codes.length === 0 && f.ranges.length === 0;
}

/**
 * `isEmpty(flatten(elements, sets, undefined))` without building the flattened set (a lint asks
 * this of every statement: 160,000 flattened copies of code sets in a 16 MB ruleset): flatten
 * keeps every code and range written and those of the procedure sets named; it skips patterns,
 * unknown names and diagnosis sets.
 */
export function elementsEmpty(elements: readonly A.Element[], sets: ReadonlyMap<string, ResolvedSet>): boolean {
  for (const e of elements) {
    if (e.kind === 'Code' || e.kind === 'CodeRange') return false;
    if (e.kind !== 'SetRef') continue;
    const s = sets.get(e.name);
    if (s && s.kind !== 'diagnosis' && (s.codes.length > 0 || s.ranges.length > 0)) return false;
  }
  return true;
}
