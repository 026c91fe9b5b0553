// `payer-rules convert (837P/CSV → claims)`: being built; registered here so cli/main.ts needs no further edits.
import type { Io } from './args.ts';

export async function convertCommand(_args: string[], io: Io): Promise<number> {
  io.err('payer-rules convert: not available yet');
  return 2;
}
