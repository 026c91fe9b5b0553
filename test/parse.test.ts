// Parser goldens: fixtures/parse/<name>.payer → <name>.ast.txt (the AST with spans written as
// @start..end so a reviewer can see where each node lies) or its syntax diagnostics.
import { describe, expect, it } from 'vitest';
import { parse } from '../dsl/index.ts';
import { baseline, fixtures, readFixture } from './golden.ts';

/** The AST as indented text: one node per line, spans as @start..end. */
export function astText(v: unknown, indent = ''): string {
  if (Array.isArray(v)) return v.map((x) => astText(x, indent)).join('');
  if (!v || typeof v !== 'object') return `${indent}${JSON.stringify(v)}\n`;
  const o = v as Record<string, unknown> & { kind?: string; span?: { start: number; end: number } };
  const span = o.span ? ` @${o.span.start}..${o.span.end}` : '';
  const scalars = Object.entries(o).filter(([k, x]) => k !== 'kind' && k !== 'span' && (x === null || typeof x !== 'object'));
  const nested = Object.entries(o).filter(([k, x]) => k !== 'span' && x !== null && typeof x === 'object');
  let out = `${indent}${o.kind ?? '{}'}${span}${scalars.map(([k, x]) => ` ${k}=${JSON.stringify(x)}`).join('')}\n`;
  for (const [k, x] of nested) {
    if (Array.isArray(x) && x.length === 0) continue;
    out += `${indent}  ${k}:\n${astText(x, indent + '    ')}`;
  }
  return out;
}

describe('parser goldens', () => {
  for (const [name, path] of fixtures('parse')) {
    it(name, async () => {
      const file = readFixture(path, name);
      const res = parse(file);
      const text = res.diagnostics.length ? baseline(file, res.diagnostics) : astText(res.ast);
      await expect(text).toMatchFileSnapshot(path.replace(/\.payer$/, res.diagnostics.length ? '.errors.txt' : '.ast.txt'));
    });
  }
});
