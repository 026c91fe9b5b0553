// Formatting: canonical text for a ruleset, with its soundness proved on every call (as Cedar's
// formatter does): the output must parse to the same AST as the input and keep every comment.
import type { Diagnostic } from '../diagnostics.ts';
import { hasErrors } from '../diagnostics.ts';
import { parse } from '../parse.ts';
import type { SourceFile } from '../source.ts';
import { print } from './printer.ts';

export interface FormatResult {
  /** The formatted text; the input unchanged when it could not be formatted. */
  text: string;
  changed: boolean;
  /** Syntax errors (a file that does not parse is not formatted), or PR4001 if soundness failed. */
  diagnostics: Diagnostic[];
}

/** The AST without positions, for comparing two parses. */
export function stripSpans(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripSpans);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'span' && k !== 'keyword') out[k] = stripSpans(x);
    return out;
  }
  return v;
}

export function format(file: SourceFile): FormatResult {
  const parsed = parse(file);
  if (hasErrors(parsed.diagnostics)) return { text: file.text, changed: false, diagnostics: parsed.diagnostics };
  const text = print(parsed.ast, parsed.comments, file.text);
  const again = parse({ name: file.name, text });
  const same = !hasErrors(again.diagnostics) && JSON.stringify(stripSpans(again.ast)) === JSON.stringify(stripSpans(parsed.ast));
  const comments = (cs: { image: string }[]) => cs.map((c) => c.image.trimEnd()).join('\n');
  if (!same || comments(again.comments) !== comments(parsed.comments)) {
    return {
      text: file.text,
      changed: false,
      diagnostics: [
        {
          code: 'PR4001',
          severity: 'error',
          message: 'the formatter would have changed the meaning of this file, so it left it as it was',
          file: file.name,
          span: { start: 0, end: 0 },
          help: 'this is a bug in payer-rules; please report it with the file',
        },
      ],
    };
  }
  return { text, changed: text !== file.text, diagnostics: [] };
}
