// Messages between the batch view and its worker.
import type { EvalReport } from '../../writers/index.ts';

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
}

export type BatchRequest =
  | { type: 'run'; id: number; rulesets: Record<string, string>; name: string; text: string }
  | { type: 'detail'; id: number; index: number }
  | { type: 'csv'; id: number };

export type BatchResponse =
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'done'; id: number; rows: BatchRow[]; format: string; why: string; notes: string[]; broken: string[]; ms: number }
  | { type: 'detail'; id: number; report: EvalReport; claim: unknown }
  | { type: 'csv'; id: number; text: string }
  | { type: 'error'; id: number; error: string };
