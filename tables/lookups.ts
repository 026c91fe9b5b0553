// The engine's lookups (engine/tables.ts) over a release's rows: sorted typed arrays searched by
// packed code, returning shared frozen objects or numbers, so a lookup never allocates.
// Browser-safe.
import type { DiagnosisLookup, FeeLookup, ModifierIndicator, MueLookup, MueRow, NcciEdit, NcciLookup, ProcedureCodeLookup, ProcedureCodeRow, TableKind, TableLookups } from '../engine/tables.ts';
import { CodeRanges, NO_CODE, NO_DAY, packCode } from './codes.ts';
import type { Rows } from './rows.ts';

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
    const v = packCode(code);
    return (!this.any || this.any.hasPacked(v)) && (!this.all || this.all.hasPacked(v));
  }
  coversPair(a: string, b: string): boolean {
    const x = packCode(a);
    const y = packCode(b);
    return (!this.any || this.any.hasPacked(x) || this.any.hasPacked(y)) && (!this.all || (this.all.hasPacked(x) && this.all.hasPacked(y)));
  }
}

/** First index in `keys[lo, hi)` holding a value ≥ `v`. */
function lowerBound(keys: Float64Array, v: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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

export class NcciIndex implements NcciLookup {
  private readonly c1: Float64Array; // distinct column-1 codes, sorted
  private readonly start: Int32Array; // rows of c1[k] are start[k] .. start[k+1]
  private readonly c2: Float64Array;
  private readonly eff: Int32Array;
  private readonly del: Int32Array;
  private readonly mi: Uint8Array;
  private readonly editOf: Uint32Array;
  private readonly edits: NcciEditRow[];

  constructor(
    rows: Rows,
    private readonly scope = new ScopeMatcher(undefined),
  ) {
    const s = rows.sorted();
    const n = s.length;
    const [c1, c2, , eff, del, mi, rat] = [0, 1, 2, 3, 4, 5, 6].map((c) => s.data[c]!.values) as [Float64Array, Float64Array, unknown, Int32Array, Int32Array, Int32Array, Uint32Array];
    const keys: number[] = [];
    const starts: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i === 0 || c1[i] !== c1[i - 1]) {
        keys.push(c1[i]!);
        starts.push(i);
      }
    }
    starts.push(n);
    this.c1 = Float64Array.from(keys);
    this.start = Int32Array.from(starts);
    this.c2 = c2;
    this.eff = eff;
    this.del = del;
    this.mi = Uint8Array.from(mi);
    const interner = new Interner<NcciEditRow>();
    this.editOf = new Uint32Array(n);
    // A numeric key per distinct (effective, deletion, indicator, rationale): no string per row.
    const ids = new Map<number, number>();
    const dayKey = (v: number) => (v === NO_DAY ? 0 : v + 40_000); // 1860 … 2150 → 1 … 105,000 (17 bits)
    for (let i = 0; i < n; i++) {
      const key = ((dayKey(eff[i]!) * 131_072 + dayKey(del[i]!)) * 16 + mi[i]!) * 4096 + (rat[i]! & 4095);
      let id = ids.get(key);
      if (id === undefined || interner.items[id]!.rationale !== s.text(i, 6)) {
        const r = s.text(i, 6);
        id = interner.id(`${eff[i]} ${del[i]} ${mi[i]} ${r}`, () => ({ effective: day(eff[i]!), deleted: day(del[i]!), modifierIndicator: mi[i] as ModifierIndicator, rationale: r }));
        ids.set(key, id);
      }
      this.editOf[i] = id;
    }
    this.edits = interner.items;
  }

  /**
   * The edit in force on `day`: rows whose [effective, deletion) holds the day; among several, the
   * latest known effective date wins, else the row deleted soonest after the day (a row without an
   * effective date is taken to run until its successor began). Indicator 9 is never returned.
   */
  edit(column1: string, column2: string, day: number): NcciEdit | undefined {
    const a = packCode(column1);
    const b = packCode(column2);
    if (a === NO_CODE || b === NO_CODE) return undefined;
    const k = lowerBound(this.c1, a, 0, this.c1.length);
    if (k === this.c1.length || this.c1[k] !== a) return undefined;
    const end = this.start[k + 1]!;
    let i = lowerBound(this.c2, b, this.start[k]!, end);
    let best = -1;
    for (; i < end && this.c2[i] === b; i++) {
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
    return this.edits[this.editOf[best]!];
  }

  /** Whether the release lists every edit for this pair (outside its scope, "no edit" means "not known"). */
  covers(column1: string, column2: string): boolean {
    return this.scope.coversPair(column1, column2);
  }

  get size(): number {
    return this.c2.length;
  }
}

/** Sorted unique codes → row, shared by the one-row-per-code kinds. */
class CodeKeys {
  readonly keys: Float64Array;
  constructor(rows: Rows) {
    this.keys = rows.data[0]!.values as Float64Array;
  }
  find(code: string): number {
    const v = packCode(code);
    if (v === NO_CODE) return -1;
    const i = lowerBound(this.keys, v, 0, this.keys.length);
    return i < this.keys.length && this.keys[i] === v ? i : -1;
  }
}

export class MueIndex implements MueLookup {
  private readonly keys: CodeKeys;
  private readonly rowOf: Uint32Array;
  private readonly items: MueRow[];
  constructor(
    rows: Rows,
    private readonly scope = new ScopeMatcher(undefined),
  ) {
    const s = rows.sorted();
    this.keys = new CodeKeys(s);
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
    const i = this.keys.find(code);
    return i < 0 ? undefined : this.items[this.rowOf[i]!];
  }
  /** Whether the release lists every MUE for codes like this one (outside its scope, "no MUE" means "not known"). */
  covers(code: string): boolean {
    return this.scope.covers(code);
  }
}

export class DiagnosisIndex implements DiagnosisLookup {
  private readonly keys: CodeKeys;
  private readonly billable: Uint8Array;
  constructor(rows: Rows) {
    const s = rows.sorted();
    this.keys = new CodeKeys(s);
    this.billable = Uint8Array.from(s.data[1]!.values as Int32Array);
  }
  diagnosis(dotlessCode: string): 'billable' | 'header' | undefined {
    const i = this.keys.find(dotlessCode);
    return i < 0 ? undefined : this.billable[i] ? 'billable' : 'header';
  }
}

export class ProcedureIndex implements ProcedureCodeLookup {
  private readonly code: Float64Array;
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
    this.code = s.data[0]!.values as Float64Array;
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
    const v = packCode(code);
    if (v === NO_CODE) return undefined;
    const d = this.lastDay !== NO_DAY && day > this.lastDay ? this.lastDay : day;
    for (let i = lowerBound(this.code, v, 0, this.code.length); i < this.code.length && this.code[i] === v; i++) {
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

export class FeeIndex implements FeeLookup {
  private readonly code: Float64Array;
  private readonly modifier: string[];
  private readonly nonFacility: Int32Array; // cents, -1 for no amount
  private readonly facility: Int32Array;
  constructor(rows: Rows) {
    // National rows only: locality-specific rows need the claim's locality, which claims do not carry.
    const nat = rows.sorted();
    const keep = nat.select((i) => nat.text(i, 2) === '');
    const s = nat.permute(keep);
    const n = s.length;
    this.code = s.data[0]!.values as Float64Array;
    this.modifier = [];
    this.nonFacility = new Int32Array(n);
    this.facility = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.modifier.push(s.text(i, 1));
      const status = s.text(i, 3);
      const [work, peNf, peF, mp, cf, amtNf, amtF] = [4, 5, 6, 7, 8, 9, 10].map((c) => s.num(i, c)) as number[];
      const computed = (pe: number) => (status === 'B' ? 0 : PAID.has(status) && !Number.isNaN(cf!) ? rvuAmountCents(work!, pe, mp!, cf!) : -1);
      this.nonFacility[i] = Number.isNaN(amtNf!) ? computed(peNf!) : amtNf!;
      this.facility[i] = Number.isNaN(amtF!) ? computed(peF!) : amtF!;
    }
  }
  /** Cents for one unit; a row for one of the line's modifiers (26, TC, …) wins over the global row. */
  amount(code: string, modifiers: readonly string[], _day: number, facility: boolean): number | undefined {
    const v = packCode(code);
    if (v === NO_CODE) return undefined;
    let global = -1;
    let chosen = -1;
    for (let i = lowerBound(this.code, v, 0, this.code.length); i < this.code.length && this.code[i] === v; i++) {
      const m = this.modifier[i]!;
      if (m === '') global = i;
      else if (chosen < 0 && modifiers.includes(m)) chosen = i;
    }
    const i = chosen >= 0 ? chosen : global;
    if (i < 0) return undefined;
    const cents = facility ? this.facility[i]! : this.nonFacility[i]!;
    return cents < 0 ? undefined : cents;
  }
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
