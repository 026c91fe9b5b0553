// The command line as a new user meets it (new-user review, item 8): `--help` on every command
// prints that command's usage and exits 0, and `--ruleset` / `--rulesets` are one flag wherever a
// command takes either. Real processes.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../cli/args.ts';
import { COMMAND_NAMES } from '../cli/main.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/payer-rules.mjs');
const run = (args: string[], cwd = ROOT) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('--help on every command: its usage, exit 0', () => {
  it('the commands are the ones DESIGN.md and the general help name', () => {
    expect([...COMMAND_NAMES].sort()).toEqual(['check', 'compile', 'convert', 'diff', 'eval', 'fmt', 'import', 'new-version', 'results', 'schema', 'serve', 'studio', 'submit', 'test', 'worker'].sort());
  });

  it.each(COMMAND_NAMES.map((cmd) => ({ cmd })))('payer-rules $cmd --help', ({ cmd }) => {
    const r = run([cmd, '--help']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage:\n/);
    expect(r.out).toContain(`payer-rules ${cmd} `);
    expect(r.out).toContain('exit codes:');
  });

  it.each([
    { note: '-h after other arguments', argv: ['eval', '--ruleset', 'rulesets', '-h'] },
    { note: 'help COMMAND', argv: ['help', 'eval'] },
  ])('$note: the eval usage, exit 0', ({ argv }) => {
    const r = run(argv);
    expect(r.code).toBe(0);
    expect(r.out).toContain('payer-rules eval --ruleset PATH CLAIMS');
    expect(r.out).not.toContain('payer-rules check PATH');
  });

  it('serve --help lists every flag; import --help lists the kinds and the files each reads', () => {
    expect(run(['serve', '--help']).out).toContain('--max-batch-bytes N');
    const imp = run(['import', '--help']).out;
    for (const kind of ['ncci-ptp', 'mue', 'icd10cm', 'procedure-codes', 'fee-schedule']) expect(imp).toContain(`  ${kind}:`);
    expect(imp).toContain('--replace');
  });

  it('an unknown option is still a usage error (exit 2), pointing at --help', () => {
    const r = run(['eval', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('payer-rules eval: unknown option --bogus (`payer-rules eval --help` lists the options)\n');
  });

  it('`--help` after `--` is a file name, not a request for help', () => {
    const r = run(['check', '--', '--help']);
    expect(r.code).toBe(2);
    expect(r.out).not.toMatch(/^usage:/);
  });
});

describe('--ruleset and --rulesets are one flag', () => {
  it.each([
    { note: 'a command that knows --ruleset takes --rulesets', known: { '--ruleset': 'value' } as const, argv: ['--rulesets', 'R', 'x'], want: { flags: { '--ruleset': 'R' }, rest: ['x'] } },
    { note: 'a command that knows --rulesets takes --ruleset', known: { '--rulesets': 'value' } as const, argv: ['--ruleset=R'], want: { flags: { '--rulesets': 'R' }, rest: [] } },
    { note: 'a command that knows both keeps each', known: { '--ruleset': 'value', '--rulesets': 'value' } as const, argv: ['--ruleset', 'A', '--rulesets', 'B'], want: { flags: { '--ruleset': 'A', '--rulesets': 'B' }, rest: [] } },
  ])('$note', ({ known, argv, want }) => {
    expect(parseFlags(argv, known as Record<string, 'bool' | 'value'>)).toEqual(want);
  });

  it('a command that takes neither still refuses both', () => {
    expect(() => parseFlags(['--rulesets', 'R'], { '--port': 'value' })).toThrow('unknown option --rulesets');
  });

  it.each([
    { note: 'eval --rulesets', argv: ['eval', '--rulesets', 'rulesets', '--summary', 'examples/claims.json'], code: 1, out: '4 claims' },
    { note: 'test --ruleset', argv: ['test', '--ruleset', 'rulesets/medicare-part-b'], code: 0, out: ' passed, 0 failed' },
    { note: 'test --rulesets', argv: ['test', '--rulesets', 'rulesets/medicare-part-b'], code: 0, out: ' passed, 0 failed' },
    { note: 'check --ruleset', argv: ['check', '--ruleset', 'rulesets/medicare-part-b/2026.payer'], code: 0, out: '0 errors, 0 warnings in 1 file' },
    { note: 'check --rulesets', argv: ['check', '--rulesets', 'rulesets/medicare-part-b/2026.payer'], code: 0, out: '0 errors, 0 warnings in 1 file' },
    { note: 'serve --ruleset (read as --rulesets: the next problem is the log level)', argv: ['serve', '--ruleset', 'rulesets', '--log-level', 'nope'], code: 2, err: '--log-level is fatal, error, warn, info, debug or silent' },
    { note: 'submit --ruleset (no Redis needed to read the flag)', argv: ['submit', '--ruleset', 'no-such-folder', 'no-such.ndjson'], code: 2, err: '' },
  ])('$note', ({ argv, code, out, err }) => {
    const r = run(argv);
    expect(r.err).not.toContain('unknown option');
    expect(r.code).toBe(code);
    if (out) expect(r.out).toContain(out);
    if (err) expect(r.err).toContain(err);
  });

  it('new-version --ruleset DIR', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'payer-rules-review-cli-')), 'rulesets');
    cpSync(join(ROOT, 'rulesets'), dir, { recursive: true });
    const r = run(['new-version', 'medicare-part-b', '2027.1', '--ruleset', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'medicare-part-b/2027.payer'))).toBe(true);
  });
});
