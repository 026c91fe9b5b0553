// Delimited text (CSV, or CMS's tab-delimited files) read line by line, with each field's range in
// the text so codes and dates are read without slicing. Why our own and not papaparse: table files
// run to millions of lines, every problem must name its line, and the importers read fields as
// ranges; none of the formats puts a line break inside a quoted value, so a record is a line and a
// quoted line break is reported as a problem. The text may come in pieces (a 150 MB file decoded
// 64 KB at a time): `text` is then the current piece, or for a line a piece boundary splits, a
// string of that line alone; either way it holds the whole current line. Pieces are searched as
// decoded (flat strings: joining two would make every later character read go through the join).
// Browser-safe.

export class DelimitedReader {
  /** 1-based number of the current line (0 before the first `next()`). */
  line = 0;
  /** Number of fields on the current line. */
  count = 0;
  private pos = 0;
  private lineStart = 0;
  private lineEnd = 0;
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private quoted = new Uint8Array(64);
  /** Where the next delimiter at or after the last search's start is in `text` (-1: none; -2: not searched). */
  private nextDelimiter = -2;
  /** The piece to go on with after a line the boundary split, and where in it. */
  private rest: string | undefined;
  private restPos = 0;
  /** Set when the current line has a malformed quoted field; a message for the user. */
  problem: string | undefined;

  /** The text the current line is in (the whole text, the current piece, or a line split by a piece boundary). */
  text: string;

  /**
   * `text` is the whole text, or its first piece when `more` gives the next pieces (undefined at
   * the end). Pieces may split a line anywhere.
   */
  constructor(
    text: string,
    readonly delimiter = ',',
    private more?: () => string | undefined,
  ) {
    this.text = text;
    // A byte-order mark is not part of the first field.
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  private setText(text: string, pos: number): void {
    this.text = text;
    this.pos = pos;
    this.nextDelimiter = -2;
  }

  /** Moves to the next line; false at the end of the text. A final empty line is not a line. */
  next(): boolean {
    if (this.rest !== undefined && this.pos >= this.text.length) {
      this.setText(this.rest, this.restPos);
      this.rest = undefined;
    }
    let t = this.text;
    let end = t.indexOf('\n', this.pos);
    if (end < 0 && this.more) {
      // The piece ends inside a line: that line becomes a string of its own, then the next piece goes on.
      let carry = t.slice(this.pos);
      for (;;) {
        const piece = this.more();
        if (piece === undefined) {
          this.more = undefined;
          this.setText(carry, 0);
          break;
        }
        const nl = piece.indexOf('\n');
        if (nl < 0) {
          carry += piece;
          continue;
        }
        this.setText(carry + piece.slice(0, nl + 1), 0);
        this.rest = piece;
        this.restPos = nl + 1;
        end = this.text.length - 1;
        break;
      }
      t = this.text;
    }
    if (this.pos >= t.length) return false;
    const next = end < 0 ? t.length : end + 1;
    if (end < 0) end = t.length;
    if (end > this.pos && t.charCodeAt(end - 1) === 13) end--;
    this.lineStart = this.pos;
    this.lineEnd = end;
    this.pos = next;
    this.line++;
    this.split();
    return true;
  }

  /**
   * The first delimiter at or after `i` (-1 when none): one search serves every line up to the
   * delimiter it finds, so lines without delimiters (fixed-width files) do not search the text to
   * its end again and again.
   */
  private delimiterFrom(i: number): number {
    if (this.nextDelimiter === -1 || this.nextDelimiter >= i) return this.nextDelimiter;
    this.nextDelimiter = this.text.indexOf(this.delimiter, i);
    return this.nextDelimiter;
  }

  /** The current line's raw text. */
  raw(): string {
    return this.text.slice(this.lineStart, this.lineEnd);
  }

  isBlank(): boolean {
    for (let i = this.lineStart; i < this.lineEnd; i++) {
      const c = this.text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 44) return false;
    }
    return true;
  }

  start(i: number): number {
    return this.starts[i]!;
  }
  end(i: number): number {
    return this.ends[i]!;
  }

  /** Field `i` as a string (quotes removed, doubled quotes undone); "" past the last field. */
  field(i: number): string {
    if (i < 0 || i >= this.count) return '';
    const s = this.text.slice(this.starts[i]!, this.ends[i]!);
    return this.quoted[i] && s.includes('""') ? s.replaceAll('""', '"') : s;
  }

  /**
   * Field `i` as a string when its range is not its value (a quoted field with doubled quotes),
   * else undefined: the caller reads the range and no string is made.
   */
  decoded(i: number): string | undefined {
    if (i < 0 || i >= this.count || !this.quoted[i]) return undefined;
    const t = this.text;
    for (let k = this.starts[i]!; k < this.ends[i]!; k++) if (t.charCodeAt(k) === 34) return this.field(i);
    return undefined;
  }

  /** Every field of the line (for headers and error messages; the hot paths use ranges). */
  fields(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.field(i));
    return out;
  }

  private grow(): void {
    const n = this.starts.length * 2;
    const s = new Int32Array(n);
    s.set(this.starts);
    const e = new Int32Array(n);
    e.set(this.ends);
    const q = new Uint8Array(n);
    q.set(this.quoted);
    this.starts = s;
    this.ends = e;
    this.quoted = q;
  }

  private split(): void {
    const t = this.text;
    const d = this.delimiter.charCodeAt(0);
    const end = this.lineEnd;
    let i = this.lineStart;
    let n = 0;
    this.problem = undefined;
    for (;;) {
      if (n === this.starts.length) this.grow();
      if (i < end && t.charCodeAt(i) === 34) {
        // Quoted field: up to the closing quote that is not doubled.
        let j = i + 1;
        for (;;) {
          const q = t.indexOf('"', j);
          if (q < 0 || q >= end) {
            this.problem = 'a quoted value is not closed on its line';
            j = end;
            break;
          }
          if (q + 1 < end && t.charCodeAt(q + 1) === 34) {
            j = q + 2;
            continue;
          }
          j = q;
          break;
        }
        this.starts[n] = i + 1;
        this.ends[n] = Math.max(i + 1, j);
        this.quoted[n] = 1;
        n++;
        i = j + 1;
        if (i < end && t.charCodeAt(i) !== d) {
          this.problem ??= 'text follows a closing quote';
          while (i < end && t.charCodeAt(i) !== d) i++;
        }
      } else {
        let j = this.delimiterFrom(i);
        if (j < 0 || j > end) j = end;
        this.starts[n] = i;
        this.ends[n] = j;
        this.quoted[n] = 0;
        n++;
        i = j;
      }
      if (i >= end) break;
      i++; // past the delimiter
      if (i === end) {
        // a trailing delimiter ends with an empty field
        if (n === this.starts.length) this.grow();
        this.starts[n] = end;
        this.ends[n] = end;
        this.quoted[n] = 0;
        n++;
        break;
      }
    }
    this.count = n;
  }
}

/** A value as a CSV field: quoted when it holds a comma, quote or leading/trailing space. */
export function csvField(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
