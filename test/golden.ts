// Golden-file helpers: fixture discovery, and the TS-baseline rendering of diagnostics (source
// lines with `~~~` under each span and `!!! error PR2001: message` below), so a reviewer reads a
// behaviour change as a text diff. Refresh goldens with `npm run test:update` and review the diff.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../dsl/diagnostics.ts';
import { lineColOf, lineStarts, lineText, type SourceFile } from '../dsl/source.ts';

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

/** The .payer files of a fixture folder, sorted, as [name, path]. */
export function fixtures(folder: string): [string, string][] {
  const dir = join(FIXTURES, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.payer') && !f.includes('.formatted.'))
    .sort()
    .map((f) => [f, join(dir, f)]);
}

export function readFixture(path: string, name: string): SourceFile {
  return { name, text: readFileSync(path, 'utf8') };
}

/** Renders diagnostics under the lines they point at. */
export function baseline(file: SourceFile, diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const out = [`==== ${file.name} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}) ====`];
  const byLine = new Map<number, Diagnostic[]>();
  for (const d of diagnostics) {
    const l = lineColOf(file, d.span.start).line;
    byLine.set(l, [...(byLine.get(l) ?? []), d]);
  }
  const n = lineStarts(file).length;
  for (let l = 1; l <= n; l++) {
    const text = lineText(file, l);
    if (l === n && text === '' && !byLine.has(l)) break;
    out.push('    ' + text);
    for (const d of byLine.get(l) ?? []) {
      const a = lineColOf(file, d.span.start);
      const b = lineColOf(file, d.span.end);
      const end = b.line === l ? b.column : text.length + 1;
      out.push('    ' + ' '.repeat(a.column - 1) + '~'.repeat(Math.max(1, end - a.column)));
      out.push(`!!! ${d.severity} ${d.code}: ${d.message}`);
      if (d.help) out.push(`!!! help: ${d.help}`);
      for (const r of d.related ?? []) out.push(`!!! related: ${r.message} at ${r.file && r.file !== file.name ? r.file : `${file.name}:${lineColOf(file, r.span.start).line}`}`);
    }
  }
  return out.join('\n') + '\n';
}

/** The reference tables the fixtures may name (as a loaded table store would list them). */
export const FIXTURE_TABLES = [
  { table: 'cms-ncci-ptp-practitioner', kind: 'ncci-ptp' },
  { table: 'cms-mue-practitioner', kind: 'mue' },
  { table: 'cms-procedure-codes', kind: 'procedure-codes' },
  { table: 'cdc-icd10cm', kind: 'icd10cm' },
  { table: 'cms-mpfs', kind: 'fee-schedule' },
] as const;
