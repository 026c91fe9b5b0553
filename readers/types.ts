// Shapes the readers share with their callers (the command line, the studio's batch view).
import type { ReaderDiagnostic } from './diagnostics.ts';

/** The input formats the readers know. */
export type InputFormat = 'x12' | 'csv' | 'json' | 'ndjson';

/**
 * One claim as read, in the contract's JSON form (dollars, ISO dates; not yet validated: the engine
 * does that), with what the reader noticed. `claim` is null for a problem that belongs to no claim
 * (an envelope error, a JSON line that is not an object, a minutes row for an absent claim).
 */
export interface ReaderRecord {
  claim: Record<string, unknown> | null;
  diagnostics: ReaderDiagnostic[];
  /** NDJSON/JSON input: the raw value when it is not a JSON object (the engine reports it). */
  raw?: unknown;
  /** NDJSON/CSV: the 1-based line or first row the claim came from. */
  row?: number;
}

/** Payer id (2010BB NM109) or claim filing indicator (SBR09) → ruleset id. */
export interface PayerMap {
  byPayerId: Record<string, string>;
  byClaimFilingIndicator: Record<string, string>;
}
