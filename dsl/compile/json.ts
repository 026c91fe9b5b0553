// The compiled ruleset as JSON text in pieces: exactly `JSON.stringify(value, null, 2)`, but
// yielded a record or rule at a time, so a writer can send a 270 MB compiled ruleset (a 16 MB
// source) to a file without ever holding it as one string (a string that size is refused by V8
// past about 512 MB, and its UTF-8 copy doubles the memory). Browser-safe: strings only.

/** Nesting levels streamed entry by entry; deeper values are stringified whole (and re-indented). */
const STREAMED_LEVELS = 2;

/** True for the values JSON.stringify leaves out of an object (and writes as null in an array). */
function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/**
 * Yields the text of `JSON.stringify(value, null, 2)` in pieces (joined, they are that text,
 * byte for byte). The top two levels are walked here; each value below them is one
 * JSON.stringify call, its line breaks indented to where it sits (JSON text has line breaks only
 * between tokens: one inside a string is written as `\n`).
 */
export function* jsonPieces(value: unknown, indent = '', levels = STREAMED_LEVELS): Generator<string> {
  if (levels === 0 || value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const s = JSON.stringify(value, null, 2);
    yield indent && s.includes('\n') ? s.replace(/\n/g, '\n' + indent) : s;
    return;
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[\n';
    for (let i = 0; i < value.length; i++) {
      yield inner;
      const v: unknown = value[i];
      if (omitted(v)) yield 'null';
      else yield* jsonPieces(v, inner, levels - 1);
      yield i < value.length - 1 ? ',\n' : '\n';
    }
    yield indent + ']';
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => !omitted(record[k]));
  if (keys.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    yield `${inner}${JSON.stringify(k)}: `;
    yield* jsonPieces(record[k], inner, levels - 1);
    yield i < keys.length - 1 ? ',\n' : '\n';
  }
  yield indent + '}';
}

/**
 * The compiled ruleset's file text (`JSON.stringify(value, null, 2)` and a line break) in chunks
 * of about `chunkChars` characters, for a writer to send on as they come.
 */
export function* compiledJsonChunks(value: unknown, chunkChars = 1 << 20): Generator<string> {
  let buf = '';
  for (const piece of jsonPieces(value)) {
    buf += piece;
    if (buf.length >= chunkChars) {
      yield buf;
      buf = '';
    }
  }
  yield buf + '\n';
}
