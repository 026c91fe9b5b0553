// Invariants over the tables the rest is derived from: diagnostic codes, tokens, fields, operators.
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../dsl/diagnostic-codes.ts';
import { ALL_TOKENS, KEYWORD_DOCS, KEYWORDS, tokenClass } from '../dsl/tokens.ts';
import { FIELDS } from '../engine/field-catalog.ts';
import { OPERATORS, COMPARE_OPERATORS } from '../engine/operator-catalog.ts';
import { FINDING_KINDS } from '../engine/finding-kinds.ts';
import { STATEMENTS } from '../dsl/statements.ts';
import { claimJsonSchema } from '../engine/claim-schema.ts';
import { tokenize } from '../dsl/lexer.ts';

describe('catalogs', () => {
  it('diagnostic codes are PRnxxx with a matching severity range', () => {
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
      expect(code).toMatch(/^PR[1-5]\d{3}$/);
      expect(info.severity).toBe(code.startsWith('PR3') ? 'warning' : 'error');
      expect(info.title).not.toMatch(/\.$/);
    }
  });

  it('every token type has a highlight class and keywords have docs', () => {
    for (const t of ALL_TOKENS) expect(tokenClass(t)).toBeTruthy();
    for (const k of KEYWORDS) expect(KEYWORD_DOCS.get(k)).toBeTruthy();
  });

  it('every keyword lexes as itself', () => {
    for (const k of KEYWORDS) {
      const { tokens, diagnostics } = tokenize({ name: 'k', text: k });
      expect(diagnostics).toEqual([]);
      expect(tokens).toHaveLength(1);
      expect(tokenClass(tokens[0]!.tokenType)).toBe('keyword');
    }
  });

  it('fields are unique, scoped and typed', () => {
    const paths = FIELDS.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const f of FIELDS) expect(f.path.startsWith(f.scope + '.')).toBe(true);
    expect(paths).toContain('line.code');
    expect(paths).toContain('claim.history.therapyAllowedThisYear.PT_SLP');
  });

  it('comparison operators map into the operator table', () => {
    for (const op of Object.values(COMPARE_OPERATORS)) expect(OPERATORS).toHaveProperty(op);
  });

  it('every finding kind a statement reports is in the finding-kind table', () => {
    for (const info of Object.values(STATEMENTS)) for (const k of info.kinds) expect(FINDING_KINDS).toHaveProperty(k);
  });

  it('the claim schema has a JSON Schema form', () => {
    const s = claimJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(s.required).toEqual(expect.arrayContaining(['id', 'dateOfService', 'lines']));
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['payer', 'diagnoses', 'priorAuthorization', 'history']));
  });
});

describe('layering', () => {
  it('dsl/ and engine/ import no Node built-ins (the browser runs them), and engine/ never imports dsl/', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const root = new URL('../', import.meta.url).pathname;
    const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith('.ts') ? [join(d, n)] : []));
    for (const dir of ['dsl', 'engine']) {
      for (const f of walk(join(root, dir))) {
        const text = readFileSync(f, 'utf8');
        expect(text, f).not.toMatch(/from ['"](node:|fs['"]|path['"]|os['"]|child_process)/);
        if (dir === 'engine') expect(text, f).not.toMatch(/from ['"]\.\.\/dsl\//);
      }
    }
  });
});
