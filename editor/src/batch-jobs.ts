// A claims file → the jobs the studio server evaluates, read exactly as `payer-rules eval` reads
// it (cli/eval.ts): the format by name and first bytes, NDJSON without supplements line by line
// as `eval` streams it (each line parsed on the server, as a streamed line is), everything else
// through readers/ with the minutes, overlay and payer-map files and `--as-of`; a problem that
// belongs to no claim becomes a note, as `eval` prints it on standard error; a claim id seen
// earlier in the input is marked so the server reports it as `eval` does. Browser-safe: the batch
// worker runs it, and the test that the studio and `eval` agree runs it in Node.
import { MAX_CLAIM_CHARS, asInputErrors, detectFormat, loadSupplements, readClaims, unusedSupplements, ReaderError, type InputFormat, type ReaderDiagnostic, type ReaderRecord, type SupplementTexts } from '../../readers/index.ts';
import { claimIdOf } from '../../engine/validate.ts';
import type { InputNote } from '../../writers/index.ts';

/** One claim for POST /api/evaluate (studio/evaluate.ts), as `eval`'s LineJob. */
export interface Job {
  lineNo: number;
  value?: unknown;
  text?: string;
  tooLong?: number;
  errors?: { path: string; message: string }[];
  claimId?: string | null;
  input?: InputNote[];
  /** The claim's id appeared earlier in this input, first as claim N. */
  duplicateOf?: number;
}

export interface BatchInput {
  name: string;
  text: string;
  supplements?: SupplementTexts;
  /** `--as-of`: fills submittedOn where a claim has none. */
  asOf?: string;
  /** `--input`: the format, when not detected. */
  format?: InputFormat;
}

export interface BatchJobs {
  format: InputFormat;
  why: string;
  jobs: Job[];
  /** Problems that belong to no claim, as `eval` prints them on standard error. */
  notes: string[];
}

/** A line longer than this many bytes is skipped unread by `eval` (cli/input.ts). */
const LINE_BYTES = MAX_CLAIM_CHARS * 4;
/** The longest over-long line sent as text (a request body holds 2 MB). */
const MAX_LONG_LINE_JSON = 1_900_000;

const note = (d: ReaderDiagnostic): InputNote => ({ severity: d.severity, code: d.code, message: d.message, where: d.where });

/** A reader's record → its job, as cli/eval.ts's jobOf. */
function jobOf(rec: ReaderRecord, n: number): Job {
  const input = rec.diagnostics.map(note).filter((x) => x.severity !== 'error');
  const errors = asInputErrors(rec.diagnostics);
  const claimId = rec.claim && typeof rec.claim['id'] === 'string' ? rec.claim['id'] : null;
  const job: Job = { lineNo: rec.row ?? n };
  if (errors.length) Object.assign(job, { errors, claimId });
  else job.value = rec.claim ?? rec.raw;
  if (input.length) job.input = input;
  return job;
}

/** The id a job's report will carry (eval compares report ids to find duplicates). */
function idOf(job: Job): string | null {
  if (job.errors) return job.claimId ?? null;
  if (job.value !== undefined) return claimIdOf(job.value);
  if (job.text !== undefined) {
    try {
      return claimIdOf(JSON.parse(job.text));
    } catch {
      return null;
    }
  }
  return null;
}

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/** Reads a claims file into jobs, or says why it cannot be read at all (`eval` exits 2 then). */
export function batchJobs(input: BatchInput): BatchJobs | { error: string } {
  const text = input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text;
  const detected = detectFormat(input.name, text.slice(0, 4096));
  const format = input.format ?? detected.format;
  const why = input.format ? 'chosen' : detected.why;
  let supplements;
  try {
    supplements = loadSupplements(input.supplements ?? {});
  } catch (e) {
    if (e instanceof ReaderError) return { error: e.message };
    throw e;
  }
  const jobs: Job[] = [];
  const notes: string[] = [];
  const noteOf = (d: ReaderDiagnostic) => `${d.at.file ? '' : `${input.name}: `}${d.where}: ${d.severity} ${d.code} ${d.message}`;
  if (format === 'ndjson' && Object.keys(supplements).length === 0) {
    // As `eval` streams NDJSON: every line with something other than spaces, tabs and CRs is a claim.
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      if (!/[^ \t\r]/.test(raw)) continue;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      // A line longer than a claim may be: `eval` skips one over LINE_BYTES unread, and reports a
      // shorter one by its length; the server gets the text only when it fits in a request.
      if (line.length > MAX_CLAIM_CHARS) {
        const bytes = utf8Length(line);
        if (bytes > LINE_BYTES || utf8Length(JSON.stringify(line)) > MAX_LONG_LINE_JSON) {
          jobs.push({ lineNo: i + 1, tooLong: bytes });
          continue;
        }
      }
      jobs.push({ lineNo: i + 1, text: line });
    }
  } else {
    let n = 0;
    for (const rec of readClaims(text, format, { supplements, ...(input.asOf ? { asOf: input.asOf } : {}), reportUnused: false })) {
      n++;
      // A .json file that is not JSON cannot be read at all (eval exits 2).
      if (format === 'json' && rec.diagnostics.some((d) => d.code === 'JSON-SYNTAX')) return { error: `${input.name}: ${rec.diagnostics[0]!.message}` };
      if (!rec.claim && rec.raw === undefined && !rec.diagnostics.some((d) => d.severity === 'error')) {
        notes.push(...rec.diagnostics.map(noteOf));
        continue;
      }
      jobs.push(jobOf(rec, n));
    }
    notes.push(...unusedSupplements(supplements).map(noteOf));
  }
  // A claim id seen earlier in the same input is reported invalid in its place (first as claim N).
  const seen = new Map<string, number>();
  for (let k = 0; k < jobs.length; k++) {
    const id = idOf(jobs[k]!);
    if (id === null) continue;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, k + 1);
    else jobs[k] = { lineNo: jobs[k]!.lineNo, claimId: id, duplicateOf: first };
  }
  return { format, why, jobs, notes };
}

/**
 * Jobs in chunks for the server: at most `maxJobs` a chunk and about `maxBytes` of JSON (a request
 * body may hold 2 MB; one claim may hold 1,000,000 characters, so a chunk of one always fits).
 */
export function* chunksOf(jobs: readonly Job[], maxJobs = 500, maxBytes = 1_000_000): Generator<Job[]> {
  let chunk: Job[] = [];
  let bytes = 0;
  for (const j of jobs) {
    const size = utf8Length(JSON.stringify(j)) + 1;
    if (chunk.length && (chunk.length >= maxJobs || bytes + size > maxBytes)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(j);
    bytes += size;
  }
  if (chunk.length) yield chunk;
}
