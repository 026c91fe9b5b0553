// The claim documentation cannot drift from the contract: docs/claims.md's field table and
// docs/csv-input.md's column table are generated from the claim schema (through its JSON Schema and
// readers/csv-claims.ts) and compared here; docs/837p-mapping.md names every reader diagnostic code.
// UPDATE_DOCS=1 rewrites the generated tables.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { claimJsonSchema } from '../engine/claim-schema.ts';
import { CSV_COLUMNS, READER_CODES } from '../readers/index.ts';

const DOCS = new URL('../docs/', import.meta.url).pathname;

interface Node { $ref?: string; $defs?: Record<string, Node>; anyOf?: Node[]; type?: string; properties?: Record<string, Node>; items?: Node; required?: string[]; description?: string; enum?: string[]; pattern?: string; minimum?: number; maximum?: number; maxItems?: number; minItems?: number }

function claimFieldRows(): string[] {
  const top = claimJsonSchema() as Node;
  const defs = top.$defs ?? {};
  const deref = (n: Node): Node => (n.$ref ? deref({ ...defs[n.$ref.split('/').pop()!]!, ...(n.description ? { description: n.description } : {}) }) : n);
  const rows: string[] = [];
  const typeOf = (n: Node): string => {
    if (n.enum) return n.enum.map((e) => `\`${e}\``).join(' \\| ');
    if (n.type === 'array') return `list of ${typeOf(deref(n.items ?? {}))}${n.maxItems !== undefined ? ` (at most ${n.maxItems})` : ''}`;
    if (n.type === 'integer') return 'whole number';
    return n.type ?? 'any';
  };
  const walk = (n: Node, prefix: string, required: boolean) => {
    const node = deref(n);
    if (node.type === 'object' && node.properties) {
      for (const [k, v] of Object.entries(node.properties)) walk(v, prefix ? `${prefix}.${k}` : k, (node.required ?? []).includes(k) && required);
      return;
    }
    if (node.type === 'array' && deref(node.items ?? {}).type === 'object') {
      rows.push(`| \`${prefix}\` | list of objects${node.maxItems !== undefined ? ` (${node.minItems ?? 0} to ${node.maxItems})` : ''} | ${required ? 'yes' : ''} | ${node.description ?? ''} |`);
      walk(node.items!, `${prefix}[]`, required);
      return;
    }
    rows.push(`| \`${prefix}\` | ${typeOf(node)} | ${required ? 'yes' : ''} | ${(node.description ?? '').replace(/\|/g, '\\|')} |`);
  };
  walk(top, '', true);
  return rows;
}

function csvRows(): string[] {
  return CSV_COLUMNS.map((c) => `| \`${c.name}\` | ${c.scope} | \`${c.scope === 'line' ? 'lines[].' : ''}${c.path.join('.')}\` | ${c.type} | ${c.doc.replace(/\|/g, '\\|')} |`);
}

function section(file: string, marker: string, rows: string[]): { actual: string; wanted: string; text: string } {
  const text = readFileSync(DOCS + file, 'utf8');
  const start = `<!-- generated:${marker} -->\n`;
  const end = `<!-- end:${marker} -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  expect(a, `${file} has the ${marker} markers`).toBeGreaterThanOrEqual(0);
  const actual = text.slice(a + start.length, b);
  const header = actual.split('\n').slice(0, 2).join('\n') + '\n';
  const wanted = header + rows.join('\n') + '\n';
  if (process.env['UPDATE_DOCS'] && actual !== wanted) writeFileSync(DOCS + file, text.slice(0, a + start.length) + wanted + text.slice(b));
  return { actual, wanted, text };
}

describe('docs match the contract', () => {
  it('docs/claims.md lists every claim field with its type and description, as the schema has them', () => {
    const s = section('claims.md', 'claim-fields', claimFieldRows());
    expect(s.actual).toBe(s.wanted);
    expect(s.text).toContain('payer-rules schema claim');
  });

  it('docs/csv-input.md lists every CSV column', () => {
    const s = section('csv-input.md', 'csv-columns', csvRows());
    expect(s.actual).toBe(s.wanted);
  });

  it('docs/837p-mapping.md explains every reader diagnostic code', () => {
    const text = readFileSync(DOCS + '837p-mapping.md', 'utf8');
    for (const code of Object.keys(READER_CODES)) expect(text, code).toContain(`\`${code}\``);
  });

  it('the claim example in docs/claims.md is valid against the contract', async () => {
    const text = readFileSync(DOCS + 'claims.md', 'utf8');
    const json = /```json\n([\s\S]*?)```/.exec(text)![1]!;
    const { validateClaim } = await import('../engine/validate.ts');
    expect(validateClaim(JSON.parse(json))).toMatchObject({ ok: true });
  });
});
