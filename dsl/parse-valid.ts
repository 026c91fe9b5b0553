// A hand-written recursive-descent parser for VALID rulesets: the first try on large files
// (parse.ts). Why a second parser: on a 16 MB ruleset Chevrotain spends about 3.5 s building the
// concrete syntax tree alone (with error recovery and a CST node and children record per rule
// call) before cst-to-ast.ts reads it, and the garbage of tokens and CST nodes costs as much again
// in collection; reading the same tokens straight into the AST is several times faster.
//
// Chevrotain (parser.ts + cst-to-ast.ts) stays the grammar of record and the only parser that
// reports anything. This one reads the tokens of the same lexer (lexer.ts), builds its leaves with
// cst-to-ast's constructors and the rest as cst-to-ast does (same fields in the same order, same
// spans), and gives up (undefined) wherever it is not certain Chevrotain reads the text the same
// way without a diagnostic: any token out of place, a clause written twice, a keyword where a name
// could also be meant, nesting or arithmetic near the limits. The caller then parses the file with
// Chevrotain. test/dsl-bounds-valid.test.ts holds it to the same AST on every shipped ruleset, the
// fixtures and generated rulesets, and fails when the grammar changes (rule names, keywords or
// the shape of any rule) until this file is brought along.
import type { IToken, TokenType } from 'chevrotain';
import * as T from './tokens.ts';
import { tokenize } from './lexer.ts';
import type * as A from './ast.ts';
import type { SourceFile, Span } from './source.ts';
import { MAX_ARITHMETIC, date, moneyLit, name, numberLit, percentLit, text, unquote } from './cst-to-ast.ts';
import type { ParseResult } from './parse.ts';

const { Kw } = T;

/** The grammar rules (parser.ts) this parser was written against, one method each or inlined. */
export const HAND_PARSED_RULES = [
  'file', 'item', 'rulesetDecl', 'versionDecl', 'window', 'extendsDecl', 'disableDecl', 'notCheckedDecl', 'ruleId', 'codesDecl', 'elements', 'element', 'code', 'values', 'value',
  'blockDecl', 'statement', 'suffix', 'severity', 'body', 'tableRef', 'pricedBy', 'pairBody', 'span', 'within', 'durationUnit', 'requireBody', 'modSpec',
  'ncciTable', 'ncciBypass', 'ncciRow', 'mueTable', 'mueRow', 'ruleDecl', 'clause', 'expr', 'andExpr', 'notExpr', 'comparison', 'compareOp', 'setTarget',
  'additive', 'multiplicative', 'primary', 'aggregate', 'path',
] as const;

/**
 * A fingerprint of the grammar this parser was written against (the serialized productions,
 * hashed): the test recomputes it from parser.ts and fails on any change to any rule.
 */
export const HAND_PARSED_GRAMMAR = 'c7dada4a0ee1c7df';

/** Thrown to give up; caught once in parseValid. */
class GiveUp extends Error {}

/** What `CONSUME(Identifier)` takes: identifiers and every token in their category (the soft keywords), from the token table. */
const NAME = new Set<TokenType>([T.Identifier, ...T.ALL_TOKENS.filter((t) => t.CATEGORIES?.includes(T.Identifier))]);
const CODE = new Set<TokenType>([T.NumberLit, T.DigitCode, T.CodeWord]);
const COMPARE = new Set<TokenType>([T.Equals, T.NotEquals, T.LessEq, T.GreaterEq, T.Less, T.Greater]);
const UNIT = new Set<TokenType>([Kw.days, Kw.weeks, Kw.months, Kw.years]);
const SEVERITY = new Set<TokenType>([Kw.error, Kw.warning, Kw.info]);
const BLOCK = new Set<TokenType>([Kw.validity, Kw.units, Kw.modifiers, Kw.priorAuth, Kw.telehealth]);
const AGGREGATE = new Set<TokenType>([Kw.count, Kw.sum, Kw.max, Kw.min]);
const QUANTIFIER = new Set<TokenType>([Kw.any, Kw.all, Kw.none]);
const VERSION = new Set<TokenType>([T.NumberLit, T.CodeWord, ...NAME]);

const spanOf = (t: IToken): Span => ({ start: t.startOffset, end: t.endOffset! + 1 });

class ValidParser {
  private toks: IToken[] = [];
  private i = 0;
  /** How far the text has been lexed. */
  private lexed = 0;
  /** End (exclusive) of the last token taken: the end of the span of the rule being read. */
  private end = 0;
  /** Open brackets and braces; consecutive `not`s (parse.ts refuses more than MAX_NESTING). */
  private depth = 0;
  /** Arithmetic operators in the current top-level item (cst-to-ast refuses more than MAX_ARITHMETIC). */
  private arith = 0;
  readonly comments: IToken[] = [];

  constructor(
    private readonly src: SourceFile,
    private readonly chunkChars: number,
    private readonly maxNesting: number,
  ) {}

  /** Lexes the next piece (cut at a line end, which no token spans); false at the end of the text. */
  private more(): boolean {
    const text = this.src.text;
    if (this.lexed >= text.length) return false;
    let end = text.length;
    if (this.lexed + this.chunkChars < text.length) {
      const nl = text.indexOf('\n', this.lexed + this.chunkChars);
      end = nl < 0 ? text.length : nl + 1;
    }
    const out = tokenize({ name: this.src.name, text: this.lexed === 0 && end === text.length ? text : text.slice(this.lexed, end) }, this.lexed);
    this.lexed = end;
    if (out.diagnostics.length) throw new GiveUp();
    for (const c of out.comments) this.comments.push(c);
    // Tokens already read are dropped: only the current piece's are alive.
    this.toks = this.i < this.toks.length ? this.toks.slice(this.i).concat(out.tokens) : out.tokens;
    this.i = 0;
    return true;
  }

  private peek(k = 0): IToken | undefined {
    while (this.i + k >= this.toks.length) if (!this.more()) return undefined;
    return this.toks[this.i + k];
  }

  private is(tt: TokenType, k = 0): boolean {
    return this.peek(k)?.tokenType === tt;
  }

  private isIn(set: ReadonlySet<TokenType>, k = 0): boolean {
    const t = this.peek(k);
    return t !== undefined && set.has(t.tokenType);
  }

  private take(tt: TokenType): IToken {
    const t = this.peek();
    if (t === undefined || t.tokenType !== tt) throw new GiveUp();
    return this.step(t);
  }

  private takeIn(set: ReadonlySet<TokenType>): IToken {
    const t = this.peek();
    if (t === undefined || !set.has(t.tokenType)) throw new GiveUp();
    return this.step(t);
  }

  private step(t: IToken): IToken {
    this.i++;
    this.end = t.endOffset! + 1;
    return t;
  }

  private open(tt: TokenType): void {
    this.take(tt);
    if (++this.depth >= this.maxNesting) throw new GiveUp();
  }

  private close(tt: TokenType): void {
    this.take(tt);
    this.depth--;
  }

  private startOf(): number {
    const t = this.peek();
    if (t === undefined) throw new GiveUp();
    return t.startOffset;
  }

  private spanFrom(start: number): Span {
    return { start, end: this.end };
  }

  file(): A.Ruleset {
    const items: A.Item[] = [];
    while (this.peek() !== undefined) {
      this.arith = 0;
      items.push(this.item());
    }
    return { kind: 'Ruleset', items, span: { start: 0, end: this.src.text.length } };
  }

  private item(): A.Item {
    const t = this.peek()!;
    const tt = t.tokenType;
    const start = t.startOffset;
    if (tt === Kw.ruleset) {
      this.step(t);
      const id = name(this.takeIn(NAME));
      const title = this.is(T.StringLit) ? this.take(T.StringLit) : undefined;
      const h: A.RulesetHeader = { kind: 'RulesetHeader', id, span: this.spanFrom(start) };
      if (title) h.title = text(title);
      return h;
    }
    if (tt === Kw.version) {
      this.step(t);
      const version = name(this.takeIn(VERSION));
      const window = this.window();
      return { kind: 'VersionDecl', version, window, span: this.spanFrom(start) };
    }
    if (tt === Kw.extends) {
      this.step(t);
      const base = name(this.takeIn(NAME));
      return { kind: 'ExtendsDecl', base, span: this.spanFrom(start) };
    }
    if (tt === Kw.disable) {
      this.step(t);
      const ids = [this.ruleId()];
      while (this.is(T.Comma)) {
        this.step(this.peek()!);
        ids.push(this.ruleId());
      }
      return { kind: 'DisableDecl', ids, span: this.spanFrom(start) };
    }
    const after = tt === Kw.override ? this.peek(1)?.tokenType : tt;
    if (after === Kw.codes || after === Kw.diagnoses) return this.codesDecl(start);
    if (after === Kw.rule) return this.ruleDecl(start);
    if (after === Kw.not) return this.notCheckedDecl(start);
    if (BLOCK.has(tt)) return this.block(start);
    throw new GiveUp();
  }

  // notCheckedDecl: "override"? "not" "checked" ruleId StringLit ("cite" StringLit)?
  private notCheckedDecl(start: number): A.NotCheckedDecl {
    const override = this.is(Kw.override);
    if (override) this.step(this.peek()!);
    this.take(Kw.not);
    this.take(Kw.checked);
    const id = this.ruleId();
    const what = text(this.take(T.StringLit));
    const cite = this.is(Kw.cite) ? (this.step(this.peek()!), text(this.take(T.StringLit))) : undefined;
    // Fields in cst-to-ast's order (the AST is compared as JSON text).
    const d: A.NotCheckedDecl = { kind: 'NotCheckedDecl', override, id, what, span: this.spanFrom(start) };
    if (cite) d.cite = cite;
    return d;
  }

  private ruleId(): A.Name {
    const t = this.peek();
    if (t === undefined || (t.tokenType !== T.RuleId && t.tokenType !== T.CodeWord)) throw new GiveUp();
    return name(this.step(t));
  }

  private codesDecl(start: number): A.CodeSetDecl {
    const override = this.is(Kw.override);
    if (override) this.step(this.peek()!);
    const of = this.peek()!.tokenType === Kw.diagnoses ? 'diagnoses' : 'codes';
    this.step(this.peek()!);
    const setName = name(this.takeIn(NAME));
    this.take(T.Equals);
    const elements = this.elements();
    return { kind: 'CodeSetDecl', of, override, name: setName, elements, span: this.spanFrom(start) };
  }

  private window(): A.Window {
    const start = this.startOf();
    this.take(Kw.effective);
    const from = date(this.take(T.DateLit));
    let through: A.DateLit | undefined;
    if (this.is(Kw.through)) {
      this.step(this.peek()!);
      through = date(this.take(T.DateLit));
    }
    const w: A.Window = { kind: 'Window', from, span: this.spanFrom(start) };
    if (through) w.through = through;
    return w;
  }

  private elements(): A.Element[] {
    const out = [this.element()];
    while (this.is(T.Comma)) {
      this.step(this.peek()!);
      out.push(this.element());
    }
    return out;
  }

  private element(): A.Element {
    const t = this.peek();
    if (t === undefined) throw new GiveUp();
    const tt = t.tokenType;
    if (tt === T.DiagnosisPattern) {
      this.step(t);
      return { kind: 'CodePattern', prefix: t.image.slice(0, -1), span: spanOf(t) };
    }
    if (CODE.has(tt)) {
      const from = this.code();
      if (!this.is(T.DotDot)) return from;
      this.step(this.peek()!);
      const to = this.code();
      return { kind: 'CodeRange', from, to, span: { start: from.span.start, end: to.span.end } };
    }
    if (NAME.has(tt)) {
      this.step(t);
      return { kind: 'SetRef', name: t.image, span: spanOf(t) };
    }
    throw new GiveUp();
  }

  private code(): A.Code {
    const t = this.takeIn(CODE);
    return { kind: 'Code', text: t.image, span: spanOf(t) };
  }

  private value(): A.Code {
    const t = this.peek();
    if (t?.tokenType === T.StringLit) {
      this.step(t);
      return { kind: 'Code', text: unquote(t.image), span: spanOf(t) };
    }
    return this.code();
  }

  private values(): A.Code[] {
    const out = [this.value()];
    while (this.is(T.Comma)) {
      this.step(this.peek()!);
      out.push(this.value());
    }
    return out;
  }

  private block(start: number): A.Block {
    const kw = this.takeIn(BLOCK);
    this.open(T.LBrace);
    const statements: A.Statement[] = [];
    while (!this.is(T.RBrace)) statements.push(this.statement());
    this.close(T.RBrace);
    return { kind: 'Block', block: kw.image as A.BlockKind, keyword: spanOf(kw), statements, span: this.spanFrom(start) };
  }

  /** Reads one `suffix` into `clauses` (false when the next token starts none); a second of a kind gives up. */
  private suffix(clauses: A.Clauses): boolean {
    const t = this.peek();
    if (t === undefined) return false;
    const tt = t.tokenType;
    let key: 'severity' | 'effective' | 'cite' | 'fix';
    let v: A.SeverityLit | A.Window | A.Text;
    if (SEVERITY.has(tt)) {
      this.step(t);
      key = 'severity';
      v = { kind: 'Severity', value: t.image as A.SeverityLit['value'], span: spanOf(t) };
    } else if (tt === Kw.effective) {
      key = 'effective';
      v = this.window();
    } else if (tt === Kw.cite || tt === Kw.fix) {
      this.step(t);
      key = tt === Kw.cite ? 'cite' : 'fix';
      v = text(this.take(T.StringLit));
    } else return false;
    // (cst-to-ast reports a clause written twice to the checker; left to Chevrotain.)
    if (clauses[key]) throw new GiveUp();
    (clauses as Record<string, unknown>)[key] = v;
    return true;
  }

  private statement(): A.Statement {
    const start = this.startOf();
    const override = this.is(Kw.override);
    if (override) this.step(this.peek()!);
    let id: A.Name | undefined;
    if (this.is(T.RuleId) || this.is(T.CodeWord)) {
      id = this.ruleId();
      this.take(T.Colon);
    }
    const body = this.body();
    const clauses: A.Clauses = {};
    let when: A.Expr | undefined;
    for (;;) {
      if (this.is(Kw.when)) {
        if (when) throw new GiveUp();
        this.step(this.peek()!);
        when = this.expr();
      } else if (!this.suffix(clauses)) break;
    }
    if (when) clauses.when = when;
    const st: A.Statement = { kind: 'Statement', override, body, clauses, span: this.spanFrom(start) };
    if (id) st.id = id;
    return st;
  }

  private tableRef(): A.Name {
    this.take(Kw.table);
    return name(this.takeIn(NAME));
  }

  private pricedBy(): A.Name | undefined {
    if (!this.is(Kw.priced)) return undefined;
    this.step(this.peek()!);
    this.take(Kw.by);
    return this.tableRef();
  }

  private within(): A.Duration {
    const start = this.startOf();
    this.take(Kw.within);
    const amount = numberLit(this.take(T.NumberLit));
    const unit = this.takeIn(UNIT).image as A.DurationUnit;
    return { kind: 'Duration', amount, unit, span: this.spanFrom(start) };
  }

  private body(): A.Body {
    const t = this.peek();
    if (t === undefined) throw new GiveUp();
    const tt = t.tokenType;
    const start = t.startOffset;
    if (tt === Kw.require) return this.requireBody();
    if (tt === Kw.ncci) return this.ncciTable();
    if (tt === Kw.mue) return this.mueTable();
    if (tt === Kw.pair) return this.pairBody();
    this.step(t);
    if (tt === Kw.method) {
      const method = name(this.takeIn(NAME));
      return { kind: 'UnitsMethod', method, span: this.spanFrom(start) };
    }
    if (tt === Kw.timed || tt === Kw.untimed) {
      this.take(Kw.codes);
      const elements = this.elements();
      return { kind: 'UnitCodes', timed: tt === Kw.timed, elements, span: this.spanFrom(start) };
    }
    if (tt === T.NumberLit) {
      this.take(Kw.minutes);
      this.take(Kw.per);
      this.take(Kw.unit);
      return { kind: 'MinutesPerUnit', minutes: numberLit(t), span: this.spanFrom(start) };
    }
    if (tt === Kw.minimum) {
      const n = this.take(T.NumberLit);
      this.take(Kw.minutes);
      return { kind: 'MinimumMinutes', minutes: numberLit(n), span: this.spanFrom(start) };
    }
    if (tt === Kw.procedure || tt === Kw.diagnoses) {
      if (tt === Kw.procedure) this.take(Kw.codes);
      this.take(Kw.in);
      const table = this.tableRef();
      return tt === Kw.procedure ? { kind: 'ProcedureValidity', table, span: this.spanFrom(start) } : { kind: 'DiagnosisValidity', table, span: this.spanFrom(start) };
    }
    if (tt === Kw.targeted) {
      this.take(Kw.review);
      this.take(Kw.above);
      const threshold = moneyLit(this.take(T.MoneyLit));
      this.take(Kw.per);
      this.take(Kw.year);
      const fees = this.pricedBy();
      const b: Extract<A.Body, { kind: 'TargetedReview' }> = { kind: 'TargetedReview', threshold, span: this.spanFrom(start) };
      if (fees) b.fees = fees;
      return b;
    }
    if (tt === Kw.auth) {
      if (this.is(Kw.covers)) {
        this.step(this.peek()!);
        if (this.is(Kw.date)) {
          this.step(this.peek()!);
          this.take(Kw.of);
          this.take(Kw.service);
          return { kind: 'AuthCovers', span: this.spanFrom(start) };
        }
        this.take(Kw.visits);
        const codes = this.is(Kw.for) ? (this.step(this.peek()!), this.elements()) : undefined;
        const b: Extract<A.Body, { kind: 'AuthCoversVisits' }> = { kind: 'AuthCoversVisits', span: this.spanFrom(start) };
        if (codes) b.codes = codes;
        return b;
      }
      this.take(Kw.max);
      const visits = numberLit(this.take(T.NumberLit));
      this.take(Kw.visits);
      const within = this.within();
      return { kind: 'AuthMax', visits, within, span: this.spanFrom(start) };
    }
    if (tt === Kw.limit) {
      const visits = numberLit(this.take(T.NumberLit));
      this.take(Kw.visits);
      const codes = this.is(Kw.for) ? (this.step(this.peek()!), this.elements()) : undefined;
      this.take(Kw.per);
      this.take(Kw.calendar);
      this.take(Kw.year);
      const b: Extract<A.Body, { kind: 'VisitLimit' }> = { kind: 'VisitLimit', visits, span: this.spanFrom(start) };
      if (codes) b.codes = codes;
      return b;
    }
    if (tt === Kw.places || tt === Kw.eligible) {
      const elements = this.elements();
      return tt === Kw.places ? { kind: 'Places', elements, span: this.spanFrom(start) } : { kind: 'Eligible', elements, span: this.spanFrom(start) };
    }
    if (tt === Kw.covered) {
      const windows = [this.dateSpan()];
      while (this.is(T.Comma)) {
        this.step(this.peek()!);
        windows.push(this.dateSpan());
      }
      return { kind: 'Covered', windows, span: this.spanFrom(start) };
    }
    throw new GiveUp();
  }

  private dateSpan(): A.Window {
    const start = this.startOf();
    const from = date(this.take(T.DateLit));
    this.take(Kw.through);
    const through = date(this.take(T.DateLit));
    return { kind: 'Window', from, through, span: this.spanFrom(start) };
  }

  private requireBody(): A.Body {
    const start = this.startOf();
    this.take(Kw.require);
    if (this.is(Kw.auth)) {
      this.step(this.peek()!);
      this.take(Kw.for);
      const codes = this.elements();
      const except = this.is(Kw.except) ? (this.step(this.peek()!), this.elements()) : undefined;
      let after: NonNullable<Extract<A.Body, { kind: 'RequireAuth' }>['after']> | undefined;
      if (this.is(Kw.after)) {
        const afterStart = this.step(this.peek()!).startOffset;
        const visits = numberLit(this.take(T.NumberLit));
        this.take(Kw.visits);
        let within: A.Duration | undefined;
        if (this.is(Kw.per)) {
          this.step(this.peek()!);
          this.take(Kw.calendar);
          this.take(Kw.year);
        } else within = this.within();
        after = { visits, span: { start: afterStart, end: this.end } };
        if (within) after.within = within;
      }
      const b: Extract<A.Body, { kind: 'RequireAuth' }> = { kind: 'RequireAuth', codes, span: this.spanFrom(start) };
      if (except) b.except = except;
      if (after) b.after = after;
      return b;
    }
    const oneOf = this.is(Kw.one);
    let modifiers: A.Code[];
    if (oneOf) {
      this.step(this.peek()!);
      this.take(Kw.of);
      modifiers = this.values();
    } else modifiers = [this.value()];
    if (this.is(Kw.above)) {
      this.step(this.peek()!);
      const threshold = moneyLit(this.take(T.MoneyLit));
      this.take(Kw.per);
      this.take(Kw.year);
      const fees = this.pricedBy();
      const b: Extract<A.Body, { kind: 'RequireKx' }> = { kind: 'RequireKx', modifier: modifiers[0]!, threshold, span: this.spanFrom(start) };
      if (fees) b.fees = fees;
      return b;
    }
    if (this.is(Kw.with)) {
      this.step(this.peek()!);
      const w = this.value();
      this.take(Kw.when);
      this.take(Kw.assistant);
      this.take(Kw.minutes);
      this.take(Kw.above);
      const above = percentLit(this.take(T.PercentLit));
      return { kind: 'RequireAssistant', modifier: modifiers[0]!, with: w, above, span: this.spanFrom(start) };
    }
    const on = this.is(Kw.on) ? (this.step(this.peek()!), this.elements()) : undefined;
    const b: Extract<A.Body, { kind: 'RequireModifier' }> = { kind: 'RequireModifier', oneOf, modifiers, span: this.spanFrom(start) };
    if (on) b.on = on;
    return b;
  }

  private ncciTable(): A.Body {
    const start = this.startOf();
    this.take(Kw.ncci);
    if (this.is(T.LBrace)) {
      this.open(T.LBrace);
      const rows: A.NcciRow[] = [];
      while (!this.is(T.RBrace)) rows.push(this.ncciRow());
      this.close(T.RBrace);
      return { kind: 'NcciTable', rows, span: this.spanFrom(start) };
    }
    const table = this.tableRef();
    const bypass: A.NcciBypass[] = [];
    while (this.is(Kw.bypass)) {
      const bStart = this.step(this.peek()!).startOffset;
      const modifiers = this.values();
      const on = this.is(Kw.on) ? (this.step(this.peek()!), this.elements()) : undefined;
      const b: A.NcciBypass = { kind: 'NcciBypass', modifiers, span: this.spanFrom(bStart) };
      if (on) b.on = on;
      bypass.push(b);
    }
    return { kind: 'NcciTable', rows: [], table, bypass, span: this.spanFrom(start) };
  }

  private ncciRow(): A.NcciRow {
    const start = this.startOf();
    const column1 = this.elements();
    this.take(T.Slash);
    const column2 = this.elements();
    const never = this.is(Kw.never);
    let bypass: A.Code[] = [];
    if (never) {
      this.step(this.peek()!);
      this.take(Kw.bypass);
    } else {
      this.take(Kw.bypass);
      bypass = this.values();
    }
    // `from`/`deleted` then a date; a code set named `from` starting the next row is left to Chevrotain.
    const from = this.is(Kw.from) ? (this.step(this.peek()!), date(this.take(T.DateLit))) : undefined;
    const deleted = this.is(Kw.deleted) ? (this.step(this.peek()!), date(this.take(T.DateLit))) : undefined;
    const row: A.NcciRow = { kind: 'NcciRow', column1, column2, bypass, never, span: this.spanFrom(start) };
    if (from) row.from = from;
    if (deleted) row.deleted = deleted;
    return row;
  }

  private mueTable(): A.Body {
    const start = this.startOf();
    this.take(Kw.mue);
    if (!this.is(T.LBrace)) {
      const table = this.tableRef();
      return { kind: 'MueTable', rows: [], table, span: this.spanFrom(start) };
    }
    this.open(T.LBrace);
    const rows: A.MueRow[] = [];
    while (!this.is(T.RBrace)) {
      const rStart = this.startOf();
      const codes = this.elements();
      this.take(Kw.max);
      const max = numberLit(this.take(T.NumberLit));
      this.take(Kw.per);
      const per = this.is(Kw.day) ? 'day' : 'line';
      if (per === 'line') this.take(Kw.line);
      else this.step(this.peek()!);
      rows.push({ kind: 'MueRow', codes, max, per, span: this.spanFrom(rStart) });
    }
    this.close(T.RBrace);
    return { kind: 'MueTable', rows, span: this.spanFrom(start) };
  }

  private pairBody(): A.Body {
    const start = this.startOf();
    this.take(Kw.pair);
    const primary = this.code();
    this.take(Kw.first);
    const first = numberLit(this.take(T.NumberLit));
    this.take(Kw.minutes);
    let minimum: A.NumberLit | undefined;
    if (this.is(Kw.minimum)) {
      this.step(this.peek()!);
      minimum = numberLit(this.take(T.NumberLit));
      this.take(Kw.minutes);
    }
    this.take(Kw.then);
    const addon = this.code();
    this.take(Kw.each);
    const each = numberLit(this.take(T.NumberLit));
    this.take(Kw.minutes);
    const b: Extract<A.Body, { kind: 'UnitPair' }> = { kind: 'UnitPair', primary, first, addon, each, span: this.spanFrom(start) };
    if (minimum) b.minimum = minimum;
    return b;
  }

  private ruleDecl(start: number): A.RuleDecl {
    const override = this.is(Kw.override);
    if (override) this.step(this.peek()!);
    this.take(Kw.rule);
    const id = this.ruleId();
    const title = text(this.take(T.StringLit));
    const sevTok = this.isIn(SEVERITY) ? this.step(this.peek()!) : undefined;
    this.open(T.LBrace);
    const clauses: A.Clauses = {};
    const r: A.RuleDecl = { kind: 'RuleDecl', override, id, title, clauses, span: { start, end: start } };
    if (sevTok) r.severity = { kind: 'Severity', value: sevTok.image as A.SeverityLit['value'], span: spanOf(sevTok) };
    while (!this.is(T.RBrace)) {
      if (this.is(Kw.when)) {
        this.step(this.peek()!);
        if (r.when) throw new GiveUp();
        r.when = this.expr();
      } else if (this.is(Kw.kind)) {
        this.step(this.peek()!);
        const k = this.takeIn(NAME);
        if (r.findingKind) throw new GiveUp();
        r.findingKind = name(k);
      } else if (!this.suffix(clauses)) throw new GiveUp();
    }
    this.close(T.RBrace);
    r.span = this.spanFrom(start);
    if (clauses.severity) {
      if (r.severity) throw new GiveUp();
      r.severity = clauses.severity;
      delete clauses.severity;
    }
    return r;
  }

  // ---- expressions (the spans are cst-to-ast's: a node's first token to its last) ----

  private expr(): A.Expr {
    const start = this.startOf();
    const first = this.andExpr();
    if (!this.is(Kw.or)) return first;
    const operands = [first];
    while (this.is(Kw.or)) {
      this.step(this.peek()!);
      operands.push(this.andExpr());
    }
    return { kind: 'Logical', op: 'or', operands, span: this.spanFrom(start) };
  }

  private andExpr(): A.Expr {
    const start = this.startOf();
    const first = this.notExpr();
    if (!this.is(Kw.and)) return first;
    const operands = [first];
    while (this.is(Kw.and)) {
      this.step(this.peek()!);
      operands.push(this.notExpr());
    }
    return { kind: 'Logical', op: 'and', operands, span: this.spanFrom(start) };
  }

  private notExpr(): A.Expr {
    if (!this.is(Kw.not)) return this.comparison();
    // A run of `not`s, each a Not spanning from itself to the end of the operand.
    const starts: number[] = [];
    while (this.is(Kw.not)) {
      // (`not.x` would be a field path to a reader without lookahead limits; left to Chevrotain.)
      if (this.is(T.Dot, 1) || starts.length + 1 >= this.maxNesting) throw new GiveUp();
      starts.push(this.step(this.peek()!).startOffset);
    }
    let e = this.comparison();
    for (let k = starts.length - 1; k >= 0; k--) e = { kind: 'Not', operand: e, span: { start: starts[k]!, end: this.end } };
    return e;
  }

  private setTarget(): Extract<A.Expr, { kind: 'InSet' }>['set'] {
    const t = this.peek();
    if (t !== undefined && NAME.has(t.tokenType)) {
      this.step(t);
      return { kind: 'SetRef', name: t.image, span: spanOf(t) };
    }
    const start = this.startOf();
    this.open(T.LBracket);
    const elements = this.elements();
    this.close(T.RBracket);
    return { kind: 'InlineSet', elements, span: this.spanFrom(start) };
  }

  private comparison(): A.Expr {
    const start = this.startOf();
    const left = this.additive();
    const t = this.peek();
    if (t === undefined) return left;
    const tt = t.tokenType;
    if (COMPARE.has(tt)) {
      this.step(t);
      const right = this.additive();
      return { kind: 'Compare', op: t.image as A.CompareOp, left, right, span: this.spanFrom(start) };
    }
    if (tt === Kw.not || tt === Kw.in) {
      this.step(t);
      if (tt === Kw.not) this.take(Kw.in);
      const set = this.setTarget();
      return { kind: 'InSet', negated: tt === Kw.not, operand: left, set, span: this.spanFrom(start) };
    }
    if (tt === Kw.has || tt === Kw.lacks) {
      this.step(t);
      let mode: 'has' | 'any' | 'all' | 'none' = 'has';
      const q = this.peek();
      // `has any of …`; a set named `any` (`has any`) is left to Chevrotain.
      if (q !== undefined && QUANTIFIER.has(q.tokenType)) {
        this.step(q);
        this.take(Kw.of);
        mode = q.tokenType === Kw.any ? 'any' : q.tokenType === Kw.all ? 'all' : 'none';
      }
      if (tt === Kw.lacks) mode = 'none';
      if (this.isIn(NAME) || this.is(T.LBracket)) {
        const set = this.setTarget();
        return { kind: 'Has', mode, operand: left, values: [], set, span: this.spanFrom(start) };
      }
      const values = this.values();
      return { kind: 'Has', mode, operand: left, values, span: this.spanFrom(start) };
    }
    if (tt === Kw.is) {
      this.step(t);
      const present = this.is(Kw.present);
      if (present) this.step(this.peek()!);
      else this.take(Kw.missing);
      return { kind: 'Presence', present, operand: left, span: this.spanFrom(start) };
    }
    return left;
  }

  private additive(): A.Expr {
    let acc = this.multiplicative();
    while (this.is(T.Plus) || this.is(T.Minus)) {
      const op = this.step(this.peek()!).image as A.ArithOp;
      const e = this.multiplicative();
      // (Past MAX_ARITHMETIC in one item cst-to-ast drops the item with PR1006: left to Chevrotain.)
      if (++this.arith > MAX_ARITHMETIC) throw new GiveUp();
      acc = { kind: 'Arith', op, left: acc, right: e, span: { start: acc.span.start, end: e.span.end } };
    }
    return acc;
  }

  private multiplicative(): A.Expr {
    let acc = this.primary();
    while (this.is(T.Star) || this.is(T.Slash)) {
      const op = this.step(this.peek()!).image as A.ArithOp;
      const e = this.primary();
      if (++this.arith > MAX_ARITHMETIC) throw new GiveUp();
      acc = { kind: 'Arith', op, left: acc, right: e, span: { start: acc.span.start, end: e.span.end } };
    }
    return acc;
  }

  private primary(): A.Expr {
    const t = this.peek();
    if (t === undefined) throw new GiveUp();
    const tt = t.tokenType;
    const start = t.startOffset;
    if (AGGREGATE.has(tt)) {
      // (`count` not followed by `(` would be a field path; left to Chevrotain.)
      this.step(t);
      this.open(T.LParen);
      const over = this.path();
      const where = this.is(Kw.where) ? (this.step(this.peek()!), this.expr()) : undefined;
      this.close(T.RParen);
      let per = false;
      if (this.is(Kw.per)) {
        this.step(this.peek()!);
        this.take(Kw.day);
        per = true;
      }
      const a: Extract<A.Expr, { kind: 'Aggregate' }> = { kind: 'Aggregate', fn: t.image as A.AggregateFn, over, span: this.spanFrom(start) };
      if (where) a.where = where;
      if (per) a.per = 'day';
      return a;
    }
    if (tt === T.NumberLit) {
      this.step(t);
      const num = numberLit(t);
      if (!this.isIn(UNIT)) return num;
      const unit = this.step(this.peek()!).image as A.DurationUnit;
      return { kind: 'Duration', amount: num, unit, span: this.spanFrom(start) };
    }
    if (tt === T.MoneyLit) return moneyLit(this.step(t));
    if (tt === T.PercentLit) return percentLit(this.step(t));
    if (tt === T.DateLit) return date(this.step(t));
    if (tt === T.StringLit) return text(this.step(t));
    if (tt === T.CodeWord || tt === T.DigitCode) {
      this.step(t);
      return { kind: 'Code', text: t.image, span: spanOf(t) };
    }
    if (NAME.has(tt)) {
      const ref = this.path();
      if (ref.path === 'true' || ref.path === 'false') return { kind: 'Bool', value: ref.path === 'true', span: ref.span };
      return ref;
    }
    if (tt === T.LParen) {
      this.open(T.LParen);
      const e = this.expr();
      this.close(T.RParen);
      return e;
    }
    throw new GiveUp();
  }

  private path(): A.FieldRef {
    const first = this.takeIn(NAME);
    let path = first.image;
    while (this.is(T.Dot)) {
      this.step(this.peek()!);
      const t = this.peek();
      if (t === undefined || (t.tokenType !== T.CodeWord && !NAME.has(t.tokenType))) throw new GiveUp();
      path += '.' + this.step(t).image;
    }
    return { kind: 'FieldRef', path, span: this.spanFrom(first.startOffset) };
  }
}

/**
 * The AST of a file Chevrotain would parse without a diagnostic, exactly as it would, or
 * undefined when this parser is not certain of that (the caller then parses with Chevrotain).
 * Lexed `chunkChars` at a time, so only one piece's tokens are alive at once.
 */
export function parseValid(file: SourceFile, chunkChars: number, maxNesting: number): ParseResult | undefined {
  const p = new ValidParser(file, chunkChars, maxNesting);
  try {
    const ast = p.file();
    return { ast, comments: p.comments, diagnostics: [], duplicateClauses: [] };
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}
