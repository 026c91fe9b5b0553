// Everything the editor needs that is large: Monaco (trimmed to what the studio uses, monaco.ts),
// its editor worker, the rules language's tokenizer (the real lexer, chevrotain), the YAML and JSON
// grammars and the editor's themes. One chunk, loaded by boot.ts while the page's shell renders
// and the open file's text is fetched, so the text is on screen before Monaco is.
import './monaco-env.ts';
import * as monaco from './monaco.ts';
import { followTheme, type Theme } from './theme.ts';

export { monaco };
export { LANGUAGE_ID, languageOf, registerLanguage, setDiagnostics, setSymbols } from './language/register.ts';

const TOKENS = {
  light: { keyword: '0000c0', type: '7a3e9d', constant: '006e6e', number: '09885a', string: 'a31515', comment: '5f6a75', invalid: 'cd3131' },
  dark: { keyword: '79b8ff', type: 'd2a8ff', constant: '56d4dd', number: '7ee787', string: 'ffa198', comment: '9ea7b3', invalid: 'ff7b72' },
};

for (const [name, base] of [['light', 'vs'], ['dark', 'vs-dark']] as const) {
  const c = TOKENS[name];
  monaco.editor.defineTheme(`payer-${name}`, {
    base,
    inherit: true,
    rules: [
      { token: 'keyword', foreground: c.keyword, fontStyle: 'bold' },
      { token: 'type', foreground: c.type, fontStyle: 'bold' },
      { token: 'constant', foreground: c.constant },
      { token: 'number', foreground: c.number },
      { token: 'string', foreground: c.string },
      { token: 'comment', foreground: c.comment, fontStyle: 'italic' },
      { token: 'invalid', foreground: c.invalid, fontStyle: 'underline' },
    ],
    colors: name === 'dark' ? { 'editor.background': '#0d1117' } : {},
  });
}
followTheme((t: Theme) => monaco.editor.setTheme(`payer-${t}`));
