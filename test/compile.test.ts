// Compiler goldens (fixtures/compile/<name>.payer → <name>.compiled.json), determinism, and the
// contract with the runtime: every compiled rule loads into a real json-rules-engine Engine, and
// every operator, fact and code set a condition names exists.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Engine } from 'json-rules-engine';
import { analyze, rulesetLoader } from '../dsl/index.ts';
import type { CompiledRuleset, Condition } from '../engine/compiled.ts';
import { FACTS, OPERATORS } from '../engine/operator-catalog.ts';
import { FIXTURE_TABLES, fixtures, readFixture } from './golden.ts';

const rulesetsRoot = new URL('../rulesets/', import.meta.url).pathname;
const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith('.payer') ? [join(d, n)] : []));
const shipped = walk(rulesetsRoot).map((p) => ({ name: relative(rulesetsRoot, p), text: readFileSync(p, 'utf8') }));
const load = rulesetLoader(shipped);

function compiledOf(name: string, text: string): CompiledRuleset {
  const res = analyze({ name, text }, { loadRuleset: load, tables: FIXTURE_TABLES });
  expect(res.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return res.compiled!;
}

function leaves(c: Condition, out: Extract<Condition, { fact: string }>[] = []): Extract<Condition, { fact: string }>[] {
  if ('all' in c) c.all.forEach((x) => leaves(x, out));
  else if ('any' in c) c.any.forEach((x) => leaves(x, out));
  else if ('not' in c) leaves(c.not, out);
  else out.push(c);
  return out;
}

function checkContract(rs: CompiledRuleset): void {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const [name, op] of Object.entries(OPERATORS)) engine.addOperator(name, op.make(rs));
  for (const rule of rs.rules) {
    engine.addRule(rule as never);
    expect(rs.origins[rule.name], `origin of ${rule.name}`).toBeDefined();
    for (const l of leaves(rule.conditions)) {
      expect(Object.keys(OPERATORS), `operator of ${l.name}`).toContain(l.operator);
      expect(Object.keys(FACTS), `fact of ${l.name}`).toContain(l.fact);
      expect(rs.origins[l.name], `origin of ${l.name}`).toBeDefined();
      const set = (l.value as { set?: string } | null)?.set;
      if (set) expect(rs.codeSets[set], `code set ${set}`).toBeDefined();
      const factRef = (l.value as { fact?: string } | null)?.fact;
      if (factRef) expect(Object.keys(FACTS)).toContain(factRef);
    }
  }
  expect(new Set(rs.rules.map((r) => r.name)).size).toBe(rs.rules.length);
}

describe('compiler goldens', () => {
  for (const [name, path] of fixtures('compile')) {
    it(name, async () => {
      const file = readFixture(path, name);
      const rs = compiledOf(file.name, file.text);
      await expect(JSON.stringify(rs, null, 2) + '\n').toMatchFileSnapshot(path.replace(/\.payer$/, '.compiled.json'));
      checkContract(rs);
    });
  }
});

describe('shipped rulesets compile', () => {
  for (const f of shipped) {
    it(`${f.name}: loads into json-rules-engine, deterministic`, () => {
      const a = compiledOf(f.name, f.text);
      const b = compiledOf(f.name, f.text);
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      checkContract(a);
      expect(a.rules.length).toBeGreaterThan(0);
    });
  }
});

describe('inherited rules', () => {
  // A rule written in a base ruleset compiles under a derived one with the literal types the base
  // wrote: `line.code = 97014` compares the code as text "97014", never the number 97014 (codes
  // are text in claims, so a number would never match and the rule would pass every claim).
  it('keep code literals as text when compiled under an extending ruleset', () => {
    const base = shipped.find((f) => f.name === 'cms-outpatient-therapy/2020.payer')!;
    const derived = shipped.find((f) => f.name === 'medicare-part-b/2026.payer')!;
    const values = (rs: CompiledRuleset): unknown[] => {
      const rule = rs.rules.find((r) => r.name.includes('E-STIM-UNATTENDED'));
      expect(rule, 'E-STIM-UNATTENDED compiled').toBeDefined();
      return leaves(rule!.conditions).filter((l) => (l.params as { field?: string } | undefined)?.field === 'line.code').map((l) => l.value);
    };
    const fromBase = values(compiledOf(base.name, base.text));
    const fromDerived = values(compiledOf(derived.name, derived.text));
    expect(fromBase).toContain('97014');
    expect(fromDerived).toEqual(fromBase);
  });
});
