// Every claims example in README.md (`npx payer-rules eval|convert|schema …`) runs as written, from a
// copy of the files a fresh clone has: no missing file, no usage error, no internal error. (The
// ruleset commands are run by test/cli.test.ts; servers are left out.)
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../', import.meta.url).pathname;
const SERVERS = /\bpayer-rules (studio|serve|worker)\b/;

function examples(): string[] {
  // README_FILE checks a proposed README before it replaces the real one.
  const md = readFileSync(process.env['README_FILE'] ?? join(ROOT, 'README.md'), 'utf8');
  const out: string[] = [];
  for (const block of md.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = block[1]!.replace(/\\\n\s*/g, ' ');
    for (const line of joined.split('\n')) {
      const cmd = line.replace(/\s+#.*$/, '').trim();
      if (/(^|\| )npx payer-rules (eval|convert|schema)\b/.test(cmd) && !SERVERS.test(cmd)) out.push(cmd);
    }
  }
  return out;
}

describe('README examples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'payer-rules-readme-'));
  for (const d of ['rulesets', 'examples']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  const cmds = examples();

  it('there are examples to run', () => {
    expect(cmds.length).toBeGreaterThan(3);
  });

  it.each(cmds.map((c) => [c]))('%s', (cmd) => {
    const sh = cmd.replace(/npx payer-rules /g, `${process.execPath} ${join(ROOT, 'bin/payer-rules.mjs')} `);
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', sh], { cwd: dir, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 26 });
    expect(r.stderr).not.toMatch(/cannot read|No such file|no claims in|internal error|unknown (command|option)|needs /);
    expect([0, 1], r.stderr).toContain(r.status);
  });
});
