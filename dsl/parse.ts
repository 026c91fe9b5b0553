// Text → AST with spans, plus every lexing and syntax diagnostic of the file. Never throws on user
// input: the worst text yields an empty AST and diagnostics.
import type { IRecognitionException, IToken } from 'chevrotain';
import { tokenize } from './lexer.ts';
import { parseTokens } from './parser.ts';
import { toAst } from './cst-to-ast.ts';
import { DiagnosticBag, type Diagnostic } from './diagnostics.ts';
import type { SourceFile, Span } from './source.ts';
import type { Ruleset } from './ast.ts';
import { RBrace, RBracket, RParen, LBrace, LBracket, LParen, Kw, tokenClass } from './tokens.ts';

/** Deepest bracket nesting (or run of `not`s) the parser accepts; deeper input is refused with PR1004. */
export const MAX_NESTING = 64;
/** Largest file the language accepts (characters). */
export const MAX_FILE_CHARS = 16 * 1024 * 1024;

export interface ParseResult {
  ast: Ruleset;
  tokens: IToken[];
  comments: IToken[];
  diagnostics: Diagnostic[];
  /** Clauses written twice, for the checker. */
  duplicateClauses: Span[];
}

/** What each grammar rule is, in words, for syntax messages. */
const RULE_WORDS: Record<string, string> = {
  file: 'the ruleset',
  item: 'a ruleset item (`ruleset`, `version`, `extends`, `codes`, `units`, `modifiers`, `prior-auth`, `telehealth`, `rule` or `disable`)',
  rulesetDecl: 'the `ruleset` line',
  versionDecl: 'the `version` line',
  window: 'an `effective` date window',
  extendsDecl: 'the `extends` line',
  disableDecl: 'a `disable` line',
  codesDecl: 'a `codes` line',
  elements: 'a list of codes',
  element: 'a code, a code range or a code set name',
  code: 'a code',
  values: 'a list of codes',
  value: 'a code',
  blockDecl: 'a block',
  statement: 'a statement',
  suffix: 'a clause (`cite`, `fix`, `effective` or a severity)',
  severity: 'a severity (`error`, `warning` or `info`)',
  body: 'a statement',
  span: 'a date window (`2026-01-01 through 2026-12-31`)',
  within: 'a span of time (`within 8 weeks`)',
  durationUnit: 'a unit of time (`days`, `weeks`, `months` or `years`)',
  requireBody: 'a `require` statement',
  modSpec: 'the modifiers to require',
  ncciTable: 'an `ncci` table',
  ncciRow: 'an NCCI row (`column 1 / column 2 bypass …`)',
  mueTable: 'an `mue` table',
  mueRow: 'an MUE row (`codes max N per day`)',
  ruleDecl: 'a rule',
  clause: 'a rule clause (`when`, `kind`, `cite`, `fix`, `effective` or a severity)',
  expr: 'a condition',
  andExpr: 'a condition',
  notExpr: 'a condition',
  comparison: 'a comparison',
  compareOp: 'a comparison operator',
  setTarget: 'a code set name or a bracketed list of codes',
  additive: 'a value',
  multiplicative: 'a value',
  primary: 'a value',
  aggregate: 'an aggregate (`count(…)`, `sum(…)`, `max(…)`, `min(…)`)',
  ruleId: 'a rule id (`MOD-DISCIPLINE`)',
  path: 'a field name (`line.code`, `claim.dateOfService`)',
};

function describeToken(t: IToken | undefined): string {
  if (!t || t.tokenType.name === 'EOF') return 'the end of the file';
  const img = t.image.length > 30 ? t.image.slice(0, 30) + '…' : t.image;
  const cls = tokenClass(t.tokenType);
  const what = cls === 'keyword' ? 'keyword' : cls === 'string' ? 'text' : cls === 'comment' ? 'comment' : '';
  return what ? `${what} \`${img}\`` : `\`${img}\``;
}

function syntaxMessage(e: IRecognitionException): { message: string; help?: string } {
  const ruleStack = e.context?.ruleStack ?? [];
  const rule = ruleStack[ruleStack.length - 1] ?? 'file';
  const where = RULE_WORDS[rule] ?? 'the ruleset';
  const found = describeToken(e.token);
  switch (e.name) {
    case 'MismatchedTokenException': {
      const m = /-->\s*(.+?)\s*<--/.exec(e.message);
      return { message: `expected ${m?.[1] ?? 'something else'} in ${where}, found ${found}` };
    }
    case 'NotAllInputParsedException':
      return { message: `unexpected ${found}: expected ${RULE_WORDS['item']}` };
    case 'EarlyExitException':
    case 'NoViableAltException':
    default:
      return { message: `unexpected ${found} in ${where}`, help: `expected ${where}` };
  }
}

/** Refuses input nested deeper than MAX_NESTING (the parser is recursive). */
function nestingError(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  let nots = 0;
  for (const t of tokens) {
    const tt = t.tokenType;
    if (tt === LParen || tt === LBracket || tt === LBrace) depth++;
    else if (tt === RParen || tt === RBracket || tt === RBrace) depth = Math.max(0, depth - 1);
    nots = tt === Kw.not ? nots + 1 : 0;
    if (depth > MAX_NESTING || nots > MAX_NESTING) return t;
  }
  return undefined;
}

const MAX_SYNTAX_DIAGNOSTICS = 200;

export function parse(file: SourceFile): ParseResult {
  const bag = new DiagnosticBag(file.name);
  const empty = (): ParseResult => ({ ast: { kind: 'Ruleset', items: [], span: { start: 0, end: file.text.length } }, tokens: [], comments: [], diagnostics: bag.items, duplicateClauses: [] });
  if (file.text.length > MAX_FILE_CHARS) {
    bag.add('PR1005', { start: 0, end: 0 }, `this file has ${file.text.length} characters; the most a ruleset may have is ${MAX_FILE_CHARS}`, { help: 'split the ruleset into a base and payers that extend it' });
    return empty();
  }
  const lexed = tokenize(file);
  const deep = nestingError(lexed.tokens);
  if (deep) {
    bag.add('PR1004', { start: deep.startOffset, end: deep.endOffset! + 1 }, `brackets or \`not\`s are nested more than ${MAX_NESTING} deep here`, { help: 'split the condition into simpler parts' });
    return { ...empty(), diagnostics: [...lexed.diagnostics, ...bag.items], tokens: lexed.tokens, comments: lexed.comments };
  }
  const { cst, errors } = parseTokens(lexed.tokens);
  let shown = 0;
  for (const e of errors) {
    if (shown++ === MAX_SYNTAX_DIAGNOSTICS) {
      bag.add('PR1003', spanOfError(e, lexed.tokens, file.text.length), `${errors.length - MAX_SYNTAX_DIAGNOSTICS} more syntax errors after this point`);
      break;
    }
    const { message, help } = syntaxMessage(e);
    bag.add('PR1003', spanOfError(e, lexed.tokens, file.text.length), message, help ? { help } : {});
  }
  const { ast, duplicateClauses } = toAst(cst, file.text.length);
  return { ast, tokens: lexed.tokens, comments: lexed.comments, diagnostics: [...lexed.diagnostics, ...bag.items], duplicateClauses };
}

/** Where to put a syntax error: on the offending token, or just after the last real token at EOF. */
function spanOfError(e: IRecognitionException, tokens: IToken[], textLength: number): Span {
  const t = e.token;
  if (t && !Number.isNaN(t.startOffset) && t.startOffset >= 0 && t.tokenType.name !== 'EOF') {
    return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
  }
  const prev = (e as { previousToken?: IToken }).previousToken ?? tokens[tokens.length - 1];
  const at = prev && !Number.isNaN(prev.endOffset) && prev.endOffset !== undefined ? prev.endOffset + 1 : textLength;
  return { start: at, end: at };
}
