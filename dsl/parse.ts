// Text → AST with spans, plus every lexing and syntax diagnostic of the file. Never throws on user
// input: the worst text yields an empty AST and diagnostics.
import { createTokenInstance, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import { tokenize } from './lexer.ts';
import { parseTokens } from './parser.ts';
import { MAX_ARITHMETIC, astBuilder } from './cst-to-ast.ts';
import { parseValid } from './parse-valid.ts';
import { DiagnosticBag, type Diagnostic } from './diagnostics.ts';
import type { SourceFile, Span } from './source.ts';
import type { Ruleset } from './ast.ts';
import { isCode, type CodeKind } from '../engine/codes.ts';
import { RBrace, RBracket, RParen, LBrace, LBracket, LParen, Kw, Comma, Equals, DotDot, Colon, Slash, RuleId, tokenClass } from './tokens.ts';

/** Deepest bracket nesting (or run of `not`s) the parser accepts; deeper input is refused with PR1004. */
export const MAX_NESTING = 64;
/** Largest file the language accepts (characters). */
export const MAX_FILE_CHARS = 16 * 1024 * 1024;
/** Syntax errors listed per file; past this, one line says more follow. */
const MAX_SYNTAX_DIAGNOSTICS = 200;

export interface ParseResult {
  ast: Ruleset;
  comments: IToken[];
  diagnostics: Diagnostic[];
  /** Clauses written twice, for the checker. */
  duplicateClauses: Span[];
}

/** What each grammar rule is, in words, for syntax messages. */
const RULE_WORDS: Record<string, string> = {
  file: 'the ruleset',
  item: 'a ruleset item (`ruleset`, `version`, `extends`, `codes`, `units`, `modifiers`, `prior-auth`, `telehealth`, `rule`, `disable` or `not checked`)',
  rulesetDecl: 'the `ruleset` line',
  versionDecl: 'the `version` line',
  window: 'an `effective` date window',
  extendsDecl: 'the `extends` line',
  disableDecl: 'a `disable` line',
  notCheckedDecl: 'a `not checked` line (`not checked PRIOR-AUTH "what is left out, and why"`)',
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

/** `next` is the first token after the chunk, shown instead of "the end of the file" at a chunk's end. */
const CASED_KINDS: readonly CodeKind[] = ['modifier', 'procedure', 'diagnosis'];

function syntaxMessage(e: IRecognitionException, next: IToken | undefined): { message: string; help?: string } {
  const ruleStack = e.context?.ruleStack ?? [];
  const rule = ruleStack[ruleStack.length - 1] ?? 'file';
  const where = RULE_WORDS[rule] ?? 'the ruleset';
  const found = describeToken(e.token?.tokenType.name === 'EOF' && next ? next : e.token);
  // A code or modifier typed in lower case (`go`, `kx`, `g0283`) lexes as a word: say what it is.
  const image = e.token?.image ?? '';
  const upper = image.toUpperCase();
  if (e.token?.tokenType.name === 'Identifier' && /[a-z]/.test(image) && CASED_KINDS.some((k) => isCode(k, upper))) {
    return { message: `\`${image}\` is written in lower case; codes and modifiers are written in capitals`, help: `write \`${upper}\`` };
  }
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


/**
 * Files larger than this are lexed and parsed a chunk at a time, cut between top-level items, so
 * that only one chunk's tokens and syntax tree are alive at once (a 16 MB ruleset stays within
 * memory). Smaller files are one chunk. This is how syntax errors are reported (see FAST_CHUNK_CHARS).
 */
const CHUNK_CHARS = 1 << 20;

/**
 * Chunk size of the fast path: a file larger than this whose text has no lexical or syntax error
 * is parsed in chunks this small, and a block (`modifiers { … }`) may be cut between statements.
 * A chunk's tokens and syntax tree then die young (they fit in V8's young generation) instead of
 * being copied into the old one: on a 16 MB ruleset, garbage collection took more time than the
 * parse itself with 1 MB chunks and one 8 MB block. Error recovery and its messages depend on where
 * chunks end, so the first diagnostic makes the fast path give up and the file is parsed again
 * with CHUNK_CHARS and whole items: diagnostics are the same either way.
 */
const FAST_CHUNK_CHARS = 1 << 16;

/** Keywords that start a top-level item at the start of a line (and `not` followed by `checked`). */
const ITEM_START = new Set<TokenType>([Kw.ruleset, Kw.version, Kw.extends, Kw.codes, Kw.override, Kw.rule, Kw.disable, Kw.units, Kw.modifiers, Kw.priorAuth, Kw.telehealth]);
/** Tokens after which an item is not over (a list or an expression goes on). */
const CONTINUES = new Set<TokenType>([Comma, Equals, DotDot, Colon, Slash]);

/**
 * Index of the last token in `toks` that starts a top-level item on its own line (0 when none):
 * outside braces, first on its line, and not continuing a list. Every chunk boundary is one, so an
 * item never spans two chunks.
 */
function lastItemStart(toks: readonly IToken[], text: string): number {
  let depth = 0;
  let last = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const tt = t.tokenType;
    if (tt === LBrace || tt === LParen || tt === LBracket) depth++;
    else if (tt === RBrace || tt === RParen || tt === RBracket) depth = Math.max(0, depth - 1);
    else if (depth === 0 && i > 0 && (ITEM_START.has(tt) || (tt === Kw.not && toks[i + 1]?.tokenType === Kw.checked)) && !CONTINUES.has(toks[i - 1]!.tokenType) && tokenClass(toks[i - 1]!.tokenType) !== 'keyword' && startsLine(text, t.startOffset)) last = i;
  }
  return last;
}

function startsLine(text: string, at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** Keywords that open a block (`modifiers { … }`): a block may be cut between its statements. */
const BLOCK_START = new Set<TokenType>([Kw.validity, Kw.units, Kw.modifiers, Kw.priorAuth, Kw.telehealth]);

/**
 * When `toks` is one unfinished block (`modifiers {` and its statements so far), the index of the
 * last statement start inside it where the block may be cut (0 when none): a rule id directly
 * inside the block's braces, first on its line, followed by `:`. A rule id has no other place
 * inside a block in the grammar, so the statements before it parse the same whether the block goes
 * on after them or is closed there. A block of 100,000 statements (half of a 16 MB ruleset) is then
 * parsed a chunk at a time instead of as one item holding all its tokens and syntax tree.
 */
function blockCut(toks: readonly IToken[], text: string): number {
  if (!BLOCK_START.has(toks[0]?.tokenType as TokenType) || toks[1]?.tokenType !== LBrace) return 0;
  let depth = 1;
  let last = 0;
  for (let i = 2; i < toks.length - 1; i++) {
    const t = toks[i]!;
    const tt = t.tokenType;
    if (tt === LBrace || tt === LParen || tt === LBracket) depth++;
    else if (tt === RBrace || tt === RParen || tt === RBracket) {
      if (--depth <= 0) return 0;
    } else if (depth === 1 && i > 2 && tt === RuleId && toks[i + 1]!.tokenType === Colon) {
      const prev = toks[i - 1]!.tokenType;
      if (!CONTINUES.has(prev) && tokenClass(prev) !== 'keyword' && startsLine(text, t.startOffset)) last = i;
    }
  }
  return last;
}

/**
 * A file larger than FAST_CHUNK_CHARS is first read by the hand-written parser for valid text
 * (parse-valid.ts: the same AST several times faster, no syntax tree in between); where it is
 * not certain Chevrotain would read the text the same way without a diagnostic, Chevrotain parses
 * it, in small chunks and, at the first diagnostic, in whole items.
 */
export function parse(file: SourceFile): ParseResult {
  if (file.text.length <= FAST_CHUNK_CHARS || file.text.length > MAX_FILE_CHARS) return parseChunks(file, false)!;
  return parseValid(file, FAST_CHUNK_CHARS, MAX_NESTING) ?? parseChunks(file, true) ?? parseChunks(file, false)!;
}

/** The file parsed by Chevrotain alone (the fast path, else whole items): what parse() gives without parse-valid.ts. */
export function parseChevrotain(file: SourceFile): ParseResult {
  if (file.text.length <= FAST_CHUNK_CHARS) return parseChunks(file, false)!;
  return parseChunks(file, true) ?? parseChunks(file, false)!;
}

/** The file parsed in CHUNK_CHARS chunks of whole items (the reference the tests compare the fast path against). */
export function parseWhole(file: SourceFile): ParseResult {
  return parseChunks(file, false)!;
}

/**
 * With `fast`, chunks of FAST_CHUNK_CHARS, and a chunk may end inside a block (closed there by a
 * `}` the text does not have) and the next begin inside it (opened again by the block's own
 * keyword and `{`); the AST builder joins the parts into one block. Any diagnostic gives up
 * (undefined): the caller parses the file again the way errors are reported.
 */
function parseChunks(file: SourceFile, fast: boolean): ParseResult | undefined {
  const bag = new DiagnosticBag(file.name);
  const empty = (): ParseResult => ({ ast: { kind: 'Ruleset', items: [], span: { start: 0, end: file.text.length } }, comments: [], diagnostics: bag.items, duplicateClauses: [] });
  if (file.text.length > MAX_FILE_CHARS) {
    bag.add('PR1005', { start: 0, end: 0 }, `this file has ${file.text.length} characters; the most a ruleset may have is ${MAX_FILE_CHARS}`, { help: 'split the ruleset into a base and payers that extend it' });
    return empty();
  }
  const text = file.text;
  const builder = astBuilder(text.length);
  const comments: IToken[] = [];
  const lexDiagnostics: Diagnostic[] = [];
  let syntaxErrors = 0;
  let carry: IToken[] = [];
  let carryResumes = false;
  const chunkChars = fast ? FAST_CHUNK_CHARS : CHUNK_CHARS;
  let pos = 0;
  while (pos < text.length || carry.length) {
    // Lex up to the end of a line about CHUNK_CHARS further on (a line end is always a clean cut
    // for the lexer: no token spans lines).
    let end = text.length;
    if (pos + chunkChars < text.length) {
      const nl = text.indexOf('\n', pos + chunkChars);
      end = nl < 0 ? text.length : nl + 1;
    }
    let toks = carry;
    if (end > pos) {
      const lexed = tokenize({ name: file.name, text: pos === 0 && end === text.length ? text : text.slice(pos, end) }, pos);
      if (fast && lexed.diagnostics.length) return undefined;
      for (const c of lexed.comments) comments.push(c);
      for (const d of lexed.diagnostics) if (lexDiagnostics.length <= MAX_SYNTAX_DIAGNOSTICS) lexDiagnostics.push(d);
      toks = carry.length ? carry.concat(lexed.tokens) : lexed.tokens;
    }
    const last = end >= text.length;
    pos = end;
    const cut = last ? toks.length : lastItemStart(toks, text);
    // The chunk's first item is the rest of the block the previous chunk left open.
    const resumes = carryResumes;
    let chunk: IToken[];
    if (cut === 0 && !last) {
      const inBlock = fast ? blockCut(toks, text) : 0;
      if (inBlock === 0) {
        carry = toks;
        continue;
      }
      chunk = toks.slice(0, inBlock);
      const end = chunk[chunk.length - 1]!.endOffset! + 1;
      chunk.push(createTokenInstance(RBrace, '}', end, end, NaN, NaN, NaN, NaN));
      carry = [toks[0]!, toks[1]!];
      for (let i = inBlock; i < toks.length; i++) carry.push(toks[i]!);
      carryResumes = true;
    } else {
      chunk = cut === toks.length ? toks : toks.slice(0, cut);
      carry = cut === toks.length ? [] : toks.slice(cut);
      carryResumes = false;
    }
    const deep = nestingError(chunk);
    if (deep && fast) return undefined;
    if (deep) {
      bag.add('PR1004', { start: deep.startOffset, end: deep.endOffset! + 1 }, `brackets or \`not\`s are nested more than ${MAX_NESTING} deep here`, { help: 'split the condition into simpler parts' });
      return { ...empty(), diagnostics: [...lexDiagnostics, ...bag.items], comments };
    }
    if (resumes) builder.continueBlock();
    const { errors } = parseTokens(chunk, builder.add);
    if (errors.length && fast) return undefined;
    for (const e of errors) {
      if (syntaxErrors++ === MAX_SYNTAX_DIAGNOSTICS) {
        bag.add('PR1003', spanOfError(e, chunk, text.length), 'more syntax errors after this point');
        break;
      }
      if (syntaxErrors > MAX_SYNTAX_DIAGNOSTICS) break;
      const { message, help } = syntaxMessage(e, carry[0]);
      bag.add('PR1003', spanOfError(e, chunk, text.length), message, help ? { help } : {});
    }
  }
  const { ast, duplicateClauses, tooLong } = builder.finish();
  for (const span of tooLong.slice(0, MAX_SYNTAX_DIAGNOSTICS)) {
    bag.add('PR1006', span, `this expression has more than ${MAX_ARITHMETIC} arithmetic operators`, { help: 'split it over several rules, or count with `count(…)` and `sum(…)`' });
  }
  return { ast, comments, diagnostics: [...lexDiagnostics, ...bag.items], duplicateClauses };
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
