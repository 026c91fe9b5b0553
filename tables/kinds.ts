// The normalized format of each table kind: its columns (name, type, what it means), the columns
// that identify a row, and the table id a CMS/CDC file of that kind is stored under by default.
// The one table for table formats: the CSV header, parsing and validation, the binary cache, the
// diff keys, search and docs/tables.md all derive from it. Browser-safe.
import type { TableKind } from '../engine/tables.ts';

export type ColumnType =
  /** A procedure or diagnosis code, upper case [0-9A-Z], `length` characters (a range when two numbers). */
  | 'code'
  /** `YYYY-MM-DD`; blank allowed when the column is not `required`. */
  | 'date'
  /** A whole number, optionally limited to `values`. */
  | 'int'
  /** A decimal with at most `scale` places, stored exactly as an integer of that scale. */
  | 'decimal'
  /** Free text (descriptions, status letters, modifiers, rationales). */
  | 'text';

export interface Column {
  name: string;
  type: ColumnType;
  required: boolean;
  doc: string;
  /** `code`: the allowed lengths [min, max]. */
  length?: readonly [number, number];
  /** `int`: the allowed values. */
  values?: readonly number[];
  /** `decimal`: the number of decimal places kept. */
  scale?: number;
  /** `text`: the pattern a value must match (a blank passes when the column is optional). */
  pattern?: RegExp;
}

export interface KindFormat {
  kind: TableKind;
  /** The table id an official file of this kind is imported into unless `--table` says otherwise. */
  defaultTable: string;
  columns: readonly Column[];
  /** Columns that identify a row across releases (the diff pairs rows on them). */
  key: readonly string[];
  /** Columns no two rows of a release may share (a repeat is a duplicate row). */
  unique: readonly string[];
  /** How rows and releases are dated, in a sentence for docs/tables.md. */
  dating: string;
}

const HCPCS: readonly [number, number] = [5, 5];
const col = (name: string, type: ColumnType, required: boolean, doc: string, extra: Partial<Column> = {}): Column => ({ name, type, required, doc, ...extra });

export const KIND_FORMATS: { readonly [K in TableKind]: KindFormat } = {
  'ncci-ptp': {
    kind: 'ncci-ptp',
    defaultTable: 'cms-ncci-ptp-practitioner',
    columns: [
      col('column1', 'code', true, 'column 1 code (the one paid)', { length: HCPCS }),
      col('column2', 'code', true, 'column 2 code (denied unless a bypass modifier applies)', { length: HCPCS }),
      col('prior_1996', 'text', false, '`*` when the edit existed before 1996 (CMS column 3), else blank', { pattern: /^\*?$/ }),
      col('effective', 'date', false, 'first day of service the edit applies to; blank when the source does not say'),
      col('deletion', 'date', false, 'the edit applies to days of service before this day; blank when not deleted (CMS `*`)'),
      col('modifier_indicator', 'int', true, '0 no modifier bypasses, 1 an NCCI-associated modifier may bypass, 9 not an edit', { values: [0, 1, 9] }),
      col('rationale', 'text', false, 'CMS PTP edit rationale'),
    ],
    key: ['column1', 'column2'],
    unique: ['column1', 'column2', 'effective', 'deletion'],
    dating: 'Each row applies to days of service in [effective, deletion). The same pair may appear more than once (deleted and added again); the lookup returns the row in force on the day. A row with a blank effective date is taken to apply from the start; where such rows overlap, the one deleted soonest after the day is in force (its successor began when it ended).',
  },
  mue: {
    kind: 'mue',
    defaultTable: 'cms-mue-practitioner',
    columns: [
      col('code', 'code', true, 'procedure code', { length: HCPCS }),
      col('value', 'int', true, 'the most units of service reported for one beneficiary (per line or per day, by MAI)'),
      col('mai', 'int', true, 'MUE adjudication indicator: 1 per claim line, 2 per date of service (policy), 3 per date of service (clinical)', { values: [1, 2, 3] }),
      col('rationale', 'text', false, 'CMS MUE rationale'),
    ],
    key: ['code'],
    unique: ['code'],
    dating: 'One value per code for the whole release; the release is dated (CMS publishes MUEs quarterly).',
  },
  icd10cm: {
    kind: 'icd10cm',
    defaultTable: 'cdc-icd10cm',
    columns: [
      col('code', 'code', true, 'ICD-10-CM code without the dot, upper case', { length: [3, 7] }),
      col('billable', 'int', true, '1 valid for HIPAA-covered transactions (a billable leaf), 0 a header (category)', { values: [0, 1] }),
      col('description', 'text', false, 'the long description from the order file (public domain)'),
    ],
    key: ['code'],
    unique: ['code'],
    dating: 'A release is one fiscal year: FY2026 applies from 2025-10-01 through 2026-09-30 (an April update is a release of its own). A day after the newest release ends is not judged: diagnoses on it are reported not checked until the next fiscal year is imported.',
  },
  'procedure-codes': {
    kind: 'procedure-codes',
    defaultTable: 'cms-procedure-codes',
    columns: [
      col('code', 'code', true, 'CPT or HCPCS Level II code (codes only: no descriptors)', { length: HCPCS }),
      col('from', 'date', false, 'first day the status applies (the payment file it comes from); blank with `through` for the whole release'),
      col('through', 'date', false, 'last day the status applies; blank when open'),
      col('status', 'text', false, 'MPFS status indicator (A active, B bundled, I not valid for Medicare, N non-covered, R restricted, C carrier priced, …); blank when unknown', { pattern: /^[A-Z]?$/ }),
      col('added', 'date', false, 'the day the code was added (HCPCS ADD_DT); blank when the source does not say'),
      col('terminated', 'date', false, 'the last day the code is valid (HCPCS TERM_DT); blank when not terminated'),
    ],
    key: ['code', 'from'],
    unique: ['code', 'from'],
    dating: 'A code is valid on a day when it was added on or before the day, not terminated before it, and listed for that day (a row whose [from, through] holds the day). Days after the release\'s last `through` use its last rows; a code it does not list is not judged on such a day (it may have been added since).',
  },
  'fee-schedule': {
    kind: 'fee-schedule',
    defaultTable: 'cms-mpfs',
    columns: [
      col('code', 'code', true, 'procedure code', { length: HCPCS }),
      col('modifier', 'text', false, 'pricing modifier (26, TC, 53, …); blank for the global service', { pattern: /^([0-9A-Z]{2})?$/ }),
      col('locality', 'text', false, 'Medicare carrier and locality; blank for national (GPCIs of 1)', { pattern: /^[0-9A-Z]*$/ }),
      col('status', 'text', false, 'MPFS status indicator', { pattern: /^[A-Z]?$/ }),
      col('work_rvu', 'decimal', false, 'work RVU', { scale: 2 }),
      col('pe_rvu_nonfacility', 'decimal', false, 'practice-expense RVU, non-facility', { scale: 2 }),
      col('pe_rvu_facility', 'decimal', false, 'practice-expense RVU, facility', { scale: 2 }),
      col('mp_rvu', 'decimal', false, 'malpractice RVU', { scale: 2 }),
      col('conversion_factor', 'decimal', false, 'dollars per RVU', { scale: 4 }),
      col('amount_nonfacility', 'decimal', false, 'a stated amount in dollars (a payer\'s own schedule); blank to compute from RVUs', { scale: 2 }),
      col('amount_facility', 'decimal', false, 'as above, facility rate', { scale: 2 }),
      col('pctc', 'text', false, 'MPFS PC/TC indicator'),
      col('mult_proc', 'text', false, 'MPFS multiple-procedure indicator'),
    ],
    key: ['code', 'modifier', 'locality'],
    unique: ['code', 'modifier', 'locality'],
    dating: 'A release is one payment file with its window (RVU24A: 2024-01-01 through 2024-03-08). Amount = (work + PE + MP RVU) × conversion factor, rounded to cents, unless the row states amounts; status B pays 0 (bundled), and statuses other than A, R, T and B have no amount.',
  },
};

export const KINDS = Object.keys(KIND_FORMATS) as TableKind[];

export function isKind(s: string): s is TableKind {
  return Object.hasOwn(KIND_FORMATS, s);
}

/** The CSV header line of a kind's normalized format. */
export function headerOf(kind: TableKind): string {
  return KIND_FORMATS[kind].columns.map((c) => c.name).join(',');
}
