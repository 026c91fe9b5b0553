// Claims files for `eval` and `convert`: which format a file is in, the supplement files beside an
// 837P, and NDJSON read as a stream of byte batches with the claim-size limit applied while reading
// (a 1 GB line is skipped in place, never held in memory). The readers themselves (readers/) never
// touch files; this is the Node side.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { detectFormat, loadSupplements, type InputFormat, type SupplementTexts, type Supplements } from '../readers/index.ts';
import { ReaderError } from '../readers/diagnostics.ts';
import { UnreadableError, UsageError, displayPath } from '../workspace/files.ts';
import { MAX_CLAIM_CHARS, type RawLines } from './eval-core.ts';

export const FORMATS: readonly InputFormat[] = ['x12', 'csv', 'json', 'ndjson'];

/** Reads a whole file as text (without a byte-order mark), or says why it cannot be read. */
export function readText(path: string, what = 'file'): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UnreadableError(`cannot read ${displayPath(path)}: no such ${what}`);
  }
  if (st.isDirectory()) throw new UnreadableError(`cannot read ${displayPath(path)}: it is a folder`);
  if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) throw new UnreadableError(`cannot read ${displayPath(path)}: it is not a regular file`);
  try {
    const text = readFileSync(path, 'utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_STRING_TOO_LONG') throw new UnreadableError(`cannot read ${displayPath(path)}: ${Math.round(st.size / 2 ** 20)} MB is more than an 837P, CSV or JSON file may hold (about 500 MB); split it, or use NDJSON, which streams`);
    throw new UnreadableError(`cannot read ${displayPath(path)}: ${code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable')}`);
  }
}

/** The first bytes of a file, for format detection. */
export function head(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The input format: `--input` when given, else by name and content. */
export function formatOf(name: string, headText: string, forced: string | true | undefined): InputFormat {
  if (forced !== undefined) {
    if (typeof forced !== 'string' || !(FORMATS as readonly string[]).includes(forced)) throw new UsageError(`--input is one of ${FORMATS.join(', ')}`);
    return forced as InputFormat;
  }
  return detectFormat(name === '-' ? '' : name, headText).format;
}

/** Loads --minutes, --overlay and --payers; a file that cannot be parsed is unreadable input (exit 2). */
export function supplementsFrom(flags: Record<string, string | true>): Supplements {
  const t: SupplementTexts = {};
  const get = (flag: string, what: string) => {
    const v = flags[flag];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new UsageError(`${flag} needs a file`);
    return { name: displayPath(v), text: readText(v, what) };
  };
  const minutes = get('--minutes', 'minutes file');
  const overlay = get('--overlay', 'overlay file');
  const payers = get('--payers', 'payer map');
  if (minutes) t.minutes = minutes;
  if (overlay) t.overlay = overlay;
  if (payers) t.payers = payers;
  try {
    return loadSupplements(t);
  } catch (e) {
    if (e instanceof ReaderError) throw new UnreadableError(e.message);
    throw e;
  }
}

/** `--as-of DATE`: a real calendar date written YYYY-MM-DD. */
export function asOfFrom(flags: Record<string, string | true>): string | undefined {
  const v = flags['--as-of'];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) throw new UsageError('--as-of takes a date written YYYY-MM-DD');
  return v;
}

/** Collects a stream into text (standard input for 837P and CSV, which are read whole). */
export async function streamText(first: Buffer | undefined, rest: AsyncIterator<Buffer>): Promise<string> {
  const parts: Buffer[] = first ? [first] : [];
  for (let r = await rest.next(); !r.done; r = await rest.next()) parts.push(r.value);
  const text = Buffer.concat(parts).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** No line is kept beyond this many bytes: more than the character limit can take in UTF-8. */
const LINE_BYTES = MAX_CLAIM_CHARS * 4;
/** A batch is handed on at this many lines or bytes, whichever comes first. */
const BATCH_BYTES = 8 * 1024 * 1024;

const isSpace = (b: number) => b === 32 || b === 9 || b === 13;

/**
 * NDJSON bytes → batches of raw lines: each line's bytes are copied once, from the chunk read into
 * the batch's own buffer (handed to a worker without a copy), with three numbers a line to find it.
 * Time is linear in the input; a line longer than the limit is dropped as it streams in, never held,
 * and reported in its place.
 */
export async function* ndjsonBatches(chunks: AsyncIterable<Buffer>, size: number, onBytes: (n: number) => void): AsyncGenerator<RawLines> {
  let buf = Buffer.allocUnsafeSlow(1 << 20);
  let index = new Float64Array(3 * size);
  let count = 0;
  let len = 0;
  let lineNo = 0;
  let lineStart = 0;
  let lineBytes = 0;
  let skipping = false;
  let content = false;
  let first = true;
  const emit = (): RawLines => {
    const out = { buf: new Uint8Array(buf.buffer, buf.byteOffset, len), index: index.slice(0, 3 * count) };
    buf = Buffer.allocUnsafeSlow(Math.max(1 << 20, Math.min(buf.length, BATCH_BYTES * 2)));
    index = new Float64Array(3 * size);
    count = len = lineStart = 0;
    return out;
  };
  const endLine = () => {
    lineNo++;
    if (skipping || content) {
      const end = skipping ? lineBytes : buf[len - 1] === 13 ? len - 1 : len;
      index[3 * count] = skipping ? -1 : lineStart;
      index[3 * count + 1] = end;
      index[3 * count + 2] = lineNo;
      count++;
    }
    // A blank line (or a dropped one) leaves no bytes behind.
    if (!content || skipping) len = lineStart;
    skipping = content = false;
    lineBytes = 0;
    lineStart = len;
  };
  for await (const chunk of chunks) {
    onBytes(chunk.length);
    let pos = 0;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) pos = 3;
    }
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      const end = nl < 0 ? chunk.length : nl;
      const n = end - pos;
      if (skipping) lineBytes += n;
      else if (lineBytes + n > LINE_BYTES) {
        len = lineStart;
        skipping = true;
        lineBytes += n;
      } else if (n > 0) {
        if (len + n > buf.length) {
          const bigger = Buffer.allocUnsafeSlow(Math.max(buf.length * 2, len + n));
          buf.copy(bigger, 0, 0, len);
          buf = bigger;
        }
        chunk.copy(buf, len, pos, end);
        if (!content) for (let i = len; i < len + n; i++) if (!isSpace(buf[i]!)) { content = true; break; }
        len += n;
        lineBytes += n;
      }
      if (nl < 0) break;
      endLine();
      if (count >= size || len >= BATCH_BYTES) yield emit();
      pos = nl + 1;
    }
  }
  if (lineBytes > 0 || skipping) endLine();
  if (count) yield emit();
}
