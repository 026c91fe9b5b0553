// Which claims change outcome between two releases of a reference table: each claim is evaluated
// with the rulesets that use the table, once as if the old release were the table's only release
// (whatever the date of service) and once with the new one; other tables are chosen by date as
// usual. A claim is listed when its status, its findings (matched as engine/diff.ts matches them)
// or the rules that could not be checked differ, with the changed table rows that name the claim's
// codes; the report is engine/diff.ts's claim impact.
// What `payer-rules diff OLD-RELEASE NEW-RELEASE --claims` prints. Browser-safe.
import type { CompiledRuleset } from '../engine/compiled.ts';
import { findingKey, type ClaimImpact } from '../engine/diff.ts';
import { Evaluator } from '../engine/index.ts';
import type { ClaimReport, Finding, NotChecked, Report } from '../engine/report.ts';
import type { TableProvider, TableRelease } from '../engine/tables.ts';
import { renderChange, type RowChange, type TableDiff } from './diff.ts';
import { KIND_FORMATS } from './kinds.ts';
import { PinnedTable } from './provider.ts';

export interface TableClaimsImpact {
  table: string;
  old: string;
  new: string;
  /** The ruleset versions that use the table ("id version"); claims are evaluated with these. */
  rulesets: string[];
  total: number;
  /** Claims whose evaluation used the table under either release (the rest cannot change outcome). */
  checked: number;
  /** Why the others were not: invalid claims, claims no ruleset version covers, and the rest (no line the table's rules look at). */
  notChecked: { invalid: number; noRuleset: number; tableNotNeeded: number };
  changed: ClaimImpact[];
}

/** The compiled rulesets that name `table` in a rule. */
export function rulesetsUsing(rulesets: readonly CompiledRuleset[], table: string): CompiledRuleset[] {
  return rulesets.filter((rs) => Object.values(rs.tables.refs ?? {}).some((r) => r.table === table));
}


const findingsOf = (r: Report): Finding[] => (r.status === 'invalid' ? [] : r.findings);
/** The rules that could not be checked on a claim (as engine/diff.ts compares them: by rule). */
const notCheckedOf = (r: Report): Set<string> => new Set(r.status === 'invalid' ? [] : ((r as ClaimReport).notChecked ?? []).map((n: NotChecked) => n.rule));
const usedTable = (r: Report, table: string) => r.status !== 'invalid' && ((r as ClaimReport).tables ?? []).some((u) => u.table === table);

function minus<T>(a: T[], b: T[], key: (x: T) => string): T[] {
  const keys = new Set(b.map(key));
  return a.filter((x) => !keys.has(key(x)));
}

/** Codes a claim names (line codes and diagnoses, upper case without dots), for matching changed rows. */
function claimCodes(raw: unknown): Set<string> {
  const out = new Set<string>();
  const c = raw as { lines?: { code?: unknown }[]; diagnoses?: unknown[] } | null;
  for (const l of Array.isArray(c?.lines) ? c.lines : []) if (typeof l?.code === 'string') out.add(l.code.trim().toUpperCase());
  for (const d of Array.isArray(c?.diagnoses) ? c.diagnoses : []) if (typeof d === 'string') out.add(d.trim().toUpperCase().replaceAll('.', ''));
  return out;
}

/** The changed rows whose key codes are all on the claim, those naming `code` first (at most `n`). */
function changesFor(diff: TableDiff | undefined, codes: Set<string>, code: string | undefined, n = 3): RowChange[] {
  if (!diff) return [];
  const fmt = KIND_FORMATS[diff.kind];
  const keyCodes = fmt.key.filter((k) => fmt.columns.find((c) => c.name === k)?.type === 'code');
  const onClaim = diff.changes.filter((ch) => keyCodes.every((k) => !ch.key[k] || codes.has(ch.key[k]!)));
  const naming = onClaim.filter((ch) => code !== undefined && keyCodes.some((k) => ch.key[k] === code));
  return [...naming, ...onClaim.filter((ch) => !naming.includes(ch))].slice(0, n);
}

/** Evaluates every claim under both releases; `diff` (the rows changed) explains the differences. */
export function claimsImpact(rulesets: readonly CompiledRuleset[], base: TableProvider, oldRelease: TableRelease, newRelease: TableRelease, claims: readonly unknown[], diff?: TableDiff): TableClaimsImpact {
  const table = oldRelease.info.table;
  const using = rulesetsUsing(rulesets, table);
  const out: TableClaimsImpact = {
    table,
    old: oldRelease.info.release,
    new: newRelease.info.release,
    rulesets: using.map((rs) => `${rs.ruleset.id} ${rs.ruleset.version}`),
    total: claims.length,
    checked: 0,
    notChecked: { invalid: 0, noRuleset: 0, tableNotNeeded: 0 },
    changed: [],
  };
  if (using.length === 0) return out;
  const before = new Evaluator(using, { tables: new PinnedTable(base, oldRelease) });
  const after = new Evaluator(using, { tables: new PinnedTable(base, { ...newRelease, info: { ...newRelease.info, table } }) });
  for (const raw of claims) {
    const a = before.evaluateSync(raw);
    const b = after.evaluateSync(raw);
    if (usedTable(a, table) || usedTable(b, table)) out.checked++;
    else if (a.status === 'invalid') out.notChecked.invalid++;
    else if (a.findings.some((f) => f.kind === 'no-ruleset')) out.notChecked.noRuleset++;
    else out.notChecked.tableNotNeeded++;
    const added = minus(findingsOf(b), findingsOf(a), findingKey);
    const removed = minus(findingsOf(a), findingsOf(b), findingKey);
    const ncA = notCheckedOf(a);
    const ncB = notCheckedOf(b);
    const nowChecked = [...ncA].filter((r) => !ncB.has(r)).sort();
    const noLongerChecked = [...ncB].filter((r) => !ncA.has(r)).sort();
    if (a.status === b.status && !added.length && !removed.length && !nowChecked.length && !noLongerChecked.length) continue;
    const codes = claimCodes(raw);
    const because = new Set<string>();
    for (const f of [...added, ...removed]) for (const ch of changesFor(diff, codes, f.code)) because.add(renderChange(ch).trim());
    if (because.size === 0) for (const ch of changesFor(diff, codes, undefined)) because.add(renderChange(ch).trim());
    // A check lost or gained with no row to show for it: a partial release that does not list these codes.
    for (const [rel, lost] of [[newRelease, noLongerChecked], [oldRelease, nowChecked]] as const) {
      if (lost.length && rel.info.scope) because.add(`${rel.info.release} lists only some codes: ${rel.info.scope.note}`);
    }
    if (because.size === 0) because.add(`the release changed from ${out.old} to ${out.new} (no changed row names only this claim's codes)`);
    const impact: ClaimImpact = { claimId: a.claimId, oldStatus: a.status, newStatus: b.status, added, removed, because: [...because] };
    if (nowChecked.length) impact.nowChecked = nowChecked;
    if (noLongerChecked.length) impact.noLongerChecked = noLongerChecked;
    out.changed.push(impact);
  }
  return out;
}

/** The claim impact as text, in the shape `payer-rules diff` uses for rulesets. */
export function renderClaimsImpact(c: TableClaimsImpact): string {
  if (c.rulesets.length === 0) return `claims: no ruleset uses table ${c.table}, so no claim can change outcome between ${c.old} and ${c.new} (${c.total} read, none checked)`;
  // Versions grouped by ruleset: "medicare-part-b 2020.1, 2021.1; uhc-medicare-advantage 2025.1".
  const byId = new Map<string, string[]>();
  for (const r of c.rulesets) {
    const [id, version] = r.split(' ') as [string, string];
    byId.set(id, [...(byId.get(id) ?? []), version]);
  }
  const n = c.notChecked;
  const why = [
    n.noRuleset && `${n.noRuleset} no ruleset version that uses the table covers (payer or date of service)`,
    n.invalid && `${n.invalid} not valid claims`,
    n.tableNotNeeded && `${n.tableNotNeeded} with nothing the table's rules look at`,
  ].filter(Boolean);
  const outcome = c.changed.filter((x) => x.oldStatus !== x.newStatus || x.added.length || x.removed.length).length;
  const onlyChecks = c.changed.length - outcome;
  const lines = [
    `claims: ${outcome} of ${c.total} change outcome with ${c.table} ${c.new} in place of ${c.old}${onlyChecks ? `; ${onlyChecks} more change only what could be checked` : ''}`,
    `  evaluated with ${[...byId].map(([id, vs]) => `${id} ${vs.join(', ')}`).join('; ')}`,
    `  ${c.checked} of ${c.total} checked against the table${why.length ? `; not checked: ${why.join(', ')}` : ''}`,
  ];
  for (const x of c.changed) {
    lines.push(`  ${x.claimId ?? '(no id)'}: ${x.oldStatus} → ${x.newStatus}`);
    for (const f of x.added) lines.push(`      + ${f.rule} ${f.kind}${f.line ? ` line ${f.line}` : ''}: ${f.message}`);
    for (const f of x.removed) lines.push(`      - ${f.rule} ${f.kind}${f.line ? ` line ${f.line}` : ''}: ${f.message}`);
    if (x.nowChecked?.length) lines.push(`      now checked (${c.old} could not check it on this claim): ${x.nowChecked.join(', ')}`);
    if (x.noLongerChecked?.length) lines.push(`      no longer checked (${c.new} cannot check it on this claim): ${x.noLongerChecked.join(', ')}`);
    for (const b of x.because) lines.push(`      because ${b}`);
  }
  return lines.join('\n');
}
