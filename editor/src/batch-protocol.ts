// Messages between the batch view and its worker.
import type { InputFormat, SupplementTexts } from '../../readers/index.ts';
import type { EvalReport } from '../../writers/index.ts';
import type { Checked } from './server-api.ts';

/** One claim of a batch, as the table shows it (the full report stays in the worker). */
export interface BatchRow {
  /** Position in the batch (0-based), the key for asking the worker for the report. */
  i: number;
  claimId: string;
  status: 'clean' | 'warnings' | 'errors' | 'invalid';
  /** "medicare-part-b 2026.1", or empty when no version applied. */
  ruleset: string;
  dateOfService: string;
  lines: number;
  findings: number;
  errors: number;
  /** Charges on lines (or whole claims) with an error finding, in cents. */
  atRiskCents: number;
  chargeCents: number;
  rules: string[];
  kinds: string[];
  /** Checks that could not run on this claim (never shown as "ok"). */
  notChecked: number;
  /** Clean, but not checked in full: a check could not run, the ruleset leaves policy out, or the reader warned. */
  partial: boolean;
}

export type BatchRequest =
  | {
      type: 'run';
      id: number;
      /** The page's per-launch token (a worker cannot read the page). */
      token: string;
      name: string;
      text: string;
      /** As `eval --minutes`, `--overlay`, `--payers`. */
      supplements?: SupplementTexts;
      /** As `eval --as-of`. */
      asOf?: string;
      /** As `eval --input`, when the format is not detected. */
      format?: InputFormat;
    }
  | { type: 'cancel'; id: number }
  | { type: 'detail'; id: number; index: number }
  | { type: 'csv'; id: number };

export type BatchResponse =
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'done'; id: number; rows: BatchRow[]; total: number; format: string; why: string; notes: string[]; checked: Checked | null; ms: number; cancelled: boolean }
  | { type: 'detail'; id: number; report: EvalReport; claim: unknown; checked: Checked | null }
  | { type: 'csv'; id: number; text: string }
  | { type: 'error'; id: number; error: string };
