// X12 text → interchanges of segments. Delimiters are read from each ISA by counting its 16 element
// separators (never at fixed offsets: a 105-character ISA still reads), and re-read at every ISA, so
// one file may hold several interchanges with different delimiters. CR, LF and CRLF after a
// terminator are padding; a file with no line breaks at all reads the same. No Node built-ins.
import { diag, type ReaderDiagnostic } from './diagnostics.ts';

export interface Delimiters {
  element: string;
  component: string;
  /** ISA11 in 5010; detected but never split on (no 837P element repeats, and 4010 files put `U` there). */
  repetition: string;
  segment: string;
}

export interface Segment {
  /** `el[0]` is the segment id; `el[n]` is element n (`SV1` element 7 is `el[7]`), raw. */
  el: string[];
  /** 1-based number of the segment in the file (the first ISA is 1). */
  n: number;
}

export interface Interchange {
  delimiters: Delimiters;
  segments: Segment[];
}

export interface Tokenized {
  interchanges: Interchange[];
  diagnostics: ReaderDiagnostic[];
}

const ISA_LENGTH = 106;
const isPadding = (c: number) => c === 10 || c === 13 || c === 32 || c === 9 || c === 0xfeff;

/** Reads an ISA at `p`: its delimiters and where the next segment starts, or a diagnostic. */
function readIsa(text: string, p: number, n: number): { delimiters: Delimiters; segment: Segment; next: number; warning?: ReaderDiagnostic } | { error: ReaderDiagnostic } {
  const element = text[p + 3];
  const where = `segment ${n} (ISA)`;
  if (element === undefined || /[A-Za-z0-9 \r\n]/.test(element)) {
    return { error: diag('X12-BAD-ISA', 'the ISA segment has no element separator after `ISA`', where, { segment: n, tag: 'ISA' }) };
  }
  let q = p + 3;
  // An ISA is 106 characters; allow generous slack for padded fields, but never scan the file.
  const limit = Math.min(text.length, p + 200);
  let count = 0;
  for (; q < limit && count < 16; q++) if (text[q] === element) count++;
  // q is now just past the 16th separator: ISA16 (component separator), then the terminator.
  const component = text[q];
  const segment = text[q + 1];
  if (count < 16 || component === undefined || segment === undefined || segment === element || component === element || /[A-Za-z0-9 ]/.test(segment)) {
    return { error: diag('X12-BAD-ISA', 'the ISA segment does not have 16 elements followed by a component separator and a segment terminator', where, { segment: n, tag: 'ISA' }) };
  }
  const el = text.slice(p, q + 1).split(element);
  const delimiters: Delimiters = { element, component, repetition: el[11] ?? '', segment };
  const len = q + 2 - p;
  const out: { delimiters: Delimiters; segment: Segment; next: number; warning?: ReaderDiagnostic } = { delimiters, segment: { el, n }, next: q + 2 };
  if (len !== ISA_LENGTH) {
    out.warning = diag('X12-ISA-LENGTH', `the ISA segment is ${len} characters long, not ${ISA_LENGTH}; it was read by counting its separators (check ISA02 and ISA04: they are padded to 10 characters)`, where, { segment: n, tag: 'ISA' });
  }
  return out;
}

/** What the scanner meets, in file order. */
export type ScanEvent = { kind: 'diagnostic'; diagnostic: ReaderDiagnostic } | { kind: 'isa'; delimiters: Delimiters; segment: Segment } | { kind: 'segment'; segment: Segment };

/**
 * Segments one at a time, in file order (nothing of the file is kept but the current segment, so a
 * large file is read in flat memory). Never throws.
 */
export function* scan(text: string): Generator<ScanEvent> {
  let p = 0;
  while (p < text.length && isPadding(text.charCodeAt(p))) p++;
  if (!text.startsWith('ISA', p)) {
    yield { kind: 'diagnostic', diagnostic: diag('X12-NO-ISA', 'the file does not begin with an ISA segment, so its delimiters are unknown; an 837P file starts with `ISA`', 'segment 1', { segment: 1 }) };
    return;
  }
  let n = 0;
  let delimiters: Delimiters | undefined;
  while (p < text.length) {
    while (p < text.length && isPadding(text.charCodeAt(p))) p++;
    if (p >= text.length) break;
    n++;
    // No other segment id starts with ISA: an ISA here starts a new interchange with its own delimiters.
    if (text.charCodeAt(p) === 73 && text.startsWith('ISA', p) && !/[A-Za-z0-9]/.test(text[p + 3] ?? 'x')) {
      const isa = readIsa(text, p, n);
      if ('error' in isa) {
        yield { kind: 'diagnostic', diagnostic: isa.error };
        // Without delimiters nothing more can be read safely: skip to the next ISA, if any.
        const again = text.indexOf('ISA', p + 3);
        if (again < 0) break;
        p = again;
        delimiters = undefined;
        continue;
      }
      if (isa.warning) yield { kind: 'diagnostic', diagnostic: isa.warning };
      delimiters = isa.delimiters;
      yield { kind: 'isa', delimiters, segment: isa.segment };
      p = isa.next;
      continue;
    }
    if (!delimiters) break;
    const term = delimiters.segment;
    let end = text.indexOf(term, p);
    if (end < 0) end = text.length;
    let body = text.slice(p, end);
    // A terminator of CR or LF leaves the other half of a CRLF behind.
    const last = body.charCodeAt(body.length - 1);
    if (last === 10 || last === 13) body = body.replace(/[\r\n]+$/, '');
    const el = body.split(delimiters.element);
    const tag = el[0]!;
    if (tag.charCodeAt(0) === 32 || tag.charCodeAt(tag.length - 1) === 32) el[0] = tag.trim();
    yield { kind: 'segment', segment: { el, n } };
    p = end + term.length;
  }
}

/** Splits X12 text into interchanges of segments (all in memory; the mapper uses `scan`). */
export function tokenize(text: string): Tokenized {
  const diagnostics: ReaderDiagnostic[] = [];
  const interchanges: Interchange[] = [];
  let current: Interchange | undefined;
  for (const ev of scan(text)) {
    if (ev.kind === 'diagnostic') diagnostics.push(ev.diagnostic);
    else if (ev.kind === 'isa') interchanges.push((current = { delimiters: ev.delimiters, segments: [ev.segment] }));
    else current?.segments.push(ev.segment);
  }
  return { interchanges, diagnostics };
}
