// The fact table's implementations: one function per fact the compiler may name (FACTS in
// operator-catalog.ts). Both runtimes call these. A fact returns `undefined` when what it needs is
// missing from the claim (or no reference-table release covers the date): the condition is then
// neither true nor false, and the report says the check could not be made.
import type { Claim } from './claim-schema.ts';
import type { ExprData, MueRowData, NcciBypassData } from './compiled.ts';
import { addDuration, evalExpr, readField, releaseEnded, tableRelease, yearOfDay, type ClaimContext } from './context.ts';
import { dotlessDiagnosis } from './codes.ts';
import { parseDate, utcDay } from './dates.ts';
import { setHas, setMatcher, type FactName } from './operator-catalog.ts';
import { byNumber, byString, sortSmall } from './sort.ts';
import type { DiagnosisLookup, FeeLookup, MueLookup, NcciLookup, ProcedureCodeLookup, TableRelease, TableReleaseInfo } from './tables.ts';

type FactImpl = (ctx: ClaimContext, line: number | undefined, params: Record<string, unknown>, outer: number | undefined) => unknown;

/** KX buckets by discipline modifier: only therapy lines (GN, GO, GP) count toward the threshold. */
const DISCIPLINE_BUCKET: Record<string, 'OT' | 'PT_SLP'> = { GO: 'OT', GP: 'PT_SLP', GN: 'PT_SLP' };

/** The KX bucket of a line (OT, or PT and SLP combined), or undefined for a line that is not therapy. */
export function kxBucket(claim: Claim, i: number): 'OT' | 'PT_SLP' | undefined {
  for (const m of claim.lines[i]!.modifiers) if (DISCIPLINE_BUCKET[m]) return DISCIPLINE_BUCKET[m];
  return undefined;
}

/**
 * Whether a line's code is one the payer's unit policy names (a timed, untimed or time-defined
 * therapy code): such a line without GO/GP/GN is therapy whose KX bucket cannot be told, so the
 * KX checks on it (and on the lines after it that year) cannot be made — never passed as clean.
 */
function isTherapyCode(ctx: ClaimContext, j: number): boolean {
  const n = ctx.units[j]?.note;
  return n !== undefined && (n.kind !== 'other' || n.noMinutes);
}

const KX_FACTS: ReadonlySet<string> = new Set(['kxOver', 'kxNotNeeded', 'reviewThreshold']);

/**
 * How "not checked" names what a fact lacked: a KX check that failed for want of a discipline
 * modifier (on the line, or on a therapy line before it that year) says so, not "allowed amounts".
 */
export function lackedName(ctx: ClaimContext, fact: string, line: number | undefined): string {
  if (line === undefined) return fact;
  const kx = KX_FACTS.has(fact);
  const own = kx ? ctx.claim.history?.therapyAllowedThisYear : fact === 'priorVisits' || fact === 'visitLimitOver' ? ctx.claim.history?.visitsThisYear : undefined;
  // The history is there, but for another year than this line's.
  if (own !== undefined && historyFor(ctx, yearOfDay(ctx.days[line]!), own) === undefined) return 'earlierYear';
  if (!kx) return fact;
  return kxDisciplineLacking(ctx)[line] ? 'kxDiscipline' : fact;
}

/**
 * Per line: whether a therapy line without GO/GP/GN comes at or before it in its year (same date:
 * same or earlier line). Worked out once per claim, on first use: it is asked per line of every
 * KX rule left unknown.
 */
function kxDisciplineLacking(ctx: ClaimContext): readonly boolean[] {
  if (ctx.kxLacking) return ctx.kxLacking;
  const n = ctx.claim.lines.length;
  const years: number[] = [];
  const gaps: number[] = [];
  for (let j = 0; j < n; j++) {
    years.push(yearOfDay(ctx.days[j]!));
    if (!kxBucket(ctx.claim, j) && isTherapyCode(ctx, j)) gaps.push(j);
  }
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const day = ctx.days[i]!;
    let lacking = false;
    for (const j of gaps) {
      const d = ctx.days[j]!;
      if (years[j] === years[i] && (d < day || (d === day && j <= i))) {
        lacking = true;
        break;
      }
    }
    out.push(lacking);
  }
  return (ctx.kxLacking = out);
}

/** Places of service paid at the facility rate (hospital, SNF, …; POS 02 telehealth too). */
const FACILITY_POS: ReadonlySet<string> = new Set(['02', '19', '21', '22', '23', '24', '26', '31', '34', '41', '42', '51', '52', '53', '56', '61']);
/** The therapy multiple procedure payment reduction at 50% of PE, from 2013-04-01 (MCPM ch.5 §10.7). */
const MPPR_FROM = parseDate('2013-04-01')!;
/** CQ/CO lines are paid at 85% from 2022 (SSA §1834(v)). */
const ASSISTANT_PAID_FROM = parseDate('2022-01-01')!;
/** From CY 2022 (86 FR 64996), a final unit the therapist furnished at least 8 minutes of is the therapist's. */
const FINAL_UNIT_RULE_FROM = parseDate('2022-01-01')!;

/** The empty list facts return when nothing matched (shared: never mutated). */
const NONE: readonly string[] = Object.freeze([]);

/** A line's fee-schedule release, whether it is paid at the facility rate, and that release's lookup. */
function feeOf(ctx: ClaimContext, j: number, fees: string): { lookup: FeeLookup; day: number; facility: boolean } | undefined {
  const day = ctx.days[j]!;
  const rel = tableRelease(ctx, fees, day);
  if (!rel) return undefined;
  const l = ctx.claim.lines[j]!;
  const pos = l.placeOfService ?? ctx.claim.placeOfService;
  return { lookup: rel.lookup as FeeLookup, day, facility: pos !== undefined && FACILITY_POS.has(pos) };
}

/** The memo key of a fee table's MPPR plan, made once per table (not per line asked). */
const mpprKeys = new Map<string, string>();
function mpprKey(fees: string): string {
  let k = mpprKeys.get(fees);
  if (k === undefined) {
    k = `mppr:${fees}`;
    if (mpprKeys.size < 1000) mpprKeys.set(fees, k);
  }
  return k;
}

/**
 * The multiple procedure payment reduction for therapy (MCPM ch.5 §10.7, since 2013-04-01): on each
 * date of service the one unit with the highest practice expense is paid in full and every other
 * unit of an "always therapy" code (MPFS indicator 5) gets half its PE. Per claim and fee table: by
 * day, the line that holds the full unit (a line with its own `allowed` may hold it: its amount is
 * as given). The claim is taken to hold all of the day's therapy (other claims that day are not seen).
 */
function mpprFullUnit(ctx: ClaimContext, fees: string): Map<number, number> {
  const key = mpprKey(fees);
  let plan = ctx.memo.get(key) as Map<number, number> | undefined;
  if (plan) return plan;
  plan = new Map();
  const best = new Map<number, number>();
  for (let j = 0; j < ctx.claim.lines.length; j++) {
    const l = ctx.claim.lines[j]!;
    if ((l.units ?? 1) < 1) continue;
    const f = feeOf(ctx, j, fees);
    const r = f?.lookup.reduction?.(l.code, l.modifiers, f.day, f.facility);
    if (!f || !r || f.day < MPPR_FROM) continue;
    if (!(r.pe <= (best.get(f.day) ?? -Infinity))) {
      best.set(f.day, r.pe);
      plan.set(f.day, j);
    }
  }
  ctx.memo.set(key, plan);
  return plan;
}

/** A line's allowed amount in cents: `allowed` as given, else the fee schedule's estimate; undefined when neither. */
export function allowedOf(ctx: ClaimContext, j: number, fees: string | undefined): { cents: number; from: 'claim' | 'fee-schedule' } | undefined {
  const l = ctx.claim.lines[j]!;
  if (l.allowed !== undefined) return { cents: l.allowed, from: 'claim' };
  if (!fees) return undefined;
  const f = feeOf(ctx, j, fees);
  if (!f) return undefined;
  const each = f.lookup.amount(l.code, l.modifiers, f.day, f.facility);
  if (each === undefined) return undefined;
  const units = l.units ?? 1;
  let cents = each * units;
  const r = units >= 1 && f.day >= MPPR_FROM ? f.lookup.reduction?.(l.code, l.modifiers, f.day, f.facility) : undefined;
  if (r) {
    const full = mpprFullUnit(ctx, fees).get(f.day) === j ? 1 : 0;
    cents = full * each + (units - full) * r.reduced;
  }
  if (f.day >= ASSISTANT_PAID_FROM && (l.modifiers.includes('CQ') || l.modifiers.includes('CO'))) cents = Math.round(cents * 0.85);
  return { cents, from: 'fee-schedule' };
}

/**
 * The fee-schedule releases that priced lines counted into line `line`'s KX total (its bucket and
 * year, in date order up to it) because they carry no allowed amount: the total is then an
 * estimate, and a finding that quotes it says so and from which release.
 */
export function kxEstimatedFrom(ctx: ClaimContext, fees: string | undefined, line: number): TableReleaseInfo[] {
  if (!fees) return [];
  const bucket = kxBucket(ctx.claim, line);
  const day = ctx.days[line]!;
  const year = yearOfDay(day);
  const out: TableReleaseInfo[] = [];
  ctx.claim.lines.forEach((l, j) => {
    const d = ctx.days[j]!;
    if (l.allowed !== undefined || kxBucket(ctx.claim, j) !== bucket || yearOfDay(d) !== year) return;
    if (d > day || (d === day && j > line)) return;
    const rel = tableRelease(ctx, fees, d);
    if (rel && !out.includes(rel.info)) out.push(rel.info);
  });
  return out;
}

/**
 * Allowed amounts accrued this year through each therapy line, per KX bucket and calendar year, in
 * date-of-service order: the year of the claim's date of service starts from
 * `history.therapyAllowedThisYear`, a later year from zero (the total restarts each January 1).
 * Undefined for a line whose total cannot be known (an amount missing before it).
 */
export function kxTotals(ctx: ClaimContext, fees: string | undefined): (number | undefined)[] {
  // Per claim and fee table (a ruleset prices KX from one; asked once per line and rule).
  const known = (ctx.kxTotals ??= []);
  for (const k of known) if (k.fees === fees) return k.totals;
  const totals = computeKxTotals(ctx, fees);
  known.push({ fees, totals });
  return totals;
}

function computeKxTotals(ctx: ClaimContext, fees: string | undefined): (number | undefined)[] {
  const n = ctx.claim.lines.length;
  const totals = new Array<number | undefined>(n).fill(undefined);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (ctx.days.some((d) => d !== ctx.days[0])) sortSmall(order, (a, b) => ctx.days[a]! - ctx.days[b]! || a - b);
  // Running totals per bucket and calendar year: [year, OT total, PT_SLP total] rows, few per claim;
  // `null` is a total not started yet this year, `undefined` one that cannot be known.
  const years: { year: number; OT: number | undefined | null; PT_SLP: number | undefined | null }[] = [];
  const rowOf = (year: number) => {
    for (const r of years) if (r.year === year) return r;
    const r = { year, OT: null as number | undefined | null, PT_SLP: null as number | undefined | null };
    years.push(r);
    return r;
  };
  for (const j of order) {
    const bucket = kxBucket(ctx.claim, j);
    if (!bucket) {
      // Therapy of an unknown bucket: from here on this year, neither bucket's total is known.
      if (isTherapyCode(ctx, j)) {
        const row = rowOf(yearOfDay(ctx.days[j]!));
        row.OT = undefined;
        row.PT_SLP = undefined;
      }
      continue;
    }
    const year = yearOfDay(ctx.days[j]!);
    const row = rowOf(year);
    let before = row[bucket];
    if (before === null) before = historyFor(ctx, year, ctx.claim.history?.therapyAllowedThisYear?.[bucket]);
    const a = allowedOf(ctx, j, fees);
    const now = before === undefined || a === undefined ? undefined : before + a.cents;
    row[bucket] = now;
    totals[j] = now;
  }
  return totals;
}

function kxTotal(ctx: ClaimContext, line: number | undefined, p: Record<string, unknown>): number | undefined {
  if (line === undefined || !kxBucket(ctx.claim, line)) return undefined;
  return kxTotals(ctx, p['fees'] as string | undefined)[line];
}

/**
 * A yearly history value (`history.*ThisYear`) as it stands for `year`: the claim's history counts
 * the year of claim.dateOfService; a later year (a claim from December into January) starts from
 * this claim's own lines (0); an earlier year's is unknown.
 */
function historyFor<T>(ctx: ClaimContext, year: number, own: T | undefined): T | 0 | undefined {
  const claimYear = yearOfDay(ctx.claimDay);
  return year === claimYear ? own : year > claimYear ? 0 : undefined;
}

/** The lines that count as visits for a statement (its codes, less its exceptions). */
function visitLineTest(ctx: ClaimContext, p: Record<string, unknown>): (j: number) => boolean {
  const codes = typeof p['codes'] === 'string' ? setMatcher(ctx.p.rs, p['codes']) : undefined;
  const except = typeof p['except'] === 'string' ? setMatcher(ctx.p.rs, p['except']) : undefined;
  return (j) => {
    const c = ctx.claim.lines[j]!.code;
    return (!codes || codes(c)) && (!except || !except(c));
  };
}

/** The distinct visit dates (ascending) of the claim's lines that pass `test`. */
function visitDates(ctx: ClaimContext, test: (j: number) => boolean): number[] {
  const set = new Set<number>();
  for (let j = 0; j < ctx.claim.lines.length; j++) if (test(j)) set.add(ctx.days[j]!);
  return sortSmall([...set], byNumber);
}

/** How many of `dates` fall in [from, through]. */
function countIn(dates: readonly number[], from: number, through: number): number {
  let n = 0;
  for (const d of dates) if (d >= from && d <= through) n++;
  return n;
}

/**
 * Visits before this line's visit that count toward a threshold: in the line's calendar year
 * (`history.visitsThisYear` for the claim's year, then this claim's earlier visit dates), or in the
 * plan of care (`within`: `history.visitsThisEpisode` and the claim's visits since
 * `history.episodeStart`; a visit past the window counts as past any threshold).
 */
function priorVisits(ctx: ClaimContext, line: number | undefined, p: Record<string, unknown>): number | undefined {
  if (line === undefined) return undefined;
  const day = ctx.days[line]!;
  const dates = visitDates(ctx, visitLineTest(ctx, p));
  const within = p['within'] as Parameters<typeof addDuration>[1] | undefined;
  if (within) {
    const h = ctx.claim.history;
    const start = h?.episodeStart ? parseDate(h.episodeStart) : undefined;
    if (start === undefined || h?.visitsThisEpisode === undefined) return undefined;
    if (day >= addDuration(start, within)) return Number.MAX_SAFE_INTEGER;
    return h.visitsThisEpisode + countIn(dates, start, day - 1);
  }
  const year = yearOfDay(day);
  const base = historyFor(ctx, year, ctx.claim.history?.visitsThisYear);
  if (base === undefined) return undefined;
  return base + countIn(dates, utcDay(year, 0, 1), day - 1);
}

/**
 * The newest release of a table on or before `day` that covers what is asked (`covers`): a partial
 * release (one that lists only some codes) defers to an older, complete one for the rest, and the
 * report then says that release is older than the date of service.
 */
function releaseCovering(ctx: ClaimContext, table: string, day: number, covers: Covers, a: string, b: string): TableRelease | undefined {
  const first = ctx.p.tables.release(table, day);
  if (!first) return undefined;
  if (covers(first.lookup, a, b)) return tableRelease(ctx, table, day);
  for (const from of olderStarts(ctx, table, first)) {
    const r = ctx.p.tables.release(table, from);
    if (r && covers(r.lookup, a, b)) return tableRelease(ctx, table, from, day);
  }
  return undefined;
}

/** `code` added to a short list of distinct codes (a list: a line bundles with few others), made on first use. */
function addOnce(out: string[] | undefined, code: string): string[] {
  if (!out) return [code];
  if (!out.includes(code)) out.push(code);
  return out;
}

/** Whether a release lists what is asked about codes `a` and `b` (no closure made per line and pair). */
type Covers = (lookup: TableRelease['lookup'], a: string, b: string) => boolean;
const coversPair: Covers = (lk, a, b) => !(lk as NcciLookup).covers || (lk as NcciLookup).covers!(a, b);
const coversCode: Covers = (lk, a) => !(lk as MueLookup).covers || (lk as MueLookup).covers!(a);

const olderStartsOf = new WeakMap<TableRelease, number[]>();

/** The first days of the table's releases older than `first`, newest first (worked out once per release). */
function olderStarts(ctx: ClaimContext, table: string, first: TableRelease): number[] {
  let older = olderStartsOf.get(first);
  if (!older) {
    const start = parseDate(first.info.from)!;
    older = ctx.p.tables
      .releases(table)
      .map((r) => parseDate(r.from)!)
      .filter((from) => from < start)
      .sort((a, b) => b - a);
    olderStartsOf.set(first, older);
  }
  return older;
}

/** The bypass modifiers of an NCCI statement for a column 2 code. */
function bypassFor(ctx: ClaimContext, cfg: NcciBypassData | undefined, column2: string): readonly string[] {
  if (!cfg) return NONE;
  for (const o of cfg.on) if (setHas(ctx.p.rs.codeSets[o.set], column2)) return o.modifiers;
  return cfg.modifiers;
}

/**
 * Each NCCI edit that bundles line `line` into another line of its day, under the statement's
 * table (a reference table's release, or inline rows): `visit(column1, bypass, never)` with the
 * modifiers that would let the line be paid (from the ruleset's `bypass`) and whether no modifier
 * can (modifier indicator 0). Returns true when a pair could not be looked up (no release covers
 * it). The one walk both the finding (ncciBundled) and its fix (ncciEdits) read, so they agree.
 */
function forEachNcciEdit(ctx: ClaimContext, line: number, id: string, visit: (column1: string, bypass: readonly string[], never: boolean) => void): boolean {
  const ref = ctx.p.rs.tables.refs?.[id];
  const l = ctx.claim.lines[line]!;
  const day = ctx.days[line]!;
  let unknown = false;
  if (ref) {
    const bypass = bypassFor(ctx, ctx.p.rs.tables.ncciBypass?.[id], l.code);
    for (let j = 0; j < ctx.claim.lines.length; j++) {
      const o = ctx.claim.lines[j]!;
      if (j === line || ctx.days[j] !== day || o.code === l.code) continue;
      // The newest release that lists this pair (a partial release defers to an older full one).
      const rel = releaseCovering(ctx, ref.table, day, coversPair, o.code, l.code);
      if (!rel) {
        unknown = true;
        continue;
      }
      const edit = (rel.lookup as NcciLookup).edit(o.code, l.code, day);
      if (edit) visit(o.code, edit.modifierIndicator === 1 ? bypass : NONE, edit.modifierIndicator !== 1);
    }
    return unknown;
  }
  for (const row of ctx.p.rs.tables.ncci[id] ?? []) {
    if (!setHas(row.column2, l.code)) continue;
    if (row.from && day < (parseDate(row.from) ?? -Infinity)) continue;
    if (row.deleted && day >= (parseDate(row.deleted) ?? Infinity)) continue;
    for (let j = 0; j < ctx.claim.lines.length; j++) {
      const o = ctx.claim.lines[j]!;
      if (j !== line && ctx.days[j] === day && o.code !== l.code && setHas(row.column1, o.code)) visit(o.code, row.bypass, row.bypass.length === 0);
    }
  }
  return false;
}

/** Whether a line's modifiers bypass an edit. */
const bypassed = (modifiers: readonly string[], bypass: readonly string[]) => bypass.length > 0 && modifiers.some((m) => bypass.includes(m));

/**
 * The NCCI edits a line's modifiers do not bypass (the ones its ncci-bundled finding names), each
 * with the modifiers that would and whether none can. What the finding's fix is built from: a pair
 * no modifier bypasses needs the line removed, not a 59.
 */
export function ncciEdits(ctx: ClaimContext, line: number, id: string): { column1: string; bypass: readonly string[]; never: boolean }[] {
  const mods = ctx.claim.lines[line]!.modifiers;
  const out: { column1: string; bypass: readonly string[]; never: boolean }[] = [];
  forEachNcciEdit(ctx, line, id, (column1, bypass, never) => {
    if (bypassed(mods, bypass)) return;
    const had = out.find((e) => e.column1 === column1);
    if (!had) out.push({ column1, bypass, never });
    else if (never) Object.assign(had, { bypass: NONE, never });
  });
  return out;
}

const mueIndex = new WeakMap<MueRowData[], Map<string, MueRowData | null>>();

/** The MUE row for a code in an inline table, found once per code and table. */
function mueRowFor(rows: MueRowData[], code: string): MueRowData | undefined {
  let idx = mueIndex.get(rows);
  if (!idx) mueIndex.set(rows, (idx = new Map()));
  let hit = idx.get(code);
  if (hit === undefined) {
    hit = rows.find((r) => setHas(r.codes, code)) ?? null;
    if (idx.size < 100_000) idx.set(code, hit);
  }
  return hit ?? undefined;
}

/** Units of `code` on `day` across the claim, and whether `line` is the last such line that day. */
function dayUnits(ctx: ClaimContext, line: number): { total: number; last: boolean } {
  const l = ctx.claim.lines[line]!;
  let total = 0;
  let last = -1;
  for (let j = 0; j < ctx.claim.lines.length; j++) {
    const o = ctx.claim.lines[j]!;
    if (o.code === l.code && ctx.days[j] === ctx.days[line]) {
      total += o.units ?? 0;
      last = j;
    }
  }
  return { total, last: last === line };
}

export const FACT_IMPLS: Record<FactName, FactImpl> = {
  field: (ctx, line, p, outer) => readField(ctx, String(p['field']), p['outer'] ? outer : line),
  expr: (ctx, line, p, outer) => evalExpr(ctx, p['expr'] as ExprData, line, outer),
  unitsAllowed: (ctx, line) => (line === undefined ? undefined : ctx.units[line]?.governed ? ctx.units[line]!.allowed : undefined),
  unitsExpected: (ctx, line) => (line === undefined ? undefined : ctx.units[line]?.governed ? ctx.units[line]!.least : undefined),
  unitsUnverifiable: (ctx, line) => {
    const n = line === undefined ? undefined : ctx.units[line]?.note;
    return n?.kind === 'other' && n.noMinutes;
  },
  addonWithoutPrimary: (ctx, line) => {
    if (line === undefined) return false;
    const pairs = ctx.p.rs.units?.pairs ?? [];
    const code = ctx.claim.lines[line]!.code;
    const pair = pairs.find((x) => x.addon === code);
    if (!pair) return false;
    return !ctx.claim.lines.some((o, j) => o.code === pair.primary && ctx.days[j] === ctx.days[line]);
  },
  kxOver: (ctx, line, p) => {
    if (line === undefined) return false;
    if (!kxBucket(ctx.claim, line)) return isTherapyCode(ctx, line) ? undefined : false;
    const t = kxTotal(ctx, line, p);
    return t === undefined ? undefined : t > Number(p['threshold']);
  },
  kxNotNeeded: (ctx, line, p) => {
    if (line === undefined) return false;
    if (!kxBucket(ctx.claim, line)) return isTherapyCode(ctx, line) ? undefined : false;
    const t = kxTotal(ctx, line, p);
    return t === undefined ? undefined : t <= Number(p['threshold']);
  },
  // Once per bucket and year: on the first therapy line (in date order) whose total is past it.
  reviewThreshold: (ctx, line, p) => {
    if (line === undefined) return false;
    const bucket = kxBucket(ctx.claim, line);
    if (!bucket) return isTherapyCode(ctx, line) ? undefined : false;
    const totals = kxTotals(ctx, p['fees'] as string | undefined);
    const t = totals[line];
    if (t === undefined) return undefined;
    const threshold = Number(p['threshold']);
    if (t <= threshold) return false;
    const year = yearOfDay(ctx.days[line]!);
    for (let j = 0; j < ctx.claim.lines.length; j++) {
      if (j === line || kxBucket(ctx.claim, j) !== bucket || yearOfDay(ctx.days[j]!) !== year) continue;
      const before = ctx.days[j]! < ctx.days[line]! || (ctx.days[j] === ctx.days[line] && j < line);
      if (before && (totals[j] ?? 0) > threshold) return false;
    }
    return true;
  },
  // CQ/CO: the assistant furnished the service in whole (renderedBy PTA/OTA), or more than the de
  // minimis share of it. Timed codes are judged per 15-minute unit: the therapist's minutes fill
  // whole units first, and from CY 2022 a final unit in which the therapist furnished at least 8
  // minutes is the therapist's; the assistant's remaining minutes need the modifier when they are
  // more than the share of a unit. Untimed codes compare the assistant's minutes with the service's.
  assistantNeeded: (ctx, line, p) => {
    if (line === undefined) return false;
    const l = ctx.claim.lines[line]!;
    if (l.renderedBy === 'PTA' || l.renderedBy === 'OTA') return true;
    const a = l.assistantMinutes;
    if (!a) return false;
    if (!l.minutes) return undefined;
    const share = Number(p['share']);
    const u = ctx.p.rs.units;
    const timed = u ? setMatcher(ctx.p.rs, u.timed)(l.code) : false;
    if (!timed) return a / l.minutes > share;
    const per = u?.minutesPerUnit ?? 15;
    const assistant = Math.min(a, l.minutes);
    const therapist = l.minutes - assistant;
    const rest = therapist % per;
    const finalUnitRule = ctx.days[line]! >= FINAL_UNIT_RULE_FROM;
    const absorbed = finalUnitRule && rest >= Math.ceil(per / 2) ? Math.min(assistant, per - rest) : 0;
    return assistant - absorbed > share * per;
  },
  ncciBundled: (ctx, line, p) => {
    if (line === undefined) return NONE;
    const mods = ctx.claim.lines[line]!.modifiers;
    let out: string[] | undefined;
    const unknown = forEachNcciEdit(ctx, line, String(p['table']), (column1, bypass) => {
      if (!bypassed(mods, bypass)) out = addOnce(out, column1);
    });
    if (!out && unknown) return undefined;
    return out ? sortSmall(out, byString) : NONE;
  },
  mueOver: (ctx, line, p) => {
    if (line === undefined) return 0;
    const id = String(p['table']);
    const l = ctx.claim.lines[line]!;
    const ref = ctx.p.rs.tables.refs?.[id];
    let max: number;
    let perLine: boolean;
    if (ref) {
      const rel = releaseCovering(ctx, ref.table, ctx.days[line]!, coversCode, l.code, '');
      if (!rel) return undefined;
      const row = (rel.lookup as MueLookup).mue(l.code, ctx.days[line]!);
      if (!row) return 0;
      max = row.value;
      perLine = row.mai === 1;
    } else {
      const row = mueRowFor(ctx.p.rs.tables.mue[id] ?? [], l.code);
      if (!row) return 0;
      max = row.max;
      perLine = row.per === 'line';
    }
    if (perLine) return Math.max(0, (l.units ?? 0) - max);
    // Per date of service: report on the last line of the code that day, with the day's excess.
    const { total, last } = dayUnits(ctx, line);
    return last ? Math.max(0, total - max) : 0;
  },
  priorVisits,
  visitLimitOver: (ctx, line, p) => {
    const prior = priorVisits(ctx, line, p);
    return prior === undefined ? undefined : prior + 1 > Number(p['limit']);
  },
  // The authorization's visits: those used before this claim, then this claim's visit dates inside
  // the authorization's window, in order; a line on a visit past the number authorized is over.
  // With `codes`, a visit is a date with a line in that set (an evaluation-only date is none).
  authVisitsOver: (ctx, line, p) => {
    if (line === undefined) return false;
    const pa = ctx.claim.priorAuthorization;
    if (!pa?.number) return false;
    const from = pa.from ? parseDate(pa.from) : undefined;
    const to = pa.to ? parseDate(pa.to) : undefined;
    if (pa.visits === undefined || pa.visitsUsed === undefined || from === undefined || to === undefined) return undefined;
    const day = ctx.days[line]!;
    if (day < from || day > to) return false;
    return pa.visitsUsed + countIn(visitDates(ctx, visitLineTest(ctx, p)), from, day) > pa.visits;
  },
  invalidCode: (ctx, line, p) => {
    if (line === undefined) return false;
    const day = ctx.days[line]!;
    const rel = tableRelease(ctx, String(p['table']), day);
    if (!rel) return undefined;
    const lookup = rel.lookup as ProcedureCodeLookup;
    const code = ctx.claim.lines[line]!.code;
    const row = lookup.procedure(code, day);
    // Not listed: invalid inside the release's window; outside the codes it covers, or on a day
    // after it ends (codes are added every quarter), it cannot say.
    if (!row) return (lookup.covers && !lookup.covers(code)) || releaseEnded(String(p['table']), rel, day) ? undefined : true;
    if (row.status === 'I' || row.status === 'D') return true;
    if (row.added !== undefined && day < row.added) return true;
    return row.terminated !== undefined && day > row.terminated;
  },
  // Claim diagnoses that are not billable ICD-10-CM codes in the release for the dates of service of
  // the lines pointing at them (the claim's date when none does).
  invalidDiagnoses: (ctx, _line, p) => {
    const table = String(p['table']);
    const out: string[] = [];
    let unknown = false;
    const { diagnoses, lines } = ctx.claim;
    for (let k = 0; k < diagnoses.length; k++) {
      const d = diagnoses[k]!;
      // The distinct days of the lines pointing at it, in line order (a list: a claim has few days).
      const days: number[] = [];
      for (let j = 0; j < lines.length; j++) {
        const day = ctx.days[j]!;
        if (lines[j]!.diagnosisPointers.includes(k + 1) && !days.includes(day)) days.push(day);
      }
      if (days.length === 0) days.push(ctx.claimDay);
      const code = dotlessDiagnosis(d);
      for (const day of days) {
        const rel = tableRelease(ctx, table, day);
        // No release, or only one that ended before the day (a new fiscal year may add the code or
        // split it into subcodes): the diagnosis cannot be judged either way on that day.
        if (!rel || releaseEnded(table, rel, day)) {
          unknown = true;
          continue;
        }
        if ((rel.lookup as DiagnosisLookup).diagnosis(code) !== 'billable') {
          out.push(d);
          break;
        }
      }
    }
    if (out.length === 0 && unknown) return undefined;
    return out.length ? out : NONE;
  },
};
