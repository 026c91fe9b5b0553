// The token table of the rules language: every token type once, with the label errors show and the
// category the editor highlights by. The lexer, parser, formatter and editor all derive from it.
import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Highlight classes; the editor maps each to a Monaco token class. */
export type TokenClass = 'keyword' | 'identifier' | 'rule-id' | 'code' | 'number' | 'string' | 'date' | 'money' | 'percent' | 'operator' | 'punctuation' | 'comment';

const CLASS_OF = new Map<TokenType, TokenClass>();
/** Short description of each keyword, for hovers and completion. */
export const KEYWORD_DOCS = new Map<string, string>();

function tok(name: string, pattern: RegExp | string, cls: TokenClass, extra: Partial<Parameters<typeof createToken>[0]> = {}): TokenType {
  const t = createToken({ name, pattern, label: typeof pattern === 'string' ? `\`${pattern}\`` : undefined, ...extra });
  CLASS_OF.set(t, cls);
  return t;
}

export const WhiteSpace = tok('WhiteSpace', /[ \t\r\n\f\v\u00a0\ufeff\u2028\u2029]+/, 'punctuation', { group: Lexer.SKIPPED, line_breaks: true });
export const Comment = tok('Comment', /#[^\r\n\u2028\u2029]*/, 'comment', { group: 'comments', label: 'a comment' });

export const StringLit = tok('StringLit', /"(?:[^"\\\r\n]|\\.)*"/, 'string', { label: 'a quoted text' });
/** A quoted text that runs to the end of the line: reported as PR1002, never parsed. */
export const UnterminatedString = tok('UnterminatedString', /"(?:[^"\\\r\n]|\\.)*/, 'string', { group: 'unterminated', label: 'a quoted text without its closing quote' });
export const DateLit = tok('DateLit', /\d{4}-\d{2}-\d{2}/, 'date', { label: 'a date (YYYY-MM-DD)' });
export const MoneyLit = tok('MoneyLit', /\$\d[\d,]*(?:\.\d+)?/, 'money', { label: 'an amount like $2,480' });
export const PercentLit = tok('PercentLit', /\d+(?:\.\d+)?%/, 'percent', { label: 'a percentage like 10%' });
/** A code that starts with digits and has letters: CPT Category II/III (1125F, 0552T). */
export const DigitCode = tok('DigitCode', /\d+[A-Za-z][A-Za-z0-9]*/, 'code', { label: 'a code' });
export const NumberLit = tok('NumberLit', /\d+(?:\.\d+)?/, 'number', { label: 'a number' });
/** A stable rule id: capitals and digits joined by dashes (MOD-DISCIPLINE, NCCI-PTP-1). */
export const RuleId = tok('RuleId', /[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+/, 'rule-id', { label: 'a rule id like MOD-59' });
/** An ICD-10-CM prefix pattern: every code that starts with it (M54.5*, M54*). */
export const DiagnosisPattern = tok('DiagnosisPattern', /[A-Z]\d[0-9A-Z](?:\.?[0-9A-Z]{0,4})?\*/, 'code', { label: 'a diagnosis pattern like M54.5*' });
/** Codes and modifiers that start with a capital: G0283, GO, KX, M62.81; also PT_SLP in field paths. */
export const CodeWord = tok('CodeWord', /[A-Z][A-Z0-9_]*(?:\.[A-Z0-9]+)?/, 'code', { label: 'a code' });
export const Identifier = tok('Identifier', /[a-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/, 'identifier', { label: 'a name' });

/** Keywords are "soft": each is also an Identifier, so `timed` can still name a code set. */
function kw(word: string, doc: string): TokenType {
  const name = 'Kw' + word.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
  const t = tok(name, new RegExp(word.replace(/-/g, '\\-')), 'keyword', { longer_alt: Identifier, categories: [Identifier], label: `\`${word}\`` });
  KEYWORD_DOCS.set(word, doc);
  return t;
}

export const Kw = {
  ruleset: kw('ruleset', 'starts a ruleset: its id and display name'),
  version: kw('version', 'the version of this ruleset and the dates of service it covers'),
  effective: kw('effective', 'the first date of service this applies to'),
  through: kw('through', 'the last date of service (inclusive)'),
  extends: kw('extends', 'builds on another payer\'s ruleset; inherited rules can be overridden or disabled'),
  codes: kw('codes', 'names a set of codes: single codes, ranges (97161..97163) and other sets'),
  diagnoses: kw('diagnoses', 'names a set of ICD-10-CM diagnoses: codes (with or without the dot), ranges (M51.16..M51.17, each holding the codes under its upper end) and patterns (M54.5*)'),
  this: kw('this', 'inside `where`: the line the rule is checking (`this.dateOfService`), as against the line being counted'),
  pair: kw('pair', 'a time-defined code pair: a primary code for the first period and an add-on code for each period after it'),
  first: kw('first', 'the initial period of a time-defined pair'),
  then: kw('then', 'the add-on code of a time-defined pair'),
  each: kw('each', 'each further period of a time-defined pair'),
  table: kw('table', 'a reference table by its id (NCCI, MUE, ICD-10-CM, procedure codes, fee schedule): its release is chosen by date of service'),
  validity: kw('validity', 'which procedure codes and diagnoses are valid on the date of service'),
  procedure: kw('procedure', 'procedure codes (CPT and HCPCS)'),
  priced: kw('priced', 'where allowed amounts come from when a line does not give them'),
  by: kw('by', 'priced by a fee-schedule table'),
  targeted: kw('targeted', 'the targeted medical review threshold'),
  review: kw('review', 'the targeted medical review threshold'),
  override: kw('override', 'replaces an inherited rule or code set of the same name'),
  disable: kw('disable', 'switches off inherited rules by id'),
  checked: kw('checked', '`not checked ID "what and why"`: something the payer\'s policy asks for that this ruleset does not check; every report under it says so instead of passing it'),
  units: kw('units', 'how treatment minutes become billable units'),
  modifiers: kw('modifiers', 'which modifiers lines need: discipline, KX, assistants, NCCI pairs, MUEs'),
  priorAuth: kw('prior-auth', 'when prior authorization is needed and what it must cover'),
  telehealth: kw('telehealth', 'which services may be delivered by telehealth, where and when'),
  rule: kw('rule', 'a general rule: a condition over claim and line fields, with a message and a citation'),
  when: kw('when', 'the condition under which the rule reports a finding'),
  kind: kw('kind', 'the finding kind the rule reports (defaults to its id)'),
  cite: kw('cite', 'the policy source: manual section, bulletin, statute'),
  fix: kw('fix', 'what the biller should change'),
  error: kw('error', 'severity: the claim will be denied or rejected'),
  warning: kw('warning', 'severity: likely a problem; review before submitting'),
  info: kw('info', 'severity: for information only'),
  method: kw('method', 'unit counting: total-time (CMS 8-minute rule) or per-code (CPT midpoint rule)'),
  timed: kw('timed', 'codes billed per 15 minutes'),
  untimed: kw('untimed', 'service-based codes, 1 unit per session; their minutes do not count'),
  minutes: kw('minutes', 'a number of minutes'),
  minimum: kw('minimum', 'the fewest minutes that earn one unit'),
  per: kw('per', 'per day, line, unit or calendar year'),
  unit: kw('unit', 'a unit of service'),
  require: kw('require', 'requires modifiers on lines, or authorization for codes'),
  one: kw('one', 'one of a list'),
  of: kw('of', 'one of, any of, all of, none of'),
  on: kw('on', 'the codes a modifier requirement applies to'),
  above: kw('above', 'strictly more than'),
  year: kw('year', 'a calendar year'),
  with: kw('with', 'the discipline modifier an assistant modifier goes with'),
  assistant: kw('assistant', 'minutes the assistant furnished independently'),
  ncci: kw('ncci', 'NCCI procedure-to-procedure pairs: column 1 / column 2'),
  bypass: kw('bypass', 'modifiers that let the column 2 code be paid'),
  never: kw('never', 'no modifier bypasses this pair (modifier indicator 0)'),
  from: kw('from', 'the date an edit took effect'),
  deleted: kw('deleted', 'the date an edit was deleted; it applies to dates of service before it'),
  mue: kw('mue', 'medically unlikely edits: maximum units per day or per line'),
  max: kw('max', 'a maximum; in expressions, the largest value of a list'),
  day: kw('day', 'a date of service'),
  line: kw('line', 'a service line; `line.` reads a field of the line being checked'),
  auth: kw('auth', 'the claim\'s prior authorization'),
  for: kw('for', 'the codes a requirement applies to'),
  except: kw('except', 'codes exempt from a requirement'),
  after: kw('after', 'a number of visits before a requirement starts'),
  visits: kw('visits', 'treatment visits: distinct dates of service; `count(visits where …)` counts them'),
  calendar: kw('calendar', 'a calendar year'),
  within: kw('within', 'a span of time'),
  covers: kw('covers', 'the authorization window must include the date of service'),
  date: kw('date', 'the date of service'),
  service: kw('service', 'the date of service'),
  limit: kw('limit', 'a maximum number of visits'),
  places: kw('places', 'places of service that mean telehealth (a line carrying a modifier the block requires, such as 95, is telehealth too)'),
  eligible: kw('eligible', 'codes that may be delivered by telehealth'),
  covered: kw('covered', 'dates of service for which telehealth is covered'),
  and: kw('and', 'both conditions hold'),
  or: kw('or', 'either condition holds'),
  not: kw('not', 'the condition does not hold'),
  in: kw('in', 'membership in a code set'),
  is: kw('is', 'is missing / is present'),
  missing: kw('missing', 'the field has no value'),
  present: kw('present', 'the field has a value'),
  has: kw('has', 'a list contains a value'),
  lacks: kw('lacks', 'a list does not contain a value'),
  any: kw('any', 'any of a list'),
  all: kw('all', 'all of a list'),
  none: kw('none', 'none of a list'),
  count: kw('count', 'how many: count(lines where …) or count(claim.diagnoses)'),
  sum: kw('sum', 'a total over the claim\'s lines: sum(line.units where …)'),
  min: kw('min', 'the smallest value of a list'),
  lines: kw('lines', 'the claim\'s service lines'),
  where: kw('where', 'filters the lines an aggregate counts'),
  true: kw('true', 'yes'),
  false: kw('false', 'no'),
  days: kw('days', 'a number of days'),
  weeks: kw('weeks', 'a number of weeks'),
  months: kw('months', 'a number of months'),
  years: kw('years', 'a number of years'),
} as const;

export const DotDot = tok('DotDot', '..', 'operator');
export const Dot = tok('Dot', '.', 'punctuation');
export const Comma = tok('Comma', ',', 'punctuation');
export const Colon = tok('Colon', ':', 'punctuation');
export const Equals = tok('Equals', '=', 'operator');
export const NotEquals = tok('NotEquals', '!=', 'operator');
export const LessEq = tok('LessEq', '<=', 'operator');
export const GreaterEq = tok('GreaterEq', '>=', 'operator');
export const Less = tok('Less', '<', 'operator');
export const Greater = tok('Greater', '>', 'operator');
export const Plus = tok('Plus', '+', 'operator');
export const Minus = tok('Minus', '-', 'operator');
export const Star = tok('Star', '*', 'operator');
export const Slash = tok('Slash', '/', 'operator');
export const LBrace = tok('LBrace', '{', 'punctuation');
export const RBrace = tok('RBrace', '}', 'punctuation');
export const LParen = tok('LParen', '(', 'punctuation');
export const RParen = tok('RParen', ')', 'punctuation');
export const LBracket = tok('LBracket', '[', 'punctuation');
export const RBracket = tok('RBracket', ']', 'punctuation');

/** Keyword tokens, longest spelling first so `prior-auth` wins over shorter prefixes. */
export const KEYWORD_TOKENS: TokenType[] = Object.values(Kw).sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length);

/** Every token type, in the order the lexer tries them. */
export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLit,
  UnterminatedString,
  DateLit,
  MoneyLit,
  PercentLit,
  DigitCode,
  NumberLit,
  RuleId,
  DiagnosisPattern,
  CodeWord,
  ...KEYWORD_TOKENS,
  Identifier,
  DotDot,
  Dot,
  Comma,
  Colon,
  NotEquals,
  LessEq,
  GreaterEq,
  Equals,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
];

/** The highlight class of a token type (keywords before identifiers, since keywords are identifiers too). */
export function tokenClass(t: TokenType): TokenClass {
  return CLASS_OF.get(t) ?? 'identifier';
}

/** Keyword spellings, for completion. */
export const KEYWORDS: readonly string[] = [...KEYWORD_DOCS.keys()].sort();
