// The release formats CMS and CDC publish, one row each: what the file looks like (how it is
// recognized), and how its rows become a kind's normalized rows. The normalized CSV of each kind
// is read too (a row per kind). docs/tables.md lists the same formats.
import type { TableKind } from '../../engine/tables.ts';
import { formatDay, parseDay } from '../codes.ts';
import { DelimitedReader } from '../csv.ts';
import { KIND_FORMATS } from '../kinds.ts';
import { type Problems, setCell } from '../normalized.ts';
import { type RowsBuilder, parseScaled } from '../rows.ts';
import { type InputText, findsHeader, readHeaderMapped, starIsBlank, textInput, type SourceColumn } from './read.ts';

/** Where a format's rows go: the release's builder, or (for a file that holds several releases, such as one CSV of four RVU files) one per release. */
export interface Sink {
  builder(part?: { release: string; from: string; through?: string }): RowsBuilder;
}

export interface ImportFormat {
  id: string;
  kind: TableKind;
  /** The format in a phrase, for docs and "not a recognized file" messages. */
  doc: string;
  recognize(input: InputText): boolean;
  read(input: InputText, sink: Sink, problems: Problems): void;
  /** A release name and dates the file itself implies (the ICD-10-CM fiscal year in its name). */
  implies?(name: string): { release: string; from: string; through: string } | undefined;
}

const firstLines = (t: string, n = 60) => t.slice(0, 20_000).split('\n').slice(0, n);
const headerIn = (input: InputText, columns: Record<string, SourceColumn>, delimiter = ',') =>
  firstLines(input.head).some((l) => {
    const r = new DelimitedReader(l, delimiter);
    return r.next() && findsHeader(r.fields(), columns);
  });

function headerFormat(id: string, kind: TableKind, doc: string, columns: Record<string, SourceColumn>, extra?: NonNullable<Parameters<typeof readHeaderMapped>[4]>['extra']): ImportFormat {
  return {
    id,
    kind,
    doc,
    recognize: (input) => headerIn(input, columns),
    read: (input, sink, problems) => readHeaderMapped(input, sink.builder(), problems, columns, extra ? { extra } : {}),
  };
}

/** The normalized CSV of a kind, read as a source (docs/tables.md). */
function normalizedFormat(kind: TableKind): ImportFormat {
  const columns = Object.fromEntries(KIND_FORMATS[kind].columns.map((c) => [c.name, { names: [c.name], required: c.required }]));
  const names = KIND_FORMATS[kind].columns.map((c) => c.name);
  return {
    ...headerFormat(`${kind}-normalized`, kind, `the normalized ${kind} CSV (header \`${names.join(',')}\`)`, columns),
    recognize: (input) =>
      firstLines(input.head).some((l) => {
        const f = l.trim().split(',');
        return f.length === names.length && f.every((x, i) => x === names[i]);
      }),
  };
}

// --- NCCI PTP -------------------------------------------------------------------------------

const ptpColumns: Record<string, SourceColumn> = {
  column1: { names: ['column1', 'column 1'], required: true },
  column2: { names: ['column2', 'column 2'], required: true },
  prior_1996: { names: ['in_existence_prior_1996', /in existence/i] },
  effective: { names: ['effective_date', 'effective date'] },
  deletion: { names: ['deletion_date', /^deletion date/i], map: starIsBlank },
  modifier_indicator: { names: ['modifier_indicator', /^modifier/i], required: true },
  rationale: { names: ['rationale', 'ptp edit rationale'] },
};

const CODE5 = /^[0-9A-Z]{5}$/;

/** Whether `text[start, end)` is `*`, spaces around it allowed. */
function isStar(text: string, start: number, end: number): boolean {
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  return end - start === 1 && text.charCodeAt(start) === 42;
}

/** CMS's quarterly PTP text file: a preamble, a header spread over lines, then tab-delimited rows. */
const ptpText: ImportFormat = {
  id: 'ncci-ptp-cms-text',
  kind: 'ncci-ptp',
  doc: 'CMS NCCI PTP text file (`ccipra-v323r0-f1.txt` …, tab-delimited with a preamble; or the zip that holds it)',
  recognize: (input) => {
    const lines = firstLines(input.head);
    return lines.some((l) => /column\s*1/i.test(l)) && lines.some((l) => l.split('\t').length >= 6 && CODE5.test(l.split('\t')[0]!.trim()));
  },
  read(input, sink, problems) {
    const b = sink.builder();
    const r = input.reader('\t');
    let started = false;
    while (r.next()) {
      if (!started) {
        // The data starts at the first line whose first two fields are codes.
        if (!(r.count >= 6 && CODE5.test(r.field(0).trim()) && CODE5.test(r.field(1).trim()))) continue;
        started = true;
      }
      if (r.isBlank()) continue;
      if (r.count < 6) {
        problems.add(r.line, `expected at least 6 tab-separated columns, found ${r.count} (is the file cut short?)`);
        continue;
      }
      const row = b.add(r.line);
      const bad =
        setCell(b, row, 0, r.text, r.start(0), r.end(0)) ??
        setCell(b, row, 1, r.text, r.start(1), r.end(1)) ??
        setCell(b, row, 2, r.text, r.start(2), r.end(2), r.decoded(2)) ??
        setCell(b, row, 3, r.text, r.start(3), r.end(3)) ??
        // CMS writes "not deleted" as `*`.
        (isStar(r.text, r.start(4), r.end(4)) ? setCell(b, row, 4, '', 0, 0) : setCell(b, row, 4, r.text, r.start(4), r.end(4))) ??
        setCell(b, row, 5, r.text, r.start(5), r.end(5)) ??
        setCell(b, row, 6, r.text, r.start(6), r.end(6), r.decoded(6));
      if (bad) {
        problems.add(r.line, bad);
        b.drop();
      }
    }
    if (!started) problems.add(1, 'no PTP rows found (a line of tab-separated column 1, column 2, …)');
  },
};

// --- MUE ------------------------------------------------------------------------------------

const MAI_TEXT: Record<string, string> = { '1': 'Line Edit', '2': 'Date of Service Edit: Policy', '3': 'Date of Service Edit: Clinical' };
/** Reads "2 Date of Service Edit: Policy" (CMS) or "2" as the MAI digit. */
const maiDigit = (s: string) => {
  const m = /^([123])(\s|$)/.exec(s);
  return m ? m[1]! : { problem: `\`${s}\` is not an MUE adjudication indicator (1, 2 or 3)` };
};

const mueColumns: Record<string, SourceColumn> = {
  code: { names: ['code', 'hcpcs/cpt code'], required: true },
  value: { names: ['mue_value', 'value', /MUE Values$/i], required: true },
  mai: { names: ['mai', 'mue adjudication indicator'], required: true, map: maiDigit },
  rationale: { names: ['rationale', 'mue rationale'] },
};

/** A stated `mai_text` must say what the digit means. */
const checkMaiText = (get: (h: string) => string) => {
  const text = get('mai_text');
  const digit = get('mai');
  return text && MAI_TEXT[digit] && text !== MAI_TEXT[digit] ? `mai_text \`${text.slice(0, 60)}\` does not match mai ${digit} (${MAI_TEXT[digit]})` : undefined;
};

// --- ICD-10-CM --------------------------------------------------------------------------------

/** FY2026 from "icd10cm-order-2026.txt", "icd10cm_fy2026.csv", …: from 2025-10-01 through 2026-09-30. */
function fiscalYear(name: string): { release: string; from: string; through: string } | undefined {
  const m = /(?:fy|order[-_ ]?|codes[-_ ]?|icd10cm[-_ ]?)(20\d\d)/i.exec(name.split(/[\\/]/).pop() ?? '');
  if (!m) return undefined;
  const y = Number(m[1]);
  return { release: `FY${y}`, from: `${y - 1}-10-01`, through: `${y}-09-30` };
}

/** CDC's order file: order number (1–5), code (7–13), billable flag (15), short (17–76), long (78–). */
const icdOrder: ImportFormat = {
  id: 'icd10cm-order',
  kind: 'icd10cm',
  doc: 'CDC ICD-10-CM order file (`icd10cm-order-2026.txt`, fixed width; or the zip that holds it)',
  recognize: (input) => /^\uFEFF?\d{5} [0-9A-Z]{3,7} *[01] /.test(input.head),
  implies: fiscalYear,
  read(input, sink, problems) {
    const b = sink.builder();
    const r = input.reader('\u0000');
    while (r.next()) {
      if (r.isBlank()) continue;
      const line = r.raw();
      if (!/^\d{5} [0-9A-Z]{3,7} *[01] /.test(line) || line.length < 17) {
        problems.add(r.line, `not an order-file line (order number, code, 0 or 1, description at fixed positions)${line.length < 17 ? '; the line is cut short' : ''}`);
        continue;
      }
      const row = b.add(r.line);
      const flag = line.charAt(14);
      const long = line.slice(77).trim();
      const bad = setCell(b, row, 0, line, 6, 13) ?? setCell(b, row, 1, flag, 0, 1) ?? setCell(b, row, 2, long, 0, long.length, long);
      if (bad) {
        problems.add(r.line, bad);
        b.drop();
      }
    }
  },
};

// --- Procedure codes --------------------------------------------------------------------------

const hcpcsColumns: Record<string, SourceColumn> = {
  code: { names: ['code', 'hcpc', 'hcpcs'], required: true },
  added: { names: ['add_date', 'add dt', 'add_dt'], required: true },
  terminated: { names: ['term_date', 'term dt', 'term_dt'], required: true },
};

/** HCPCS file rows: continuation lines (RECID 4 and 8) and modifiers (RECID 7) are not codes. */
const hcpcsCsv: ImportFormat = {
  ...headerFormat('procedure-codes-hcpcs-csv', 'procedure-codes', 'CMS HCPCS Level II file as CSV (columns HCPC, … ADD DT, ACT EFF DT, TERM DT, ACTION CD; or code, add_date, term_date, …)', hcpcsColumns),
  read(input, sink, problems) {
    readHeaderMapped(input, sink.builder(), problems, hcpcsColumns, {
      extra: (get) => {
        const recid = get('recid');
        return recid && recid !== '3' ? null : undefined;
      },
    });
  },
};

/** A quarterly RVU file's column (`rvu24ar_jan`) → the days it covers. */
export function rvuWindow(name: string): { from: string; through: string } | undefined {
  const m = /^rvu(\d\d)([a-d])(r?)(_|$)/i.exec(name.trim());
  if (!m) return undefined;
  const y = 2000 + Number(m[1]);
  const q = 'abcd'.indexOf(m[2]!.toLowerCase());
  const from = `${y}-${String(q * 3 + 1).padStart(2, '0')}-01`;
  const end = formatDay(parseDay(`${q === 3 ? y + 1 : y}-${String(q === 3 ? 1 : q * 3 + 4).padStart(2, '0')}-01`) - 1);
  // CY2024's January file was replaced on 2024-03-09 (RVU24AR, the new conversion factor).
  if (y === 2024 && q === 0) return m[3] ? { from: '2024-03-09', through: end } : { from, through: '2024-03-08' };
  return { from, through: end };
}

/** Status indicators by quarterly RVU file: one column per file (`rvu20a_jan` … `rvu24c_jul`). */
const statusByQuarter: ImportFormat = {
  id: 'procedure-codes-mpfs-status',
  kind: 'procedure-codes',
  doc: 'MPFS status indicator per quarterly RVU file (CSV: `code`, then one column per file such as `rvu24c_jul`; blank = not in that file)',
  recognize: (input) => /^\uFEFF?"?code"?,"?rvu\d\d[a-d]/i.test(input.head),
  read(input, sink, problems) {
    const b = sink.builder();
    const r = input.reader(',');
    let windows: ({ from: number; through: number } | undefined)[] = [];
    while (r.next()) {
      const f = r.fields().map((s) => s.trim());
      if (r.line === 1) {
        windows = f.map((h, i) => {
          const w = i ? rvuWindow(h) : undefined;
          if (i && !w) problems.add(1, `column \`${h}\` is not an RVU file name like rvu24c_jul`);
          return w && { from: parseDay(w.from), through: parseDay(w.through) };
        });
        continue;
      }
      if (r.isBlank()) continue;
      if (f.length !== windows.length) {
        problems.add(r.line, `expected ${windows.length} columns, found ${f.length}`);
        continue;
      }
      // Adjacent files with the same status become one row.
      let i = 1;
      while (i < f.length) {
        if (!f[i]) {
          i++;
          continue;
        }
        let j = i;
        while (j + 1 < f.length && f[j + 1] === f[i] && windows[j + 1]!.from === windows[j]!.through + 1) j++;
        const row = b.add(r.line);
        const bad = setCell(b, row, 0, f[0]!, 0, f[0]!.length) ?? setCell(b, row, 3, f[i]!, 0, f[i]!.length, f[i]);
        if (bad) {
          problems.add(r.line, bad);
          b.drop();
          break;
        }
        b.set(row, 1, windows[i]!.from);
        b.set(row, 2, windows[j]!.through);
        setCell(b, row, 4, '', 0, 0);
        setCell(b, row, 5, '', 0, 0);
        i = j + 1;
      }
    }
  },
};

// --- PFS relative value file (fee schedule and status) -----------------------------------------

const rvuColumns: Record<string, SourceColumn> = {
  code: { names: ['hcpcs', 'code'], required: true },
  modifier: { names: ['mod', 'modifier'], required: true },
  status: { names: ['status code', 'status_code', 'status'], required: true },
  work_rvu: { names: ['work rvu', 'work_rvu'], required: true },
  pe_rvu_nonfacility: { names: ['non-fac pe rvu', 'non-facility pe rvu', 'pe_rvu_nonfacility'], required: true },
  pe_rvu_facility: { names: ['facility pe rvu', 'pe_rvu_facility'], required: true },
  mp_rvu: { names: ['mp rvu', 'mp_rvu'], required: true },
  conversion_factor: { names: ['conv factor', 'conversion factor', 'conversion_factor'], required: true },
  pctc: { names: ['pctc ind', 'pctc_ind'] },
  mult_proc: { names: ['mult proc', 'mult_proc'] },
};

/** CMS PPRRVU CSV (national RVUs of one quarterly file): the fee schedule of that file's window. */
const pprrvu: ImportFormat = headerFormat('fee-schedule-pprrvu', 'fee-schedule', 'CMS PFS national relative value file as CSV (`PPRRVU24_JUL.csv`, preamble then HCPCS, MOD, …, CONV FACTOR; or the zip that holds it)', rvuColumns);

/** The PPRRVU file read for code validity: the status of each code (no modifier) in that file's window. */
const pprrvuStatus: ImportFormat = {
  id: 'procedure-codes-pprrvu',
  kind: 'procedure-codes',
  doc: 'CMS PFS national relative value file as CSV: the status indicator of each code for the file\'s window (`--from`/`--through`)',
  recognize: (input) => headerIn(input, rvuColumns),
  read(input, sink, problems) {
    // Rows for a modifier (26, TC) price a component; the code's status is on its row without one.
    readHeaderMapped(input, sink.builder(), problems, { code: rvuColumns.code!, status: rvuColumns.status! }, { extra: (get) => (get('mod') ? null : undefined) });
  },
};

/** The extract's computed amounts must be total RVU × conversion factor, to the cent. */
function checkComputed(get: (h: string) => string): string | undefined {
  const cf = parseScaled(get('conversion_factor'), 4);
  for (const side of ['nonfacility', 'facility']) {
    const stated = parseScaled(get(`national_amount_${side}_computed`), 2);
    const total = parseScaled(get(`total_rvu_${side}`), 2);
    if (stated === undefined || total === undefined || cf === undefined) continue;
    const cents = Math.round((total * cf) / 10_000);
    if (cents !== stated) return `national_amount_${side}_computed ${get(`national_amount_${side}_computed`)} is not total_rvu_${side} × conversion_factor (${(cents / 100).toFixed(2)})`;
  }
  return undefined;
}

/** Our combined extract of several RVU files (`rvu_file`, `effective_start`, `effective_end` per row): one release per file. */
const rvuByFile: ImportFormat = {
  id: 'fee-schedule-rvu-extract',
  kind: 'fee-schedule',
  doc: 'RVU rows of several PPRRVU files in one CSV (`code,modifier,rvu_file,effective_start,effective_end,status_code,work_rvu,…`): one release per RVU file; the `national_amount_*_computed` columns are checked against the amounts computed here',
  recognize: (input) => /(^|\n)code,modifier,rvu_file,effective_start,effective_end,/.test(input.head.slice(0, 2000)),
  read(input, sink, problems) {
    const parts = new Map<string, { from: string; through: string; lines: string[] }>();
    const r = input.reader(',');
    let header = '';
    while (r.next()) {
      if (!header) {
        header = r.raw();
        continue;
      }
      const file = r.field(2).trim();
      if (!parts.has(file)) parts.set(file, { from: r.field(3).trim(), through: r.field(4).trim(), lines: [] });
      const p = parts.get(file)!;
      if (r.field(3).trim() !== p.from || r.field(4).trim() !== p.through) problems.add(r.line, `${file} rows disagree on the file's dates (${p.from} … ${p.through} before)`);
      // Blank lines keep each row's line number in the per-file text.
      while (p.lines.length < r.line - 1) p.lines.push('');
      p.lines.push(r.raw());
    }
    for (const [file, p] of parts) {
      if (Number.isNaN(parseDay(p.from)) || Number.isNaN(parseDay(p.through))) {
        problems.add(1, `${file}: effective_start/effective_end are not dates`);
        continue;
      }
      const b = sink.builder({ release: file, from: p.from, through: p.through });
      p.lines[0] = header;
      readHeaderMapped(textInput(input.name, p.lines.join('\n')), b, problems, rvuColumns, { extra: checkComputed });
    }
  },
};

/** Every format, per kind; the first that recognizes a file reads it. Normalized CSVs last. */
export const IMPORT_FORMATS: readonly ImportFormat[] = [
  ptpText,
  headerFormat('ncci-ptp-csv', 'ncci-ptp', 'NCCI PTP rows as CSV (`column1,column2,[in_existence_prior_1996,]effective_date,deletion_date,modifier_indicator,rationale`; dates YYYYMMDD or YYYY-MM-DD, `*` or blank = not deleted)', ptpColumns),
  headerFormat('mue-cms-csv', 'mue', 'CMS MUE table as CSV (`HCPCS/CPT Code`, `Practitioner Services MUE Values`, `MUE Adjudication Indicator`, `MUE Rationale` after a copyright preamble; or `code,mue_value,mai,[mai_text,]rationale`)', mueColumns, checkMaiText),
  icdOrder,
  {
    ...headerFormat('icd10cm-csv', 'icd10cm', 'ICD-10-CM rows as CSV (`code,billable,short_description,long_description`, codes without the dot)', {
      code: { names: ['code'], required: true },
      billable: { names: ['billable'], required: true },
      description: { names: ['long_description', 'description'] },
    }),
    implies: fiscalYear,
  },
  statusByQuarter,
  hcpcsCsv,
  pprrvuStatus,
  rvuByFile,
  pprrvu,
  ...(Object.keys(KIND_FORMATS) as TableKind[]).map(normalizedFormat),
];

/** The format of a file for a kind: the normalized CSV if it is one, else the first official format that recognizes it. */
export function formatFor(kind: TableKind, input: InputText): ImportFormat | undefined {
  const mine = IMPORT_FORMATS.filter((f) => f.kind === kind);
  return mine.find((f) => f.id.endsWith('-normalized') && f.recognize(input)) ?? mine.find((f) => f.recognize(input));
}
