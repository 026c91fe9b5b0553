// What the writers receive: the engine's report for a claim, plus what the input reader noticed
// (837P, CSV) — warnings and notes that did not stop the claim from being checked.
import type { Report } from '../engine/index.ts';

/** A reader diagnostic as a report carries it (no patient data: readers never quote it). */
export interface InputNote {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  where: string;
}

/** A report as `eval` writes it: the engine's report and, for 837P/CSV input, `input` notes. */
export type EvalReport = Report & { input?: InputNote[] };
