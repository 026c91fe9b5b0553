// The progress line of `eval`: shown on a terminal, silent when stderr is piped.
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { evalCommand } from '../cli/eval.ts';

const claim = (i: number) => JSON.stringify({ id: `P-${i}`, payer: 'medicare-part-b', dateOfService: '2026-03-02', lines: [{ code: '97110', modifiers: ['GP'], units: 1, minutes: 15 }] });
const rulesets = new URL('../rulesets/', import.meta.url).pathname;

async function run(isTTY: boolean) {
  const progress: string[] = [];
  const out: string[] = [];
  const stdin = Readable.from([Array.from({ length: 50 }, (_, i) => claim(i)).join('\n') + '\n']);
  const code = await evalCommand({ '--ruleset': rulesets }, ['-'], { out: () => {}, err: () => {}, stdin, isTTY, progress: (s) => progress.push(s), write: async (s) => void out.push(typeof s === 'string' ? s : Buffer.from(s).toString('utf8')) });
  return { code, progress, out: out.join('') };
}

describe('eval progress', () => {
  it('on a terminal: claims done and claims per second, ending with a newline', async () => {
    const r = await run(true);
    // The exit code is the claims' business (1 when a rule finds an error); this test is about progress.
    expect([0, 1]).toContain(r.code);
    expect(r.progress.at(-1)).toMatch(/^\r50 claims, \d+\/s\s+\n$/);
    expect(r.out.trim().split('\n')).toHaveLength(50);
  });

  it('when piped: silent', async () => {
    const r = await run(false);
    expect(r.progress).toEqual([]);
  });
});
