// A chunk of claims as stored in Redis: a header line (JSON: each claim's input line number, and
// the lines too long to keep) and then the claims, one a line, as they were written. Claims stay
// raw bytes end to end: nothing re-encodes them between the file and the evaluator.
import type { BatchLine } from '../server/batch-eval.ts';

interface Header {
  /** Input line number of each claim. */
  lineNos: number[];
  /** Index → length in bytes of a line too long to keep (its text is empty here). */
  tooLong?: Record<number, number>;
}

export function encodeChunk(lines: readonly BatchLine[]): Buffer {
  const header: Header = { lineNos: lines.map((l) => l.lineNo) };
  lines.forEach((l, i) => {
    if (l.text === null) (header.tooLong ??= {})[i] = l.bytes ?? 0;
  });
  return Buffer.from(JSON.stringify(header) + '\n' + lines.map((l) => l.text ?? '').join('\n'));
}

export function decodeChunk(buf: Buffer): BatchLine[] {
  const nl = buf.indexOf(10);
  const header = JSON.parse(buf.subarray(0, nl < 0 ? buf.length : nl).toString('utf8')) as Header;
  const texts = nl < 0 ? [] : buf.subarray(nl + 1).toString('utf8').split('\n');
  return header.lineNos.map((lineNo, i) => {
    const bytes = header.tooLong?.[i];
    return bytes !== undefined ? { lineNo, text: null, bytes } : { lineNo, text: texts[i] ?? '' };
  });
}
