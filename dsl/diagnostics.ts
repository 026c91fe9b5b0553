// Diagnostics: data, not exceptions. Every stage returns them; render.ts and the editor show them.
import { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from './diagnostic-codes.ts';
import type { Span } from './source.ts';

export interface RelatedInfo {
  /** The file the related span is in (defaults to the diagnostic's file). */
  file?: string;
  span: Span;
  message: string;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** Lowercase fragment, no final period, no line breaks. */
  message: string;
  /** The file this diagnostic is in (its name as given to the checker). */
  file: string;
  span: Span;
  /** A fix-it, e.g. "did you mean `ot-evaluations`?" */
  help?: string;
  related?: RelatedInfo[];
}

/** Collects diagnostics for one file; drops a second one at the same start and code (cascades). */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  constructor(readonly file: string) {}

  add(code: DiagnosticCode, span: Span, message: string, extra: { help?: string; related?: RelatedInfo[]; severity?: Severity } = {}): void {
    const last = this.items[this.items.length - 1];
    if (last && last.span.start === span.start && last.code === code) return;
    const d: Diagnostic = { code, severity: extra.severity ?? DIAGNOSTIC_CODES[code].severity, message, file: this.file, span };
    if (extra.help) d.help = extra.help;
    if (extra.related?.length) d.related = extra.related;
    this.items.push(d);
  }
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Deterministic order: file, start, severity, code, message. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.span.start - b.span.start ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
