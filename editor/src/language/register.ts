// Registers the rules language with Monaco: highlighting from the real lexer (dsl/tokens.ts),
// completion, hover, go to definition, formatting and quick fixes from the analysis worker.
// The only offset ↔ position bridge is the model (getPositionAt / getOffsetAt).
import * as monaco from '../monaco.ts';
import type { TokenClass } from '../../../dsl/tokens.ts';
import type { Diagnostic } from '../../../dsl/diagnostics.ts';
import { ask } from '../worker-client.ts';
import type { CompletionEntry, DefinitionInfo, HoverInfo, SymbolInfo } from '../protocol.ts';
import { conf as yamlConf, language as yamlLanguage } from 'monaco-esm/languages/definitions/yaml/yaml.js';
import { jsonConf, jsonLanguage } from './json-grammar.ts';

export const LANGUAGE_ID = 'payer-rules';

const SCOPE: Record<TokenClass, string> = {
  keyword: 'keyword',
  identifier: 'identifier',
  'rule-id': 'type',
  code: 'constant',
  number: 'number',
  string: 'string',
  date: 'number.date',
  money: 'number.money',
  percent: 'number',
  operator: 'operator',
  punctuation: 'delimiter',
  comment: 'comment',
};

class LineState implements monaco.languages.IState {
  clone() {
    return this;
  }
  equals(other: monaco.languages.IState) {
    return other === this;
  }
}
const STATE = new LineState();

/** Path of a model: its URI path without the leading slash. */
export function pathOf(model: monaco.editor.ITextModel): string {
  return model.uri.path.replace(/^\//, '');
}

const lastDiagnostics = new Map<string, Diagnostic[]>();
const lastSymbols = new Map<string, SymbolInfo>();

/** The rules and code sets of a model, for the outline (Ctrl/Cmd+Shift+O, "Go to a rule"). */
export function setSymbols(model: monaco.editor.ITextModel, symbols: SymbolInfo): void {
  lastSymbols.set(model.uri.toString(), symbols);
}

/** Monaco language of a file in the rulesets folder. */
export function languageOf(path: string): string {
  return path.endsWith('.payer') ? LANGUAGE_ID : /\.ya?ml$/.test(path) ? 'yaml' : /\.(json|ndjson)$/.test(path) ? 'json' : 'plaintext';
}

/** Shows diagnostics as markers, positions computed by the model from offsets. */
export function setDiagnostics(model: monaco.editor.ITextModel, ds: Diagnostic[]): void {
  lastDiagnostics.set(model.uri.toString(), ds);
  const sev = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info };
  monaco.editor.setModelMarkers(
    model,
    'payer-rules',
    ds.map((d) => {
      const a = model.getPositionAt(d.span.start);
      const b = model.getPositionAt(Math.max(d.span.end, d.span.start));
      const empty = a.lineNumber === b.lineNumber && a.column === b.column;
      return {
        severity: sev[d.severity],
        code: d.code,
        message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
        startLineNumber: a.lineNumber,
        startColumn: a.column,
        endLineNumber: b.lineNumber,
        endColumn: empty ? b.column + 1 : b.column,
        source: 'payer-rules',
      };
    }),
  );
}

const KIND: Record<CompletionEntry['kind'], monaco.languages.CompletionItemKind> = {
  keyword: monaco.languages.CompletionItemKind.Keyword,
  field: monaco.languages.CompletionItemKind.Field,
  codeSet: monaco.languages.CompletionItemKind.Variable,
  modifier: monaco.languages.CompletionItemKind.EnumMember,
  code: monaco.languages.CompletionItemKind.Constant,
  rule: monaco.languages.CompletionItemKind.Reference,
};

async function completionItems(model: monaco.editor.ITextModel, position: monaco.Position, context: monaco.languages.CompletionContext): Promise<monaco.languages.CompletionList> {
  // Asked by a typed space: only where a specific list follows (after `in`, `require`…), not everywhere.
  const auto = context.triggerKind === monaco.languages.CompletionTriggerKind.TriggerCharacter && context.triggerCharacter === ' ';
  const items = await ask<CompletionEntry[]>({ type: 'complete', path: pathOf(model), text: model.getValue(), offset: model.getOffsetAt(position), auto });
  const word = model.getWordUntilPosition(position);
  const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
  return {
    suggestions: items.map((i) => {
      // Names (code sets, fields, keywords) before the many literal codes.
      const item: monaco.languages.CompletionItem = { label: i.label, kind: KIND[i.kind], insertText: i.insertText ?? i.label, range, sortText: `${i.kind === 'code' ? 1 : 0}${i.label}` };
      if (i.detail) item.detail = i.detail;
      return item;
    }),
  };
}

let registered = false;

/** Opens another file when go-to-definition lands outside the current model. */
export function registerLanguage(openFile: (path: string, offset: number) => void): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: LANGUAGE_ID, extensions: ['.payer'] });
  monaco.languages.setLanguageConfiguration(LANGUAGE_ID, {
    comments: { lineComment: '#' },
    brackets: [['{', '}'], ['(', ')'], ['[', ']']],
    autoClosingPairs: [{ open: '{', close: '}' }, { open: '(', close: ')' }, { open: '[', close: ']' }, { open: '"', close: '"' }],
    wordPattern: /[A-Za-z0-9_$%][A-Za-z0-9_\-$%]*/,
  });
  // Highlighting from the real lexer (chevrotain), which loads beside the editor rather than
  // ahead of it: the text shows at once, plain, and takes its colors when the lexer arrives
  // (Monaco re-tokenizes a language's models when its tokens provider is set).
  void Promise.all([import('../../../dsl/lexer.ts'), import('../../../dsl/tokens.ts')]).then(([{ tokenize }, { tokenClass }]) => {
    monaco.languages.setTokensProvider(LANGUAGE_ID, {
      getInitialState: () => STATE,
      tokenize(line) {
        // Every token of the language fits on one line, so each line lexes on its own.
        const { tokens, comments } = tokenize({ name: '', text: line });
        const all = [...tokens, ...comments].sort((a, b) => a.startOffset - b.startOffset);
        const out: monaco.languages.IToken[] = [];
        let pos = 0;
        for (const t of all) {
          // Gaps are whitespace (skipped by the lexer) or characters it rejected.
          if (t.startOffset > pos) out.push({ startIndex: pos, scopes: line.slice(pos, t.startOffset).trim() ? 'invalid' : '' });
          out.push({ startIndex: t.startOffset, scopes: SCOPE[tokenClass(t.tokenType)] });
          pos = t.startOffset + t.image.length;
        }
        if (pos < line.length) out.push({ startIndex: pos, scopes: line.slice(pos).trim() ? 'invalid' : '' });
        return { tokens: out, endState: STATE };
      },
    });
  });
  // Case files: YAML; claims files: JSON (NDJSON is a JSON value a line). Completion and
  // diagnostics come from the worker, from the case and claim schemas.
  const grammars = { yaml: [yamlConf as monaco.languages.LanguageConfiguration, yamlLanguage as monaco.languages.IMonarchLanguage], json: [jsonConf, jsonLanguage] } as const;
  for (const [id, [conf, language]] of Object.entries(grammars)) {
    monaco.languages.register({ id });
    monaco.languages.setLanguageConfiguration(id, conf);
    monaco.languages.setMonarchTokensProvider(id, language);
    monaco.languages.registerCompletionItemProvider(id, { triggerCharacters: ['"', ' ', '{', ','], provideCompletionItems: completionItems });
  }
  monaco.languages.registerDocumentSymbolProvider(LANGUAGE_ID, {
    provideDocumentSymbols(model) {
      const sym = lastSymbols.get(model.uri.toString());
      if (!sym) return [];
      const path = pathOf(model);
      const range = (start: number, end: number) => {
        const a = model.getPositionAt(start);
        const b = model.getPositionAt(end);
        return new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column);
      };
      return [
        ...sym.rules.filter((r) => r.file === path).map((r) => ({ name: r.id, detail: r.title ?? r.citation ?? '', kind: monaco.languages.SymbolKind.Function, tags: [], range: range(r.start, r.end), selectionRange: range(r.start, r.end) })),
        ...sym.codeSets.filter((c) => c.file === path).map((c) => ({ name: c.name, detail: c.summary, kind: monaco.languages.SymbolKind.Enum, tags: [], range: range(c.start, c.end), selectionRange: range(c.start, c.end) })),
      ];
    },
  });
  monaco.languages.registerCompletionItemProvider(LANGUAGE_ID, {
    // A space after `in`, `on`, `require`… asks too: completion is offered without typing a letter.
    triggerCharacters: ['.', ' '],
    provideCompletionItems: completionItems,
  });
  monaco.languages.registerHoverProvider(LANGUAGE_ID, {
    async provideHover(model, position) {
      const h = await ask<HoverInfo | null>({ type: 'hover', path: pathOf(model), text: model.getValue(), offset: model.getOffsetAt(position) });
      if (!h) return null;
      const a = model.getPositionAt(h.start);
      const b = model.getPositionAt(h.end);
      return { range: new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column), contents: [{ value: h.markdown }] };
    },
  });
  monaco.languages.registerDefinitionProvider(LANGUAGE_ID, {
    async provideDefinition(model, position) {
      const d = await ask<DefinitionInfo | null>({ type: 'definition', path: pathOf(model), text: model.getValue(), offset: model.getOffsetAt(position) });
      if (!d) return null;
      if (d.file === pathOf(model)) {
        const a = model.getPositionAt(d.start);
        const b = model.getPositionAt(d.end);
        return { uri: model.uri, range: new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column) };
      }
      openFile(d.file, d.start);
      return null;
    },
  });
  monaco.languages.registerDocumentFormattingEditProvider(LANGUAGE_ID, {
    async provideDocumentFormattingEdits(model) {
      const r = await ask<{ text: string; diagnostics: Diagnostic[] }>({ type: 'format', path: pathOf(model), text: model.getValue() });
      if (r.diagnostics.length || r.text === model.getValue()) return [];
      return [{ range: model.getFullModelRange(), text: r.text }];
    },
  });
  monaco.languages.registerCodeActionProvider(LANGUAGE_ID, {
    provideCodeActions(model, _range, context) {
      const actions: monaco.languages.CodeAction[] = [];
      const ds = lastDiagnostics.get(model.uri.toString()) ?? [];
      for (const marker of context.markers) {
        const d = ds.find((x) => x.code === marker.code && model.getPositionAt(x.span.start).lineNumber === marker.startLineNumber && model.getPositionAt(x.span.start).column === marker.startColumn);
        const m = d?.help && /did you mean `([^`]+)`\?/.exec(d.help);
        if (!m) continue;
        actions.push({
          title: `Change to \`${m[1]}\``,
          kind: 'quickfix',
          diagnostics: [marker],
          isPreferred: true,
          edit: { edits: [{ resource: model.uri, versionId: model.getVersionId(), textEdit: { range: new monaco.Range(marker.startLineNumber, marker.startColumn, marker.endLineNumber, marker.endColumn), text: m[1]! } }] },
        });
      }
      return { actions, dispose() {} };
    },
  });
}
