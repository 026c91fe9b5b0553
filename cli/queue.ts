// `payer-rules worker | submit | results`: being built; registered here so cli/main.ts needs no further edits.
import type { Io } from './args.ts';

export async function workerCommand(_args: string[], io: Io): Promise<number> {
  io.err('payer-rules worker: not available yet');
  return 2;
}
export async function submitCommand(_args: string[], io: Io): Promise<number> {
  io.err('payer-rules submit: not available yet');
  return 2;
}
export async function resultsCommand(_args: string[], io: Io): Promise<number> {
  io.err('payer-rules results: not available yet');
  return 2;
}
