// Official release files → releases of a table: each file's format recognized, every row
// validated (problems named by file:line), rows of one release checked for duplicates across its
// files, and the release's name and dates settled from the options or the file itself. Nothing is
// written here; tables/store.ts writes a release only when there is no problem at all.
import type { TableKind } from '../../engine/tables.ts';
import { NO_DAY, parseDay } from '../codes.ts';
import { KIND_FORMATS } from '../kinds.ts';
import type { Scope } from '../lookups.ts';
import { type Problem, Problems, checkDuplicates } from '../normalized.ts';
import { type Rows, RowsBuilder } from '../rows.ts';
import { IMPORT_FORMATS, formatFor } from './formats.ts';
import { inputTexts } from './read.ts';

export interface ImportOptions {
  kind: TableKind;
  table?: string;
  release?: string;
  from?: string;
  through?: string;
  /** Provenance for the manifest; by default the input file names and formats. */
  source?: string;
  scope?: Scope & { note: string };
  missing?: string[];
}

/** A release read from files, ready for the store. */
export interface ImportedRelease {
  table: string;
  kind: TableKind;
  release: string;
  from: string;
  through?: string;
  source: string;
  scope?: Scope & { note: string };
  missing?: string[];
  rows: Rows;
}

export interface ImportResult {
  releases: ImportedRelease[];
  problems: Problem[];
  /** Problems past the listed ones. */
  moreProblems: number;
  /** What is wrong with the request itself (no dates for the release, …): a usage error. */
  usage?: string;
}

/** Reads the files of one import. */
export function importFiles(inputs: readonly { name: string; bytes: Uint8Array }[], opts: ImportOptions): ImportResult {
  const problems = new Problems(inputs[0]?.name ?? '');
  const parts = new Map<string, { builder: RowsBuilder; reserved: Set<string>; release?: string; from?: string; through?: string }>();
  const used: string[] = [];
  let implied: { release: string; from: string; through: string } | undefined;
  for (const input of inputs) {
    const texts = inputTexts(input.name, input.bytes);
    if (typeof texts === 'string') {
      problems.add(1, texts, input.name);
      continue;
    }
    for (const t of texts) {
      problems.file = t.name;
      const format = formatFor(opts.kind, t);
      if (!format) {
        const known = IMPORT_FORMATS.filter((f) => f.kind === opts.kind).map((f) => `  - ${f.doc}`);
        problems.add(1, `not a ${opts.kind} file this command reads; it reads:\n${known.join('\n')}`);
        continue;
      }
      used.push(`${t.name} (${format.doc.replace(/ \(.*$/, '')})`);
      implied ??= format.implies?.(t.name);
      format.read(t, {
        builder(part) {
          const key = part?.release ?? '';
          let p = parts.get(key);
          if (!p) parts.set(key, (p = { builder: new RowsBuilder(opts.kind), reserved: new Set(), ...part }));
          if (!p.reserved.has(t.name)) {
            p.reserved.add(t.name);
            p.builder.reserve(t.lines);
          }
          p.builder.fromFile(t.name);
          return p.builder;
        },
      }, problems);
    }
  }
  const result: ImportResult = { releases: [], problems: problems.list, moreProblems: problems.more };
  // Duplicates are looked for even when rows had problems: the user sees every problem at once.
  const checked = [...parts.values()].map((p) => ({ ...p, rows: checkDuplicates(p.builder, problems) }));
  result.moreProblems = problems.more;
  if (problems.count) return result;
  if (parts.size > 1 && (opts.release || opts.from || opts.through)) {
    result.usage = `the input holds ${parts.size} releases (${[...parts.keys()].join(', ')}); --release, --from and --through name one`;
    return result;
  }
  for (const p of checked) {
    let rows = p.rows;
    if (opts.kind === 'procedure-codes') rows = mergeHcpcsDates(rows);
    const from = opts.from ?? p.from ?? implied?.from ?? (opts.kind === 'procedure-codes' ? firstDay(rows) : undefined);
    if (!from) {
      result.usage = 'these files do not say when they take effect: give --from YYYY-MM-DD (the first day of service the release applies to)';
      return result;
    }
    const through = opts.through ?? p.through ?? implied?.through ?? (opts.kind === 'procedure-codes' ? lastDay(rows) : undefined);
    for (const [flag, v] of [['--from', from], ['--through', through]] as const) {
      if (v !== undefined && (Number.isNaN(parseDay(v)) || v.length !== 10)) result.usage = `${flag} \`${v}\` is not a date (YYYY-MM-DD)`;
    }
    if (through && parseDay(through) < parseDay(from)) result.usage = `--through ${through} is before --from ${from}`;
    if (result.usage) return result;
    if (rows.length === 0) problems.add(1, 'no rows: the file has a header but nothing under it');
    const rel: ImportedRelease = {
      table: opts.table ?? KIND_FORMATS[opts.kind].defaultTable,
      kind: opts.kind,
      release: opts.release ?? p.release ?? implied?.release ?? from,
      from,
      source: opts.source ?? `imported by payer-rules import from ${used.join('; ')}`,
      rows,
    };
    if (through) rel.through = through;
    if (opts.scope) rel.scope = opts.scope;
    if (opts.missing?.length) rel.missing = opts.missing;
    result.releases.push(rel);
  }
  result.problems = problems.list;
  result.moreProblems = problems.more;
  if (problems.count) result.releases = [];
  return result;
}

/** The earliest `from` / latest `through` of procedure-code rows (a status-by-quarter file's span). */
function firstDay(rows: Rows): string | undefined {
  let d = Infinity;
  for (let i = 0; i < rows.length; i++) if (rows.num(i, 1) !== NO_DAY) d = Math.min(d, rows.num(i, 1));
  return Number.isFinite(d) ? rows.value(rows.select((i) => rows.num(i, 1) === d)[0]!, 1) : undefined;
}
function lastDay(rows: Rows): string | undefined {
  let d = -Infinity;
  for (let i = 0; i < rows.length; i++) if (rows.num(i, 2) !== NO_DAY) d = Math.max(d, rows.num(i, 2));
  return Number.isFinite(d) ? rows.value(rows.select((i) => rows.num(i, 2) === d)[0]!, 2) : undefined;
}

/**
 * Procedure codes from the HCPCS file (added/terminated, no window) and from payment files (a
 * status per window) become one set: a code's windowed rows carry its HCPCS dates, and its
 * undated row is dropped.
 */
export function mergeHcpcsDates(rows: Rows): Rows {
  const s = rows.sorted();
  const b = new RowsBuilder('procedure-codes');
  let i = 0;
  while (i < s.length) {
    let j = i;
    while (j < s.length && s.num(j, 0) === s.num(i, 0)) j++;
    const undated: number[] = [];
    const dated: number[] = [];
    for (let k = i; k < j; k++) (s.num(k, 1) === NO_DAY && s.num(k, 2) === NO_DAY ? undated : dated).push(k);
    const hcpcs = undated.length === 1 && dated.length ? undated[0]! : -1;
    for (let k = i; k < j; k++) {
      if (k === hcpcs) continue;
      const r = b.add(0);
      for (let c = 0; c < s.columns.length; c++) {
        const from = hcpcs >= 0 && (c === 4 || c === 5) && s.num(k, c) === NO_DAY ? hcpcs : k;
        if (s.columns[c]!.type === 'text') b.setText(r, c, s.text(from, c));
        else b.set(r, c, s.num(from, c));
      }
    }
    i = j;
  }
  return b.build();
}
