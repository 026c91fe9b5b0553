// The analysis worker: runs dsl/ and engine/ off the main thread. Everything the editor shows about
// a ruleset comes from here; the UI parses nothing itself. Claims are not evaluated here: the
// studio server does that with the reference tables (studio/evaluate.ts), so the studio and
// `payer-rules eval` agree; this worker answers what must be instant (diagnostics, completion,
// hover, definitions, formatting) and checks table names against the tables the server has, as
// `payer-rules check` does.
import { analyze, checkVersionOverlaps, format, peekHeader, rulesetLoader } from '../../dsl/index.ts';
import { formatDate } from '../../engine/dates.ts';
import { dataCompletion, dataDiagnostics, dataKindOf } from './data-files.ts';
import { tokenize } from '../../dsl/lexer.ts';
import { KEYWORD_DOCS, KEYWORDS } from '../../dsl/tokens.ts';
import type { SourceFile } from '../../dsl/source.ts';
import { FIELD_BY_PATH, FIELDS } from '../../engine/field-catalog.ts';
import { Discipline, RenderedBy } from '../../engine/claim-schema.ts';
import type { KnownTable } from '../../dsl/check/index.ts';
import { expandSet } from '../../engine/diff.ts';
import { FINDING_KINDS } from '../../engine/finding-kinds.ts';
import { isCode } from '../../engine/codes.ts';
import { MODIFIERS, MODIFIERS_OFFERED } from '../../engine/modifiers.ts';
import { setHas } from '../../engine/operator-catalog.ts';
import type { AnalysisResult, CompletionEntry, DefinitionInfo, FormInfo, HeaderInfo, HoverInfo, Request, SymbolInfo } from './protocol.ts';

const files = new Map<string, string>();
/** The reference tables (ids and kinds) the server has; undefined when it has none, so names go unchecked. */
let knownTables: readonly KnownTable[] | undefined;

function payerFiles(): SourceFile[] {
  return [...files].filter(([p]) => p.endsWith('.payer')).map(([name, text]) => ({ name, text }));
}

/** One resolver per open file, rebuilt only when the files change (not on every keystroke). */
const loaders = new Map<string, ReturnType<typeof rulesetLoader>>();
function loaderFor(self: string) {
  let l = loaders.get(self);
  if (!l) loaders.set(self, (l = rulesetLoader(payerFiles().filter((f) => f.name !== self))));
  return l;
}

function symbolsOf(path: string, text: string, res: ReturnType<typeof analyze>): SymbolInfo {
  const out: SymbolInfo = { codeSets: [], rules: [] };
  const checked = res.check.checked;
  const ast = res.check.parsed.ast;
  const summarize = (name: string) => {
    const s = checked?.codeSets.get(name);
    if (!s) return '';
    const codes = expandSet({ codes: s.codes, ranges: s.ranges });
    return `${codes.length} codes: ${codes.slice(0, 40).join(', ')}${codes.length > 40 ? ', …' : ''}`;
  };
  for (const it of ast.items) {
    if (it.kind === 'CodeSetDecl') out.codeSets.push({ name: it.name.text, start: it.name.span.start, end: it.name.span.end, summary: summarize(it.name.text), file: path });
    if (it.kind === 'ExtendsDecl') {
      const base = loaderFor(path)(it.base.text, undefined);
      out.extendsBase = { id: it.base.text, start: it.base.span.start, end: it.base.span.end, ...(base ? { file: base.name } : {}) };
    }
  }
  for (const [name, s] of checked?.codeSets ?? []) {
    if (!out.codeSets.some((c) => c.name === name)) out.codeSets.push({ name, start: s.origin.span.start, end: s.origin.span.end, summary: summarize(name), file: s.origin.file });
  }
  for (const r of checked?.rules ?? []) {
    const idSpan = r.node.kind === 'RuleDecl' ? r.node.id.span : (r.node.id?.span ?? r.origin.span);
    const info: SymbolInfo['rules'][number] = { id: r.id, start: idSpan.start, end: idSpan.end, file: r.origin.file };
    if (r.cite) info.citation = r.cite;
    if (r.node.kind === 'RuleDecl') info.title = r.node.title.value;
    else if (r.node.kind === 'NotCheckedDecl') info.title = `not checked: ${r.node.what.value}`;
    out.rules.push(info);
  }
  void text;
  return out;
}

let last: { path: string; text: string; res: ReturnType<typeof analyze> } | undefined;
/** The last checked ruleset of each file: completion while the text is mid-edit (unparsable) uses it. */
const lastChecked = new Map<string, NonNullable<ReturnType<typeof analyze>['check']['checked']>>();

function analyzed(path: string, text: string) {
  if (last && last.path === path && last.text === text) return last.res;
  const res = analyze({ name: path, text }, knownTables ? { loadRuleset: loaderFor(path), tables: knownTables } : { loadRuleset: loaderFor(path) });
  last = { path, text, res };
  if (res.check.checked) lastChecked.set(path, res.check.checked);
  return res;
}

/** The tokens before an offset, for completion context (the real lexer, never a second grammar). */
function tokensBefore(text: string, offset: number) {
  const { tokens } = tokenize({ name: 'x', text: text.slice(0, offset) });
  return tokens;
}

function wordAt(text: string, offset: number): { start: number; end: number; word: string } | undefined {
  const { tokens } = tokenize({ name: 'x', text });
  for (const t of tokens) {
    const end = t.startOffset + t.image.length;
    if (t.startOffset <= offset && offset <= end) {
      // Extend field paths across dots: claim.priorAuthorization.to
      let s = t.startOffset;
      let e = end;
      let i = tokens.indexOf(t);
      while (i >= 2 && tokens[i - 1]!.image === '.' && tokens[i - 1]!.startOffset === tokens[i - 2]!.startOffset + tokens[i - 2]!.image.length) {
        s = tokens[i - 2]!.startOffset;
        i -= 2;
      }
      let j = tokens.indexOf(t);
      while (j + 2 < tokens.length && tokens[j + 1]!.image === '.' && tokens[j + 1]!.startOffset === e) {
        e = tokens[j + 2]!.startOffset + tokens[j + 2]!.image.length;
        j += 2;
      }
      return { start: s, end: e, word: text.slice(s, e) };
    }
  }
  return undefined;
}


/** How many braces are open after these tokens (0 at the top level of a ruleset). */
function braceDepth(toks: readonly { image: string }[]): number {
  let depth = 0;
  for (const t of toks) {
    if (t.image === '{') depth++;
    else if (t.image === '}') depth = Math.max(0, depth - 1);
  }
  return depth;
}

function complete(path: string, text: string, offset: number, auto = false): CompletionEntry[] {
  if (!path.endsWith('.payer')) return dataCompletion(path, text, offset);
  const toks = tokensBefore(text, offset);
  const lastTok = toks[toks.length - 1];
  const typingWord = lastTok && lastTok.startOffset + lastTok.image.length === offset && /^[A-Za-z0-9_-]/.test(lastTok.image);
  const ctx = typingWord ? toks.slice(0, -1) : toks;
  const prev = ctx[ctx.length - 1];
  const prev2 = ctx[ctx.length - 2];
  const res = analyzed(path, text);
  const checked = res.check.checked ?? lastChecked.get(path);
  const setNames = [...(checked?.codeSets.keys() ?? [])].filter((n) => !n.startsWith('#'));
  const sets: CompletionEntry[] = setNames.map((n) => ({ label: n, kind: 'codeSet', detail: 'code set' }));
  // Codes the ruleset already names, with the sets they appear in (offered where codes go).
  const codeSetsOf = new Map<string, string[]>();
  for (const [name, set] of checked?.codeSets ?? []) {
    if (name.startsWith('#')) continue;
    for (const c of expandSet({ codes: set.codes, ranges: set.ranges }).slice(0, 2000)) codeSetsOf.set(c, [...(codeSetsOf.get(c) ?? []), name]);
  }
  const codes: CompletionEntry[] = [...codeSetsOf].slice(0, 500).map(([c, in_]) => ({ label: c, kind: 'code', detail: `in ${in_.join(', ')}` }));
  // After `claim.` / `line.` (or inside a path): fields.
  if (prev?.image === '.' && prev2 && (prev2.image === 'claim' || prev2.image === 'line' || /^[a-zA-Z]/.test(prev2.image))) {
    let i = ctx.length - 2;
    const parts: string[] = [];
    while (i >= 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(ctx[i]!.image)) {
      parts.unshift(ctx[i]!.image);
      if (ctx[i - 1]?.image !== '.') break;
      i -= 2;
    }
    const prefix = parts.join('.') + '.';
    return FIELDS.filter((f) => f.path.startsWith(prefix)).map((f) => ({ label: f.path.slice(prefix.length), kind: 'field', detail: `${f.type} — ${f.doc}` }));
  }
  const p = prev?.image;
  if (p === 'in' || p === '=' || p === 'codes' || p === 'on' || p === 'for' || p === 'except' || p === 'eligible' || (p === ',' && ctx.some((t) => ['codes', 'on', 'for', 'except', 'eligible', 'in'].includes(t.image)) && !ctx.slice().reverse().find((t) => ['of', 'bypass', 'require'].includes(t.image)))) {
    return [...sets, ...codes];
  }
  if (p === 'require' || p === 'of' || p === 'bypass' || p === 'has' || p === 'lacks' || p === 'with' || (p === ',' && ctx.slice().reverse().find((t) => ['of', 'bypass', 'require', 'has', 'lacks', 'codes', 'on', 'in'].includes(t.image))?.image !== 'codes')) {
    return [...MODIFIERS_OFFERED.map((m) => ({ label: m.code, kind: 'modifier' as const, detail: m.doc })), ...(p === 'require' ? [{ label: 'one of', kind: 'keyword' as const }, { label: 'auth for', kind: 'keyword' as const }] : [])];
  }
  // `not` first on a line outside any block starts `not checked ID "…"`, never a condition.
  if (p === 'not' && braceDepth(ctx) === 0) return [{ label: 'checked', kind: 'keyword', detail: KEYWORD_DOCS.get('checked') }];
  if (p === 'kind') return Object.entries(FINDING_KINDS).map(([k, v]) => ({ label: k, kind: 'keyword', detail: v.doc }));
  if (p === 'method') return [{ label: 'total-time', kind: 'keyword', detail: 'CMS 8-minute rule' }, { label: 'per-code', kind: 'keyword', detail: 'CPT midpoint rule' }];
  if (p === 'extends') return [...new Set(payerFiles().map((f) => peekHeader(f)?.id).filter((x): x is string => !!x))].map((id) => ({ label: id, kind: 'rule', detail: 'ruleset' }));
  if (auto && !['in', 'on', 'for', 'except', 'eligible', 'require', 'of', 'bypass', 'has', 'lacks', 'with', 'kind', 'method', 'extends', 'codes', '='].includes(p ?? '')) return [];
  if (p === 'when' || p === 'and' || p === 'or' || p === 'not' || p === '(') {
    return [
      { label: 'claim', kind: 'field', detail: 'the claim', insertText: 'claim.' },
      { label: 'line', kind: 'field', detail: 'the service line', insertText: 'line.' },
      ...['count', 'sum', 'max', 'min'].map((f) => ({ label: f, kind: 'keyword' as const, detail: KEYWORD_DOCS.get(f), insertText: `${f}(` })),
    ];
  }
  return KEYWORDS.map((k) => ({ label: k, kind: 'keyword', detail: KEYWORD_DOCS.get(k) }));
}

function hover(path: string, text: string, offset: number): HoverInfo | null {
  const w = wordAt(text, offset);
  if (!w) return null;
  const res = analyzed(path, text);
  const sym = symbolsOf(path, text, res);
  const set = sym.codeSets.find((s) => s.name === w.word);
  if (set) return { start: w.start, end: w.end, markdown: `**code set \`${set.name}\`**\n\n${set.summary}` };
  const field = FIELD_BY_PATH.get(w.word);
  if (field) return { start: w.start, end: w.end, markdown: `**\`${field.path}\`** — ${field.type}\n\n${field.doc}` };
  const rule = sym.rules.find((r) => r.id === w.word);
  if (rule) return { start: w.start, end: w.end, markdown: `**rule \`${rule.id}\`**${rule.title ? ` — ${rule.title}` : ''}\n\n${rule.citation ? `cite: ${rule.citation}` : '_no citation_'}` };
  const kw = KEYWORD_DOCS.get(w.word);
  if (kw) return { start: w.start, end: w.end, markdown: `**\`${w.word}\`** — ${kw}` };
  const mod = MODIFIERS.get(w.word);
  if (mod) return { start: w.start, end: w.end, markdown: `**modifier ${mod.code}** — ${mod.doc}` };
  if (isCode('procedure', w.word)) {
    const inSets = [...(res.check.checked?.codeSets ?? [])].filter(([name, set]) => !name.startsWith('#') && setHas({ codes: set.codes, ranges: set.ranges }, w.word)).map(([name]) => `\`${name}\``);
    return { start: w.start, end: w.end, markdown: `**code ${w.word}**\n\n${inSets.length ? `in ${inSets.join(', ')}` : 'in no code set of this ruleset'}` };
  }
  return null;
}

function definition(path: string, text: string, offset: number): DefinitionInfo | null {
  const w = wordAt(text, offset);
  if (!w) return null;
  const sym = symbolsOf(path, text, analyzed(path, text));
  if (sym.extendsBase && w.start >= sym.extendsBase.start && w.end <= sym.extendsBase.end && sym.extendsBase.file) return { file: sym.extendsBase.file, start: 0, end: 0 };
  const set = sym.codeSets.find((s) => s.name === w.word);
  if (set) return { file: set.file, start: set.start, end: set.end };
  const rule = sym.rules.find((r) => r.id === w.word);
  if (rule && rule.file !== path) return { file: rule.file, start: 0, end: 0 };
  return null;
}

async function handle(req: Request): Promise<unknown> {
  switch (req.type) {
    case 'setFiles':
      files.clear();
      for (const [k, v] of Object.entries(req.files)) files.set(k, v);
      if (req.tables !== undefined) knownTables = req.tables ?? undefined;
      last = undefined;
      loaders.clear();
      return null;
    case 'analyze': {
      const t = performance.now();
      if (!req.path.endsWith('.payer')) {
        const out: AnalysisResult = { path: req.path, version: req.version, diagnostics: dataKindOf(req.path) ? dataDiagnostics(req.path, req.text) : [], symbols: { codeSets: [], rules: [] }, compiled: false, ms: performance.now() - t };
        return out;
      }
      const res = analyzed(req.path, req.text);
      // Versions of one ruleset must not overlap (PR2033): checked against the other files, with this buffer in place of its file.
      const overlaps = checkVersionOverlaps([...payerFiles().filter((f) => f.name !== req.path), { name: req.path, text: req.text }]).filter((d) => d.file === req.path);
      const diagnostics = [...res.diagnostics, ...overlaps].sort((a, b) => a.span.start - b.span.start);
      const out: AnalysisResult = { path: req.path, version: req.version, diagnostics, symbols: symbolsOf(req.path, req.text, res), compiled: !!res.compiled && overlaps.length === 0, ms: performance.now() - t };
      return out;
    }
    case 'headers':
      return headers();
    case 'formInfo':
      return formInfo(req.path, req.text);
    case 'complete':
      return complete(req.path, req.text, req.offset, req.auto);
    case 'hover':
      return hover(req.path, req.text, req.offset);
    case 'definition':
      return definition(req.path, req.text, req.offset);
    case 'format': {
      const r = format({ name: req.path, text: req.text });
      return { text: r.text, diagnostics: r.diagnostics };
    }
  }
}

function headers(): HeaderInfo[] {
  return payerFiles().flatMap((f) => {
    const h = peekHeader(f);
    if (!h) return [];
    const out: HeaderInfo = { path: f.name, id: h.id };
    if (h.version) out.version = h.version;
    if (h.from !== undefined) out.from = formatDate(h.from);
    if (h.through !== undefined) out.through = formatDate(h.through);
    return [out];
  });
}

function formInfo(path: string, text: string): FormInfo {
  const byId = new Map<string, FormInfo['payers'][number]['versions']>();
  for (const h of headers()) {
    const v = { version: h.version ?? '?', from: h.from ?? '', path: h.path, ...(h.through ? { through: h.through } : {}) };
    byId.set(h.id, [...(byId.get(h.id) ?? []), v]);
  }
  const payers = [...byId].map(([id, versions]) => ({ id, versions: versions.sort((a, b) => (a.from < b.from ? -1 : 1)) })).sort((a, b) => (a.id < b.id ? -1 : 1));
  const codes = new Map<string, string[]>();
  if (path.endsWith('.payer')) {
    for (const [name, set] of analyzed(path, text).check.checked?.codeSets ?? []) {
      if (name.startsWith('#')) continue;
      for (const c of expandSet({ codes: set.codes, ranges: set.ranges }).slice(0, 2000)) codes.set(c, [...(codes.get(c) ?? []), name]);
    }
  }
  return { payers, codes: [...codes].map(([code, sets]) => ({ code, sets })), modifiers: MODIFIERS_OFFERED.map(({ code, doc }) => ({ code, doc })), disciplines: Discipline.options, renderers: RenderedBy.options };
}

self.onmessage = async (e: MessageEvent<{ id: number; req: Request }>) => {
  const { id, req } = e.data;
  try {
    const result = await handle(req);
    (self as unknown as Worker).postMessage({ id, result });
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, error: String((err as Error)?.message ?? err) });
  }
};

