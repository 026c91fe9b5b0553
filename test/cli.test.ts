// The command line as a user runs it: output format, exit codes, unreadable files, junk input.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../bin/payer-rules.mjs', import.meta.url).pathname;
const medicare = new URL('../rulesets/medicare-part-b/2026.payer', import.meta.url).pathname;
const run = (args: string[], cwd?: string) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, timeout: 60_000, maxBuffer: 1 << 26 });
const tmp = () => mkdtempSync(join(tmpdir(), 'payer-rules-cli-'));

describe('payer-rules check', () => {
  it('exits 0 on a shipped ruleset', () => {
    const r = run(['check', medicare]);
    expect(r.stdout).toContain('0 errors, 0 warnings in 1 file');
    expect(r.status).toBe(0);
  });

  it('prints file:line:col: severity CODE message with a code frame, exits 1', () => {
    const d = tmp();
    const f = join(d, 'broken.payer');
    writeFileSync(f, readFileSync(medicare, 'utf8') + '\n\n§§ this line is not the language\n');
    const r = run(['check', 'broken.payer'], d);
    const lines = readFileSync(f, 'utf8').split('\n').length;
    expect(r.stdout).toMatch(new RegExp(`^broken\\.payer:${lines - 1}:1: error PR1001 unexpected characters \`§§\``, 'm'));
    expect(r.stdout).toMatch(/\| §§ this line is not the language\n\s+\| \^\^/);
    expect(r.status).toBe(1);
  });

  it('a file that cannot be read is one line and exit 2', () => {
    const r = run(['check', join(tmp(), 'missing.payer')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot read .*missing\.payer/);
  });

  it('binary junk and a 5 MB file give diagnostics and exit 1, never a stack trace', () => {
    const d = tmp();
    writeFileSync(join(d, 'junk.payer'), Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 131) % 256)));
    writeFileSync(join(d, 'big.payer'), 'codes a = 97110 ~\n'.repeat(300_000));
    for (const f of ['junk.payer', 'big.payer']) {
      const r = run(['check', f], d);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^\S+\.payer:\d+:\d+: error PR1\d{3} /m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('unknown commands and options are usage errors (exit 2)', () => {
    expect(run(['nonsense']).status).toBe(2);
    expect(run(['check', '--bogus', medicare]).status).toBe(2);
  });
});

describe('payer-rules fmt', () => {
  it('--check passes on canonical files and fails on drift; --write fixes it', () => {
    const d = tmp();
    const f = join(d, 'r.payer');
    copyFileSync(medicare, f);
    expect(run(['fmt', '--check', f]).status).toBe(0);
    writeFileSync(f, readFileSync(medicare, 'utf8').replace('codes pt-evaluations = 97161..97164', 'codes   pt-evaluations=97161..97164'));
    const drift = run(['fmt', '--check', f]);
    expect(drift.status).toBe(1);
    expect(drift.stdout).toContain('not in canonical form');
    expect(run(['fmt', '--write', f]).status).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe(readFileSync(medicare, 'utf8'));
    expect(run(['fmt', f]).stdout).toBe(readFileSync(medicare, 'utf8'));
  });
});

describe('payer-rules compile', () => {
  it('prints the compiled JSON, or writes it with -o', () => {
    const r = run(['compile', medicare]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.ruleset).toMatchObject({ id: 'medicare-part-b', version: '2026.1' });
    const out = join(tmp(), 'out.json');
    expect(run(['compile', medicare, '-o', out]).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
  });

  it('exits 1 on a ruleset with errors', () => {
    const d = tmp();
    writeFileSync(join(d, 'bad.payer'), 'ruleset bad "Bad"\nversion 1 effective 2026-02-30\n');
    const r = run(['compile', 'bad.payer'], d);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PR2010');
  });
});
