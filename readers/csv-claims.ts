// CSV claims (one row per service line, header required) → claims in the contract's JSON form. The
// columns are derived from the claim contract's JSON Schema, so every claim field has a column and
// a new field gets one without an edit here: `claim_id`, claim fields in snake_case
// (`prior_authorization_from`), line fields by their own name (`code`, `minutes`), prefixed `line_`
// where a claim field has the same name (`line_date_of_service`). Rows of one claim are consecutive;
// claim-level cells may repeat on every row or be filled once. docs/csv-input.md lists the columns
// (a test keeps it in step). No Node built-ins.
import Papa from 'papaparse';
import { claimJsonSchema } from '../engine/claim-schema.ts';
import { validateClaim } from '../engine/validate.ts';
import { diag, type ReaderDiagnostic } from './diagnostics.ts';
import { icd10 } from './normalize.ts';
import type { ReaderRecord } from './types.ts';

export interface CsvColumn {
  name: string;
  scope: 'claim' | 'line';
  /** Keys into the claim (or the line) as written in JSON. */
  path: string[];
  type: 'text' | 'number' | 'whole number' | 'list of text' | 'list of whole numbers';
  doc: string;
}

interface JsonSchemaNode {
  $ref?: string;
  $defs?: Record<string, JsonSchemaNode>;
  anyOf?: JsonSchemaNode[];
  type?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  description?: string;
  enum?: string[];
}

const snake = (parts: string[]) => parts.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/_+/g, '_').toLowerCase()).join('_');

let defs: Record<string, JsonSchemaNode> = {};

/** Follows `$ref: "#/$defs/Name"` (the schema may name its objects) and unwraps a one-way `anyOf`. */
function deref(node: JsonSchemaNode): JsonSchemaNode {
  let n = node;
  for (let i = 0; i < 20; i++) {
    if (n.$ref?.startsWith('#/$defs/')) n = { ...defs[n.$ref.slice(8)], ...(n.description ? { description: n.description } : {}) };
    else if (n.anyOf && n.anyOf.filter((x) => x.type !== 'null').length === 1) n = { ...n.anyOf.find((x) => x.type !== 'null')!, ...(n.description ? { description: n.description } : {}) };
    else break;
  }
  return n;
}

function leaves(node: JsonSchemaNode, path: string[], out: { path: string[]; node: JsonSchemaNode }[]): void {
  const n = deref(node);
  if (n.type === 'object' && n.properties) {
    for (const [k, v] of Object.entries(n.properties)) leaves(v, [...path, k], out);
  } else out.push({ path, node: n.type === 'array' && n.items ? { ...n, items: deref(n.items) } : n });
}

function typeOf(node: JsonSchemaNode): CsvColumn['type'] {
  if (node.type === 'array') return node.items?.type === 'integer' || node.items?.type === 'number' ? 'list of whole numbers' : 'list of text';
  if (node.type === 'integer') return 'whole number';
  if (node.type === 'number') return 'number';
  return 'text';
}

function buildColumns(): CsvColumn[] {
  const top = claimJsonSchema() as JsonSchemaNode;
  defs = top.$defs ?? {};
  const schema = deref(top);
  const { lines: linesRef, ...claimProps } = schema.properties ?? {};
  const lines = linesRef ? deref(linesRef) : undefined;
  const claimLeaves: { path: string[]; node: JsonSchemaNode }[] = [];
  leaves({ type: 'object', properties: claimProps }, [], claimLeaves);
  const lineLeaves: { path: string[]; node: JsonSchemaNode }[] = [];
  if (lines?.items) leaves(deref(lines.items), [], lineLeaves);
  const doc = (n: JsonSchemaNode) => (n.description ?? '') + (n.enum ? ` (one of ${n.enum.join(', ')})` : '');
  const cols: CsvColumn[] = claimLeaves.map(({ path, node }) => ({ name: path.join('.') === 'id' ? 'claim_id' : snake(path), scope: 'claim', path, type: typeOf(node), doc: doc(node) }));
  const claimNames = new Set(cols.map((c) => c.name));
  for (const { path, node } of lineLeaves) {
    const base = snake(path);
    cols.push({ name: claimNames.has(base) ? `line_${base}` : base, scope: 'line', path, type: typeOf(node), doc: doc(node) });
  }
  return cols;
}

/** Every CSV column, claim columns first, in the contract's order. */
export const CSV_COLUMNS: readonly CsvColumn[] = buildColumns();
const BY_NAME = new Map(CSV_COLUMNS.map((c) => [c.name, c]));

const normHeader = (h: string) => h.trim().toLowerCase().replace(/[\s-]+/g, '_');
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** A cell → its JSON value, or a message saying why it cannot be one. */
function convert(col: CsvColumn, cell: string): { value: unknown } | { problem: string } {
  const t = cell.trim();
  if (col.type === 'number' || col.type === 'whole number') {
    const n = t.replace(/^\$/, '').replace(/,(?=\d{3}(\D|$))/g, '');
    if (!/^-?\d+(\.\d+)?$/.test(n)) return { problem: `\`${t.slice(0, 20)}\` is not a number` };
    if (col.type === 'whole number' && !Number.isInteger(Number(n))) return { problem: `\`${t.slice(0, 20)}\` is not a whole number` };
    return { value: Number(n) };
  }
  if (col.type === 'list of text' || col.type === 'list of whole numbers') {
    const items = t.split(/[;,|\s]+/).filter((x) => x !== '');
    if (col.type === 'list of text') return { value: col.name === 'diagnoses' ? items.map(icd10) : items };
    const bad = items.find((x) => !/^\d+$/.test(x));
    return bad !== undefined ? { problem: `\`${bad.slice(0, 20)}\` is not a whole number (separate several with \`;\`)` } : { value: items.map(Number) };
  }
  // Spreadsheets turn 2026-03-02 into 3/2/2026 and 02 into 2: read both back.
  const us = US_DATE.exec(t);
  if (us) return { value: `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}` };
  if (/place_of_service$/.test(col.name) && /^\d$/.test(t)) return { value: `0${t}` };
  return { value: t };
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): unknown {
  let cur = obj;
  for (const k of path.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
  const last = path[path.length - 1]!;
  const before = cur[last];
  if (before === undefined) cur[last] = value;
  return before;
}

/** Names practice exports give the two required columns; named in the message, never read in their place. */
const REQUIRED_ALIASES: Record<'claim_id' | 'code', readonly string[]> = {
  claim_id: ['claim', 'claim_no', 'claim_number', 'claim_num', 'claimid', 'claim_#', 'id'],
  code: ['cpt', 'hcpcs', 'cpt_code', 'hcpcs_code', 'cpt_hcpcs', 'procedure', 'procedure_code', 'proc_code', 'service_code'],
};

/** Why a header is not one: which required column is missing, and the column that is probably it. */
function headerProblem(names: readonly string[]): string {
  const missing = (['claim_id', 'code'] as const).filter((c) => !names.includes(c));
  if (names.every((n) => !BY_NAME.has(n) && !Object.values(REQUIRED_ALIASES).some((a) => a.includes(n)))) {
    return 'the first row must be a header naming the columns, with at least claim_id and code (one row per service line; see docs/csv-input.md)';
  }
  const parts = missing.map((c) => {
    const like = names.find((n) => REQUIRED_ALIASES[c].includes(n));
    return `no \`${c}\` column${like ? ` (is \`${like}\` it? rename it \`${c}\`)` : ''}`;
  });
  return `the header has ${parts.join(' and ')}; every CSV needs claim_id and code (see docs/csv-input.md)`;
}

/** Reads CSV claims: one record per claim (consecutive rows with one claim_id). */
export function* readCsvClaims(text: string): Generator<ReaderRecord> {
  const res = Papa.parse<string[]>(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, { skipEmptyLines: 'greedy' });
  const [header, ...rows] = res.data;
  const names = (header ?? []).map(normHeader);
  if (!names.includes('claim_id') || !names.includes('code')) {
    yield { claim: null, diagnostics: [diag('CSV-HEADER', headerProblem(names), 'row 1', { row: 1 })] };
    return;
  }
  const unknown = names.filter((n) => n && !BY_NAME.has(n));
  if (unknown.length) yield { claim: null, diagnostics: [diag('CSV-COLUMN', `column${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `\`${n}\``).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not claim columns and ${unknown.length === 1 ? 'was' : 'were'} not read (see docs/csv-input.md)`, 'row 1', { row: 1 })] };
  const cols = names.map((n) => BY_NAME.get(n));
  // Papaparse reports a row with the wrong number of fields or an unclosed quote by its data index.
  const rowErrors = new Map<number, string>();
  for (const e of res.errors) if (e.row !== undefined && !rowErrors.has(e.row)) rowErrors.set(e.row, e.message);
  let current: Building | undefined;
  for (let k = 0; k < rows.length; k++) {
    const cells = rows[k]!;
    const row = k + 2;
    const id = (cells[names.indexOf('claim_id')] ?? '').trim();
    if (!current || id !== current.claim['id']) {
      if (current) yield done(current);
      current = { claim: { id }, lines: [], diagnostics: [], row, cells: new Map() };
    }
    const c = current;
    const problem = rowErrors.get(k + 1);
    // The position is in `where`; the message says only what is wrong (writers print both).
    if (problem) c.diagnostics.push(diag('CSV-ROW', problem.toLowerCase(), `row ${row}`, { row }));
    const line: Record<string, unknown> = {};
    c.lines.push(line);
    cells.forEach((cell, i) => {
      const col = cols[i];
      if (!col || col.name === 'claim_id' || cell.trim() === '') return;
      const v = convert(col, cell);
      if ('problem' in v) {
        // Cells about the patient or the authorization are never quoted back (patient data).
        const problem = isPhi(col) ? `the cell is not a ${col.type}` : v.problem;
        c.diagnostics.push(diag('CSV-VALUE', problem, `row ${row}, column ${col.name}`, { row, column: col.name, line: c.lines.length }));
        return;
      }
      if (col.scope === 'line') {
        setPath(line, col.path, v.value);
        c.cells.set(`lines[${c.lines.length - 1}].${col.path.join('.')}`, { row, col, cell });
      } else {
        const before = setPath(c.claim, col.path, v.value);
        if (before === undefined) c.cells.set(col.path.join('.'), { row, col, cell });
        else if (JSON.stringify(before) !== JSON.stringify(v.value)) {
          c.diagnostics.push(diag('CSV-CONFLICT', `differs from an earlier row of claim \`${id}\` (a claim-level column must agree on every row of the claim)`, `row ${row}, column ${col.name}`, { row, column: col.name }));
        }
      }
    });
    line['modifiers'] ??= [];
    line['diagnosisPointers'] ??= [];
  }
  if (current) yield done(current);
}

/** A claim being read: its rows so far, and which row and column each value came from. */
interface Building {
  claim: Record<string, unknown>;
  lines: Record<string, unknown>[];
  diagnostics: ReaderDiagnostic[];
  row: number;
  /** JSON path of each value set (`dateOfService`, `lines[1].units`) → the cell it came from. */
  cells: Map<string, { row: number; col: CsvColumn; cell: string }>;
}

/** Cells about the patient or the authorization are never quoted back (patient data). */
const isPhi = (col: CsvColumn) => /^(patient|priorAuthorization)/.test(col.path[0] ?? '');

/** The cell a JSON path of the claim came from: the longest path set from a cell that contains it. */
function cellOf(c: Building, path: string): { row: number; col: CsvColumn; cell: string } | undefined {
  for (let p = path; p; p = p.replace(/(\.[^.[\]]*|\[\d+\])$/, '')) {
    const hit = c.cells.get(p);
    if (hit) return hit;
    if (!/(\.[^.[\]]*|\[\d+\])$/.test(p)) break;
  }
  return undefined;
}

/**
 * The claim with its lines last, as the contract writes it. The claim contract is checked here too,
 * so a value the contract refuses (a date that is not a calendar day, a malformed NPI) is reported
 * at its row and column, as a cell that is not a number is; the engine would name only a JSON path.
 * A refusal no cell explains (a required column left empty) is reported at the claim's first row.
 */
function done(c: Building): ReaderRecord {
  const claim = { ...c.claim, lines: c.lines };
  const v = validateClaim(claim);
  if (!v.ok) {
    const errored = new Set(c.diagnostics.filter((d) => d.at.column).map((d) => `${d.at.row}:${d.at.column}`));
    for (const e of v.errors) {
      const hit = cellOf(c, e.path);
      // The engine prefixes line errors with their line (`line 2: …`); the row and column say where.
      const why = e.message.replace(/^line \d+: /, '');
      if (hit) {
        if (errored.has(`${hit.row}:${hit.col.name}`)) continue;
        const quoted = isPhi(hit.col) ? '' : ` (the cell holds \`${hit.cell.trim().slice(0, 40)}\`)`;
        c.diagnostics.push(diag('CSV-VALUE', `${why}${quoted}`, `row ${hit.row}, column ${hit.col.name}`, { row: hit.row, column: hit.col.name, ...(e.path.startsWith('lines[') ? { line: Number(/^lines\[(\d+)\]/.exec(e.path)![1]) + 1 } : {}) }));
      } else if (!(e.path === 'id' && !c.claim['id'])) {
        c.diagnostics.push(diag('CSV-VALUE', `${e.path || 'the claim'}: ${why}`, `row ${c.row}`, { row: c.row }));
      }
    }
  }
  return { claim, diagnostics: c.diagnostics, row: c.row };
}
