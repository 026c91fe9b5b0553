// Per-claim evaluation context and the fact table's implementations: one function per fact the
// compiler may name (operator-catalog.ts FACTS). Both runtimes call these, so a fact means the same
// thing to json-rules-engine and to the compiled closures.
import type { Claim } from './claim-schema.ts';
import type { CompiledRuleset, Condition, ExprData, MueRowData } from './compiled.ts';
import { FIELD_BY_PATH } from './field-catalog.ts';
import { addMonths, parseDate } from './dates.ts';
import { OPERATORS, setHas, setMatcher, type FactName, type OperatorName } from './operator-catalog.ts';
import { allocateUnits, type LineUnits, type UnitClass } from './units.ts';

/** A compiled ruleset with its operator implementations bound, ready to evaluate claims. */
export interface Prepared {
  rs: CompiledRuleset;
  ops: Record<OperatorName, (a: unknown, b: unknown) => boolean>;
}

export function prepareOperators(rs: CompiledRuleset): Prepared['ops'] {
  const ops = {} as Prepared['ops'];
  for (const [name, info] of Object.entries(OPERATORS)) ops[name as OperatorName] = info.make(rs);
  return ops;
}

export interface ClaimContext {
  p: Prepared;
  claim: Claim;
  /** Each line's date of service as a day number. */
  days: number[];
  units: LineUnits[];
  /** Per-claim results of facts that look at every line (computed on first use). */
  kx?: Map<number, boolean[]>;
}

export function makeContext(p: Prepared, claim: Claim): ClaimContext {
  const claimDay = parseDate(claim.dateOfService) ?? 0;
  const days = claim.lines.map((l) => (l.dateOfService ? (parseDate(l.dateOfService) ?? claimDay) : claimDay));
  const u = p.rs.units;
  const timed = u ? setMatcher(p.rs, u.timed) : undefined;
  const untimed = u ? setMatcher(p.rs, u.untimed) : undefined;
  const units = allocateUnits(
    claim.lines.map((l, i) => {
      const cls: UnitClass = !timed || !untimed ? 'other' : timed(l.code) ? 'timed' : untimed(l.code) ? 'untimed' : 'other';
      return { index: i, code: l.code, cls, minutes: l.minutes, billed: l.units, day: days[i]! };
    }),
    u ? { method: u.method, minutesPerUnit: u.minutesPerUnit, minimumMinutes: u.minimumMinutes } : { method: 'total-time', minutesPerUnit: 15, minimumMinutes: 8 },
  );
  return { p, claim, days, units };
}

// ---- expressions and conditions (also used inside `where` clauses by both runtimes) ----

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

export function evalExpr(ctx: ClaimContext, e: ExprData, line: number | undefined): unknown {
  if ('lit' in e) return e.lit;
  if ('field' in e) return readField(ctx, e.field, line);
  if ('arith' in e) {
    const a = evalExpr(ctx, e.left, line);
    const b = evalExpr(ctx, e.right, line);
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
  // Aggregates: over the claim's lines (scalar line field or `lines`), or over a list field.
  const f = FIELD_BY_PATH.get(e.over);
  let values: unknown[];
  if (e.over === 'lines' || (f && f.scope === 'line' && !f.type.startsWith('list<'))) {
    values = [];
    for (let i = 0; i < ctx.claim.lines.length; i++) {
      if (e.where && !evalCondition(ctx, e.where, i)) continue;
      values.push(e.over === 'lines' ? 1 : readField(ctx, e.over, i));
    }
  } else {
    const v = readField(ctx, e.over, line);
    values = Array.isArray(v) ? v : [];
  }
  if (e.agg === 'count') return values.length;
  const nums = values.filter(isNum);
  if (e.agg === 'sum') return nums.reduce((s, x) => s + x, 0);
  if (nums.length === 0) return undefined;
  return e.agg === 'max' ? Math.max(...nums) : Math.min(...nums);
}

/** Evaluates a condition tree directly (used for `where` and as the compiled runtime's core). */
export function evalCondition(ctx: ClaimContext, c: Condition, line: number | undefined): boolean {
  if ('all' in c) return c.all.length === 0 || c.all.every((x) => evalCondition(ctx, x, line));
  if ('any' in c) return c.any.length === 0 || c.any.some((x) => evalCondition(ctx, x, line));
  if ('not' in c) return !evalCondition(ctx, c.not, line);
  return ctx.p.ops[c.operator as OperatorName](factValue(ctx, c.fact as FactName, c.params, line), resolveValue(ctx, c.value, line));
}

/** A condition's right-hand side: a literal, or `{fact, params}` resolved like json-rules-engine. */
export function resolveValue(ctx: ClaimContext, v: unknown, line: number | undefined): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { fact?: unknown }).fact === 'string') {
    const r = v as { fact: FactName; params?: Record<string, unknown> };
    return factValue(ctx, r.fact, r.params, line);
  }
  return v;
}

// ---- the fact table ----

type FactImpl = (ctx: ClaimContext, line: number | undefined, params: Record<string, unknown>) => unknown;

const DISCIPLINE_BUCKET: Record<string, 'OT' | 'PT_SLP'> = { GO: 'OT', GP: 'PT_SLP', GN: 'PT_SLP' };
const RENDERED_BUCKET: Record<string, 'OT' | 'PT_SLP'> = { OT: 'OT', OTA: 'OT', PT: 'PT_SLP', PTA: 'PT_SLP', SLP: 'PT_SLP' };

/** The KX bucket of a line: its discipline modifier, else who rendered it, else the provider. */
export function kxBucket(claim: Claim, i: number): 'OT' | 'PT_SLP' | undefined {
  const l = claim.lines[i]!;
  for (const m of l.modifiers) if (DISCIPLINE_BUCKET[m]) return DISCIPLINE_BUCKET[m];
  if (l.renderedBy) return RENDERED_BUCKET[l.renderedBy];
  const d = claim.provider?.discipline;
  return d ? RENDERED_BUCKET[d] : undefined;
}

/** The empty list facts return when nothing matched (shared: never mutated). */
const NONE: readonly string[] = Object.freeze([]);

const mueIndex = new WeakMap<MueRowData[], Map<string, MueRowData | null>>();

/** The MUE row for a code, found once per code and table. */
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

export const FACT_IMPLS: Record<FactName, FactImpl> = {
  field: (ctx, line, p) => readField(ctx, String(p['field']), line),
  expr: (ctx, line, p) => evalExpr(ctx, p['expr'] as ExprData, line),
  unitsAllowed: (ctx, line) => (line === undefined ? undefined : ctx.units[line]?.governed ? ctx.units[line]!.allowed : undefined),
  unitsExpected: (ctx, line) => (line === undefined ? undefined : ctx.units[line]?.governed ? ctx.units[line]!.min : undefined),
  kxOver: (ctx, line, p) => {
    if (line === undefined) return false;
    const threshold = Number(p['threshold']);
    let over = ctx.kx?.get(threshold);
    if (!over) {
      // Running totals per bucket, in line order: a line needs KX once its bucket passes the threshold.
      const totals = { OT: ctx.claim.history?.therapyAllowedThisYear?.OT ?? 0, PT_SLP: ctx.claim.history?.therapyAllowedThisYear?.PT_SLP ?? 0 };
      over = ctx.claim.lines.map((l, j) => {
        const bucket = kxBucket(ctx.claim, j);
        if (!bucket) return false;
        totals[bucket] += l.charge ?? 0;
        return totals[bucket] > threshold;
      });
      (ctx.kx ??= new Map()).set(threshold, over);
    }
    return over[line] === true;
  },
  assistantShare: (ctx, line) => {
    const l = line === undefined ? undefined : ctx.claim.lines[line];
    if (!l || l.assistantMinutes === undefined || !l.minutes) return undefined;
    return l.assistantMinutes / l.minutes;
  },
  ncciBundled: (ctx, line, p) => {
    if (line === undefined) return NONE;
    const rows = ctx.p.rs.tables.ncci[String(p['table'])] ?? [];
    const l = ctx.claim.lines[line]!;
    const day = ctx.days[line]!;
    let out: Set<string> | undefined;
    for (const row of rows) {
      if (!setHas(row.column2, l.code)) continue;
      if (row.from && day < (parseDate(row.from) ?? -Infinity)) continue;
      if (row.deleted && day >= (parseDate(row.deleted) ?? Infinity)) continue;
      if (row.bypass.length && l.modifiers.some((m) => row.bypass.includes(m))) continue;
      ctx.claim.lines.forEach((o, j) => {
        if (j !== line && ctx.days[j] === day && o.code !== l.code && setHas(row.column1, o.code)) (out ??= new Set()).add(o.code);
      });
    }
    return out ? [...out].sort() : NONE;
  },
  mueOver: (ctx, line, p) => {
    if (line === undefined) return 0;
    const rows = ctx.p.rs.tables.mue[String(p['table'])] ?? [];
    const l = ctx.claim.lines[line]!;
    const row = mueRowFor(rows, l.code);
    if (!row) return 0;
    if (row.per === 'line') return Math.max(0, (l.units ?? 0) - row.max);
    // Per date of service: report on the last line of the code that day, with the day's excess.
    let total = 0;
    let last = -1;
    ctx.claim.lines.forEach((o, j) => {
      if (o.code === l.code && ctx.days[j] === ctx.days[line]) {
        total += o.units ?? 0;
        last = j;
      }
    });
    return last === line ? Math.max(0, total - row.max) : 0;
  },
  // Visits before this one that count toward "after N visits": this year's visits; with `within`,
  // a visit past the window (from history.episodeStart) counts as past any threshold.
  priorVisits: (ctx, _line, p) => {
    const prior = ctx.claim.history?.visitsThisYear ?? 0;
    const within = p['within'] as { days?: number; weeks?: number; months?: number; years?: number } | undefined;
    const start = ctx.claim.history?.episodeStart ? parseDate(ctx.claim.history.episodeStart) : undefined;
    if (!within || start === undefined) return prior;
    const dos = parseDate(ctx.claim.dateOfService)!;
    const end = within.days ? start + within.days : within.weeks ? start + within.weeks * 7 : addMonths(start, (within.months ?? 0) + (within.years ?? 0) * 12);
    return dos >= end ? Number.MAX_SAFE_INTEGER : prior;
  },
};

export function factValue(ctx: ClaimContext, fact: FactName, params: Record<string, unknown> | undefined, line: number | undefined): unknown {
  const impl = FACT_IMPLS[fact];
  return impl ? impl(ctx, line, params ?? {}) : undefined;
}
