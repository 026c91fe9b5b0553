// Diagnostics as text for the command line: `file:line:col: severity CODE message`, then a code
// frame with carets under the span, then help and related notes.
import type { Diagnostic } from './diagnostics.ts';
import { lineColOf, lineText, type SourceFile } from './source.ts';

/** `file:line:col` of an offset. */
export function location(file: SourceFile, offset: number): string {
  const { line, column } = lineColOf(file, offset);
  return `${file.name}:${line}:${column}`;
}

function frame(file: SourceFile, start: number, end: number): string[] {
  const a = lineColOf(file, start);
  const b = lineColOf(file, end);
  const raw = lineText(file, a.line);
  const shown = raw.replace(/\t/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
  const clipped = shown.length > 160 ? shown.slice(0, 160) + '…' : shown;
  const gutter = String(a.line);
  const pad = ' '.repeat(gutter.length);
  const caretStart = Math.min(a.column - 1, clipped.length);
  const caretEnd = b.line === a.line ? Math.min(b.column - 1, clipped.length) : clipped.length;
  const carets = '^'.repeat(Math.max(1, caretEnd - caretStart));
  return [`  ${gutter} | ${clipped}`, `  ${pad} | ${' '.repeat(caretStart)}${carets}`];
}

/** Renders one diagnostic. `files` resolves related spans in other files. */
export function renderDiagnostic(d: Diagnostic, file: SourceFile, files: ReadonlyMap<string, SourceFile> = new Map()): string {
  const out = [`${location(file, d.span.start)}: ${d.severity} ${d.code} ${d.message}`, ...frame(file, d.span.start, d.span.end)];
  if (d.help) out.push(`  = help: ${d.help}`);
  for (const r of d.related ?? []) {
    const f = (r.file && files.get(r.file)) || (r.file && r.file !== file.name ? undefined : file);
    out.push(`  = note: ${r.message}${f ? ` (${location(f, r.span.start)})` : r.file ? ` (${r.file})` : ''}`);
  }
  return out.join('\n');
}

/** Renders diagnostics with a closing count line. */
export function renderDiagnostics(ds: readonly Diagnostic[], file: SourceFile, files?: ReadonlyMap<string, SourceFile>): string {
  return ds.map((d) => renderDiagnostic(d, file, files)).join('\n\n');
}

export function summary(ds: readonly Diagnostic[]): string {
  const e = ds.filter((d) => d.severity === 'error').length;
  const w = ds.filter((d) => d.severity === 'warning').length;
  const plural = (n: number, s: string) => `${n} ${s}${n === 1 ? '' : 's'}`;
  return `${plural(e, 'error')}, ${plural(w, 'warning')}`;
}
