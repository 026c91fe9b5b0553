// Parsed ruleset → checked ruleset + diagnostics. Runs named passes in order (as OPA's compiler
// does), stops after syntax errors so a broken line cannot cascade into false name errors, and
// resolves `extends` through a loader it is given (the checker itself reads no files).
import type * as A from '../ast.ts';
import { DiagnosticBag, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics.ts';
import { parse, type ParseResult } from '../parse.ts';
import type { SourceFile, Span } from '../source.ts';
import { parseDate } from '../../engine/dates.ts';
import { STATEMENTS, UNIT_METHODS } from '../statements.ts';
import { checkCodeShape, checkElements, flatten, normalize } from './elements.ts';
import { checkCondition, type ExprContext } from './expr.ts';
import { lint } from './lint.ts';
import type { CheckedRule, CheckedRuleset, ResolvedSet } from './model.ts';
import { didYouMean } from '../../engine/suggest.ts';
import { diagnosisSetData, flattenDiagnoses } from './diagnoses.ts';
import type { TableKind } from '../../engine/tables.ts';

/** A reference table the checker can see: its id and kind (engine/tables.ts). */
export interface KnownTable {
  table: string;
  kind: TableKind;
}

export interface CheckOptions {
  /**
   * The reference tables loaded (their ids and kinds). Given, a statement naming an unknown table or
   * one of the wrong kind is an error; not given (an editor without tables), table names are not checked.
   */
  tables?: readonly KnownTable[];
  /**
   * Finds another ruleset's source by its id, for `extends`. `onDate` (a day number) is the first
   * date of service of the extending version, so the loader can pick the base version in force.
   */
  loadRuleset?: (id: string, onDate: number | undefined) => SourceFile | undefined;
}

export interface CheckResult {
  parsed: ParseResult;
  /** Present when the file parsed; complete only when there are no errors. */
  checked?: CheckedRuleset;
  /** Sorted; this file's diagnostics only. */
  diagnostics: Diagnostic[];
  /** The `extends` depth guard cut this check short: its answer depends on where checking started. */
  limited?: boolean;
}

interface Pass {
  name: string;
  run: (s: State) => void;
}

/** Working state shared by the passes of one file. */
export interface State {
  file: SourceFile;
  ast: A.Ruleset;
  bag: DiagnosticBag;
  opts: CheckOptions;
  stack: string[];
  cache: WeakMap<SourceFile, Map<string, CheckResult>>;
  /** Set when the `extends` depth guard cut the check short (the result is then not cached). */
  limited?: boolean;
  header?: A.RulesetHeader;
  version?: A.VersionDecl;
  extendsDecl?: A.ExtendsDecl;
  base?: CheckedRuleset;
  sets: Map<string, ResolvedSet>;
  ownSets: Map<string, A.CodeSetDecl>;
  usedSets: Set<string>;
  rules: Map<string, CheckedRule>;
  settings: CheckedRuleset['settings'];
  types: Map<A.Expr, import('../../engine/types.ts').ValueType>;
  duplicateClauses: Span[];
}

/** The passes, in order. Each reads what earlier passes left in the state. */
export const PASSES: readonly Pass[] = [
  { name: 'checkHeader', run: checkHeader },
  { name: 'resolveBase', run: resolveBase },
  { name: 'resolveCodeSets', run: resolveCodeSets },
  { name: 'checkStatements', run: checkStatements },
  { name: 'checkRules', run: checkRules },
  { name: 'checkNotChecked', run: checkNotChecked },
  { name: 'checkDisables', run: checkDisables },
  { name: 'lint', run: (s) => lint(s) },
];

/** Most rulesets one may build on through `extends` (its base, the base's base, …). */
export const MAX_EXTENDS_DEPTH = 32;

/**
 * Checked bases, shared by every check that uses the same loader: checking N files of one chain
 * checks each base once (N, not N²). Keyed by the loader and by the SourceFile object it returned,
 * so a loader that returns changed text returns a new object and misses the cache.
 */
const baseCache = new WeakMap<NonNullable<CheckOptions['loadRuleset']>, WeakMap<SourceFile, Map<string, CheckResult>>>();

export function check(file: SourceFile, opts: CheckOptions = {}): CheckResult {
  return checkFile(file, opts, [], opts.loadRuleset ? cacheOf(opts.loadRuleset) : new WeakMap());
}

function cacheOf(load: NonNullable<CheckOptions['loadRuleset']>): WeakMap<SourceFile, Map<string, CheckResult>> {
  let c = baseCache.get(load);
  if (!c) baseCache.set(load, (c = new WeakMap()));
  return c;
}

function checkFile(file: SourceFile, opts: CheckOptions, stack: string[], cache: WeakMap<SourceFile, Map<string, CheckResult>>): CheckResult {
  const parsed = parse(file);
  if (hasErrors(parsed.diagnostics)) return { parsed, diagnostics: sortDiagnostics([...parsed.diagnostics]) };
  const bag = new DiagnosticBag(file.name);
  const s: State = {
    file,
    ast: parsed.ast,
    bag,
    opts,
    stack,
    cache,
    sets: new Map(),
    ownSets: new Map(),
    usedSets: new Set(),
    rules: new Map(),
    settings: { minutesPerUnit: { value: 15, origin: { file: '(default)', span: { start: 0, end: 0 } } }, minimumMinutes: { value: 8, origin: { file: '(default)', span: { start: 0, end: 0 } } } },
    // A Map, not a WeakMap: it lives exactly as long as the AST, and a WeakMap of a million
    // expressions makes every garbage collection slow.
    types: new Map(),
    duplicateClauses: parsed.duplicateClauses,
  };
  for (const p of PASSES) p.run(s);
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...bag.items]);
  const checked: CheckedRuleset = {
    id: s.header?.id.text ?? '',
    version: s.version?.version.text ?? '',
    effective: { from: (s.version && parseDate(s.version.window.from.text)) ?? 0 },
    chain: [s.header?.id.text ?? '', ...(s.base?.chain ?? [])],
    codeSets: s.sets,
    settings: s.settings,
    rules: [...s.rules.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
    types: s.types,
    files: new Map([...(s.base?.files ?? []), [file.name, file]]),
  };
  if (s.header?.title) checked.title = s.header.title.value;
  const through = s.version?.window.through && parseDate(s.version.window.through.text);
  if (through !== undefined) checked.effective.through = through;
  return s.limited ? { parsed, checked, diagnostics, limited: true } : { parsed, checked, diagnostics };
}

// ---- passes ----

function checkDate(s: State, d: A.DateLit): number | undefined {
  const day = parseDate(d.text);
  if (day === undefined) s.bag.add('PR2010', d.span, `\`${d.text}\` is not a date on the calendar`, { help: monthHelp(d.text) });
  return day;
}

function monthHelp(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return 'months run from 01 to 12';
  const last = new Date(Date.UTC(Number(m[1]), mo, 0)).getUTCDate();
  return `that month has ${last} days`;
}

/** Checks a date window; returns it as day numbers when valid. */
export function checkWindow(s: State, w: A.Window): { from: number; through?: number } | undefined {
  const from = checkDate(s, w.from);
  const through = w.through ? checkDate(s, w.through) : undefined;
  if (from !== undefined && through !== undefined && through < from) {
    s.bag.add('PR2011', w.span, `this window ends (${w.through!.text}) before it starts (${w.from.text})`, { help: 'the first date comes first' });
    return undefined;
  }
  if (from === undefined || (w.through && through === undefined)) return undefined;
  return through === undefined ? { from } : { from, through };
}

function checkHeader(s: State): void {
  const first = <K extends A.Item['kind']>(kind: K, code: 'PR2015' | 'PR2016' | 'PR2028', what: string) => {
    let found: Extract<A.Item, { kind: K }> | undefined;
    for (const it of s.ast.items) {
      if (it.kind !== kind) continue;
      if (!found) found = it as Extract<A.Item, { kind: K }>;
      else s.bag.add(code, it.span, `${what} is given twice`, { related: [{ span: found.span, message: 'first given here' }] });
    }
    return found;
  };
  s.header = first('RulesetHeader', 'PR2015', 'the `ruleset` line');
  s.version = first('VersionDecl', 'PR2016', 'the `version` line');
  s.extendsDecl = first('ExtendsDecl', 'PR2028', 'the `extends` line');
  const at: Span = { start: 0, end: 0 };
  if (!s.header) s.bag.add('PR2015', at, 'this file has no `ruleset` line', { help: 'start the file with `ruleset <id> "<payer name>"`' });
  else if (s.ast.items[0] !== s.header) s.bag.add('PR2015', s.header.span, 'the `ruleset` line must come first');
  if (!s.version) s.bag.add('PR2016', s.header?.span ?? at, 'this ruleset has no `version` line', { help: 'add `version 2026.1 effective 2026-01-01 through 2026-12-31`' });
  else checkWindow(s, s.version.window);
}

function resolveBase(s: State): void {
  const ext = s.extendsDecl;
  if (!ext) return;
  const id = ext.base.text;
  const self = s.header?.id.text;
  if (id === self || s.stack.includes(id)) {
    const chain = [...s.stack, self, id].filter(Boolean).join(' → ');
    s.bag.add('PR2013', ext.base.span, `\`${self}\` extends itself through ${chain}`, { help: 'a ruleset cannot build on itself; remove one `extends`' });
    return;
  }
  const tooDeep = () =>
    s.bag.add('PR2034', ext.base.span, `\`${self}\` builds on more than ${MAX_EXTENDS_DEPTH} rulesets through a chain of \`extends\``, { help: 'extend a common base directly instead of through a long chain' });
  if (s.stack.length >= MAX_EXTENDS_DEPTH) {
    // Stop recursing (the stack is bounded); this answer depends on where the check started, so
    // it is not cached.
    tooDeep();
    s.limited = true;
    return;
  }
  const src = s.opts.loadRuleset?.(id, s.version ? parseDate(s.version.window.from.text) : undefined);
  if (!src) {
    s.bag.add('PR2014', ext.base.span, `no ruleset \`${id}\` was found to extend`, { help: 'rulesets are found by their `ruleset` id among the files being checked' });
    return;
  }
  let byId = s.cache.get(src);
  if (!byId) s.cache.set(src, (byId = new Map()));
  let res = byId.get(id);
  if (!res) {
    res = checkFile(src, s.opts, [...s.stack, ...(self ? [self] : [])], s.cache);
    if (!res.limited) byId.set(id, res);
  }
  if (res.limited) s.limited = true;
  if (res.checked && res.checked.chain.length > MAX_EXTENDS_DEPTH) {
    tooDeep();
    return;
  }
  const cyc = res.diagnostics.find((d) => d.code === 'PR2013');
  if (cyc) {
    s.bag.add('PR2013', ext.base.span, `\`${id}\` is part of a circle of rulesets extending each other`, { related: [{ file: cyc.file, span: cyc.span, message: cyc.message }] });
    return;
  }
  if (hasErrors(res.diagnostics) || !res.checked) {
    const d = res.diagnostics.find((x) => x.severity === 'error');
    s.bag.add('PR2014', ext.base.span, `the base ruleset \`${id}\` has errors, so this one cannot build on it`, d ? { related: [{ file: d.file, span: d.span, message: d.message }] } : {});
    return;
  }
  s.base = res.checked;
  // The compiler reads the types of inherited rules' expressions from this ruleset's map.
  for (const [k, v] of s.base.types) s.types.set(k, v);
  for (const [k, v] of s.base.codeSets) s.sets.set(k, v);
  for (const r of s.base.rules) s.rules.set(r.id, r);
  s.settings = { ...s.base.settings };
}

function resolveCodeSets(s: State): void {
  const decls = s.ast.items.filter((i): i is A.CodeSetDecl => i.kind === 'CodeSetDecl');
  for (const d of decls) {
    const prev = s.ownSets.get(d.name.text);
    if (prev) {
      s.bag.add('PR2004', d.name.span, `a code set named \`${d.name.text}\` is already defined`, { related: [{ span: prev.name.span, message: 'first defined here' }] });
      continue;
    }
    const inherited = s.base?.codeSets.get(d.name.text);
    if (inherited && !d.override) {
      s.bag.add('PR2021', d.name.span, `\`${d.name.text}\` is inherited from \`${inherited.definedIn}\`; write \`override codes ${d.name.text} = …\` to replace it`, {
        related: [{ file: inherited.origin.file, span: inherited.origin.span, message: 'inherited definition' }],
      });
    } else if (!inherited && d.override) {
      s.bag.add('PR2020', d.span, `\`override\` replaces an inherited code set, and no base ruleset defines \`${d.name.text}\``, { help: 'remove `override`' });
    }
    s.ownSets.set(d.name.text, d);
  }
  // Resolve in dependency order; a set may refer to sets defined later in the file.
  const state = new Map<string, 'busy' | 'done'>();
  const resolve = (d: A.CodeSetDecl): void => {
    const name = d.name.text;
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'busy') return;
    state.set(name, 'busy');
    for (const e of d.elements) {
      if (e.kind !== 'SetRef') continue;
      s.usedSets.add(e.name);
      const dep = s.ownSets.get(e.name);
      if (dep && dep !== d) {
        if (state.get(e.name) === 'busy') {
          s.bag.add('PR2027', e.span, `\`${name}\` includes \`${e.name}\`, which includes \`${name}\` again`, { related: [{ span: dep.name.span, message: `\`${e.name}\` is defined here` }] });
          continue;
        }
        resolve(dep);
      } else if (dep === d) {
        s.bag.add('PR2027', e.span, `\`${name}\` includes itself`);
      }
    }
    const own = d.elements.filter((e) => !(e.kind === 'SetRef' && (e.name === name && !s.base?.codeSets.has(name))));
    // An override may refer to the inherited set of the same name.
    let lookup: ReadonlyMap<string, ResolvedSet> = s.sets;
    if (d.override && s.base?.codeSets.has(name)) lookup = new Map(s.sets).set(name, s.base.codeSets.get(name)!);
    if (d.of === 'diagnoses') {
      const flat = flattenDiagnoses(own, lookup, s.bag, name);
      if (!flat.codes.length && !flat.ranges.length && !flat.prefixes.length) s.bag.add('PR3006', d.name.span, `the diagnosis set \`${name}\` holds no code`, { help: 'list ICD-10-CM codes, ranges or patterns like `M54.5*`' });
      const set: ResolvedSet = { name, kind: 'diagnosis', codes: flat.codes, ranges: flat.ranges, origin: { file: s.file.name, span: d.name.span }, definedIn: s.header?.id.text ?? '' };
      if (flat.prefixes.length) set.prefixes = flat.prefixes;
      s.sets.set(name, set);
      state.set(name, 'done');
      return;
    }
    const seen = new Map<string, A.Code>();
    for (const e of d.elements) {
      if (e.kind !== 'Code') continue;
      const p = seen.get(e.text);
      if (p) s.bag.add('PR3003', e.span, `\`${e.text}\` is listed twice in \`${name}\``, { related: [{ span: p.span, message: 'first listed here' }] });
      else seen.set(e.text, e);
    }
    const flat = normalize(flatten(own, lookup, s.bag, 'set'));
    s.sets.set(name, { name, codes: flat.codes, ranges: flat.ranges, origin: { file: s.file.name, span: d.name.span }, definedIn: s.header?.id.text ?? '' });
    state.set(name, 'done');
  };
  for (const d of s.ownSets.values()) resolve(d);
}

function useElements(s: State, els: readonly A.Element[], kind: 'set' | 'procedure' = 'set'): void {
  for (const e of els) if (e.kind === 'SetRef') s.usedSets.add(e.name);
  checkElements(els, s.sets, s.bag, kind);
}

/** Checks a statement's reference table against the tables loaded (when the caller gave them). */
function checkTable(s: State, t: A.Name, kind: TableKind, what: string): void {
  const tables = s.opts.tables;
  if (!tables) return;
  const hit = tables.find((x) => x.table === t.text);
  if (!hit) {
    const help = didYouMean(t.text, tables.map((x) => x.table));
    s.bag.add('PR2035', t.span, `no reference table \`${t.text}\` is loaded`, { help: help ?? `tables live in rulesets/tables/ (loaded: ${tables.map((x) => x.table).join(', ') || 'none'}); \`payer-rules import\` adds one` });
  } else if (hit.kind !== kind) {
    s.bag.add('PR2036', t.span, `\`${t.text}\` is a table of kind \`${hit.kind}\`, and ${what} needs one of kind \`${kind}\``);
  }
}

function checkWholeNumber(s: State, n: A.NumberLit, min: number, max: number, what: string): void {
  if (!Number.isInteger(n.value) || n.value < min || n.value > max) s.bag.add('PR2029', n.span, `${what} must be a whole number from ${min} to ${max}`);
}

const SETTING_KEY: Partial<Record<A.BodyKind, string>> = { MinutesPerUnit: 'minutes per unit', MinimumMinutes: 'minimum minutes', Places: 'places' };

/** Statements checked once per claim; every other rule statement is checked per line. */
const CLAIM_SCOPED: ReadonlySet<A.BodyKind> = new Set(['AuthMax', 'DiagnosisValidity']);

function checkStatements(s: State): void {
  const ownSettings = new Map<string, A.Statement>();
  for (const block of s.ast.items) {
    if (block.kind !== 'Block') continue;
    for (const st of block.statements) {
      const info = STATEMENTS[st.body.kind];
      if (!info.blocks.includes(block.block)) {
        s.bag.add('PR2025', st.body.span, `${info.words} does not belong in the \`${block.block}\` block`, { help: `put it in the \`${info.blocks[0]}\` block` });
        continue;
      }
      if (info.isRule && !st.id) {
        s.bag.add('PR2018', st.body.span, `this ${info.words} statement reports findings, so it needs a stable id`, { help: 'write an id before it: `MOD-DISCIPLINE: require …`' });
      }
      if (!info.isRule && st.id) s.bag.add('PR2019', st.id.span, `${info.words} is a setting of the \`${block.block}\` block, so it takes no id`);
      if (!info.isRule && (st.clauses.cite || st.clauses.severity || st.clauses.fix || st.clauses.effective)) {
        const c = st.clauses.cite ?? st.clauses.severity ?? st.clauses.fix ?? st.clauses.effective!;
        s.bag.add('PR2019', c.span, `${info.words} is a setting, so it takes no \`cite\`, \`fix\`, \`effective\` or severity`, { help: 'cite the rule that uses it, or write a comment' });
      }
      if (st.override && !info.isRule) s.bag.add('PR2020', st.span, 'settings replace inherited ones without `override`', { help: 'remove `override`' });
      checkBody(s, block, st);
      let perLine = false;
      if (st.clauses.when) {
        const ctx: ExprContext = { bag: s.bag, sets: s.sets, types: s.types, usedSets: s.usedSets, inLines: false, perLine: false };
        checkCondition(ctx, st.clauses.when);
        perLine = ctx.perLine;
        if (!info.isRule) s.bag.add('PR2019', st.clauses.when.span, `${info.words} is a setting, so it takes no \`when\``);
        else if (perLine && CLAIM_SCOPED.has(st.body.kind)) s.bag.add('PR2038', st.clauses.when.span, `${info.words} is checked once per claim, so its \`when\` cannot read \`line.\` fields`);
      }
      if (!info.isRule && st.body.kind !== 'UnitPair') {
        const key = st.body.kind === 'UnitCodes' ? (st.body.timed ? 'timed codes' : 'untimed codes') : SETTING_KEY[st.body.kind]!;
        const prev = ownSettings.get(key);
        if (prev) s.bag.add('PR2028', st.span, `\`${key}\` is set twice`, { related: [{ span: prev.span, message: 'first set here' }] });
        else ownSettings.set(key, st);
      } else if (st.id) {
        addRule(s, st.id, st.override, st, block.block, st.clauses, CLAIM_SCOPED.has(st.body.kind) ? 'claim' : 'line');
      }
    }
  }
}

function checkBody(s: State, block: A.Block, st: A.Statement): void {
  const b = st.body;
  const origin = { file: s.file.name, span: st.span };
  switch (b.kind) {
    case 'UnitsMethod':
      if (!Object.hasOwn(UNIT_METHODS, b.method.text)) {
        s.bag.add('PR2017', b.method.span, `there is no unit method \`${b.method.text}\``, {
          help: didYouMean(b.method.text, Object.keys(UNIT_METHODS)) ?? `use ${Object.keys(UNIT_METHODS).map((m) => `\`${m}\``).join(' or ')}`,
        });
      }
      return;
    case 'UnitCodes':
      useElements(s, b.elements);
      s.settings[b.timed ? 'timed' : 'untimed'] = { value: b.elements, origin };
      return;
    case 'MinutesPerUnit':
      checkWholeNumber(s, b.minutes, 1, 240, 'minutes per unit');
      s.settings.minutesPerUnit = { value: b.minutes.value, origin };
      return;
    case 'MinimumMinutes':
      checkWholeNumber(s, b.minutes, 1, 240, 'the minimum');
      s.settings.minimumMinutes = { value: b.minutes.value, origin };
      return;
    case 'RequireModifier':
      for (const m of b.modifiers) checkCodeShape(s.bag, m, 'modifier');
      if (block.block === 'modifiers' && !b.on) s.bag.add('PR2025', b.span, 'say which codes need the modifier: `require … on <codes>`');
      if (block.block === 'telehealth' && b.on) s.bag.add('PR2025', b.span, 'in `telehealth`, `require` applies to every telehealth line; drop `on …`');
      if (b.on) useElements(s, b.on, 'procedure');
      return;
    case 'RequireKx':
      checkCodeShape(s.bag, b.modifier, 'modifier');
      if (b.threshold.cents <= 0) s.bag.add('PR2029', b.threshold.span, 'the threshold must be more than $0');
      if (b.fees) checkTable(s, b.fees, 'fee-schedule', '`priced by`');
      return;
    case 'TargetedReview':
      if (b.threshold.cents <= 0) s.bag.add('PR2029', b.threshold.span, 'the threshold must be more than $0');
      if (b.fees) checkTable(s, b.fees, 'fee-schedule', '`priced by`');
      return;
    case 'UnitPair': {
      checkCodeShape(s.bag, b.primary, 'procedure');
      checkCodeShape(s.bag, b.addon, 'procedure');
      checkWholeNumber(s, b.first, 1, 480, 'the first period');
      checkWholeNumber(s, b.each, 1, 480, 'each further period');
      if (b.minimum) {
        checkWholeNumber(s, b.minimum, 1, 480, 'the minimum');
        if (b.minimum.value > b.first.value) s.bag.add('PR2029', b.minimum.span, `the minimum (${b.minimum.text} minutes) is longer than the first period (${b.first.text} minutes)`);
      }
      if (b.primary.text === b.addon.text) s.bag.add('PR2029', b.addon.span, 'a pair needs two different codes: the primary and its add-on');
      const own = s.settings.pairs?.origin.file === s.file.name ? s.settings.pairs.value : [];
      const clash = own.find((p) => [p.primary.text, p.addon.text].some((c) => c === b.primary.text || c === b.addon.text));
      if (clash) s.bag.add('PR2028', b.span, 'a code belongs to one pair only', { related: [{ span: clash.span, message: 'the other pair' }] });
      s.settings.pairs = { value: [...own, b], origin };
      return;
    }
    case 'ProcedureValidity':
      checkTable(s, b.table, 'procedure-codes', '`procedure codes in table`');
      return;
    case 'DiagnosisValidity':
      checkTable(s, b.table, 'icd10cm', '`diagnoses in table`');
      return;
    case 'AuthCoversVisits':
      if (b.codes) useElements(s, b.codes, 'procedure');
      return;
    case 'RequireAssistant':
      checkCodeShape(s.bag, b.modifier, 'modifier');
      checkCodeShape(s.bag, b.with, 'modifier');
      if (b.above.value < 0 || b.above.value >= 1) s.bag.add('PR2029', b.above.span, 'the share must be from 0% to below 100%');
      return;
    case 'NcciTable':
      if (b.table) checkTable(s, b.table, 'ncci-ptp', '`ncci table`');
      for (const by of b.bypass ?? []) {
        for (const m of by.modifiers) checkCodeShape(s.bag, m, 'modifier');
        if (by.on) useElements(s, by.on, 'procedure');
      }
      for (const row of b.rows) {
        useElements(s, row.column1, 'procedure');
        useElements(s, row.column2, 'procedure');
        for (const m of row.bypass) checkCodeShape(s.bag, m, 'modifier');
        const from = row.from ? checkDate(s, row.from) : undefined;
        const del = row.deleted ? checkDate(s, row.deleted) : undefined;
        if (from !== undefined && del !== undefined && del < from) s.bag.add('PR2011', row.deleted!.span, `this edit is deleted (${row.deleted!.text}) before it takes effect (${row.from!.text})`);
      }
      return;
    case 'MueTable':
      if (b.table) checkTable(s, b.table, 'mue', '`mue table`');
      for (const row of b.rows) {
        useElements(s, row.codes, 'procedure');
        checkWholeNumber(s, row.max, 0, 9999, 'an MUE');
      }
      return;
    case 'RequireAuth':
      useElements(s, b.codes, 'procedure');
      if (b.except) useElements(s, b.except, 'procedure');
      if (b.after) {
        checkWholeNumber(s, b.after.visits, 0, 9999, 'the number of visits');
        if (b.after.within) checkWholeNumber(s, b.after.within.amount, 1, 9999, 'the span');
      }
      return;
    case 'AuthMax':
      checkWholeNumber(s, b.visits, 1, 9999, 'the number of visits');
      checkWholeNumber(s, b.within.amount, 1, 9999, 'the span');
      return;
    case 'VisitLimit':
      checkWholeNumber(s, b.visits, 1, 9999, 'the number of visits');
      if (b.codes) useElements(s, b.codes, 'procedure');
      return;
    case 'Places':
      for (const e of b.elements) {
        if (e.kind === 'Code') checkCodeShape(s.bag, e, 'pos');
        else s.bag.add('PR2007', e.span, 'list places of service one by one, like `02, 10`');
      }
      s.settings.places = { value: b.elements.filter((e): e is A.Code => e.kind === 'Code'), origin };
      return;
    case 'Eligible':
      useElements(s, b.elements, 'procedure');
      return;
    case 'Covered':
      for (const w of b.windows) checkWindow(s, w);
      return;
  }
}

function addRule(s: State, id: A.Name, override: boolean, node: A.Statement | A.RuleDecl | A.NotCheckedDecl, block: A.BlockKind | undefined, clauses: A.Clauses, scope: 'claim' | 'line'): void {
  const self = s.header?.id.text ?? '';
  const prev = s.rules.get(id.text);
  if (prev && prev.definedIn === self && prev.origin.file === s.file.name) {
    // Passes do not go in text order (`not checked` lines come after rules), so the error goes on
    // whichever of the two is later in the file and points back at the earlier one.
    const other = prev.node.kind === 'RuleDecl' ? prev.node.id.span : (prev.node.id?.span ?? prev.origin.span);
    const [later, earlier] = other.start > id.span.start ? [other, id.span] : [id.span, other];
    s.bag.add('PR2003', later, `the rule id \`${id.text}\` is already used`, { related: [{ span: earlier, message: 'first used here' }], help: 'every rule needs its own id; reports and tests refer to it' });
    return;
  }
  if (prev && !override) {
    s.bag.add('PR2021', id.span, `\`${id.text}\` is inherited from \`${prev.definedIn}\`; write \`override\` before it to replace it`, { related: [{ file: prev.origin.file, span: prev.origin.span, message: 'inherited rule' }] });
  } else if (!prev && override) {
    s.bag.add('PR2020', id.span, `\`override\` replaces an inherited rule, and no base ruleset has \`${id.text}\``, { help: s.base ? didYouMean(id.text, s.base.rules.map((r) => r.id)) ?? 'remove `override`' : 'remove `override`' });
  }
  const rule: CheckedRule = { id: id.text, definedIn: self, origin: { file: s.file.name, span: node.span }, node, scope };
  if (block) rule.block = block;
  const sev = node.kind === 'RuleDecl' ? node.severity : clauses.severity;
  if (sev) rule.severity = sev.value;
  if (clauses.cite) rule.cite = clauses.cite.value;
  if (clauses.fix) rule.fix = clauses.fix.value;
  if (clauses.effective) {
    const w = checkWindow(s, clauses.effective);
    if (w) rule.effective = w;
  }
  s.rules.set(id.text, rule);
}

function checkRules(s: State): void {
  for (const span of s.duplicateClauses) s.bag.add('PR2023', span, 'this clause is already given for this rule', { help: 'keep one' });
  for (const r of s.ast.items) {
    if (r.kind !== 'RuleDecl') continue;
    const ctx: ExprContext = { bag: s.bag, sets: s.sets, types: s.types, usedSets: s.usedSets, inLines: false, perLine: false };
    if (!r.when) s.bag.add('PR2024', r.id.span, `rule \`${r.id.text}\` has no \`when\` condition, so it would never report anything`, { help: 'add `when <condition>` inside the braces' });
    else checkCondition(ctx, r.when);
    if (r.findingKind && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(r.findingKind.text)) s.bag.add('PR2031', r.findingKind.span, 'a finding kind is a lowercase name like `units-exceed-time`');
    addRule(s, r.id, r.override, r, undefined, r.clauses, ctx.perLine ? 'line' : 'claim');
  }
}

/** `not checked` lines: ids shared with rules (so heirs can disable or override them), a reason given. */
function checkNotChecked(s: State): void {
  for (const d of s.ast.items) {
    if (d.kind !== 'NotCheckedDecl') continue;
    if (!d.what.value.trim()) s.bag.add('PR2039', d.what.span, '`not checked` needs to say what is left out and why; reports show this text', { help: 'e.g. `not checked PRIOR-AUTH "prior authorization: the plan\'s lists are not encoded here"`' });
    addRule(s, d.id, d.override, d, undefined, d.cite ? { cite: d.cite } : {}, 'claim');
  }
}

function checkDisables(s: State): void {
  for (const d of s.ast.items) {
    if (d.kind !== 'DisableDecl') continue;
    for (const id of d.ids) {
      const inherited = s.base?.rules.find((r) => r.id === id.text);
      if (!inherited) {
        const own = s.rules.get(id.text);
        const help = own ? 'only inherited rules can be disabled; delete the rule instead' : s.base ? didYouMean(id.text, s.base.rules.map((r) => r.id)) : 'this ruleset extends nothing, so there is nothing to disable';
        s.bag.add('PR2022', id.span, `no inherited rule has the id \`${id.text}\``, help ? { help } : {});
        continue;
      }
      const cur = s.rules.get(id.text);
      if (cur && cur.definedIn !== inherited.definedIn) s.bag.add('PR2022', id.span, `\`${id.text}\` is both overridden and disabled here`, { help: 'keep one' });
      s.rules.delete(id.text);
    }
  }
}
