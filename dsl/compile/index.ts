// Checked ruleset → compiled ruleset JSON (engine/compiled.ts): json-rules-engine rules, the tables
// the domain blocks need, and `origins` mapping every rule and condition name to its source.
// Deterministic: the same input gives byte-identical output. Reads only the checked model.
import type * as A from '../ast.ts';
import type { CheckedRule, CheckedRuleset } from '../check/model.ts';
import { flatten } from '../check/elements.ts';
import { diagnosisSetData, flattenDiagnoses } from '../check/diagnoses.ts';
import { outerPath } from '../check/expr.ts';
import { canonicalDiagnosis } from '../../engine/codes.ts';
import { lineColOf, type Span } from '../source.ts';
import { formatDate, parseDate } from '../../engine/dates.ts';
import { COMPILED_FORMAT, type NotCheckedData, type NcciBypassData, type CodeSetData, type CompiledRule, type CompiledRuleset, type Condition, type ExprData, type FindingEventParams, type NcciRowData, type SourceOrigin } from '../../engine/compiled.ts';
import { COMPARE_OPERATORS, type FactName, type OperatorName } from '../../engine/operator-catalog.ts';
import { FINDING_KINDS, isBuiltinKind, type FindingKind } from '../../engine/finding-kinds.ts';
import { FIELD_BY_PATH } from '../../engine/field-catalog.ts';
import type { ValueType } from '../../engine/types.ts';

/** Discipline modifiers: a plan of care's discipline. */
const DISCIPLINE_MODIFIERS = ['GO', 'GP', 'GN'];
const DISCIPLINE_OF: Record<string, string> = { GP: 'PT', GO: 'OT', GN: 'SLP' };

/** Default message templates of the built-in finding kinds; `{…}` are filled in by the engine. */
const MESSAGES: Record<FindingKind, string> = {
  'units-exceed-time': '{code} billed {unitsBilled}; {unitsAllowedWhy}',
  'units-below-time': '{code} billed {unitsBilled}; the minutes support {unitsExpected}',
  'missing-modifier': '{code} needs {modifiers}',
  'wrong-discipline-modifier': '{code} needs {modifier}, not another discipline\'s modifier',
  'kx-required': '{code} is past the yearly therapy threshold and needs KX',
  'assistant-modifier-required': 'the assistant furnished more than the de minimis share of {code}; it needs {modifier}',
  'assistant-modifier-mismatch': '{modifier} goes only with its discipline modifier on {code}',
  'ncci-bundled': '{code} is bundled into {ncciBundled} on the same day',
  'mue-exceeded': '{code} has {mueOver} more than the MUE allows for the day',
  'telehealth-not-covered': 'telehealth is not covered on this date of service for {code}',
  'telehealth-code-not-eligible': '{code} may not be delivered by telehealth',
  'telehealth-modifier-missing': 'telehealth line {code} needs {modifiers}',
  'prior-auth-required': '{code} needs prior authorization and the claim has no authorization number',
  'prior-auth-expired': 'the authorization does not cover the date of service',
  'visit-limit-exceeded': 'this visit is past the limit of visits allowed',
  'too-many-diagnoses': 'the claim has more than 12 diagnoses',
  'too-many-pointers': 'a line points at more than 4 diagnoses',
  'dx-pointer-invalid': 'a diagnosis pointer points at no diagnosis on the claim',
  'no-ruleset': 'no version of the payer\'s ruleset covers the date of service',
  'units-unverifiable': '{code} has no treatment minutes, so its {unitsBilled} could not be checked',
  'addon-without-primary': '{code} is an add-on code, and its primary code is not billed on the same date',
  'discipline-mismatch': 'the discipline modifier of {code} does not match who rendered it',
  'kx-not-needed': '{code} carries KX, and the year\'s therapy is {kxTotal} through this line, not above {threshold}{kxEstimate}',
  'targeted-review-threshold': 'the year\'s therapy passes {threshold} with {code} ({kxTotal}): the claim may be chosen for targeted medical review{kxEstimate}',
  'certification-missing': 'the plan of care has not been certified',
  'certification-expired': 'the plan of care\'s certification does not cover {date}',
  'certification-late': 'the plan of care was certified more than 30 days after the initial treatment',
  'progress-report-due': 'a progress report is due by this visit (at least every 10 treatment days)',
  'invalid-code': '{code} is not a valid procedure code on {date}',
  'invalid-diagnosis': '{invalidDiagnoses}: not a billable ICD-10-CM code on the date of service',
  'missing-diagnosis': 'a diagnosis is missing',
  'medical-necessity': 'the diagnoses {code} points at do not support it under the payer\'s policy',
  'npi-invalid': 'the NPI fails its check digit',
  'timely-filing-exceeded': '{code} on {date} is submitted past the filing limit',
  'clinical-review-waived': 'this visit is within the visits the payer covers without clinical review (the authorization is still required)',
};

const FIXES: Partial<Record<FindingKind, string>> = {
  'units-exceed-time': '{unitsAllowedFix}',
  'units-below-time': 'bill {unitsExpected} (what the minutes support), or check the documented minutes',
  'missing-modifier': 'add modifier {modifier}',
  'wrong-discipline-modifier': 'replace the discipline modifier with {modifier}',
  'kx-required': 'add modifier KX if the services are medically necessary and documented',
  'assistant-modifier-required': 'add modifier {modifier}',
  'assistant-modifier-mismatch': 'pair {modifier} with its discipline modifier, or remove it',
  'ncci-bundled': '{ncciFix}',
  'mue-exceeded': 'reduce the units to the MUE',
  'telehealth-not-covered': 'bill the visit as in-person, or obtain an ABN',
  'telehealth-code-not-eligible': 'deliver the service in person, or remove the line',
  'telehealth-modifier-missing': 'add modifier 95 (audio and video) or 93 (audio only)',
  'prior-auth-required': 'obtain prior authorization and add its number to the claim',
  'prior-auth-expired': 'extend the authorization, or check the date of service',
  'visit-limit-exceeded': 'request more visits from the payer before billing',
  'units-unverifiable': 'document the treatment minutes for the line',
  'addon-without-primary': 'bill the primary code for the first period of time on the same date, or remove the add-on',
  'kx-not-needed': 'remove KX until the year\'s therapy passes the threshold',
  'invalid-code': 'bill a code valid on the date of service',
  'invalid-diagnosis': 'use a billable ICD-10-CM code (to the highest specificity) valid on the date of service',
  'missing-diagnosis': 'add the diagnosis and point the line at it',
  'npi-invalid': 'check the NPI against NPPES',
};

interface Ctx {
  rs: CheckedRuleset;
  codeSets: SortedEntries<CodeSetData>;
  origins: SortedEntries<SourceOrigin>;
  rule: CheckedRule;
  file: string;
  counter: number;
  name: string;
}

function origin(rs: CheckedRuleset, file: string, span: Span): SourceOrigin {
  const f = rs.files.get(file);
  const lc = f ? lineColOf(f, span.start) : { line: 1, column: 1 };
  return { file, line: lc.line, column: lc.column, start: span.start, end: span.end };
}

/** Adds a leaf condition with a fresh name and its origin. */
function leaf(c: Ctx, span: Span, fact: FactName, params: Record<string, unknown> | undefined, operator: OperatorName, value: unknown): Condition {
  const name = `${c.name}/c${++c.counter}`;
  c.origins.set(name, origin(c.rs, c.file, span));
  const cond: Condition = params ? { name, fact, params, operator, value } : { name, fact, operator, value };
  return cond;
}

function field(c: Ctx, span: Span, path: string, operator: OperatorName, value: unknown): Condition {
  return leaf(c, span, 'field', { field: path }, operator, value);
}

/** Registers an anonymous code set for an inline element list; returns its reference. */
function inlineSet(c: Ctx, suffix: string, elements: readonly A.Element[], diagnoses = false): { set: string } {
  if (elements.length === 1 && elements[0]!.kind === 'SetRef') return { set: elements[0]!.name };
  const name = `${c.rule.id}#${suffix}`;
  c.codeSets.set(name, diagnoses ? diagnosisSetData(flattenDiagnoses(elements, c.rs.codeSets, undefined)) : flatten(elements, c.rs.codeSets, undefined));
  return { set: name };
}

function effectiveCondition(c: Ctx, scopePath: string): Condition[] {
  const e = c.rule.effective;
  if (!e) return [];
  const node = c.rule.node;
  const span = (node.kind === 'NotCheckedDecl' ? undefined : node.clauses.effective)?.span ?? node.span;
  return [field(c, span, scopePath, 'inWindows', [[e.from, e.through ?? null]])];
}

function event(c: Ctx, kind: string, extra: Partial<FindingEventParams> = {}): CompiledRule['event'] {
  const r = c.rule;
  const builtin = isBuiltinKind(kind) ? kind : undefined;
  const severity = r.severity ?? (builtin ? FINDING_KINDS[builtin].severity : 'error');
  const params: FindingEventParams = {
    rule: r.id,
    kind,
    severity,
    message: extra.message ?? (builtin ? MESSAGES[builtin] : r.id),
    scope: r.scope,
  };
  const fix = r.fix ?? extra.fix ?? (builtin ? FIXES[builtin] : undefined);
  if (fix) params.fix = fix;
  if (r.cite) params.citation = r.cite;
  if (extra.modifiers) params.modifiers = extra.modifiers;
  return { type: kind, params };
}

function makeRule(c: Ctx, variant: string | undefined, conds: Condition[], ev: CompiledRule['event'], span: Span): CompiledRule {
  const name = variant ? `${c.rule.id}:${variant}` : c.rule.id;
  c.origins.set(name, origin(c.rs, c.file, span));
  return { name, priority: 1, conditions: { all: conds }, event: ev };
}

/** The modifiers the telehealth block requires at its places (`require one of 95, 93`), sorted. */
function telehealthModifiers(rs: CheckedRuleset): string[] {
  const set = new Set<string>();
  for (const r of rs.rules) {
    if (r.block === 'telehealth' && r.node.kind === 'Statement' && r.node.body.kind === 'RequireModifier' && !r.node.body.on) for (const m of r.node.body.modifiers) set.add(m.text);
  }
  return [...set].sort();
}

/** Compiles one checked rule into one or more json-rules-engine rules. */
function compileRule(rs: CheckedRuleset, rule: CheckedRule, codeSets: SortedEntries<CodeSetData>, origins: SortedEntries<SourceOrigin>, out: CompiledRule[], units: { set?: CompiledRuleset['units'] }, tables: Pick<CompiledRuleset['tables'], 'refs' | 'ncciBypass'>): void {
  const c: Ctx = { rs, codeSets, origins, rule, file: rule.origin.file, counter: 0, name: rule.id };
  const withVariant = (variant: string | undefined) => {
    c.name = variant ? `${rule.id}:${variant}` : rule.id;
    c.counter = 0;
  };
  const dos = rule.scope === 'line' ? 'line.dateOfService' : 'claim.dateOfService';
  const node = rule.node;
  if (node.kind === 'RuleDecl') {
    withVariant(undefined);
    const eff = effectiveCondition(c, dos);
    const when = node.when ? condition(c, node.when) : undefined;
    const conds = [...eff, ...(when ? [when] : [])];
    const kind = node.findingKind?.text ?? rule.id;
    out.push(makeRule(c, undefined, conds, event(c, kind, { message: node.title.value }), node.span));
    return;
  }
  if (node.kind === 'NotCheckedDecl') return;
  const b = node.body;
  const when = node.clauses.when;
  const variantRule = (variant: string | undefined, kind: FindingKind, conds: () => Condition[], extra: Partial<FindingEventParams> = {}) => {
    withVariant(variant);
    // The statement's own conditions first, then its `when`: a claim it does not apply to never
    // reaches a value the `when` would need.
    const all = [...effectiveCondition(c, dos), ...conds(), ...(when ? [condition(c, when)] : [])];
    out.push(makeRule(c, variant, all, event(c, kind, extra), node.span));
  };
  const places = { set: '#places' };
  // A telehealth line: at one of the block's places of service, or carrying a modifier the block
  // requires there (95 or 93 on a line billed with an in-person place is still telehealth).
  const telehealth = (span: Span): Condition => {
    const mods = telehealthModifiers(rs);
    const atPlace = field(c, span, 'line.placeOfService', 'inSet', places);
    return mods.length ? { any: [atPlace, field(c, span, 'line.modifiers', 'hasAny', mods)] } : atPlace;
  };
  switch (b.kind) {
    case 'UnitsMethod': {
      const timed = rs.settings.timed?.value ?? [];
      const untimed = rs.settings.untimed?.value ?? [];
      codeSets.set('#timed', flatten(timed, rs.codeSets, undefined));
      codeSets.set('#untimed', flatten(untimed, rs.codeSets, undefined));
      units.set = {
        rule: rule.id,
        method: b.method.text as 'total-time' | 'per-code',
        timed: '#timed',
        untimed: '#untimed',
        minutesPerUnit: rs.settings.minutesPerUnit.value,
        minimumMinutes: rs.settings.minimumMinutes.value,
      };
      const pairs = rs.settings.pairs?.value ?? [];
      if (pairs.length) {
        // The midpoint rule: a period is earned past its half (15 → 8 minutes, 30 → 16, 60 → 31).
        const mid = (n: number) => Math.floor(n / 2) + 1;
        units.set.pairs = pairs.map((p) => ({ primary: p.primary.text, addon: p.addon.text, first: p.first.value, firstMinimum: p.minimum?.value ?? mid(p.first.value), each: p.each.value, eachMinimum: mid(p.each.value) }));
      }
      // Billed units are compared only where the minutes are known; a missing value is "not checked".
      variantRule(undefined, 'units-exceed-time', () => [leaf(c, b.span, 'field', { field: 'line.units' }, 'gt', { fact: 'unitsAllowed' })]);
      variantRule('below', 'units-below-time', () => [leaf(c, b.span, 'field', { field: 'line.units' }, 'lt', { fact: 'unitsExpected' })]);
      variantRule('unverifiable', 'units-unverifiable', () => [leaf(c, b.span, 'unitsUnverifiable', undefined, 'isTrue', true)]);
      if (pairs.length) variantRule('addon', 'addon-without-primary', () => [leaf(c, b.span, 'addonWithoutPrimary', undefined, 'isTrue', true)]);
      return;
    }
    case 'RequireModifier': {
      const mods = b.modifiers.map((m) => m.text);
      if (!b.on) {
        variantRule(undefined, 'telehealth-modifier-missing', () => [field(c, b.span, 'line.placeOfService', 'inSet', places), field(c, b.span, 'line.modifiers', 'hasNone', mods)], { modifiers: mods });
        return;
      }
      const on = b.on;
      const onSpan = { start: on[0]!.span.start, end: on[on.length - 1]!.span.end };
      const others = mods.length === 1 && DISCIPLINE_MODIFIERS.includes(mods[0]!) ? DISCIPLINE_MODIFIERS.filter((m) => m !== mods[0]) : [];
      variantRule(undefined, 'missing-modifier', () => [
        field(c, onSpan, 'line.code', 'inSet', inlineSet(c, 'on', on)),
        field(c, b.span, 'line.modifiers', 'hasNone', [...mods, ...others]),
      ], { modifiers: mods });
      if (others.length) {
        variantRule('wrong-discipline', 'wrong-discipline-modifier', () => [
          field(c, onSpan, 'line.code', 'inSet', inlineSet(c, 'on', on)),
          field(c, b.span, 'line.modifiers', 'hasNone', mods),
          field(c, b.span, 'line.modifiers', 'hasAny', others),
        ], { modifiers: mods });
      }
      return;
    }
    case 'RequireKx': {
      const params: Record<string, unknown> = { threshold: b.threshold.cents };
      if (b.fees) {
        params['fees'] = b.fees.text;
        (tables.refs ??= {})[rule.id] = { table: b.fees.text, kind: 'fee-schedule' };
      }
      variantRule(undefined, 'kx-required', () => [
        field(c, b.modifier.span, 'line.modifiers', 'hasNone', [b.modifier.text]),
        leaf(c, b.threshold.span, 'kxOver', params, 'isTrue', true),
      ], { modifiers: [b.modifier.text], message: '{code} takes the year\'s therapy to {kxTotal}, above {threshold}: it needs KX{kxEstimate}' });
      variantRule('not-needed', 'kx-not-needed', () => [
        field(c, b.modifier.span, 'line.modifiers', 'hasAny', [b.modifier.text]),
        leaf(c, b.threshold.span, 'kxNotNeeded', params, 'isTrue', true),
      ], { modifiers: [b.modifier.text] });
      return;
    }
    case 'TargetedReview': {
      const params: Record<string, unknown> = { threshold: b.threshold.cents };
      if (b.fees) {
        params['fees'] = b.fees.text;
        (tables.refs ??= {})[rule.id] = { table: b.fees.text, kind: 'fee-schedule' };
      }
      variantRule(undefined, 'targeted-review-threshold', () => [leaf(c, b.threshold.span, 'reviewThreshold', params, 'isTrue', true)]);
      return;
    }
    case 'RequireAssistant': {
      const discipline = DISCIPLINE_OF[b.with.text];
      variantRule(undefined, 'assistant-modifier-required', () => [
        discipline
          ? { any: [field(c, b.with.span, 'line.modifiers', 'hasAny', [b.with.text]), field(c, b.with.span, 'line.renderedDiscipline', 'eq', discipline)] }
          : field(c, b.with.span, 'line.modifiers', 'hasAny', [b.with.text]),
        field(c, b.modifier.span, 'line.modifiers', 'hasNone', [b.modifier.text]),
        leaf(c, b.above.span, 'assistantNeeded', { share: b.above.value }, 'isTrue', true),
      ], { modifiers: [b.modifier.text] });
      variantRule('mismatch', 'assistant-modifier-mismatch', () => [
        field(c, b.modifier.span, 'line.modifiers', 'hasAny', [b.modifier.text]),
        field(c, b.with.span, 'line.modifiers', 'hasNone', [b.with.text]),
      ], { modifiers: [b.modifier.text] });
      return;
    }
    case 'NcciTable':
      if (b.table) {
        (tables.refs ??= {})[rule.id] = { table: b.table.text, kind: 'ncci-ptp' };
        const bypass: NcciBypassData = { modifiers: [], on: [] };
        for (const [k, by] of (b.bypass ?? []).entries()) {
          const mods = by.modifiers.map((m) => m.text);
          if (by.on) bypass.on.push({ set: inlineSet(c, `bypass${k + 1}`, by.on).set, modifiers: mods });
          else bypass.modifiers = mods;
        }
        (tables.ncciBypass ??= {})[rule.id] = bypass;
      }
      variantRule(undefined, 'ncci-bundled', () => [leaf(c, b.span, 'ncciBundled', { table: rule.id }, 'notEmpty', true)]);
      return;
    case 'MueTable':
      if (b.table) (tables.refs ??= {})[rule.id] = { table: b.table.text, kind: 'mue' };
      variantRule(undefined, 'mue-exceeded', () => [leaf(c, b.span, 'mueOver', { table: rule.id }, 'gt', 0)]);
      return;
    case 'RequireAuth':
      variantRule(undefined, 'prior-auth-required', () => {
        const codes = inlineSet(c, 'codes', b.codes);
        const except = b.except ? inlineSet(c, 'except', b.except) : undefined;
        const conds = [field(c, b.span, 'line.code', 'inSet', codes)];
        if (except) conds.push(field(c, b.span, 'line.code', 'notInSet', except));
        conds.push(field(c, b.span, 'claim.priorAuthorization.number', 'missing', true));
        if (b.after) {
          // Visits are the dates of service with a line the requirement applies to.
          const params: Record<string, unknown> = { codes: codes.set };
          if (except) params['except'] = except.set;
          if (b.after.within) params['within'] = { [b.after.within.unit]: b.after.within.amount.value };
          conds.push(leaf(c, b.after.span, 'priorVisits', params, 'ge', b.after.visits.value));
        }
        return conds;
      });
      return;
    case 'AuthCovers':
      variantRule(undefined, 'prior-auth-expired', () => [
        field(c, b.span, 'claim.priorAuthorization.number', 'present', true),
        { any: [field(c, b.span, 'line.dateOfService', 'lt', { fact: 'field', params: { field: 'claim.priorAuthorization.from' } }), field(c, b.span, 'line.dateOfService', 'gt', { fact: 'field', params: { field: 'claim.priorAuthorization.to' } })] },
      ], { message: 'the authorization does not cover {date}, the date of service of {code}' });
      return;
    case 'AuthCoversVisits':
      variantRule(undefined, 'visit-limit-exceeded', () => {
        // Visits are the dates with a line the statement names (an evaluation-only date is no
        // treatment visit); without `for`, every date of service.
        const codes = b.codes ? inlineSet(c, 'codes', b.codes) : undefined;
        return [
          ...(codes ? [field(c, b.span, 'line.code', 'inSet', codes)] : []),
          leaf(c, b.span, 'authVisitsOver', codes ? { codes: codes.set } : undefined, 'isTrue', true),
        ];
      }, { message: 'the visit on {date} is past the visits the authorization allows' });
      return;
    case 'ProcedureValidity':
      (tables.refs ??= {})[rule.id] = { table: b.table.text, kind: 'procedure-codes' };
      variantRule(undefined, 'invalid-code', () => [leaf(c, b.span, 'invalidCode', { table: b.table.text }, 'isTrue', true)]);
      return;
    case 'DiagnosisValidity':
      (tables.refs ??= {})[rule.id] = { table: b.table.text, kind: 'icd10cm' };
      variantRule(undefined, 'invalid-diagnosis', () => [leaf(c, b.span, 'invalidDiagnoses', { table: b.table.text }, 'notEmpty', true)]);
      return;
    case 'AuthMax': {
      const unit = b.within.unit;
      const amount = unit === 'weeks' ? b.within.amount.value * 7 : unit === 'years' ? b.within.amount.value * 12 : b.within.amount.value;
      const end: ExprData = { arith: '+', left: { field: 'claim.priorAuthorization.from' }, right: { lit: amount }, unit: unit === 'days' || unit === 'weeks' ? 'days' : 'months' };
      variantRule(undefined, 'visit-limit-exceeded', () => [
        field(c, b.span, 'claim.priorAuthorization.number', 'present', true),
        {
          any: [
            field(c, b.visits.span, 'claim.priorAuthorization.visits', 'gt', b.visits.value),
            leaf(c, b.within.span, 'expr', { expr: { field: 'claim.priorAuthorization.to' } }, 'ge', { fact: 'expr', params: { expr: end } }),
          ],
        },
      ], {
        message: `the authorization allows more than ${b.visits.value} visits or spans ${b.within.amount.value} ${unit} or more`,
        fix: `check the authorization's visits and dates against the payer's approval (one request covers at most ${b.visits.value} visits within ${b.within.amount.value} ${unit}); request a new authorization for the rest`,
      });
      return;
    }
    case 'VisitLimit': {
      const params: Record<string, unknown> = { limit: b.visits.value };
      const codes = b.codes ? inlineSet(c, 'codes', b.codes) : undefined;
      if (codes) params['codes'] = codes.set;
      variantRule(undefined, 'visit-limit-exceeded', () => [
        ...(codes ? [field(c, b.span, 'line.code', 'inSet', codes)] : []),
        leaf(c, b.visits.span, 'visitLimitOver', params, 'isTrue', true),
      ], { message: `the visit on {date} is visit {visitNumber} this year, past the limit of ${b.visits.value} visits per calendar year` });
      return;
    }
    case 'Eligible':
      variantRule(undefined, 'telehealth-code-not-eligible', () => [telehealth(b.span), field(c, b.span, 'line.code', 'notInSet', inlineSet(c, 'codes', b.elements))]);
      return;
    case 'Covered':
      variantRule(undefined, 'telehealth-not-covered', () => [
        telehealth(b.span),
        field(c, b.span, 'line.dateOfService', 'notInWindows', b.windows.map((w) => [parseDate(w.from.text) ?? 0, w.through ? (parseDate(w.through.text) ?? null) : null])),
      ]);
      return;
    default:
      return;
  }
}

// ---- general rule conditions ----

function literalValue(c: Ctx, e: A.Expr): unknown {
  const t = c.rs.types.get(e);
  switch (e.kind) {
    case 'Number':
      return t === 'code' || t === 'modifier' || t === 'pos' || t === 'diagnosis' || t === 'text' ? e.text : e.value;
    case 'Money':
      return e.cents;
    case 'Percent':
      return e.value;
    case 'Date':
      return parseDate(e.text) ?? null;
    case 'Code':
      return t === 'diagnosis' ? canonicalDiagnosis(e.text) : e.text;
    case 'Text':
      return t === 'diagnosis' ? canonicalDiagnosis(e.value) : e.value;
    case 'Bool':
      return e.value;
    case 'Duration':
      return e.amount.value;
    default:
      return undefined;
  }
}

function isLiteral(e: A.Expr): boolean {
  return ['Number', 'Money', 'Percent', 'Date', 'Code', 'Text', 'Bool', 'Duration'].includes(e.kind);
}

function fieldData(path: string): { field: string; outer?: true } {
  const outer = outerPath(path);
  return outer ? { field: outer, outer: true } : { field: path };
}

function expr(c: Ctx, e: A.Expr): ExprData {
  if (e.kind === 'FieldRef') return fieldData(e.path);
  if (e.kind === 'Arith') {
    const out: ExprData = { arith: e.op, left: expr(c, e.left), right: expr(c, e.right) };
    const dur = e.right.kind === 'Duration' ? e.right : e.left.kind === 'Duration' ? e.left : undefined;
    if (dur) {
      const n = dur.amount.value;
      const [unit, amount] = dur.unit === 'days' ? ['days', n] : dur.unit === 'weeks' ? ['days', n * 7] : dur.unit === 'months' ? ['months', n] : ['months', n * 12];
      const lit = { lit: amount };
      if (e.right.kind === 'Duration') (out as { right: ExprData }).right = lit;
      else (out as { left: ExprData }).left = lit;
      (out as { unit?: string }).unit = unit as string;
    }
    return out;
  }
  if (e.kind === 'Aggregate') {
    const out: Extract<ExprData, { agg: string }> = { agg: e.fn, over: e.over.path };
    if (e.where) out.where = condition(c, e.where);
    if (e.per) out.per = e.per;
    return out;
  }
  return { lit: literalValue(c, e) };
}

/** A fact reference for any value expression: `field` for plain fields, `expr` otherwise. */
function factOf(c: Ctx, e: A.Expr): { fact: FactName; params: Record<string, unknown> } {
  if (e.kind === 'FieldRef') return { fact: 'field', params: fieldData(e.path) };
  return { fact: 'expr', params: { expr: expr(c, e) } };
}

function condition(c: Ctx, e: A.Expr): Condition {
  switch (e.kind) {
    case 'Logical':
      return e.op === 'and' ? { all: e.operands.map((o) => condition(c, o)) } : { any: e.operands.map((o) => condition(c, o)) };
    case 'Not':
      return { not: condition(c, e.operand) };
    case 'Compare': {
      let { left, right } = e;
      let op = COMPARE_OPERATORS[e.op];
      // Keep the field on the left: `5 < line.units` is `line.units > 5`.
      if (isLiteral(left) && !isLiteral(right)) {
        [left, right] = [right, left];
        const flip: Record<OperatorName, OperatorName> = { lt: 'gt', gt: 'lt', le: 'ge', ge: 'le' } as Record<OperatorName, OperatorName>;
        op = flip[op] ?? op;
      }
      const l = factOf(c, left);
      const value = isLiteral(right) ? literalValue(c, right) : factOf(c, right);
      return leaf(c, e.span, l.fact, l.params, op, value);
    }
    case 'InSet': {
      const l = factOf(c, e.operand);
      const t = c.rs.types.get(e.operand) as ValueType | undefined;
      const ref = e.set.kind === 'SetRef' ? { set: e.set.name } : inlineSet(c, `in${c.counter + 1}`, e.set.elements, t === 'diagnosis');
      return leaf(c, e.span, l.fact, l.params, e.negated ? 'notInSet' : 'inSet', ref);
    }
    case 'Has': {
      const l = factOf(c, e.operand);
      const t = c.rs.types.get(e.operand) as ValueType | undefined;
      if (e.set) {
        const ref = e.set.kind === 'SetRef' ? { set: e.set.name } : inlineSet(c, `has${c.counter + 1}`, e.set.elements, t === 'list<diagnosis>');
        const op: OperatorName = e.mode === 'all' ? 'allInSet' : e.mode === 'none' ? 'noneInSet' : 'anyInSet';
        return leaf(c, e.span, l.fact, l.params, op, ref);
      }
      // Diagnoses are compared in their written form (M54.50), as claims hold them.
      const values = e.values.map((v) => (t === 'list<number>' ? Number(v.text) : t === 'list<diagnosis>' ? canonicalDiagnosis(v.text) : v.text));
      const op: OperatorName = e.mode === 'all' ? 'hasAll' : e.mode === 'none' ? 'hasNone' : 'hasAny';
      return leaf(c, e.span, l.fact, l.params, op, values);
    }
    case 'Presence': {
      const l = factOf(c, e.operand);
      return leaf(c, e.span, l.fact, l.params, e.present ? 'present' : 'missing', true);
    }
    case 'Bool':
      return leaf(c, e.span, 'expr', { expr: { lit: true } }, 'eq', e.value);
    default: {
      const l = factOf(c, e);
      return leaf(c, e.span, l.fact, l.params, 'eq', true);
    }
  }
}

/**
 * A record with its keys in sorted order. Output is byte-identical run to run because every object
 * is built in a fixed key order; the records keyed by name are sorted so that their order does not
 * depend on the order rules were written in. Shallow on purpose: a deep copy of a large ruleset's
 * output would double its memory.
 */
function sortRecord<T>(r: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

/**
 * Entries collected in order, made into the record sortRecord makes of a record assigned in that
 * order (sorted keys; a key given twice keeps its last value), without building that first record:
 * the origins of a 16 MB ruleset are half a million names, and a record of them built, listed,
 * sorted and built again cost twice what sorting the collected names and building once does.
 */
class SortedEntries<T> {
  private readonly keys: string[] = [];
  private readonly values: T[] = [];

  set(key: string, value: T): void {
    this.keys.push(key);
    this.values.push(value);
  }

  record(): Record<string, T> {
    const { keys, values } = this;
    const order = Array.from({ length: keys.length }, (_, i) => i);
    // Code unit order, as Array.prototype.sort orders strings; equal keys in the order given.
    order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
    // Without a prototype: V8 fills such a record about twice as fast (a 16 MB ruleset has over a
    // million names); JSON and every reader see the same keys and values.
    const out = Object.create(null) as Record<string, T>;
    // (`__proto__` is left out, as assigning it to an ordinary record would never have made it a key.)
    for (const i of order) if (keys[i] !== '__proto__') out[keys[i]!] = values[i]!;
    return out;
  }
}

/**
 * The content hash of a ruleset: the text of every source file it was built from (its bases, then
 * itself; names left out, so the same rulesets hash alike wherever they sit). Two 32-bit FNV-1a
 * style halves as 16 hex digits: it names a ruleset's content in reports; it is not a security measure.
 */
export function contentHash(rs: CheckedRuleset): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  const add = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 15);
    }
  };
  for (const f of rs.files.values()) {
    add(f.text);
    add('\u0000');
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** Compiles a checked ruleset (which must have no errors). */
export function compile(rs: CheckedRuleset): CompiledRuleset {
  const codeSets = new SortedEntries<CodeSetData>();
  for (const [name, s] of rs.codeSets) {
    codeSets.set(name, s.kind === 'diagnosis' ? diagnosisSetData({ codes: s.codes, ranges: s.ranges, prefixes: s.prefixes ?? [] }) : { codes: s.codes, ranges: s.ranges });
  }
  codeSets.set('#places', { codes: (rs.settings.places?.value ?? []).map((p) => p.text).sort(), ranges: [] });
  const origins = new SortedEntries<SourceOrigin>();
  const rules: CompiledRule[] = [];
  const units: { set?: CompiledRuleset['units'] } = {};
  const ncci: Record<string, NcciRowData[]> = {};
  const mue: CompiledRuleset['tables']['mue'] = {};
  const tableRefs: Pick<CompiledRuleset['tables'], 'refs' | 'ncciBypass'> = {};
  const notChecked: NotCheckedData[] = [];
  for (const r of rs.rules) {
    if (r.node.kind === 'NotCheckedDecl') {
      // Not a rule: nothing to evaluate, only a line for every report (rs.rules is sorted by id).
      const d: NotCheckedData = { rule: r.id, reason: r.node.what.value };
      if (r.cite) d.citation = r.cite;
      notChecked.push(d);
      origins.set(r.id, origin(rs, r.origin.file, r.node.span));
      continue;
    }
    compileRule(rs, r, codeSets, origins, rules, units, tableRefs);
    if (r.node.kind === 'Statement' && r.node.body.kind === 'NcciTable') {
      ncci[r.id] = r.node.body.rows.map((row) => {
        const d: NcciRowData = { column1: flatten(row.column1, rs.codeSets, undefined), column2: flatten(row.column2, rs.codeSets, undefined), bypass: row.bypass.map((m) => m.text) };
        if (row.from) d.from = row.from.text;
        if (row.deleted) d.deleted = row.deleted.text;
        return d;
      });
    }
    if (r.node.kind === 'Statement' && r.node.body.kind === 'MueTable') {
      mue[r.id] = r.node.body.rows.map((row) => ({ codes: flatten(row.codes, rs.codeSets, undefined), max: row.max.value, per: row.per }));
    }
  }
  rules.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const effective: CompiledRuleset['ruleset']['effective'] = { from: formatDate(rs.effective.from) };
  if (rs.effective.through !== undefined) effective.through = formatDate(rs.effective.through);
  const ruleset: CompiledRuleset['ruleset'] = { chain: rs.chain, effective, hash: contentHash(rs), id: rs.id, ...(rs.title ? { title: rs.title } : {}), version: rs.version };
  const out: CompiledRuleset = {
    codeSets: codeSets.record(),
    format: COMPILED_FORMAT,
    ...(notChecked.length ? { notChecked } : {}),
    origins: origins.record(),
    rules,
    ruleset,
    tables: { mue: sortRecord(mue), ncci: sortRecord(ncci), ...(tableRefs.ncciBypass ? { ncciBypass: sortRecord(tableRefs.ncciBypass) } : {}), ...(tableRefs.refs ? { refs: sortRecord(tableRefs.refs) } : {}) },
    telehealth: { places: '#places' },
  };
  if (units.set) out.units = units.set;
  return out;
}

/** Fields a compiled ruleset reads, for documentation and the editor. */
export function fieldsRead(rs: CompiledRuleset): string[] {
  const seen = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o['field'] === 'string' && FIELD_BY_PATH.has(o['field'])) seen.add(o['field']);
      Object.values(o).forEach(visit);
    }
  };
  visit(rs.rules);
  return [...seen].sort();
}
