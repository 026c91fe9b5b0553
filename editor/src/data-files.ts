// Schema-aware editing of the data files beside a ruleset, run in the analysis worker: test cases
// (`*.cases.yaml`) and claims files (`claims/*.json`, `.ndjson`). Diagnostics come from the real
// validators (engine/harness.ts's case schemas, engine/validate.ts for claims), mapped back to
// the YAML/JSON node they concern; completion comes from the same schemas as JSON Schema. The
// `yaml` package parses both (JSON is YAML 1.2) and gives node ranges. No JSON-Schema validator
// library here: ajv-style validators generate code at run time, which the studio's CSP forbids.
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { CaseFileSchema, CaseSchema } from '../../engine/harness.ts';
import { claimJsonSchema } from '../../engine/claim-schema.ts';
import { validateClaim } from '../../engine/validate.ts';
import type { Diagnostic } from '../../dsl/diagnostics.ts';
import type { DiagnosticCode } from '../../dsl/diagnostic-codes.ts';
import type { CompletionEntry } from './protocol.ts';

type Json = Record<string, unknown>;

/** Codes for data-file problems: the claim-input range (PR5xxx) of the one catalog. */
type DataCode = Extract<DiagnosticCode, `PR5${string}`>;
type Path = (string | number)[];

export type DataKind = 'cases' | 'claims-json' | 'claims-ndjson';

export function dataKindOf(path: string): DataKind | undefined {
  if (/\.cases\.ya?ml$/.test(path)) return 'cases';
  if (/\.ndjson$/.test(path)) return 'claims-ndjson';
  if (/\.json$/.test(path)) return 'claims-json';
  return undefined;
}

let schemas: { claim: Json; caseFile: Json } | undefined;

/** The JSON Schemas completion walks: the claim contract, and a case file with claims in place. */
function schemaOf(kind: DataKind): Json {
  if (!schemas) {
    const claim = claimJsonSchema() as Json;
    const partialClaim = { ...claim, required: [] };
    const kase = z.toJSONSchema(CaseSchema, { io: 'input', unrepresentable: 'any' }) as Json;
    const file = z.toJSONSchema(CaseFileSchema, { io: 'input', unrepresentable: 'any' }) as Json;
    (kase['properties'] as Json)['claim'] = partialClaim;
    const fp = file['properties'] as Json;
    fp['base'] = partialClaim;
    fp['claims'] = { type: 'array', items: partialClaim };
    fp['cases'] = { type: 'array', items: kase };
    schemas = { claim, caseFile: file };
  }
  return kind === 'cases' ? schemas.caseFile : kind === 'claims-json' ? { type: 'array', items: schemas.claim } : schemas.claim;
}

function parsePathString(p: string): Path {
  const out: Path = [];
  for (const m of p.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/** The span of the deepest node along `path` that exists (the key when the value is missing). */
function spanAt(doc: Document, path: Path, base = 0): { start: number; end: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as YamlNode | undefined;
    if (node?.range) return { start: base + node.range[0], end: base + Math.max(node.range[1], node.range[0] + 1) };
  }
  return { start: base, end: base + 1 };
}

function diag(file: string, code: DataCode, span: { start: number; end: number }, message: string, help?: string): Diagnostic {
  const d: Diagnostic = { code: code as unknown as Diagnostic['code'], severity: 'error', file, span, message };
  if (help) d.help = help;
  return d;
}

function yamlErrors(file: string, doc: Document, base = 0): Diagnostic[] {
  return doc.errors.map((e) => diag(file, 'PR5001', { start: base + e.pos[0], end: base + Math.max(e.pos[1], e.pos[0] + 1) }, `not valid ${file.endsWith('.yaml') || file.endsWith('.yml') ? 'YAML' : 'JSON'}: ${e.message.split('\n')[0]}`));
}

function zodIssues(file: string, doc: Document, prefix: Path, issues: readonly z.core.$ZodIssue[]): Diagnostic[] {
  return issues.map((i) => {
    const path = [...prefix, ...(i.path as Path)];
    const extra = i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys : undefined;
    const at = extra?.length ? [...path, extra[0]!] : path;
    const node = doc.getIn(at, true) as YamlNode | undefined;
    // For an unknown key, point at the key itself.
    let span = spanAt(doc, at);
    if (extra?.length) {
      const parent = doc.getIn(path, true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => (p.key as { value?: unknown })?.value === extra[0]);
        const k = pair?.key as YamlNode | undefined;
        if (k?.range) span = { start: k.range[0], end: k.range[1] };
      }
    }
    void node;
    return diag(file, 'PR5002', span, `${path.join('.') || 'the file'}: ${i.message}`);
  });
}

/** Diagnostics for a case file or claims file: syntax, then the schemas, then each claim. */
export function dataDiagnostics(file: string, text: string): Diagnostic[] {
  const kind = dataKindOf(file);
  if (!kind) return [];
  if (kind === 'claims-ndjson') {
    const out: Diagnostic[] = [];
    let off = 0;
    for (const line of text.split('\n')) {
      if (line.trim()) {
        const doc = parseDocument(line);
        if (doc.errors.length) out.push(...yamlErrors(file, doc, off));
        else out.push(...claimErrors(file, doc, doc.toJS(), [], off));
      }
      off += line.length + 1;
    }
    return out;
  }
  const doc = parseDocument(text, { lineCounter: new LineCounter() });
  if (doc.errors.length) return yamlErrors(file, doc);
  const data = doc.toJS() as unknown;
  if (kind === 'claims-json') {
    const claims = Array.isArray(data) ? data : [data];
    return claims.flatMap((c, i) => claimErrors(file, doc, c, Array.isArray(data) ? [i] : []));
  }
  const parsed = CaseFileSchema.safeParse(data);
  if (!parsed.success) return zodIssues(file, doc, [], parsed.error.issues);
  const out: Diagnostic[] = [];
  const casesNode = doc.get('cases', true);
  parsed.data.cases.forEach((raw, i) => {
    const c = CaseSchema.safeParse(raw);
    if (!c.success) return void out.push(...zodIssues(file, doc, ['cases', i], c.error.issues));
    if (c.data.claimRef && !parsed.data.claims?.some((x) => x['id'] === c.data.claimRef)) out.push(diag(file, 'PR5003', spanAt(doc, ['cases', i, 'claimRef']), `claimRef \`${c.data.claimRef}\` is not among this file's claims`));
    // The claim as the harness builds it: base, then the shared claim, then the case's own.
    const shared = c.data.claimRef ? parsed.data.claims?.find((x) => x['id'] === c.data.claimRef) : undefined;
    const claim = merge(merge(parsed.data.base ?? {}, shared ?? {}), c.data.claim ?? {});
    if (c.data.expect.status === 'invalid') return;
    const v = validateClaim(claim);
    if (!v.ok) {
      for (const e of v.errors) {
        const p = parsePathString(e.path);
        const inCase = doc.getIn(['cases', i, 'claim', ...p], true) !== undefined || !parsed.data.base;
        const span = inCase ? spanAt(doc, ['cases', i, 'claim', ...p]) : spanAt(doc, ['base', ...p]);
        out.push(diag(file, 'PR5004', doc.getIn(['cases', i, 'claim', ...p], true) || doc.getIn(['base', ...p], true) ? span : spanAt(doc, ['cases', i]), `case ${i + 1}: the claim is invalid at \`${e.path || '(claim)'}\`: ${e.message}`));
      }
    }
    void casesNode;
  });
  return out;
}

function claimErrors(file: string, doc: Document, claim: unknown, prefix: Path, base = 0): Diagnostic[] {
  const v = validateClaim(claim);
  if (v.ok) return [];
  return v.errors.map((e) => diag(file, 'PR5004', spanAt(doc, [...prefix, ...parsePathString(e.path)], base), `${v.claimId ?? `claim ${(prefix[0] as number ?? 0) + 1}`}: \`${e.path || '(claim)'}\` ${e.message}`));
}

function merge(base: unknown, over: unknown): unknown {
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Json = { ...(base as Json) };
    for (const [k, v] of Object.entries(over as Json)) {
      if (v === null) delete out[k];
      else out[k] = merge(out[k], v);
    }
    return out;
  }
  return over;
}

export interface CursorPlace {
  path: Path;
  key?: string;
  expectKey: boolean;
}

/** A word no case or claim file holds, put where the cursor is so the parser places it. */
const CURSOR = 'zzCursorPlaceholderzz';

/**
 * Where the cursor is in the data: the path of the object or array it is in, and whether a key
 * or a value is expected. The `yaml` package parses the text with a placeholder at the cursor (its
 * parser recovers from the half-typed text completion sees, and JSON is YAML 1.2), and the
 * placeholder's node gives the place: a key of a map, the value of a key, or an item of a list.
 * Text it cannot place (an unclosed quote, say) falls back to following indentation and brackets.
 */
export function pathAt(text: string, offset: number, yaml: boolean): CursorPlace {
  const before = text.slice(0, offset);
  const after = text.slice(offset);
  for (const attempt of [`${before}${CURSOR}${after}`, `${before}${CURSOR}"${after}`]) {
    const found = placeOf(attempt);
    if (found) return found;
  }
  return pathByIndentation(text, offset, yaml);
}

function placeOf(text: string): CursorPlace | undefined {
  const doc = parseDocument(text, { strict: false, uniqueKeys: false, prettyErrors: false });
  const has = (n: unknown) => isScalar(n) && typeof n.value === 'string' && n.value.includes(CURSOR);
  const walk = (node: unknown, path: Path): CursorPlace | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = pair.key;
        const key = isScalar(k) ? String(k.value) : undefined;
        if (has(k)) return { path, expectKey: true };
        if (has(pair.value) && key !== undefined) {
          // A value on a line of its own under its key starts the nested object's first key.
          const kEnd = (k as YamlNode).range?.[1];
          const vStart = (pair.value as YamlNode).range?.[0];
          if (kEnd !== undefined && vStart !== undefined && text.slice(kEnd, vStart).includes('\n')) return { path: [...path, key], expectKey: true };
          return { path, key, expectKey: false };
        }
        if (key !== undefined) {
          const inner = walk(pair.value, [...path, key]);
          if (inner) return inner;
        }
      }
      return undefined;
    }
    if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const item = node.items[i];
        if (has(item)) return { path: [...path, i], expectKey: true };
        const inner = walk(item, [...path, i]);
        if (inner) return inner;
      }
      return undefined;
    }
    if (isPair(node)) return walk(node.value, path);
    return undefined;
  };
  return walk(doc.contents, []);
}

/** The fallback: block YAML followed by indentation, flow YAML and JSON by brackets. */
function pathByIndentation(text: string, offset: number, yaml: boolean): CursorPlace {
  const before = text.slice(0, offset);
  const stack: { path: Path; indent: number; flow: boolean; key?: string; index: number; isArray: boolean }[] = [{ path: [], indent: -1, flow: false, index: 0, isArray: false }];
  const lines = before.split('\n');
  for (let li = 0; li < lines.length; li++) {
    const lineText = lines[li]!;
    const isLast = li === lines.length - 1;
    let i = 0;
    const top = () => stack[stack.length - 1]!;
    if (yaml && !top().flow) {
      const indent = lineText.length - lineText.trimStart().length;
      const body = lineText.trim();
      if (!body || body.startsWith('#')) {
        if (!isLast) continue;
      }
      while (stack.length > 1 && !top().flow && top().indent >= indent && (body || isLast)) stack.pop();
      i = indent;
      // Sequence items: "- " opens an element of the array held by the parent key.
      while (lineText.startsWith('- ', i) || (lineText[i] === '-' && i + 1 === lineText.length)) {
        const parent = top();
        const arr = parent.isArray ? parent : undefined;
        const idx = arr ? arr.index++ : 0;
        stack.push({ path: [...parent.path, idx], indent: i, flow: false, index: 0, isArray: false });
        i += 2;
      }
      const m = /^([A-Za-z_$][\w$-]*|"[^"]*")\s*:(\s|$)/.exec(lineText.slice(i));
      if (m) {
        const key = m[1]!.replace(/^"|"$/g, '');
        const rest = lineText.slice(i + m[0].length).trim();
        const cur = top();
        if (!rest || rest.startsWith('#')) {
          if (!isLast) {
            // A block value follows on the next lines: an object, or an array if they start with "-".
            const next = lines.slice(li + 1).find((l) => l.trim() && !l.trim().startsWith('#')) ?? '';
            stack.push({ path: [...cur.path, key], indent: i, flow: false, index: 0, isArray: next.trimStart().startsWith('-') });
            continue;
          }
          return { path: cur.path, key, expectKey: false };
        }
        cur.key = key;
        i += m[0].length;
      } else if (isLast && !/[{[]/.test(lineText.slice(i))) {
        return { path: top().path, expectKey: true };
      }
    }
    // Flow (JSON or YAML flow collections) from position i.
    let str: string | null = null;
    let token = '';
    for (; i < lineText.length; i++) {
      const ch = lineText[i]!;
      const cur = top();
      if (str !== null) {
        if (ch === '\\') {
          i++;
          continue;
        }
        if (ch === str) {
          if (cur.flow && !cur.isArray && cur.key === undefined) cur.key = token;
          str = null;
          token = '';
        } else token += ch;
        continue;
      }
      if (ch === '"' || ch === "'") {
        str = ch;
        token = '';
        continue;
      }
      if (ch === '{' || ch === '[') {
        const seg: Path = cur.isArray ? [cur.index] : cur.key !== undefined ? [cur.key] : [];
        stack.push({ path: [...cur.path, ...seg], indent: yaml ? -1 : 0, flow: true, index: 0, isArray: ch === '[' });
        continue;
      }
      if (ch === '}' || ch === ']') {
        if (stack.length > 1) stack.pop();
        continue;
      }
      if (ch === ',') {
        if (cur.isArray) cur.index++;
        else delete cur.key;
        token = '';
        continue;
      }
      if (ch === ':' && cur.flow && !cur.isArray && cur.key === undefined) {
        cur.key = token.trim();
        token = '';
        continue;
      }
      if (ch === '#' && yaml) break;
      if (cur.flow && !cur.isArray && cur.key === undefined) token += ch;
    }
    void isLast;
  }
  const cur = stack[stack.length - 1]!;
  if (cur.isArray) return { path: [...cur.path, cur.index], expectKey: false };
  if (cur.key !== undefined) return { path: cur.path, key: cur.key, expectKey: false };
  return { path: cur.path, expectKey: true };
}

function schemaAtPath(root: Json, path: Path): Json | undefined {
  let s: Json | undefined = root;
  for (const seg of path) {
    if (!s) return undefined;
    if (typeof seg === 'number') s = s['items'] as Json | undefined;
    else s = (s['properties'] as Json | undefined)?.[seg] as Json | undefined;
    if (s && Array.isArray(s['anyOf'])) s = (s['anyOf'] as Json[]).find((x) => x['type'] !== 'null') ?? s;
  }
  return s;
}

/** Completion in a data file: property names (with their docs) where a key goes, enum values where a value goes. */
export function dataCompletion(file: string, text: string, offset: number): CompletionEntry[] {
  const kind = dataKindOf(file);
  if (!kind) return [];
  const yaml = kind === 'cases';
  // NDJSON: each line is a claim of its own.
  const lineStart = kind === 'claims-ndjson' ? text.lastIndexOf('\n', offset - 1) + 1 : 0;
  const lineEnd = kind === 'claims-ndjson' ? (text.indexOf('\n', offset) + 1 || text.length + 1) - 1 : text.length;
  const { path, key, expectKey } = pathAt(text.slice(lineStart, lineEnd), offset - lineStart, yaml);
  const root = schemaOf(kind);
  if (expectKey) {
    const s = schemaAtPath(root, path);
    if (s && s['type'] === 'array') return [];
    const props = (s?.['properties'] ?? {}) as Json;
    return Object.entries(props).map(([k, v]) => ({ label: k, kind: 'field' as const, detail: String((v as Json)['description'] ?? typeLabel(v as Json)), insertText: yaml ? `${k}: ` : `"${k}": ` }));
  }
  const s = schemaAtPath(root, key !== undefined ? [...path, key] : path);
  const values = (s?.['enum'] as unknown[] | undefined) ?? (s?.['items'] as Json | undefined)?.['enum'] as unknown[] | undefined;
  if (values) return values.map((v) => ({ label: String(v), kind: 'keyword' as const, detail: String(s?.['description'] ?? ''), insertText: yaml ? String(v) : JSON.stringify(v) }));
  return [];
}

function typeLabel(s: Json): string {
  return String(s['type'] ?? 'value');
}

