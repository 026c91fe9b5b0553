// Per-claim evaluation context, and how expressions and conditions are evaluated. Both runtimes use
// these (json-rules-engine inside its facts, the compiled runtime as the meaning its closures must
// match), so a condition means the same thing to both.
//
// Lines and dates: every line has its own date of service (the claim's unless it gives one). "Per
// day" checks group lines by that date; a visit is a distinct date of service. The line a rule is
// checking is `outer` inside a `where` (`this.` in the language); at the top level it is `line`.
import type { Claim } from './claim-schema.ts';
import type { CompiledRuleset, Condition, ExprData } from './compiled.ts';
import { FIELD_BY_PATH } from './field-catalog.ts';
import { addMonths, parseDate, yearOf } from './dates.ts';
import { OPERATORS, setMatcher, type FactName, type OperatorName } from './operator-catalog.ts';
import { allocateUnits, type LineUnits, type UnitClass } from './units.ts';
import { NO_TABLES, type TableProvider, type TableRelease } from './tables.ts';
import type { TableUse } from './report.ts';
import { FACT_IMPLS, lackedName } from './facts.ts';
import { byNumber, sortSmall } from './sort.ts';

/** A compiled ruleset with its operator implementations bound, ready to evaluate claims. */
export interface Prepared {
  rs: CompiledRuleset;
  ops: Record<OperatorName, (a: unknown, b: unknown) => boolean>;
  tables: TableProvider;
}

export function prepareOperators(rs: CompiledRuleset): Prepared['ops'] {
  const ops = {} as Prepared['ops'];
  for (const [name, info] of Object.entries(OPERATORS)) ops[name as OperatorName] = info.make(rs);
  return ops;
}

export function prepare(rs: CompiledRuleset, tables: TableProvider = NO_TABLES): Prepared {
  return { rs, ops: prepareOperators(rs), tables };
}

export interface ClaimContext {
  p: Prepared;
  claim: Claim;
  /** Each line's date of service as a day number. */
  days: number[];
  /** The claim's date of service as a day number. */
  claimDay: number;
  units: LineUnits[];
  /** Per-claim results of facts that look at every line (computed on first use). */
  memo: Map<string, unknown>;
  /** Per line, whether a therapy line without a discipline modifier precedes it that year (facts.ts lackedName). */
  kxLacking?: readonly boolean[];
  /** KX totals worked out so far (facts.ts kxTotals), by fee table. */
  kxTotals?: { fees: string | undefined; totals: (number | undefined)[] }[];
  /** Reference-table releases looked up, by `table@release`. */
  tablesUsed?: Map<string, TableUse>;
  /** The releases asked for so far (context.ts tableRelease). */
  releasesAsked?: { table: string; day: number; usedFor: number; release: TableRelease | undefined }[];
}

export function makeContext(p: Prepared, claim: Claim): ClaimContext {
  const claimDay = parseDate(claim.dateOfService) ?? 0;
  const days = claim.lines.map((l) => (l.dateOfService ? (parseDate(l.dateOfService) ?? claimDay) : claimDay));
  const u = p.rs.units;
  const timed = u ? setMatcher(p.rs, u.timed) : undefined;
  const untimed = u ? setMatcher(p.rs, u.untimed) : undefined;
  const pairs = u?.pairs;
  const units = allocateUnits(
    claim.lines.map((l, i) => {
      let pair = -1;
      let addon = false;
      if (pairs) {
        for (let k = 0; k < pairs.length; k++) {
          if (pairs[k]!.primary === l.code || pairs[k]!.addon === l.code) {
            pair = k;
            addon = pairs[k]!.addon === l.code;
            break;
          }
        }
      }
      const cls: UnitClass = pair >= 0 ? 'pair' : !timed || !untimed ? 'other' : timed(l.code) ? 'timed' : untimed(l.code) ? 'untimed' : 'other';
      return pair >= 0
        ? { index: i, code: l.code, cls, minutes: l.minutes, billed: l.units, day: days[i]!, pair, addon }
        : { index: i, code: l.code, cls, minutes: l.minutes, billed: l.units, day: days[i]! };
    }),
    u ? { method: u.method, minutesPerUnit: u.minutesPerUnit, minimumMinutes: u.minimumMinutes, ...(pairs ? { pairs } : {}) } : { method: 'total-time', minutesPerUnit: 15, minimumMinutes: 8 },
  );
  return { p, claim, days, claimDay, units, memo: new Map() };
}

/**
 * The release of a reference table for a day; records it for the report. `usedFor` is the date of
 * service it serves when that differs from `day` (an older release standing in for codes a newer,
 * partial one does not list).
 */
export function tableRelease(ctx: ClaimContext, table: string, day: number, usedFor = day): TableRelease | undefined {
  // Asked again with the same arguments, the answer and what it records are the same: a claim asks a
  // few tables for a few days, once per line and fact, so the answers are kept in a short list.
  const seen = (ctx.releasesAsked ??= []);
  for (let k = 0; k < seen.length; k++) {
    const a = seen[k]!;
    if (a.day === day && a.usedFor === usedFor && a.table === table) return a.release;
  }
  const release = lookUpRelease(ctx, table, day, usedFor);
  if (seen.length < 16) seen.push({ table, day, usedFor, release });
  return release;
}

function lookUpRelease(ctx: ClaimContext, table: string, day: number, usedFor: number): TableRelease | undefined {
  const r = ctx.p.tables.release(table, day);
  if (!r) return undefined;
  const about = aboutRelease(table, r);
  const used = (ctx.tablesUsed ??= new Map());
  let u = used.get(about.key);
  if (!u) used.set(about.key, (u = { table, release: r.info.release }));
  if (about.through !== undefined && !u.note && usedFor > about.through) {
    u.note = usedFor === day ? `the newest release loaded (${r.info.release}, through ${r.info.through}) is older than a date of service it was used for` : `release ${r.info.release} (through ${r.info.through}) was used for codes a newer, partial release does not list`;
  }
  return r;
}

const releaseFacts = new WeakMap<TableRelease, { key: string; through: number | undefined }>();

/**
 * Whether a release ended before `day` (its `through` is earlier): for a table that changes on a
 * fixed date, such as ICD-10-CM every October 1, such a release cannot say what is valid on `day`.
 */
export function releaseEnded(table: string, r: TableRelease, day: number): boolean {
  const through = aboutRelease(table, r).through;
  return through !== undefined && day > through;
}

/** A release's report key and last day, worked out once per release rather than per line. */
function aboutRelease(table: string, r: TableRelease): { key: string; through: number | undefined } {
  let a = releaseFacts.get(r);
  if (!a) releaseFacts.set(r, (a = { key: `${table}@${r.info.release}`, through: r.info.through ? parseDate(r.info.through) : undefined }));
  return a;
}

// ---- dates and visits ----

/** The claim's distinct dates of service, ascending (memoized per claim). */
export function visitDays(ctx: ClaimContext): number[] {
  let v = ctx.memo.get('visitDays') as number[] | undefined;
  if (!v) {
    v = sortSmall([...new Set(ctx.days)], byNumber);
    ctx.memo.set('visitDays', v);
  }
  return v;
}

/** The calendar year of a day number. */
export function yearOfDay(day: number): number {
  return yearOf(day);
}

/** Adds a duration given as {days|weeks|months|years} to a day. */
export function addDuration(day: number, d: { days?: number; weeks?: number; months?: number; years?: number }): number {
  return d.days ? day + d.days : d.weeks ? day + d.weeks * 7 : addMonths(day, (d.months ?? 0) + (d.years ?? 0) * 12);
}

// ---- expressions and conditions ----

export function readField(ctx: ClaimContext, path: string, line: number | undefined): unknown {
  const f = FIELD_BY_PATH.get(path);
  if (!f) return undefined;
  if (f.scope === 'line') {
    if (line === undefined) return undefined;
    const l = ctx.claim.lines[line];
    return l ? f.get(ctx.claim, l, line) : undefined;
  }
  return f.get(ctx.claim, undefined, line ?? -1);
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Evaluates an expression for `line`; `outer` is the line the rule checks (for `this.` and `per day`). */
export function evalExpr(ctx: ClaimContext, e: ExprData, line: number | undefined, outer: number | undefined = line): unknown {
  if ('lit' in e) return e.lit;
  if ('field' in e) return readField(ctx, e.field, e.outer ? outer : line);
  if ('arith' in e) {
    const a = evalExpr(ctx, e.left, line, outer);
    const b = evalExpr(ctx, e.right, line, outer);
    if (!isNum(a) || !isNum(b)) return undefined;
    if (e.unit === 'months') return e.arith === '+' ? addMonths(a, b) : e.arith === '-' ? addMonths(a, -b) : undefined;
    switch (e.arith) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return b === 0 ? undefined : a / b;
    }
  }
  // Aggregates: over the claim's lines (scalar line field, `lines` or `visits`), or over a list field.
  const f = FIELD_BY_PATH.get(e.over);
  if (e.over === 'lines' || e.over === 'visits' || (f && f.scope === 'line' && !f.type.startsWith('list<'))) {
    const day = e.per === 'day' ? (outer === undefined ? undefined : ctx.days[outer]) : undefined;
    const values: unknown[] = [];
    const dates = e.over === 'visits' ? new Set<number>() : undefined;
    for (let i = 0; i < ctx.claim.lines.length; i++) {
      if (day !== undefined && ctx.days[i] !== day) continue;
      if (e.where && !evalCondition(ctx, e.where, i, outer)) continue;
      if (dates) dates.add(ctx.days[i]!);
      else values.push(e.over === 'lines' ? 1 : readField(ctx, e.over, i));
    }
    if (dates) return dates.size;
    return aggregate(e.agg, values);
  }
  const v = readField(ctx, e.over, line);
  return aggregate(e.agg, Array.isArray(v) ? v : []);
}

function aggregate(agg: 'count' | 'sum' | 'max' | 'min', values: unknown[]): number | undefined {
  if (agg === 'count') return values.length;
  const nums = values.filter(isNum);
  if (agg === 'sum') return nums.reduce((s, x) => s + x, 0);
  if (nums.length === 0) return undefined;
  return agg === 'max' ? Math.max(...nums) : Math.min(...nums);
}

/** Whether a condition holds: true in three values (a condition that hinges on a missing value does not). */
export function evalCondition(ctx: ClaimContext, c: Condition, line: number | undefined, outer: number | undefined = line): boolean {
  return evalCondition3(ctx, c, line, undefined, outer) === true;
}

/** A condition's right-hand side: a literal, or `{fact, params}` resolved like json-rules-engine. */
export function resolveValue(ctx: ClaimContext, v: unknown, line: number | undefined, outer: number | undefined = line): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { fact?: unknown }).fact === 'string') {
    const r = v as { fact: FactName; params?: Record<string, unknown> };
    return factValue(ctx, r.fact, r.params, line, outer);
  }
  return v;
}

export function factValue(ctx: ClaimContext, fact: FactName, params: Record<string, unknown> | undefined, line: number | undefined, outer: number | undefined = line): unknown {
  const impl = FACT_IMPLS[fact];
  return impl ? impl(ctx, line, params ?? {}, outer) : undefined;
}

// ---- "could not check": conditions in three values ----

/** Operators whose answer does not depend on the value being known. */
const TOTAL_OPERATORS: ReadonlySet<string> = new Set(['present', 'missing']);

/**
 * Evaluates a condition in three values: true, false, or undefined when a value it needed is
 * missing (and the answer would depend on it). `missing` collects the fields and facts that were.
 * Used only for rules that did not fire, to say what could not be checked.
 */
export function evalCondition3(ctx: ClaimContext, c: Condition, line: number | undefined, missing: Set<string> | undefined, outer: number | undefined = line): boolean | undefined {
  if ('all' in c) {
    let unknown = false;
    for (const x of c.all) {
      const r = evalCondition3(ctx, x, line, missing, outer);
      if (r === false) return false;
      if (r === undefined) unknown = true;
    }
    return unknown ? undefined : true;
  }
  if ('any' in c) {
    if (c.any.length === 0) return true;
    let unknown = false;
    for (const x of c.any) {
      const r = evalCondition3(ctx, x, line, missing, outer);
      if (r === true) return true;
      if (r === undefined) unknown = true;
    }
    return unknown ? undefined : false;
  }
  if ('not' in c) {
    const r = evalCondition3(ctx, c.not, line, missing, outer);
    return r === undefined ? undefined : !r;
  }
  const a = factValue(ctx, c.fact as FactName, c.params, line, outer);
  const ref = c.value && typeof c.value === 'object' && !Array.isArray(c.value) ? (c.value as { fact?: string; params?: Record<string, unknown> }) : undefined;
  if (!TOTAL_OPERATORS.has(c.operator)) {
    if (a === undefined && !missing) return undefined;
    const b = resolveValue(ctx, c.value, line, outer);
    const need = (v: unknown, fact: string, params: Record<string, unknown> | undefined) => {
      if (v !== undefined) return false;
      missing?.add(fact === 'field' ? String(params?.['field']) : fact === 'expr' ? describeExpr(ctx, params?.['expr'] as ExprData, line, outer) : lackedName(ctx, fact, line));
      return true;
    };
    const ua = need(a, c.fact, c.params);
    const ub = ref?.fact ? need(b, ref.fact, ref.params) : false;
    if (ua || ub) return undefined;
    return ctx.p.ops[c.operator as OperatorName](a, b);
  }
  return ctx.p.ops[c.operator as OperatorName](a, resolveValue(ctx, c.value, line, outer));
}

/** The fields an expression needed and did not have, for "could not check" messages. */
export function describeExpr(ctx: ClaimContext, e: ExprData | undefined, line: number | undefined, outer: number | undefined): string {
  // One name (the common case) is returned without a list: this runs per line of a rule left unknown.
  let one: string | undefined;
  let many: string[] | undefined;
  for (const x of e ? leavesOf(e) : NO_LEAVES) {
    const name = 'field' in x ? (readField(ctx, x.field, x.outer ? outer : line) === undefined ? x.field : undefined) : evalExpr(ctx, x, line, outer) === undefined ? (x as { over: string }).over : undefined;
    if (name === undefined || name === one || many?.includes(name)) continue;
    if (one === undefined) one = name;
    else (many ??= [one]).push(name);
  }
  return many ? many.join(', ') : (one ?? 'a value');
}

const NO_LEAVES: ExprData[] = [];
const leavesMemo = new WeakMap<ExprData, ExprData[]>();

/**
 * The parts of an expression that can lack a value, left to right: its fields, and its max and min
 * aggregates (a count or a sum always has a value: 0 when nothing is counted). Found once per expression.
 */
function leavesOf(e: ExprData): ExprData[] {
  let leaves = leavesMemo.get(e);
  if (!leaves) {
    const out: ExprData[] = [];
    const visit = (x: ExprData | undefined): void => {
      if (!x) return;
      if ('field' in x) out.push(x);
      else if ('arith' in x) {
        visit(x.left);
        visit(x.right);
      } else if ('agg' in x && (x.agg === 'max' || x.agg === 'min')) out.push(x);
    };
    visit(e);
    leavesMemo.set(e, (leaves = out));
  }
  return leaves;
}
