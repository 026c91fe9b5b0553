// Text → tokens. The one Lexer instance, built from the token table; lexer errors become PR1001 and
// PR1002 diagnostics. Comments come back separately (the formatter keeps them).
import { Lexer, type IToken } from 'chevrotain';
import { ALL_TOKENS, Comment } from './tokens.ts';
import { DiagnosticBag, type Diagnostic } from './diagnostics.ts';
import type { SourceFile } from './source.ts';

// Offsets only: lines and columns are computed at the edges (render.ts, the editor), never per
// token. Chevrotain does not track end offsets in this mode, so tokenize() fills them in.
const lexer = new Lexer(ALL_TOKENS, { positionTracking: 'onlyOffset', ensureOptimizations: true });

export interface LexOutput {
  tokens: IToken[];
  comments: IToken[];
  diagnostics: Diagnostic[];
}

/** Most lexer diagnostics reported for one file; past this, one summary line says how many more. */
const MAX_LEX_DIAGNOSTICS = 200;

/**
 * Lexes a file, or a piece of one: with `offset`, `file.text` is the piece that starts at that
 * offset of the whole file, and every token and diagnostic is placed in the whole file.
 */
export function tokenize(file: SourceFile, offset = 0): LexOutput {
  const res = lexer.tokenize(file.text);
  for (const list of [res.tokens, ...Object.values(res.groups)]) {
    for (const t of list) {
      t.startOffset += offset;
      // INVARIANT: inclusive, as Chevrotain's own end offsets are.
      t.endOffset = t.startOffset + t.image.length - 1;
    }
  }
  if (offset) for (const e of res.errors) e.offset += offset;
  const bag = new DiagnosticBag(file.name);
  let shown = 0;
  for (const e of res.errors) {
    if (shown === MAX_LEX_DIAGNOSTICS) {
      bag.add('PR1001', { start: e.offset, end: e.offset + e.length }, `${res.errors.length - shown} more unexpected characters after this point`);
      break;
    }
    const text = file.text.slice(e.offset - offset, e.offset - offset + e.length);
    shown++;
    bag.add('PR1001', { start: e.offset, end: e.offset + e.length }, `unexpected ${text.length === 1 ? 'character' : 'characters'} \`${printable(text)}\``);
  }
  for (const t of res.groups['unterminated'] ?? []) {
    bag.add('PR1002', { start: t.startOffset, end: t.endOffset! + 1 }, 'this quoted text has no closing quote', { help: 'end it with `"` on the same line' });
  }
  bag.items.sort((a, b) => a.span.start - b.span.start);
  return { tokens: res.tokens, comments: res.groups['comments'] ?? [], diagnostics: bag.items };
}

/** Shows control and invisible characters as escapes so a message never carries raw junk. */
function printable(s: string): string {
  const cut = s.length > 20 ? s.slice(0, 20) + '…' : s;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff\ufffd`]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

export { Comment };
