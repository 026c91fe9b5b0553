// The compiled ruleset's file text, in pieces. One entry per line: the top-level object's members
// each start a line; a member that is a list or a record has each of its entries on a line of its
// own, written as compact JSON (`"MOD-0": {"file": …, "line": 14, …}`, one rule per line).
//
// Why this shape: a compiled ruleset is read by programs and compared by people. One rule, code
// set or origin per line makes `git diff` of two compiled files show exactly the rules that
// changed, and it is half the size of indented JSON (the 16 MB benchmark source compiles to about
// 150 MB instead of 270 MB), which halves what `compile` serializes and writes. The pieces are
// yielded a few dozen entries at a time, so a writer never holds the text as one string (V8
// refuses strings past about 512 MB, and the UTF-8 copy would double the memory). Browser-safe.

/**
 * Entries per piece. Few on purpose: pieces of thousands of rules were strings of megabytes,
 * which V8 allocates outside the young generation, so writing them filled the old generation and
 * set off full collections of the whole compiled ruleset; pieces of 50 die young.
 */
const BATCH = 50;

/** A member that JSON leaves out of an object (and writes as null in a list). */
function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/**
 * What JSON writes for `v` under `key`, or undefined when it leaves it out: a `toJSON` is called
 * with the key first, as JSON.stringify does, and what it returns decides (undefined is left out).
 */
function entryText(key: string, v: unknown): string | undefined {
  const value = v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function' ? (v as { toJSON(k: string): unknown }).toJSON(key) : v;
  return omitted(value) ? undefined : JSON.stringify(value);
}

/** An object JSON writes member by member (not one with `toJSON`, which writes as what it returns). */
function plain(v: unknown): v is object {
  return v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** A list's entries, one a line, `batch` at a time; `[]` when empty. */
function* listPieces(list: readonly unknown[], batch: number): Generator<string> {
  if (list.length === 0) {
    yield '[]';
    return;
  }
  let s = '[\n    ';
  for (let at = 0; at < list.length; at += batch) {
    const end = Math.min(list.length, at + batch);
    for (let i = at; i < end; i++) s += (i > 0 ? ',\n    ' : '') + (entryText(String(i), list[i]) ?? 'null');
    yield s;
    s = '';
  }
  yield '\n  ]';
}

/** A record's members, one a line, `batch` at a time; `{}` when none is written. */
function* recordPieces(rec: Record<string, unknown>, batch: number): Generator<string> {
  let s = '';
  let written = 0;
  let inPiece = 0;
  // Own enumerable keys in JSON.stringify's order (integer-like keys first, as JavaScript orders them).
  for (const k of Object.keys(rec)) {
    const text = entryText(k, rec[k]);
    if (text === undefined) continue;
    s += (written++ === 0 ? '{\n    ' : ',\n    ') + JSON.stringify(k) + ': ' + text;
    if (++inPiece === batch) {
      yield s;
      s = '';
      inPiece = 0;
    }
  }
  if (written === 0) {
    yield '{}';
    return;
  }
  yield s + '\n  }';
}

/**
 * The text of `value` in the compiled file's shape, in pieces: an object's members on lines of
 * their own, each list or record member with one entry a line. Any other value is compact JSON.
 * The text parses to what `JSON.parse(JSON.stringify(value))` gives, whatever `batch` is.
 */
export function* jsonPieces(value: unknown, batch = BATCH): Generator<string> {
  if (!plain(value) || Array.isArray(value)) {
    yield JSON.stringify(value);
    return;
  }
  const record = value as Record<string, unknown>;
  let first = true;
  for (const k of Object.keys(record)) {
    const v = record[k];
    // A list or record member is written entry by entry; anything else (a `toJSON` included) as JSON writes it.
    const text = plain(v) ? undefined : entryText(k, v);
    if (!plain(v) && text === undefined) continue;
    yield (first ? '{\n  ' : ',\n  ') + JSON.stringify(k) + ': ';
    first = false;
    if (plain(v) && Array.isArray(v)) yield* listPieces(v, batch);
    else if (plain(v)) yield* recordPieces(v as Record<string, unknown>, batch);
    else yield text!;
  }
  yield first ? '{}' : '\n}';
}

/** The compiled ruleset's file text (and a final line break) in pieces. */
export function* compiledJsonChunks(value: unknown, batch = BATCH): Generator<string> {
  yield* jsonPieces(value, batch);
  yield '\n';
}
