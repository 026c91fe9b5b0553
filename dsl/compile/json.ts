// The compiled ruleset as JSON text in pieces: exactly `JSON.stringify(value, null, 2)`, but
// yielded a few dozen rules or records at a time, so a writer can send a 270 MB compiled
// ruleset (a 16 MB source) to a file without ever holding it as one string (a string that size is
// refused by V8 past about 512 MB, and its UTF-8 copy doubles the memory). Browser-safe.

/**
 * Entries of a large list or record stringified per piece. Few on purpose: a piece of 2,000 rules
 * was a string of megabytes, which V8 allocates outside the young generation, so writing 270 MB of
 * them filled the old generation and set off a full collection of the whole compiled ruleset
 * (over 2 s on the 16 MB benchmark ruleset); pieces of 50 die young. Output is the same either way.
 */
const BATCH = 50;

/** True for the values JSON.stringify leaves out of an object (and writes as null in a list). */
function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** A record's keys that JSON.stringify writes. */
function kept(rec: Record<string, unknown>): string[] {
  return Object.keys(rec).filter((k) => !omitted(rec[k]));
}

function plain(v: unknown): v is object {
  return v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * The text of `"key": value` as it sits in the top-level object (two spaces in), made by
 * JSON.stringify itself: `{"key": value}` stringified, less its first line and last two. JSON.stringify
 * does all the escaping and indenting; nothing is re-indented by hand.
 */
function member(key: string, value: unknown): string {
  const s = JSON.stringify({ [key]: value }, null, 2);
  return s.slice(2, s.length - 2);
}

/**
 * Yields the text of `JSON.stringify(value, null, 2)` in pieces: joined, they are that text byte
 * for byte. A top-level member that is a list or record of more than `batch` entries is written
 * `batch` entries at a time (each batch stringified as that member, its brackets cut off).
 */
export function* jsonPieces(value: unknown, batch = BATCH): Generator<string> {
  if (!plain(value) || Array.isArray(value)) {
    yield JSON.stringify(value, null, 2);
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => !omitted(record[k]));
  if (keys.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  let inner: string[];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = record[k];
    if (plain(v) && Array.isArray(v) && v.length > batch) {
      for (let at = 0; at < v.length; at += batch) {
        const s = member(k, v.slice(at, at + batch));
        // `"k": [` and its line break, the entries, then the line break and `]`.
        const open = s.indexOf('[\n') + 2;
        yield at === 0 ? s.slice(0, s.length - 4) : ',\n' + s.slice(open, s.length - 4);
      }
      yield '\n  ]';
    } else if (plain(v) && !Array.isArray(v) && (inner = kept(v as Record<string, unknown>)).length > batch) {
      // (Counted without the members JSON.stringify leaves out: a record of only those is `{}`.
      // Listed once: the keys of a record of 500,000 origins take a quarter of a second to list.)
      const rec = v as Record<string, unknown>;
      for (let at = 0; at < inner.length; at += batch) {
        // A record without a prototype: a key named __proto__ is then a member like any other.
        const part = Object.create(null) as Record<string, unknown>;
        for (const kk of inner.slice(at, at + batch)) part[kk] = rec[kk];
        const s = member(k, part);
        const open = s.indexOf('{\n') + 2;
        yield at === 0 ? s.slice(0, s.length - 4) : ',\n' + s.slice(open, s.length - 4);
      }
      yield '\n  }';
    } else yield member(k, v);
    yield i < keys.length - 1 ? ',\n' : '\n';
  }
  yield '}';
}

/** The compiled ruleset's file text (`JSON.stringify(value, null, 2)` and a line break) in pieces. */
export function* compiledJsonChunks(value: unknown, batch = BATCH): Generator<string> {
  yield* jsonPieces(value, batch);
  yield '\n';
}
