// What changed between two compiled rulesets — rules added, removed and changed by id, code-set
// membership, thresholds, date windows, tables — and which claims change outcome under the new one.
// Browser-safe: compiled rulesets and claims in, data out.
import type { CodeSetData, CompiledRule, CompiledRuleset, Condition } from './compiled.ts';
import { compareCodes } from './codes.ts';
import { Evaluator } from './index.ts';
import type { TableProvider } from './tables.ts';
import type { Finding, Report } from './report.ts';
import { formatDate } from './dates.ts';

export interface SetChange {
  set: string;
  added: string[];
  removed: string[];
}

export interface RuleChange {
  rule: string;
  change: 'added' | 'removed' | 'changed';
  /** What changed, in words, for a changed rule. */
  details: string[];
  source?: { file: string; line: number };
}

export interface ClaimImpact {
  claimId: string | null;
  oldStatus: Report['status'];
  newStatus: Report['status'];
  added: Finding[];
  removed: Finding[];
  /** Rule changes that explain the difference. */
  because: string[];
  /** Rules the old ruleset could not check on this claim and the new one does. */
  nowChecked?: string[];
  /** Rules the new ruleset cannot check on this claim (it lacks what they need). */
  noLongerChecked?: string[];
}

export interface RulesetDiff {
  old: { id: string; version: string; effective: string };
  new: { id: string; version: string; effective: string };
  header: string[];
  rules: RuleChange[];
  codeSets: SetChange[];
  tables: string[];
  claims?: { total: number; changed: ClaimImpact[] };
}

const MAX_EXPAND = 20000;

/** All codes of a set, ranges expanded (ranges too large to expand stay as `lo..hi`). */
export function expandSet(s: CodeSetData | undefined): string[] {
  if (!s) return [];
  const out = new Set(s.codes);
  for (const [lo, hi] of s.ranges) {
    const m = /^(\D*)(\d+)(\D*)$/.exec(lo);
    const n = /^(\D*)(\d+)(\D*)$/.exec(hi);
    if (!m || !n || m[1] !== n[1] || m[3] !== n[3] || Number(n[2]) - Number(m[2]) > MAX_EXPAND) {
      out.add(`${lo}..${hi}`);
      continue;
    }
    const width = m[2]!.length;
    for (let i = Number(m[2]); i <= Number(n[2]); i++) out.add(`${m[1]}${String(i).padStart(width, '0')}${m[3]}`);
  }
  return [...out].sort((a, b) => compareCodes(a, b) ?? (a < b ? -1 : 1));
}

function window(rs: CompiledRuleset): string {
  return `${rs.ruleset.effective.from} through ${rs.ruleset.effective.through ?? '(open)'}`;
}

function leaves(c: Condition, out: Map<string, Extract<Condition, { fact: string }>>): void {
  if ('all' in c) c.all.forEach((x) => leaves(x, out));
  else if ('any' in c) c.any.forEach((x) => leaves(x, out));
  else if ('not' in c) leaves(c.not, out);
  else out.set(c.name, c);
}

function show(v: unknown): string {
  if (Array.isArray(v) && v.every((w) => Array.isArray(w) && w.length === 2)) {
    return v.map((w) => `${typeof w[0] === 'number' ? formatDate(w[0]) : w[0]} through ${w[1] === null ? '(open)' : typeof w[1] === 'number' ? formatDate(w[1]) : w[1]}`).join(', ');
  }
  return JSON.stringify(v);
}

function describeLeafChange(a: Extract<Condition, { fact: string }>, b: Extract<Condition, { fact: string }>): string[] {
  const out: string[] = [];
  const money = (x: unknown) => (typeof x === 'number' ? `$${(x / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}` : String(x));
  const thresholds: Record<string, string> = { kxOver: 'KX threshold', kxNotNeeded: 'KX threshold', reviewThreshold: 'targeted review threshold', visitLimitOver: 'visit limit' };
  const label = thresholds[a.fact];
  if (label && JSON.stringify(a.params) !== JSON.stringify(b.params)) {
    const key = a.fact === 'visitLimitOver' ? 'limit' : 'threshold';
    const fmt = (x: unknown) => (key === 'limit' ? String(x) : money(x));
    if (a.params?.[key] !== b.params?.[key]) out.push(`${label} ${fmt(a.params?.[key])} → ${fmt(b.params?.[key])}`);
    if (a.params?.['fees'] !== b.params?.['fees']) out.push(`${a.name}: fee schedule ${show(a.params?.['fees'])} → ${show(b.params?.['fees'])}`);
  } else if (JSON.stringify(a.params) !== JSON.stringify(b.params)) out.push(`${a.name}: ${a.fact} ${JSON.stringify(a.params)} → ${JSON.stringify(b.params)}`);
  if (a.operator !== b.operator) out.push(`${a.name}: operator ${a.operator} → ${b.operator}`);
  if (JSON.stringify(a.value) !== JSON.stringify(b.value)) {
    const what = a.operator === 'inWindows' || a.operator === 'notInWindows' ? 'dates' : 'value';
    out.push(`${a.name}: ${what} ${show(a.value)} → ${show(b.value)}`);
  }
  return out;
}

function ruleGroups(rs: CompiledRuleset): Map<string, CompiledRule[]> {
  const m = new Map<string, CompiledRule[]>();
  for (const r of rs.rules) m.set(r.event.params.rule, [...(m.get(r.event.params.rule) ?? []), r]);
  return m;
}

function compareRule(id: string, a: CompiledRule[], b: CompiledRule[], oldRs: CompiledRuleset, newRs: CompiledRuleset): string[] {
  const details: string[] = [];
  const pa = a[0]!.event.params;
  const pb = b[0]!.event.params;
  if (pa.citation !== pb.citation) details.push(`citation "${pa.citation ?? ''}" → "${pb.citation ?? ''}"`);
  if (pa.severity !== pb.severity) details.push(`severity ${pa.severity} → ${pb.severity}`);
  if (pa.kind !== pb.kind) details.push(`kind ${pa.kind} → ${pb.kind}`);
  if (pa.message !== pb.message) details.push(`message "${pa.message}" → "${pb.message}"`);
  if (pa.fix !== pb.fix) details.push(`fix "${pa.fix ?? ''}" → "${pb.fix ?? ''}"`);
  const la = new Map<string, Extract<Condition, { fact: string }>>();
  const lb = new Map<string, Extract<Condition, { fact: string }>>();
  a.forEach((r) => leaves(r.conditions, la));
  b.forEach((r) => leaves(r.conditions, lb));
  for (const [name, ca] of la) {
    const cb = lb.get(name);
    if (!cb) details.push(`condition ${name} removed`);
    else details.push(...describeLeafChange(ca, cb));
  }
  for (const name of lb.keys()) if (!la.has(name)) details.push(`condition ${name} added`);
  // One change seen through several variants of a statement (KX required / not needed) is said once.
  for (let i = details.length - 1; i >= 0; i--) if (details.indexOf(details[i]!) !== i) details.splice(i, 1);
  // Tables behind the rule (NCCI pairs, MUEs).
  const ta = JSON.stringify(oldRs.tables.ncci[id] ?? oldRs.tables.mue[id] ?? null);
  const tb = JSON.stringify(newRs.tables.ncci[id] ?? newRs.tables.mue[id] ?? null);
  if (ta !== tb) details.push('table rows changed (see tables)');
  return details;
}

function tableChanges(a: CompiledRuleset, b: CompiledRuleset): string[] {
  const out: string[] = [];
  const rows = (rs: CompiledRuleset) => {
    const m = new Map<string, string>();
    for (const [id, rs2] of Object.entries(rs.tables.ncci)) {
      for (const r of rs2) {
        for (const c1 of expandSet(r.column1)) {
          for (const c2 of expandSet(r.column2)) m.set(`${id} ${c1} / ${c2}`, `${r.bypass.length ? `bypass ${r.bypass.join(', ')}` : 'never bypass'}${r.from ? ` from ${r.from}` : ''}${r.deleted ? ` deleted ${r.deleted}` : ''}`);
        }
      }
    }
    for (const [id, rs2] of Object.entries(rs.tables.mue)) for (const r of rs2) for (const c of expandSet(r.codes)) m.set(`${id} ${c}`, `max ${r.max} per ${r.per}`);
    return m;
  };
  const ra = rows(a);
  const rb = rows(b);
  for (const [k, v] of ra) {
    const w = rb.get(k);
    if (w === undefined) out.push(`- ${k} ${v}`);
    else if (w !== v) out.push(`~ ${k}: ${v} → ${w}`);
  }
  for (const [k, v] of rb) if (!ra.has(k)) out.push(`+ ${k} ${v}`);
  if ((a.units?.method ?? 'none') !== (b.units?.method ?? 'none')) out.push(`~ units: ${a.units?.method ?? 'none'} → ${b.units?.method ?? 'none'}`);
  for (const k of ['minutesPerUnit', 'minimumMinutes'] as const) if (a.units && b.units && a.units[k] !== b.units[k]) out.push(`~ units: ${k} ${a.units[k]} → ${b.units[k]}`);
  const pair = (p: NonNullable<CompiledRuleset['units']>['pairs'] extends (infer T)[] | undefined ? T : never) =>
    `${p.primary} first ${p.first} min (at least ${p.firstMinimum}) + ${p.addon} each ${p.each} min`;
  const pa = new Set((a.units?.pairs ?? []).map(pair));
  const pb = new Set((b.units?.pairs ?? []).map(pair));
  for (const p of pa) if (!pb.has(p)) out.push(`- units pair ${p}`);
  for (const p of pb) if (!pa.has(p)) out.push(`+ units pair ${p}`);
  const refs = (rs: CompiledRuleset) => new Map(Object.entries(rs.tables.refs ?? {}).map(([rule, r]) => [rule, `${r.table} (${r.kind})`]));
  const refA = refs(a);
  const refB = refs(b);
  for (const [rule, t] of refB) if (refA.get(rule) !== t) out.push(`+ ${rule} uses reference table ${t}${refA.has(rule) ? ` (was ${refA.get(rule)})` : ''}`);
  for (const [rule, t] of refA) if (!refB.has(rule)) out.push(`- ${rule} no longer uses reference table ${t}`);
  return out;
}

/** What makes two findings the same finding when two reports are compared. */
export const findingKey = (f: Finding) => `${f.rule}|${f.kind}|${f.line ?? ''}|${f.code ?? ''}|${f.modifier ?? ''}|${f.severity}`;

/** Compares two compiled rulesets; with claims, evaluates each under both and reports changes. */
export async function diffRulesets(oldRs: CompiledRuleset, newRs: CompiledRuleset, claims?: unknown[], tables?: TableProvider): Promise<RulesetDiff> {
  const header: string[] = [];
  if (oldRs.ruleset.id !== newRs.ruleset.id) header.push(`ruleset id ${oldRs.ruleset.id} → ${newRs.ruleset.id}`);
  if (oldRs.ruleset.version !== newRs.ruleset.version) header.push(`version ${oldRs.ruleset.version} → ${newRs.ruleset.version}`);
  if (window(oldRs) !== window(newRs)) header.push(`effective ${window(oldRs)} → ${window(newRs)}`);
  if (oldRs.ruleset.chain.slice(1).join() !== newRs.ruleset.chain.slice(1).join()) header.push(`extends ${oldRs.ruleset.chain.slice(1).join(' → ') || 'nothing'} → ${newRs.ruleset.chain.slice(1).join(' → ') || 'nothing'}`);

  const ga = ruleGroups(oldRs);
  const gb = ruleGroups(newRs);
  const rules: RuleChange[] = [];
  const src = (rs: CompiledRuleset, r: CompiledRule) => {
    const o = rs.origins[r.name];
    return o ? { file: o.file, line: o.line } : undefined;
  };
  for (const id of [...new Set([...ga.keys(), ...gb.keys()])].sort()) {
    const a = ga.get(id);
    const b = gb.get(id);
    let change: RuleChange | undefined;
    if (!a) change = { rule: id, change: 'added', details: [b![0]!.event.params.message] };
    else if (!b) change = { rule: id, change: 'removed', details: [a[0]!.event.params.message] };
    else {
      const details = compareRule(id, a, b, oldRs, newRs);
      if (details.length) change = { rule: id, change: 'changed', details };
    }
    if (change) {
      const s = src(b ? newRs : oldRs, (b ?? a)![0]!);
      if (s) change.source = s;
      rules.push(change);
    }
  }

  // What each version says it does not check (`not checked`): listed with the rules, by id.
  const gapsOf = (rs: CompiledRuleset) => new Map((rs.notChecked ?? []).map((g) => [g.rule, g]));
  const gapA = gapsOf(oldRs);
  const gapB = gapsOf(newRs);
  for (const id of [...new Set([...gapA.keys(), ...gapB.keys()])].sort()) {
    const a = gapA.get(id);
    const b = gapB.get(id);
    const details: string[] = [];
    if (!a) details.push(`not checked: ${b!.reason}`);
    else if (!b) details.push(`no longer said to be not checked (was: ${a.reason})`);
    else {
      if (a.reason !== b.reason) details.push(`not checked: "${a.reason}" → "${b.reason}"`);
      if (a.citation !== b.citation) details.push(`citation "${a.citation ?? ''}" → "${b.citation ?? ''}"`);
    }
    if (!details.length) continue;
    const known = rules.find((r) => r.rule === id);
    if (known) {
      known.details.push(...details);
      continue;
    }
    const change: RuleChange = { rule: id, change: !a ? 'added' : !b ? 'removed' : 'changed', details };
    const o = (b ? newRs : oldRs).origins[id];
    if (o) change.source = { file: o.file, line: o.line };
    rules.push(change);
  }
  rules.sort((x, y) => (x.rule < y.rule ? -1 : x.rule > y.rule ? 1 : 0));

  const codeSets: SetChange[] = [];
  for (const name of [...new Set([...Object.keys(oldRs.codeSets), ...Object.keys(newRs.codeSets)])].sort()) {
    const a = new Set(expandSet(oldRs.codeSets[name]));
    const b = new Set(expandSet(newRs.codeSets[name]));
    const added = [...b].filter((c) => !a.has(c));
    const removed = [...a].filter((c) => !b.has(c));
    if (added.length || removed.length) codeSets.push({ set: name, added, removed });
  }

  const out: RulesetDiff = {
    old: { id: oldRs.ruleset.id, version: oldRs.ruleset.version, effective: window(oldRs) },
    new: { id: newRs.ruleset.id, version: newRs.ruleset.version, effective: window(newRs) },
    header,
    rules,
    codeSets,
    tables: tableChanges(oldRs, newRs),
  };
  if (claims) {
    // Each claim is evaluated under exactly these two rulesets, whatever its payer and date.
    const opts = tables ? { tables } : {};
    const ea = new Evaluator([{ ...oldRs, ruleset: { ...oldRs.ruleset, effective: { from: '1900-01-01' } } }], opts);
    const eb = new Evaluator([{ ...newRs, ruleset: { ...newRs.ruleset, effective: { from: '1900-01-01' } } }], opts);
    const changedRules = new Set(rules.map((r) => r.rule));
    const changed: ClaimImpact[] = [];
    for (const raw of claims) {
      const payerless = raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as object), payer: undefined } : raw;
      const ra = ea.evaluateSync(payerless);
      const rb = eb.evaluateSync(payerless);
      const fa = ra.status === 'invalid' ? [] : ra.findings;
      const fb = rb.status === 'invalid' ? [] : rb.findings;
      const ka = new Map(fa.map((f) => [findingKey(f), f]));
      const kb = new Map(fb.map((f) => [findingKey(f), f]));
      const added = fb.filter((f) => !ka.has(findingKey(f)));
      const removed = fa.filter((f) => !kb.has(findingKey(f)));
      // Checks that could not be made under one ruleset and can under the other (or the reverse);
      // what a ruleset says it does not check is a rule change (listed above), not this claim's.
      const nc = (r: typeof ra) => new Set(r.status === 'invalid' ? [] : (r.notChecked ?? []).filter((n) => !n.notEncoded).map((n) => n.rule));
      const na = nc(ra);
      const nb = nc(rb);
      const nowChecked = [...na].filter((r) => !nb.has(r)).sort();
      const noLongerChecked = [...nb].filter((r) => !na.has(r)).sort();
      if (ra.status === rb.status && added.length === 0 && removed.length === 0 && nowChecked.length === 0 && noLongerChecked.length === 0) continue;
      const because = [...new Set([...added, ...removed].map((f) => f.rule).concat(nowChecked, noLongerChecked))].filter((r) => changedRules.has(r)).map((r) => {
        const rc = rules.find((x) => x.rule === r);
        const substantive = rc?.details.filter((x) => !x.startsWith('citation ')) ?? [];
        return rc ? `${r} ${rc.change}${substantive.length && rc.change === 'changed' ? `: ${substantive.join('; ')}` : ''}` : r;
      });
      if (because.length === 0 && (added.length || removed.length) && out.tables.length) because.push(`tables changed: ${out.tables.slice(0, 3).join('; ')}${out.tables.length > 3 ? '; …' : ''}`);
      const impact: ClaimImpact = { claimId: ra.claimId, oldStatus: ra.status, newStatus: rb.status, added, removed, because };
      if (nowChecked.length) impact.nowChecked = nowChecked;
      if (noLongerChecked.length) impact.noLongerChecked = noLongerChecked;
      changed.push(impact);
    }
    out.claims = { total: claims.length, changed };
  }
  return out;
}

export function renderDiff(d: RulesetDiff): string {
  const out: string[] = [`${d.old.id} ${d.old.version} (${d.old.effective}) → ${d.new.id} ${d.new.version} (${d.new.effective})`];
  for (const h of d.header) out.push(`  ${h}`);
  out.push('', 'rules:');
  if (d.rules.length === 0) out.push('  no rule changed');
  for (const r of d.rules) {
    const mark = r.change === 'added' ? '+' : r.change === 'removed' ? '-' : '~';
    out.push(`  ${mark} ${r.rule} ${r.change}${r.source ? `  (${r.source.file}:${r.source.line})` : ''}`);
    for (const x of r.details) out.push(`      ${x}`);
  }
  out.push('', 'code sets:');
  if (d.codeSets.length === 0) out.push('  no membership changed');
  for (const s of d.codeSets) {
    out.push(`  ~ ${s.set}`);
    if (s.added.length) out.push(`      + ${s.added.join(', ')}`);
    if (s.removed.length) out.push(`      - ${s.removed.join(', ')}`);
  }
  out.push('', 'tables:');
  if (d.tables.length === 0) out.push('  no row changed');
  for (const t of d.tables) out.push(`  ${t}`);
  if (d.claims) {
    const outcome = d.claims.changed.filter((c) => c.oldStatus !== c.newStatus || c.added.length || c.removed.length).length;
    const onlyChecks = d.claims.changed.length - outcome;
    out.push('', `claims: ${outcome} of ${d.claims.total} change outcome${onlyChecks ? `; ${onlyChecks} more change only what could be checked` : ''}`);
    for (const c of d.claims.changed) {
      out.push(`  ${c.claimId ?? '(no id)'}: ${c.oldStatus} → ${c.newStatus}`);
      for (const f of c.added) out.push(`      + ${f.rule} ${f.kind}${f.line ? ` line ${f.line}` : ''}: ${f.message}`);
      for (const f of c.removed) out.push(`      - ${f.rule} ${f.kind}${f.line ? ` line ${f.line}` : ''}: ${f.message}`);
      if (c.nowChecked?.length) out.push(`      now checked (the old ruleset could not check it on this claim): ${c.nowChecked.join(', ')}`);
      if (c.noLongerChecked?.length) out.push(`      no longer checked (the new ruleset needs what the claim lacks): ${c.noLongerChecked.join(', ')}`);
      for (const b of c.because) out.push(`      because ${b}`);
    }
  }
  return out.join('\n');
}
