// Schema-aware editing of case and claims files in the studio (issue 15, item 2): where the cursor
// is in YAML and JSON, what completion offers there, and diagnostics from the real validators at
// the node they concern. `|` marks the cursor. Also: the studio's shortcut key codes are Monaco's.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dataCompletion, dataDiagnostics, pathAt } from '../editor/src/data-files.ts';
import { KeyCode, KeyMod } from '../editor/src/monaco-keys.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const at = (src: string) => ({ text: src.replace('|', ''), offset: src.indexOf('|') });

describe('where the cursor is', () => {
  it.each([
    ['top-level key in YAML', 'cases:\n  - name: a\n|', true, { path: [], expectKey: true }],
    ['key inside a case', 'cases:\n  - name: a\n    |', true, { path: ['cases', 0], expectKey: true }],
    ['key in a block claim', 'cases:\n  - name: a\n    claim:\n      |', true, { path: ['cases', 0, 'claim'], expectKey: true }],
    ['second case', 'cases:\n  - name: a\n  - name: b\n    |', true, { path: ['cases', 1], expectKey: true }],
    ['key in a flow claim', 'cases:\n  - claim: { id: A, |', true, { path: ['cases', 0, 'claim'], expectKey: true }],
    ['a line in a flow list', 'cases:\n  - claim: { lines: [{ code: "97110" }, { |', true, { path: ['cases', 0, 'claim', 'lines', 1], expectKey: true }],
    ['value after a block key', 'cases:\n  - expect:\n      status: |', true, { path: ['cases', 0, 'expect'], key: 'status', expectKey: false }],
    ['JSON key in an array of claims', '[{ "id": "A", "lines": [{ "code": "97110", "|', false, { path: [0, 'lines', 0], expectKey: true }],
    ['JSON value', '[{ "provider": { "discipline": |', false, { path: [0, 'provider'], key: 'discipline', expectKey: false }],
    // Found from the parsed document (the yaml package), not by counting spaces and brackets:
    ['brackets inside a block scalar are text', 'cases:\n  - name: a\n    note: >\n      { not a map [\n    |', true, { path: ['cases', 0], expectKey: true }],
    ['a flow map over several lines', 'cases:\n  - claim: {\n      id: A,\n      |', true, { path: ['cases', 0, 'claim'], expectKey: true }],
    ['a comment after the key, the value below', 'cases:\n  - claim: # the claim\n      |', true, { path: ['cases', 0, 'claim'], expectKey: true }],
    ['a quoted key holding a colon and a bracket', 'cases:\n  - "name: [x": a\n    |', true, { path: ['cases', 0], expectKey: true }],
    ['an anchored base, then the cases', 'base: &b { dateOfService: "2026-03-02" }\ncases:\n  - claim: { |', true, { path: ['cases', 0, 'claim'], expectKey: true }],
    ['a value half typed, text after the cursor', 'cases:\n  - expect: { status: cl| }\n  - name: b', true, { path: ['cases', 0, 'expect'], key: 'status', expectKey: false }],
  ])('%s', (_note, src, yaml, expected) => {
    const { text, offset } = at(src);
    expect(pathAt(text, offset, yaml)).toEqual(expected);
  });
});

describe('completion from the schemas', () => {
  it.each([
    ['case keys', 'x.cases.yaml', 'cases:\n  - name: a\n    |', ['name', 'claim', 'claimRef', 'expect']],
    ['claim keys in a case', 'x.cases.yaml', 'cases:\n  - claim: { |', ['id', 'dateOfService', 'lines', 'planOfCare']],
    ['expected status values', 'x.cases.yaml', 'cases:\n  - expect: { status: |', ['clean', 'warnings', 'errors', 'invalid']],
    ['line keys in a claims file', 'p/claims/a.json', '[{ "lines": [{ "|', ['code', 'modifiers', 'units', 'minutes']],
    ['disciplines in a claims file', 'p/claims/a.json', '[{ "provider": { "discipline": |', ['"OT"', '"PT"', '"SLP"']],
  ])('%s', (_note, file, src, labels) => {
    const { text, offset } = at(src);
    const got = dataCompletion(file, text, offset).map((c) => c.insertText ?? c.label);
    for (const l of labels) expect(got.some((g) => g.startsWith(l) || g.includes(`"${l}"`) || g === l), `${l} in ${got.join(', ')}`).toBe(true);
  });
});

describe('diagnostics', () => {
  it('every shipped case file and claims file is clean', () => {
    for (const f of ['medicare-part-b/units.cases.yaml', 'medicare-part-b/modifiers.cases.yaml', 'uhc-medicare-advantage/2026.cases.yaml', 'nc-medicaid/prior-auth.cases.yaml', 'cms-outpatient-therapy/base.cases.yaml', 'medicare-part-b/claims/sample.json']) {
      expect(dataDiagnostics(f, readFileSync(`${ROOT}rulesets/${f}`, 'utf8')), f).toEqual([]);
    }
  });

  it.each([
    ['a YAML syntax error', 'x.cases.yaml', 'cases:\n  - name: [a\n', 'PR5001', 'not valid YAML'],
    ['an unknown key in a case, at the key', 'x.cases.yaml', 'cases:\n  - name: a\n    expct: { status: clean }\n', 'PR5002', 'expct'],
    ['an invalid claim in a case, at the value', 'x.cases.yaml', 'cases:\n  - name: a\n    claim: { id: A, dateOfService: "2026-13-01", lines: [{ code: "97110" }] }\n    expect: { status: clean }\n', 'PR5004', '2026-13-01'],
    ['a claimRef to nothing', 'x.cases.yaml', 'cases:\n  - name: a\n    claimRef: NOPE\n    expect: { status: clean }\n', 'PR5003', 'NOPE'],
    ['a wrong type in a claims file', 'p/claims/a.json', '[{ "id": "A", "dateOfService": "2026-01-02", "lines": [{ "code": "97110", "units": "two" }] }]', 'PR5004', '"two"'],
  ])('%s', (_note, file, text, code, underlined) => {
    const ds = dataDiagnostics(file, text);
    expect(ds.map((d) => d.code)).toContain(code);
    const d = ds.find((x) => x.code === code)!;
    expect(`${text.slice(d.span.start, d.span.end)} ${d.message}`).toContain(underlined);
  });
});

describe("the studio's shortcuts use Monaco's key codes", () => {
  it('KeyMod and KeyCode match monaco-editor (the command table names them without loading Monaco)', async () => {
    // Monaco's package exports only its entry points: its own modules are imported by path.
    const vs = (p: string) => new URL(`../node_modules/monaco-editor/esm/vs/${p}`, import.meta.url).href;
    const enums = (await import(vs('editor/common/standalone/standaloneEnums.js'))) as { KeyCode: Record<string, number> };
    const base = (await import(vs('editor/common/services/editorBaseApi.js'))) as { KeyMod: Record<string, number> };
    for (const [k, v] of Object.entries(KeyCode)) expect(enums.KeyCode[k], k).toBe(v);
    for (const [k, v] of Object.entries(KeyMod)) expect(base.KeyMod[k], k).toBe(v);
  });
});
