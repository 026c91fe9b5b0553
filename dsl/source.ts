// Source text and positions. A Span is a half-open range [start, end) of 0-based UTF-16 offsets into
// the text; line and column (both 1-based) are computed only at the edges, from `lineStarts`.

/** Half-open [start, end) range of 0-based UTF-16 offsets. */
export interface Span {
  start: number;
  end: number;
}

/** A ruleset file: its name (as shown in diagnostics) and its text. */
export interface SourceFile {
  name: string;
  text: string;
}

/** 1-based line and 1-based column (in UTF-16 code units). */
export interface LineCol {
  line: number;
  column: number;
}

const lineStartCache = new WeakMap<SourceFile, number[]>();

export function lineStarts(file: SourceFile): number[] {
  let starts = lineStartCache.get(file);
  if (!starts) {
    starts = [0];
    const t = file.text;
    // Without a carriage return every line ends at a `\n`: found by indexOf, several times faster
    // than a loop over the characters of a 16 MB ruleset.
    if (t.indexOf('\r') < 0) {
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      lineStartCache.set(file, starts);
      return starts;
    }
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (t.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    lineStartCache.set(file, starts);
  }
  return starts;
}

/** Line and column of an offset (clamped into the text). */
export function lineColOf(file: SourceFile, offset: number): LineCol {
  const starts = lineStarts(file);
  const off = Math.max(0, Math.min(offset, file.text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= off) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: off - starts[lo]! + 1 };
}

/** The text of a 1-based line, without its line break. */
export function lineText(file: SourceFile, line: number): string {
  const starts = lineStarts(file);
  const s = starts[line - 1];
  if (s === undefined) return '';
  const e = starts[line] ?? file.text.length;
  return file.text.slice(s, e).replace(/\r?\n$|\r$/, '');
}

export function spanUnion(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
