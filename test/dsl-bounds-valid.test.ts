// The hand-written parser for valid text (dsl/parse-valid.ts) that reads large rulesets first,
// against Chevrotain, the grammar of record (parseWhole: parser.ts + cst-to-ast.ts): on every text
// it either gives exactly Chevrotain's AST (spans, comments, field order) or gives up, and it
// always gives up where Chevrotain reports anything. It also fails when the grammar changes and
// this parser has not been brought along. Speed is measured in bench/probe-bigrules.ts, never here.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { serializeGrammar } from 'chevrotain';
import { parseValid, HAND_PARSED_GRAMMAR, HAND_PARSED_RULES } from '../dsl/parse-valid.ts';
import { MAX_NESTING, parse, parseWhole } from '../dsl/parse.ts';
import { grammarProductions } from '../dsl/parser.ts';
import type { SourceFile } from '../dsl/source.ts';
import { ROOT, walk } from './support.ts';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 60);

/** parseValid with small pieces (so lexing across piece ends is exercised too). */
const hand = (file: SourceFile) => parseValid(file, 256, MAX_NESTING);

/** Same AST (as JSON text: field order counts too) and comments as Chevrotain, or a give-up where Chevrotain reports anything. */
function agrees(file: SourceFile): 'same' | 'gave up' {
  const ref = parseWhole(file);
  const mine = hand(file);
  const clean = ref.diagnostics.length === 0 && ref.duplicateClauses.length === 0;
  if (!clean) {
    expect(mine, 'accepted a text Chevrotain reports on').toBeUndefined();
    return 'gave up';
  }
  if (!mine) return 'gave up';
  expect(JSON.stringify(mine.ast) === JSON.stringify(ref.ast), `the ASTs differ:\n${JSON.stringify(mine.ast).slice(0, 300)}\n${JSON.stringify(ref.ast).slice(0, 300)}`).toBe(true);
  expect(mine.comments.map((c) => [c.startOffset, c.endOffset, c.image])).toEqual(ref.comments.map((c) => [c.startOffset, c.endOffset, c.image]));
  return 'same';
}

describe('the hand parser follows the grammar of record', () => {
  it('knows every rule of the grammar (add a rule to parser.ts, and parse-valid.ts must learn it)', () => {
    expect([...HAND_PARSED_RULES].sort()).toEqual(Object.keys(grammarProductions()).sort());
  });

  it('was written against this exact grammar: any change to a rule, an alternative or a token changes the fingerprint', () => {
    // On failure: update parse-valid.ts for the change, run this file, then set HAND_PARSED_GRAMMAR to the value received.
    const s = JSON.stringify(serializeGrammar(Object.values(grammarProductions())));
    let h1 = 0x811c9dc5;
    let h2 = 0x5bd1e995;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 15);
    }
    expect((h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0')).toBe(HAND_PARSED_GRAMMAR);
  });
});

const files = [...walk(`${ROOT}rulesets`, '.payer'), ...walk(`${ROOT}test/fixtures`, '.payer')].map((p) => ({ note: relative(ROOT, p), path: p }));

describe('every shipped ruleset and fixture', () => {
  it.each(files)('$note: the same AST, or a give-up where Chevrotain reports', ({ note, path }) => {
    const outcome = agrees({ name: note, text: readFileSync(path, 'utf8') });
    // The shipped rulesets are valid: the hand parser must read them, not give up.
    if (note.startsWith('rulesets/')) expect(outcome).toBe('same');
  });
});

// ---- generated rulesets: every statement form and expression form, laid out at random ----

const gap = fc.constantFrom(' ', '  ', '\n  ', ' # note\n    ', '\t');
const code = fc.constantFrom('97110', '97530', 'G0283', '0552T', 'GO', 'KX', '59', 'M62.81');
const setName = fc.constantFrom('set-a', 'timed', 'treatment', 'e-m', 'codes');
const element = fc.oneof(code, setName, fc.constantFrom('97161..97163', 'M54.5*', 'M51.16..M51.17'));
const list = (a: fc.Arbitrary<string>) => fc.array(a, { minLength: 1, maxLength: 3 }).map((xs) => xs.join(', '));
const field = fc.constantFrom('line.code', 'line.units', 'claim.dateOfService', 'this.dateOfService', 'line.modifiers', 'claim.diagnoses', 'line.PT_SLP', 'true', 'false');
const literal = fc.constantFrom('3', '2.5', '$2,480', '10%', '2026-01-01', '"text \\" quoted"', 'G0283', '1125F', '8 weeks', '30 days');

const { expr } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    field,
    literal,
    fc.tuple(fc.constantFrom('count', 'sum', 'max', 'min'), fc.constantFrom('lines', 'visits', 'line.units'), fc.option(tie('expr')), fc.boolean()).map(([f, over, where, perDay]) => `${f}(${over}${where ? ` where ${where}` : ''})${perDay ? ' per day' : ''}`),
    fc.tuple(tie('value'), fc.constantFrom('+', '-', '*', '/'), tie('value')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('value').map((v) => `(${v})`),
  ),
  test: fc.oneof(
    fc.tuple(tie('value'), fc.constantFrom('=', '!=', '<', '<=', '>', '>='), tie('value')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(field, fc.constantFrom('in', 'not in'), fc.oneof(setName, list(element).map((l) => `[${l}]`))).map(([f, op, s]) => `${f} ${op} ${s}`),
    fc.tuple(field, fc.constantFrom('has', 'lacks', 'has any of', 'has all of', 'has none of', 'lacks any of'), fc.oneof(setName, list(code), list(element).map((l) => `[${l}]`))).map(([f, op, s]) => `${f} ${op} ${s}`),
    fc.tuple(field, fc.constantFrom('is missing', 'is present')).map(([f, p]) => `${f} ${p}`),
    tie('value'),
  ),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('test'),
    fc.tuple(tie('expr'), fc.constantFrom('and', 'or'), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('expr').map((e) => `not ${e}`),
    tie('expr').map((e) => `(${e})`),
  ),
})) as { expr: fc.Arbitrary<string> };

const suffix = fc.constantFrom('', ' error', ' warning', ' cite "MCPM ch.5 §20.1"', ' fix "add GO"', ' effective 2026-01-01', ' effective 2026-01-01 through 2026-06-30', ' cite "a" fix "b" info');
const body = fc.oneof(
  fc.tuple(list(fc.constantFrom('GO', 'GP', 'GN', '"95"')), fc.option(list(element))).map(([m, on]) => `require ${m.includes(',') ? `one of ${m}` : m}${on ? ` on ${on}` : ''}`),
  fc.constantFrom('require KX above $2,480 per year', 'require KX above $2,480 per year priced by table cms-mpfs', 'require CQ with GP when assistant minutes above 10%'),
  fc.constantFrom('method total-time', 'timed codes set-a, 97110', 'untimed codes 97161..97163', '15 minutes per unit', 'minimum 8 minutes'),
  fc.constantFrom('pair 97129 first 15 minutes then 97130 each 15 minutes', 'pair 97550 first 30 minutes minimum 16 minutes then 97551 each 15 minutes'),
  fc.constantFrom('procedure codes in table cms-procedure-codes', 'diagnoses in table cdc-icd10cm', 'targeted review above $3,000 per year priced by table cms-mpfs'),
  fc.constantFrom('ncci {\n 97530 / 97150 bypass 59, XU\n 97140, set-a / 97530 never bypass from 2020-01-01 deleted 2024-01-01\n }', 'ncci table ptp bypass 59, XE bypass 25 on e-m', 'mue {\n 97110 max 4 per day\n timed max 2 per line\n }', 'mue table cms-mue'),
  fc.constantFrom('require auth for treatment except e-m after 6 visits within 8 weeks', 'require auth for set-a after 12 visits per calendar year', 'require auth for set-a', 'auth covers date of service', 'auth covers visits for set-a', 'auth covers visits', 'auth max 12 visits within 6 months', 'limit 30 visits for set-a per calendar year', 'limit 20 visits per calendar year'),
  fc.constantFrom('places 02, 10', 'eligible 97110, set-a', 'covered 2020-03-01 through 2023-12-31, 2024-01-01 through 2026-12-31'),
);
const statement = fc.tuple(fc.constantFrom('', 'override '), fc.constantFrom('', 'MOD-1: ', 'NCCI: '), body, suffix, fc.option(expr)).map(([o, id, b, s, w]) => `${o}${id}${b}${s}${w ? ` when ${w}` : ''}`);
const item = fc.oneof(
  fc.tuple(fc.constantFrom('codes', 'diagnoses', 'override codes'), setName, list(element)).map(([k, n, l]) => `${k} ${n} = ${l}`),
  fc.tuple(fc.constantFrom('units', 'modifiers', 'prior-auth', 'telehealth', 'validity'), fc.array(statement, { maxLength: 4 })).map(([k, sts]) => `${k} {\n${sts.map((s) => `  ${s}\n`).join('')}}`),
  fc.tuple(fc.constantFrom('', 'override '), fc.constantFrom('', ' error', ' warning'), fc.array(fc.oneof(expr.map((e) => `when ${e}`), fc.constantFrom('kind mue-exceeded', 'cite "x"', 'fix "y"', 'info', 'effective 2026-01-01')), { maxLength: 3 })).map(([o, sev, cls]) => `${o}rule R-1 "a rule"${sev} {\n${cls.map((c) => `  ${c}\n`).join('')}}`),
  fc.constantFrom('not checked PRIOR-AUTH "prior authorization"', 'override not checked NCCI "pairs" cite "x"', 'not checked X-1 ""'),
  fc.constantFrom('disable MOD-1, NCCI', 'extends medicare-part-b', 'version 2026.1 effective 2026-01-01 through 2026-12-31', 'ruleset plan "Plan"'),
);
/** Tokens laid out with random spaces, line breaks and comments (spans and comments must still agree). */
const ruleset = fc.tuple(fc.array(item, { minLength: 1, maxLength: 8 }), fc.array(gap, { minLength: 1, maxLength: 20 })).map(([items, gaps]) => {
  let k = 0;
  return items.join('\n\n').replace(/ /g, () => gaps[k++ % gaps.length]!) + '\n';
});

describe('generated rulesets', () => {
  it('every form the grammar has, laid out at random: the same AST as Chevrotain (or a give-up where it reports)', () => {
    let same = 0;
    fc.assert(
      fc.property(ruleset, (text) => {
        if (agrees({ name: 'gen.payer', text }) === 'same') same++;
      }),
      { numRuns: RUNS },
    );
    // Most generated rulesets are valid: the hand parser must not just give up on everything.
    expect(same).toBeGreaterThan(RUNS / 3);
  });

  it('with a piece inserted, deleted or repeated anywhere: never accepts what Chevrotain reports on', () => {
    const piece = fc.constantFrom('{', '}', '(', ')', ',', ':', '..', 'not', 'and', 'when', 'cite', '"', '@', 'from', 'any', 'count', 'per', '$', '\n');
    fc.assert(
      fc.property(ruleset, fc.nat(), piece, fc.constantFrom('insert', 'delete', 'repeat'), (text, at, p, op) => {
        const i = at % (text.length + 1);
        const t = op === 'insert' ? text.slice(0, i) + p + text.slice(i) : op === 'delete' ? text.slice(0, i) + text.slice(i + 3) : text.slice(0, i) + text.slice(i, i + 8) + text.slice(i);
        agrees({ name: 'gen.payer', text: t });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('where the hand parser gives up and Chevrotain reads the file', () => {
  const modifiers = (st: string) => `modifiers {\n  ${st}\n}\n`;
  it.each([
    { note: 'a clause written twice (the checker reports it from Chevrotain\'s AST)', text: modifiers('MOD-1: require GO on set-a cite "a" cite "b"') },
    { note: 'two `when`s on one statement', text: modifiers('MOD-1: require GO when line.units > 1 when line.units > 2') },
    { note: 'a set named `any` after `has`', text: 'rule R-1 "x" {\n  when line.modifiers has any\n}\n' },
    { note: 'a code set named `from` starting an NCCI row', text: modifiers('NCCI: ncci {\n    97530 / 97150 never bypass\n    from / 97150 bypass 59\n  }') },
    { note: 'more arithmetic operators than one item may hold (PR1006)', text: `rule R-1 "x" {\n  when ${Array.from({ length: 300 }, () => 'line.units').join(' + ')} > 1\n}\n` },
    { note: 'brackets nested past the limit (PR1004)', text: `rule R-1 "x" {\n  when ${'('.repeat(MAX_NESTING + 2)}line.units${')'.repeat(MAX_NESTING + 2)} > 1\n}\n` },
    { note: 'a stray character (PR1001)', text: modifiers('MOD-1: require GO on set-a @') },
    { note: 'a statement cut short (PR1003)', text: modifiers('MOD-1: require one of GO,') },
  ])('$note', ({ text }) => {
    expect(hand({ name: 'x.payer', text })).toBeUndefined();
    // Large enough for the fast path: parse() then gives exactly Chevrotain's answer.
    const big = { name: 'x.payer', text: text + '#'.repeat(70_000) + '\n' };
    const got = parse(big);
    const ref = parseWhole(big);
    expect(got.diagnostics).toEqual(ref.diagnostics);
    expect(got.duplicateClauses).toEqual(ref.duplicateClauses);
    expect(JSON.stringify(got.ast)).toBe(JSON.stringify(ref.ast));
  });
});
