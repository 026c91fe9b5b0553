// `not checked ID "what and why"`: a ruleset says what the payer's policy asks for and it does not
// check, and every report under it lists that instead of passing it as clean. Ids are shared with
// rules, so an heir inherits the line, may `disable` it (it now checks the thing) or `override` it.
import { describe, expect, it } from 'vitest';
import { analyze, rulesetLoader } from '../dsl/index.ts';
import { Evaluator } from '../engine/index.ts';
import { diffRulesets } from '../engine/diff.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { renderText } from '../writers/text.ts';

/** The thin plan's text for one version: the same header and unit policy, its own `not checked` lines. */
const thinPlan = (version: string, window: string, gaps: string) => `ruleset thin-plan "A payer with little encoded"
version ${version} effective ${window}

codes timed = 97110, 97530

units {
  timed codes timed
  UNITS: method per-code
    cite "test"
}

${gaps}
`;

const BASE = thinPlan(
  '2026.1',
  '2026-01-01 through 2026-06-30',
  `not checked PRIOR-AUTH "prior authorization: the plan's lists are not encoded here"
    cite "payer portal (unverified)"
not checked NCCI-PAIRS "NCCI pairs: the payer's bundling edits are not encoded here"`,
);

const LATER = thinPlan('2026.2', '2026-07-01 through 2026-12-31', `not checked PRIOR-AUTH "prior authorization: the plan's lists (eviCore) are not encoded here"`);

const HEIR = `ruleset heir-plan "Builds on the thin plan"
version 2026.1 effective 2026-01-01 through 2026-06-30
extends thin-plan

disable NCCI-PAIRS

rule NCCI-PAIRS-OWN "97530 and 97110 on one line pair" {
  when line.code = 97530 and count(lines where line.code = 97110) > 0
  cite "test"
}
`;

const files = [
  { name: 'thin/2026.payer', text: BASE },
  { name: 'thin/2026-2.payer', text: LATER },
  { name: 'heir/2026.payer', text: HEIR },
];
const load = rulesetLoader(files);
const compiled = (name: string): CompiledRuleset => {
  const f = files.find((x) => x.name === name)!;
  const res = analyze(f, { loadRuleset: load });
  expect(res.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return res.compiled!;
};
const all = files.map((f) => compiled(f.name));
const ev = new Evaluator(all);

const NCCI = { rule: 'NCCI-PAIRS', reason: "NCCI pairs: the payer's bundling edits are not encoded here", notEncoded: true, source: { file: 'thin/2026.payer', line: 14, column: 1 } };
const PA = { rule: 'PRIOR-AUTH', reason: "prior authorization: the plan's lists are not encoded here", notEncoded: true, citation: 'payer portal (unverified)', source: { file: 'thin/2026.payer', line: 12, column: 1 } };
const PA2 = { rule: 'PRIOR-AUTH', reason: "prior authorization: the plan's lists (eviCore) are not encoded here", notEncoded: true, source: { file: 'thin/2026-2.payer', line: 12, column: 1 } };

const claim = (payer: string, dates: string[]) => ({
  id: 'C1',
  payer,
  dateOfService: dates[0]!,
  diagnoses: ['M54.50'],
  lines: dates.map((d) => ({ code: '97110', units: 1, minutes: 15, modifiers: ['GP'], pointers: [1], dateOfService: d })),
});

describe('not checked', () => {
  it.each([
    {
      note: 'one version judges the whole claim: the gaps are on the claim, sorted by id',
      c: claim('thin-plan', ['2026-03-02', '2026-03-04']),
      want: [NCCI, PA],
    },
    {
      note: 'lines in two versions: each version\'s gaps on the lines it judges (the later one dropped NCCI-PAIRS and reworded PRIOR-AUTH)',
      c: claim('thin-plan', ['2026-06-30', '2026-07-01']),
      want: [
        { ...NCCI, line: 1 },
        { ...PA, line: 1 },
        { ...PA2, line: 2 },
      ],
    },
    {
      note: 'an heir inherits PRIOR-AUTH and disables NCCI-PAIRS (it checks pairs itself)',
      c: claim('heir-plan', ['2026-03-02']),
      want: [PA],
    },
    {
      note: 'a version that judges only the claim-level rules (the claim dated in it, its line in the next) still lists its gaps, on the claim',
      c: { ...claim('thin-plan', ['2026-07-01']), dateOfService: '2026-06-30' },
      want: [NCCI, PA, { ...PA2, line: 1 }],
    },
  ])('$note', async ({ c, want }) => {
    for (const runtime of ['compiled', 'json-rules-engine'] as const) {
      const r = await ev.evaluate(c, { runtime });
      expect(r.status, runtime).toBe('clean');
      expect('notChecked' in r ? r.notChecked : undefined, runtime).toEqual(want);
    }
  });

  it('the text view says "no findings", never "ok", when something was not checked on the whole claim', async () => {
    const text = renderText(await ev.evaluate(claim('thin-plan', ['2026-03-02'])));
    expect(text).toContain('line 1  97110  2026-03-02  1 unit  no findings');
    expect(text).not.toMatch(/ ok$/m);
    expect(text).toContain("PRIOR-AUTH: prior authorization: the plan's lists are not encoded here");
  });

  it('compiles to the ruleset\'s notChecked list with citation and source, not to a rule', () => {
    const rs = compiled('thin/2026.payer');
    expect(rs.notChecked).toEqual([
      { rule: 'NCCI-PAIRS', reason: 'NCCI pairs: the payer\'s bundling edits are not encoded here' },
      { rule: 'PRIOR-AUTH', reason: "prior authorization: the plan's lists are not encoded here", citation: 'payer portal (unverified)' },
    ]);
    expect(rs.rules.map((r) => r.event.params.rule)).not.toContain('PRIOR-AUTH');
    expect(rs.origins['PRIOR-AUTH']).toMatchObject({ file: 'thin/2026.payer', line: 12 });
  });

  it('the diff between versions lists gaps dropped and reworded', async () => {
    const d = await diffRulesets(compiled('thin/2026.payer'), compiled('thin/2026-2.payer'));
    expect(d.rules).toEqual([
      { rule: 'NCCI-PAIRS', change: 'removed', details: ["no longer said to be not checked (was: NCCI pairs: the payer's bundling edits are not encoded here)"], source: { file: 'thin/2026.payer', line: 14 } },
      { rule: 'PRIOR-AUTH', change: 'changed', details: [`not checked: "prior authorization: the plan's lists are not encoded here" → "prior authorization: the plan's lists (eviCore) are not encoded here"`, 'citation "payer portal (unverified)" → ""'], source: { file: 'thin/2026-2.payer', line: 12 } },
    ]);
  });

  it('diff --claims: a dropped `not checked` line is a rule change, never "now checked" on a claim', async () => {
    const c = claim('thin-plan', ['2026-03-02']);
    const d = await diffRulesets(compiled('thin/2026.payer'), compiled('thin/2026-2.payer'), [c]);
    expect(d.claims!.changed).toEqual([]);
  });

  it.each([
    { note: 'no text', src: 'not checked PRIOR-AUTH ""', code: 'PR2039' },
    { note: 'an id a rule already uses', src: 'rule PRIOR-AUTH "x" {\n  when line.units > 4\n  cite "t"\n}\nnot checked PRIOR-AUTH "y"', code: 'PR2003' },
    { note: '`override` with nothing inherited', src: 'override not checked PRIOR-AUTH "y"', code: 'PR2020' },
    { note: 'no id', src: 'not checked "prior authorization"', code: 'PR1003' },
  ])('diagnostics: $note → $code', ({ src, code }) => {
    const res = analyze({ name: 'x.payer', text: `ruleset x "X"\nversion 1 effective 2026-01-01\n${src}\n` });
    expect(res.diagnostics.map((d) => d.code)).toContain(code);
  });

  it.each([
    { order: 'the rule first', src: 'rule PRIOR-AUTH "x" {\n  when line.units > 4\n  cite "t"\n}\nnot checked PRIOR-AUTH "y"', later: 'not checked PRIOR-AUTH' },
    { order: 'the `not checked` line first', src: 'not checked PRIOR-AUTH "y"\nrule PRIOR-AUTH "x" {\n  when line.units > 4\n  cite "t"\n}', later: 'rule PRIOR-AUTH' },
  ])('PR2003 on a rule and a `not checked` line sharing an id ($order): on the later one, pointing back at the earlier', ({ src, later }) => {
    const text = `ruleset x "X"\nversion 1 effective 2026-01-01\n${src}\n`;
    const d = analyze({ name: 'x.payer', text }).diagnostics.find((x) => x.code === 'PR2003')!;
    const at = text.indexOf(later) + later.indexOf('PRIOR-AUTH');
    expect(d.span.start).toBe(at);
    expect(d.related?.[0]?.span?.start).toBe(text.indexOf('PRIOR-AUTH'));
  });
});
