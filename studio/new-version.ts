// A new version of a ruleset in one step, for `payer-rules new-version` and the studio: copies the
// latest version, sets its version and effective window, ends the previous version the day before
// the new one starts, and copies the previous version's test cases with their dates moved into the
// new window. Pure: file texts in, the files to write out (the callers write them). Edits go
// through the parser's spans (the version line) and the YAML document model (case dates), so
// comments and layout survive. Browser-safe.
import { isScalar, parseDocument, visit } from 'yaml';
import { parse, peekHeader } from '../dsl/index.ts';
import { addMonths, formatDate, parseDate, utcDay, yearOf } from '../engine/dates.ts';

export interface FileText {
  /** Path relative to the rulesets folder, `/`-separated. */
  path: string;
  text: string;
}

export interface NewVersionOptions {
  /** First day of the new version (YYYY-MM-DD); default: the day after the latest version ends. */
  effective?: string;
  /** Last day (YYYY-MM-DD); default: a window as long as the latest one, or open when it is open. */
  through?: string;
}

export interface PlannedWrite {
  path: string;
  text: string;
  /** The text the file must still have (null: the file must not exist yet). */
  expect: string | null;
}

export interface NewVersionPlan {
  ruleset: string;
  version: string;
  newPath: string;
  previousPath: string;
  previousVersion: string;
  effective: string;
  through?: string;
  writes: PlannedWrite[];
  /** What the person should know: gaps, cases copied, what to check. */
  notes: string[];
  /**
   * Lines of the new version's file that name the previous version's year (a dollar amount "for
   * CY 2026", a header "dates of service in 2026", a date in 2026): copied as they were, and each
   * to be checked against the new year's policy. The copy itself is not changed.
   */
  warnings: YearWarning[];
}

export interface YearWarning {
  /** The new version's file, relative to the rulesets folder. */
  path: string;
  /** 1-based line. */
  line: number;
  /** The line as written (ruleset text: no patient data). */
  text: string;
  /** `names 2026 — check it still holds for 2027` */
  message: string;
}

/** A mistake in the request (unknown ruleset, version taken, bad date): exit 1 / HTTP 400. */
export class NewVersionError extends Error {}

const isDateText = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && parseDate(s) !== undefined;

function dirOf(p: string): string {
  return p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
}
function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** Plans a new version of `rulesetId` named `version` among `files` (every file of the rulesets folder). */
export function planNewVersion(files: readonly FileText[], rulesetId: string, version: string, opts: NewVersionOptions = {}): NewVersionPlan {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(version)) throw new NewVersionError(`\`${version}\` is not a version name (letters, digits, dots and dashes, e.g. 2027.1)`);
  const versions = files
    .filter((f) => f.path.endsWith('.payer'))
    .map((f) => ({ f, h: peekHeader({ name: f.path, text: f.text }) }))
    .filter((x) => x.h?.id === rulesetId);
  if (!versions.length) {
    const ids = [...new Set(files.filter((f) => f.path.endsWith('.payer')).map((f) => peekHeader({ name: f.path, text: f.text })?.id).filter(Boolean))].sort();
    throw new NewVersionError(`no ruleset \`${rulesetId}\` in the rulesets folder (found: ${ids.join(', ') || 'none'})`);
  }
  const taken = versions.find((x) => x.h!.version === version);
  if (taken) throw new NewVersionError(`version ${version} of \`${rulesetId}\` already exists (${taken.f.path})`);
  const dated = versions.filter((x) => x.h!.from !== undefined).sort((a, b) => a.h!.from! - b.h!.from!);
  const latest = dated[dated.length - 1];
  if (!latest) throw new NewVersionError(`no version of \`${rulesetId}\` has an effective date to start from`);
  const prev = { path: latest.f.path, text: latest.f.text, version: latest.h!.version ?? '?', from: latest.h!.from!, through: latest.h!.through };

  const from = opts.effective !== undefined ? dateArg('--effective', opts.effective) : defaultFrom(prev, version);
  if (from <= prev.from) throw new NewVersionError(`the new version must start after ${formatDate(prev.from)}, when ${prev.version} starts (given ${formatDate(from)})`);
  const through = opts.through !== undefined ? dateArg('--through', opts.through) : defaultThrough(prev.from, prev.through, from);
  if (through !== undefined && through < from) throw new NewVersionError(`the new version would end (${formatDate(through)}) before it starts (${formatDate(from)})`);

  const dir = dirOf(prev.path);
  const yearly = /^(\d{4})\.1$/.exec(version);
  const stem = yearly && !files.some((f) => f.path === join(dir, `${yearly[1]}.payer`)) ? yearly[1]! : version;
  const newPath = join(dir, `${stem}.payer`);
  if (files.some((f) => f.path === newPath)) throw new NewVersionError(`${newPath} already exists`);

  const notes: string[] = [];
  const writes: PlannedWrite[] = [{ path: newPath, text: withWindow(prev.text, prev.path, version, from, through), expect: null }];
  if (prev.through === undefined || prev.through >= from) {
    writes.push({ path: prev.path, text: withWindow(prev.text, prev.path, undefined, undefined, from - 1, true), expect: prev.text });
    notes.push(`${prev.path}: version ${prev.version} now ends ${formatDate(from - 1)}`);
  } else if (prev.through < from - 1) {
    notes.push(`no version covers ${formatDate(prev.through + 1)} through ${formatDate(from - 1)}: claims on those dates will find no ruleset`);
  }

  // Case files of the previous version: named after its file, or topic files whose dates of
  // service all fall in its window.
  const prevStem = baseOf(prev.path).replace(/\.payer$/, '');
  const otherStems = new Set(versions.map((x) => baseOf(x.f.path).replace(/\.payer$/, '')).filter((s) => s !== prevStem));
  const shift = shifter(prev.from, from);
  for (const f of files) {
    if (dirOf(f.path) !== dir || !/\.cases\.ya?ml$/.test(f.path)) continue;
    const caseStem = baseOf(f.path).replace(/\.cases\.ya?ml$/, '');
    const ownStem = caseStem.split('.')[0]!;
    if (otherStems.has(ownStem)) continue;
    const named = ownStem === prevStem;
    if (!named && !datesWithin(f.text, prev.from, prev.through)) {
      notes.push(`${f.path}: not copied (its dates of service are not all within ${prev.version})`);
      continue;
    }
    const rest = named ? caseStem.slice(prevStem.length) : `.${caseStem}`;
    const ext = f.path.endsWith('.yml') ? '.cases.yml' : '.cases.yaml';
    const target = join(dir, `${stem}${rest}${ext}`);
    if (files.some((g) => g.path === target)) {
      notes.push(`${target} already exists; ${f.path} was not copied`);
      continue;
    }
    writes.push({ path: target, text: shiftCaseDates(f.text, f.path, shift.describe, shift.move), expect: null });
    notes.push(`${f.path} → ${target} (dates ${shift.describe})`);
  }
  if (!writes.some((w) => /\.cases\.ya?ml$/.test(w.path))) notes.push(`no test cases of ${prev.version} were found to copy`);
  const warnings = yearWarnings(newPath, writes[0]!.text, prev.from, prev.through, from);
  const plan: NewVersionPlan = { ruleset: rulesetId, version, newPath, previousPath: prev.path, previousVersion: prev.version, effective: formatDate(from), writes, notes, warnings };
  if (through !== undefined) plan.through = formatDate(through);
  return plan;
}

/**
 * The lines of the new file that name a year of the previous version's window and not of the new
 * one's start (whole numbers only: 2026 in `2026-10-01` or `CY 2026`, not in `20260` or `2026.1`'s
 * neighbours such as `12026`).
 */
export function yearWarnings(path: string, text: string, prevFrom: number, prevThrough: number | undefined, newFrom: number): YearWarning[] {
  const newYear = yearOf(newFrom);
  const years = new Set<number>();
  for (let y = yearOf(prevFrom); y <= yearOf(prevThrough ?? prevFrom); y++) if (y !== newYear) years.add(y);
  if (years.size === 0) return [];
  const pattern = new RegExp(`(?<!\\d)(${[...years].join('|')})(?!\\d)`, 'g');
  const out: YearWarning[] = [];
  text.split('\n').forEach((line, i) => {
    const named = [...new Set([...line.matchAll(pattern)].map((m) => m[1]!))];
    if (named.length) out.push({ path, line: i + 1, text: line.trim(), message: `names ${named.join(' and ')} — check it still holds for ${newYear}` });
  });
  return out;
}

function dateArg(flag: string, text: string): number {
  const d = parseDate(text);
  if (d === undefined) throw new NewVersionError(`${flag} takes a date as YYYY-MM-DD (got \`${text}\`)`);
  return d;
}

function defaultFrom(prev: { from: number; through: number | undefined; version: string }, version: string): number {
  if (prev.through !== undefined) return prev.through + 1;
  const y = /^(\d{4})\b/.exec(version);
  if (y && Number(y[1]) > yearOf(prev.from)) return utcDay(Number(y[1]), 0, 1);
  throw new NewVersionError(`version ${prev.version} has no end date, so the new version's first day is not known; give --effective YYYY-MM-DD`);
}

/**
 * A version that starts inside the previous one's window (a mid-year change) ends where it did:
 * it replaces the rest of that window, and a yearly amount (the KX threshold) stays the year's.
 * One that starts after: the same length as the previous window (whole calendar years stay whole).
 */
function defaultThrough(prevFrom: number, prevThrough: number | undefined, from: number): number | undefined {
  if (prevThrough === undefined) return undefined;
  if (from > prevFrom && from <= prevThrough) return prevThrough;
  const a = formatDate(prevFrom);
  const b = formatDate(prevThrough + 1);
  if (a.slice(4) === '-01-01' && b.slice(4) === '-01-01') {
    const years = Number(b.slice(0, 4)) - Number(a.slice(0, 4));
    if (formatDate(from).slice(4) === '-01-01') return utcDay(yearOf(from) + years, 0, 1) - 1;
  }
  return from + (prevThrough - prevFrom);
}

/**
 * The ruleset text with its version line changed: a new version name and window, or (for the
 * previous version) only a new last day. Edits are spliced at the parser's spans.
 */
function withWindow(text: string, name: string, version: string | undefined, from: number | undefined, through: number | undefined, onlyThrough = false): string {
  const { ast } = parse({ name, text });
  const v = ast.items.find((i) => i.kind === 'VersionDecl');
  if (!v || v.kind !== 'VersionDecl') throw new NewVersionError(`${name} has no version line to copy`);
  const edits: { start: number; end: number; text: string }[] = [];
  if (!onlyThrough) {
    edits.push({ start: v.version.span.start, end: v.version.span.end, text: version! });
    edits.push({ start: v.window.from.span.start, end: v.window.from.span.end, text: formatDate(from!) });
  }
  const t = v.window.through;
  if (through !== undefined) {
    if (t) edits.push({ start: t.span.start, end: t.span.end, text: formatDate(through) });
    else edits.push({ start: v.window.from.span.end, end: v.window.from.span.end, text: ` through ${formatDate(through)}` });
  } else if (t && !onlyThrough) {
    edits.push({ start: v.window.from.span.end, end: t.span.end, text: '' });
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Moves dates from one window to the next: by whole years when both start on the same day of the year, else by days. */
function shifter(oldFrom: number, newFrom: number): { move: (day: number) => number; describe: string } {
  const a = formatDate(oldFrom);
  const b = formatDate(newFrom);
  if (a.slice(4) === b.slice(4)) {
    const years = Number(b.slice(0, 4)) - Number(a.slice(0, 4));
    return { move: (day) => addMonths(day, 12 * years), describe: `moved ${years} year${years === 1 ? '' : 's'} later` };
  }
  const days = newFrom - oldFrom;
  return { move: (day) => day + days, describe: `moved ${days} days later` };
}

function yamlDates(text: string, name: string): { doc: ReturnType<typeof parseDocument>; ok: boolean } {
  const doc = parseDocument(text);
  if (doc.errors.length) return { doc, ok: false };
  void name;
  return { doc, ok: true };
}

/** True when the file has dates of service and every one lies in [from, through]. */
function datesWithin(text: string, from: number, through: number | undefined): boolean {
  const { doc, ok } = yamlDates(text, '');
  if (!ok) return false;
  let seen = 0;
  let outside = 0;
  visit(doc, {
    Pair(_k, pair) {
      if (isScalar(pair.key) && pair.key.value === 'dateOfService' && isScalar(pair.value) && typeof pair.value.value === 'string') {
        const d = parseDate(pair.value.value);
        if (d === undefined) return;
        seen++;
        if (d < from || (through !== undefined && d > through)) outside++;
      }
    },
  });
  return seen > 0 && outside === 0;
}

function shiftCaseDates(text: string, name: string, describe: string, move: (day: number) => number): string {
  const { doc, ok } = yamlDates(text, name);
  if (!ok) return text;
  visit(doc, {
    Scalar(_k, node) {
      if (typeof node.value === 'string' && isDateText(node.value)) node.value = formatDate(move(parseDate(node.value)!));
    },
  });
  const body = doc.toString({ lineWidth: 0 });
  return `# Copied from ${name} by new-version (dates ${describe}); check each expectation against the new policy.\n${body}`;
}
