// Formatter goldens (fixtures/format/<name>.payer → <name>.formatted.payer) and its laws: the
// output is a fixed point, parses to the same AST and keeps every comment. Shipped rulesets are
// in canonical form.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { format, parse } from '../dsl/index.ts';
import { stripSpans } from '../dsl/format/index.ts';
import { fixtures, readFixture } from './golden.ts';

describe('formatter goldens', () => {
  for (const [name, path] of fixtures('format')) {
    it(name, async () => {
      const file = readFixture(path, name);
      const res = format(file);
      expect(res.diagnostics).toEqual([]);
      await expect(res.text).toMatchFileSnapshot(path.replace(/\.payer$/, '.formatted.payer'));
      const again = format({ name, text: res.text });
      expect(again.text).toBe(res.text);
      expect(stripSpans(parse({ name, text: res.text }).ast)).toEqual(stripSpans(parse(file).ast));
      expect(parse({ name, text: res.text }).comments.map((c) => c.image.trimEnd())).toEqual(parse(file).comments.map((c) => c.image.trimEnd()));
    });
  }
});

describe('shipped rulesets are canonical', () => {
  const root = new URL('../rulesets/', import.meta.url).pathname;
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith('.payer') ? [join(d, n)] : []));
  for (const p of walk(root)) {
    it(p.slice(root.length), () => {
      const text = readFileSync(p, 'utf8');
      expect(format({ name: p, text }).text).toBe(text);
    });
  }
});

describe('formatter refuses files with syntax errors', () => {
  it('returns the text unchanged with the syntax diagnostics', () => {
    const text = 'ruleset x "X"\ncodes a = 97110, ,\n';
    const res = format({ name: 'x.payer', text });
    expect(res.text).toBe(text);
    expect(res.changed).toBe(false);
    expect(res.diagnostics.map((d) => d.code)).toContain('PR1003');
  });
});
