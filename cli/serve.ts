// `payer-rules serve (evaluation service)`: being built; registered here so cli/main.ts needs no further edits.
import type { Io } from './args.ts';

export async function serveCommand(_args: string[], io: Io): Promise<number> {
  io.err('payer-rules serve: not available yet');
  return 2;
}
