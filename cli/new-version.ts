// `payer-rules new-version`: being built; registered here so cli/main.ts needs no further edits.
import type { Io } from './args.ts';

export async function newVersionCommand(_args: string[], io: Io): Promise<number> {
  io.err('payer-rules new-version: not available yet');
  return 2;
}
