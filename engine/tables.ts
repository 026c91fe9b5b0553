// Reference tables as the engine sees them: dated releases of CMS and CDC code tables (NCCI PTP
// edits, MUEs, ICD-10-CM, procedure-code validity, the fee schedule) behind small lookup
// interfaces. A ruleset names a table by id; the evaluator is given a `TableProvider` that picks
// the release in force on a line's date of service, as rulesets pick versions. The formats,
// importers and the fast in-memory indexes live in `tables/`; the engine knows only this file.
//
// Conventions: codes are upper case; ICD-10-CM codes are looked up without the dot ("M5450");
// dates are day numbers (days since 1970-01-01, engine/dates.ts); money is integer cents. Lookups
// return shared, frozen rows or primitives: they never allocate per call.

/** The kinds of reference table; one row each, every other list derives from it. */
export const TABLE_KINDS = {
  'ncci-ptp': 'NCCI procedure-to-procedure edits: column 1 / column 2 pairs, effective and deletion dates, modifier indicator',
  mue: 'medically unlikely edits: the most units of a code per line or per date of service, with the adjudication indicator',
  icd10cm: 'ICD-10-CM diagnosis codes by fiscal year (October 1): which codes are billable',
  'procedure-codes': 'procedure codes (CPT and HCPCS Level II) with the dates they are valid and their payment status',
  'fee-schedule': 'fee schedule amounts per code (RVUs × conversion factor, or amounts) by effective window',
} as const;
export type TableKind = keyof typeof TABLE_KINDS;

/** One dated release of a table (one quarterly NCCI file, one fiscal year of ICD-10-CM, …). */
export interface TableReleaseInfo {
  /** The table id rulesets use, e.g. `cms-ncci-ptp-practitioner`. */
  table: string;
  kind: TableKind;
  /** The release's own name, e.g. `2024-07-01` or `FY2026`. */
  release: string;
  /** First day of service the release applies to (YYYY-MM-DD). */
  from: string;
  /**
   * Last day the publisher meant it for (a quarter's end, a fiscal year's end), when known. A
   * date of service past it still uses the newest release, and the report says the release is
   * older than the date of service.
   */
  through?: string;
  /** Where the rows came from, in a sentence (file names, publisher, version). */
  source: string;
  rows: number;
  /** Which codes the release lists completely, in words (a partial release lists only some; see the lookups' `covers`). */
  scope?: { note: string };
  /** What the source lacks, one sentence each (e.g. "effective dates are blank in the source"). */
  missing?: string[];
}

/** NCCI modifier indicator: 0 no modifier bypasses, 1 an NCCI-associated modifier may, 9 not an edit. */
export type ModifierIndicator = 0 | 1 | 9;

export interface NcciEdit {
  /** Day number the edit took effect; undefined when the release does not say. */
  effective: number | undefined;
  /** The edit applies to dates of service before this day; undefined when not deleted. */
  deleted: number | undefined;
  modifierIndicator: ModifierIndicator;
  /** CMS's PTP edit rationale, when the release carries it. */
  rationale?: string;
}

export interface NcciLookup {
  /** The edit bundling `column2` into `column1` that is in force on `day`, if any (indicator 9 rows are never returned). */
  edit(column1: string, column2: string, day: number): NcciEdit | undefined;
  /**
   * Whether the release lists every edit between these two codes (a partial release does not):
   * outside it, "no edit" means "not known". Absent means the release is complete.
   */
  covers?(column1: string, column2: string): boolean;
}

export interface MueRow {
  value: number;
  /** MUE adjudication indicator: 1 per claim line, 2 per date of service (policy), 3 per date of service (clinical). */
  mai: 1 | 2 | 3;
  rationale: string;
}

export interface MueLookup {
  mue(code: string, day: number): MueRow | undefined;
  /** Whether the release lists this code's MUE when it has one (absent: complete). */
  covers?(code: string): boolean;
}

export interface DiagnosisLookup {
  /** `billable` (a valid leaf for HIPAA transactions), `header` (a category, not billable), or undefined when the code is not in the release. */
  diagnosis(dotlessCode: string): 'billable' | 'header' | undefined;
}

export interface ProcedureCodeRow {
  /** Day numbers; undefined when the source does not say. */
  added: number | undefined;
  terminated: number | undefined;
  /** The payer's status for the code (MPFS status indicator for Medicare, e.g. `A`, `I`, `B`), if known. */
  status: string | undefined;
}

export interface ProcedureCodeLookup {
  procedure(code: string, day: number): ProcedureCodeRow | undefined;
  /** Whether the release lists every valid code of this code's range, so that "not found" means "not a valid code" (absent: complete). */
  covers?(code: string): boolean;
}

export interface FeeLookup {
  /** The allowed amount in cents for one unit of `code` (with the line's modifiers) on `day`; facility rate when `facility`. */
  amount(code: string, modifiers: readonly string[], day: number, facility: boolean): number | undefined;
  /**
   * For a code under the multiple procedure payment reduction for therapy (MPFS indicator 5, priced
   * from RVUs): one unit's PE RVU and its amount in cents with half its PE. Undefined otherwise.
   */
  reduction?(code: string, modifiers: readonly string[], day: number, facility: boolean): { pe: number; reduced: number } | undefined;
}

export interface TableLookups {
  'ncci-ptp': NcciLookup;
  mue: MueLookup;
  icd10cm: DiagnosisLookup;
  'procedure-codes': ProcedureCodeLookup;
  'fee-schedule': FeeLookup;
}

/** A loaded release: what it is, and its lookup. */
export interface TableRelease<K extends TableKind = TableKind> {
  info: TableReleaseInfo;
  lookup: TableLookups[K];
}

/** What the evaluator is given: every loaded release, chosen by table id and date of service. */
export interface TableProvider {
  /** Ids and kinds of the tables available (the checker validates ruleset references against it). */
  tables(): readonly { table: string; kind: TableKind }[];
  /**
   * The newest release of `table` whose `from` is on or before `day` (whatever its `through`), or
   * undefined when every release starts after `day` or the table is unknown.
   */
  release(table: string, day: number): TableRelease | undefined;
  /** Every release of a table, oldest first. */
  releases(table: string): readonly TableReleaseInfo[];
}

/** A provider with no tables (rulesets that reference none, and the tests of those that do). */
export const NO_TABLES: TableProvider = { tables: () => [], release: () => undefined, releases: () => [] };
