// What the input readers (837P, CSV, the minutes sidecar, the overlay, the payer map) can say about
// a file: one table of stable codes with their severity and meaning. Messages never quote patient
// data (names, member ids, birth dates, authorization numbers, free-text notes).

export type ReaderSeverity = 'error' | 'warning' | 'info';

/** Where in the input a diagnostic points. Segment and row numbers are 1-based. */
export interface ReaderPosition {
  /** X12: the segment's number in the file (ISA = 1). */
  segment?: number;
  /** X12: the segment's position in its transaction set (ST = 1), as a 999 acknowledgment counts. */
  inTransaction?: number;
  /** X12: the segment id (`SV1`, `CLM`). */
  tag?: string;
  /** X12: the element (and component) position, e.g. `SV107` or `CLM05-1`. */
  element?: string;
  /** X12: the transaction set control number (ST02). */
  transaction?: string;
  /** CSV and NDJSON: the 1-based row or line of the file (the header is row 1). */
  row?: number;
  /** CSV: the column name. */
  column?: string;
  /** The claim's 1-based service line, when the diagnostic concerns one. */
  line?: number;
  /** The file the diagnostic comes from, when it is a supplement (minutes, overlay, payers). */
  file?: string;
}

export interface ReaderDiagnostic {
  severity: ReaderSeverity;
  code: ReaderCode;
  message: string;
  /** The position in words a biller can follow: `ST 0001 segment 27 (SV1) SV107, line 1`. */
  where: string;
  at: ReaderPosition;
}

export const READER_CODES = {
  // ---- X12 envelope ----
  'X12-NO-ISA': { severity: 'error', fileLevel: true, doc: 'the file does not begin with an ISA segment, so its delimiters are unknown' },
  'X12-BAD-ISA': { severity: 'error', fileLevel: true, doc: 'the ISA segment does not have 16 elements followed by a component separator and a segment terminator' },
  'X12-ISA-LENGTH': { severity: 'warning', doc: 'the ISA segment is not 106 characters long; it was read by counting separators' },
  'X12-VERSION': { severity: 'error', fileLevel: true, doc: 'the transaction is not an 837P of version 005010X222A1 (4010 and 837I are rejected)' },
  'X12-VERSION-ERRATA': { severity: 'warning', doc: 'the transaction says 005010X222A2 (the errata version); it was read as 005010X222A1' },
  'X12-ENVELOPE': { severity: 'error', fileLevel: true, doc: 'an envelope segment is missing or out of place (GS/GE, ST/SE, IEA) or its control numbers disagree' },
  'X12-SE-COUNT': { severity: 'error', fileLevel: true, doc: "SE01 does not match the number of segments in the transaction; a payer's front end rejects the transaction" },
  'X12-HL-PARENT': { severity: 'warning', doc: 'an HL segment names a parent that does not exist or is not of the level above; the most recent level above was used' },
  // ---- X12 claim mapping ----
  'X12-SEPARATOR': { severity: 'error', doc: 'a composite uses a different component separator than ISA16 declares' },
  'X12-NO-POS': { severity: 'error', doc: 'CLM05-1 (place of service) is missing or not 2 digits' },
  'X12-NO-DOS': { severity: 'error', doc: 'a service line has no DTP*472 service date, or it is not a real date' },
  'X12-DOS-RANGE': { severity: 'warning', doc: 'a service date is a range (RD8); the line was given its first date' },
  'X12-MULTI-DOS': { severity: 'info', doc: 'the claim spans several dates of service' },
  'X12-PROCEDURE': { severity: 'error', doc: 'SV101 does not hold an HC procedure code' },
  'X12-UNITS': { severity: 'error', doc: 'SV104 is not a whole number of units' },
  'X12-UNITS-MJ': { severity: 'warning', doc: 'SV103 is MJ: SV104 is minutes (anesthesia only), so the line has minutes and no units' },
  'X12-CHARGE': { severity: 'error', doc: 'a charge (CLM02, SV102) is not a dollar amount' },
  'X12-TOTAL-MISMATCH': { severity: 'error', doc: 'CLM02 does not equal the sum of the service lines\' SV102 charges' },
  'X12-POINTER': { severity: 'error', doc: 'SV107 holds a diagnosis pointer that is not a whole number from 1 to 12' },
  'X12-ICD9': { severity: 'error', doc: 'the diagnoses are ICD-9 (BK/BF); the rules check ICD-10-CM' },
  'X12-DIAGNOSIS': { severity: 'error', doc: 'an HI composite is not a qualifier and a code (qualifier and code in separate elements, or no code)' },
  'X12-NO-CLAIM-ID': { severity: 'error', doc: 'CLM01 (the claim id) is empty' },
  'X12-DUP-CLAIM-ID': { severity: 'error', doc: 'the same CLM01 appears earlier in the input' },
  'X12-PAYER-UNMAPPED': { severity: 'error', doc: 'the payer map has no ruleset for the claim\'s payer id (2010BB NM109) or claim filing indicator (SBR09)' },
  'X12-PAYER-ID': { severity: 'info', doc: 'no payer map was given: the payer id (2010BB NM109) is used as the ruleset id' },
  'X12-NPI': { severity: 'warning', doc: 'a provider is identified by something other than an NPI (NM108 is not XX); the next provider up was used' },
  'X12-DISCIPLINE': { severity: 'warning', doc: 'the discipline could not be told from the taxonomy or the GO/GP/GN modifiers' },
  'X12-LINE-AUTH': { severity: 'warning', doc: 'service lines carry different prior authorization numbers and the claim has none; the first line\'s was used' },
  'X12-NO-PATIENT-ID': { severity: 'info', doc: 'the patient is a dependent and the claim has no medical record number (REF*EA), so patient.id is empty' },
  'X12-REPLACEMENT': { severity: 'info', doc: 'the claim replaces an earlier one (CLM05-3 = 7)' },
  'X12-VOID': { severity: 'warning', doc: 'the claim voids an earlier one (CLM05-3 = 8); it was checked as written, and its findings do not apply to a void' },
  'X12-NTE-IGNORED': { severity: 'info', doc: 'a line note (NTE) was not read; minutes come only from the minutes file' },
  'X12-NO-MINUTES': { severity: 'info', doc: 'service lines have no documented minutes (837P carries none); timed codes among them cannot have their units checked' },
  // ---- CSV claims ----
  'CSV-HEADER': { severity: 'error', fileLevel: true, doc: 'the CSV file has no header row with a claim_id and a code column' },
  'CSV-COLUMN': { severity: 'warning', doc: 'a column of the header is not a known claim column; its values were not read' },
  'CSV-VALUE': { severity: 'error', doc: 'a cell cannot be read as the column\'s type (number, list), or holds a value the claim contract refuses (a date that is not a calendar day, a malformed NPI or code); named by row and column' },
  'CSV-CONFLICT': { severity: 'error', doc: 'two rows of one claim disagree on a claim-level column' },
  'CSV-ROW': { severity: 'error', doc: 'a row is malformed (too many or too few fields, an unclosed quote)' },
  // ---- JSON and NDJSON ----
  'JSON-SYNTAX': { severity: 'error', doc: 'a JSON file or an NDJSON line is not valid JSON' },
  'JSON-SIZE': { severity: 'error', doc: 'an NDJSON line is longer than the 1,000,000-character claim limit' },
  'JSON-NO-CLAIM': { severity: 'error', doc: 'a line of `payer-rules convert` output holds no claim (its reader could not read one); the reader\'s errors are given' },
  'JSON-WITHHELD': { severity: 'error', doc: 'a line of `payer-rules convert` output whose patient data was withheld (written without --with-patient-data), so the claim it holds is not the claim to judge' },
  // ---- supplements ----
  'MIN-CLAIM': { severity: 'warning', doc: 'a minutes row names a claim that is not in the input' },
  'MIN-LINE': { severity: 'error', doc: 'a minutes row names a line the claim does not have, or its code differs from the line\'s' },
  'MIN-VALUE': { severity: 'error', doc: 'a minutes row holds a value that is not a whole number of minutes or a known rendering discipline' },
  'MIN-CONFLICT': { severity: 'error', doc: 'a minutes row disagrees with minutes or assistant minutes the claim file already carries (nothing is silently overridden)' },
  'OVL-CLAIM': { severity: 'warning', doc: 'an overlay entry names a claim that is not in the input' },
  'OVL-CONFLICT': { severity: 'error', doc: 'an overlay value disagrees with a value the claim file carries (nothing is silently overridden)' },
} as const satisfies Record<string, { severity: ReaderSeverity; doc: string; fileLevel?: true }>;

/**
 * Codes of errors in the file itself rather than in a claim (`fileLevel: true` above: an 837P
 * envelope, a CSV header). A report whose every error is one of these and that has no claim id is a
 * part of the file, not a claim: summaries count it apart.
 */
export const FILE_LEVEL_CODES: ReadonlySet<string> = new Set(Object.entries(READER_CODES).filter(([, v]) => 'fileLevel' in v && v.fileLevel).map(([k]) => k));

/** True for the report of a part of a file that is not a claim (an envelope the reader could not read or that a front end rejects, a CSV without a header). */
export function isFileReport(r: { claimId: string | null; status: string; errors?: readonly { message: string }[] }): boolean {
  if (r.claimId !== null || r.status !== 'invalid' || !r.errors?.length) return false;
  return r.errors.every((e) => FILE_LEVEL_CODES.has(/\[([A-Z0-9-]+)\]$/.exec(e.message)?.[1] ?? ''));
}

export type ReaderCode = keyof typeof READER_CODES;

/** Builds a diagnostic with the code's default severity. */
export function diag(code: ReaderCode, message: string, where: string, at: ReaderPosition = {}, severity: ReaderSeverity = READER_CODES[code].severity): ReaderDiagnostic {
  return { severity, code, message, where, at };
}

export function hasError(ds: readonly ReaderDiagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** A supplement or input that cannot be read at all (the command exits 2). */
export class ReaderError extends Error {}
