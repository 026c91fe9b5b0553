// `payer-rules new-version RULESET VERSION [--rulesets DIR] [--effective DATE] [--through DATE]`:
// starts the next version of a ruleset from its latest one (studio/new-version.ts does the work).
// RULESET is a ruleset id, or a .payer file or payer folder whose ruleset id is used.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { peekHeader } from '../dsl/index.ts';
import { NewVersionError } from '../studio/new-version.ts';
import { createNewVersion } from '../studio/versions.ts';
import { HttpError } from '../studio/files.ts';
import { UsageError, displayPath, rulesetFiles } from '../workspace/files.ts';
import { parseFlags, type Io } from './args.ts';

function rulesetIdOf(arg: string): string {
  if (!existsSync(arg)) return arg;
  const file = statSync(arg).isDirectory() ? rulesetFiles(arg)[0] : arg;
  const id = file && peekHeader({ name: file, text: readFileSync(file, 'utf8') })?.id;
  if (!id) throw new UsageError(`${arg} holds no ruleset header to take the ruleset id from`);
  return id;
}

export async function newVersionCommand(args: string[], io: Io): Promise<number> {
  const { flags, rest } = parseFlags(args, { '--rulesets': 'value', '--effective': 'value', '--through': 'value' });
  if (rest.length !== 2) throw new UsageError('usage: payer-rules new-version RULESET VERSION [--rulesets DIR] [--effective YYYY-MM-DD] [--through YYYY-MM-DD]');
  const root = resolve((flags['--rulesets'] as string | undefined) ?? 'rulesets');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`no rulesets folder at ${root} (give --rulesets DIR)`);
  const opts = { ...(typeof flags['--effective'] === 'string' ? { effective: flags['--effective'] } : {}), ...(typeof flags['--through'] === 'string' ? { through: flags['--through'] } : {}) };
  try {
    const plan = createNewVersion(root, rulesetIdOf(rest[0]!), rest[1]!, opts);
    io.out(`created ${join(root, plan.newPath)}: ${plan.ruleset} ${plan.version}, effective ${plan.effective}${plan.through ? ` through ${plan.through}` : ''}`);
    for (const n of plan.notes) io.out(`  ${n}`);
    // Year-specific values copied forward as they were (amounts, citations, header comments):
    // listed with the rest of the report (standard output, as the notes), the file left as
    // copied, for the rules team to check one by one.
    if (plan.warnings.length) {
      const n = plan.warnings.length;
      io.out(`warning: ${n} line${n === 1 ? '' : 's'} of ${displayPath(join(root, plan.newPath))} name${n === 1 ? 's' : ''} a year of ${plan.previousVersion}, copied as ${n === 1 ? 'it was' : 'they were'}:`);
      for (const w of plan.warnings) io.out(`  ${displayPath(join(root, w.path))}:${w.line}: ${w.message}\n      ${w.text}`);
    }
    io.out(`next: payer-rules diff ${join(root, plan.previousPath)} ${join(root, plan.newPath)} --claims ${join(root, plan.newPath.split('/').slice(0, -1).join('/'), 'claims')}`);
    return 0;
  } catch (e) {
    if (e instanceof NewVersionError || e instanceof HttpError) {
      io.err(`payer-rules new-version: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
