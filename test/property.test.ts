// Property tests: no text makes lex/parse/check/format/compile throw; every diagnostic has a valid
// span; formatting is idempotent on every input that parses. FUZZ_RUNS raises the run count
// (`npm run fuzz`); `npm test` runs a short version.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { analyze, format, parse } from '../dsl/index.ts';
import { KEYWORDS } from '../dsl/tokens.ts';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 300);
const seedText = readFileSync(new URL('../rulesets/medicare-part-b/2026.payer', import.meta.url), 'utf8');
const pieces = [...KEYWORDS, '{', '}', '(', ')', '[', ']', ',', ':', '..', '/', '=', '>', '<=', '$2,480', '10%', '2026-02-30', '97110', 'G0283', 'GO', 'MOD-1', '"cite"', '"', '#c\n', '\n', 'line.code', 'claim.dateOfService', 'timed', '§', '\u0000', '\ud83d\ude00'];

function assertSound(text: string): void {
  const file = { name: 'f.payer', text };
  const res = analyze(file, { loadRuleset: () => undefined });
  for (const d of res.diagnostics) {
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeGreaterThanOrEqual(d.span.start);
    expect(d.span.end).toBeLessThanOrEqual(text.length);
    expect(d.message).not.toMatch(/\n/);
  }
  const f = format(file);
  if (f.diagnostics.length === 0 && parse(file).diagnostics.length === 0) {
    expect(format({ name: 'f.payer', text: f.text }).text).toBe(f.text);
  } else {
    expect(f.diagnostics.every((d) => d.code !== 'PR4001')).toBe(true);
  }
}

/** Mutations of the real Medicare ruleset: deletions, duplications, swaps and insertions. */
const mutated = fc
  .array(
    fc.record({
      at: fc.nat(),
      len: fc.nat({ max: 40 }),
      op: fc.constantFrom('delete', 'duplicate', 'insert', 'swap'),
      piece: fc.constantFrom(...pieces),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((muts) => {
    let t = seedText;
    for (const m of muts) {
      const at = m.at % (t.length + 1);
      const end = Math.min(t.length, at + m.len);
      if (m.op === 'delete') t = t.slice(0, at) + t.slice(end);
      else if (m.op === 'duplicate') t = t.slice(0, end) + t.slice(at, end) + t.slice(end);
      else if (m.op === 'insert') t = t.slice(0, at) + m.piece + ' ' + t.slice(at);
      else {
        const b = (at * 7 + 13) % (t.length + 1);
        const [x, y] = at < b ? [at, b] : [b, at];
        t = t.slice(0, x) + t.slice(y, Math.min(t.length, y + m.len)) + t.slice(x + m.len, y) + t.slice(x, x + m.len) + t.slice(Math.min(t.length, y + m.len));
      }
    }
    return t;
  });

describe('the language never throws', () => {
  it('on random token soup', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 80 }).map((a) => a.join(' ')), assertSound), { numRuns: RUNS });
  });

  it('on arbitrary unicode text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), assertSound), { numRuns: RUNS });
  });

  it('on mutations of a real ruleset', () => {
    fc.assert(fc.property(mutated, assertSound), { numRuns: Math.max(50, Math.floor(RUNS / 3)) });
  });

  it('on deep nesting, long lines and binary junk', () => {
    assertSound('rule R-1 "x" { when ' + '('.repeat(10_000) + 'line.units > 1' + ')'.repeat(10_000) + ' }');
    assertSound('rule R-1 "x" { when ' + 'not '.repeat(10_000) + 'line.units > 1 }');
    assertSound('codes a = ' + Array.from({ length: 20_000 }, (_, i) => String(90000 + (i % 9999))).join(', '));
    assertSound('#'.repeat(1_000_000));
    assertSound(String.fromCharCode(...Array.from({ length: 5000 }, (_, i) => (i * 7919) % 65536)));
    assertSound(seedText.slice(0, seedText.length / 2));
    assertSound('{'.repeat(5000));
  });
});
