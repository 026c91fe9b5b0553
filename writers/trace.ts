// `eval --explain --format text`: under each finding, the conditions of the rule that fired, each
// with the value the claim had, what it was compared against, and where the condition is written.
// Values are shown as the trace holds them: the engine has already withheld patient data there
// (engine/report.ts, withholdPhi), and nothing here reads the claim. Dates and money, which traces
// carry as day numbers and cents, are written as a biller reads them.
import type { Finding } from '../engine/index.ts';
import type { ConditionTrace, RuleTrace } from '../engine/report.ts';
import { FIELDS } from '../engine/field-catalog.ts';
import { OPERATORS } from '../engine/operator-catalog.ts';
import { formatDate } from '../engine/dates.ts';
import type { ValueType } from '../engine/types.ts';

const TYPE_OF = new Map<string, ValueType>(FIELDS.map((f) => [f.path, f.type]));

// An operator in the rules language's words: its `dsl` form from the operator catalog, or (for
// operators the language writes another way) the catalog's own description.
const OPERATOR: Record<string, string> = Object.fromEntries(
  Object.entries(OPERATORS).map(([name, info]) => [name, 'dsl' in info && typeof info.dsl === 'string' ? info.dsl : ({ isTrue: 'is true', notEmpty: 'finds something', inWindows: 'falls in', notInWindows: 'falls outside' } as Record<string, string>)[name] ?? name]),
);
const UNARY = new Set(['missing', 'present', 'isTrue', 'notEmpty']);

/** The field a condition reads, when it reads one directly (`field`, or an expression that is one field). */
function fieldOf(c: ConditionTrace): string | undefined {
  const p = c.params;
  if (!p) return undefined;
  if (typeof p['field'] === 'string') return p['field'];
  const e = p['expr'];
  if (e && typeof e === 'object' && typeof (e as Record<string, unknown>)['field'] === 'string') return (e as Record<string, string>)['field'];
  return undefined;
}

/** What a condition reads, in the rule language's words where it can. */
function subject(c: ConditionTrace): string {
  const f = fieldOf(c);
  if (f) return f;
  const e = c.params?.['expr'];
  if (e && typeof e === 'object') {
    const x = e as Record<string, unknown>;
    if (typeof x['agg'] === 'string' && typeof x['over'] === 'string') return `${x['agg']}(${x['over']})`;
  }
  const params = c.params ? Object.entries(c.params).filter(([, v]) => typeof v === 'string' || typeof v === 'number') : [];
  return params.length ? `${c.fact}(${params.map(([k, v]) => `${k} ${v}`).join(', ')})` : c.fact;
}

function value(v: unknown, type: ValueType | undefined): string {
  if (v === null || v === undefined) return '(none)';
  const scalar = type?.replace(/^list<(.*)>$/, '$1');
  if (typeof v === 'number' && scalar === 'date') return formatDate(v);
  if (typeof v === 'number' && scalar === 'money') return `$${(v / 100).toFixed(2)}`;
  if (Array.isArray(v)) {
    // Date windows: [[from, through|null], …].
    if (scalar === 'date' && v.every((w) => Array.isArray(w))) return v.map((w) => `${value(w[0], 'date')} to ${w[1] === null ? 'open end' : value(w[1], 'date')}`).join('; ');
    return v.length ? v.map((x) => value(x, type)).join(', ') : '(none)';
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o['set'] === 'string') return `code set ${o['set']}`;
    if (typeof o['fact'] === 'string') return subject({ ...(o as object), name: '', operator: '', expected: null, actual: null, result: false } as ConditionTrace);
    return JSON.stringify(v);
  }
  return String(v);
}

/** One condition: whether it held, what was compared, the value the claim had, and its source. */
export function conditionLine(c: ConditionTrace): string {
  const type = (() => {
    const f = fieldOf(c);
    return f ? TYPE_OF.get(f) : undefined;
  })();
  const op = OPERATOR[c.operator] ?? c.operator;
  const compare = UNARY.has(c.operator) ? `${subject(c)} ${op}` : `${subject(c)} ${op} ${value(c.expected, type)}`;
  const at = c.source ? `  (${c.source.file}:${c.source.line}:${c.source.column})` : '';
  return `${c.result ? 'true ' : 'false'}  ${compare}; the claim had ${value(c.actual, type)}${at}`;
}

/** The traces of the rule behind a finding: the fired traces of its rule (or of one of its parts, `RULE:part`) on its line. */
export function tracesOf(f: Finding, traces: readonly RuleTrace[]): RuleTrace[] {
  return traces.filter((t) => t.fired && (t.rule === f.rule || t.rule.startsWith(`${f.rule}:`)) && t.line === f.line);
}

/** The text block under a finding: `why:` and one line per condition. */
export function traceLines(f: Finding, traces: readonly RuleTrace[] | undefined, indent: string): string[] {
  if (!traces) return [];
  const mine = tracesOf(f, traces);
  if (mine.length === 0) return [`${indent}why: no condition trace was recorded for this finding`];
  const out: string[] = [];
  for (const t of mine) {
    out.push(`${indent}why: ${t.rule}${t.line === undefined ? '' : ` on line ${t.line}`} fired on these conditions:`);
    for (const c of t.conditions) out.push(`${indent}  ${conditionLine(c)}`);
  }
  return out;
}
