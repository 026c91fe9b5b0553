// What the writers receive: the engine's report for a claim, plus what the input reader noticed
// (837P, CSV) — warnings and notes that did not stop the claim from being checked.
import type { InputNote, Report } from '../engine/report.ts';

export type { InputNote };

/** A report as `eval` writes it: the engine's report (with `input` notes for 837P/CSV input). */
export type EvalReport = Report;
