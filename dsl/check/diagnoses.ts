// Diagnosis sets (`diagnoses low-back = M54.5*, M54.4*, M51.16..M51.17`): ICD-10-CM codes with or
// without the dot, ranges, prefix patterns and other diagnosis sets → one flattened set in the
// written form (M54.50), with shape checks and warnings for entries one another already holds.
// Matching (engine/operator-catalog.ts): a code is in the set when it is listed, starts with a
// pattern's prefix, or lies in a range — between the ends, or under the upper end (M51.17x).
import type * as A from '../ast.ts';
import type { DiagnosticBag } from '../diagnostics.ts';
import { canonicalDiagnosis, isCode } from '../../engine/codes.ts';
import type { CodeSetData } from '../../engine/compiled.ts';
import type { ResolvedSet } from './model.ts';
import type { Span } from '../source.ts';
import { didYouMean } from '../../engine/suggest.ts';

export interface DiagnosisFlat {
  codes: string[];
  ranges: [string, string][];
  prefixes: string[];
}

/** Whether `code` is held by a range (its ends, between them, or under its upper end). */
export function inDiagnosisRange(code: string, [lo, hi]: readonly [string, string]): boolean {
  return code >= lo && (code <= hi || code.startsWith(hi));
}

function shapeOk(bag: DiagnosticBag | undefined, text: string, span: Span, what: string): boolean {
  if (isCode('diagnosis', text)) return true;
  const upper = text.toUpperCase();
  bag?.add('PR2008', span, `\`${text}\` is not an ICD-10-CM code${what}`, upper !== text && isCode('diagnosis', upper) ? { help: `codes are written in capitals: \`${upper}\`` } : { help: 'a letter, a digit, a letter or digit, then up to 4 more, with or without a dot after the third (M54.50, M5450)' });
  return false;
}

/** A pattern's prefix in written form: `M545*` and `M54.5*` are both `M54.5`; `M54.*` is `M54`. */
function canonicalPrefix(prefix: string): string {
  return canonicalDiagnosis(prefix.replace(/\.$/, ''));
}

/**
 * Flattens the elements of a diagnosis set. With a bag: reports malformed codes (PR2008), ranges
 * written high to low (PR2009), unknown sets (PR2001), procedure-code sets used as diagnoses
 * (PR2037), and entries another entry of the same list already holds (PR3005).
 */
export function flattenDiagnoses(elements: readonly A.Element[], sets: ReadonlyMap<string, ResolvedSet>, bag: DiagnosticBag | undefined, setName?: string): DiagnosisFlat {
  const codes = new Map<string, Span>();
  const ranges: { r: [string, string]; span: Span }[] = [];
  const prefixes = new Map<string, Span>();
  for (const e of elements) {
    switch (e.kind) {
      case 'Code':
        if (shapeOk(bag, e.text, e.span, '')) {
          const c = canonicalDiagnosis(e.text);
          if (codes.has(c)) bag?.add('PR3003', e.span, `\`${e.text}\` is listed twice${setName ? ` in \`${setName}\`` : ''}`, { related: [{ span: codes.get(c)!, message: 'first listed here' }] });
          else codes.set(c, e.span);
        }
        break;
      case 'CodeRange': {
        if (!shapeOk(bag, e.from.text, e.from.span, '') || !shapeOk(bag, e.to.text, e.to.span, '')) break;
        const lo = canonicalDiagnosis(e.from.text);
        const hi = canonicalDiagnosis(e.to.text);
        if (lo > hi) {
          bag?.add('PR2009', e.span, `the range \`${e.from.text}..${e.to.text}\` runs from high to low, so it holds no codes`, { help: `write it low to high: \`${e.to.text}..${e.from.text}\`` });
          break;
        }
        ranges.push({ r: [lo, hi], span: e.span });
        break;
      }
      case 'CodePattern': {
        const text = e.prefix.replace(/\.$/, '');
        if (!shapeOk(bag, text, e.span, ' pattern')) break;
        prefixes.set(canonicalPrefix(e.prefix), e.span);
        break;
      }
      case 'SetRef': {
        const s = sets.get(e.name);
        if (!s) {
          const help = didYouMean(e.name, sets.keys());
          bag?.add('PR2001', e.span, `no diagnosis set is named \`${e.name}\``, help ? { help } : { help: `define it with \`diagnoses ${e.name} = …\`` });
          break;
        }
        if (s.kind !== 'diagnosis') {
          bag?.add('PR2037', e.span, `\`${e.name}\` is a set of procedure codes, not diagnoses`, { help: `define diagnoses with \`diagnoses ${e.name} = …\`` });
          break;
        }
        for (const c of s.codes) if (!codes.has(c)) codes.set(c, e.span);
        for (const r of s.ranges) ranges.push({ r, span: e.span });
        for (const p of s.prefixes ?? []) if (!prefixes.has(p)) prefixes.set(p, e.span);
        break;
      }
    }
  }
  // Entries another entry already holds: a code under a pattern or in a range, a pattern under a
  // shorter pattern. Checked by looking up each code's own prefixes (a code has at most 8), so the
  // cost stays linear in the number of entries.
  const held = (c: string): Span | undefined => {
    for (let n = 3; n < c.length; n++) {
      const span = prefixes.get(c.slice(0, n));
      if (span) return span;
    }
    for (const { r, span } of ranges) if (inDiagnosisRange(c, r)) return span;
    return undefined;
  };
  const sortedRanges = [...ranges].sort((a, b) => (a.r[0] < b.r[0] ? -1 : a.r[0] > b.r[0] ? 1 : 0));
  const keptCodes: string[] = [];
  for (const [c, span] of codes) {
    const by = held(c) ?? prefixes.get(c);
    if (by && by !== span) {
      bag?.add('PR3005', span, `\`${c}\` is already held by another entry${setName ? ` of \`${setName}\`` : ''}`, { related: [{ span: by, message: 'held here' }] });
    } else if (!by) keptCodes.push(c);
  }
  const keptPrefixes: string[] = [];
  for (const [p, span] of prefixes) {
    let by: Span | undefined;
    for (let n = 3; n < p.length && !by; n++) {
      const s = prefixes.get(p.slice(0, n));
      if (s && s !== span) by = s;
    }
    if (by) bag?.add('PR3005', span, `\`${p}*\` is already held by a shorter pattern${setName ? ` of \`${setName}\`` : ''}`, { related: [{ span: by, message: 'held here' }] });
    else keptPrefixes.push(p);
  }
  for (let i = 1; i < sortedRanges.length; i++) {
    const a = sortedRanges[i - 1]!;
    const b = sortedRanges[i]!;
    if (a.span !== b.span && inDiagnosisRange(b.r[0], a.r)) bag?.add('PR3005', b.span, 'this range overlaps another range of the same set', { related: [{ span: a.span, message: 'overlapping range' }] });
  }
  return { codes: keptCodes.sort(), ranges: sortedRanges.map((x) => x.r), prefixes: keptPrefixes.sort() };
}

/** The compiled form of a diagnosis set. */
export function diagnosisSetData(f: DiagnosisFlat): CodeSetData {
  const d: CodeSetData = { kind: 'diagnosis', codes: f.codes, ranges: f.ranges };
  if (f.prefixes.length) d.prefixes = f.prefixes;
  return d;
}
