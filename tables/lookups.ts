// The engine's lookups (engine/tables.ts) over a release's rows: sorted typed arrays searched by
// the two halves of a code (tables/codes.ts says why halves), returning shared frozen objects or
// numbers, so a lookup does not allocate (test/tables-scale.test.ts measures it; an NCCI edit
// object is made the first time its row is returned, once). Browser-safe.
import type { DiagnosisLookup, FeeLookup, ModifierIndicator, MueLookup, MueRow, NcciEdit, NcciLookup, ProcedureCodeLookup, ProcedureCodeRow, TableKind, TableLookups } from '../engine/tables.ts';
import { CodeRanges, NO_DAY, codeHi, codeLo, hiOf, loOf } from './codes.ts';
import { Rows } from './rows.ts';

/** Which codes a release lists completely; outside it, a code that is not found is unknown, not absent. */
export interface Scope {
  /** At least one code (of a pair) is among these codes and ranges, e.g. "97010-97799, G0283". */
  anyOf?: string;
  /** Every code (of a pair) is among these. */
  allOf?: string;
}

/** Scope as matchers; `covers` answers for one code or a pair without allocating. */
export class ScopeMatcher {
  private readonly any: CodeRanges | undefined;
  private readonly all: CodeRanges | undefined;
  constructor(scope: Scope | undefined) {
    this.any = scope?.anyOf ? new CodeRanges(scope.anyOf) : undefined;
    this.all = scope?.allOf ? new CodeRanges(scope.allOf) : undefined;
  }
  covers(code: string): boolean {
    return this.coversHalves(codeHi(code), codeLo(code));
  }
  coversPair(a: string, b: string): boolean {
    return this.coversPairHalves(codeHi(a), codeLo(a), codeHi(b), codeLo(b));
  }
  /** `covers` for a code as rows store it (one packed number). */
  coversPacked(v: number): boolean {
    return this.coversHalves(hiOf(v), loOf(v));
  }
  coversPairPacked(a: number, b: number): boolean {
    return this.coversPairHalves(hiOf(a), loOf(a), hiOf(b), loOf(b));
  }
  private coversHalves(h: number, l: number): boolean {
    return (!this.any || this.any.hasHalves(h, l)) && (!this.all || this.all.hasHalves(h, l));
  }
  private coversPairHalves(ah: number, al: number, bh: number, bl: number): boolean {
    return (!this.any || this.any.hasHalves(ah, al) || this.any.hasHalves(bh, bl)) && (!this.all || (this.all.hasHalves(ah, al) && this.all.hasHalves(bh, bl)));
  }
}

/**
 * Where an index's typed arrays live: the thread's own memory, or a SharedArrayBuffer that eval's
 * worker threads see without a copy (tables/store.ts sharedLookups).
 */
export type Alloc = <A extends Int32Array | Uint8Array | Uint16Array | Uint32Array>(type: { new (buffer: ArrayBuffer | SharedArrayBuffer): A; BYTES_PER_ELEMENT: number }, n: number) => A;
const heap: Alloc = (type, n) => new type(new ArrayBuffer(n * type.BYTES_PER_ELEMENT));
export const sharedAlloc: Alloc = (type, n) => new type(new SharedArrayBuffer(n * type.BYTES_PER_ELEMENT));

/**
 * A sorted column of codes split into halves for searching: Int32 arrays of small integers, so a
 * search compares and returns small integers only. `lo` is left out when every code has five
 * characters or fewer (NCCI, MUE and procedure codes), which halves the memory.
 */
export class CodeColumn {
  readonly hi: Int32Array;
  readonly lo: Int32Array | undefined;
  /** Over packed codes (split here), or over halves made before (another thread's shared arrays). */
  constructor(packed: Float64Array | readonly number[] | { hi: Int32Array; lo: Int32Array | undefined }, alloc: Alloc = heap) {
    // One constructor for both, so every column has the same shape and the searches stay monomorphic.
    if ('hi' in packed) {
      this.hi = packed.hi;
      this.lo = packed.lo;
      return;
    }
    const n = packed.length;
    const hi = alloc(Int32Array, n);
    // Made at the first code longer than five characters (an array of zeros would still cost its memory).
    let lo: Int32Array | undefined;
    for (let i = 0; i < n; i++) {
      const v = packed[i]!;
      hi[i] = hiOf(v);
      const l = loOf(v);
      if (l !== 0) (lo ??= alloc(Int32Array, n))[i] = l;
    }
    this.hi = hi;
    this.lo = lo;
  }
  get length(): number {
    return this.hi.length;
  }
  /** First index in [from, to) whose code is not below the code (h, l). */
  lowerBound(h: number, l: number, from: number, to: number): number {
    const hi = this.hi;
    const lo = this.lo;
    while (from < to) {
      const mid = (from + to) >>> 1;
      const x = hi[mid]!;
      if (x < h || (x === h && lo !== undefined && lo[mid]! < l)) from = mid + 1;
      else to = mid;
    }
    return from;
  }
  /** Whether row `i` (< length) holds the code (h, l). */
  is(i: number, h: number, l: number): boolean {
    return this.hi[i] === h && (this.lo === undefined ? l === 0 : this.lo[i] === l);
  }
  /** The first row holding the code, or -1 (also for a malformed code, h or l < 0). */
  find(h: number, l: number): number {
    if (h < 0 || l < 0) return -1;
    const i = this.lowerBound(h, l, 0, this.hi.length);
    return i < this.hi.length && this.is(i, h, l) ? i : -1;
  }
}

const day = (v: number): number | undefined => (v === NO_DAY ? undefined : v);

/** Shares one frozen object per distinct value (a release has few distinct edits or MUE rows). */
class Interner<T> {
  private map = new Map<string, number>();
  readonly items: T[] = [];
  id(key: string, make: () => T): number {
    let id = this.map.get(key);
    if (id === undefined) {
      id = this.items.length;
      this.items.push(Object.freeze(make()));
      this.map.set(key, id);
    }
    return id;
  }
}

/** An NCCI edit as returned to the engine, with CMS's rationale for the report. */
export interface NcciEditRow extends NcciEdit {
  rationale: string;
}

/**
 * The NCCI index's arrays. eval's main thread builds them once per release in shared memory and
 * hands them to every worker thread (tables/store.ts sharedLookups): a national release's index is
 * ~37 MB seen by all threads, where the cached rows it is built from are 94 MB (column 1 as one
 * packed double per row, column 2 likewise, four 32-bit columns) and each thread used to keep its
 * own column-2 halves and indicators besides.
 */
export interface NcciParts {
  kind: 'ncci-ptp';
  /** Distinct column-1 codes, sorted, as halves; rows of code k are start[k] .. start[k+1]. */
  c1hi: Int32Array;
  c1lo: Int32Array | undefined;
  start: Int32Array;
  c2hi: Int32Array;
  c2lo: Int32Array | undefined;
  eff: Int32Array;
  del: Int32Array;
  mi: Uint8Array;
  rat: Uint8Array | Uint16Array | Uint32Array;
  ratDict: string[];
}

/**
 * The index's arrays over a release's rows. In the thread's own memory, dates and rationales stay
 * views of the rows' columns (no copy); in shared memory every array is copied (the rows are then
 * dropped) and the rationale indexes take the narrowest type their dictionary allows.
 */
export function ncciParts(rows: Rows, alloc: Alloc = heap): NcciParts {
  const s = rows.sorted();
  const n = s.length;
  const [c1, c2, , eff, del, mi] = [0, 1, 2, 3, 4, 5].map((c) => s.data[c]!.values) as [Float64Array, Float64Array, unknown, Int32Array, Int32Array, Int32Array];
  const keys: number[] = [];
  const starts: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0 || c1[i] !== c1[i - 1]) {
      keys.push(c1[i]!);
      starts.push(i);
    }
  }
  starts.push(n);
  const copy = <A extends Int32Array | Uint8Array | Uint16Array | Uint32Array>(type: { new (buffer: ArrayBuffer | SharedArrayBuffer): A; BYTES_PER_ELEMENT: number }, from: ArrayLike<number>): A => {
    const out = alloc(type, from.length);
    out.set(from);
    return out;
  };
  const c1col = new CodeColumn(keys, alloc);
  const c2col = new CodeColumn(c2, alloc);
  const rat = s.data[6] as { values: Uint32Array; dict: string[] };
  const own = alloc === heap;
  return {
    kind: 'ncci-ptp',
    c1hi: c1col.hi,
    c1lo: c1col.lo,
    start: copy(Int32Array, starts),
    c2hi: c2col.hi,
    c2lo: c2col.lo,
    eff: own ? eff : copy(Int32Array, eff),
    del: own ? del : copy(Int32Array, del),
    mi: copy(Uint8Array, mi),
    rat: own ? rat.values : rat.dict.length <= 0x100 ? copy(Uint8Array, rat.values) : rat.dict.length <= 0x10000 ? copy(Uint16Array, rat.values) : copy(Uint32Array, rat.values),
    ratDict: rat.dict,
  };
}

export class NcciIndex implements NcciLookup {
  private readonly c1: CodeColumn; // distinct column-1 codes, sorted
  private readonly start: Int32Array; // rows of c1 code k are start[k] .. start[k+1]
  private readonly c2: CodeColumn;
  private readonly eff: Int32Array;
  private readonly del: Int32Array;
  private readonly mi: Uint8Array;
  private readonly rat: ArrayLike<number>;
  private readonly ratDict: readonly string[];
  /** Per row, 1 + the index of its shared edit in `edits`; 0 until the row is first returned. */
  private readonly editOf: Uint32Array;
  private readonly edits = new Interner<NcciEditRow>();

  /** Over a release's rows, or over the arrays of an index built before (another thread's, shared). */
  constructor(
    source: Rows | NcciParts,
    private readonly scope = new ScopeMatcher(undefined),
  ) {
    const p = source instanceof Rows ? ncciParts(source) : source;
    this.c1 = new CodeColumn({ hi: p.c1hi, lo: p.c1lo });
    this.start = p.start;
    this.c2 = new CodeColumn({ hi: p.c2hi, lo: p.c2lo });
    this.eff = p.eff;
    this.del = p.del;
    this.mi = p.mi;
    this.rat = p.rat;
    this.ratDict = p.ratDict;
    // The edit objects are made as rows are first returned, not for 2.6 million rows up front (a
    // table is ready sooner, and an array of zeros costs no memory until written). Per thread: the
    // objects are the thread's own.
    this.editOf = new Uint32Array(p.c2hi.length);
  }

  /** The shared frozen edit of row `i` (made once per distinct effective, deletion, indicator and rationale). */
  private editAt(i: number): NcciEdit {
    // No closure in this method: one that captures `this` makes V8 allocate a context on every
    // call (measured: 40 bytes per edit returned), so making the edit is a method of its own.
    const id = this.editOf[i]!;
    return id === 0 ? this.makeEdit(i) : this.edits.items[id - 1]!;
  }

  private makeEdit(i: number): NcciEdit {
    const e = this.eff[i]!;
    const d = this.del[i]!;
    const m = this.mi[i]!;
    const rationale = this.ratDict[this.rat[i]!]!;
    const id = this.edits.id(`${e} ${d} ${m} ${rationale}`, () => ({ effective: day(e), deleted: day(d), modifierIndicator: m as ModifierIndicator, rationale }));
    this.editOf[i] = id + 1;
    return this.edits.items[id]!;
  }

  /**
   * The edit in force on `day`: rows whose [effective, deletion) holds the day; among several, the
   * latest known effective date wins, else the row deleted soonest after the day (a row without an
   * effective date is taken to run until its successor began). Indicator 9 is never returned.
   */
  edit(column1: string, column2: string, day: number): NcciEdit | undefined {
    const ah = codeHi(column1);
    const al = codeLo(column1);
    const k = this.c1.find(ah, al);
    if (k < 0) return undefined;
    const bh = codeHi(column2);
    const bl = codeLo(column2);
    if (bh < 0 || bl < 0) return undefined;
    const end = this.start[k + 1]!;
    let best = -1;
    for (let i = this.c2.lowerBound(bh, bl, this.start[k]!, end); i < end && this.c2.is(i, bh, bl); i++) {
      const e = this.eff[i]!;
      const d = this.del[i]!;
      if ((e !== NO_DAY && e > day) || (d !== NO_DAY && day >= d)) continue;
      if (best < 0) best = i;
      else {
        const be = this.eff[best]!;
        if (e !== NO_DAY || be !== NO_DAY) {
          if (e > be) best = i;
        } else if (d !== NO_DAY && (this.del[best] === NO_DAY || d < this.del[best]!)) best = i;
      }
    }
    if (best < 0 || this.mi[best] === 9) return undefined;
    return this.editAt(best);
  }

  /** Whether the release lists every edit for this pair (outside its scope, "no edit" means "not known"). */
  covers(column1: string, column2: string): boolean {
    return this.scope.coversPair(column1, column2);
  }

  get size(): number {
    return this.c2.length;
  }
}

export class MueIndex implements MueLookup {
  private readonly keys: CodeColumn;
  private readonly rowOf: Uint32Array;
  private readonly items: MueRow[];
  constructor(
    rows: Rows,
    private readonly scope = new ScopeMatcher(undefined),
  ) {
    const s = rows.sorted();
    this.keys = new CodeColumn(s.data[0]!.values as Float64Array);
    const interner = new Interner<MueRow>();
    this.rowOf = new Uint32Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const value = s.num(i, 1);
      const mai = s.num(i, 2) as 1 | 2 | 3;
      const rationale = s.text(i, 3);
      this.rowOf[i] = interner.id(`${value} ${mai} ${rationale}`, () => ({ value, mai, rationale }));
    }
    this.items = interner.items;
  }
  /** The code's MUE in this release (one value per code; the release itself is dated). */
  mue(code: string, _day: number): MueRow | undefined {
    const i = this.keys.find(codeHi(code), codeLo(code));
    return i < 0 ? undefined : this.items[this.rowOf[i]!];
  }
  /** Whether the release lists every MUE for codes like this one (outside its scope, "no MUE" means "not known"). */
  covers(code: string): boolean {
    return this.scope.covers(code);
  }
}

export class DiagnosisIndex implements DiagnosisLookup {
  private readonly keys: CodeColumn;
  private readonly billable: Uint8Array;
  constructor(rows: Rows) {
    const s = rows.sorted();
    this.keys = new CodeColumn(s.data[0]!.values as Float64Array);
    this.billable = new Uint8Array(s.data[1]!.values as Int32Array);
  }
  diagnosis(dotlessCode: string): 'billable' | 'header' | undefined {
    const i = this.keys.find(codeHi(dotlessCode), codeLo(dotlessCode));
    return i < 0 ? undefined : this.billable[i] ? 'billable' : 'header';
  }
}

export class ProcedureIndex implements ProcedureCodeLookup {
  private readonly code: CodeColumn;
  private readonly from: Int32Array;
  private readonly through: Int32Array;
  private readonly rowOf: Uint32Array;
  private readonly items: ProcedureCodeRow[];
  /** The last day the release has rows for; later days read as this day (the newest status known). */
  readonly lastDay: number;
  constructor(
    rows: Rows,
    private readonly scope = new ScopeMatcher(undefined),
  ) {
    const s = rows.sorted();
    this.code = new CodeColumn(s.data[0]!.values as Float64Array);
    this.from = s.data[1]!.values as Int32Array;
    this.through = s.data[2]!.values as Int32Array;
    const interner = new Interner<ProcedureCodeRow>();
    this.rowOf = new Uint32Array(s.length);
    let last = NO_DAY;
    for (let i = 0; i < s.length; i++) {
      const added = s.num(i, 4);
      const terminated = s.num(i, 5);
      const status = s.text(i, 3);
      if (this.through[i]! > last) last = this.through[i]!;
      this.rowOf[i] = interner.id(`${added} ${terminated} ${status}`, () => ({ added: day(added), terminated: day(terminated), status: status || undefined }));
    }
    this.items = interner.items;
    this.lastDay = last;
  }
  /** The row that lists `code` on `day` (HCPCS dates and the status for that day), if any. */
  procedure(code: string, day: number): ProcedureCodeRow | undefined {
    const h = codeHi(code);
    const l = codeLo(code);
    const first = this.code.find(h, l);
    if (first < 0) return undefined;
    const d = this.lastDay !== NO_DAY && day > this.lastDay ? this.lastDay : day;
    for (let i = first; i < this.code.length && this.code.is(i, h, l); i++) {
      const f = this.from[i]!;
      const t = this.through[i]!;
      if ((f === NO_DAY || f <= d) && (t === NO_DAY || d <= t)) return this.items[this.rowOf[i]!];
    }
    return undefined;
  }
  /** Whether the release lists every valid code like this one (outside its scope, "not found" means "not known"). */
  covers(code: string): boolean {
    return this.scope.covers(code);
  }
}

/** Statuses the national amount is paid for; B is bundled (pays 0); the rest have no amount. */
const PAID = new Set(['A', 'R', 'T']);

/** Cents for one unit: (work + PE + MP RVU, in hundredths) × conversion factor (ten-thousandths). */
export function rvuAmountCents(work: number, pe: number, mp: number, cf: number): number {
  const total = (Number.isNaN(work) ? 0 : work) + (Number.isNaN(pe) ? 0 : pe) + (Number.isNaN(mp) ? 0 : mp);
  return Math.round((total * cf) / 10_000);
}

/** MPFS multiple-procedure indicator 5: "always therapy" services, 50% of PE for all but the first unit of the day. */
const MPPR_THERAPY = '5';

export class FeeIndex implements FeeLookup {
  private readonly code: CodeColumn;
  private readonly modifier: string[];
  private readonly nonFacility: Int32Array; // cents, -1 for no amount
  private readonly facility: Int32Array;
  /** Under the multiple procedure payment reduction (indicator 5, priced from RVUs): a unit's PE RVU (hundredths) and its amount with half the PE; NaN / -1 otherwise. */
  private readonly peNf: Float64Array;
  private readonly peF: Float64Array;
  private readonly reducedNf: Int32Array;
  private readonly reducedF: Int32Array;
  constructor(rows: Rows) {
    // National rows only: locality-specific rows need the claim's locality, which claims do not carry.
    const nat = rows.sorted();
    const keep = nat.select((i) => nat.text(i, 2) === '');
    const s = nat.permute(keep);
    const n = s.length;
    this.code = new CodeColumn(s.data[0]!.values as Float64Array);
    this.modifier = [];
    this.nonFacility = new Int32Array(n);
    this.facility = new Int32Array(n);
    this.peNf = new Float64Array(n).fill(NaN);
    this.peF = new Float64Array(n).fill(NaN);
    this.reducedNf = new Int32Array(n).fill(-1);
    this.reducedF = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      this.modifier.push(s.text(i, 1));
      const status = s.text(i, 3);
      const [work, peNf, peF, mp, cf, amtNf, amtF] = [4, 5, 6, 7, 8, 9, 10].map((c) => s.num(i, c)) as number[];
      const priced = PAID.has(status) && !Number.isNaN(cf!);
      const computed = (pe: number) => (status === 'B' ? 0 : priced ? rvuAmountCents(work!, pe, mp!, cf!) : -1);
      this.nonFacility[i] = Number.isNaN(amtNf!) ? computed(peNf!) : amtNf!;
      this.facility[i] = Number.isNaN(amtF!) ? computed(peF!) : amtF!;
      if (priced && s.text(i, 12) === MPPR_THERAPY) {
        if (Number.isNaN(amtNf!) && !Number.isNaN(peNf!)) (this.peNf[i] = peNf!), (this.reducedNf[i] = rvuAmountCents(work!, peNf! / 2, mp!, cf!));
        if (Number.isNaN(amtF!) && !Number.isNaN(peF!)) (this.peF[i] = peF!), (this.reducedF[i] = rvuAmountCents(work!, peF! / 2, mp!, cf!));
      }
    }
  }
  /** The row for a code: one for one of the line's modifiers (26, TC, …) wins over the global row; -1 for none. */
  private rowOf(code: string, modifiers: readonly string[]): number {
    const h = codeHi(code);
    const l = codeLo(code);
    const first = this.code.find(h, l);
    if (first < 0) return -1;
    let global = -1;
    for (let i = first; i < this.code.length && this.code.is(i, h, l); i++) {
      const m = this.modifier[i]!;
      if (m === '') global = i;
      else if (modifiers.includes(m)) return i;
    }
    return global;
  }
  /** Cents for one unit. */
  amount(code: string, modifiers: readonly string[], _day: number, facility: boolean): number | undefined {
    const i = this.rowOf(code, modifiers);
    if (i < 0) return undefined;
    const cents = facility ? this.facility[i]! : this.nonFacility[i]!;
    return cents < 0 ? undefined : cents;
  }
  /** For a code under the therapy multiple procedure payment reduction: a unit's PE RVU and its amount with half its PE. */
  reduction(code: string, modifiers: readonly string[], _day: number, facility: boolean): { pe: number; reduced: number } | undefined {
    const i = this.rowOf(code, modifiers);
    if (i < 0) return undefined;
    const reduced = facility ? this.reducedF[i]! : this.reducedNf[i]!;
    return reduced < 0 ? undefined : { pe: facility ? this.peF[i]! : this.peNf[i]!, reduced };
  }
}

/**
 * A release's index arrays made once for every thread to share: the NCCI PTP index only, the one
 * kind that reaches national size per row (a national file is 2.5 million edits; ICD-10-CM is
 * ~98,000 codes, the others a few thousand rows), so the others are built per thread from rows.
 */
export type LookupParts = NcciParts;

/** Whether releases of `kind` are shared as index arrays (`sharedParts`) rather than rows. */
export const hasSharedParts = (kind: TableKind): boolean => kind === 'ncci-ptp';

/** The index arrays of a release in shared memory (undefined for a kind without them). */
export function sharedParts(kind: TableKind, rows: Rows): LookupParts | undefined {
  return kind === 'ncci-ptp' ? ncciParts(rows, sharedAlloc) : undefined;
}

/** The lookup over index arrays made before (by `sharedParts`, possibly in another thread). */
export function lookupOfParts(parts: LookupParts, scope?: Scope): TableLookups[TableKind] {
  return new NcciIndex(parts, new ScopeMatcher(scope));
}

/** The lookup of a kind over its rows. */
export function buildLookup<K extends TableKind>(kind: K, rows: Rows, scope?: Scope): TableLookups[K] {
  const m = new ScopeMatcher(scope);
  const made: { [P in TableKind]: () => TableLookups[P] } = {
    'ncci-ptp': () => new NcciIndex(rows, m),
    mue: () => new MueIndex(rows, m),
    icd10cm: () => new DiagnosisIndex(rows),
    'procedure-codes': () => new ProcedureIndex(rows, m),
    'fee-schedule': () => new FeeIndex(rows),
  };
  return made[kind]() as TableLookups[K];
}
