// What an 837P does not carry, from files beside it: the minutes sidecar CSV (treatment minutes,
// assistant minutes and who rendered, per claim and line), the overlay NDJSON (partial claims keyed
// by id, deep-merged: authorization window and visits, history), and the payer map JSON (payer id →
// ruleset id). A supplement that cannot be parsed at all is a ReaderError (exit 2); a row that does
// not fit its claim is a diagnostic on that claim. Missing minutes are never guessed. No Node built-ins.
import Papa from 'papaparse';
import { diag, ReaderError, type ReaderDiagnostic } from './diagnostics.ts';
import type { PayerMap, ReaderRecord } from './types.ts';
import { closest } from '../engine/suggest.ts';

const RENDERED_BY = new Set(['OT', 'OTA', 'PT', 'PTA', 'SLP']);

export interface MinutesRow {
  row: number;
  claimId: string;
  line: number;
  code?: string;
  minutes?: number;
  assistantMinutes?: number;
  renderedBy?: string;
  problems: string[];
}

export interface Supplements {
  /** Minutes rows by claim id, then by 1-based line. */
  minutes?: { file: string; rows: Map<string, Map<number, MinutesRow>>; used: Set<string> };
  /** Overlay entries by claim id. */
  overlay?: { file: string; entries: Map<string, { line: number; value: Record<string, unknown> }>; used: Set<string> };
  payers?: PayerMap;
}

const stripBom = (t: string) => (t.charCodeAt(0) === 0xfeff ? t.slice(1) : t);
const norm = (h: string) => h.trim().toLowerCase().replace(/[\s-]+/g, '_');

/** Parses the minutes sidecar: header required (`claim_id,line,code,minutes,assistant_minutes,rendered_by`). */
export function parseMinutes(text: string, file: string): NonNullable<Supplements['minutes']> {
  const res = Papa.parse<string[]>(stripBom(text), { skipEmptyLines: 'greedy' });
  const [header, ...body] = res.data;
  const cols = (header ?? []).map(norm);
  for (const need of ['claim_id', 'line']) if (!cols.includes(need)) throw new ReaderError(`${file}: the minutes file needs a header row with the columns claim_id and line (and minutes, assistant_minutes, rendered_by, code); column \`${need}\` is missing`);
  const idx = (name: string) => cols.indexOf(name);
  const rows = new Map<string, Map<number, MinutesRow>>();
  body.forEach((cells, k) => {
    const row = k + 2;
    const cell = (name: string) => {
      const i = idx(name);
      return i < 0 ? '' : (cells[i] ?? '').trim();
    };
    const claimId = cell('claim_id');
    const lineText = cell('line');
    if (!claimId || !/^\d+$/.test(lineText) || Number(lineText) < 1) throw new ReaderError(`${file}:${row}: a minutes row needs a claim_id and a line number from 1 (the service line's position in the claim)`);
    const r: MinutesRow = { row, claimId, line: Number(lineText), problems: [] };
    const whole = (name: string, key: 'minutes' | 'assistantMinutes') => {
      const v = cell(name);
      if (v === '') return;
      if (/^\d+$/.test(v)) r[key] = Number(v);
      else r.problems.push(`${name} \`${v.slice(0, 20)}\` is not a whole number of minutes`);
    };
    whole('minutes', 'minutes');
    whole('assistant_minutes', 'assistantMinutes');
    if (r.minutes !== undefined && r.assistantMinutes !== undefined && r.assistantMinutes > r.minutes) r.problems.push(`assistant_minutes (${r.assistantMinutes}) is more than minutes (${r.minutes})`);
    const who = cell('rendered_by').toUpperCase();
    if (who) {
      if (RENDERED_BY.has(who)) r.renderedBy = who;
      else r.problems.push(`rendered_by \`${who.slice(0, 20)}\` is not one of OT, OTA, PT, PTA, SLP`);
    }
    const code = cell('code');
    if (code) r.code = code;
    let byLine = rows.get(claimId);
    if (!byLine) rows.set(claimId, (byLine = new Map()));
    if (byLine.has(r.line)) throw new ReaderError(`${file}:${row}: claim \`${claimId}\` line ${r.line} already has a minutes row (row ${byLine.get(r.line)!.row})`);
    byLine.set(r.line, r);
  });
  return { file, rows, used: new Set() };
}

/** Parses the overlay: one JSON object with an `id` per line; blank lines skipped. */
export function parseOverlay(text: string, file: string): NonNullable<Supplements['overlay']> {
  const entries = new Map<string, { line: number; value: Record<string, unknown> }>();
  stripBom(text).split('\n').forEach((raw, k) => {
    const t = raw.trim();
    if (!t) return;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      throw new ReaderError(`${file}:${k + 1}: not valid JSON (the overlay holds one partial claim with its "id" per line)`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v) || typeof (v as { id?: unknown }).id !== 'string') throw new ReaderError(`${file}:${k + 1}: each overlay line is a JSON object with the claim's "id"`);
    const id = (v as { id: string }).id;
    if (entries.has(id)) throw new ReaderError(`${file}:${k + 1}: claim \`${id}\` already has an overlay entry (line ${entries.get(id)!.line})`);
    entries.set(id, { line: k + 1, value: v as Record<string, unknown> });
  });
  return { file, entries, used: new Set() };
}

/** Parses the payer map: `{"byPayerId": {…}, "byClaimFilingIndicator": {…}}` (either may be absent). */
export function parsePayerMap(text: string, file: string): PayerMap {
  let v: unknown;
  try {
    v = JSON.parse(stripBom(text));
  } catch {
    throw new ReaderError(`${file}: not valid JSON (the payer map is {"byPayerId": {"PAYERID": "ruleset-id"}, "byClaimFilingIndicator": {"MB": "ruleset-id"}})`);
  }
  const obj = v as Record<string, unknown>;
  const table = (k: string): Record<string, string> => {
    const t = obj?.[k];
    if (t === undefined) return {};
    if (!t || typeof t !== 'object' || Array.isArray(t) || Object.values(t).some((x) => typeof x !== 'string')) throw new ReaderError(`${file}: "${k}" must map ids to ruleset ids (strings)`);
    return Object.assign(Object.create(null) as Record<string, string>, t);
  };
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ReaderError(`${file}: the payer map is a JSON object with "byPayerId" and "byClaimFilingIndicator"`);
  return { byPayerId: table('byPayerId'), byClaimFilingIndicator: table('byClaimFilingIndicator') };
}

const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const empty = (x: unknown) => x === undefined || x === null || x === '' || (Array.isArray(x) && x.length === 0);

/** Deep-merges `extra` into `into`; a differing non-empty value is a conflict (reported, not overridden). */
function merge(into: Record<string, unknown>, extra: Record<string, unknown>, path: string, conflicts: string[]): void {
  for (const [k, v] of Object.entries(extra)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    const here = into[k];
    const p = path ? `${path}.${k}` : k;
    if (isObj(v) && (here === undefined || isObj(here))) {
      const target = (here as Record<string, unknown> | undefined) ?? {};
      merge(target, v, p, conflicts);
      into[k] = target;
    } else if (empty(here)) into[k] = v;
    else if (JSON.stringify(here) !== JSON.stringify(v)) conflicts.push(p);
  }
}

/** Applies the minutes rows and the overlay entry of a record's claim, in place. */
export function applySupplements(rec: ReaderRecord, sup: Supplements): void {
  const claim = rec.claim;
  if (!claim || typeof claim['id'] !== 'string') return;
  const id = claim['id'];
  const lines = Array.isArray(claim['lines']) ? (claim['lines'] as Record<string, unknown>[]) : [];
  const ds = rec.diagnostics;
  if (sup.minutes) {
    const rows = sup.minutes.rows.get(id);
    const file = sup.minutes.file;
    if (rows) sup.minutes.used.add(id);
    for (const r of rows?.values() ?? []) {
      const where = `${file}:${r.row}`;
      const at = { file, row: r.row, line: r.line };
      const l = lines[r.line - 1];
      if (!l) {
        ds.push(diag('MIN-LINE', `minutes row for line ${r.line}, but the claim has ${lines.length} line${lines.length === 1 ? '' : 's'}`, where, at));
        continue;
      }
      if (r.code && r.code !== l['code']) {
        ds.push(diag('MIN-LINE', `minutes row for line ${r.line} says code ${r.code}, the claim's line ${r.line} is ${String(l['code'] ?? '(none)')}`, where, at));
        continue;
      }
      for (const p of r.problems) ds.push(diag('MIN-VALUE', `line ${r.line}: ${p}`, where, at));
      // As with the overlay, no minutes the claim file gives are overridden: a value there that the
      // row contradicts is an error naming both, and the file's value stays.
      const put = (key: 'minutes' | 'assistantMinutes', column: string, v: number | string | undefined) => {
        if (v === undefined) return;
        if (l[key] === undefined || l[key] === null) l[key] = v;
        else if (l[key] !== v) ds.push(diag('MIN-CONFLICT', `line ${r.line}: the minutes file's ${column} \`${v}\` differs from the claim file's \`${String(l[key])}\`; nothing was overridden (remove one of them)`, where, at));
      };
      put('minutes', 'minutes', r.minutes);
      // Who rendered: the 837P gives at most the rendering provider's discipline (its taxonomy); the
      // minutes file says who rendered the line (an assistant under that provider), so it refines it.
      if (r.renderedBy !== undefined) l['renderedBy'] = r.renderedBy;
      put('assistantMinutes', 'assistant_minutes', r.assistantMinutes);
    }
    const without = lines.flatMap((l, i) => (l['minutes'] === undefined ? [i + 1] : []));
    if (without.length) ds.push(diag('X12-NO-MINUTES', `line${without.length === 1 ? '' : 's'} ${without.join(', ')} ha${without.length === 1 ? 's' : 've'} no minutes in ${file}; a timed code's units cannot be checked without them`, file, { file }));
  }
  if (sup.overlay) {
    const e = sup.overlay.entries.get(id);
    if (e) {
      sup.overlay.used.add(id);
      const { lines: extraLines, ...rest } = e.value;
      const conflicts: string[] = [];
      merge(claim, rest, '', conflicts);
      if (Array.isArray(extraLines)) {
        for (const x of extraLines) {
          const n = isObj(x) ? x['line'] : undefined;
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > lines.length) {
            ds.push(diag('OVL-CONFLICT', `an overlay line entry names line ${String(n)}, but the claim has ${lines.length} line${lines.length === 1 ? '' : 's'} (each entry needs "line": 1…${lines.length})`, `${sup.overlay.file}:${e.line}`, { file: sup.overlay.file, row: e.line }));
            continue;
          }
          const { line: _n, ...values } = x as Record<string, unknown>;
          merge(lines[n - 1]!, values, `lines[${n - 1}]`, conflicts);
        }
      }
      for (const p of conflicts) ds.push(diag('OVL-CONFLICT', `the overlay's \`${p}\` differs from the value the claim file carries; nothing was overridden (remove one of them)`, `${sup.overlay.file}:${e.line}`, { file: sup.overlay.file, row: e.line }));
    }
  }
}

/** What the supplements held for claims the input never had (after the last record). */
export function unusedSupplements(sup: Supplements): ReaderDiagnostic[] {
  const out: ReaderDiagnostic[] = [];
  if (sup.minutes) {
    for (const [id, rows] of sup.minutes.rows) {
      if (sup.minutes.used.has(id)) continue;
      const first = [...rows.values()][0]!;
      out.push(diag('MIN-CLAIM', `minutes rows for claim \`${id}\` (from row ${first.row}), which is not in the input`, `${sup.minutes.file}:${first.row}`, { file: sup.minutes.file, row: first.row }));
    }
  }
  if (sup.overlay) {
    for (const [id, e] of sup.overlay.entries) {
      if (!sup.overlay.used.has(id)) out.push(diag('OVL-CLAIM', `overlay entry for claim \`${id}\`, which is not in the input`, `${sup.overlay.file}:${e.line}`, { file: sup.overlay.file, row: e.line }));
    }
  }
  return out;
}

/**
 * What is wrong with a payer map against the rulesets at hand: each payer id or claim filing
 * indicator that maps to an id no ruleset has, with the id it most likely meant. The map's mistake,
 * said once, rather than on every claim it routes.
 */
export function payerMapProblems(map: PayerMap | undefined, rulesetIds: readonly string[]): string[] {
  if (!map) return [];
  const out: string[] = [];
  for (const [kind, entries] of [['payer id', map.byPayerId], ['claim filing indicator', map.byClaimFilingIndicator]] as const) {
    for (const [key, id] of Object.entries(entries ?? {})) {
      if (rulesetIds.includes(id)) continue;
      const near = closest(id, rulesetIds);
      out.push(`${kind} \`${key}\` maps to \`${id}\`, which is not a ruleset id${near ? ` (did you mean \`${near}\`?)` : ''}`);
    }
  }
  return out;
}
