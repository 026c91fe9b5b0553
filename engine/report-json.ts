// Reports as NDJSON bytes, exactly the bytes of `JSON.stringify(report)` encoded as UTF-8, written
// straight into one growing buffer per batch. JSON.stringify followed by a UTF-8 encode was a fifth
// of eval's CPU per claim: a report is ~5 KB, most of it rule text that is the same on every claim
// (citations, fixes, file names, "not checked" reasons, line explanations), and one non-ASCII
// character in a citation (§, —) made the whole report a two-byte string to build and encode again.
// Here such strings are escaped and encoded once and copied as bytes; the rest is written byte by
// byte, with JSON.stringify itself for any string that needs escaping or is not ASCII, so the
// output cannot differ from it (test/perf-report-json.test.ts pins that on generated reports and on
// arbitrary JSON values). Browser-safe (TextEncoder only).

const encoder = new TextEncoder();

/** Property values worth keeping encoded: rule text that repeats across claims, not per-claim text. */
const KEEP = new Set(['citation', 'fix', 'reason', 'explanation', 'note', 'file', 'kind', 'rule', 'table', 'release', 'hash', 'id', 'version', 'severity', 'status', 'dateOfService', 'modifier']);
/** Bound on kept strings (cleared when full: a cache, never part of the result). */
const MAX_KEPT = 8192;

export class JsonBytes {
  buf: Uint8Array;
  at = 0;
  private readonly kept = new Map<string, Uint8Array>();
  /** `"key":` for each property name met (few: the report contract's names). */
  private readonly keys = new Map<string, Uint8Array>();

  constructor(size = 1 << 16) {
    this.buf = new Uint8Array(size);
  }

  /** Starts a new batch (the buffer is reused). */
  reset(): void {
    this.at = 0;
  }

  /** A copy of what was written, in a buffer of its own (safe to transfer to another thread). */
  take(): Uint8Array {
    return this.buf.slice(0, this.at);
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.at + n, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }

  private copy(b: Uint8Array): void {
    this.room(b.length);
    if (b.length < 24) {
      const buf = this.buf;
      let at = this.at;
      for (let i = 0; i < b.length; i++) buf[at++] = b[i]!;
      this.at = at;
    } else {
      this.buf.set(b, this.at);
      this.at += b.length;
    }
  }

  /** Text that JSON.stringify writes as it is (ASCII digits, literals). */
  private ascii(s: string): void {
    this.room(s.length);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
    this.at = at;
  }

  /** A string as JSON: printable ASCII without `"` or `\` byte by byte, anything else via JSON.stringify. */
  string(s: string): void {
    const n = s.length;
    this.room(n + 2);
    const buf = this.buf;
    let at = this.at;
    buf[at++] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 34 || c === 92) return this.slowString(s);
      buf[at++] = c;
    }
    buf[at++] = 34;
    this.at = at;
  }

  private slowString(s: string): void {
    const json = JSON.stringify(s);
    this.room(json.length * 3);
    this.at += encoder.encodeInto(json, this.buf.subarray(this.at)).written;
  }

  /** A string that repeats across reports: encoded once, then copied. */
  private keptString(s: string): void {
    let b = this.kept.get(s);
    if (b === undefined) {
      b = encoder.encode(JSON.stringify(s));
      if (this.kept.size >= MAX_KEPT) this.kept.clear();
      this.kept.set(s, b);
    }
    this.copy(b);
  }

  private key(k: string, first: boolean): void {
    let b = this.keys.get(k);
    if (b === undefined) {
      b = encoder.encode(`,${JSON.stringify(k)}:`);
      if (this.keys.size >= MAX_KEPT) this.keys.clear();
      this.keys.set(k, b);
    }
    this.copy(first ? b.subarray(1) : b);
  }

  /**
   * A value as JSON.stringify sees it before writing: `toJSON(key)` applied, boxed primitives
   * unwrapped. Reports hold neither; this keeps the writer exact for any value.
   */
  private static prepared(v: unknown, key: string): unknown {
    if (v === null || (typeof v !== 'object' && typeof v !== 'bigint')) return v;
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(k: string): unknown }).toJSON(key);
    if (v instanceof Number) return Number(v);
    if (v instanceof String) return String(v);
    if (v instanceof Boolean) return v.valueOf();
    return v;
  }

  /** Whether JSON.stringify writes a property with this value (it leaves out undefined, functions, symbols). */
  private static shown(v: unknown): boolean {
    return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
  }

  /** Any JSON value, as JSON.stringify(v) writes it (no replacer, no indent). */
  value(v: unknown): void {
    const x = JsonBytes.prepared(v, '');
    this.write(JsonBytes.shown(x) ? x : null, undefined);
  }

  /** A prepared value that JSON.stringify shows; `key` is the property it is the value of. */
  private write(v: unknown, key: string | undefined): void {
    switch (typeof v) {
      case 'string':
        if (key !== undefined && v.length > 8 && KEEP.has(key)) this.keptString(v);
        else this.string(v);
        return;
      case 'number':
        this.ascii(Number.isFinite(v) ? String(v) : 'null');
        return;
      case 'boolean':
        this.ascii(v ? 'true' : 'false');
        return;
      case 'object':
        break;
      default:
        // bigint throws, as in JSON.stringify; `undefined` and the like never get here.
        JSON.stringify(v);
        this.ascii('null');
        return;
    }
    if (v === null) return this.ascii('null');
    if (Array.isArray(v)) {
      this.byte(91);
      for (let i = 0; i < v.length; i++) {
        if (i > 0) this.byte(44);
        const x = JsonBytes.prepared(v[i], String(i));
        this.write(JsonBytes.shown(x) ? x : null, undefined);
      }
      this.byte(93);
      return;
    }
    this.byte(123);
    let first = true;
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const x = JsonBytes.prepared(o[k], k);
      if (!JsonBytes.shown(x)) continue;
      this.key(k, first);
      first = false;
      this.write(x, k);
    }
    this.byte(125);
  }
}
