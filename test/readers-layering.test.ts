// readers/ and writers/ run in the studio's browser worker: no Node built-ins, no Node globals, and
// nothing from the Node-side folders (cli/, workspace/). They may use engine/ (the claim contract).
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../', import.meta.url).pathname;

describe('layering', () => {
  it.each([['readers'], ['writers']])('%s/ is browser-safe', (dir) => {
    const files = readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      const text = readFileSync(join(ROOT, dir, f), 'utf8').replace(/^\s*\/\/.*$/gm, '');
      expect(text, f).not.toMatch(/from ['"](node:|fs['"]|path['"]|os['"]|stream['"]|buffer['"]|child_process)/);
      expect(text, f).not.toMatch(/from ['"]\.\.\/(cli|workspace|server|queue|studio)\//);
      expect(text, f).not.toMatch(/\b(Buffer|process|require|__dirname)\s*[.(]/);
    }
  });
});
