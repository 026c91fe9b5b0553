// Large rulesets are parsed on a fast path (dsl/parse.ts): small chunks, and a block cut between
// its statements. It must give exactly what parsing whole items gives (the way syntax errors are
// reported): the same AST, comments and diagnostics, for valid files and for files with errors
// (where the fast path gives up and the file is parsed again). Speed and memory are measured in
// bench/probe-bigrules.ts, never here.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse, parseWhole } from '../dsl/parse.ts';
import type { SourceFile } from '../dsl/source.ts';

/** Statement forms a block may hold, each a few lines at most; `i` keeps ids distinct. */
const STATEMENTS: ((i: number) => string)[] = [
  (i) => `  MOD-${i}: require one of GO, GP, GN on set-${i % 7} cite "MCPM ch.5 §20.1"`,
  (i) => `  MOD-${i}: require GO on set-${i % 5} warning`,
  (i) => `  override MOD-${i}: require GP on set-1`,
  (i) => `  MOD-${i}: require one of GO,\n      GP, GN on set-${i % 3}`,
  (i) => `  MOD-${i}: require KX above $2,480.00 per year when line.units > ${i % 4}`,
  () => `  require CQ with GP when assistant minutes above 10%`,
  (i) => `  # a note before MOD-${i}\n  MOD-${i}: require GN on set-2   # trailing note`,
  (i) => `  NCCI-${i}: ncci {\n    97530 / 97150 bypass 59\n    97140 / 97530 never bypass\n  }`,
  (i) => `  AUTH-${i}: require auth for set-${i % 4} after 12 visits per calendar year`,
  (i) => `  MOD-${i}: require GO on set-0 when line.units + ${i % 3} > 2`,
];

/** A ruleset of about `bytes` characters: code sets, blocks of `blockSize` statements, rules. */
function ruleset(seed: number[], bytes: number, blockSize: number): string {
  const out = ['ruleset big-plan "Big"', 'version 2026.1 effective 2026-01-01 through 2026-12-31', ''];
  for (let i = 0; i < 8; i++) out.push(`codes set-${i} = 9700${i}, 97100..97105, G0283`);
  let len = 0;
  let n = 0;
  for (let b = 0; len < bytes; b++) {
    out.push(`${['modifiers', 'prior-auth', 'units', 'telehealth'][b % 4]} {`);
    for (let k = 0; k < blockSize; k++, n++) {
      const st = STATEMENTS[seed[n % seed.length]! % STATEMENTS.length]!(n);
      out.push(st);
      len += st.length;
    }
    out.push('}', '', `rule R-${b} "generated rule ${b}" warning {`, `  when line.code in set-${b % 8} and line.units > 2`, '  cite "generated"', '}', '');
  }
  return out.join('\n') + '\n';
}

function same(file: SourceFile): void {
  const fast = parse(file);
  const whole = parseWhole(file);
  expect(fast.diagnostics).toEqual(whole.diagnostics);
  expect(fast.duplicateClauses).toEqual(whole.duplicateClauses);
  expect(fast.comments.map((c) => [c.startOffset, c.image])).toEqual(whole.comments.map((c) => [c.startOffset, c.image]));
  // Compared as JSON text (the AST is plain data): a deep toEqual of 100,000 nodes takes seconds.
  expect(JSON.stringify(fast.ast) === JSON.stringify(whole.ast), 'the ASTs differ').toBe(true);
}

describe('parsing a large ruleset a chunk at a time', () => {
  it.each([
    { note: 'one block of 4,000 statements (cut several times inside it)', bytes: 200_000, blockSize: 4000 },
    { note: 'blocks of 40 statements between rules', bytes: 200_000, blockSize: 40 },
    { note: 'a block of 2,000 statements per 64 KB or so (cut near its ends)', bytes: 200_000, blockSize: 1500 },
  ])('a valid file parses to the same AST as whole items: $note', ({ bytes, blockSize }) => {
    const file = { name: 'big.payer', text: ruleset([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 3], bytes, blockSize) };
    const whole = parseWhole(file);
    // No syntax error (a long block's later sums may be past the arithmetic budget: PR1006).
    expect(whole.diagnostics.filter((d) => d.code !== 'PR1006')).toEqual([]);
    const blocks = whole.ast.items.filter((i) => i.kind === 'Block');
    expect(blocks.length).toBeGreaterThan(0);
    same(file);
  });

  // The arithmetic budget (MAX_ARITHMETIC operators) is an item's: a block's parts share one.
  it('a block cut in parts spends one arithmetic budget, as the whole block does (PR1006 on the same statements)', () => {
    const file = { name: 'big.payer', text: ruleset([9], 100_000, 1500) };
    const whole = parseWhole(file);
    expect(whole.diagnostics.filter((d) => d.code === 'PR1006').length).toBeGreaterThan(0);
    same(file);
  });

  it('a block cut in parts is one Block node spanning from its keyword to its closing brace', () => {
    const text = ruleset([0], 200_000, 5000);
    const { ast, diagnostics } = parse({ name: 'big.payer', text });
    expect(diagnostics).toEqual([]);
    const block = ast.items.find((i) => i.kind === 'Block')!;
    expect(block.kind === 'Block' && block.statements.length).toBe(5000);
    expect(text.slice(block.span.start, block.span.end)).toMatch(/^modifiers \{\n[\s\S]*\n\}$/);
  });

  // Errors anywhere (in a block that would be cut, at a chunk's edge, a stray character) are
  // reported exactly as when the file is parsed whole: the fast path gives up on the first one.
  it('any file, with or without one broken line, gives the same AST and diagnostics', () => {
    const breaks = ['', '  MOD-X: require one of GO, GP,', '  @@', '}', '  MOD-Y require GO', 'rule', '  when (((', '  "unterminated'];
    fc.assert(
      fc.property(fc.array(fc.nat(40), { minLength: 1, maxLength: 12 }), fc.integer({ min: 50, max: 3000 }), fc.nat(breaks.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), (seed, blockSize, b, at) => {
        const lines = ruleset(seed, 90_000, blockSize).split('\n');
        if (breaks[b]) lines.splice(Math.floor(at * lines.length), 0, breaks[b]!);
        same({ name: 'big.payer', text: lines.join('\n') });
      }),
      { numRuns: 8 },
    );
  });
});
