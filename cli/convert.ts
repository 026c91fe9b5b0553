// `payer-rules convert FILE… [--minutes F] [--overlay F] [--payers F] [--as-of DATE] [--input FMT]`:
// the claims an 837P, CSV, JSON or NDJSON file maps to, as the engine will judge them — NDJSON, one
// `{"claim": …, "diagnostics": […]}` per claim in file order (a problem that belongs to no claim,
// such as an envelope error, has `"claim": null`). Exit 0, 1 when any diagnostic is an error, 2 when
// a file cannot be read. Patient data (patient id, birth date, authorization number) is shown as
// "(patient data: not shown)" unless `--with-patient-data` is given, which writes the claims as
// they are (to evaluate them elsewhere); standard error never carries any.
import type { Io } from './args.ts';
import { parseFlags } from './args.ts';
import { readClaims, unusedSupplements, type ReaderRecord } from '../readers/index.ts';
import { withholdPatientData } from '../engine/claim-schema.ts';
import { UsageError } from '../workspace/files.ts';
import { asOfFrom, formatOf, head, readText, streamText, supplementsFrom } from './input.ts';

export const CONVERT_FLAGS = { '--minutes': 'value', '--overlay': 'value', '--payers': 'value', '--as-of': 'value', '--input': 'value', '--with-patient-data': 'bool' } as const;

export async function convertCommand(args: string[], io: Io, stdin: NodeJS.ReadableStream = process.stdin, write: (s: string) => void = (s) => void process.stdout.write(s)): Promise<number> {
  const { flags, rest } = parseFlags(args, CONVERT_FLAGS);
  if (rest.length === 0) throw new UsageError('convert needs at least one claims file (837P, .csv, .json, .ndjson), or - for standard input');
  const supplements = supplementsFrom(flags);
  const asOf = asOfFrom(flags);
  const seenIds = new Set<string>();
  // Read every file first, so an unreadable one stops the command before anything is printed.
  const inputs: { name: string; text: string }[] = [];
  for (const f of rest) {
    if (f === '-') {
      const it = (async function* () {
        for await (const c of stdin as AsyncIterable<Buffer | string>) yield typeof c === 'string' ? Buffer.from(c) : c;
      })();
      inputs.push({ name: '-', text: await streamText(undefined, it) });
    } else inputs.push({ name: f, text: readText(f) });
  }
  const keep = flags['--with-patient-data'] === true;
  let errors = false;
  let withheld = false;
  let out: string[] = [];
  const print = (rec: ReaderRecord) => {
    if (rec.diagnostics.some((d) => d.severity === 'error')) errors = true;
    const claim = rec.claim ?? rec.raw ?? null;
    const shown = keep ? claim : withholdPatientData(claim);
    if (!keep && shown !== claim) withheld = true;
    out.push(JSON.stringify({ claim: shown, diagnostics: rec.diagnostics }));
    if (out.length >= 256) {
      write(out.join('\n') + '\n');
      out = [];
    }
  };
  for (const { name, text } of inputs) {
    const format = formatOf(name, name === '-' ? text.slice(0, 4096) : head(name), flags['--input']);
    for (const rec of readClaims(text, format, { supplements, seenIds, ...(asOf ? { asOf } : {}), reportUnused: false })) print(rec);
  }
  for (const d of unusedSupplements(supplements)) print({ claim: null, diagnostics: [d] });
  if (out.length) write(out.join('\n') + '\n');
  if (withheld) io.err('convert: patient data (everything under `patient`, authorization numbers) is shown as "(patient data: not shown)", and keys the claim format does not have are left out; --with-patient-data writes the claims as read (to evaluate the output with eval, submit or the service)');
  return errors ? 1 : 0;
}
