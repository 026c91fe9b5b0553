// What every command shares: where its output goes, and how its flags are read.
import { UsageError } from '../workspace/files.ts';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export const stdio: Io = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

/**
 * Spellings that name one flag: some commands take a single ruleset (`eval --ruleset`), others a
 * folder of them (`serve --rulesets`), and people type either. A command that knows one of the two
 * takes the other as the same flag (its value under the name it knows).
 */
const SAME_FLAG: Record<string, string> = { '--rulesets': '--ruleset', '--ruleset': '--rulesets' };

/** Splits argv into known flags (`--x`, `--x=v`, `--x v`) and the rest; an unknown flag is a usage error. */
export function parseFlags(args: string[], known: Record<string, 'bool' | 'value'>): { flags: Record<string, string | true>; rest: string[] } {
  const flags: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a !== '-') {
      let [k, inline] = a.split('=', 2) as [string, string | undefined];
      const other = SAME_FLAG[k];
      if (!known[k] && other && known[other]) k = other;
      const kind = known[k];
      if (!kind) throw new UsageError(`unknown option ${k}`);
      if (kind === 'bool') flags[k] = true;
      else {
        const v = inline ?? args[++i];
        if (v === undefined) throw new UsageError(`${k} needs a value`);
        flags[k] = v;
      }
    } else rest.push(a);
  }
  return { flags, rest };
}
