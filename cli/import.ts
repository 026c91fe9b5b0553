// `payer-rules import (reference tables)`: being built; registered here so cli/main.ts needs no further edits.
import type { Io } from './args.ts';

export async function importCommand(_args: string[], io: Io): Promise<number> {
  io.err('payer-rules import: not available yet');
  return 2;
}
